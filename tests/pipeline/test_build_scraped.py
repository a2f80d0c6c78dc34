"""End to end: the numbered scraped page (seed 001) -> .apkg -> a real Anki collection."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ankitools import import_apkg
from conftest import SOURCES
from qa2anki.cli import main

SEED_001 = SOURCES / "001_69c6ad9c276d4e73.txt"
SEED_KEY = SEED_001.relative_to(Path.cwd()).as_posix()  # tests run from the repository root


def _build(tmp_path: Path) -> tuple[Path, dict]:
    out, report = tmp_path / "out.apkg", tmp_path / "report.json"
    result = CliRunner().invoke(main, ["build", str(SEED_001), "-o", str(out), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "52 cards from 1 source, 18 items dropped" in result.output
    return out, json.loads(report.read_text(encoding="utf-8"))


def test_001_builds_52_notes_in_real_anki(tmp_path, collection):
    apkg, _ = _build(tmp_path)
    assert import_apkg(collection, apkg).new == 52
    questions = {collection.get_note(nid)["Question"] for nid in collection.find_notes("")}
    assert len(questions) == 52
    assert "What is FastAPI and what are the three main technologies it is built upon?" in questions
    (nid,) = collection.find_notes('"Question:What is FastAPI and what are the three*"')
    note = collection.get_note(nid)
    assert note["Level"] == "easy"  # Junior, on the deck's one scale
    assert "qa2anki::level::easy" in note.tags
    assert "<ul>" in note["Answer"] and "<li>Starlette" in note["Answer"]


def test_001_report_lists_the_18_placeholders(tmp_path):
    _, report = _build(tmp_path)
    placeholders = [entry for entry in report["dropped"] if entry["reason"] == "placeholder"]
    assert [entry["ref"] for entry in placeholders] == [f"Q{n}" for n in range(53, 71)]
    assert placeholders[0]["line"] == 1370
    assert {entry["file"] for entry in placeholders} == {SEED_KEY}  # its path, not only its name
    (source,) = report["sources"]
    assert (source["format"], source["items"], source["dropped"]) == ("numbered-text", 52, 18)
