"""The ``qa2anki dups`` listing: each merge and each near miss, with the signals that decided it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Item
from .clusters import Link

if TYPE_CHECKING:
    from . import DedupResult


def describe_clusters(result: DedupResult, *, width: int = 100) -> str:
    """Each merged card, its members and what joined them; then the pairs that nearly merged,
    with what kept them apart, so a user can check and override either way."""
    lines = []
    for number, cluster in enumerate(result.clusters, 1):
        card = cluster.card
        lines.append(f"[{number}] {_clip(card.shown_question, width - 6)}")
        lines.append(f"    similarity {card.similarity:.2f}  ({len(card.items)} members)")
        repeated = {id(item) for item in card.repeated}
        for position, item in enumerate(card.items):
            role = "*" if position == 0 else ("=" if id(item) in repeated else "-")
            lines.append(f"    {role} {_key(item)}: {_clip(_label(item), width - 10)}")
        lines.extend(f"      {_describe(link)}" for link in cluster.links)
        lines.append("")
    if result.near_misses:
        lines.append(f"Near misses (kept apart; score at least {_floor()}):")
        for link in sorted(result.near_misses, key=lambda link: -link.score):
            lines.append(f"  - {_clip(_label(link.first), width - 4)}")
            lines.append(f"    {_clip(_label(link.second), width - 4)}")
            lines.append(f"      {_describe(link)}; apart: {link.why_apart}")
        lines.append("")
    if lines:
        lines.append("'*' is shown, '-' adds an answer, '=' repeats one (named in Source only).")
    return "\n".join(lines)


def _describe(link: Link) -> str:
    pair = f"{_key(link.first)} ~ {_key(link.second)}"
    if link.forced:
        return f"{pair}: merge: in manifest"
    return f"{pair}: score {link.score:.2f} ({signals(link)})"


def signals(link: Link) -> str:
    """The signals of a link, the ones that speak loudest first."""
    f = link.features
    if f is None:
        return ""
    parts = [f"question {f.question:.2f}", f"answer {f.answer:.2f}", f"cross {f.cross:.2f}"]
    if f.code:
        parts.append(f"code {f.code:.2f}")
    parts.append(f"whole {f.whole:.2f}")
    parts += [f"mutual best by {f.margin:.2f}"] if f.mutual else []
    parts += [name for name, on in (("contrast", f.contrast), ("same source", f.same_source)) if on]
    if f.uncovered >= 0.5:
        parts.append(f"uncovered {f.uncovered:.2f}")
    return ", ".join(parts)


def _floor() -> str:
    from . import NEAR_MISS_FLOOR

    return f"{NEAR_MISS_FLOOR:.2f}"


def _label(item: Item) -> str:
    return item.question or "(answer only) " + " ".join(item.answer.split())


def _key(item: Item) -> str:
    return f"{item.source}#{item.ref}"


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
