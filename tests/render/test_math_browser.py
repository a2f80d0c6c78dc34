"""Formulas typeset in a card: the preview page with the machine's MathJax 2, in headless Chromium.

Anki's clients ship MathJax and typeset ``\\(…\\)`` and ``\\[…\\]`` themselves; the preview page loads
the MathJax that Debian's libjs-mathjax installs, from its file, so the same fields typeset here.
Skips, with the reason, where Chromium or MathJax is missing (.ci/run installs both).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import chromium, missing_reason, open_page
from conftest import DATA
from qa2anki.manifest import manifest_for_files
from qa2anki.pipeline import build
from qa2anki.preview import MATHJAX_PATHS, local_mathjax, write_preview

MATHJAX_DIR = Path("/usr/share/javascript/mathjax")
pytestmark = [
    pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason())),
    pytest.mark.skipif(not (MATHJAX_DIR / "MathJax.js").is_file(),
                       reason=f"MathJax 2 not found in {MATHJAX_DIR} (apt-get install libjs-mathjax)"),
]

TYPESET = """
var done = arguments[arguments.length - 1];
MathJax.Hub.Queue(function () {
  var cards = Array.from(document.querySelectorAll('.pv-note .card'));
  var visible = cards.map(function (card) { return card.innerText; }).join('\\n');
  done({
    inline: document.querySelectorAll('.card script[type="math/tex"]').length,
    display: document.querySelectorAll('.card script[type="math/tex; mode=display"]').length,
    frames: document.querySelectorAll('.card .mjx-chtml[id$="-Frame"], .card .MathJax[id$="-Frame"]').length,
    displayed: document.querySelectorAll('.card .MJXc-display, .card .MathJax_Display').length,
    errors: document.querySelectorAll('.card .mjx-merror, .card .MathJax_Error').length,
    rawInline: visible.indexOf('\\\\(') >= 0,
    rawDisplay: visible.indexOf('\\\\[') >= 0,
    dollarsKept: visible.indexOf('$250,000') >= 0 && visible.indexOf('$HOME') >= 0,
  });
});
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    files = [DATA / "realworld" / "math" / name for name in ("ds_theory_math.md", "probability_blog.txt")]
    files.append(DATA / "realworld" / "quiz2" / "regression-lab-qna-math.md")  # \begin{align} alone
    return build(manifest_for_files(files, "unused.apkg", "Math"), write=False)


@pytest.fixture(scope="module")
def page(built, tmp_path_factory):
    return write_preview(built, tmp_path_factory.mktemp("math") / "preview.html")


def _formulas(built, delimiter: str) -> int:
    """How many formulas the page shows: the front (the question) is shown again on the back."""
    notes = [note for deck in built.decks for note in deck.notes]
    return sum(2 * note.fields[0].count(delimiter) + note.fields[1].count(delimiter) for note in notes)


def test_the_preview_loads_the_machines_mathjax(page: Path):
    assert local_mathjax() == MATHJAX_PATHS[0]
    assert (MATHJAX_DIR / "MathJax.js").as_uri() in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [360, 1280])
def test_formulas_in_cards_are_typeset(built, page: Path, width: int):
    with chromium(width) as driver:
        open_page(driver, page, "light")
        driver.set_script_timeout(60)
        result = driver.execute_async_script(TYPESET)
    assert (result["inline"], result["display"]) == (_formulas(built, "\\("), _formulas(built, "\\[")), result
    assert result["display"] >= 9
    assert result["frames"] == result["inline"] + result["display"]
    assert result["displayed"] == result["display"]
    assert result["errors"] == 0
    assert not result["rawInline"] and not result["rawDisplay"]  # no TeX left as text
    assert result["dollarsKept"]  # prices and shell variables stay as written
