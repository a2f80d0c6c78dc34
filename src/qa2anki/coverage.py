"""Nothing silently lost: where every non-blank line of a source went.

Each line is *carded* (its words are on a card: question, prompt, answer, meta, tags),
*dropped* (inside a :class:`~.models.Dropped` entry's lines), *skipped* (inside a
:class:`~.models.Skipped` region, with the adapter's reason), *structure* (no words at all
once markup is taken off: ``---``, ``</details>``, ``],``, a fence) or *unaccounted*: lost
without a word, which is what this module exists to find.

A line counts as carded only when its words come back: within the lines an item says it was
read from (``Item.line`` to ``Item.end_line``), the line's words are aligned, in order, with
the item's texts, so a line that vanished from an answer inside the item's span is caught.
Lines no item claims (a minified JSON file, items without lines, a file that lists another
file's lines) are matched against the words the items still have unclaimed, each word once,
and section headings against the topics the items carry. A line is carded when at least
half of its letters and digits are found that way: labels an adapter reads as structure
(``Q7.``, ``Answer:``) may go, the text may not.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from .models import Item, SourceResult

#: Share of a line's word characters that must reach a card for the line to be carded.
CARDED_SHARE = 0.5
#: Longest token run aligned exactly; longer spans fall back to unordered matching (speed).
MAX_ALIGNED = 20_000

#: Ideographic scripts: one character is one word (no spaces between words).
_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_IDEOGRAPH = re.compile(f"([{_IDEOGRAPHS}])")
_WORD = re.compile(r"[^\W_]+")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,10});")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_ESCAPE = re.compile(r"\\[nrtbf\"\\/]")
#: A field name: ``"question":`` (JSON, no spaces in it) or ``answer:`` opening a line (YAML).
_JSON_KEY = re.compile(r"\"[^\"\s]{1,40}\"\s*:")
_YAML_KEY = re.compile(r"^\s*(?:-\s+)?[A-Za-z_@$][\w@$-]{0,40}:(?=\s|$)")


#: One letter per source line in :attr:`Coverage.kinds`.
KINDS = {"carded": "c", "dropped": "d", "skipped": "s", "structure": "m", "unaccounted": "u", "blank": " "}


@dataclass(frozen=True)
class Coverage:
    """Where a source's non-blank lines went, counted once each (the first that applies of
    carded, dropped, skipped, structure), and the ranges of lines that went nowhere."""

    lines: int  # non-blank lines; 0 for a source without lines (a binary deck)
    carded: int
    dropped: int
    skipped: int
    structure: int
    unaccounted: tuple[tuple[int, int], ...] = ()  # 1-based inclusive ranges
    #: One letter of :data:`KINDS` per line, so later stages can move lines (see
    #: :meth:`with_dropped`); "" when only the counts are known (a summary read back).
    kinds: str = field(default="", repr=False, compare=False)

    @property
    def unaccounted_lines(self) -> int:
        return self.lines - self.carded - self.dropped - self.skipped - self.structure

    @classmethod
    def of_kinds(cls, kinds: str) -> Coverage:
        counts = Counter(kinds)
        lost = [number for number, kind in enumerate(kinds, start=1) if kind == KINDS["unaccounted"]]
        return cls(
            lines=len(kinds) - counts[KINDS["blank"]], carded=counts[KINDS["carded"]],
            dropped=counts[KINDS["dropped"]], skipped=counts[KINDS["skipped"]],
            structure=counts[KINDS["structure"]], unaccounted=_ranges(lost, kinds), kinds=kinds,
        )

    def with_dropped(self, spans: Iterable[tuple[int | None, int | None]]) -> Coverage:
        """This coverage once items read from ``spans`` (1-based ``(line, end_line)``) were
        dropped after reading (an answer no question claimed): their carded lines are dropped."""
        if not self.kinds:
            return self
        kinds = list(self.kinds)
        for index in sorted(_regions(spans, len(kinds))):
            if kinds[index] == KINDS["carded"]:
                kinds[index] = KINDS["dropped"]
        return Coverage.of_kinds("".join(kinds))

    def summary(self) -> dict[str, Any]:
        """As plain data (the report's and the cache's ``coverage``)."""
        return {"lines": self.lines, "carded": self.carded, "dropped": self.dropped, "skipped": self.skipped,
                "structure": self.structure, "unaccounted": [list(pair) for pair in self.unaccounted]}


def words(text: str) -> list[str]:
    """Letters-and-digits tokens, case-folded; each CJK/kana/hangul character is its own word."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(_IDEOGRAPH.sub(r" \1 ", folded))


def _line_words(line: str) -> list[str]:
    """The words a source line holds once markup and field names are taken off."""
    line = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line)
    line = _ESCAPE.sub(" ", line)
    line = _ENTITY.sub(" ", _HTML_TAG.sub(" ", line))
    line = _YAML_KEY.sub(" ", _JSON_KEY.sub(" ", line))
    return words(line)


def _shown_lines(text: str) -> list[str]:
    """The text's lines with HTML comments blanked (GitHub shows nothing of them: markup, no
    words); the lines keep their numbers."""
    if "<!--" in text:
        text = _HTML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return text.split("\n")


def _item_fields(item: Item) -> list[list[str]]:
    """An item's texts as word lists, in the order a source usually states them."""
    texts = [item.question, item.prompt, item.answer, item.ref, *item.meta.values(), " ".join(item.tags)]
    return [found for found in map(words, texts) if found]


class _Ledger:
    """Per line: its words and which of them reached a card."""

    def __init__(self, lines: Sequence[str]):
        self.words = [_line_words(line) for line in lines]
        self.found = [[False] * len(tokens) for tokens in self.words]

    def open_tokens(self, first: int, last: int) -> list[tuple[int, int]]:
        """``(line index, word index)`` of the words not yet found in lines ``first``..``last``."""
        return [(index, position) for index in range(first, last + 1)
                for position, done in enumerate(self.found[index]) if not done]

    def word(self, place: tuple[int, int]) -> str:
        return self.words[place[0]][place[1]]

    def mark(self, place: tuple[int, int]) -> None:
        self.found[place[0]][place[1]] = True

    def carded(self, index: int) -> bool:
        tokens = self.words[index]
        total = sum(map(len, tokens))
        found = sum(len(token) for token, done in zip(tokens, self.found[index], strict=True) if done)
        return total > 0 and found >= CARDED_SHARE * total


def _align(ledger: _Ledger, first: int, last: int, fields: list[list[str]]) -> list[list[str]]:
    """Find each field's words, in order, among the open words of lines ``first``..``last``;
    returns the words of the fields that were not found there."""
    leftover: list[list[str]] = []
    for text in fields:
        places = ledger.open_tokens(first, last)
        if not places:
            leftover.append(text)
            continue
        if len(places) > MAX_ALIGNED or len(text) > MAX_ALIGNED:
            leftover.append(_match_unordered(ledger, places, text))
            continue
        span = [ledger.word(place) for place in places]
        used = [False] * len(text)
        matcher = SequenceMatcher(None, span, text, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            for offset in range(size):
                ledger.mark(places[a + offset])
                used[b + offset] = True
        leftover.append([token for token, hit in zip(text, used, strict=True) if not hit])
    return leftover


def _match_unordered(ledger: _Ledger, places: list[tuple[int, int]], field: list[str]) -> list[str]:
    """Each word of ``field`` found once among ``places``, ignoring order (huge spans only)."""
    pool = Counter(field)
    for place in places:
        token = ledger.word(place)
        if pool[token] > 0:
            pool[token] -= 1
            ledger.mark(place)
    return list(pool.elements())


def _spans(result: SourceResult, count: int, source: str | None) -> list[tuple[Item, int, int]]:
    """Each item with a line in this text and the 0-based lines it was read from; an item without
    an end runs to the line before the next item, dropped entry or skipped region starts."""
    starts = sorted({entry.line for entry in (*result.items, *result.dropped, *result.skipped)
                     if entry.line})
    spans = []
    for item in result.items:
        if not item.line or not 1 <= item.line <= count or (source is not None and item.source != source):
            continue
        end = item.end_line
        if end is None:
            following = bisect_right(starts, item.line)
            end = starts[following] - 1 if following < len(starts) else count
        spans.append((item, item.line - 1, min(max(end, item.line), count) - 1))
    return spans


def _regions(entries: Iterable[tuple[int | None, int | None]], count: int) -> set[int]:
    """0-based lines inside ``(line, end_line)`` regions (an end of None: the one line)."""
    lines: set[int] = set()
    for first, last in entries:
        if first and 1 <= first <= count:
            lines.update(range(first - 1, min(max(last or first, first), count)))
    return lines


def coverage_of(text: str, result: SourceResult, source: str | None = None) -> Coverage:
    """Where each non-blank line of ``text`` (the source as read) went in ``result``.

    ``source`` is the name items give this text: items and dropped entries naming another
    (a common-schema file lists the original's lines) are matched by their words only.
    """
    lines = text.split("\n")
    ledger = _Ledger(_shown_lines(text))
    unclaimed: Counter[str] = Counter()
    claimed = set()
    for item, first, last in _spans(result, len(lines), source):
        claimed.add(id(item))
        for leftover in _align(ledger, first, last, _item_fields(item)):
            unclaimed.update(leftover)
    for item in result.items:
        if id(item) not in claimed:
            unclaimed.update(token for texts in _item_fields(item) for token in texts)
    here = [entry for entry in result.dropped if source is None or entry.source == source]
    dropped = _regions(((d.line, d.end_line) for d in here), len(lines))
    skipped = _regions(((s.line, s.end_line) for s in result.skipped), len(lines))
    topics = {tuple(words(value)) for item in result.items for value in item.meta.values()}
    kinds = "".join(KINDS[_kind(index, line, ledger, unclaimed, dropped, skipped, topics)]
                    for index, line in enumerate(lines))
    return Coverage.of_kinds(kinds)


def _kind(index: int, line: str, ledger: _Ledger, unclaimed: Counter[str], dropped: set[int],
          skipped: set[int], topics: set[tuple[str, ...]]) -> str:
    if not line.strip():
        return "blank"
    if ledger.carded(index) or _names_topic(ledger.words[index], topics):
        return "carded"
    if index in dropped:
        return "dropped"
    if index in skipped:
        return "skipped"
    if not ledger.words[index]:
        return "structure"
    if _claim_unclaimed(ledger, index, unclaimed):
        return "carded"
    return "unaccounted"


def _claim_unclaimed(ledger: _Ledger, index: int, unclaimed: Counter[str]) -> bool:
    """Whether the line's open words are among the items' unclaimed words (taken if so)."""
    places = ledger.open_tokens(index, index)
    wanted = Counter(ledger.word(place) for place in places)
    available = {token: min(count, unclaimed[token]) for token, count in wanted.items()}
    trial = dict(available)
    hits = []
    for place in places:
        token = ledger.word(place)
        if trial[token] > 0:
            trial[token] -= 1
            hits.append(place)
    found_chars = sum(len(ledger.word(place)) for place in hits)
    done = sum(len(t) for t, hit in zip(ledger.words[index], ledger.found[index], strict=True) if hit)
    total = sum(map(len, ledger.words[index]))
    if done + found_chars < CARDED_SHARE * total:
        return False
    for place in hits:
        ledger.mark(place)
        unclaimed[ledger.word(place)] -= 1
    return True


def _names_topic(tokens: list[str], topics: set[tuple[str, ...]]) -> bool:
    """A section heading: every word of it but its numbering is a word of a topic the items carry."""
    named = {token for token in tokens if not token.isdigit()}
    return bool(named) and any(named <= set(topic) for topic in topics)


def _ranges(lost: list[int], kinds: str) -> tuple[tuple[int, int], ...]:
    """Lost line numbers as ranges; lines separated only by blank lines share a range."""
    ranges: list[list[int]] = []
    for number in lost:
        if ranges and all(kinds[i] == KINDS["blank"] for i in range(ranges[-1][1], number - 1)):
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return tuple((first, last) for first, last in ranges)
