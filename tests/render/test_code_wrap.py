"""Code lines carry their indentation, so phones can wrap them hanging under themselves
(the browser test looks at them); ``code_wrap: false`` in a deck keeps the sideways scroll."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from ankitools import import_apkg, notes_by_question
from htmlcheck import without_line_spans
from qa2anki.cli import main
from qa2anki.package import card_css
from qa2anki.render import MAX_HANGING, highlight_code


def test_every_code_line_is_a_span_classed_by_its_indentation():
    code = "def f():\n    if x:\n\treturn 1\n" + " " * 40 + "deep()\n\n"
    html = highlight_code(code, "python")
    assert html.count('class="qa-ln ') == 5
    classes = [part.split('"')[0] for part in html.split('class="qa-ln ')[1:]]
    assert classes == ["qa-i0", "qa-i4", "qa-i4", f"qa-i{MAX_HANGING}", "qa-i0"]  # a tab is 4
    # the spans only wrap lines: without them, it is pygments' own output, token for token
    pygments_own = highlight(code, PythonLexer(stripnl=False), HtmlFormatter(wrapcode=True))
    assert without_line_spans(html) == pygments_own
    plain = highlight_code("<b>not html</b>\n  indented\n", "")
    assert '<span class="qa-ln qa-i2">  indented\n</span>' in plain and "&lt;b&gt;" in plain


def test_the_stylesheet_wraps_code_on_phones_only():
    css = card_css()
    assert "@media (max-width: 600px)" in css and ".mobile .card pre { white-space: pre-wrap;" in css
    assert f".card pre .qa-i{MAX_HANGING} {{ padding-left: {MAX_HANGING + 2}ch;" in css
    assert ".card .qa-nowrap pre { white-space: pre;" in css


def test_code_wrap_false_marks_the_decks_code_blocks(tmp_path: Path, collection):
    (tmp_path / "notes.md").write_text("## What is x?\n\n```python\nx = 1\n```\n", encoding="utf-8")
    manifest = tmp_path / "qa2anki.yaml"
    manifest.write_text("decks:\n  - name: D\n    output: d.apkg\n    code_wrap: false\n"
                        "    sources: [notes.md]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(manifest)])
    assert result.exit_code == 0, result.output
    import_apkg(collection, tmp_path / "d.apkg")
    assert '<div class="highlight qa-nowrap">' in notes_by_question(collection)["What is x?"]["Answer"]
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("false", "sometimes"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(manifest)])
    assert result.exit_code == 1 and "qa2anki.yaml:4" in result.output
    assert "'code_wrap' must be true or false" in result.output
