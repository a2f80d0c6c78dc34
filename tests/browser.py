"""Headless Chromium (Debian's ``chromium`` + ``chromium-driver``) driven by selenium, offline."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)


def _find(names: tuple[str, ...]) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e .[test])"
    if not _find(CHROMIUM_NAMES):
        return "Chromium not found (apt-get install chromium chromium-driver)"
    if not _find(DRIVER_NAMES):
        return "chromedriver not found (apt-get install chromium-driver)"
    return None


@contextmanager
def chromium(width: int, height: int = 900) -> Iterator[object]:
    """A headless Chromium window of ``width`` CSS pixels that touches no network service."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="qa2anki-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = _find(CHROMIUM_NAMES) or ""
        for flag in (
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-dev-shm-usage", f"--user-data-dir={profile}",
            f"--window-size={width},{height}", "--hide-scrollbars",
        ):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(_find(DRIVER_NAMES) or ""))
        try:
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
            )
            yield driver
        finally:
            driver.quit()


def open_page(driver: object, page: Path, theme: str) -> None:
    """Load ``page`` in ``theme`` (light/dark) through the page's own theme switch."""
    driver.get(page.resolve().as_uri())  # type: ignore[attr-defined]
    is_dark = driver.execute_script("return document.body.classList.contains('pv-dark')")  # type: ignore[attr-defined]
    if is_dark != (theme == "dark"):
        driver.find_element("id", "pv-theme").click()  # type: ignore[attr-defined]


#: A script function: the colour behind an element (the first ancestor that paints one).
BACKGROUND_JS = """
function background(el) {
  for (; el; el = el.parentElement) {
    var bg = getComputedStyle(el).backgroundColor;
    if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
  }
  return 'rgb(255, 255, 255)';
}
"""


def _rgb(css: str) -> tuple[float, float, float]:
    red, green, blue = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
    return red, green, blue


def luminance(css: str) -> float:
    """The relative luminance of a CSS ``rgb(…)`` colour (WCAG)."""
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in _rgb(css))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two CSS colours (1 to 21)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
