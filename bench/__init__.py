"""Benchmarks for qa2anki: ``make bench`` (``python -m bench``) prints figures, never asserts."""
