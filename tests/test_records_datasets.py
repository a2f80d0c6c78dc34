"""Question files made by programs: quiz API dumps and machine-learning data sets.

Their records follow a program's schema rather than a person's habits (an Open Trivia DB
response keeps the correct answer apart from ``incorrect_answers`` and encodes every text as
HTML), so what is checked here is that such a record becomes the card its schema means, and
that its encoded texts read decoded on the card in real Anki.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from anki.collection import Collection
from click.testing import CliRunner

from ankitools import import_apkg
from qa2anki.adapters import read_text_as
from qa2anki.cli import main


def _read(records: object, format: str = "json"):  # type: ignore[no-untyped-def]
    text = records if isinstance(records, str) else json.dumps(records, indent=2)
    return read_text_as(text, "data.json", format)


def _trivia(question: str, correct: str, incorrect: list[str], category: str = "General") -> dict:
    return {"category": category, "type": "multiple", "difficulty": "easy", "question": question,
            "correct_answer": correct, "incorrect_answers": incorrect}


# --- answers kept apart from the wrong options --------------------------------------------------


def test_a_number_kept_apart_is_an_option_text_not_an_option_number():
    result = _read({"response_code": 0, "results": [
        _trivia("Capital of Peru?", "Lima", ["Quito", "Bogota", "La Paz"]),
        _trivia("How many bits in an IPv4 address?", "32", ["16", "64", "128"]),
        _trivia("How many sides has a square?", "4", ["3", "5", "6"]),
    ]})
    assert not result.dropped
    assert [item.answer for item in result.items] == ["C. Lima", "B. 32", "B. 4"]
    assert result.items[1].prompt == "- A. 16\n- B. 32\n- C. 64\n- D. 128"  # by value, not "128" < "16"


def test_numbers_alone_are_still_option_numbers():
    result = _read([{"question": "Pick the even one?", "choices": ["3", "5", "8"], "answer": 2},
                    {"question": "Pick the prime?", "choices": ["4", "7", "9"], "answer": 1},
                    {"question": "Pick zero?", "choices": ["0", "1", "2"], "answer": 0}])
    assert [item.answer for item in result.items] == ["C. 8", "B. 7", "A. 0"]


# --- HTML-encoded texts ----------------------------------------------------------------------


def test_encoded_category_names_are_decoded_once():
    result = _read({"results": [_trivia("Which is a noble gas?", "Neon", ["Iron", "Tin", "Lead"],
                                        "Science &amp; Nature"),
                                _trivia("Which is a metal?", "Iron", ["Neon", "Argon", "Xenon"],
                                        "Science &amp; Nature")]})
    assert {item.meta["topic"] for item in result.items} == {"Science & Nature"}


def test_encoded_quiz_texts_read_decoded_in_anki(tmp_path: Path, collection: Collection):
    (tmp_path / "trivia.json").write_text(json.dumps({"response_code": 0, "results": [
        _trivia("What does &quot;CPU&quot; stand for in Tom&#039;s notes?", "Central Processing Unit",
                ["Core &amp; Power Unit", "Central Program Utility", "Control &lt;Peripheral&gt; Unit"],
                "Science &amp; Nature"),
        _trivia("Which tag starts a paragraph?", "&lt;p&gt;", ["&lt;br&gt;", "&lt;div&gt;", "&lt;a&gt;"],
                "Science &amp; Nature"),
    ]}), encoding="utf-8")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: Trivia\n    output: out.apkg\n    subdecks: topic\n    sources:\n"
        "      - trivia.json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "qa2anki.yaml"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert import_apkg(collection, tmp_path / "out.apkg").new == 2
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    shown = {_read_as_learner(note["Question"]): _read_as_learner(note["Answer"]) for note in notes}
    question = next(q for q in shown if q.startswith("What does"))
    assert question.startswith("What does \"CPU\" stand for in Tom's notes?")
    assert "Core & Power Unit" in question and "Control <Peripheral> Unit" in question
    assert shown[question] == "A. Central Processing Unit"
    assert "D. <p>" in shown[next(q for q in shown if q.startswith("Which tag"))]
    decks = {collection.decks.name(note.cards()[0].did) for note in notes}
    assert decks == {"Trivia::Science & Nature"}


def _read_as_learner(field_html: str) -> str:
    """What a learner reads: tags gone, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", field_html)).split())
