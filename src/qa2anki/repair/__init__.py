"""Repair stage: mend code blocks that scraping damaged, working only on the blocks adapters marked.

It never needs to know which file a block came from: the damage kind travels in the fence's
info string (see :data:`qa2anki.models.DAMAGE_MARK`), and whatever cannot be mended is kept
verbatim and reported, never lost. Code blocks without a language get one when it is clear
(:mod:`qa2anki.codelang`), so they are highlighted like the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..html_answers import code_block, replace_code_blocks
from ..models import DAMAGE_MARK, HTML_ANSWER, PLAIN_TEXT, UNREPAIRED, Diagnostic, Item
from ..report import RepairStats as RepairStats  # per source: reported
from .codelang import UNLABELLED, guess_language
from .codelayout import relayout
from .inline_code import mark_inline_code
from .python import repair_python

PYTHON_NAMES = frozenset({"python", "py", "python3", "py3", "pycon", "ipython"})
_PYTHON_WORDS = re.compile(r"\b(?:def|class|import|return|await|async)\b")

ANY_FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*?)[ \t]*\n(?P<code>.*?)\n(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
MARKED_FENCE = re.compile(
    rf"^(?P<fence>`{{3,}}|~{{3,}})(?P<lang>[^\s`]*)[ \t]+{DAMAGE_MARK}=(?P<kind>[a-z-]+)[ \t]*\n"
    r"(?P<code>.*?)\n(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class RepairResult:
    items: tuple[Item, ...]
    stats: dict[str, RepairStats]
    diagnostics: tuple[Diagnostic, ...]


def repair_code(code: str, language: str, damage: str) -> str | None:
    """The mended sample, or ``None`` when no reconstruction is confident."""
    try:
        if language.lower() in PYTHON_NAMES:
            return repair_python(code, damage)
        return relayout(code, language, damage)
    except Exception:  # noqa: BLE001 - a heuristic's bug must cost one block, not the build
        return None


def label_code_blocks(markdown: str) -> str:
    """Give fenced blocks without a language the one their content clearly shows."""

    def label(match: re.Match[str]) -> str:
        if match.group("info").lower() not in UNLABELLED:
            return match.group()
        language = guess_language(match.group("code"))
        if not language:
            return match.group()
        fence = match.group("fence")
        return f"{fence}{language}\n{match.group('code')}\n{fence}"

    return ANY_FENCE.sub(label, markdown)


def label_html_code_blocks(html_text: str) -> str:
    """An HTML answer's ``<pre>`` blocks without a language given the one their content clearly shows."""

    def label(code: str, language: str) -> str | None:
        guessed = None if language else guess_language(code)
        return code_block(code, guessed) if guessed else None

    return replace_code_blocks(html_text, label)


def repair_items(items: Iterable[Item]) -> RepairResult:
    """Mend every marked block of every item; unmarked answers pass through untouched."""
    out: list[Item] = []
    stats: dict[str, RepairStats] = {}
    diagnostics: list[Diagnostic] = []
    for item in items:
        if HTML_ANSWER in item.flags:  # HTML has no fences to mend: only its code to label
            stats.setdefault(item.source, RepairStats())
            labelled = label_html_code_blocks(item.answer)
            out.append(replace(item, answer=labelled) if labelled != item.answer else item)
            continue
        mended, item_stats = _repair_answer(item.answer)
        mended = label_code_blocks(mended)
        if PLAIN_TEXT in item.flags:
            mended = mark_inline_code(mended)
        if item_stats.found:
            stats[item.source] = stats.get(item.source, RepairStats()) + item_stats
        else:
            stats.setdefault(item.source, RepairStats())
        if item_stats.unrepaired:
            diagnostics.append(
                Diagnostic(
                    item.source,
                    item.line,
                    f"{item_stats.unrepaired} damaged code block(s) in {item.ref} could not be "
                    "repaired and are kept as they were; fix them in the source",
                    ref=item.ref,
                )
            )
            item = replace(item, flags=item.flags | {UNREPAIRED})
        out.append(replace(item, answer=mended) if mended != item.answer else item)
    return RepairResult(tuple(out), stats, tuple(diagnostics))


def _repair_answer(answer: str) -> tuple[str, RepairStats]:
    if DAMAGE_MARK not in answer:
        return answer, RepairStats()
    counts = {"found": 0, "repaired": 0, "unrepaired": 0}

    def mend(match: re.Match[str]) -> str:
        counts["found"] += 1
        fence, code, damage = match.group("fence"), match.group("code"), match.group("kind")
        language = match.group("lang")
        if language.lower() in UNLABELLED:
            language = _unlabelled_language(code, damage)
        fixed = repair_code(code, language, damage)
        if fixed is None:
            counts["unrepaired"] += 1
            fixed = code
        else:
            counts["repaired"] += 1
        label = "" if language.lower() in UNLABELLED else language
        return f"{fence}{label}\n{fixed.rstrip()}\n{fence}"

    mended = MARKED_FENCE.sub(mend, answer)
    return mended, RepairStats(**counts)


def _unlabelled_language(code: str, damage: str) -> str:
    """The language of a damaged block that came without one ("" when unknown)."""
    language = guess_language(code)
    if language:
        return language
    if _PYTHON_WORDS.search(code) and repair_python(code, damage) is not None:
        return "python"
    return ""
