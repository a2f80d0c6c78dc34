"""Format adapters: one module per input format, behind one explicit registry.

Each adapter answers two questions: how sure it is that a text is its format (``sniff``,
0.0-1.0, judged on content, never the file name) and what items the text holds (``read``).
Adding a format means writing one module and adding one line to :data:`ADAPTERS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..dense_markup import PARAGRAPH_CHUNK, split_dense_paragraphs
from ..errors import SourceError
from ..manifest import DEFAULT_LIMITS as DEFAULT_LIMITS  # the limits a call without its own reads within
from ..manifest import Limits
from ..models import Diagnostic, Dropped, Item, SourceResult
from ..nesting import MARKDOWN_MAX_NESTING, cap_markdown
from ..textio import decode, read_source_bytes
from . import (
    anki_package,
    answer_only,
    common_schema,
    crowdanki,
    logseq_cards,
    markdown,
    numbered_text,
    nuxt_payload,
    obsidian_cards,
    records,
)
from ._text.title import document_title
from .base import YIELDED, Adapter

#: Below this, auto-detection refuses to guess and asks for ``format:``.
MIN_CONFIDENCE = 0.3
#: A sniff that overflowed the stack met structure of its own format nested very deep: it
#: claims the file, so the nesting check names the line instead of "no adapter recognises".
DEEP_CLAIM = 0.6


ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter
    for adapter in (
        markdown.ADAPTER,
        numbered_text.ADAPTER,
        answer_only.ADAPTER,
        nuxt_payload.ADAPTER,
        records.JSON_ADAPTER,
        records.YAML_ADAPTER,
        records.CSV_ADAPTER,
        common_schema.ADAPTER,
        crowdanki.ADAPTER,
        anki_package.ADAPTER,
        obsidian_cards.ADAPTER,
        logseq_cards.ADAPTER,
    )
}


class UnsupportedFormatError(SourceError):
    """No adapter recognises the file; the build skips it with a warning."""


@dataclass(frozen=True)
class Detection:
    format: str
    confidence: float
    scores: Mapping[str, float]


def detect(text: str, name: str = "<text>", named_by_flag: bool = False) -> Detection:
    """The adapter whose ``sniff`` is most confident about ``text``.

    ``named_by_flag``: the file was named on the command line, where ``--format`` sets its format
    (the error says so); otherwise a manifest's ``format:`` does.
    """
    scores = sniff_scores(text)
    best = max(scores, key=lambda key: scores[key])
    if scores[best] < MIN_CONFIDENCE:
        raise UnsupportedFormatError(unrecognised_message(named_by_flag), file=name)
    return Detection(best, scores[best], scores)


def unrecognised_message(named_by_flag: bool) -> str:
    """Why a file was not read, and how to name its format where the user named the file."""
    if named_by_flag:
        return f"no adapter recognises this file; pass --format FORMAT (one of {', '.join(ADAPTERS)})"
    tried = ", ".join(ADAPTERS)
    return f"no adapter recognises this file (tried {tried}); set 'format:' for it in the manifest"


def sniff_scores(text: str) -> dict[str, float]:
    """Every adapter's confidence (0.0-1.0) that ``text`` is its format; one that yields to a
    format claiming the text keeps only a token claim (:attr:`Adapter.yields_to`)."""
    scores = {adapter.name: _safe_sniff(adapter, text) for adapter in ADAPTERS.values()}
    for adapter in ADAPTERS.values():
        if any(scores.get(other, 0.0) > 0 for other in adapter.yields_to):
            scores[adapter.name] = min(scores[adapter.name], YIELDED)
    return scores


def _safe_sniff(adapter: Adapter, text: str) -> float:
    try:
        return max(0.0, min(1.0, adapter.sniff(text)))
    except RecursionError:
        return DEEP_CLAIM


def read_source(
    path: str | Path,
    format: str = "auto",
    options: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    key: str | None = None,
    named_by_flag: bool = False,
) -> SourceResult:
    """Read one source file through its adapter (``format='auto'`` detects it), within ``limits``.

    ``key`` names the source in its items (see :attr:`SourceSpec.key`); by default the file's name.
    ``named_by_flag``: see :func:`detect`.
    """
    return read_source_text(path, format, options, limits, key, named_by_flag)[0]


def read_source_text(
    path: str | Path,
    format: str = "auto",
    options: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    key: str | None = None,
    named_by_flag: bool = False,
) -> tuple[SourceResult, str]:
    """:func:`read_source`, and the text it read (what :func:`qa2anki.coverage.coverage_of` checks)."""
    path = Path(path)
    data = read_source_bytes(path, limits.source_mb)
    packaged = read_binary_as(data, key or path.name, format, options, str(path), limits)
    if packaged is not None:
        return packaged, ""  # a package has no lines: coverage does not apply to it
    text, warnings = decode(data, str(path))
    if format == "auto":
        format = detect(text, str(path), named_by_flag).format
    result = read_text_as(text, key or path.name, format, options, str(path), warnings, limits.nesting)
    return result, text


def binary_scores(data: bytes) -> dict[str, float]:
    """Every binary format's confidence (0.0-1.0) that ``data`` is that format."""
    return {adapter.name: max(0.0, min(1.0, adapter.sniff_bytes(data)))
            for adapter in ADAPTERS.values() if adapter.sniff_bytes}


def read_binary_as(
    data: bytes,
    source: str,
    format: str = "auto",
    options: Mapping[str, Any] | None = None,
    display_name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> SourceResult | None:
    """``data`` read by the binary format it is (or is named as), or None: it is text to decode.

    What the adapter may unpack is bounded by ``limits.source_mb`` too.
    """
    if format == "auto":
        scores = binary_scores(data)
        format = max(scores, key=lambda name: scores[name], default="")
        if not format or scores[format] < MIN_CONFIDENCE:
            return None
    adapter = ADAPTERS.get(format)
    if adapter is None or adapter.read_bytes is None:
        return None
    try:
        result = adapter.read_bytes(data, source, options or {}, int(limits.source_mb * 2**20))
    except SourceError as exc:
        raise SourceError(exc.message, file=display_name or source, line=exc.line) from None
    return _titled(_bound_markdown(_keep_schema(result), "", min(limits.nesting, MARKDOWN_MAX_NESTING)), "")


def read_text_as(
    text: str,
    source: str,
    format: str = "auto",
    options: Mapping[str, Any] | None = None,
    display_name: str | None = None,
    warnings: list[str] | None = None,
    nesting: int = DEFAULT_LIMITS.nesting,
) -> SourceResult:
    """Like :func:`read_source` for text already in memory."""
    display = display_name or source
    if format == "auto":
        format = detect(text, display).format
    elif format not in ADAPTERS:
        raise UnsupportedFormatError(
            f"unknown format '{format}' (known: {', '.join(ADAPTERS)})", file=display
        )
    result = _keep_schema(_read_nested(ADAPTERS[format], text, source, options or {}, nesting, display))
    result = _bound_markdown(result, text, min(nesting, MARKDOWN_MAX_NESTING))
    if warnings:
        extra = tuple(Diagnostic(source, None, message) for message in warnings)
        result = dataclasses.replace(result, diagnostics=extra + result.diagnostics)
    return _titled(result, text)


def _titled(result: SourceResult, text: str) -> SourceResult:
    """``result`` with the document's own title, unless its adapter already named one."""
    if result.title:
        return result
    return dataclasses.replace(result, title=document_title(text, result.skipped, result.items))


def _read_nested(
    adapter: Adapter, text: str, source: str, options: Mapping[str, Any], nesting: int, display: str
) -> SourceResult:
    """``adapter.read``, refused with the line where the text nests deeper than ``nesting``."""
    line = adapter.too_deep(text, nesting) if adapter.too_deep else None
    if line is not None:
        raise SourceError(
            f"nested deeper than {nesting} levels; flatten it, or raise 'limits: nesting:' "
            "in the manifest to read it", file=display, line=line,
        )
    try:
        return adapter.read(text, source, options)
    except RecursionError:  # only when 'limits: nesting:' was set beyond what Python parses
        raise SourceError(
            f"nested too deep for Python to read (limits: nesting is {nesting}; lower it to have "
            "such files refused with their line)", file=display,
        ) from None


def _bound_markdown(result: SourceResult, text: str, nesting: int) -> SourceResult:
    """Questions and answers bounded for the renderer, with a warning where each change starts;
    every character is kept. Lists and quotes nested deeper than ``nesting`` are flattened to it
    (markdown-it recurses per level); paragraphs too long and dense with markup are split."""
    bounds = (
        (partial(cap_markdown, limit=nesting), f"lists or quotes nested deeper than {nesting} levels; "
         f"flattened to {nesting} levels from here, every line kept (limits: nesting)"),
        (split_dense_paragraphs, f"a paragraph too long and dense with markup to render in time; "
         f"split into paragraphs of at most {PARAGRAPH_CHUNK:,} characters from here, every character kept"),
    )
    items: list[Item] = []
    notes: list[Diagnostic] = []
    source_lines: list[str] = []
    for item in result.items:
        for bound, message in bounds:
            question, in_question = bound(item.question)
            answer, in_answer = bound(item.answer)
            if in_question is None and in_answer is None:
                continue
            if in_answer is not None and not source_lines:
                source_lines = text.split("\n")
            line = item.line if in_answer is None else _line_in_source(
                source_lines, item.line, item.answer.split("\n")[in_answer])
            notes.append(Diagnostic(item.source, line, message, ref=item.ref))
            item = dataclasses.replace(item, question=question, answer=answer)
        items.append(item)
    if not notes:
        return result
    return dataclasses.replace(result, items=tuple(items), diagnostics=result.diagnostics + tuple(notes))


def _line_in_source(lines: list[str], start: int | None, wanted: str) -> int | None:
    """The 1-based line of ``wanted`` at or after ``start``; answers are cut from the source's
    lines (re-indented at most), so it is found there unless the source is JSON or the like."""
    wanted = wanted.strip()
    first = max((start or 1) - 1, 0)
    return next((number for number, line in enumerate(lines[first:], start=first + 1)
                 if line.strip() == wanted), start)


def _keep_schema(result: SourceResult) -> SourceResult:
    """Every item asks a question, or is an answer-only unit; anything else is reported, not kept.

    Adapters aim for this themselves; this guard keeps a damaged source's odd block from reaching
    the deck as a card with an empty front.
    """
    broken = [i for i in result.items if not i.question.strip() and not i.is_answer_only]
    if not broken:
        return result
    return dataclasses.replace(
        result,
        items=tuple(i for i in result.items if i not in broken),
        dropped=result.dropped + tuple(Dropped(i.source, i.ref, i.line, "no-question") for i in broken),
    )
