"""Deduplication stage: one card per question, across and within sources.

How a merge is decided (precision first: a wrong merge hides a question from the learner):

1. Every item becomes two TF-IDF vectors over stemmed content words, one of its question and
   one of its answer; rare words ("cookie", "header", "body") weigh most.
2. Candidate pairs come from an inverted index over each item's heaviest words (and pairs of
   them), never from all pairs, so 100,000 items take seconds.
3. Items whose prompts differ (a quiz's code or options under the same question text) are
   different questions and never merge (only the manifest's ``merge:`` may join them).
   Two questions score ``0.5 * question cosine + 0.5 * answer cosine``, less a penalty when one
   names or compares something the other item never mentions (path/query vs path/query/body,
   Swagger UI, a number). Pairs at or above the threshold join, best first, but two clusters
   only join when every cross pair is close and their average clears the threshold (no
   chaining); two questions of one source must clear it by a margin, even through a third.
4. An answer-only unit (its question was lost) joins the cluster whose answer it reproduces,
   or is dropped as ``no-question``.
5. The manifest's ``merge:`` groups are joined first and its ``keep_separate:`` pairs never are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from .manifest import DedupSpec
from .models import DAMAGE_MARK, UNREPAIRED, Card, Diagnostic, Dropped, Item
from .similarity import (
    KeyIndex,
    TfIdf,
    Vector,
    candidate_pairs,
    cosine,
    key_terms,
    question_subjects,
    term_counts,
)

#: Default merge threshold on the combined score (0..1); ``dedup: threshold:`` overrides it.
DEFAULT_THRESHOLD = 0.5
#: Two questions from one source must clear the threshold by this much: an author who lists two
#: questions usually means two different ones.
SAME_SOURCE_MARGIN = 0.1
#: Every cross pair of two joining clusters must score at least this much below the threshold.
LINKAGE_SLACK = 0.15
QUESTION_WEIGHT = 0.5
ANSWER_WEIGHT = 0.5
#: Comparing something the other question never mentions (path/query vs path/query/body) costs this.
CONTRAST_PENALTY = 0.3
#: A named thing in more than this share of all questions is the deck's topic, not a subject.
COMMON_SUBJECT = 0.2

_QUESTION_KEYS = 4
_ANSWER_KEYS = 6
_MAX_POSTINGS = 20
_PARTNERS_PER_ITEM = 12
_UNIT_KEYS = 12


@dataclass(frozen=True)
class Link:
    """Why two members share a card: their scores, or that the manifest said so."""

    first: Item
    second: Item
    score: float
    question: float
    answer: float
    forced: bool = False


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


@dataclass(frozen=True)
class Score:
    total: float
    question: float
    answer: float


class _Profile:
    """One item as vectors; what it compares is worked out only when a pair needs it."""

    __slots__ = ("question", "answer", "text", "_subjects")

    def __init__(self, question: Vector, answer: Vector, text: str):
        self.question = question
        self.answer = answer
        self.text = text
        self._subjects: frozenset[str] | None = None

    @property
    def subjects(self) -> frozenset[str]:
        if self._subjects is None:
            self._subjects = question_subjects(self.text)
        return self._subjects

    def mentions(self, term: str) -> bool:
        return term in self.question or term in self.answer


class PairScorer:
    """Pair scores over fitted TF-IDF vectors, memoised: coherence checks ask for pairs twice."""

    def __init__(self, items: Sequence[Item]):
        self.items = items
        question_terms = [term_counts(item.question) for item in items]
        answer_terms = [term_counts(item.answer) for item in items]
        asked = [terms for terms, item in zip(question_terms, items, strict=True) if item.question]
        self.question_idf = TfIdf(asked)
        self.answer_idf = TfIdf(answer_terms)
        self.profiles = [
            _Profile(self.question_idf.vector(q), self.answer_idf.vector(a), item.question)
            for q, a, item in zip(question_terms, answer_terms, items, strict=True)
        ]
        self._cache: dict[tuple[int, int], Score] = {}

    def score(self, i: int, j: int) -> Score:
        key = (min(i, j), max(i, j))
        if key not in self._cache:
            self._cache[key] = self._compute(*key)
        return self._cache[key]

    def _compute(self, i: int, j: int) -> Score:
        if _shown_prompt(self.items[i]) != _shown_prompt(self.items[j]):
            return Score(0.0, 0.0, 0.0)  # "What's the output?" of two snippets: two questions
        first, second = self.profiles[i], self.profiles[j]
        answer = cosine(first.answer, second.answer)
        if not (self.items[i].question and self.items[j].question):
            return Score(answer, 0.0, answer)  # an answer-only unit: its answer is all there is
        question = cosine(first.question, second.question)
        total = QUESTION_WEIGHT * question + ANSWER_WEIGHT * answer - self._contrast(first, second)
        return Score(max(total, 0.0), question, answer)

    def _contrast(self, first: _Profile, second: _Profile) -> float:
        """Penalty when one question names something the other item never mentions (body, Swagger).

        Words most questions use (the framework's own name) name nothing in particular.
        """
        common = COMMON_SUBJECT * self.question_idf.size
        uncovered = any(
            not other.mentions(term) and self.question_idf.document_frequency[term] <= common
            for one, other in ((first, second), (second, first))
            for term in one.subjects
        )
        return CONTRAST_PENALTY if uncovered else 0.0


def _shown_prompt(item: Item) -> str:
    """What an item shows under its question (a quiz's code and options), spacing aside."""
    return " ".join(item.prompt.split())


class _Clusters:
    """Union-find whose unions check cluster coherence and the user's keep-separate pairs."""

    def __init__(self, scorer: PairScorer, threshold: float, apart: set[frozenset[int]]):
        self.scorer = scorer
        self.threshold = threshold
        self.apart = apart
        self.members: dict[int, list[int]] = {}
        self.root: dict[int, int] = {}
        self.links: dict[int, list[Link]] = {}

    def find(self, index: int) -> int:
        return self.root.get(index, index)

    def group(self, index: int) -> list[int]:
        return self.members.get(self.find(index), [index])

    def may_join(self, i: int, j: int) -> bool:
        left, right = self.group(i), self.group(j)
        if any(frozenset((a, b)) in self.apart for a in left for b in right):
            return False
        items = self.scorer.items
        floor = self.threshold - LINKAGE_SLACK
        scores = []
        for a in left:
            for b in right:
                score = self.scorer.score(a, b).total
                if items[a].source == items[b].source and score < self.threshold + SAME_SOURCE_MARGIN:
                    return False  # not even through a third item may one source's questions merge
                scores.append(score)
        return min(scores) >= floor and sum(scores) / len(scores) >= self.threshold

    def join(self, i: int, j: int, forced: bool = False) -> None:
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        score = self.scorer.score(i, j)
        items = self.scorer.items
        link = Link(items[i], items[j], score.total, score.question, score.answer, forced)
        merged = self.group(a) + self.group(b)
        links = self.links.pop(a, []) + self.links.pop(b, []) + [link]
        keep = min(a, b)
        for member in merged:
            self.root[member] = keep
        self.members.pop(a, None)
        self.members.pop(b, None)
        self.members[keep] = sorted(merged)
        self.links[keep] = links


def deduplicate(items: Iterable[Item], spec: DedupSpec | None = None) -> DedupResult:
    """Cluster items asking the same question; answer-only units join the question they answer."""
    items = list(items)
    spec = spec or DedupSpec()
    threshold = spec.threshold if spec.threshold is not None else DEFAULT_THRESHOLD
    if not spec.enabled:
        return _without_merging(items, threshold)
    diagnostics: list[Diagnostic] = []
    keys = _item_keys(items)
    forced = _resolve_groups(spec.merge, keys, "merge", diagnostics)
    apart = {
        frozenset(pair)
        for group in _resolve_groups(spec.keep_separate, keys, "keep_separate", diagnostics)
        for pair in _pairs(group)
    }
    scorer = PairScorer(items)
    clusters = _Clusters(scorer, threshold, apart)
    for group in forced:
        if any(frozenset(pair) in apart for pair in _pairs(group)):
            diagnostics.append(_override_warning(items, group, "is both merged and kept separate; merged"))
        for other in group[1:]:
            clusters.join(group[0], other, forced=True)
    _join_questions(items, scorer, clusters)
    _attach_answer_only(items, scorer, clusters)
    return _result(items, clusters, threshold, diagnostics)


def _without_merging(items: list[Item], threshold: float) -> DedupResult:
    cards = tuple(Card(items=(item,)) for item in items if not item.is_answer_only)
    dropped = tuple(_no_question(item) for item in items if item.is_answer_only)
    return DedupResult(cards, dropped, threshold=threshold)


def _join_questions(items: list[Item], scorer: PairScorer, clusters: _Clusters) -> None:
    """Join question pairs above the threshold, most similar first."""
    questions = [i for i, item in enumerate(items) if not item.is_answer_only]
    keys = [
        key_terms(scorer.profiles[i].question, _QUESTION_KEYS)
        + key_terms(scorer.profiles[i].answer, _ANSWER_KEYS)
        for i in questions
    ]
    pairs = candidate_pairs(keys, _MAX_POSTINGS, _PARTNERS_PER_ITEM)
    scored = [(scorer.score(questions[a], questions[b]).total, questions[a], questions[b]) for a, b in pairs]
    for total, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if total < clusters.threshold:
            break
        if clusters.find(i) != clusters.find(j) and clusters.may_join(i, j):
            clusters.join(i, j)


def _attach_answer_only(items: list[Item], scorer: PairScorer, clusters: _Clusters) -> None:
    """Each unit joins the question cluster whose answers it reproduces best, if any clears the bar."""
    units = [i for i, item in enumerate(items) if item.is_answer_only and len(clusters.group(i)) == 1]
    if not units:
        return  # (a unit the manifest merged stays where the user put it)
    questions = [i for i, item in enumerate(items) if not item.is_answer_only]
    index = KeyIndex([key_terms(scorer.profiles[i].answer, _UNIT_KEYS) for i in questions], _MAX_POSTINGS)
    for unit in units:
        terms = key_terms(scorer.profiles[unit].answer, _UNIT_KEYS)
        best: tuple[float, int] | None = None
        for position in index.neighbours(terms, _PARTNERS_PER_ITEM):
            other = questions[position]
            total = scorer.score(unit, other).total
            if total >= clusters.threshold and (best is None or (total, -other) > (best[0], -best[1])):
                if not any(frozenset((unit, m)) in clusters.apart for m in clusters.group(other)):
                    best = (total, other)
        if best:
            clusters.join(best[1], unit)


def _result(
    items: list[Item], clusters: _Clusters, threshold: float, diagnostics: list[Diagnostic]
) -> DedupResult:
    groups: dict[int, list[int]] = {}
    for index in range(len(items)):
        groups.setdefault(clusters.find(index), []).append(index)
    cards: list[tuple[int, Card, list[Link]]] = []
    dropped: list[Dropped] = []
    for root, members in groups.items():
        questions = [m for m in members if not items[m].is_answer_only]
        if not questions:
            dropped.extend(_no_question(items[m]) for m in members)
            continue
        links = clusters.links.get(root, [])
        distinct = [len(clusters.scorer.profiles[m].answer) for m in members]  # terms already counted
        cards.append((min(members), _card([items[m] for m in members], links, distinct), links))
    cards.sort(key=lambda entry: entry[0])
    return DedupResult(
        cards=tuple(card for _, card, _ in cards),
        dropped=tuple(dropped),
        clusters=tuple(Cluster(card, tuple(links)) for _, card, links in cards if len(card.items) > 1),
        diagnostics=tuple(diagnostics),
        threshold=threshold,
    )


def _card(members: list[Item], links: list[Link], distinct_terms: list[int]) -> Card:
    """Best answer first, then the rest in source order; the clearest question is shown."""
    if len(members) == 1:
        return Card(items=(members[0],))
    ranked = zip(members, distinct_terms, strict=True)
    primary, _ = max(
        ((item, terms) for item, terms in ranked if not item.is_answer_only),
        key=lambda entry: answer_quality(*entry),
    )
    rest = [item for item in members if item is not primary]
    clearest = max((item for item in members if item.question), key=question_clarity)
    similarity = min((link.score for link in links), default=1.0)
    question = clearest.question if clearest is not primary else ""
    return Card(items=(primary, *rest), similarity=round(similarity, 3), question=question)


_TRUNCATED = re.compile(r"(\.\.\.|…)\s*$")


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


_YES_NO = re.compile(r"^(?:is|are|does|do|can|could|should|will|would|has|have)\b", re.IGNORECASE)


def question_clarity(item: Item) -> tuple[int, int, int, int]:
    """Rank questions: one real question, open (not yes/no), of a readable length, the shortest such."""
    text = item.question.strip()
    words = len(text.split())
    single = text.endswith("?") and text.count("?") == 1
    open_question = not _YES_NO.match(text)
    return (int(single), int(open_question), int(4 <= words <= 25), -words)


# --- overrides ----------------------------------------------------------------------------


def _item_keys(items: list[Item]) -> dict[str, int]:
    """``file#ref`` -> index of the first item with that key.

    ``file`` is the source's path relative to the manifest, or its bare file name where no
    other source of the deck has that name (so overrides written before paths still work).
    """
    keys: dict[str, int] = {}
    sources = list(dict.fromkeys(item.source for item in items))
    names = Counter(PurePath(source).name for source in sources)
    for index, item in enumerate(items):
        keys.setdefault(f"{item.source}#{item.ref}", index)
        name = PurePath(item.source).name
        keys.setdefault(f"{name}#{item.ref}", index if names[name] == 1 else _AMBIGUOUS)
    return keys


_AMBIGUOUS = -1  # a bare file name that several sources of the deck have


def _resolve_groups(
    groups: Sequence[Sequence[str]], keys: dict[str, int], what: str, diagnostics: list[Diagnostic]
) -> list[list[int]]:
    """Override groups as item indexes; an unknown ``file#ref`` is a warning, never an error."""
    resolved = []
    for group in groups:
        indexes = []
        for name in group:
            file, _, ref = name.partition("#")
            path = PurePath(file)
            key = next((k for k in (f"{path.as_posix()}#{ref}", f"{path.name}#{ref}") if k in keys), None)
            if key is not None and keys[key] == _AMBIGUOUS:
                diagnostics.append(Diagnostic(
                    file, None, f"dedup {what}: several sources are named '{file}'; "
                    f"write the path, as in the build summary; '{name}' ignored", ref=ref,
                ))
            elif key is not None:
                indexes.append(keys[key])
            else:
                diagnostics.append(
                    Diagnostic(file, None, f"dedup {what}: no item '{name}' in this deck; ignored", ref=ref)
                )
        indexes = list(dict.fromkeys(indexes))
        if len(indexes) >= 2:
            resolved.append(indexes)
    return resolved


def _pairs(group: Sequence[int]) -> list[tuple[int, int]]:
    return [(a, b) for n, a in enumerate(group) for b in group[n + 1 :]]


def _override_warning(items: list[Item], group: list[int], message: str) -> Diagnostic:
    names = ", ".join(f"{items[i].source}#{items[i].ref}" for i in group)
    return Diagnostic(items[group[0]].source, None, f"dedup merge group [{names}] {message}")


def _no_question(item: Item) -> Dropped:
    return Dropped(item.source, item.ref, item.line, "no-question", item.question, item.end_line)


# --- review ------------------------------------------------------------------------------


def describe_clusters(result: DedupResult, *, width: int = 100) -> str:
    """The ``qa2anki dups`` listing: each merged card, its members and what joined them."""
    lines = []
    for number, cluster in enumerate(result.clusters, 1):
        card = cluster.card
        lines.append(f"[{number}] {_clip(card.shown_question, width - 6)}")
        lines.append(f"    similarity {card.similarity:.2f}  ({len(card.items)} members)")
        for position, item in enumerate(card.items):
            role = "*" if position == 0 else "-"
            label = item.question or "(answer only) " + " ".join(item.answer.split())
            lines.append(f"    {role} {_key(item)}: {_clip(label, width - 10)}")
        for link in cluster.links:
            how = "merge: in manifest" if link.forced else (
                f"score {link.score:.2f} (question {link.question:.2f}, answer {link.answer:.2f})"
            )
            lines.append(f"      {_key(link.first)} ~ {_key(link.second)}: {how}")
        lines.append("")
    return "\n".join(lines)


def _key(item: Item) -> str:
    return f"{item.source}#{item.ref}"


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = [
    "DEFAULT_THRESHOLD",
    "Cluster",
    "DedupResult",
    "Link",
    "PairScorer",
    "answer_quality",
    "deduplicate",
    "describe_clusters",
    "question_clarity",
]
