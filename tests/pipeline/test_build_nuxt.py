"""End to end: sources/000 (a Nuxt payload) -> .apkg via the CLI -> a real Anki collection."""

from __future__ import annotations

from click.testing import CliRunner

from ankitools import import_apkg
from conftest import SOURCES
from qa2anki.cli import main

SEED_000 = SOURCES / "000_ef3bbbb18375a36d.txt"


def test_payload_builds_71_notes_with_topic_tags_and_levels(tmp_path, collection):
    out = tmp_path / "fastapi.apkg"
    result = CliRunner().invoke(main, ["build", str(SEED_000), "-o", str(out), "--deck", "FastAPI"])
    assert result.exit_code == 0, result.output
    assert "71 cards from 1 source" in result.output
    assert import_apkg(collection, out).new == 71
    assert len(collection.find_notes("")) == 71
    assert len(collection.find_notes("tag:qa2anki::topic::Fundamentals::Async_Basics")) == 15
    assert len(collection.find_notes("tag:qa2anki::topic::Fundamentals::OpenAPI_&_Docs")) == 13
    assert len(collection.find_notes("tag:qa2anki::source::000_ef3bbbb18375a36d")) == 71
    levels = {level: len(collection.find_notes(f"tag:qa2anki::level::{level}"))
              for level in ("easy", "medium", "hard")}
    assert sum(levels.values()) == 71 and all(levels.values())
    (nid,) = collection.find_notes('"Question:What is async/await in Python and why does FastAPI use it?"')
    note = collection.get_note(nid)
    assert note["Topic"] == "Fundamentals · Async Basics"
    assert note["Level"] == "easy"
    # named by the payload's own framework and topic, never by its hashed file name
    assert note["Source"] == '<ul class="qa-sources"><li>FastAPI · Fundamentals</li></ul>'
    assert '<div class="highlight">' in note["Answer"]
