"""An independent look at field HTML: what in it could run, load or navigate somewhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser

DANGEROUS_TAGS = {
    "script", "style", "iframe", "frame", "object", "embed", "svg", "math", "form", "input",
    "button", "meta", "link", "base", "template", "audio", "video", "source", "applet",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcset", "poster"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.classes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name == "style" and not value.replace(" ", "").startswith("text-align:"):
                self.problems.append(f"{tag} style={value!r}")
            if name == "class":
                self.classes.update(value.split())
            if name in URL_ATTRIBUTES:
                self._check_url(tag, name, value)

    def _check_url(self, tag: str, name: str, value: str) -> None:
        lowered = "".join(value.split()).lower()
        if tag == "a" and name == "href":
            if not lowered.startswith(("http://", "https://")):
                self.problems.append(f"a href={value!r}")
        elif ":" in lowered or lowered.startswith("//"):
            self.problems.append(f"{tag} {name}={value!r}")  # any scheme: remote or inline


def inspect_html(html: str) -> tuple[list[str], set[str]]:
    """``(problems, classes)``: everything unsafe found, and every class name used."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems, collector.classes


_LINE_SPAN = re.compile(r'<span class="qa-ln qa-i\d+">')


def without_line_spans(html: str) -> str:
    """Highlighted code as the highlighter wrote it, before each line got its wrapping span
    (``render._wrappable``): our spans end every line, and pygments never puts a line break
    inside one of its own."""
    return _LINE_SPAN.sub("", html).replace("\n</span>", "\n")
