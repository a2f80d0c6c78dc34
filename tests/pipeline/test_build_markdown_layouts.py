"""End to end: a details/summary FAQ and a Q:/A: file (BOM, CRLF) -> .apkg -> real Anki."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from ankitools import import_apkg, notes_by_question
from conftest import DATA
from qa2anki.cli import main

MARKDOWN = DATA / "markdown"


def _build(tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "faq.apkg"
    files = [str(MARKDOWN / "details.md"), str(MARKDOWN / "pairs.md")]
    result = CliRunner().invoke(main, ["build", *files, "-o", str(out), "--deck", "FAQ"])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_details_and_pairs_build_into_real_anki(tmp_path, collection):
    apkg, output = _build(tmp_path)
    assert "FAQ: 8 cards from 2 sources, 2 items dropped" in output
    assert import_apkg(collection, apkg).new == 8
    notes = notes_by_question(collection)
    assert set(notes) == {
        "What is FastAPI?",
        "How do I declare a path parameter?",
        "What does <code>Depends</code> do?",
        "Why use <code>lifespan</code>?",
        "What is a QuerySet?",
        "How do you avoid N+1 queries?",
        "What is a class-based view?",
        "What is middleware?",
    }
    path_answer = notes["How do I declare a path parameter?"]["Answer"]
    assert '<div class="highlight">' in path_answer
    assert '<span class="c1"># item_id is already an int here</span>' in path_answer
    assert "<summary>" not in path_answer and "</details>" not in path_answer
    depends = notes["What does <code>Depends</code> do?"]
    # the indented code is kept as code, and the repair stage labels it Python
    assert "<pre>" in depends["Answer"] and "def common" in re.sub("<[^>]+>", "", depends["Answer"])
    assert '<span class="k">def</span>' in depends["Answer"]
    assert "qa2anki::topic::Advanced_topics" in depends.tags
    middleware = notes["What is middleware?"]["Answer"]
    assert "<ol>" in middleware and "<li>request middleware" in middleware
    assert "\r" not in middleware and "\ufeff" not in "".join(notes)


def test_rebuilding_the_faq_adds_nothing(tmp_path, collection):
    apkg, _ = _build(tmp_path)
    import_apkg(collection, apkg)
    again, _ = _build(tmp_path)
    assert import_apkg(collection, again).new == 0
    assert len(collection.find_notes("")) == 8
