"""Format adapters: one module per input format, behind one explicit registry.

Each adapter answers two questions: how sure it is that a text is its format (``sniff``,
0.0-1.0, judged on content, never the file name) and what items the text holds (``read``).
Adding a format means writing one module and adding one line to :data:`ADAPTERS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..models import Diagnostic, Dropped, SourceResult
from ..textio import read_text
from . import answer_only, common_schema, markdown_doc, numbered_text, nuxt_payload, records
from .base import Adapter

#: Below this, auto-detection refuses to guess and asks for ``format:``.
MIN_CONFIDENCE = 0.3


ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter
    for adapter in (
        markdown_doc.ADAPTER,
        numbered_text.ADAPTER,
        answer_only.ADAPTER,
        nuxt_payload.ADAPTER,
        records.JSON_ADAPTER,
        records.YAML_ADAPTER,
        records.CSV_ADAPTER,
        common_schema.ADAPTER,
    )
}


class UnsupportedFormatError(SourceError):
    """No adapter recognises the file; the build skips it with a warning."""


@dataclass(frozen=True)
class Detection:
    format: str
    confidence: float
    scores: Mapping[str, float]


def detect(text: str, name: str = "<text>") -> Detection:
    """The adapter whose ``sniff`` is most confident about ``text``."""
    scores = sniff_scores(text)
    best = max(scores, key=lambda key: scores[key])
    if scores[best] < MIN_CONFIDENCE:
        raise UnsupportedFormatError(
            f"no adapter recognises this file (tried {', '.join(ADAPTERS)}); "
            "set 'format:' for it in the manifest",
            file=name,
        )
    return Detection(best, scores[best], scores)


def sniff_scores(text: str) -> dict[str, float]:
    """Every adapter's confidence (0.0-1.0) that ``text`` is its format."""
    return {adapter.name: _safe_sniff(adapter, text) for adapter in ADAPTERS.values()}


def _safe_sniff(adapter: Adapter, text: str) -> float:
    return max(0.0, min(1.0, adapter.sniff(text)))


def read_source(
    path: str | Path,
    format: str = "auto",
    options: Mapping[str, Any] | None = None,
    key: str | None = None,
) -> SourceResult:
    """Read one source file through its adapter (``format='auto'`` detects it).

    ``key`` names the source in its items (see :attr:`SourceSpec.key`); by default the file's name.
    """
    path = Path(path)
    text, warnings = read_text(path)
    return read_text_as(text, key or path.name, format, options, str(path), warnings)


def read_text_as(
    text: str,
    source: str,
    format: str = "auto",
    options: Mapping[str, Any] | None = None,
    display_name: str | None = None,
    warnings: list[str] | None = None,
) -> SourceResult:
    """Like :func:`read_source` for text already in memory."""
    display = display_name or source
    if format == "auto":
        format = detect(text, display).format
    elif format not in ADAPTERS:
        raise UnsupportedFormatError(
            f"unknown format '{format}' (known: {', '.join(ADAPTERS)})", file=display
        )
    result = _keep_schema(ADAPTERS[format].read(text, source, options or {}))
    if warnings:
        extra = tuple(Diagnostic(source, None, message) for message in warnings)
        result = SourceResult(
            result.source, result.format, result.items, result.dropped, extra + result.diagnostics
        )
    return result


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
