"""qa2anki: interview Q&A from many sources into one clean, rebuildable Anki deck.

The library is the product; the ``qa2anki`` command is a thin shell over it::

    from qa2anki import load_manifest, build
    report = build(load_manifest("qa2anki.yaml"))

The names below are imported on first use, so ``qa2anki --help`` and ``--version`` answer
without loading the markdown, highlighting and packaging libraries a build needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> the module that defines it
_EXPORTS = {
    "ADAPTERS": "adapters", "detect": "adapters", "read_source": "adapters",
    "ManifestError": "errors", "OutputError": "errors", "Qa2AnkiError": "errors", "SourceError": "errors",
    "load_manifest": "manifest", "manifest_for_files": "manifest",
    "Card": "models", "Dropped": "models", "Item": "models",
    "BuildReport": "report", "build": "pipeline",
}

if TYPE_CHECKING:  # pragma: no cover
    from .adapters import ADAPTERS, detect, read_source
    from .errors import ManifestError, OutputError, Qa2AnkiError, SourceError
    from .manifest import load_manifest, manifest_for_files
    from .models import Card, Dropped, Item
    from .pipeline import build
    from .report import BuildReport


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qa2anki' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [
    "ADAPTERS", "BuildReport", "Card", "Dropped", "Item", "ManifestError", "OutputError",
    "Qa2AnkiError", "SourceError", "build", "detect", "load_manifest", "manifest_for_files",
    "read_source", "__version__",
]
