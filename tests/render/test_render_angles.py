"""Text in angle brackets that is not markup (generics, JSX names) survives as GitHub shows it."""

from __future__ import annotations

import pytest

from qa2anki.render import Renderer
from qa2anki.sanitize import sanitize_html


def _card_html(markdown_text: str) -> str:
    return sanitize_html(Renderer().block(markdown_text))


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("Use Map<String, Integer> for counts.", "Map&lt;String, Integer&gt;"),
        ("Declare List<T> once.", "List&lt;T&gt;"),
        ("Wrap it in <Suspense> to wait.", "&lt;Suspense&gt;"),
        ("- a Vec<u8> buffer", "Vec&lt;u8&gt;"),
        ("x < 3 and y > 2", "x &lt; 3 and y &gt; 2"),
    ],
)
def test_stray_angle_brackets_stay_text(source: str, shown: str):
    assert shown in _card_html(source)


def test_real_markup_and_code_are_untouched():
    html = _card_html(
        "Keep <b>bold</b>, `List<T>` and <https://example.org>.\n\n"
        "```java\nMap<String, Integer> m = new HashMap<>();\n```\n\n"
        "    Indented<T> code\n"
    )
    assert "<b>bold</b>" in html
    assert "<code>List&lt;T&gt;</code>" in html
    assert 'href="https://example.org"' in html
    assert "HashMap" in html and "&amp;lt;" not in html  # escaped once, by the highlighter
    assert "Indented&lt;T&gt; code" in html
