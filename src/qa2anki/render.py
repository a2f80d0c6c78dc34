"""Markdown to card HTML, rendered the way GitHub would and highlighted at build time.

The rules are the ones the markdown reader parses sources with (:mod:`.gfm`), so what is code,
a list or math is decided the same way twice. Fenced code is highlighted here by pygments,
one formatter and one lexer per language serving every card; formulas become MathJax.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .gfm import github_markdown
from .html_answers import replace_code_blocks
from .levels import LEVELS
from .media import DEFAULT_IMAGE_MB, MediaCollector
from .models import (
    HTML_ANSWER,
    RECOVERED_CLOZE,
    RECOVERED_QUESTION,
    RECOVERED_SUBDECK,
    RECOVERED_TAG,
    Card,
    Diagnostic,
    Item,
    Note,
)
from .nesting import MARKDOWN_MAX_NESTING, cap_markdown
from .plaintext import plain_text
from .recover import occurrence_pattern
from .render_cache import RenderCache, card_key, settings_digest
from .sanitize import ALLOWED_TAGS, sanitize_html
from .workers import fork_map

CODE_CLASS = "highlight"  # the wrapper class pygments' CSS is scoped to
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")
MARKUP_CHARS = re.compile(r"[\\`*_\[\]<>&!#|~$]|^\s*([-+]|\d+[.)])\s|^\s{4}")
LANGUAGE_ALIASES = {"py": "python", "sh": "bash", "shell": "bash", "console": "bash",
                    "js": "javascript", "ts": "typescript", "yml": "yaml", "text": "text"}

_FORMATTER = HtmlFormatter(cssclass=CODE_CLASS, wrapcode=True)


@lru_cache(maxsize=64)
def lexer_for(language: str) -> Lexer | None:
    """One lexer per language for the whole build (building them is a fifth of the cost)."""
    name = LANGUAGE_ALIASES.get(language.lower(), language.lower())
    if not name or name == "text":
        return None
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


@lru_cache(maxsize=4096)
def highlight_code(code: str, language: str = "") -> str:
    """Highlighted ``<div class="highlight"><pre>…`` HTML, plain-escaped for unknown languages.

    Cached: sources that repeat each other repeat their code samples too, and highlighting
    is the most expensive step of a build.
    """
    lexer = lexer_for(language) if language else None
    if lexer is None:
        escaped = html.escape(code.rstrip("\n") + "\n", quote=False)
        return _wrappable(f'<div class="{CODE_CLASS}"><pre><span></span><code>{escaped}</code></pre></div>\n')
    return _wrappable(highlight(code, lexer, _FORMATTER))


#: Wrapped code lines hang this far under their own indentation, and no deeper than MAX_HANGING.
HANGING = 2
MAX_HANGING = 24
_CODE_BODY = re.compile(r"(<code>)(.*?)(</code></pre>)", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _wrappable(highlighted: str) -> str:
    """Each code line in a span classed by its indentation (``qa-ln qa-iN``), so that on a phone
    a long line wraps under itself, indented, instead of running out of sight (see
    :func:`code_wrap_css`). Pygments closes its spans at every line end, so lines split cleanly."""

    def lines(match: re.Match[str]) -> str:
        rows = match.group(2).split("\n")
        if rows[-1] == "":  # the code's final line break: each span ends with its own
            rows.pop()
        spans = "".join(f'<span class="qa-ln qa-i{_indent(row)}">{row}\n</span>' for row in rows)
        return match.group(1) + spans + match.group(3)

    return _CODE_BODY.sub(lines, highlighted, count=1)


def _indent(row: str) -> int:
    text = html.unescape(_TAG.sub("", row)).expandtabs(4)
    return min(len(text) - len(text.lstrip(" ")), MAX_HANGING)


_CODE_BLOCK = f'<div class="{CODE_CLASS}">'
_UNWRAPPED_CODE_BLOCK = f'<div class="{CODE_CLASS} qa-nowrap">'


def code_wrap_css() -> str:
    """Phones (AnkiDroid's and AnkiMobile's ``.mobile``, or any screen under 600 px) wrap long
    code lines, each hanging under its own indentation; a deck with ``code_wrap: false`` keeps
    the sideways scroll (its code blocks carry ``qa-nowrap``)."""
    rules = [
        ".card pre { white-space: pre-wrap; overflow-wrap: anywhere; }",
        ".card pre .qa-ln { display: block; }",
        *(
            f".card pre .qa-i{n} {{ padding-left: {n + HANGING}ch; text-indent: -{n + HANGING}ch; }}"
            for n in range(MAX_HANGING + 1)
        ),
        ".card .qa-nowrap pre { white-space: pre; overflow-wrap: normal; }",
        ".card .qa-nowrap pre .qa-ln { display: inline; padding-left: 0; text-indent: 0; }",
    ]
    narrow = "\n".join(f"  {rule}" for rule in rules)
    mobile = "\n".join(f".mobile {rule}" for rule in rules)
    return f"/* Code on phones: wrap, hanging under each line's indentation. */\n" \
           f"@media (max-width: 600px) {{\n{narrow}\n}}\n{mobile}\n"


LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"
#: Every client's night-mode class (desktop/AnkiDroid body, AnkiDroid previewer root, AnkiMobile).
NIGHT_CLASSES = (".nightMode", ".night_mode", ".night-mode")


def pygments_css(style: str = LIGHT_STYLE, scope: str | list[str] = f".{CODE_CLASS}") -> str:
    """The pygments background and token classes for one palette, scoped to ``scope``."""
    formatter = HtmlFormatter(style=style, cssclass=CODE_CLASS)
    # pygments' stubs leave these two untyped; both return lists of CSS rule strings
    rules: list[str] = formatter.get_background_style_defs(scope)  # type: ignore[no-untyped-call]
    rules += formatter.get_token_style_defs(scope)  # type: ignore[no-untyped-call]
    return "\n".join(rules)


def highlight_css(light: str = LIGHT_STYLE, dark: str = DARK_STYLE) -> str:
    """Both palettes: ``light`` by default, ``dark`` under every night-mode class.

    A token the light palette colours but the dark one does not is reset to the dark text
    colour, so no light-palette colour leaks onto the dark background.
    """
    night = [f"{name} .{CODE_CLASS}" for name in NIGHT_CLASSES]
    light_classes: dict[str, Any] = HtmlFormatter(style=light).class2style  # type: ignore[attr-defined]
    dark_classes: dict[str, Any] = HtmlFormatter(style=dark).class2style  # type: ignore[attr-defined]
    resets = "".join(
        ", ".join(f"{scope} .{name}" for scope in night)
        + " { color: inherit; background-color: transparent; font-weight: inherit;"
        " font-style: inherit; border: none }\n"
        for name in sorted(set(light_classes) - set(dark_classes))
        if name
    )
    dark_css = resets + pygments_css(dark, night)
    return "\n".join(["/* pygments, light */", pygments_css(light), "/* pygments, dark */", dark_css])


#: HTML elements (beyond the allowed ones) that the sanitizer must see to remove them whole.
_HTML_ELEMENTS = frozenset("""
    script style iframe frame frameset object embed applet svg math form input button select
    option textarea label fieldset legend link meta base noscript template video audio source
    track canvas picture marquee html head body title center font section article aside nav
    header footer main address area map param dialog slot portal
""".split())
#: ``<`` that opens HTML (a known element, a comment, an autolink); any other ``<`` is text.
_MARKUP_OPENING = re.compile(
    rf"<(?:/?(?:{'|'.join(sorted(ALLOWED_TAGS | _HTML_ELEMENTS, key=len, reverse=True))})"
    r"(?=[\s/>])|!--|!\[CDATA\[|\?|(?:https?|mailto):)",
    re.IGNORECASE,
)


def escape_stray_angles(text: str) -> str:
    """``List<T>`` and ``<Suspense>`` stay text: a ``<`` of raw HTML that opens no known element
    is escaped.

    CommonMark passes any tag-shaped ``<Name>`` through as HTML, which the sanitizer then
    removes; GitHub shows generics as written, and a learner needs them. Real HTML still
    reaches the sanitizer, which keeps or removes it. Called on raw-HTML tokens only, so code
    and text (which markdown escapes itself) never reach it.
    """
    if "<" not in text:
        return text
    return "".join(
        "&lt;" if char == "<" and not _MARKUP_OPENING.match(text, index) else char
        for index, char in enumerate(text)
    )


def mathjax_html(tex: str, display: bool) -> str:
    """A formula as Anki's MathJax delimiters: ``\\(…\\)`` inline, ``\\[…\\]`` display.

    Its TeX is escaped for HTML (``<`` and ``&`` mean what they say) and otherwise kept as written.
    """
    escaped = html.escape(tex.strip() if display else tex, quote=False)
    return f"\\[{escaped}\\]" if display else f"\\({escaped}\\)"


#: Math token types (see :mod:`.math_spans`) and whether each is display math.
_MATH_TOKENS = {
    "math_inline": False, "math_inline_double": True, "math_inline_brackets": False,
    "math_display_brackets": True, "math_block": True, "math_block_brackets": True,
}
#: A line of nothing but ``<details>``/``<summary>…</summary>``/``</details>`` tags.
DETAILS_TAG_LINE = re.compile(
    r"^\s*(?:</?details\b[^>]*>|<summary\b[^>]*>.*?</summary\s*>|</?summary\b[^>]*>)"
    r"(?:\s*(?:</?details\b[^>]*>|<summary\b[^>]*>.*?</summary\s*>))*\s*$",
    re.IGNORECASE,
)


def _fence_language(info: str) -> str:
    info = info.strip()
    return re.split(r"[\s{,]", info.lstrip("."), maxsplit=1)[0] if info else ""


def _render_fence(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return highlight_code(tokens[idx].content, _fence_language(tokens[idx].info))


def _render_math(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    rendered = mathjax_html(token.content, _MATH_TOKENS[token.type])
    return f"<p>{rendered}</p>\n" if token.block else rendered


def _render_strikethrough(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return "<del>" if tokens[idx].nesting == 1 else "</del>"


#: Set in a render's env when the source held raw HTML, a link or an image: only then can the
#: sanitizer change anything (everything else is markup the renderer writes itself).
_FOREIGN = "qa2anki_foreign_markup"


def _render_html(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    env[_FOREIGN] = True
    return escape_stray_angles(tokens[idx].content)


def _render_link(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    env[_FOREIGN] = True
    return str(self.renderToken(tokens, idx, options, env))


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    env[_FOREIGN] = True
    return str(RendererHTML.image(self, tokens, idx, options, env))


def _separate_details_tags(text: str) -> str:
    """``<details>`` and ``<summary>`` tag lines stand apart from the markdown between them.

    GitHub's own READMEs put a blank line after ``<summary>``; copied sources often do not, and
    CommonMark then shows the whole answer below it as raw text. Lines in fences are left alone.
    """
    if "<details" not in text.lower() and "<summary" not in text.lower():
        return text
    out: list[str] = []
    fence = ""
    for line in text.split("\n"):
        opening = FENCE_OPEN.match(line)
        if fence:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
        elif opening:
            fence = opening.group("fence")
        elif DETAILS_TAG_LINE.match(line) and not line.startswith(("    ", "\t")):
            out.extend(["", line.strip(), ""])
            continue
        out.append(line)
    return "\n".join(out)


#: What opens a block at the start of a line: a list item (``1.``, ``-``), a heading, a quote.
BLOCK_OPENER = re.compile(
    r"^(?P<lead>[ \t]*)(?:(?P<number>\d{1,9})(?P<dot>[.)])(?=[ \t]|$)|(?P<mark>[-+*>](?=[ \t]|$)|#))"
)


def _as_inline(question: str) -> str:
    """``1. Define the term X.`` is a question's text, not a list: escape what would open a block
    at its start (later lines, as in a summary that holds a list, keep their markdown)."""
    def escaped(match: re.Match[str]) -> str:
        if match.group("number"):
            return f"{match.group('lead')}{match.group('number')}\\{match.group('dot')}"
        return f"{match.group('lead')}\\{match.group('mark')}"

    return BLOCK_OPENER.sub(escaped, question)


def _card_markdown() -> MarkdownIt:
    """The shared rules (:func:`.gfm.github_markdown`) rendering code highlighted, math for
    MathJax and stray angle brackets as text."""
    md = github_markdown(max_nesting=5 * MARKDOWN_MAX_NESTING)  # a list level opens several tokens
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("html_inline", _render_html)
    md.add_render_rule("html_block", _render_html)
    md.add_render_rule("link_open", _render_link)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("s_open", _render_strikethrough)
    md.add_render_rule("s_close", _render_strikethrough)
    for name in _MATH_TOKENS:
        md.add_render_rule(name, _render_math)
    return md


class Renderer:
    """Converts answer markdown and question text to HTML; reuse one per build."""

    def __init__(self) -> None:
        self._md = _card_markdown()
        self._foreign = False

    def take_foreign(self) -> bool:
        """Whether anything rendered since the last call held markup the renderer did not write
        itself (raw HTML, a link, an image): only such HTML needs the sanitizer."""
        foreign, self._foreign = self._foreign, False
        return foreign

    def block(self, text: str) -> str:
        """A whole answer; lists and quotes nested too deep are flattened (reading sources already
        did so, with a warning; this guards every other caller)."""
        text, _ = cap_markdown(text, MARKDOWN_MAX_NESTING)
        text = _separate_details_tags(text)
        env: dict[str, Any] = {}
        try:
            rendered: str = self._md.render(text, env)
        except RecursionError:  # a construct nesting that no cap foresaw: show the text as written
            return f"<pre>{html.escape(text, quote=False)}</pre>"
        self._foreign = self._foreign or bool(env.get(_FOREIGN))
        return rendered.rstrip("\n")

    def html(self, text: str) -> str:
        """An answer that is already HTML (:data:`~.models.HTML_ANSWER`): passed through as written,
        its ``<pre>`` blocks highlighted as fenced code is (the sanitizer still runs after)."""
        self._foreign = True
        return replace_code_blocks(text, highlight_code)

    def answer(self, item: Item) -> str:
        """An item's answer, as its format says: HTML as it is, markdown rendered."""
        return self.html(item.answer) if HTML_ANSWER in item.flags else self.block(item.answer)

    def inline(self, text: str) -> str:
        """A question: inline markup only, no wrapping paragraph."""
        text = _as_inline(text.strip())
        if not MARKUP_CHARS.search(text):
            return html.escape(text, quote=False)  # most questions: no markdown to parse
        rendered = self.block(text).strip()
        if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
            return rendered[3:-4]
        return rendered


# --- cards to notes -------------------------------------------------------------------------

LEVEL_KEYS = ("level", "difficulty", "seniority")
SOURCE_TAG = "qa2anki::source::"
TOPIC_TAG = "qa2anki::topic::"
LEVEL_TAG = "qa2anki::level::"
#: How a recovered card is marked (its tag and subdeck are in :mod:`.models`).
RECOVERED_MARKS = {
    RECOVERED_QUESTION: "question recovered from the answer",
    RECOVERED_CLOZE: "cloze made of an answer whose question was lost",
}


def level_name(raw: object) -> str:
    """``"Mid-level"`` -> ``medium``; the first word that names a level decides, else ``""``."""
    for word in re.findall(r"[a-z]+", str(raw or "").lower()):
        if word in LEVELS:
            return LEVELS[word]
    return ""


def level_of(card: Card) -> str:
    """The card's level on one scale (easy/medium/hard), from the first member that states one."""
    for item in card.items:
        for key in LEVEL_KEYS:
            level = level_name(item.meta.get(key))
            if level:
                return level
    return ""


def tag_part(text: str) -> str:
    """One tag or tag level, as plain text: Anki splits tags on spaces and levels on ``::``."""
    parts = (re.sub(r"\s+", "_", part.strip()).strip("_:") for part in plain_text(str(text)).split("::"))
    return "::".join(part for part in parts if part) or "untitled"


def _meta_path(item: Item, keys: tuple[str, ...]) -> list[str]:
    """The item's non-empty ``meta`` values for ``keys``, in order, as plain strings."""
    return [" ".join(str(item.meta[key]).split()) for key in keys if str(item.meta.get(key) or "").strip()]


def source_labels(sources: Iterable[str]) -> dict[str, str]:
    """Source key -> how tags and subdecks name it: the file's stem, or, where sources of the
    deck share a stem, the shortest end of the path that tells them apart (``python/README``)."""
    bare = {source: PurePosixPath(source).with_suffix("").as_posix() for source in sources}
    labels: dict[str, str] = {}
    for source, path in bare.items():
        parts = path.split("/")
        others = [other.split("/") for key, other in bare.items() if key != source]
        size = 1
        while size < len(parts) and any(other[-size:] == parts[-size:] for other in others):
            size += 1
        labels[source] = "/".join(parts[-size:]) or source
    return labels


def source_names(titles: Mapping[str, str]) -> dict[str, str]:
    """Source key -> the name a card shows for it: its title (the manifest's ``name:``, else the
    document's own), else its label (:func:`source_labels`). Two sources of one name are told
    apart by their labels, so "also in" never names one source for another."""
    labels = source_labels(titles)
    names = {source: title or labels[source] for source, title in titles.items()}
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    return {
        source: f"{name} ({labels[source]})" if name in shared and name != labels[source] else name
        for source, name in names.items()
    }


def _label(source: str, labels: Mapping[str, str] | None) -> str:
    return (labels or {}).get(source) or Path(source).stem or source


def card_tags(
    card: Card, extra: tuple[str, ...] = (), labels: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """Hierarchical ``qa2anki::…`` tags, then the deck's and the sources' own.

    Anki compares tags case-insensitively, so duplicates differing only in case are dropped.
    ``labels`` names the sources (see :func:`source_labels`); by default by their file's stem.
    """
    tags: list[str] = []
    for item in card.items:
        tags.append(SOURCE_TAG + tag_part(_label(item.source, labels).replace("/", "::")))
        topic = _meta_path(item, ("topic", "subtopic"))
        if topic:
            tags.append(TOPIC_TAG + "::".join(tag_part(part.replace("::", ":")) for part in topic))
    level = level_of(card)
    if level:
        tags.append(LEVEL_TAG + level)
    if card.recovered:
        tags.append(RECOVERED_TAG)
    tags.extend(tag_part(tag) for tag in extra)
    tags.extend(tag_part(tag) for item in card.items for tag in item.tags)
    unique: dict[str, str] = {}
    for tag in tags:
        unique.setdefault(tag.casefold(), tag)
    return tuple(unique.values())


def topic_item(card: Card) -> Item:
    """The member whose topic the card files under: the first that states one."""
    return next((item for item in card.items if _meta_path(item, ("topic", "subtopic"))), card.primary)


def deck_part(text: str) -> str:
    """One level of a deck name, as plain text: one line, no ``::`` (that would nest deeper)."""
    return " ".join(plain_text(text).replace("::", ":").split())


def subdeck_of(card: Card, deck: str, mode: str, labels: Mapping[str, str] | None = None) -> str:
    """The full deck name for ``mode``: ``flat``, ``source`` (one subdeck per source file) or
    ``topic`` (``Deck::Framework::Topic::Subtopic`` from the first member that states a topic;
    a card with none stays in the deck itself). Recovered cards go under ``Deck::Recovered``."""
    if mode == "source":
        parts = [_label(card.primary.source, labels)]
    elif mode == "topic":
        parts = _meta_path(topic_item(card), ("framework", "topic", "subtopic"))
    else:
        parts = []
    if card.recovered:
        parts = [RECOVERED_SUBDECK, *parts]
    return "::".join([plain_text(deck) or "untitled", *(p for p in map(deck_part, parts) if p)])


def provenance(card: Card, names: Mapping[str, str] | None = None) -> str:
    """The Source field: which sources ask the card's question, by the names a learner reads
    (:func:`source_names`; file, ref and line are in ``--report`` and ``preview``). A member
    whose answer only repeats one shown is marked "also in" (its answer is not shown again)."""
    repeated = {id(item) for item in card.repeated}
    shown = dict.fromkeys(_label(item.source, names) for item in card.items if id(item) not in repeated)
    also = dict.fromkeys(
        f"also in {name} (same answer)"
        for name in (_label(item.source, names) for item in card.items if id(item) in repeated)
        if name not in shown
    )
    items = "".join(f"<li>{html.escape(row, quote=False)}</li>" for row in [*shown, *also])
    return f'<ul class="qa-sources">{items}</ul>'


def _safe(rendered: str, item: Item, media: MediaCollector | None, renderer: Renderer) -> str:
    """Source-derived HTML through the sanitizer, its local images resolved to media names;
    HTML the renderer wrote all of itself is safe as it is. The sanitizer (a tenth of a
    millisecond a field) would only re-serialise its text: escaped quotes as plain ones and
    no-break spaces as ``&nbsp;``, which is done here (the renderer's own attributes hold
    neither), so a field is the same byte for byte either way."""
    if not renderer.take_foreign():
        return rendered.replace("&quot;", '"').replace("\xa0", "&nbsp;")
    return sanitize_html(rendered, media.image_source(item)) if media else sanitize_html(rendered)


def other_answers(
    card: Card, renderer: Renderer, media: MediaCollector | None, names: Mapping[str, str] | None = None
) -> str:
    """The OtherAnswers field: each answer that adds something, under its source's name
    (:func:`source_names`). Answers that only repeat one shown are not here (see :func:`provenance`).
    """
    return "".join(
        f'<div class="qa-other"><div class="qa-from">{html.escape(_label(item.source, names), quote=False)}'
        "</div>"
        f"{_safe(renderer.answer(item), item, media, renderer)}</div>"
        for item in card.other_answers
    )


def question_html(card: Card, renderer: Renderer) -> str:
    """The Question field: the question, then what the learner must see to answer it (a quiz's
    code and options, a long question's table), from the primary member."""
    question = renderer.inline(card.shown_question)
    prompt = card.primary.prompt
    return f'{question}<div class="qa-prompt">{renderer.block(prompt)}</div>' if prompt.strip() else question


def recovered_mark(card: Card) -> str:
    """The line that tells a recovered card from one whose question a source asked ("" for those)."""
    mark = RECOVERED_MARKS.get(card.recovered)
    return f'<div class="qa-recovered">{html.escape(mark, quote=False)}</div>' if mark else ""


_TAG = re.compile(r"(<[^>]*>)")


def cloze_html(rendered: str, terms: tuple[str, ...]) -> str:
    """``rendered`` with every whole occurrence of ``terms[n]`` in its text made ``{{c<n+1>::…}}``.

    Only text between tags changes, so markup, attributes and highlighted code stay intact. A
    term found nowhere (the recover stage checks for this; a safety net) is hidden on a line of
    its own, so the note still makes its card.
    """
    parts = _TAG.split(rendered)
    for number, term in enumerate(terms, start=1):
        pattern = occurrence_pattern(html.escape(term, quote=False))
        found = False
        for index, part in enumerate(parts):
            if part and not part.startswith("<") and pattern.search(part):
                parts[index] = pattern.sub(lambda match, n=number: f"{{{{c{n}::{match.group(0)}}}}}", part)
                found = True
        if not found:
            hidden = f"{{{{c{number}::{html.escape(term, quote=False)}}}}}"
            parts.append(f'<div class="qa-cloze-term">{hidden}</div>')
    return "".join(parts)


def _cloze_fields(
    card: Card, renderer: Renderer, media: MediaCollector | None, names: Mapping[str, str] | None
) -> tuple[str, ...]:
    """The cloze note's fields: its answer with the terms hidden, then where it came from."""
    primary = card.primary
    text = cloze_html(_safe(renderer.answer(primary), primary, media, renderer), card.cloze)
    topic = html.escape(" · ".join(_meta_path(topic_item(card), ("topic", "subtopic"))), quote=False)
    return (recovered_mark(card) + text, "", provenance(card, names), topic)


def render_note(
    card: Card,
    renderer: Renderer,
    *,
    guid: str,
    deck: str,
    subdecks: str = "flat",
    tags: tuple[str, ...] = (),
    position: int = 0,
    media: MediaCollector | None = None,
    labels: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    code_wrap: bool = True,
) -> Note:
    """Everything Anki stores for one card; every field is safe (see :mod:`.sanitize`).

    HTML rendered from a source goes through the sanitizer; what qa2anki writes around it
    (provenance, badges, the other answers' headings) is built from escaped text.
    ``media`` resolves local images and collects the files to pack; without it images are dropped.
    ``labels`` names sources in tags and subdecks (see :func:`source_labels`), ``names`` on the
    card (see :func:`source_names`; by default their labels). ``code_wrap=False`` keeps long
    code lines scrolling sideways on phones (see :func:`code_wrap_css`).
    """
    primary = card.primary
    fields = _cloze_fields(card, renderer, media, names or labels) if card.recovered == RECOVERED_CLOZE else (
        recovered_mark(card) + _safe(question_html(card, renderer), primary, media, renderer),
        _safe(renderer.answer(primary), primary, media, renderer),
        other_answers(card, renderer, media, names or labels),
        provenance(card, names or labels),
        html.escape(level_of(card), quote=False),
        html.escape(" · ".join(_meta_path(topic_item(card), ("topic", "subtopic"))), quote=False),
    )
    if not code_wrap:
        fields = tuple(field.replace(_CODE_BLOCK, _UNWRAPPED_CODE_BLOCK) for field in fields)
    spec = NoteSpec(guid, deck, position, subdecks, tags, labels, names, code_wrap)
    return _note(card, spec, fields)


def _note(card: Card, spec: NoteSpec, fields: tuple[str, ...]) -> Note:
    """The note of ``card`` with its ``fields``: filed and tagged as ``spec`` says."""
    return Note(
        guid=spec.guid,
        deck=subdeck_of(card, spec.deck, spec.subdecks, spec.labels),
        fields=fields,
        tags=card_tags(card, spec.tags, spec.labels),
        card=card,
        position=spec.position,
    )


# --- many cards at once ---------------------------------------------------------------------

#: Below this many cards, starting worker processes costs more than it saves.
PARALLEL_MIN_CARDS = 2000

_worker_renderer: Renderer | None = None


@dataclass(frozen=True)
class RenderedDeck:
    """The notes of a deck, in order, with the images they reference and what went wrong."""

    notes: tuple[Note, ...]
    media: dict[str, bytes]  # media name -> the checked bytes to pack
    diagnostics: tuple[Diagnostic, ...]
    #: every image file looked for -> sha256 of the bytes packed from it (None: not packed)
    image_paths: dict[Path, str | None] = field(default_factory=dict)
    #: per note: whether its fields depend on files (it shows an image), so may not be kept
    imaged: tuple[bool, ...] = ()


@dataclass(frozen=True)
class NoteSpec:
    """How one card becomes a note (see :func:`render_note`): its identity and place, and its
    deck's choices (subdecks, tags, source names, code wrapping)."""

    guid: str
    deck: str
    position: int = 0
    subdecks: str = "flat"
    tags: tuple[str, ...] = ()
    labels: Mapping[str, str] | None = None
    names: Mapping[str, str] | None = None
    code_wrap: bool = True


def _render_chunk(work: tuple[list[tuple[Card, NoteSpec]], dict[str, Any]]) -> RenderedDeck:
    global _worker_renderer
    if _worker_renderer is None:
        _worker_renderer = Renderer()
    jobs, media_options = work
    media = MediaCollector(**media_options)
    notes, imaged = [], []
    for card, spec in jobs:
        looked = len(media.looked_at)
        notes.append(render_note(card, _worker_renderer, media=media, **vars(spec)))
        imaged.append(len(media.looked_at) > looked)
    return RenderedDeck(tuple(notes), dict(media.files), tuple(media.diagnostics), dict(media.looked_at),
                        tuple(imaged))


def render_notes(
    jobs: list[tuple[Card, NoteSpec]],
    folders: dict[str, Path],
    workers: int | None = None,
    *,
    roots: dict[str, Path] | None = None,
    image_mb: float = DEFAULT_IMAGE_MB,
    cache: RenderCache | None = None,
) -> RenderedDeck:
    """``render_note`` for every (card, :class:`NoteSpec`), in order, on every core for large decks.

    ``folders`` maps each source name to its folder, to resolve images, and ``roots`` to the
    tree its images may come from (see :class:`.media.MediaCollector`). Markdown and
    highlighting are pure CPU work, so forked worker processes divide the time by the cores.
    With a ``cache`` (:mod:`.render_cache`), cards rendered by an earlier build from the same
    inputs take their fields from it, and only the others are rendered.
    """
    media = dict(folders=folders, roots=roots or {}, image_mb=image_mb)
    if cache is None:
        return _render_all(jobs, media, workers)
    keys = [card_key(card, _settings(spec), _shown_names(card, spec)) for card, spec in jobs]
    stored = cache.lookup(keys)
    missing = [index for index, key in enumerate(keys) if key not in stored]
    fresh = _render_all([jobs[index] for index in missing], media, workers)
    notes: list[Note | None] = [
        None if key not in stored else _note(card, spec, stored[key])
        for (card, spec), key in zip(jobs, keys, strict=True)
    ]
    for index, note in zip(missing, fresh.notes, strict=True):
        notes[index] = note
    kept = zip(missing, fresh.notes, fresh.imaged, strict=True)
    cache.store({keys[index]: note.fields for index, note, imaged in kept if not imaged}, keys)
    done = tuple(note for note in notes if note is not None)
    return dataclasses.replace(fresh, notes=done, imaged=())


def _settings(spec: NoteSpec) -> str:
    """The digest of what a deck's fields depend on besides the card: code wrapping (and
    qa2anki's code). The deck, subdecks and tags are worked out anew for every note."""
    return _settings_digest(spec.code_wrap)


@lru_cache(maxsize=8)
def _settings_digest(*parts: object) -> str:
    return settings_digest(*parts)


def _shown_names(card: Card, spec: NoteSpec) -> tuple[str, ...]:
    """The names the card's fields give its sources (adding a source to the deck renames none)."""
    names = spec.names or spec.labels
    return tuple(_label(source, names) for source in sorted({item.source for item in card.items}))


def _render_all(
    jobs: list[tuple[Card, NoteSpec]], media: dict[str, Any], workers: int | None
) -> RenderedDeck:
    def render_chunk(positions: list[int]) -> list[RenderedDeck]:
        return [_render_chunk(([jobs[position] for position in positions], media))]

    parts = fork_map(render_chunk, list(range(len(jobs))), minimum=PARALLEL_MIN_CARDS, workers=workers,
                     least_chunk=200)
    if len(parts) == 1:
        return parts[0]
    diagnostics = tuple(dict.fromkeys(d for part in parts for d in part.diagnostics))
    files = {name: content for part in parts for name, content in part.media.items()}
    images = {path: digest for part in parts for path, digest in part.image_paths.items()}
    imaged = tuple(flag for part in parts for flag in part.imaged)
    return RenderedDeck(tuple(n for part in parts for n in part.notes), files, diagnostics, images, imaged)
