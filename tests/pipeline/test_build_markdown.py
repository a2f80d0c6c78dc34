"""End to end: sources/004 (markdown) -> .apkg -> a real Anki collection."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from ankitools import import_apkg
from conftest import SOURCES
from qa2anki.cli import main

SEED_004 = SOURCES / "004_7624664d3e7a1fbf.txt"


def _questions_in(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [m.group(1) for m in re.finditer(r"^## Q\d+\. (.+)$", text, re.MULTILINE)]


def _build(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "out.apkg"
    result = CliRunner().invoke(
        main, ["build", str(SEED_004), "-o", str(out), "--deck", "Interview::FastAPI", *extra]
    )
    assert result.exit_code == 0, result.output
    return out


def test_builds_all_30_questions_into_real_anki(tmp_path, collection):
    log = import_apkg(collection, _build(tmp_path))
    assert log.new == 30
    note_ids = collection.find_notes("")
    assert len(note_ids) == 30
    questions = {collection.get_note(nid)["Question"] for nid in note_ids}
    expected = _questions_in(SEED_004)
    assert len(expected) == 30
    assert "What makes FastAPI &quot;fast&quot;?" in questions or 'What makes FastAPI "fast"?' in questions
    assert "How do you make parameters optional?" in questions
    assert (
        "What is the difference between <code>def</code> and <code>async def</code> endpoints?" in questions
    )


def test_code_is_highlighted_with_indentation_kept(tmp_path, collection):
    import_apkg(collection, _build(tmp_path))
    (nid,) = collection.find_notes('"Question:What is the difference between <code>def</code>*"')
    answer = collection.get_note(nid)["Answer"]
    assert '<div class="highlight">' in answer
    assert '<span class="k">' in answer or '<span class="nd">' in answer
    assert '<span class="qa-ln qa-i4">    <span' in answer  # the handler body is still indented


def test_deck_and_tags_as_configured(tmp_path, collection):
    import_apkg(collection, _build(tmp_path))
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert "Interview::FastAPI" in names
    card_ids = collection.find_cards('deck:"Interview::FastAPI"')
    assert len(card_ids) == 30
    note = collection.get_note(collection.find_notes("")[0])
    assert "qa2anki::source::004_7624664d3e7a1fbf" in note.tags


def test_importing_the_same_build_twice_adds_nothing(tmp_path, collection):
    apkg = _build(tmp_path)
    assert import_apkg(collection, apkg).new == 30
    second = import_apkg(collection, apkg)
    assert (second.new, second.updated) == (0, 0)
    assert len(collection.find_notes("")) == 30


def test_rebuild_keeps_guids(tmp_path, collection):
    first = _build(tmp_path)
    import_apkg(collection, first)
    second = _build(tmp_path)
    log = import_apkg(collection, second)
    assert log.new == 0
    assert len(collection.find_notes("")) == 30
