"""The sanitizer runs only where it can change something: HTML the renderer wrote all by itself
(no raw HTML, link or image in the source) comes out of it unchanged, so it is not run there."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA
from qa2anki.adapters import UnsupportedFormatError, read_source
from qa2anki.errors import Qa2AnkiError
from qa2anki.models import Item
from qa2anki.render import Renderer, _safe
from qa2anki.sanitize import sanitize_html

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(
    path for folder in (DATA, ROOT / "sources") for path in folder.rglob("*")
    if path.is_file() and path.suffix in (".md", ".txt", ".json", ".yaml", ".yml", ".csv", ".tsv")
    and ".expected" not in path.name and "key" not in path.stem
)


def _items(path: Path) -> list[Item]:
    try:
        return list(read_source(path).items)
    except (UnsupportedFormatError, Qa2AnkiError):
        return []


def test_own_markup_is_left_as_the_sanitizer_would_leave_it():
    renderer = Renderer()
    own = foreign = 0
    for path in DOCUMENTS:
        for item in _items(path):
            rendered = renderer.answer(item)
            if renderer.take_foreign():
                foreign += 1
                continue
            own += 1
            kept = _safe(rendered, item, None, renderer)
            assert sanitize_html(rendered) == kept, f"{path.name}: {item.answer[:80]!r}"
    assert own > 500 and foreign > 20  # both kinds are really checked


@pytest.mark.parametrize("markdown", [
    "<b>bold</b> text", "[a link](https://example.com)", "![a picture](pic.png)",
    "<details><summary>More</summary>\n\nHidden\n</details>", "See <https://example.com>",
])
def test_raw_html_links_and_images_are_foreign(markdown: str):
    renderer = Renderer()
    renderer.block(markdown)
    assert renderer.take_foreign()
    assert not renderer.take_foreign()  # taken once


def test_html_answers_are_foreign():
    renderer = Renderer()
    renderer.html("<div>text</div>")
    assert renderer.take_foreign()
