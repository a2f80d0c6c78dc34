from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def collection(tmp_path: Path):
    """A fresh, empty Anki collection, closed after the test."""
    from anki.collection import Collection

    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A writable copy of the seed sources."""
    target = tmp_path / "sources"
    shutil.copytree(SOURCES, target)
    return target
