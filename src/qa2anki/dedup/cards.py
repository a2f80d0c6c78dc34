"""One card from a cluster's members: which answer is shown, which add something, which repeat."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import DAMAGE_MARK, UNREPAIRED, Card, Item
from ..similarity import term_counts

#: An answer sharing this share of its words with one already shown adds nothing: it is named
#: in the card's Source field ("also in …") instead of being shown again.
REPEAT_SHARE = 0.8

_TRUNCATED = re.compile(r"(\.\.\.|…)\s*$")
_WORD = re.compile(r"\w+")
_YES_NO = re.compile(r"^(?:is|are|does|do|can|could|should|will|would|has|have)\b", re.IGNORECASE)


def build_card(members: Sequence[Item], similarity: float, distinct_terms: Sequence[int]) -> Card:
    """The best answer first, with its own question; then the answers that add something, in
    source order; then those that only repeat one shown."""
    if len(members) == 1:
        return Card(items=(members[0],))
    primary = max(
        (
            (answer_quality(item, terms), question_clarity(item), -position, item)
            for position, (item, terms) in enumerate(zip(members, distinct_terms, strict=True))
            if not item.is_answer_only
        ),
        key=lambda ranked: ranked[:3],
    )[3]
    shown = [_words(primary.answer)]
    adding, repeating = [], []
    for item in members:
        if item is primary:
            continue
        words = _words(item.answer)
        if any(repeats(words, earlier) for earlier in shown):
            repeating.append(item)
        else:
            adding.append(item)
            shown.append(words)
    return Card(items=(primary, *adding, *repeating), similarity=round(similarity, 3), repeats=len(repeating))


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def repeats(words: frozenset[str], shown: frozenset[str]) -> bool:
    """Whether two answers share most of the words of the shorter one (either way round)."""
    if not words or not shown:
        return not words
    return len(words & shown) >= REPEAT_SHARE * min(len(words), len(shown))


def answer_quality(item: Item, distinct_terms: int | None = None) -> tuple[int, int, int]:
    """Rank answers: undamaged code, then complete, then richest (distinct words, code samples).

    ``distinct_terms`` is how many distinct content terms the answer has, when already counted.
    """
    clean = UNREPAIRED not in item.flags and DAMAGE_MARK not in item.answer
    complete = not _TRUNCATED.search(item.answer)
    if distinct_terms is None:
        distinct_terms = len(term_counts(item.answer))
    richness = distinct_terms + 15 * min(item.answer.count("```") // 2, 2)
    return (int(clean), int(complete), richness)


def question_clarity(item: Item) -> tuple[int, int, int, int]:
    """Rank questions: one real question, open (not yes/no), of a readable length, the shortest such."""
    text = item.question.strip()
    words = len(text.split())
    single = text.endswith("?") and text.count("?") == 1
    open_question = not _YES_NO.match(text)
    return (int(single), int(open_question), int(4 <= words <= 25), -words)
