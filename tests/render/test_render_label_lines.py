"""The label-line trap (MARKDOWN-TRAPS.md): a fence or list right under ``Example:`` renders as on GitHub."""

from __future__ import annotations

import pytest

from htmlcheck import without_line_spans
from qa2anki.render import Renderer


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def test_fence_under_a_label_line_is_code(renderer: Renderer):
    html = renderer.block("Example:\n```python\n# a comment\nx = 1\n```")
    assert html.startswith("<p>Example:</p>\n<div class=\"highlight\"><pre>")
    assert "```" not in html
    assert '<span class="c1"># a comment</span>' in html
    assert '<span class="n">x</span>' in html


def test_dash_list_under_a_label_line_is_a_list(renderer: Renderer):
    html = renderer.block("Concept:\n- **`async def`:** awaits\n- `def`: blocks\n  - in a thread\n\nAfter.")
    assert html.startswith("<p>Concept:</p>\n<ul>\n<li><strong><code>async def</code>:</strong> awaits</li>")
    assert "<li><code>def</code>: blocks\n<ul>\n<li>in a thread</li>\n</ul>" in html
    assert "- " not in html
    assert html.endswith("<p>After.</p>")


def test_numbered_list_under_a_label_line_is_a_list(renderer: Renderer):
    html = renderer.block("Steps:\n1. first\n2. second")
    assert html == "<p>Steps:</p>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>"


def test_unlabelled_fence_from_indented_code_stays_plain_code(renderer: Renderer):
    html = without_line_spans(renderer.block("Like this:\n\n```\n# not a heading\nplain()\n```"))
    assert "<h1>" not in html
    assert "<code># not a heading\nplain()\n</code>" in html
