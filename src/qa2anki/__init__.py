"""qa2anki: interview Q&A from many sources into one clean, rebuildable Anki deck.

The library is the product; the ``qa2anki`` command is a thin shell over it::

    from qa2anki import load_manifest, build
    report = build(load_manifest("qa2anki.yaml"))
"""

__version__ = "0.1.0"

from .adapters import ADAPTERS, detect, read_source  # noqa: E402
from .errors import ManifestError, OutputError, Qa2AnkiError, SourceError  # noqa: E402
from .manifest import load_manifest, manifest_for_files  # noqa: E402
from .models import Card, Dropped, Item  # noqa: E402
from .pipeline import BuildReport, build  # noqa: E402

__all__ = [
    "ADAPTERS", "BuildReport", "Card", "Dropped", "Item", "ManifestError", "OutputError",
    "Qa2AnkiError", "SourceError", "build", "detect", "load_manifest", "manifest_for_files",
    "read_source", "__version__",
]
