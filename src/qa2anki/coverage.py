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
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from .adapters._text.codebox import BUTTON, EDIT, GLUED, NOTE
from .models import Dropped, Item, Skipped, SourceResult
from .qalabels import ANSWER_LABEL_ANY, QUESTION_LABEL_WORDS, is_reveal_label
from .report import KINDS as KINDS  # one letter per line
from .report import Coverage as Coverage  # what coverage_of finds
from .report import regions

#: Share of a line's word characters that must reach a card for the line to be carded.
CARDED_SHARE = 0.5
#: Largest alignment (span words x text words) done word by word; beyond it (a huge answer
#: that is no plain copy of its lines) words are matched unordered, so no input is quadratic.
MAX_ALIGNED = 2_000_000

#: Ideographic scripts: one character is one word (no spaces between words).
_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_IDEOGRAPH = re.compile(f"([{_IDEOGRAPHS}])")
_WORD = re.compile(r"[^\W_]+")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,10});")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_ESCAPE = re.compile(r"\\[nrtbf\"\\/]")
#: A TeX command no JSON string could hold (``\lambda``; JSON writes ``\\lambda``): the line is
#: TeX, where ``\nabla`` and ``\theta`` are words, not a newline and a tab.
_TEX_COMMAND = re.compile(r"(?<!\\)\\(?![nrtbfu\"\\/])[A-Za-z]{2,}")
#: A field name: ``"question":`` (JSON, no spaces in it) or ``answer:`` opening a line (YAML).
_JSON_KEY = re.compile(r"\"[^\"\s]{1,40}\"\s*:")
_YAML_KEY = re.compile(r"^\s*(?:-\s+)?[A-Za-z_@$][\w@$-]{0,40}:(?=\s|$)")


#: A label opening a line, which adapters read as structure: ``**Answer:**``, ``Ответ:``, ``答：``,
#: ``#### Answer: D``, ``> **Answer: B.**``, ``Correct Answer: CE``, ``Q7.`` (what follows the label
#: still counts).
_LABEL_WORDS = rf"(?:{ANSWER_LABEL_ANY}|{QUESTION_LABEL_WORDS}|q|explanation|feedback|expected)"
_LABEL = re.compile(
    rf"^[\s>#*_]*(?:(?:the\s+)?(?:correct|right)\s+)?"
    rf"(?:{_LABEL_WORDS}(?:\s*\d{{0,4}})?[\s*_]*[:：.]|{_LABEL_WORDS}[\s*_]*$"
    r"|第\s*\w{1,4}\s*[题題问問道][\s*_:：.]*$)",
    re.IGNORECASE,
)
#: A link into the page itself (``[⬆ Back to Top](#contents)``, ``<a href="#top">↥</a>``): navigation.
_PAGE_LINK = re.compile(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(#[^)\s]*\)|<a\s[^<>]*href=[\"']#[^<>]*>[^<]*</a\s*>",
                        re.IGNORECASE)


def _is_markup_text(text: str) -> bool:
    """Words that only label, reveal or copy: a summary revealing an answer (``Show answer``,
    ``第１题的答案``), a chat page's copy button or its note under a code box."""
    text = text.strip().strip("*_ ")
    return bool(text) and (is_reveal_label(text) or any(
        pattern.fullmatch(text) for pattern in (BUTTON, EDIT, GLUED, NOTE)))


def words(text: str) -> list[str]:
    """Letters-and-digits tokens, case-folded; each CJK/kana/hangul character is its own word."""
    if text.isascii():
        return _WORD.findall(text.casefold())
    return _WORD.findall(_IDEOGRAPH.sub(r" \1 ", unicodedata.normalize("NFKC", text).casefold()))


def _line_words(line: str) -> list[str]:
    """The words a source line holds once markup, escapes, field names, labels and navigation
    are taken off."""
    if "](#" in line or "#" in line and "href" in line:
        line = _PAGE_LINK.sub(" ", line)
    line, labelled = _LABEL.subn(" ", line, count=1)
    if "\\" in line and not _TEX_COMMAND.search(line):
        line = _ESCAPE.sub(" ", _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line))
    if "<" in line:
        line = _HTML_TAG.sub(" ", line)
    if "&" in line:
        line = _ENTITY.sub(" ", line)
    if ":" in line:
        line = _YAML_KEY.sub(" ", _JSON_KEY.sub(" ", line) if '"' in line else line)
    if _is_markup_text(line):
        return []
    found = words(line)
    if labelled and (len(found) == 1 and len(found[0]) <= 2 or all(len(word) == 1 for word in found)):
        return []  # "Answer: B", "Correct Answer: B, D": a quiz's key; the back states the options
    return found


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


#: A word a line end broke with a hyphen (text from a PDF): the card has it whole.
_BROKEN_WORD = re.compile(r"(?<![\w-])(?P<head>[^\W\d_]{2,})-\s*$")


class _Ledger:
    """Per line: its words and which of them reached a card, worked out when first asked and
    forgotten once the line is settled (a large source is never held word by word)."""

    def __init__(self, lines: Sequence[str]):
        self.lines = lines
        self.open: dict[int, tuple[list[str], list[bool]]] = {}

    def words(self, index: int) -> list[str]:
        return self.entry(index)[0]

    def found(self, index: int) -> list[bool]:
        return self.entry(index)[1]

    def entry(self, index: int) -> tuple[list[str], list[bool]]:
        """The line's words and, for each, whether a card holds it."""
        entry = self.open.get(index)
        if entry is None:
            tokens = _line_words(self.lines[index])
            if tokens and index > 0 and self.lines[index - 1].rstrip().endswith("-") \
                    and (head := _BROKEN_WORD.search(self.lines[index - 1][-64:])) \
                    and self.lines[index].lstrip()[:1].islower():
                tokens[0] = words(head.group("head"))[-1] + tokens[0]  # "inter-" / "face": interface
            entry = self.open[index] = (tokens, [False] * len(tokens))
        return entry

    def forget(self, index: int) -> None:
        self.open.pop(index, None)

    def carded(self, index: int) -> bool:
        tokens, found = self.entry(index)
        total = sum(map(len, tokens))
        return total > 0 and sum(len(token) for token, hit in zip(tokens, found, strict=True) if hit) \
            >= CARDED_SHARE * total


def _align(ledger: _Ledger, first: int, last: int, fields: list[list[str]]) -> list[list[str]]:
    """Find each field's words, in order, among the open words of lines ``first``..``last``;
    returns the words of the fields that were not found there."""
    places: list[tuple[list[bool], int]] = []  # (the line's found flags, word index)
    span: list[str] = []
    for index in range(first, last + 1):
        tokens, found = ledger.entry(index)
        for position, token in enumerate(tokens):
            if not found[position]:
                places.append((found, position))
                span.append(token)
    taken = [False] * len(places)
    leftover: list[list[str]] = []
    for text in fields:
        alive = [index for index, done in enumerate(taken) if not done] if any(taken) else range(len(span))
        hits = _hits([span[index] for index in alive] if any(taken) else span, text)
        for position in hits:
            taken[alive[position]] = True
        leftover.append([] if len(hits) == len(text) else _missing(text, [span[alive[p]] for p in hits]))
    for (found, position), done in zip(places, taken, strict=True):
        if done:
            found[position] = True
    return leftover


def _hits(span: list[str], text: list[str]) -> list[int]:
    """The positions in ``span`` of the words of ``text`` found there, in order."""
    if not span or not text:
        return []
    run = _run_in(span, text)
    if run is not None:  # the usual case, copied as it stands: no alignment needed
        return list(range(run, run + len(text)))
    within = _within(span, text)
    if within is not None:  # every line's words kept, in order, among others (labels, tags)
        return within
    if len(span) * len(text) > MAX_ALIGNED:
        pool = Counter(text)
        hits = []
        for index, token in enumerate(span):
            if pool[token] > 0:
                pool[token] -= 1
                hits.append(index)
        return hits
    matcher = SequenceMatcher(None, span, text, autojunk=False)
    return [a + offset for a, _, size in matcher.get_matching_blocks() for offset in range(size)]


def _within(span: list[str], text: list[str]) -> list[int] | None:
    """The positions in ``span`` of its words that ``text`` has, if those are most of the span
    and stand in ``text`` in the same order (words ``text`` lacks altogether are left out);
    None if they do not."""
    places: dict[str, list[int]] = {}
    for position, token in enumerate(text):
        places.setdefault(token, []).append(position)
    hits: list[int] = []
    cursor = 0
    for index, token in enumerate(span):
        positions = places.get(token)
        if positions is None:
            continue
        next_one = bisect_left(positions, cursor)
        if next_one == len(positions):
            return None
        cursor = positions[next_one] + 1
        hits.append(index)
    return hits if 2 * len(hits) >= len(span) else None


def _missing(text: list[str], found: list[str]) -> list[str]:
    """The words of ``text`` left once ``found`` (some of them) are taken out."""
    rest = Counter(text)
    rest.subtract(found)
    return list(rest.elements())


def _run_in(span: list[str], text: list[str]) -> int | None:
    """Where ``text`` stands in ``span`` word for word, if it does."""
    joined = "\0" + "\0".join(span) + "\0"
    found = joined.find("\0" + "\0".join(text) + "\0")
    return None if found < 0 else joined.count("\0", 0, found)


def _spans(result: SourceResult, count: int, source: str | None) -> list[tuple[Item, int, int]]:
    """Each item with a line in this text and the 0-based lines it was read from, by first line;
    an item without an end runs to the line before the next item, dropped entry or skipped
    region starts."""
    entries: list[Item | Dropped | Skipped] = [*result.items, *result.dropped, *result.skipped]
    starts = sorted({entry.line for entry in entries if entry.line})
    spans = []
    for item in result.items:
        if not item.line or not 1 <= item.line <= count or (source is not None and item.source != source):
            continue
        end = item.end_line
        if end is None:
            following = bisect_right(starts, item.line)
            end = starts[following] - 1 if following < len(starts) else count
        spans.append((item, item.line - 1, min(max(end, item.line), count) - 1))
    return sorted(spans, key=lambda span: span[1])


class _Tally:
    """Settles lines one by one, in order, as soon as no item left to align can reach them;
    lines only the items' unclaimed words could card wait for the end."""

    def __init__(self, lines: list[str], ledger: _Ledger, result: SourceResult, source: str | None):
        self.lines = lines
        self.ledger = ledger
        here = [entry for entry in result.dropped if source is None or entry.source == source]
        self.dropped = regions(((d.line, d.end_line) for d in here), len(lines))
        self.skipped = regions(((s.line, s.end_line) for s in result.skipped), len(lines))
        self.topics = {tuple(words(value)) for item in result.items for value in item.meta.values()}
        self.kinds = [""] * len(lines)
        self.waiting: list[int] = []
        self.settled = 0

    def settle(self, before: int) -> None:
        """Settle every line above line ``before`` (0-based)."""
        for index in range(self.settled, before):
            kind = self._kind(index)
            if kind:
                self.kinds[index] = KINDS[kind]
                self.ledger.forget(index)
            else:
                self.waiting.append(index)
        self.settled = max(self.settled, before)

    def _kind(self, index: int) -> str:
        if not self.lines[index].strip():
            return "blank"
        tokens = self.ledger.words(index)
        if self.ledger.carded(index) or _names_topic(tokens, self.topics):
            return "carded"
        if index in self.dropped:
            return "dropped"
        if index in self.skipped:
            return "skipped"
        return "" if tokens else "structure"

    def finish(self, unclaimed: Counter[str]) -> Coverage:
        self.settle(len(self.lines))
        for index in self.waiting:
            carded = _claim_unclaimed(self.ledger, index, unclaimed)
            self.kinds[index] = KINDS["carded" if carded else "unaccounted"]
        return Coverage.of_kinds("".join(self.kinds))


def coverage_of(text: str, result: SourceResult, source: str | None = None) -> Coverage:
    """Where each non-blank line of ``text`` (the source as read) went in ``result``.

    ``source`` is the name items give this text: items and dropped entries naming another
    (a common-schema file lists the original's lines) are matched by their words only.
    """
    lines = text.split("\n")
    ledger = _Ledger(_shown_lines(text))
    tally = _Tally(lines, ledger, result, source)
    unclaimed: Counter[str] = Counter()
    claimed = set()
    for item, first, last in _spans(result, len(lines), source):
        tally.settle(first)
        claimed.add(id(item))
        for leftover in _align(ledger, first, last, _item_fields(item)):
            unclaimed.update(leftover)
    for item in result.items:
        if id(item) not in claimed:
            unclaimed.update(token for texts in _item_fields(item) for token in texts)
    return tally.finish(unclaimed)


def _claim_unclaimed(ledger: _Ledger, index: int, unclaimed: Counter[str]) -> bool:
    """Whether the line's open words are among the items' unclaimed words (taken if so)."""
    tokens, found = ledger.words(index), ledger.found(index)
    wanted = Counter(token for token, hit in zip(tokens, found, strict=True) if not hit)
    taken = Counter({token: min(count, unclaimed[token]) for token, count in wanted.items()})
    total = sum(map(len, tokens))
    done = sum(len(token) for token, hit in zip(tokens, found, strict=True) if hit)
    if done + sum(len(token) * count for token, count in taken.items()) < CARDED_SHARE * total:
        return False
    unclaimed.subtract(taken)
    return True


def _names_topic(tokens: list[str], topics: set[tuple[str, ...]]) -> bool:
    """A section heading: every word of it but its numbering is a word of a topic the items carry."""
    named = {token for token in tokens if not token.isdigit()}
    return bool(named) and any(named <= set(topic) for topic in topics)
