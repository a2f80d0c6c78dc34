"""The evidence that two items ask the same question, one number per signal.

Each signal reads a pair the way a careful reader would: do the questions say the same thing,
do the answers say the same thing, does each answer answer the *other* question, do both name
the same thing (``WebSocket``, ``exception_handler``) and use the same code, and is each the
other's best match in its source. :mod:`.model` weighs them; nothing here decides.
"""

from __future__ import annotations

import keyword
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from operator import attrgetter, mul
from typing import NamedTuple

from rapidfuzz import fuzz

from ..models import Item
from ..similarity import TfIdf, Vector, content_terms, cosine, key_terms, question_subjects, term_counts
from ..workers import fork_map

#: A named thing in more than this share of all questions is the deck's topic, not a subject.
COMMON_SUBJECT = 0.2
#: A code identifier in more than this share of all answers (``app``, ``self``) identifies nothing.
COMMON_IDENTIFIER = 0.1
#: Shared rare identifiers beyond this many add no more evidence.
_IDENTIFIERS_ENOUGH = 3


@dataclass(frozen=True)
class PairFeatures:
    """Signals of one pair, each in 0..1 (see the module docstring)."""

    question: float  # cosine of the two questions
    answer: float  # cosine of the two answers
    whole: float  # cosine of question and answer together (the question's words count twice)
    wording: float  # how alike the questions read, word order aside (rapidfuzz token set ratio)
    cross: float  # how much of each question the other answer covers (the smaller of the two)
    uncovered: float  # the largest share of one question the other item never mentions
    contrast: float  # 1 when one question names something the other item never mentions
    code: float  # rare code identifiers both answers use (3 or more: 1.0)
    mutual: float  # 1 when each is the other's best match in its source
    margin: float  # for a mutual best: how far it beats the runner-up, on both sides
    same_source: float  # 1 when one author asked both

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def values(self) -> tuple[float, ...]:
        values: tuple[float, ...] = _VALUES(self)  # astuple deep-copies: 10x slower
        return values


_VALUES = attrgetter(*PairFeatures.names())

#: Below this many items, starting worker processes costs more than reading them here
#: (forked workers inherit the deck, so starting them is cheap: at 3,000 items they save 0.1 s).
PARALLEL_MIN_ITEMS = 2_000


_NONE: frozenset[str] = frozenset()  # one empty set for every item naming nothing


class _Reading(NamedTuple):
    """What one item's texts say, before any deck-wide weighing: worked out once an item,
    on every core for a large deck (pairs ask for each item many times)."""

    question_terms: dict[str, int]
    answer_terms: dict[str, int]
    plain_question: str  # its content terms, for comparing wording
    subjects: tuple[str, ...]  # what the question names (see question_subjects)
    identifiers: tuple[str, ...]  # names the answer's code uses (tuples: a tenth of a set's memory)


def _readings_of(items: list[tuple[str, str]]) -> list[_Reading]:
    return [
        _Reading(dict(term_counts(question)), dict(term_counts(answer)), _plain(question),
                 tuple(question_subjects(question)), tuple(code_identifiers(answer)))
        for question, answer in items
    ]


class _Packed(NamedTuple):
    """A unit vector held as its terms and an array of their weights: a fifth of a dict's
    memory. :meth:`unpacked` gives the dict back, the same weights in the same order."""

    terms: tuple[str, ...]
    weights: array[float]

    @classmethod
    def of(cls, vector: Vector) -> _Packed:
        return cls(tuple(vector), array("d", vector.values()))

    def unpacked(self) -> Vector:
        return dict(zip(self.terms, self.weights))  # noqa: B905  # one vector's two halves: equal lengths


class _Stored(NamedTuple):
    """One item as the featurizer keeps it between pairs: its vectors packed."""

    question: _Packed
    answer: _Packed
    whole: _Packed  # question and answer together (see _whole)
    plain_question: str
    named: frozenset[str]  # its question's subjects that are not the deck's whole topic
    identifiers: frozenset[str]  # its rare ones another answer uses too (no pair shares the rest)


#: Profiles kept unpacked at once: pairs come grouped by their first item, so it is asked for
#: again and again while its partners come and go.
_UNPACKED_KEPT = 4096


class _Profile:
    """One item as vectors (unpacked, for comparing), and the names its question and code use."""

    __slots__ = ("question", "answer", "whole", "plain_question", "named", "identifiers")

    def __init__(self, stored: _Stored, whole: Vector):
        self.question = stored.question.unpacked()
        self.answer = stored.answer.unpacked()
        self.whole = whole
        self.plain_question = stored.plain_question
        self.named = stored.named
        self.identifiers = stored.identifiers

    def mentions(self, term: str) -> bool:
        return term in self.question or term in self.answer


class PairFeaturizer:
    """Fits term weights on a deck's items, then gives the :class:`PairFeatures` of any pair.

    The items' vectors are made when first needed: candidate pairs are found (:meth:`key_terms`)
    from each item's term counts alone, so a large deck never holds its counts, its vectors and
    the candidate index at once.
    """

    def __init__(self, items: Sequence[Item], workers: int | None = None):
        self.items = items
        readings = fork_map(_readings_of, [(item.question, item.answer) for item in items],
                            minimum=PARALLEL_MIN_ITEMS, workers=workers, least_chunk=2000)
        asked = [r.question_terms for r, item in zip(readings, items, strict=True) if item.question]
        self.question_idf = TfIdf(asked)
        self.answer_idf = TfIdf([reading.answer_terms for reading in readings])
        self._whole_idf = TfIdf(r.question_terms.keys() | r.answer_terms.keys() for r in readings)
        self._readings: list[_Reading] | None = readings
        #: every item's vectors, packed: as dicts they were most of a 100k deck's peak memory
        self._stored: list[_Stored] = []
        self._unpacked = lru_cache(maxsize=_UNPACKED_KEPT)(self._unpack)
        self._whole = lru_cache(maxsize=_UNPACKED_KEPT)(self._unpack_whole)  # ranking needs no more
        #: (item, other source) -> the best and second-best scores there, and the best match
        self.best: dict[tuple[int, str], tuple[float, float, int]] = {}

    def key_terms(self, index: int, question: int, answer: int) -> list[str]:
        """The ``question`` heaviest terms of an item's question and the ``answer`` heaviest of its
        answer (see :func:`.similarity.key_terms`), its vectors made for the moment if not yet kept."""
        if self._readings is None:
            profile = self.profile(index)
            return key_terms(profile.question, question) + key_terms(profile.answer, answer)
        reading = self._readings[index]
        asked = key_terms(self.question_idf.vector(reading.question_terms), question) if question else []
        return asked + key_terms(self.answer_idf.vector(reading.answer_terms), answer)

    def profile(self, index: int) -> _Profile:
        """An item's vectors and names (the last few thousand asked for are kept unpacked)."""
        return self._unpacked(index)

    def answer_terms(self, index: int) -> int:
        """How many distinct terms an item's answer holds."""
        self._make_vectors()
        return len(self._stored[index].answer.terms)

    def _unpack(self, index: int) -> _Profile:
        whole = self._whole(index)  # first: it makes the vectors if none are yet
        return _Profile(self._stored[index], whole)

    def _unpack_whole(self, index: int) -> Vector:
        self._make_vectors()
        return self._stored[index].whole.unpacked()

    def _make_vectors(self) -> None:
        readings, self._readings = self._readings, None
        if readings is None:
            return
        common = COMMON_SUBJECT * self.question_idf.size
        frequency = self.question_idf.document_frequency
        identifier_counts = Counter(name for reading in readings for name in reading.identifiers)
        too_common = max(2.0, COMMON_IDENTIFIER * len(readings))
        readings.reverse()
        while readings:  # each item's counts go once its vectors are made
            reading = readings.pop()
            named = frozenset(t for t in reading.subjects if frequency[t] <= common) or _NONE
            shareable = frozenset(
                name for name in reading.identifiers if 1 < identifier_counts[name] <= too_common
            ) or _NONE
            self._stored.append(_Stored(
                _Packed.of(self.question_idf.vector(reading.question_terms)),
                _Packed.of(self.answer_idf.vector(reading.answer_terms)),
                _Packed.of(self._whole_idf.vector(_whole(reading.question_terms, reading.answer_terms))),
                reading.plain_question, named, shareable,
            ))

    def base(self, i: int, j: int) -> float:
        """A quick similarity of everything the two items say, to rank each item's matches."""
        return cosine(self._whole(i), self._whole(j))

    def remember_best(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Note, for each item and each other source, its two best candidates' scores there."""
        best: dict[tuple[int, str], tuple[float, float, int]] = {}
        for i, j in pairs:
            score = self.base(i, j)
            for one, other in ((i, j), (j, i)):
                key = (one, self.items[other].source)
                first, second, match = best.get(key, (-1.0, 0.0, -1))
                if (score, -other) > (first, -match):
                    best[key] = (score, max(first, 0.0), other)
                else:
                    best[key] = (first, max(second, score), match)
        self.best = best

    def features(self, i: int, j: int) -> PairFeatures:
        first, second = self.profile(i), self.profile(j)
        one, two = self.items[i], self.items[j]
        answer = cosine(first.answer, second.answer)
        whole = cosine(first.whole, second.whole)
        mutual, margin = self._mutual(i, j)
        code = min(len(first.identifiers & second.identifiers), _IDENTIFIERS_ENOUGH) / _IDENTIFIERS_ENOUGH
        same = float(one.source == two.source)
        if not (one.question and two.question):  # an answer-only unit: its answer is all there is
            asked, other = (first, second) if one.question else (second, first)
            covered = _coverage(asked.question, other.answer)
            return PairFeatures(
                0.0, answer, whole, 0.0, covered, 1.0 - covered, 0.0, code, mutual, margin, same
            )
        return PairFeatures(
            question=cosine(first.question, second.question),
            answer=answer,
            whole=whole,
            wording=fuzz.token_set_ratio(first.plain_question, second.plain_question) / 100,
            cross=min(_coverage(first.question, second.answer), _coverage(second.question, first.answer)),
            uncovered=max(
                1.0 - _coverage(first.question, second.question, second.answer),
                1.0 - _coverage(second.question, first.question, first.answer),
            ),
            contrast=float(self._contrast(first, second)),
            code=code,
            mutual=mutual,
            margin=margin,
            same_source=same,
        )

    def _mutual(self, i: int, j: int) -> tuple[float, float]:
        ahead = self.best.get((i, self.items[j].source))
        behind = self.best.get((j, self.items[i].source))
        if not (ahead and behind and ahead[2] == j and behind[2] == i):
            return 0.0, 0.0
        return 1.0, max(0.0, min(ahead[0] - ahead[1], behind[0] - behind[1]))

    def _contrast(self, first: _Profile, second: _Profile) -> bool:
        """One question names something (body, Swagger UI, 404) the other item never mentions."""
        return any(
            not other.mentions(term)
            for one, other in ((first, second), (second, first))
            for term in one.named
        )


def _whole(question: dict[str, int], answer: dict[str, int]) -> dict[str, int]:
    """Question and answer terms together, the question's counted twice: it says what is asked."""
    whole = dict(answer)
    for term, count in question.items():
        whole[term] = whole.get(term, 0) + 2 * count
    return whole


def _plain(question: str) -> str:
    return " ".join(content_terms(question))


def _coverage(question: Vector, *texts: Vector) -> float:
    """The share of a question's weight whose terms appear in any of ``texts`` (unit vector: 0..1)."""
    shared: Iterable[str]
    if len(texts) == 1:
        shared = filter(texts[0].__contains__, question)
    else:
        shared = (term for term in question if any(term in text for text in texts))
    weights = list(map(question.__getitem__, shared))  # in the question's order, as a loop would add
    return float(sum(map(mul, weights, weights)))


_CODE = re.compile(r"```[^\n]*\n(.*?)(?:```|\Z)|`([^`\n]+)`", re.DOTALL)
_IDENTIFIER = re.compile(r"@?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NOT_NAMES = frozenset(keyword.kwlist) | frozenset(
    "self cls this const let var function return print console log true false null none undefined "
    "int str float bool dict list string number object void new".split()
)


def code_identifiers(answer: str) -> frozenset[str]:
    """Names an answer's code uses (``exception_handler``, ``WebSocket``, ``app.mount``).

    Only code counts, fenced or inline: prose words say less about which API is meant.
    """
    names: set[str] = set()
    for match in _CODE.finditer(answer):
        code = match.group(1) if match.group(1) is not None else match.group(2)
        for name in _IDENTIFIER.findall(code):
            name = name.lstrip("@")
            if len(name) >= 3 and name.lower() not in _NOT_NAMES:
                names.add(name)
                names.update(part for part in name.split(".") if len(part) >= 3 and part not in _NOT_NAMES)
    return frozenset(names)
