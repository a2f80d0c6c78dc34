"""The preview page in headless Chromium at phone and desktop widths, light and dark.

Skips, with the reason, where Chromium, chromedriver or selenium is missing (.ci/run installs them).
"""

from __future__ import annotations

import pytest

from browser import BACKGROUND_JS, chromium, contrast, luminance, missing_reason, open_page
from conftest import DATA, SOURCES
from qa2anki.manifest import manifest_for_files
from qa2anki.pipeline import build
from qa2anki.preview import write_preview

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))

WIDTHS = (360, 1280)
_ON_CARDS = "document.querySelectorAll('.card').forEach(c => c.classList.add({}))"
NIGHT_VARIANTS = {  # how each client marks night mode
    "desktop": _ON_CARDS.format("'nightMode', 'night_mode'"),
    "ankidroid": _ON_CARDS.format("'night_mode', 'nightMode'"),
    "ankidroid-previewer": "document.documentElement.classList.add('night-mode')",
    "ankimobile": _ON_CARDS.format("'nightMode'"),
}

MEASURE = BACKGROUND_JS + """
var cards = Array.from(document.querySelectorAll('.pv-note .card'));
var tokens = {};
document.querySelectorAll('.highlight pre span[class]').forEach(function (span) {
  var name = span.className;
  if (!(name in tokens) && span.textContent.trim()) {
    tokens[name] = [getComputedStyle(span).color, background(span)];
  }
});
var pres = Array.from(document.querySelectorAll('.card pre'));
return {
  overflowing: cards.filter(c => c.scrollWidth > c.clientWidth).map(c => c.textContent.slice(0, 60)),
  pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
  scrollingPres: pres.filter(p => p.scrollWidth > p.clientWidth).length,
  preOverflow: Array.from(new Set(pres.map(p => getComputedStyle(p).overflowX))),
  tokens: tokens,
  cardBackground: getComputedStyle(cards[0]).backgroundColor,
  cardText: getComputedStyle(cards[0]).color,
  cards: cards.length,
};
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    files = [DATA / "cards" / "showcase.md", SOURCES / "004_7624664d3e7a1fbf.txt"]
    report = build(manifest_for_files(files, "unused.apkg", "Preview"), write=False)
    return write_preview(report, tmp_path_factory.mktemp("preview") / "preview.html")


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda width: f"{width}px")
def measured(request, page):
    """What the page looks like at one width, in light, dark and each client's night mode."""
    with chromium(request.param) as driver:
        results = {}
        for theme in ("light", "dark"):
            open_page(driver, page, theme)
            results[theme] = driver.execute_script(MEASURE)
        for client, script in NIGHT_VARIANTS.items():
            open_page(driver, page, "light")
            driver.execute_script(script)
            results[client] = driver.execute_script(MEASURE)
    return request.param, results


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_code_stays_inside_its_block_and_nothing_widens_a_card(measured, theme):
    width, results = measured
    result = results[theme]
    assert result["cards"] == 2 * 33
    assert result["overflowing"] == []
    assert result["pageOverflow"] <= 0
    assert result["preOverflow"] == ["auto"]
    if width < 600:  # on a phone long lines wrap (test_code_wrap_browser): nothing is cut
        assert result["scrollingPres"] == 0
    else:
        assert result["scrollingPres"] >= 1  # wide: the longest lines scroll within their block


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_highlighted_token_is_legible(measured, theme):
    _, results = measured
    tokens = results[theme]["tokens"]
    assert {"k", "s2", "c1"} <= set(tokens)
    weak = {name: round(contrast(fg, bg), 2) for name, (fg, bg) in tokens.items() if contrast(fg, bg) < 3.0}
    assert weak == {}


def test_light_and_dark_differ(measured):
    _, results = measured
    light, dark = results["light"], results["dark"]
    assert luminance(light["cardBackground"]) > 0.8 > 0.1 > luminance(dark["cardBackground"])
    assert contrast(dark["cardText"], dark["cardBackground"]) > 7
    assert light["tokens"]["k"][0] != dark["tokens"]["k"][0]


@pytest.mark.parametrize("client", sorted(NIGHT_VARIANTS))
def test_every_clients_night_mode_class_gives_the_dark_palette(measured, client):
    _, results = measured
    night, dark = results[client], results["dark"]
    assert night["cardBackground"] == dark["cardBackground"]
    assert night["tokens"] == dark["tokens"]


def test_search_box_filters_cards(page):
    with chromium(1280) as driver:
        open_page(driver, page, "light")
        driver.find_element("id", "pv-search").send_keys("Lifecycle  picture")  # every word, any case
        visible = driver.execute_script(
            "return Array.from(document.querySelectorAll('.pv-note'))"
            ".filter(n => n.offsetParent !== null).map(n => n.querySelector('.qa-question').textContent)"
        )
    assert visible == ["What does the request lifecycle look like?"]
