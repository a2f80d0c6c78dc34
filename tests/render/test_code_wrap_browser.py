"""Code on a phone, in headless Chromium: at 360 px no code line is cut, each long line wraps
hanging under its own indentation, and no blank lines appear; wide screens and a deck with
``code_wrap: false`` keep one screen line per code line, scrolling sideways.

Skips, with the reason, where Chromium, chromedriver or selenium is missing (.ci/run installs them).
"""

from __future__ import annotations

import dataclasses

import pytest

from browser import chromium, missing_reason, open_page
from conftest import DATA, SOURCES
from qa2anki.manifest import manifest_for_files
from qa2anki.pipeline import build
from qa2anki.preview import write_preview

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))

MEASURE = """
var blocks = Array.from(document.querySelectorAll('.pv-note .card pre'));
var lines = Array.from(document.querySelectorAll('.pv-note .card pre .qa-ln'));
function height(el) { return el.getBoundingClientRect().height; }
var lineHeight = lines.length ? Math.min.apply(null, lines.filter(l => l.textContent.trim()).map(height)) : 0;
return {
  blocks: blocks.length,
  cut: blocks.filter(b => b.scrollWidth > b.clientWidth + 1).length,
  lines: lines.length,
  wrapped: lines.filter(l => height(l) > 1.5 * lineHeight).length,
  // a wrapped line's second row starts further right than its first row's text
  hanging: lines.filter(l => height(l) > 1.5 * lineHeight).map(function (l) {
    var rects = Array.from(l.getClientRects());
    var range = document.createRange(); range.selectNodeContents(l);
    var rows = Array.from(range.getClientRects()).filter(r => r.width > 0);
    var first = rows[0], later = rows.filter(r => r.top > first.top + 1)[0];
    var text = l.textContent, indent = text.length - text.replace(/^[ \\t]+/, '').length;
    return [indent, later ? later.left - first.left : -1];
  }),
  // blank rows: a block taller than its lines (no line of its own may add an empty row)
  extra: blocks.filter(function (b) {
    var spans = Array.from(b.querySelectorAll('.qa-ln'));
    if (!spans.length) return false;
    var total = spans.reduce((sum, l) => sum + height(l), 0);
    var code = b.querySelector('code').getBoundingClientRect().height;
    return code > total + 2;
  }).length,
  // blocks whose screen rows are not one per code line (on wide screens: nothing wraps)
  reflowed: blocks.filter(function (b) {
    var spans = b.querySelectorAll('.qa-ln').length, code = b.querySelector('code');
    var rows = code.getBoundingClientRect().height / parseFloat(getComputedStyle(code).lineHeight);
    return spans && Math.round(rows) !== spans;
  }).length,
};
"""


def _page(tmp_path_factory, wrap: bool):
    files = [*sorted(SOURCES.glob("*.txt")), DATA / "cards" / "showcase.md"]
    manifest = manifest_for_files(files, "unused.apkg", "Code")
    manifest = dataclasses.replace(manifest, decks=(dataclasses.replace(manifest.decks[0], code_wrap=wrap),))
    report = build(manifest, write=False)
    return write_preview(report, tmp_path_factory.mktemp("wrap") / "preview.html")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    return _page(tmp_path_factory, wrap=True)


def test_at_phone_width_no_code_line_is_cut_and_wrapped_lines_hang(page):
    with chromium(360) as driver:
        open_page(driver, page, "light")
        result = driver.execute_script(MEASURE)
    assert result["blocks"] >= 150 and result["lines"] > 1000
    assert result["cut"] == 0
    assert result["wrapped"] >= 50  # the seeds' long lines now wrap instead of hiding
    assert result["extra"] == 0
    for indent, offset in result["hanging"]:
        assert offset > 0, (indent, offset)  # every continuation starts right of its line's start


def test_wide_screens_keep_one_row_per_code_line(page):
    with chromium(1280) as driver:
        open_page(driver, page, "dark")
        result = driver.execute_script(MEASURE)
    assert result["blocks"] >= 150 and result["reflowed"] == 0


def test_code_wrap_false_keeps_the_sideways_scroll(tmp_path_factory):
    with chromium(360) as driver:
        open_page(driver, _page(tmp_path_factory, wrap=False), "light")
        result = driver.execute_script(MEASURE)
    assert result["reflowed"] == 0 and result["cut"] >= 50
