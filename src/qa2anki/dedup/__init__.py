"""Deduplication stage: one card per question, across and within sources.

How a merge is decided (precision first: a wrong merge hides a question from the learner):

1. Candidate pairs come from an inverted index over each item's heaviest words (and pairs of
   them), never from all pairs, so 100,000 items take seconds.
2. Each candidate pair gets signals (:mod:`.features`): question and answer similarity, whether
   each answer covers the other's question, shared subjects and code identifiers, whether each
   is the other's best match in its source. A logistic model learned from hand-labelled pairs
   (:mod:`.model`) turns them into a probability.
3. Items showing different code, options or tables under the same words are different questions
   and never merge (only the manifest's ``merge:`` may join them).
4. Pairs at or above the threshold join, most likely first, but two clusters only join when
   every cross pair agrees (:mod:`.clusters`): no chaining, one source's questions need a
   margin, answers that disagree never share a card.
5. An answer-only unit (its question was lost) joins the question it answers best, if it
   clears the threshold, or is dropped as ``no-question`` and listed in ``unattached`` (the
   recover stage may make it a card of its own).
6. The manifest's ``merge:`` groups are joined first and its ``keep_separate:`` pairs never are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..manifest import DedupSpec
from ..models import Card, Diagnostic, Dropped, Item
from ..similarity import KeyIndex, candidate_pairs
from .cards import answer_quality, build_card, question_clarity
from .clusters import SAME_SOURCE_MARGIN, Clusters, Link
from .overrides import item_keys, override_warning, pairs, resolve_groups
from .review import describe_clusters
from .scoring import PairScorer, Score

#: Default merge threshold on the pair probability (0..1); ``dedup: threshold:`` overrides it.
DEFAULT_THRESHOLD = 0.5
#: Pairs scoring at least this, yet kept apart, are listed by ``qa2anki dups`` as near misses.
NEAR_MISS_FLOOR = 0.25

_QUESTION_KEYS = 4
_ANSWER_KEYS = 6
_MAX_POSTINGS = 20
_PARTNERS_PER_ITEM = 12
_UNIT_KEYS = 12


@dataclass(frozen=True)
class Cluster:
    """A card of two or more members and the links that joined them."""

    card: Card
    links: tuple[Link, ...]


@dataclass(frozen=True)
class DedupResult:
    cards: tuple[Card, ...]
    dropped: tuple[Dropped, ...]
    clusters: tuple[Cluster, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    threshold: float = DEFAULT_THRESHOLD
    near_misses: tuple[Link, ...] = ()
    #: The answer-only units no question claimed (each also in ``dropped`` as ``no-question``).
    unattached: tuple[Item, ...] = ()


def deduplicate(
    items: Iterable[Item], spec: DedupSpec | None = None, workers: int | None = None
) -> DedupResult:
    """Cluster items asking the same question; answer-only units join the question they answer.

    ``workers``: processes a large deck's work is shared out to (every core by default); the
    result is the same however many.
    """
    items = list(items)
    spec = spec or DedupSpec()
    threshold = spec.threshold if spec.threshold is not None else DEFAULT_THRESHOLD
    if not spec.enabled:
        return _without_merging(items, threshold)
    diagnostics: list[Diagnostic] = []
    keys = item_keys(items)
    forced = resolve_groups(spec.merge, keys, "merge", diagnostics)
    apart = {
        frozenset(pair)
        for group in resolve_groups(spec.keep_separate, keys, "keep_separate", diagnostics)
        for pair in pairs(group)
    }
    scorer = PairScorer(items, workers)
    question_pairs = _question_candidates(items, scorer, workers)  # before any vector is made
    unit_pairs = _unit_candidates(items, scorer)
    clusters = Clusters(scorer, threshold, apart)
    for group in forced:
        if any(frozenset(pair) in apart for pair in pairs(group)):
            diagnostics.append(override_warning(items, group, "is both merged and kept separate; merged"))
        for other in group[1:]:
            clusters.join(group[0], other, forced=True)
    # a unit the manifest already merged stays where the user put it
    unit_pairs = [(question, unit) for question, unit in unit_pairs if len(clusters.group(unit)) == 1]
    scorer.remember_best([*question_pairs, *unit_pairs])
    scorer.score_all([*question_pairs, *unit_pairs], workers)
    misses = _join_questions(question_pairs, scorer, clusters)
    misses += _attach_answer_only(unit_pairs, scorer, clusters)
    return _result(items, clusters, threshold, diagnostics, misses)


def _without_merging(items: list[Item], threshold: float) -> DedupResult:
    cards = tuple(Card(items=(item,)) for item in items if not item.is_answer_only)
    units = tuple(item for item in items if item.is_answer_only)
    return DedupResult(cards, tuple(map(_no_question, units)), threshold=threshold, unattached=units)


def _question_candidates(
    items: list[Item], scorer: PairScorer, workers: int | None = None
) -> list[tuple[int, int]]:
    """Question pairs worth scoring: those sharing key terms of their questions or answers."""
    questions = [i for i, item in enumerate(items) if not item.is_answer_only]
    keys = [scorer.featurizer.key_terms(i, _QUESTION_KEYS, _ANSWER_KEYS) for i in questions]
    found = candidate_pairs(keys, _MAX_POSTINGS, _PARTNERS_PER_ITEM, workers)
    return sorted((questions[a], questions[b]) for a, b in found)


def _unit_candidates(items: list[Item], scorer: PairScorer) -> list[tuple[int, int]]:
    """(question, unit) pairs worth scoring: questions whose answers share a unit's key terms."""
    units = [i for i, item in enumerate(items) if item.is_answer_only]
    if not units:
        return []
    questions = [i for i, item in enumerate(items) if not item.is_answer_only]
    index = KeyIndex([scorer.featurizer.key_terms(i, 0, _UNIT_KEYS) for i in questions], _MAX_POSTINGS)
    return [
        (questions[position], unit)
        for unit in units
        for position in index.neighbours(scorer.featurizer.key_terms(unit, 0, _UNIT_KEYS), _PARTNERS_PER_ITEM)
    ]


def _join_questions(candidates: list[tuple[int, int]], scorer: PairScorer, clusters: Clusters) -> list[Link]:
    """Join question pairs above the threshold, most likely first; return the near misses."""
    scored = sorted(
        ((scorer.rating(i, j).total, i, j) for i, j in candidates), key=lambda s: (-s[0], s[1], s[2])
    )
    misses = []
    for total, i, j in scored:
        if total < NEAR_MISS_FLOOR:
            break
        if clusters.find(i) == clusters.find(j):
            continue
        why = "below the threshold" if total < clusters.threshold else clusters.obstacle(i, j)
        if why:
            misses.append(_miss(scorer, i, j, why))
        else:
            clusters.join(i, j)
    return misses


def _attach_answer_only(
    candidates: list[tuple[int, int]], scorer: PairScorer, clusters: Clusters
) -> list[Link]:
    """Each unit joins the question it answers best, if that clears the threshold."""
    best: dict[int, tuple[float, int]] = {}
    for question, unit in candidates:
        total = scorer.rating(unit, question).total
        if total >= NEAR_MISS_FLOOR and (
            unit not in best or (total, -question) > (best[unit][0], -best[unit][1])
        ):
            best[unit] = (total, question)
    misses = []
    for unit, (total, question) in sorted(best.items()):
        if total < clusters.threshold:
            misses.append(_miss(scorer, question, unit, "below the threshold"))
        elif any(frozenset((unit, m)) in clusters.apart for m in clusters.group(question)):
            misses.append(_miss(scorer, question, unit, "keep_separate in the manifest"))
        else:
            clusters.join(question, unit)
    return misses


def _miss(scorer: PairScorer, i: int, j: int, why: str) -> Link:
    score: Score = scorer.score(i, j)
    return Link(scorer.items[i], scorer.items[j], score.total, score.features, why_apart=why)


def _result(
    items: list[Item], clusters: Clusters, threshold: float, diagnostics: list[Diagnostic], misses: list[Link]
) -> DedupResult:
    groups: dict[int, list[int]] = {}
    for index in range(len(items)):
        groups.setdefault(clusters.find(index), []).append(index)
    cards: list[tuple[int, Card, list[Link]]] = []
    units: list[Item] = []
    for root, members in groups.items():
        if all(items[m].is_answer_only for m in members):
            units.extend(items[m] for m in members)
            continue
        links = clusters.links.get(root, [])
        distinct = [clusters.scorer.answer_terms(m) for m in members]  # terms already counted
        similarity = min((link.score for link in links), default=1.0)
        cards.append((min(members), build_card([items[m] for m in members], similarity, distinct), links))
    cards.sort(key=lambda entry: entry[0])
    return DedupResult(
        cards=tuple(card for _, card, _ in cards),
        dropped=tuple(map(_no_question, units)),
        clusters=tuple(Cluster(card, tuple(links)) for _, card, links in cards if len(card.items) > 1),
        diagnostics=tuple(diagnostics),
        threshold=threshold,
        near_misses=tuple(misses),
        unattached=tuple(units),
    )


def _no_question(item: Item) -> Dropped:
    return Dropped(item.source, item.ref, item.line, "no-question", item.question, item.end_line)


def pair_scores(items: Iterable[Item], wanted: Iterable[tuple[int, int]]) -> list[Score]:
    """The scores of chosen pairs of ``items``, as :func:`deduplicate` sees them in that deck.

    For measuring and fitting the model on labelled pairs (``python -m bench.dedup_quality``).
    """
    items = list(items)
    scorer = PairScorer(items)
    scorer.remember_best([*_question_candidates(items, scorer), *_unit_candidates(items, scorer)])
    return [scorer.score(i, j) for i, j in wanted]


__all__ = [
    "DEFAULT_THRESHOLD",
    "SAME_SOURCE_MARGIN",
    "Cluster",
    "DedupResult",
    "Link",
    "PairScorer",
    "answer_quality",
    "deduplicate",
    "pair_scores",
    "describe_clusters",
    "question_clarity",
]
