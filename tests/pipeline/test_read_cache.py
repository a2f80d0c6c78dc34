"""What each source read as is kept across builds: a rebuild reads only the files that changed,
and what comes back from the store is exactly what reading gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import qa2anki.pipeline as pipeline
from conftest import DATA
from qa2anki.adapters import UnsupportedFormatError
from qa2anki.errors import Qa2AnkiError
from qa2anki.manifest import DEFAULT_LIMITS, SourceSpec, load_manifest
from qa2anki.package import read_apkg_notes
from qa2anki.pipeline import build
from qa2anki.read_cache import FILE_NAME, _decoded, _encoded

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(
    path for folder in (DATA, ROOT / "sources") for path in folder.rglob("*")
    if path.is_file() and ".expected" not in path.name and path.suffix != ".py"
)


def test_every_corpus_document_comes_back_from_the_store_as_it_was_read():
    checked = 0
    for path in DOCUMENTS:
        spec = SourceSpec(path=path, key=path.name)
        try:
            outcome = pipeline._read_one(spec, DEFAULT_LIMITS)
        except Qa2AnkiError:
            continue  # refused: never stored
        kept = outcome.message if isinstance(outcome, UnsupportedFormatError) else outcome
        back = _decoded(json.loads(json.dumps(_encoded(kept))))
        assert back == kept, path.name
        if not isinstance(kept, str) and kept[1] is not None:
            assert back[1].kinds == kept[1].kinds  # type: ignore[index]  # compare=False in ==
        checked += 1
    assert checked > 200


MANIFEST = """decks:
  - name: Kept
    output: decks/kept.apkg
    sources: [one.md, two.md, three.md]
"""


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources read from their bytes (not taken from the store), build by build."""
    seen: list[str] = []
    real = pipeline._read_one

    def counting(spec, limits):  # type: ignore[no-untyped-def]
        seen.append(spec.name)
        return real(spec, limits)

    monkeypatch.setattr(pipeline, "_read_one", counting)
    return seen


def test_a_rebuild_reads_only_the_changed_source_and_writes_the_same_deck(tmp_path: Path, reads: list[str]):
    (tmp_path / "qa2anki.yaml").write_text(MANIFEST)
    for name in ("one", "two", "three"):
        (tmp_path / f"{name}.md").write_text(
            f"# {name}\n\n## Q1. What is {name}?\n\nIt is {name}.\n\n## Q2. Why {name}?\n\nBecause.\n")
    manifest = load_manifest(tmp_path / "qa2anki.yaml")
    build(manifest)
    assert sorted(reads) == ["one.md", "three.md", "two.md"]
    assert (tmp_path / ".qa2anki-cache" / FILE_NAME).is_file()
    (tmp_path / "two.md").write_text((tmp_path / "two.md").read_text().replace("Because.", "Because of it."))
    reads.clear()
    build(manifest)
    assert reads == ["two.md"]
    kept = read_apkg_notes(tmp_path / "decks" / "kept.apkg")
    reads.clear()
    build(manifest, use_cache=False)  # --no-cache: everything read again
    assert len(reads) == 3
    assert read_apkg_notes(tmp_path / "decks" / "kept.apkg") == kept


def test_a_damaged_store_is_a_miss_and_is_replaced(tmp_path: Path, reads: list[str]):
    (tmp_path / "qa2anki.yaml").write_text(MANIFEST.replace("[one.md, two.md, three.md]", "[one.md]"))
    (tmp_path / "one.md").write_text("# One\n\n## Q1. What is one?\n\nIt is one.\n")
    (tmp_path / ".qa2anki-cache").mkdir()
    (tmp_path / ".qa2anki-cache" / FILE_NAME).write_bytes(b"\x00garbage" * 64)
    build(load_manifest(tmp_path / "qa2anki.yaml"))
    assert reads == ["one.md"]
    (tmp_path / "one.md").write_text("# One\n\n## Q1. What is one?\n\nIt is one, still.\n")
    (tmp_path / "two.md").write_text("unused")
    reads.clear()
    build(load_manifest(tmp_path / "qa2anki.yaml"))
    assert reads == ["one.md"]  # changed: read again; the store works again
