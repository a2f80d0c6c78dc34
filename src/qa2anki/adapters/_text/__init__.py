"""Helpers the format readers share: none of these is a format, and none reads a whole file."""
