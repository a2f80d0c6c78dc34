"""Documents in layouts other than the seeds, each checked against a hand-written answer key.

Every ``tests/data/generality/NAME.EXT`` has a sibling ``NAME.expected.yaml``; adding a case is
adding those two files. A key states the detected format, the item count, the first and last
question (or, for answer-only pages, how the first and last units start and end), dropped
items by reason, and optionally levels, meta, tags, refs, lines, topics, text the answers must
(or must not) contain, and per item text its answer must not contain (``absent``). Items are
addressed by position; negative positions count from the end.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from conftest import DATA
from qa2anki.adapters import detect, read_source
from qa2anki.cli import main
from qa2anki.models import SourceResult
from qa2anki.textio import read_text

CORPUS = DATA / "generality"
KEY_SUFFIX = ".expected.yaml"
DOCUMENTS = sorted(p for p in CORPUS.iterdir() if not p.name.endswith(KEY_SUFFIX))


def _key_path(document: Path) -> Path:
    return document.with_name(document.stem + KEY_SUFFIX)


def _key(document: Path) -> dict[str, Any]:
    return yaml.safe_load(_key_path(document).read_text(encoding="utf-8"))


def test_every_document_has_an_answer_key():
    assert DOCUMENTS
    missing = [p.name for p in DOCUMENTS if not _key_path(p).exists()]
    assert not missing


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_document_matches_its_answer_key(document: Path):
    check_document(document, _key(document))


def check_document(document: Path, key: dict[str, Any]) -> None:
    """Read ``document`` as qa2anki would and compare it with its answer ``key``."""
    text, _ = read_text(document)
    assert detect(text, document.name).format == key["format"]
    result = read_source(document)
    assert result.format == key["format"]
    assert len(result.items) == key["items"], [i.question or i.answer[:50] for i in result.items]
    assert Counter(d.reason for d in result.dropped) == Counter(key.get("dropped") or {})
    _check_ends(result, key)
    _check_per_item(result, key)


def _check_ends(result: SourceResult, key: dict[str, Any]) -> None:
    for text in key.get("not_contains", []):
        assert not any(text in item.answer or text in item.question for item in result.items), text
    if not result.items:  # a document with no answered question: its key names none
        assert not {"first_question", "first_answer_starts", "every_answer_contains"} & set(key)
        return
    first, last = result.items[0], result.items[-1]
    if "first_question" in key:
        assert first.question == key["first_question"]
        assert last.question == key["last_question"]
    if "first_answer_starts" in key:
        assert first.answer.startswith(key["first_answer_starts"]), first.answer[:120]
        assert last.answer.startswith(key["last_answer_starts"]), last.answer[:120]
        assert last.answer.endswith(key["last_answer_ends"]), last.answer[-120:]
    if "every_answer_contains" in key:
        assert all(key["every_answer_contains"] in item.answer for item in result.items)


def _check_per_item(result: SourceResult, key: dict[str, Any]) -> None:
    items = result.items
    if "levels" in key:
        assert [item.meta.get("level") or item.meta.get("difficulty") for item in items] == key["levels"]
    if "refs" in key:
        assert [item.ref for item in items] == key["refs"]
    if "lines" in key:
        assert [item.line for item in items] == key["lines"]
    for position, meta in (key.get("meta") or {}).items():
        assert {k: items[position].meta.get(k) for k in meta} == meta
    for position, question in (key.get("questions") or {}).items():
        assert items[position].question == question
    for position, tags in (key.get("tags") or {}).items():
        assert list(items[position].tags) == tags
    for position, texts in (key.get("contains") or {}).items():
        for text in texts:
            assert text in items[position].answer, (text, items[position].answer)
    for position, texts in (key.get("absent") or {}).items():
        for text in texts:
            assert text not in items[position].answer, (text, items[position].answer)
    if "topics" in key:
        assert [item.meta.get("topic") for item in items] == key["topics"]


def test_inspect_reports_every_document_in_its_format():
    result = CliRunner().invoke(main, ["inspect", *map(str, DOCUMENTS)])
    assert result.exit_code == 0, result.output
    found = dict(re.findall(r"(?m)^\S*?([^/\s]+)\n  format:\s+(\S+) \(detected", result.output))
    assert found == {document.name: _key(document)["format"] for document in DOCUMENTS}
