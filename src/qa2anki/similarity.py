"""Text features for duplicate detection: TF-IDF over stemmed content words, and a blocking index.

Kept apart from :mod:`qa2anki.dedup` so the clustering policy reads without the arithmetic.
Everything here is plain Python over dicts: a vector is ``{term: weight}`` with unit length.
"""

from __future__ import annotations

import heapq
import math
import re
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import chain, repeat
from operator import itemgetter, mul, truediv
from typing import Any

Vector = dict[str, float]

#: Words, numbers ("status 404" is not "status 422") and operators standing on their own
#: (``==`` is not ``===``): "What is the difference between == and ===?" asks about nothing else.
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*|\d+|(?<![^\s`(\"'])[=!<>&|?:*+%^~/.-]{2,4}(?![^\s`),.?\"'])")
#: Runs of those characters that are markup or punctuation, not operators.
_NOT_OPERATORS = frozenset({"--", "---", "----", "...", "..", "::", "//", "**", "~~", "~~~", "||"})
_NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*\d+|\d+)\s*[.):\-]\s*", re.IGNORECASE)
_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,}).*$", re.MULTILINE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])|(?<=[A-Z])(?=[A-Z][a-z])")  # UploadFile, HTTPException

#: English function words plus the words every interview question is phrased with; they say
#: how a question is asked, not what it asks about.
STOP_WORDS = frozenset(
    """
    a about above after again against all also an and any are as at be because been before being
    below between both but by can could did do does doing done down during each either else etc
    even ever every few for from further get gets getting given go had has have having here how
    however i if in into is it its itself just least less let like likely may me might more most
    much must my need needs no nor not now of off often on once one only or other others our out
    over own per rather really same say says see should show since so some such than that the their
    them then there these they this those through thus to too under until up upon us usually very
    via was way ways we well were what whatever when where whether which while who whom whose why
    will with within without would yes yet you your yours
    answer briefly concept concepts describe difference differences different differ differs
    discuss e eg example examples explain g give handle handled handles handling happen happens
    ie important main mean means meaning purpose question questions specific specifically tell
    term terms understand use used uses using versus vs walk work working works
    """.split()
)

#: Words interviewers use interchangeably for the same thing, folded onto one (after stemming).
#: Kept narrow: "view" is not here, since a database or UI view is no endpoint.
SYNONYMS = {"rout": "endpoint", "handler": "endpoint"}



_PLAIN_WORD = re.compile(r"[a-z0-9_]+")


def plain_words(text: str) -> list[str]:
    """``text``'s words, lower case, unstemmed: what identity compares questions by and sketches
    answers with. Lockfiles hold sketches of these words, so this must never change."""
    return _PLAIN_WORD.findall(text.lower())


class _TermCache(dict[str, tuple[str, ...]]):
    """token -> its terms (none for a stop-word), worked out on first sight: tokens repeat.

    A dict subclass so a hit is one C-level lookup; bounded so a huge corpus cannot grow it forever.
    """

    LIMIT = 500_000

    def __missing__(self, token: str) -> tuple[str, ...]:
        if token.isdigit():
            return (token,)  # the stemmer leaves numbers as they are; too many to remember
        if not token[0].isalpha():
            stripped = token.rstrip("?.:")  # "===?" ends a sentence; "??" is the operator
            operator = stripped if len(stripped) >= 2 else token
            terms: tuple[str, ...] = () if operator in _NOT_OPERATORS else (operator,)
            self[token] = terms
            return terms
        if len(token) > 1 and token.isupper():
            return (_stemmed(token.lower()),)  # WHERE, HAVING, GET: a keyword or acronym, never filler
        words = _CAMEL.sub(" ", token).lower().split() if not token.islower() else [token]
        kept = [word for word in words if word not in STOP_WORDS and (len(word) > 1 or word.isdigit())]
        terms = tuple(_stemmed(word) for word in kept)
        if len(self) < self.LIMIT:
            self[token] = terms
        return terms


_TERMS = _TermCache()


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """Snowball's English stemmer (PyStemmer, its C build), made when a text is first stemmed
    (not when a no-change build only reads its lockfile)."""
    import Stemmer

    return Stemmer.Stemmer("english")


def _stemmed(word: str) -> str:
    stem: str = _stemmer().stemWord(word)
    return SYNONYMS.get(stem, stem)


#: Multi-word names for one thing, folded before tokenising.
_PHRASES = re.compile(r"path[ -]operation(?:[ -]function)?s?", re.IGNORECASE)


def content_terms(text: str) -> list[str]:
    """Stemmed content words of ``text``: numbering, fences, punctuation and stop-words removed.

    ``snake_case`` and ``CamelCase`` identifiers are split so code and prose spell alike
    (``response_model`` and "response model", ``UploadFile`` and "upload file").
    """
    return list(chain.from_iterable(map(_TERMS.__getitem__, _TOKEN.findall(_prepared(text)))))


def term_counts(text: str) -> dict[str, int]:
    """:func:`content_terms` counted, in order of first occurrence: what a vector needs.

    Done in C end to end (token lookup, flattening, counting): answers run to thousands of words.
    """
    return Counter(chain.from_iterable(map(_TERMS.__getitem__, _TOKEN.findall(_prepared(text)))))


def _prepared(text: str) -> str:
    text = _NUMBERING.sub("", text, count=1)
    if "peration" in text:
        text = _PHRASES.sub(" endpoint ", text)
    if "```" in text or "~~~" in text:
        text = _FENCE_LINE.sub(" ", text)
    return text


#: Examples and asides ("such as CSS and images", "(min/max, regex)") illustrate; they are not subjects.
_EXAMPLES = re.compile(r"\([^)]*\)|\b(?:such as|like|e\.g\.|for example|including)\b[^?.;]*", re.IGNORECASE)
_NAMED = re.compile(r"`([^`]+)`|(?<=[\w,;:] )([A-Z][\w.]*(?:[ -][A-Z][\w.]*)*)")
_NUMBER = re.compile(r"\b\d+\b")


def question_subjects(question: str) -> frozenset[str]:
    """The things a question names: code (``Header()``), proper names ("Swagger UI", "Cookies")
    and numbers (404). A question naming something the other item never mentions asks about
    something else, however alike the two read. Examples and asides ("such as CSS") are not
    subjects, and plain words ("regular functions") name nothing in particular.
    """
    question = _NUMBERING.sub("", question, count=1)
    subjects: list[str] = _NUMBER.findall(question)  # "HTTP 404", "(case 12)": numbers name things
    question = _EXAMPLES.sub("", question)
    for named in _NAMED.finditer(question):
        subjects += content_terms(named.group(1) or named.group(2))
    return frozenset(subjects)


#: IDF treats a corpus as at least this large: in a deck of three items a word shared by two
#: would otherwise weigh far less than a word used once, and every pair would look unrelated.
MIN_CORPUS = 50


class TfIdf:
    """Inverse document frequencies fitted on one corpus, and unit vectors over them."""

    def __init__(self, documents: Iterable[Iterable[str] | Mapping[str, int]]):
        document_frequency: Counter[str] = Counter()
        count = 0
        for terms in documents:
            document_frequency.update(terms.keys() if isinstance(terms, Mapping) else set(terms))
            count += 1
        self.size = count
        self.document_frequency = document_frequency
        size = max(count, MIN_CORPUS)
        self._idf = {term: math.log((size + 1) / (df + 1)) + 1.0 for term, df in document_frequency.items()}
        self._unseen = math.log(size + 1) + 1.0

    def vector(self, terms: Sequence[str] | Mapping[str, int]) -> Vector:
        """A unit vector of terms, or of :func:`term_counts`.

        Written as C-level maps (the same products and sums in the same order as a loop):
        a deck's answers hold millions of terms.
        """
        counts = terms if isinstance(terms, dict) else Counter(terms)
        frequencies = map(_TF.__getitem__, counts.values())
        weights = list(map(mul, frequencies, map(self._idf.get, counts, repeat(self._unseen))))
        norm = math.sqrt(sum(map(mul, weights, weights))) or 1.0
        return dict(zip(counts, map(truediv, weights, repeat(norm)), strict=True))


class _TermFrequencies(dict[int, float]):
    """Sublinear term frequency ``1 + log n``, remembered: counts repeat."""

    def __missing__(self, n: int) -> float:
        self[n] = value = 1.0 + math.log(n)
        return value


_TF = _TermFrequencies()


def cosine(a: Vector, b: Vector) -> float:
    """Cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    shared = list(filter(b.__contains__, a))  # in a's order: the sum adds up as a loop over a would
    return float(sum(map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared))))


def key_terms(vector: Vector, count: int) -> list[str]:
    """The ``count`` heaviest terms of a vector: what the text is most specifically about."""
    return sorted(vector, key=vector.__getitem__, reverse=True)[:count]  # as heapq.nlargest, in C


class KeyIndex:
    """An inverted index from key terms to the documents they key, for finding candidates.

    Pairs of a document's heaviest terms are filed too, so two documents whose shared words are
    common are still found by the combination. A lookup keying more than ``max_postings``
    documents is crowded: counting every document sharing it would make the work quadratic, and
    leaving it out would lose exactly the questions many sources ask. So a crowded lookup's
    documents are sorted by a MinHash of their other lookups (documents keyed alike sort
    together) and each counts only its :data:`WINDOW` neighbours on either side there: the
    sorted-neighbourhood method of record linkage, linear in the documents.
    """

    def __init__(self, keys: Sequence[Sequence[str]], max_postings: int):
        self.lookups = [_lookups(terms) for terms in keys]
        postings: dict[object, list[int]] = defaultdict(list)
        for index, lookups in enumerate(self.lookups):
            for lookup in set(lookups):  # a pair is listed twice, filed once
                postings[lookup].append(index)
        self.postings = {lookup: docs for lookup, docs in postings.items() if len(docs) <= max_postings}
        self._hashes: dict[tuple[object, int], int] = {}
        self._minima: dict[tuple[int, int], tuple[tuple[int, object], ...]] = {}
        common = max(COMMON_FACTOR * max_postings, int(COMMON_SHARE * len(self.lookups)))
        self._telling = {lookup for lookup, docs in postings.items() if len(docs) <= common}
        self.crowded: dict[object, tuple[list[tuple[int, int]], list[int]]] = {}
        for lookup, docs in postings.items():
            if max_postings < len(docs) <= common:
                order = sorted((self._signature(self.lookups[doc], lookup, doc), doc) for doc in docs)
                self.crowded[lookup] = (order, [doc for _, doc in order])

    def neighbours(self, terms: Sequence[str], limit: int) -> list[int]:
        """Up to ``limit`` documents sharing two or more of ``terms``, those sharing most first.

        One shared word proves little; every real duplicate shares at least two key terms.
        """
        return self.closest(_lookups(terms), limit)

    def closest(self, lookups: list[object], limit: int, doc: int = -1) -> list[int]:
        """Like :meth:`neighbours`, for a document's already computed :attr:`lookups` (``doc``:
        its own number, when it is in the index)."""
        empty: list[int] = []
        shared = Counter(chain.from_iterable(map(self.postings.get, lookups, repeat(empty))))
        if self.crowded:
            crowded = [lookup for lookup in set(lookups) if lookup in self.crowded]  # not the dict's keys
            for lookup in crowded:
                shared.update(self._window(lookup, (self._signature(lookups, lookup, doc), doc)))
        close = [(count, other) for other, count in shared.items() if count >= 2 and other != doc]
        close.sort(key=lambda entry: (-entry[0], entry[1]))
        return [other for _, other in close[:limit]]

    def _window(self, lookup: object, place: tuple[int, int]) -> list[int]:
        """The documents of a crowded lookup with the same signature, up to :data:`WINDOW` on
        either side of ``place``."""
        order, docs = self.crowded[lookup]
        signature = place[0]
        if signature == _NO_HASH:
            return []  # nothing but the crowded lookup and words too common to tell
        start = bisect_left(order, (signature, -1))
        at = bisect_left(order, place, lo=start)
        end = bisect_left(order, (signature + 1, -1), lo=at)
        return docs[max(start, at - WINDOW):min(end, at + WINDOW + 1)]

    def _signature(self, lookups: list[object], crowded: object, doc: int = -1) -> int:
        """The smallest hash among a document's lookups but the crowded one: a MinHash, which
        two documents share about as often as they share lookups. Each crowded lookup hashes
        with one of :data:`HASH_SEEDS` seeds, so documents sharing several crowded lookups get
        several chances to meet. CRC32, not ``hash()``: the candidates, and so the merges, must
        not change from one run to the next. A document's two smallest hashes per seed are
        kept, so each of its crowded lookups costs one comparison."""
        seed = self._hash(crowded, 0) % HASH_SEEDS
        minima = self._minima.get((doc, seed)) if doc >= 0 else None
        if minima is None:
            hashes = self._hashes
            found = [(hashes.get((lookup, seed)) or self._hash(lookup, seed), lookup)
                     for lookup in set(lookups) if lookup in self._telling]
            minima = tuple(heapq.nsmallest(2, found, key=itemgetter(0)))
            if doc >= 0:
                self._minima[doc, seed] = minima
        for value, lookup in minima:
            if lookup != crowded:
                return value
        return _NO_HASH

    def _hash(self, lookup: object, seed: int) -> int:
        value = self._hashes[lookup, seed] = zlib.crc32(repr(lookup).encode(), seed)
        return value


#: How many neighbours with its signature on each side a document meets in a crowded lookup.
WINDOW = 3
#: How many MinHash functions the crowded lookups share out.
HASH_SEEDS = 3
#: Lookups in more documents than this many times ``max_postings``, and this share of all
#: documents, tell nothing: left out of signatures, and no window is searched in them.
COMMON_FACTOR = 10
COMMON_SHARE = 0.01
_NO_HASH = 2**32


_PAIRED_KEYS = 4


def _lookups(terms: Sequence[str]) -> list[object]:
    """What a document is looked up by: each key term, and twice each pair of its heaviest ones
    (a shared pair is two shared terms)."""
    top = sorted(set(terms[:_PAIRED_KEYS]))
    pairs = [(a, b) for n, a in enumerate(top) for b in top[n + 1 :]]
    return [*set(terms), *pairs, *pairs]


#: Below this many documents, searching the index on one core is quicker than starting workers.
PARALLEL_MIN_DOCUMENTS = 20_000


def candidate_pairs(keys: Sequence[Sequence[str]], max_postings: int, per_item: int,
                    workers: int | None = None) -> set[tuple[int, int]]:
    """Pairs of documents sharing key terms (each keeps its ``per_item`` best partners); the
    documents are searched on every core when there are many (the index is only read)."""
    from .workers import fork_map

    index = KeyIndex(keys, max_postings)

    def partners(docs: list[int]) -> list[list[int]]:
        return [index.closest(index.lookups[doc], per_item, doc) for doc in docs]

    documents = list(range(len(index.lookups)))
    found = fork_map(partners, documents, minimum=PARALLEL_MIN_DOCUMENTS, workers=workers)
    return {(min(doc, other), max(doc, other)) for doc, others in enumerate(found) for other in others}
