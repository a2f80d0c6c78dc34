"""Math: found by pandoc's dollar rule (never in code), kept whole by markdown, stored for MathJax.

A dollar in prose is money or a shell variable: ``$5 and $10`` and ``$HOME`` are text. A formula
reaches the card as Anki's MathJax delimiters, ``\\(…\\)`` inline and ``\\[…\\]`` display, with its
TeX untouched (only ``<`` and ``&`` escaped for HTML). Real Anki stores it so.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankitools import import_apkg
from conftest import DATA
from qa2anki.adapters import read_source
from qa2anki.adapters.markdown.outline import Outline
from qa2anki.cli import main
from qa2anki.manifest import manifest_for_files
from qa2anki.math_spans import has_math_marker, math_spans
from qa2anki.pipeline import build
from qa2anki.preview import preview_html
from qa2anki.render import Renderer
from qa2anki.repair import repair_items
from qa2anki.sanitize import sanitize_html

REALWORLD = DATA / "realworld"
RENDERER = Renderer()

ALIGN = "\\begin{align}\na &= b \\\\\n- c &= d\n\\end{align}"
EQUATION = "\\begin{equation*}\n   x_1 + x_2\n   \\end{equation*}"
NOT_MATH = [
    "It costs $5 and $10.",
    "Set $HOME and $PATH first.",
    "Run `export PATH=$HOME/bin:$PATH` once.",
    "a $ b $ c",  # a space after the opening $
    "from $x $ to y",  # a space before the closing $
    "between $5 and 6$7",  # a digit right after the closing $
    "escaped \\$x\\$ dollars",
    "in code `$x$` only",
    "```bash\necho $HOME $x$\n```",
    "    $x$ in an indented code block",
    "\\[1\\] Smith, J. (2019)",  # an escaped citation mark, text after it
    "a \\(b with no closer",
    "\\begin{bmatrix}\n1 & 2\n\\end{bmatrix}",  # a matrix belongs inside a formula
    "\\begin{align}\na &= b\n\nc &= d\n\\end{align}",  # a blank line ends the paragraph, TeX allows none
]
MATH = [
    ("$x$", "$x$", False),
    ("a ($x_1$) b", "$x_1$", False),
    ("Then $$E = mc^2$$ holds", "$$E = mc^2$$", True),
    ("see \\(a<b\\) here", "\\(a<b\\)", False),
    ("Text:\n\\[\nx^2\n\\]\nmore", "\\[\nx^2\n\\]", True),
    ("Text:\n$$\n- a\n# b\n$$\nmore", "$$\n- a\n# b\n$$", True),
    ("| $x_1$ | b |\n|---|---|\n| c | d |", "$x_1$", False),
    ("> quoted $y_2$", "$y_2$", False),
    ("Then:\n" + ALIGN + "\nso", ALIGN, True),
    ("1. Sum:\n   " + EQUATION, EQUATION, True),
]


@pytest.mark.parametrize("text", NOT_MATH)
def test_dollars_in_prose_and_code_are_not_math(text: str):
    assert math_spans(text) == []
    assert "\\(" not in RENDERER.block(text) and "\\[" not in RENDERER.block(text).replace("\\[1", "")


@pytest.mark.parametrize(("text", "found", "display"), MATH)
def test_math_is_found_with_its_delimiters(text: str, found: str, display: bool):
    (span,) = math_spans(text)
    assert (text[span.start:span.end], span.display) == (found, display)


#: Deterministic and without time limits: the machine is shared, a slow example is no failure.
QUICK = settings(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
_AMOUNT = st.integers(0, 10**7).map(lambda n: f"${n:,}")


@QUICK
@given(st.lists(_AMOUNT, min_size=2, max_size=6), st.sampled_from([" and ", ", ", "/", "-", " to ", "; "]))
def test_dollar_amounts_are_never_math(amounts: list[str], separator: str):
    assert math_spans("Prices: " + separator.join(amounts) + ".") == []


_TEX_PIECES = [*"abxyz019_^{}+-=<>&*()|,.!'", "\\alpha", "\\frac", "\\sum", "\\{", "\\}", "\\\\", " ", "\\,"]
_TEX = st.lists(st.sampled_from(_TEX_PIECES), min_size=1, max_size=14).map("".join) \
    .filter(lambda tex: tex == tex.strip())


@QUICK
@given(_TEX)
def test_inline_tex_reaches_the_card_untouched(tex: str):
    """No emphasis from _ or *, no lost backslash, <, > and & escaped for HTML and nothing else."""
    rendered = RENDERER.block(f"Let ${tex}$ hold, and *this* is emphasis.")
    assert f"Let \\({html.escape(tex, quote=False)}\\) hold" in rendered
    assert "<em>this</em>" in rendered
    assert sanitize_html(rendered).count("\\(") == 1


@QUICK
@given(_TEX)
def test_display_tex_in_a_block_keeps_its_lines(tex: str):
    rendered = RENDERER.block(f"Text:\n\n$$\n{tex}\n- {tex}\n$$\n\nAfter.")
    assert f"\\[{html.escape(tex, quote=False)}\n- {html.escape(tex, quote=False)}\\]" in rendered
    assert "<li>" not in rendered


def test_a_display_environment_alone_reaches_the_card_whole():
    text = "Derive it:\n\\begin{align}\nf &= x_1 * y_2 \\\\\n- g &= 0\n\\end{align}\nDone."
    rendered = RENDERER.block(text)
    assert "\\[\\begin{align}\nf &amp;= x_1 * y_2 \\\\\n- g &amp;= 0\n\\end{align}\\]" in rendered
    assert "<em>" not in rendered and "<li>" not in rendered


def test_questions_keep_their_math():
    assert RENDERER.inline("What is $\\sum_{i=1}^n i$?") == "What is \\(\\sum_{i=1}^n i\\)?"
    assert RENDERER.inline("Is $5 a lot?") == "Is $5 a lot?"


def test_the_outline_reads_display_math_as_one_block():
    text = "### What is ridge?\n\nThe loss is\n$$\nL = \\sum_i e_i^2\n# not a heading\n- not a list\n$$\n\n" \
           "### What is lasso?\n\nThe same with $|\\beta|$.\n"
    assert [heading.text for heading in Outline(text).headings] == ["What is ridge?", "What is lasso?"]
    assert {4, 5, 6, 7} <= Outline(text).code_lines


def test_a_markdown_source_with_math_reads_its_questions(tmp_path: Path):
    source = tmp_path / "notes.md"
    source.write_text("### What is ridge?\n\nThe loss is\n$$\nL = \\sum_i e_i^2\n# not a heading\n$$\n\n"
                      "### What is lasso?\n\nThe same with $|\\beta|$.\n", encoding="utf-8")
    items = read_source(source).items
    assert [item.question for item in items] == ["What is ridge?", "What is lasso?"]
    assert "# not a heading\n$$" in items[0].answer


def _rendered_answers(document: Path) -> list[str]:
    return [sanitize_html(RENDERER.answer(item)) for item in repair_items(read_source(document).items).items]


def check_rendered(document: Path, key: dict[str, Any]) -> None:
    """The key's ``rendered``/``rendered_absent`` texts in (or not in) each answer as cards show it."""
    answers = _rendered_answers(document)
    for position, texts in (key.get("rendered") or {}).items():
        for text in texts:
            assert text in answers[position], (text, answers[position])
    for position, texts in (key.get("rendered_absent") or {}).items():
        for text in texts:
            assert text not in answers[position], (text, answers[position])


MATH_DOCUMENTS = sorted(p for p in (REALWORLD / "math").iterdir() if not p.name.endswith(".expected.yaml"))
#: Documents of other families whose keys say how their maths must render too.
MATH_DOCUMENTS += sorted(document for document in REALWORLD.glob("*/*.*")
                         if document.parent.name != "math" and not document.name.endswith(".expected.yaml")
                         and has_math_marker(document.read_text(encoding="utf-8"))
                         and "\nrendered:" in document.with_name(document.stem + ".expected.yaml")
                         .read_text(encoding="utf-8"))


@pytest.mark.parametrize("document", MATH_DOCUMENTS, ids=lambda p: p.name)
def test_corpus_math_reaches_cards_as_mathjax(document: Path):
    key = yaml.safe_load(document.with_name(document.stem + ".expected.yaml").read_text(encoding="utf-8"))
    assert key.get("rendered")
    check_rendered(document, key)


def test_the_preview_says_when_it_cannot_typeset():
    source = REALWORLD / "math" / "stats_interview.md"
    report = build(manifest_for_files([source], "unused.apkg"), write=False)
    page = preview_html(report, mathjax=None)
    assert "Formulas show as TeX here; Anki typesets them" in page and "MathJax.js" not in page
    script = preview_html(report, mathjax=Path("/opt/mathjax/MathJax.js"))
    assert 'src="file:///opt/mathjax/MathJax.js?config=TeX-AMS_CHTML"' in script
    assert "Formulas show as TeX" not in script


def test_formulas_are_stored_with_mathjax_delimiters_in_real_anki(tmp_path: Path, collection):
    source = tmp_path / "sums.md"
    source.write_text(
        "### What is $\\sum_{i=1}^n i$?\n\nIt is $\\frac{n(n+1)}{2}$, for $n < 10^6$ too.\n\n"
        "### What is the density of the normal distribution?\n\n$$\nf(x) = \\frac{1}{\\sigma\\sqrt{2\\pi}}"
        " e^{-\\frac{(x-\\mu)^2}{2\\sigma^2}}\n$$\n\n"
        "It costs $5 and $10 to compute by hand.\n",
        encoding="utf-8",
    )
    out = tmp_path / "math.apkg"
    result = CliRunner().invoke(main, ["build", str(source), str(REALWORLD / "math" / "probability_blog.txt"),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert import_apkg(collection, out).new == 9
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    fields = {note["Question"]: note["Answer"] for note in notes}
    sums = fields["What is \\(\\sum_{i=1}^n i\\)?"]
    assert sums == "<p>It is \\(\\frac{n(n+1)}{2}\\), for \\(n &lt; 10^6\\) too.</p>"
    density = fields["What is the density of the normal distribution?"]
    assert "<p>\\[f(x) = \\frac{1}{\\sigma\\sqrt{2\\pi}} e^{-\\frac{(x-\\mu)^2}{2\\sigma^2}}\\]</p>" \
        in density
    assert "It costs $5 and $10 to compute by hand." in density
    bayes = fields["What does Bayes' theorem say, and what are its parts?"]
    assert "\\[P(A \\mid B) = \\frac{P(B \\mid A)\\,P(A)}{P(B)}\\]" in bayes


def test_a_display_environment_alone_is_stored_whole_in_real_anki(tmp_path: Path, collection):
    out = tmp_path / "ridge.apkg"
    source = REALWORLD / "quiz2" / "regression-lab-qna-math.md"
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert import_apkg(collection, out).new == 12
    fields = {collection.get_note(nid)["Question"]: collection.get_note(nid)["Answer"]
              for nid in collection.find_notes("")}
    gradient = fields["Derive the gradient of the ridge loss."]
    assert ("\\[\\begin{align}\n\\nabla_\\theta J &amp;= 2X^T(X\\theta - y) + 2\\lambda\\theta \\\\\n"
            "&amp;= 2\\left(X^T X + \\lambda I\\right)\\theta - 2X^T y\n\\end{align}\\]") in gradient
    assert "Setting it to zero recovers the closed form above." in gradient
