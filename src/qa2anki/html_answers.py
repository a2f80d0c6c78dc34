"""Answers that are already HTML: recognised by their structure and kept as HTML.

Exports and APIs (a CMS's JSON, a help desk's CSV, an Anki export) often store answers as
HTML: ``<p>``, ``<ul>``, ``<pre><code>``. Read as markdown, ``def __init__`` inside
``<pre><code>`` turns into ``def <strong>init</strong>`` and ``['*']`` into emphasis. A value
is HTML when it *is made of* HTML, decided by its structure, never by words: every tag names a
real element and every element is closed in order, and either block elements cover the text
(nothing but whitespace between them) or the text breaks its lines with ``<br>`` or blocks and
shows no markdown syntax of its own. Anything else stays markdown, where inline HTML still works.

Adapters mark such items with :data:`~.models.HTML_ANSWER`; the renderer then passes the HTML
through (to the sanitizer) and highlights its ``<pre>`` blocks like fenced code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

#: Elements that hold or make up blocks of text.
BLOCK_ELEMENTS = frozenset("""
    address article aside blockquote details dialog dd div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody
    td tfoot th thead tr ul caption colgroup col
""".split())
INLINE_ELEMENTS = frozenset("""
    a abbr b bdi bdo br cite code data del dfn em i img ins kbd mark q s samp small span
    strong sub sup time u var wbr font center big tt strike
""".split())
KNOWN_ELEMENTS = BLOCK_ELEMENTS | INLINE_ELEMENTS
VOID_ELEMENTS = frozenset({"br", "hr", "img", "wbr", "col"})
#: Elements whose end tag HTML lets an author leave out before their parent's end tag.
OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup"})
#: Markdown's own syntax in the text between tags: then the value is markdown with some HTML in it.
MARKDOWN_SYNTAX = re.compile(
    r"`|\*\*|__|\]\(|^[ \t]{0,3}(?:#{1,6}[ \t]|[-*+][ \t]|\d{1,9}[.)][ \t]|>|\|)", re.MULTILINE
)
FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.MULTILINE)
#: A ``<pre>`` block, with or without ``<code>`` inside.
PRE_BLOCK = re.compile(r"<pre\b(?P<attrs>[^>]*)>(?P<inner>.*?)</pre\s*>", re.IGNORECASE | re.DOTALL)
_CODE_OPEN = re.compile(r"^\s*<code\b(?P<attrs>[^>]*)>", re.IGNORECASE)
_CODE_CLOSE = re.compile(r"</code\s*>\s*$", re.IGNORECASE)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_LANGUAGE_CLASS = re.compile(r"^(?:language|lang)-(?P<name>[\w+#.-]+)$", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


class _Structure(HTMLParser):
    """What a value is made of: its elements, whether they nest properly, the text between them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.broken = False
        self.elements = 0
        self.top_blocks = 0  # block elements not inside another element
        self.breaks = 0  # <br> and block elements anywhere: the text is laid out by tags
        self.loose: list[str] = []  # text outside every element
        self.fenced = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in KNOWN_ELEMENTS:
            self.broken = True
            return
        self.elements += 1
        if tag in BLOCK_ELEMENTS or tag == "br":
            self.breaks += 1
            self.top_blocks += not self.open and tag in BLOCK_ELEMENTS
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_ELEMENTS:
            self.broken = True  # <p/> closes nothing in HTML
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if tag not in self.open:
            self.broken = True
            return
        while self.open[-1] != tag:
            if self.open.pop() not in OPTIONAL_END:
                self.broken = True
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if "pre" in self.open or "code" in self.open:
            return  # code says nothing about the markup around it
        if not self.open and data.strip():
            self.loose.append(data)
        if FENCE.search(data):
            self.fenced = True  # markdown inside HTML, as GitHub renders <details> bodies

    def unknown_decl(self, data: str) -> None:
        self.broken = True


def is_html(value: str) -> bool:
    """Whether ``value`` is an HTML document fragment rather than markdown (see the module doc)."""
    if "<" not in value or ">" not in value:
        return False
    parser = _Structure()
    parser.feed(value)
    parser.close()
    if parser.broken or parser.fenced or parser.open or not parser.elements:
        return False
    if parser.top_blocks and not parser.loose:
        return True
    return bool(parser.breaks) and not MARKDOWN_SYNTAX.search("".join(parser.loose))


def replace_code_blocks(html_text: str, replace: Callable[[str, str], str | None]) -> str:
    """Every ``<pre>`` block replaced by ``replace(code, language)`` (kept where that is None).

    The code is the block's text as a browser shows it (tags such as a site's own highlighting
    spans removed, ``<br>`` as a line break, entities decoded); the language comes from a
    ``language-x`` or ``lang-x`` class on the ``<pre>`` or its ``<code>``, else it is "".
    """

    def one(match: re.Match[str]) -> str:
        inner = match.group("inner")
        attrs = match.group("attrs")
        code_open = _CODE_OPEN.match(inner)
        if code_open:
            attrs += " " + code_open.group("attrs")
            inner = _CODE_CLOSE.sub("", inner[code_open.end():])
        code = html.unescape(_TAG.sub("", _BREAK.sub("\n", inner)))
        replaced = replace(code.strip("\n") + "\n", language_of(attrs))
        return match.group(0) if replaced is None else replaced

    return PRE_BLOCK.sub(one, html_text)


def language_of(attributes: str) -> str:
    """The language a ``class="language-x"`` (or ``lang-x``) attribute names, else ""."""
    for match in _CLASS.finditer(attributes):
        for name in (match.group(1) or match.group(2) or match.group(3) or "").split():
            language = _LANGUAGE_CLASS.match(name)
            if language:
                return language.group("name")
    return ""


def code_block(code: str, language: str = "") -> str:
    """``code`` as an HTML ``<pre><code>`` block, labelled with ``language`` when one is known."""
    label = f' class="language-{html.escape(language)}"' if language else ""
    return f"<pre><code{label}>{html.escape(code.rstrip(chr(10)), quote=False)}</code></pre>"
