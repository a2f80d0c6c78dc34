"""Markdown to card HTML, rendered the way GitHub would and highlighted at build time.

Python-Markdown is stricter than GitHub: a fence or a list directly under a label line
(``Example:`` then a fence) is not recognised, and nested lists need four-space indents.
Sources written for GitHub rely on both, so a small preprocessor makes their intent explicit
before Python-Markdown runs. Fenced code is highlighted here, not by codehilite, so one
pygments formatter and one lexer per language serve every card.
"""

from __future__ import annotations

import html
import multiprocessing as mp
import os
import re
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .models import Card, Item, Note

CODE_CLASS = "highlight"  # the wrapper class pygments' CSS is scoped to
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")
LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])[ \t]+\S")
MARKUP_CHARS = re.compile(r"[\\`*_\[\]<>&!#|~]|^\s*([-+]|\d+[.)])\s|^\s{4}")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
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
        return f'<div class="{CODE_CLASS}"><pre><span></span><code>{escaped}</code></pre></div>\n'
    return highlight(code, lexer, _FORMATTER)


def pygments_css(style: str = "default", scope: str = f".{CODE_CLASS}") -> str:
    """The pygments token classes for one palette, scoped to ``scope``."""
    return HtmlFormatter(style=style, cssclass=CODE_CLASS).get_style_defs(scope)


class _GithubBlocks(Preprocessor):
    """Fences anywhere (highlighted and stashed), and lists or tables that interrupt a paragraph."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        list_depths: list[int] = []  # source indents of the open list levels
        while index < len(lines):
            line = lines[index]
            fence = FENCE_OPEN.match(line)
            if fence:
                index = self._stash_fence(lines, index, fence, out)
                continue
            item = LIST_ITEM.match(line)
            if item:
                line = self._nest(line, item, list_depths)
                if out and out[-1].strip() and not LIST_ITEM.match(out[-1]) and not list_depths[1:]:
                    if not out[-1].startswith(" ") or len(list_depths) == 1:
                        out.append("")
            elif not line.strip():
                pass
            elif line[:1] in " \t" and list_depths:
                line = " " * (4 * len(list_depths)) + line.lstrip()
            else:
                list_depths.clear()
                if TABLE_ROW.match(line) and out and out[-1].strip() and not TABLE_ROW.match(out[-1]):
                    out.append("")
            out.append(line)
            index += 1
        return out

    @staticmethod
    def _nest(line: str, item: re.Match[str], depths: list[int]) -> str:
        """Re-indent a list item to four spaces per level, as Python-Markdown expects."""
        indent = len(item.group("indent").expandtabs(4))
        while depths and indent < depths[-1]:
            depths.pop()
        if not depths or indent > depths[-1]:
            depths.append(indent)
        return " " * (4 * (len(depths) - 1)) + line.lstrip()

    def _stash_fence(
        self, lines: list[str], start: int, fence: re.Match[str], out: list[str]
    ) -> int:
        marker = fence.group("fence")
        indent = len(fence.group("indent"))
        info = fence.group("info").strip()
        language = re.split(r"[\s{,]", info.lstrip("."), maxsplit=1)[0] if info else ""
        body: list[str] = []
        index = start + 1
        while index < len(lines):
            stripped = lines[index].strip()
            if stripped.startswith(marker[0] * len(marker)) and not stripped.strip(marker[0]):
                index += 1
                break
            body.append(_dedent(lines[index], indent))
            index += 1
        code = "\n".join(body) + "\n"
        placeholder = self.md.htmlStash.store(highlight_code(code, language))
        pad = " " * (4 * _open_depth(out)) if indent and out else ""
        if out and out[-1].strip():
            out.append("")
        out.extend([pad + placeholder, ""])
        return index


def _open_depth(out: list[str]) -> int:
    """How deep the list item above the fence is (0 when the fence is not in a list)."""
    for line in reversed(out):
        if not line.strip():
            continue
        item = LIST_ITEM.match(line)
        if item:
            return len(item.group("indent")) // 4 + 1
        if not line.startswith(" "):
            return 0
    return 0


def _dedent(line: str, indent: int) -> str:
    removable = len(line) - len(line.lstrip(" "))
    return line[min(indent, removable):]


class _GithubBlocksExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (library's name)
        md.preprocessors.register(_GithubBlocks(md), "qa2anki_github_blocks", 27)


class Renderer:
    """Converts answer markdown and question text to HTML; reuse one per build."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=[_GithubBlocksExtension(), "tables", "sane_lists"],
            output_format="html",
        )

    def block(self, text: str) -> str:
        """A whole answer."""
        self._md.reset()
        return self._md.convert(text)

    def inline(self, text: str) -> str:
        """A question: inline markup only, no wrapping paragraph."""
        text = text.strip()
        if not MARKUP_CHARS.search(text):
            return html.escape(text, quote=False)  # most questions: no markdown to parse
        rendered = self.block(text)
        if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
            return rendered[3:-4]
        return rendered


# --- cards to notes -------------------------------------------------------------------------

LEVELS = {
    "junior": "easy", "beginner": "easy", "basic": "easy", "easy": "easy",
    "mid": "medium", "middle": "medium", "intermediate": "medium", "medium": "medium",
    "senior": "hard", "advanced": "hard", "expert": "hard", "hard": "hard",
}


def level_of(card: Card) -> str:
    """The card's level on one scale (easy/medium/hard), from whichever member states one."""
    for item in card.items:
        raw = str(item.meta.get("level") or item.meta.get("difficulty") or "").strip().lower()
        if raw in LEVELS:
            return LEVELS[raw]
    return ""


def tag_part(text: str) -> str:
    """Anki tags cannot hold spaces; keep them readable."""
    return re.sub(r"\s+", "_", text.strip()).strip("_:") or "untitled"


def card_tags(card: Card, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Hierarchical ``qa2anki::…`` tags plus the manifest's and the sources' own, deduplicated."""
    tags: list[str] = [tag_part(t) for t in extra]
    for item in card.items:
        tags.append(f"qa2anki::source::{tag_part(item.source.rsplit('.', 1)[0])}")
        topic = item.meta.get("topic")
        if topic:
            tags.append(f"qa2anki::topic::{tag_part(str(topic))}")
            if item.meta.get("subtopic"):
                tags[-1] += f"::{tag_part(str(item.meta['subtopic']))}"
        tags.extend(tag_part(t) for t in item.tags)
    level = level_of(card)
    if level:
        tags.append(f"qa2anki::level::{level}")
    return tuple(dict.fromkeys(tags))


def subdeck_of(card: Card, deck: str, mode: str) -> str:
    """The full deck name for ``mode`` (flat, source, or topic/subtopic)."""
    item = card.primary
    if mode == "source":
        return f"{deck}::{item.source.rsplit('.', 1)[0]}"
    if mode == "topic":
        parts = [str(item.meta[key]).replace("::", ":") for key in ("topic", "subtopic")
                 if item.meta.get(key)]
        return "::".join([deck, *parts]) if parts else f"{deck}::Other"
    return deck


def provenance(items: tuple[Item, ...]) -> str:
    """The Source field: every member, where it came from."""
    rows = []
    for item in items:
        where = f"{item.source} · {item.ref}"
        if item.line:
            where += f" · line {item.line}"
        rows.append(f'<li>{html.escape(where, quote=False)}</li>')
    return f'<ul class="qa-sources">{"".join(rows)}</ul>'


def render_note(
    card: Card,
    renderer: Renderer,
    *,
    guid: str,
    deck: str,
    subdecks: str = "flat",
    tags: tuple[str, ...] = (),
    position: int = 0,
) -> Note:
    """Everything Anki stores for one card."""
    primary = card.primary
    others = "".join(
        f'<div class="qa-other"><div class="qa-from">{html.escape(item.source)} · '
        f"{html.escape(item.ref)}</div>{renderer.block(item.answer)}</div>"
        for item in card.others
    )
    topic = " · ".join(str(primary.meta[k]) for k in ("topic", "subtopic") if primary.meta.get(k))
    fields = (
        renderer.inline(primary.question),
        renderer.block(primary.answer),
        others,
        provenance(card.items),
        level_of(card),
        html.escape(topic, quote=False),
    )
    return Note(
        guid=guid,
        deck=subdeck_of(card, deck, subdecks),
        fields=fields,
        tags=card_tags(card, tags),
        card=card,
        position=position,
    )


# --- many cards at once ---------------------------------------------------------------------

#: Below this many cards, starting worker processes costs more than it saves.
PARALLEL_MIN_CARDS = 2000

_worker_renderer: Renderer | None = None


def _render_chunk(jobs: list[tuple[Card, dict]]) -> list[Note]:
    global _worker_renderer
    if _worker_renderer is None:
        _worker_renderer = Renderer()
    return [render_note(card, _worker_renderer, **options) for card, options in jobs]


def render_notes(jobs: list[tuple[Card, dict]], workers: int | None = None) -> list[Note]:
    """``render_note(card, **options)`` for every job, in order, on every core for large decks.

    Markdown and highlighting are pure CPU work, so separate processes (forked: no re-import)
    divide the render time by the number of cores.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or len(jobs) < PARALLEL_MIN_CARDS or "fork" not in mp.get_all_start_methods():
        return _render_chunk(jobs)
    size = max(200, len(jobs) // (workers * 8))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
        return [note for chunk in pool.map(_render_chunk, chunks) for note in chunk]
