"""Markdown documents written the way GitHub interview repos and blogs write them, each with a key.

Every ``tests/data/mdgen/NAME.md`` has a sibling ``NAME.expected.yaml`` (adding a case is adding
those two files). Besides the keys of ``test_generality`` a key may list ``topics`` (one per
item, ``null`` for none) and ``absent``: per item, text its answer must not contain.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import DATA
from qa2anki.adapters import detect, read_source
from qa2anki.render import Renderer
from qa2anki.textio import read_text
from test_generality import _check_ends, _check_per_item

CORPUS = DATA / "mdgen"
DOCUMENTS = sorted(CORPUS.glob("*.md"))


def _key(document: Path) -> dict:
    return yaml.safe_load(document.with_suffix(".expected.yaml").read_text(encoding="utf-8"))


def test_corpus_is_complete():
    assert len(DOCUMENTS) >= 12
    assert all(d.with_suffix(".expected.yaml").exists() for d in DOCUMENTS)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_markdown_document_matches_its_key(document: Path):
    key = _key(document)
    text, _ = read_text(document)
    assert detect(text, document.name).format == key["format"]
    result = read_source(document)
    questions = [item.question for item in result.items]
    assert len(result.items) == key["items"], questions
    assert Counter(d.reason for d in result.dropped) == Counter(key.get("dropped") or {})
    _check_ends(result, key)
    _check_per_item(result, key)
    if "topics" in key:
        assert [item.meta.get("topic") for item in result.items] == key["topics"]
    for position, texts in (key.get("absent") or {}).items():
        for text in texts:
            assert text not in result.items[position].answer, (text, result.items[position].answer)


FENCE_OPENING = re.compile(r"^\s*(```|~~~)", re.MULTILINE)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_every_answer_renders_its_code_and_lists(document: Path):
    """As on GitHub: each fence a highlighted block, no markdown list or fence left as text."""
    render = Renderer().block
    for item in read_source(document).items:
        html = render(item.answer)
        fences = len(FENCE_OPENING.findall(item.answer)) // 2
        assert html.count('<div class="highlight">') == fences, (item.question, html)
        assert "```" not in html and not re.search(r"(?m)^(<p>)?\s*[-*] \S", html), (item.question, html)
        prose = re.sub(r"(?s)<pre>.*?</pre>|<code>.*?</code>", "", html)
        assert "`" not in prose and "**" not in prose, (item.question, html)  # inline markup rendered
