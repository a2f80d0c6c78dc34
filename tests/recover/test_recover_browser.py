"""Recovered cards in headless Chromium: the mark and the hidden term read well, light and dark.

Skips, with the reason, where Chromium, chromedriver or selenium is missing (.ci/run installs them).
"""

from __future__ import annotations

import pytest

from browser import BACKGROUND_JS, chromium, contrast, missing_reason, open_page
from conftest import DATA
from qa2anki.manifest import manifest_for_files
from qa2anki.pipeline import build
from qa2anki.preview import write_preview

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))

MEASURE = BACKGROUND_JS + """
var cards = Array.from(document.querySelectorAll('.pv-note .card'));
function looks(selector) {
  return Array.from(document.querySelectorAll(selector)).map(function (el) {
    var style = getComputedStyle(el);
    return [el.textContent, style.color, background(el), style.fontWeight, el.getBoundingClientRect().width];
  });
}
return {
  overflowing: cards.filter(c => c.scrollWidth > c.clientWidth).length,
  pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
  clozes: looks('.card .cloze'),
  marks: looks('.card .qa-recovered'),
};
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    files = [DATA / "generality" / "answers_paragraphs.txt", DATA / "generality" / "answers_tldr_lists.txt"]
    report = build(manifest_for_files(files, "unused.apkg", "Recovered"), write=False)
    assert {note.card.recovered for note in report.decks[0].notes} == {"question", "cloze"}
    return write_preview(report, tmp_path_factory.mktemp("preview") / "preview.html")


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_recovered_cards_read_well(page, theme: str, width: int):
    with chromium(width) as driver:
        open_page(driver, page, theme)
        result = driver.execute_script(MEASURE)
    assert result["overflowing"] == 0 and result["pageOverflow"] <= 0
    hidden = [text for text, *_ in result["clozes"] if text == "[...]"]
    shown = [text for text, *_ in result["clozes"] if text != "[...]"]
    assert hidden and shown and len(hidden) == len(shown)  # each cloze: hidden in front, shown on the back
    for text, colour, background, weight, box in result["clozes"]:
        assert contrast(colour, background) >= 4.5, (text, colour, background)
        assert int(weight) >= 600 and box > 0
    assert result["marks"]
    for text, colour, background, _, box in result["marks"]:
        assert "recovered" in text or "question was lost" in text
        assert contrast(colour, background) >= 3.0 and box > 0
