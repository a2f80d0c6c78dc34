"""``python -m qa2anki`` runs the command line."""

from .cli import main

main()
