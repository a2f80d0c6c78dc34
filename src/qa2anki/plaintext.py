"""Deck names and tags as plain text: some Anki clients show them as HTML.

A manifest, a source's metadata or a file name can put ``<script>`` or ``<img onerror=…>``
into a deck name or a tag. :func:`plain_text` removes markup, decodes entities and drops
control characters, until nothing changes, so ``&lt;script&gt;`` cannot come back as a tag.

Markup versus text: a ``<`` is markup when it opens a comment, doctype or end tag, a known
HTML/SVG/MathML element, or any tag with an attribute value (``<x onclick=…``, which runs on
an unknown element too). Any other ``<`` is text, so ``Map<String, Integer>``, ``List<T>``
and ``a < b`` keep their meaning; where a client parses them as HTML they can do nothing.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3

#: Every element a browser knows, current and obsolete (the raw-text ones matter most).
_ELEMENTS = """
    a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big
    blink blockquote body br button canvas caption center cite code col colgroup data datalist dd
    del details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form
    frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img input ins
    isindex kbd keygen label legend li link listing main map mark marquee math menu menuitem
    meta meter multicol nav nextid nobr noembed noframes noscript object ol optgroup option
    output p param picture plaintext portal pre progress q rb rp rt rtc ruby s samp script
    search section select slot small source spacer span strike strong style sub summary sup svg
    table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xmp
    animate animatemotion animatetransform circle clippath defs desc ellipse feimage filter
    foreignobject g line lineargradient marker mask mi mn mo ms mtext path pattern polygon
    polyline radialgradient rect set stop switch symbol text textpath tspan use view
""".split()
_MARKUP = re.compile(
    r"<(?:[!?/]"  # comment, doctype, processing instruction, end tag
    rf"|(?:{'|'.join(sorted(_ELEMENTS, key=len, reverse=True))})(?=[\s/>])"  # a known element
    r"|[A-Za-z][^<>]*=)",  # any tag carrying an attribute value
    re.IGNORECASE,
)
#: C0/C1 controls and the bidi overrides that make text read other than it is stored.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MAX_PASSES = 16


@lru_cache(maxsize=1)
def _text_only() -> nh3.Cleaner:
    """Keeps the text of every element except scripts and styles, whose text is code."""
    return nh3.Cleaner(tags=set(), attributes={}, clean_content_tags={"script", "style"})


@lru_cache(maxsize=8192)
def plain_text(text: str) -> str:
    """``text`` without markup, entities or control characters; ``""`` if nothing else is left.

    Text that needs no cleaning comes back as written (only its ends trimmed): a deck name is
    an identity in the lockfile. Where something was removed, runs of spaces become one.
    """
    original = current = str(text).strip()
    for _ in range(_MAX_PASSES):
        cleaned = _one_pass(current)
        if cleaned == current:
            break
        current = cleaned
    else:
        current = current.replace("<", "")  # still unwrapping layers of entities: give up on markup
    return current if current == original else " ".join(current.split())


def _one_pass(text: str) -> str:
    text = _CONTROL.sub(lambda match: " " if match.group().isspace() else "", text)
    if "<" not in text and "&" not in text:
        return text
    escaped = "".join(
        "&lt;" if char == "<" and not _MARKUP.match(text, index) else char for index, char in enumerate(text)
    )
    return html.unescape(_text_only().clean(escaped))
