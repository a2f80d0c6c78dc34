"""Markdown documents written the way GitHub interview repos and blogs write them, each with a key.

Every ``tests/data/mdgen/NAME.md`` has a sibling ``NAME.expected.yaml`` (adding a case is adding
those two files); the keys are those of ``test_generality``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from test_generality import check_document

from conftest import DATA
from qa2anki.adapters import read_source
from qa2anki.render import Renderer

CORPUS = DATA / "mdgen"
DOCUMENTS = sorted(CORPUS.glob("*.md"))


def _key(document: Path) -> dict:
    return yaml.safe_load(document.with_suffix(".expected.yaml").read_text(encoding="utf-8"))


def test_corpus_is_complete():
    assert len(DOCUMENTS) >= 12
    assert all(d.with_suffix(".expected.yaml").exists() for d in DOCUMENTS)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_markdown_document_matches_its_key(document: Path):
    check_document(document, _key(document))


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
