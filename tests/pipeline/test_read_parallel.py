"""Reading many sources on several cores gives what reading them one by one gives."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from conftest import SOURCES
from qa2anki import pipeline
from qa2anki.errors import SourceError
from qa2anki.manifest import DeckSpec, SourceSpec


def _deck(folder: Path, *extra: Path) -> DeckSpec:
    paths = []
    for source in sorted(SOURCES.iterdir()):
        shutil.copy(source, folder / source.name)
        paths.append(folder / source.name)
    specs = tuple(SourceSpec(path=p) for p in [*paths, *extra])
    return DeckSpec(name="D", output=folder / "d.apkg", sources=specs)


def test_parallel_read_matches_sequential(tmp_path: Path, monkeypatch):
    unknown = tmp_path / "notes.bin.txt"
    unknown.write_text("zzz qqq\n" * 3)
    deck = _deck(tmp_path, unknown)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    one = pipeline.read_deck_sources(deck)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(pipeline, "PARALLEL_READ_BYTES", 0)
    two = pipeline.read_deck_sources(deck)
    assert two == one
    assert len(one[0]) == 71 + 52 + 234 + 14 + 30


def test_an_error_in_a_worker_keeps_its_file_and_line(tmp_path: Path, monkeypatch):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"data":1},\n{"q": "x"')  # a truncated payload
    deck = _deck(tmp_path, broken)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(pipeline, "PARALLEL_READ_BYTES", 0)
    with pytest.raises(SourceError) as caught:
        pipeline.read_deck_sources(deck)
    assert caught.value.file and "broken.json" in caught.value.file


def test_errors_survive_pickling():
    error = pickle.loads(pickle.dumps(SourceError("bad", file="a.md", line=3)))
    assert (type(error), str(error), error.file, error.line) == (SourceError, "a.md:3: bad", "a.md", 3)
