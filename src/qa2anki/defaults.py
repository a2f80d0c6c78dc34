"""Names the command line shows in its help before any of the library is loaded."""

#: The manifest read when no FILE and no --config is given.
DEFAULT_MANIFEST = "qa2anki.yaml"
