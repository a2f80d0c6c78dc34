"""Finding question/answer records by their shape in a decoded tree (JSON, YAML, CSV rows, payloads).

Real files name their keys freely and nest their records under categories, so nothing here
knows one file's layout: a *collection* is a list (or a mapping) of mappings that mostly carry a
question-like and an answer-like text field. Enclosing mappings lend their topic, subtopic,
framework and level to the records below them; a group's name becomes the topic (or, under a
topic, the subtopic).
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...errors import SourceError
from ...html_answers import code_block, is_html
from ...models import HTML_ANSWER, Diagnostic, Dropped, Item, Skipped
from ...plaintext import plain_text
from ...qalabels import QUESTION_WORDS
from .choices import AMBIGUOUS, NO_ANSWER, back, normal_text, option_list
from .conversations import (
    SETTING,
    Exchange,
    context_of,
    conversation_key,
    exchanges,
    turns_of,
    unasked,
)
from .end_markers import EndMarkers, end_markers
from .page_lines import is_placeholder
from .record_choices import (
    APART,
    ChoiceFields,
    Numbering,
    choice_fields,
    flag_fields,
    flagged_choice,
    numbering,
    options_of,
    resolve_answer,
    with_answer,
)
from .refs import RefAllocator, slug

#: Preferred first. Strong keys may stand alone; weak ones only name a field of a whole collection.
QUESTION_KEYS = ("question", "q", "prompt", "front", "query", "instruction", "title", "term", "name")
STRONG_QUESTION_KEYS = frozenset({"question", "q", "prompt", "front"})
ANSWER_KEYS = ("answer", "a", "back", "response", "solution", "acceptedanswer", "answers", "reply",
               "completion", "output", "explanation", "body", "content", "text", "definition")
STRONG_ANSWER_KEYS = frozenset({"answer", "a", "back", "response", "solution", "acceptedanswer"})
#: Question keys that name almost anything: trusted only beside a strong answer key.
VAGUE_QUESTION_KEYS = frozenset({"name"})
#: Extra text folded into the answer, in this order, under a bold label.
EXTRA_KEYS = ("explanation", "details", "detail", "example", "examples", "code", "snippet",
              "sample", "notes", "note", "hint")
CODE_KEYS = frozenset({"code", "snippet", "sample"})
#: The text a question is asked about (a reading passage, an instruction's input): shown with
#: the question, on the front; on a mapping enclosing records, it is theirs (SQuAD's paragraphs).
PASSAGE_KEYS = ("context", "passage", "paragraph", "article", "story", "input")
ID_KEYS = ("id", "slug", "key", "uid", "qid", "ref", "number", "no")
TAG_KEYS = ("tags", "tag", "labels", "keywords")
LANGUAGE_KEYS = ("language", "lang")
#: meta name -> keys that state it, on a record or on a group enclosing records.
META_KEYS = {
    "topic": ("topic", "category", "section", "subject", "chapter", "deck"),
    "subtopic": ("subtopic", "subcategory", "subsection"),
    "framework": ("framework",),
    "difficulty": ("difficulty",),
    "level": ("level", "seniority"),
}
GROUP_NAME_KEYS = ("name", "title", "label", "heading")
#: Mapping keys that hold records rather than name a category of them.
CONTAINER_WORDS = frozenset({
    "questions", "question", "items", "data", "faqs", "faq", "records", "entries", "cards", "list",
    "results", "qa", "qas", "rows", "content", "contents", "children", "subtopics", "topics",
    "categories", "sections", "groups", "subcategories", "chapters", "payload", "values",
    "paragraphs", "passages", "examples", "instances", "samples", "train", "test", "validation",
    "decks", "flashcards", "quizzes", "quiz", "sets", "notes",
})
IDENTIFIER = re.compile(r"[a-z0-9_\-.]+")


@dataclass(frozen=True)
class Keys:
    """Which field of a record holds the question and which the answer."""

    question: str
    answer: str  # for multiple-choice records: the field naming the correct option ("" if none)
    choices: ChoiceFields | None = None  # where multiple-choice records keep their options


@dataclass
class Found:
    """What a tree held: items and dropped records, in document order, the fields passed over,
    and what to tell the user."""

    items: list[Item] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


LineOf = Callable[[Mapping[str, Any]], "int | None"]
Span = tuple[int, int]  # 1-based first and last line


class Locator(Protocol):
    """Where a format's text holds what the walker meets, asked in document order."""

    def record(self, record: Mapping[str, Any]) -> tuple[int | None, int | None]:
        """The first and last line of a record (a mapping); None where unknown."""

    def field(self, mapping: Mapping[str, Any], key: Any, within: Mapping[str, Any] | None) -> Span | None:
        """The lines of one ``key: value`` entry of a mapping (inside record ``within``, if
        given: a record's own field or one of an answer object in it); None where unknown."""


@dataclass(frozen=True)
class LineLocator:
    """A record's first line only (formats that know no more): fields are not located."""

    line_of: LineOf

    def record(self, record: Mapping[str, Any]) -> tuple[int | None, int | None]:
        return self.line_of(record), None

    def field(self, mapping: Mapping[str, Any], key: Any, within: Mapping[str, Any] | None) -> Span | None:
        return None


def _lower_keys(record: Mapping[str, Any]) -> dict[str, str]:
    return {str(key).lower(): key for key in record}


#: Where an answer given as an object keeps its text (schema.org ``{"@type": "Answer", "text": …}``).
TEXT_FIELDS = ("text", "body", "content", "markdown", "html", "value")


def _texty(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, str) or _inner_text_key(v) is not None
                                                        for v in value)
    ) or _inner_text(value) is not None


def _inner_text(value: Any) -> str | None:
    """The text of an answer object (a mapping with one of :data:`TEXT_FIELDS`), else None; its
    texts when it holds several (SQuAD's ``{"text": [...], "answer_start": [...]}``)."""
    key = _inner_text_key(value)
    return None if key is None else _text(value[key])


def _inner_text_key(value: Any) -> Any:
    """The key of an answer object's text (see :func:`_inner_text`), else None."""
    if not isinstance(value, dict):
        return None
    low = _lower_keys(value)
    return next((low[k] for k in TEXT_FIELDS if k in low and _is_texts(value[low[k]])), None)


def _is_texts(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and bool(value)
                                      and all(isinstance(v, str) for v in value))


def choose_keys(records: Sequence[Mapping[str, Any]], options: Mapping[str, Any]) -> Keys | None:
    """The question and answer keys most of ``records`` share, or ``None`` if they share none.

    Keys named in ``options`` (``question:``/``answer:``) win over detection.
    """
    if not records:
        return None
    lowered = [_lower_keys(r) for r in records]

    def share(key: str, test: Callable[[Any], bool]) -> int:
        return sum(1 for r, low in zip(records, lowered, strict=True) if key in low and test(r[low[key]]))

    def pick(named: Any, vocabulary: tuple[str, ...], test: Callable[[Any], bool], skip: str = "") -> str:
        if named:
            return str(named).lower() if share(str(named).lower(), lambda v: True) else ""
        return _key_by_words(records, lowered, vocabulary, lambda key: share(key, test), skip)

    question = pick(options.get("question"), QUESTION_KEYS, lambda v: isinstance(v, (str, int, float)))
    named_answer = str(options.get("answer") or "").lower()
    fields = choice_fields(records, lowered, question, named_answer) if question else None
    if fields is not None:
        return Keys(question, fields.correct, fields)
    answer = pick(options.get("answer"), ANSWER_KEYS, _answer_value, question) if question else ""
    vague = _main_word(question, QUESTION_KEYS) in VAGUE_QUESTION_KEYS and not options.get("question")
    if question and vague and _main_word(answer, ANSWER_KEYS) not in STRONG_ANSWER_KEYS:
        return None
    if question and answer:
        return Keys(question, answer)
    if options.get("question") or options.get("answer"):
        return None
    return _keys_by_shape(records, lowered)


def _answer_value(value: Any) -> bool:
    return value is None or _texty(value)


#: Words of a field name that say it is not the question's or the answer's text ("question_id").
NOT_TEXT_WORDS = frozenset({
    *ID_KEYS, *TAG_KEYS, *LANGUAGE_KEYS, *(key for keys in META_KEYS.values() for key in keys),
    "type", "kind", "count", "date", "time", "url", "link", "score", "votes", "status", "author",
    "created", "updated", "format", "length", "index",
})


def key_words(key: Any) -> list[str]:
    """A field name's words, whatever its case style: ``promptText``, ``reply_text``, ``q-body``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(key))
    return [word for word in re.split(r"[^a-z0-9]+", spaced.lower()) if word]


def _main_word(key: str, vocabulary: tuple[str, ...]) -> str:
    """The vocabulary word a field name is matched by (the name itself when it is one)."""
    if key in vocabulary:
        return key
    return next((word for word in vocabulary if word in key_words(key)), key)


def _key_by_words(records: Sequence[Mapping[str, Any]], lowered: list[dict[str, str]],
                  vocabulary: tuple[str, ...], shared: Callable[[str], int], skip: str) -> str:
    """A field named by a vocabulary word, or whose name holds one (``prompt_text`` for
    ``prompt``), that most records fill; the earliest vocabulary word wins, an exact name on a tie.
    Names with a non-text word (``question_id``) are skipped."""
    names: dict[str, str] = {}
    for low in lowered:
        for key, original in low.items():
            names.setdefault(key, str(original))
    ranked = []
    for order, (key, original) in enumerate(names.items()):
        if key == skip or not shared(key) or 2 * shared(key) < len(records):
            continue
        if key in vocabulary:
            ranked.append((vocabulary.index(key), 0, order, key))
            continue
        words = key_words(original)
        if any(word in NOT_TEXT_WORDS for word in words):
            continue
        ranks = [vocabulary.index(word) for word in words if len(word) > 1 and word in vocabulary]
        if ranks:
            ranked.append((min(ranks), 1, order, key))
    return min(ranked)[3] if ranked else ""


#: Share of a field's values that must end with ``?`` for it to be taken as the question by shape.
ASKING_SHARE = 0.6


def _field_name(key: str) -> bool:
    """A name, not a value: a header row of data ("What is X?", "A column…") names no fields."""
    return len(key) <= 40 and len(key.split()) <= 4 and not key.rstrip().endswith(("?", "."))


def _keys_by_shape(records: Sequence[Mapping[str, Any]], lowered: list[dict[str, str]]) -> Keys | None:
    """Unrecognised names: a short text field that mostly asks (ends with ``?``) beside a longer
    text field is the question and its answer."""
    texts: dict[str, list[str]] = {}
    for record, low in zip(records, lowered, strict=True):
        for key, original in low.items():
            if isinstance(record[original], str) and record[original].strip():
                texts.setdefault(key, []).append(record[original].strip())
    filled = {key: values for key, values in texts.items()
              if 2 * len(values) >= len(records) and _field_name(key)}
    asking = [(sum(v.endswith("?") for v in values) / len(values), key) for key, values in filled.items()]
    asking = [(share, key) for share, key in asking if share >= ASKING_SHARE]
    if not asking:
        return None
    question = max(asking)[1]

    def mean_length(key: str) -> float:
        return sum(map(len, filled[key])) / len(filled[key])

    longer = [key for key in filled if key != question and mean_length(key) > mean_length(question)]
    return Keys(question, max(longer, key=mean_length)) if longer else None


class KeyedRecord(dict[str, Any]):
    """A record made from one ``question: answer`` entry of a mapping keyed by its questions;
    it remembers that mapping and key so a reader can find the entry's line."""

    def __init__(self, parent: Mapping[str, Any], key: str, answer: Any):
        super().__init__(question=key, answer=answer)
        self.parent = parent
        self.key = key


def _asks(text: str) -> bool:
    words = text.split()
    return text.rstrip().endswith("?") or (len(words) >= 3 and bool(QUESTION_WORDS.match(text)))


def question_keyed(node: Any) -> list[KeyedRecord] | None:
    """The entries of a mapping keyed by its questions (``What is X?: answer``), as records."""
    if not isinstance(node, dict) or len(node) < 2:
        return None
    entries = [(key, value) for key, value in node.items()
               if isinstance(key, str) and _asks(key) and (value is None or _texty(value))]
    if 5 * len(entries) < 4 * len(node):
        return None
    return [KeyedRecord(node, key, value) for key, value in entries]


def is_standalone_record(node: Mapping[str, Any]) -> bool:
    """A mapping that is plainly one question and its answer, even outside any list."""
    low = _lower_keys(node)
    return any(k in low and isinstance(node[low[k]], str) for k in STRONG_QUESTION_KEYS) and any(
        k in low and _texty(node[low[k]]) for k in STRONG_ANSWER_KEYS
    )


def find_items(
    tree: Any,
    source: str,
    options: Mapping[str, Any] | None = None,
    line_of: LineOf | None = None,
    locator: Locator | None = None,
) -> Found:
    """Every question/answer record in ``tree`` as items (or dropped entries), with their meta,
    and (where ``locator`` finds them) the fields no card shows, as skipped regions."""
    walker = _Walker(source, options or {}, locator or LineLocator(line_of or (lambda record: None)))
    walker.walk(tree, {})
    return walker.found


def has_records(tree: Any) -> bool:
    """Whether ``tree`` holds at least one collection of question/answer records (for sniffing)."""
    return any(True for _ in _collections(tree, {}, set()))


def _collections(node: Any, options: Mapping[str, Any], seen: set[int]) -> Iterator[Keys]:
    if not isinstance(node, (dict, list)) or id(node) in seen:
        return
    seen.add(id(node))
    members = _members(node)
    if members is not None:
        keys = choose_keys(members, options)
        if keys:
            yield keys
            return
    if isinstance(node, dict) and (is_standalone_record(node) or question_keyed(node)
                                   or conversation_key(node) is not None):
        yield Keys("", "")
        return
    if turns_of(node) is not None:
        yield Keys("", "")
        return
    for child in node.values() if isinstance(node, dict) else node:
        yield from _collections(child, options, seen)


def _members(node: Any) -> list[Mapping[str, Any]] | None:
    """The mappings of a list, or the mapping values of a mapping, when those are most of it
    (each with a question given as an object read as one level: :class:`FlatRecord`)."""
    values = list(node.values()) if isinstance(node, dict) else node
    records = [flattened(v) for v in values if isinstance(v, dict)]
    return records if records and 2 * len(records) >= len(values) else None


#: Where a question given as an object keeps its text (CommonsenseQA's ``{"stem": …}``).
STEM_KEYS = ("stem", "text", "question", "body", "content", "value")


class FlatRecord(dict[str, Any]):
    """A record whose question is an object holding its text and more (CommonsenseQA's
    ``question: {stem, choices}``), read as one level: the question's text under the record's
    question key, its other fields beside the record's own. It remembers where each field is
    written, so a reader can still find the lines."""

    def __init__(self, origin: Mapping[str, Any], key: Any, inner: Mapping[str, Any], text_key: Any):
        own = {str(k).lower() for k in origin}
        moved = {k: v for k, v in inner.items() if k != text_key and str(k).lower() not in own}
        super().__init__({**{k: (inner[text_key] if k == key else v) for k, v in origin.items()}, **moved})
        self.origin = origin
        self.homes: dict[Any, tuple[Mapping[str, Any], Any]] = {k: (inner, k) for k in moved}
        self.homes[key] = (inner, text_key)


def flattened(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """``record``, or a :class:`FlatRecord` when its question is an object with a text in it."""
    low = _lower_keys(record)
    key = next((low[k] for k in STRONG_QUESTION_KEYS if k in low), None)
    inner = record[key] if key is not None else None
    if not isinstance(inner, dict):
        return record
    inner_low = _lower_keys(inner)
    text_key = next((inner_low[k] for k in STEM_KEYS if k in inner_low
                     and isinstance(inner[inner_low[k]], str) and inner[inner_low[k]].strip()), None)
    return record if text_key is None else FlatRecord(record, key, inner, text_key)


def origin(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """The mapping a record is written as (a :class:`FlatRecord` is made from one)."""
    return record.origin if isinstance(record, FlatRecord) else record


def home(mapping: Mapping[str, Any], key: Any) -> tuple[Mapping[str, Any], Any]:
    """The mapping and key a field is written under (see :class:`FlatRecord`)."""
    if isinstance(mapping, FlatRecord):
        return mapping.homes.get(key, (mapping.origin, key))
    return mapping, key


def meta_of(node: Mapping[str, Any]) -> dict[str, str]:
    """The topic/subtopic/framework/level a mapping states about itself (names of nested groups too).

    A field counts by its name's words: ``category``, ``Category``, ``categoryName``,
    ``topic_title``, ``sections`` (a list: its first name); ``category_id`` does not.
    """
    return {name: _name_of(node[key]) for name, key in _meta_keys(node).items()}


def _meta_keys(node: Mapping[str, Any]) -> dict[str, Any]:
    """Meta name -> the key of ``node`` that states it (the first of its fields with a name in it)."""
    low = _lower_keys(node)
    found: dict[str, Any] = {}
    for name, keys in META_KEYS.items():
        key = next((low[key] for key in _meta_fields(low, keys) if _name_of(node[low[key]])), None)
        if key is not None:
            found[name] = key
    return found


def _meta_fields(low: dict[str, str], keys: tuple[str, ...]) -> list[str]:
    """The fields naming one meta: the exact names first, in ``keys`` order, then variants."""
    exact = [key for key in keys if key in low]
    named = {*keys, *(key + "s" for key in keys), *(key[:-1] + "ies" for key in keys if key.endswith("y"))}
    variants = [key for key, original in low.items() if key not in exact and (words := key_words(original))
                and words[0] in named and all(word in GROUP_NAME_KEYS for word in words[1:])]
    return exact + variants


#: A named or numeric character reference (``&amp;``, ``&#039;``), with its semicolon.
ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decoded(text: str) -> str:
    """A name with its character references decoded: a quiz API that encodes its texts as HTML
    names its category ``Science &amp; Nature``, which is shown (and escaped again) as text."""
    return ENTITY.sub(lambda match: html.unescape(match.group()), text)


def _name_of(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return decoded(str(value).strip())
    if isinstance(value, list):
        names = (_name_of(v) for v in value if not isinstance(v, (dict, list)))
        return next((name for name in names if name), "")
    if isinstance(value, dict):
        low = _lower_keys(value)
        for key in GROUP_NAME_KEYS:
            if key in low and isinstance(value[low[key]], str):
                return decoded(value[low[key]].strip())
    return ""


def with_category(context: dict[str, str], category: str) -> dict[str, str]:
    """A group's name becomes the topic, or the subtopic when a topic is already known."""
    if not category or category in context.values():
        return context
    if "topic" not in context:
        return {**context, "topic": category}
    if "subtopic" not in context:
        return {**context, "subtopic": category}
    return context


class _Walker:
    def __init__(self, source: str, options: Mapping[str, Any], locator: Locator):
        self.source = source
        self.options = options
        self.locator = locator
        self.found = Found()
        self.seen: set[int] = set()
        self.unique_ref = RefAllocator()
        self.passage = ""  # the passage an enclosing mapping gives the records below it
        self.markers = EndMarkers()  # what every record of the current collection ends a field with

    def walk(self, node: Any, context: dict[str, str]) -> None:
        if not isinstance(node, (dict, list)) or id(node) in self.seen:
            return
        self.seen.add(id(node))
        members = _members(node)
        keys = choose_keys(members, self.options) if members is not None else None
        if keys:
            self._collection(node, keys, context)
            return
        if isinstance(node, dict) and (talk := conversation_key(node)) is not None:
            self._conversation(node, talk, context)
            return
        if isinstance(node, dict) and is_standalone_record(node):
            self._record(node, choose_keys([node], self.options) or Keys("question", "answer"),
                         context, "")
            return
        if turns_of(node) is not None:
            self._conversation({"": node}, "", context)
            return
        if isinstance(node, list):
            for child in node:
                self.walk(child, context)
            return
        if (keyed := question_keyed(node)) is not None:
            for record in keyed:
                self._record(record, Keys("question", "answer"), context, "")
            return
        own = {**with_category(context, _name_of(node)), **meta_of(node)}
        enclosing, lent = self.passage, _passage_key(node, {"input"})
        self.passage = _as_passage(_text(node[lent])) if lent is not None else enclosing
        for key, child in node.items():
            if key == lent:  # shown with each question below
                continue
            if _is_leaf(child):  # a title, a date, a status: the document's, not a card's
                self._pass(node, key, "document-field")
            else:
                self.walk(child, self._child_context(own, str(key), child))
        self.passage = enclosing

    def _pass(self, mapping: Mapping[str, Any], key: Any, reason: str,
              within: Mapping[str, Any] | None = None) -> None:
        """Report one field no card shows, where the locator can find it."""
        mapping, key = home(mapping, key)
        span = self.locator.field(mapping, key, origin(within) if within is not None else None)
        skipped = self.found.skipped
        if span is not None and not (skipped and (skipped[-1].line, skipped[-1].end_line) == span):
            skipped.append(Skipped(self.source, span[0], span[1], reason))

    @staticmethod
    def _child_context(context: dict[str, str], key: str, child: Any) -> dict[str, str]:
        """A mapping key names a category when it reads like a label, not like a field name."""
        low = key.lower()
        if low in CONTAINER_WORDS or any(low in keys for keys in META_KEYS.values()):
            return context
        if isinstance(child, list) or (isinstance(child, dict) and not IDENTIFIER.fullmatch(key)):
            return with_category(context, key.strip())
        return context

    def _collection(self, node: Any, keys: Keys, context: dict[str, str]) -> None:
        pairs = [(key, flattened(value) if isinstance(value, dict) else value)
                 for key, value in (node.items() if isinstance(node, dict) else ((None, v) for v in node))]
        records = [v for _, v in pairs if isinstance(v, dict)]
        counting = self._numbering(records, keys)
        enclosing, self.markers = self.markers, end_markers(records, keys.question, keys.answer)
        for key, value in pairs:
            low = _lower_keys(value) if isinstance(value, dict) else {}
            if keys.question in low or keys.answer in low:
                self.seen.add(id(origin(value)))
                self._record(value, keys, context, "" if key is None else str(key), counting)
            elif isinstance(value, dict) and not has_records(value) and any(_text(v) for v in value.values()):
                self._stray(origin(value), "" if key is None else str(key))
            else:
                self.walk(origin(value) if isinstance(value, dict) else value, context)
        self.markers = enclosing

    def _stray(self, member: Mapping[str, Any], key: str) -> None:
        """A member of a collection with neither its question nor its answer field: a record
        of another shape, reported rather than read as something else."""
        self.seen.add(id(member))
        line, end = self.locator.record(member)
        first_text = next(text for text in map(_text, member.values()) if text)
        ref = self.unique_ref(_ref_of(member, _lower_keys(member)) or key or slug(first_text[:40]))
        self.found.dropped.append(Dropped(self.source, ref, line, "not-a-record", "", end))

    def _conversation(self, record: Mapping[str, Any], talk: Any, context: dict[str, str]) -> None:
        """A chat transcript (``record[talk]``): each question answered by the next turn is an
        item; the system prompt a skipped region; the record's id, tags and meta are the items'.
        Fields are visited in the order they are written, as the locator asks."""
        low = _lower_keys(record)
        turns = turns_of(record[talk]) or []
        meta = {**context, **meta_of(record)}
        used = {str(talk).lower(), _ref_key(record, low), _tag_key(low),
                *(str(key).lower() for key in _meta_keys(record).values())}
        spans: dict[int, tuple[int | None, int | None]] = {}
        for key in record:
            if key == talk:
                spans = {id(turn.mapping): self.locator.record(turn.mapping) for turn in turns}
            elif str(key).lower() not in used:
                self._pass(record, key, "unused-field")
        fallback = self.locator.record(record) if not any(s[0] for s in spans.values()) else (None, None)
        for turn in turns:
            if turn.does == SETTING and (span := spans.get(id(turn.mapping))) and span[0]:
                self.found.skipped.append(Skipped(self.source, span[0], span[1] or span[0], "system-prompt"))
        found = exchanges(turns)
        stem = _ref_of(record, low) or (slug(found[0].question.text[:40]) if found else "")
        tags = tags_of(record, low)
        stem = self.unique_ref(stem) if found else stem  # the later questions' refs number it
        for number, exchange in enumerate(found, start=1):
            ref = stem if number == 1 else self.unique_ref(f"{stem}-{number}")
            self._exchange(exchange, ref, spans, fallback, meta, tags)
        for turn in unasked(turns):
            line, end = spans.get(id(turn.mapping)) or fallback
            self.found.dropped.append(Dropped(self.source, self.unique_ref(f"{stem or 'turn'}-unasked"),
                                              line or fallback[0], "no-question", "", end or fallback[1]))

    def _exchange(self, exchange: Exchange, ref: str, spans: dict[int, tuple[int | None, int | None]],
                  fallback: tuple[int | None, int | None], meta: dict[str, str],
                  tags: tuple[str, ...]) -> None:
        """One question of a transcript and its answer, as an item (or dropped, unanswered):
        from the question's first line to the answer's last."""
        asked = spans.get(id(exchange.question.mapping)) or (None, None)
        answered = spans.get(id(exchange.answer.mapping)) if exchange.answer is not None else None
        line = asked[0] or fallback[0]
        end = (answered or asked)[1] or asked[0] or fallback[1]
        question, answer = exchange.question.text, exchange.answer.text if exchange.answer else ""
        if not question or not answer:
            reason = "no-question" if not question else "empty-answer" if exchange.answer else "no-answer"
            self.found.dropped.append(Dropped(self.source, ref, line, reason, question, end))
            return
        answer = fenced(answer) if is_bare_code(answer) else answer  # kept as written
        self.found.items.append(Item(question=question, answer=answer, source=self.source, ref=ref,
                                     line=line, meta=meta, tags=tags, end_line=end,
                                     prompt=context_of(exchange)))

    def _numbering(self, records: Sequence[Mapping[str, Any]], keys: Keys) -> Numbering:
        """How the collection's numeric answers count its options; undecided is reported once."""
        fields = keys.choices
        if fields is None or not fields.correct:
            return None
        answers = [(r[low[fields.correct]], options_of(fields, r, low))
                   for r in records if fields.correct in (low := _lower_keys(r))]
        counting = numbering(answers, fields, self.options)
        if counting is None and any(resolve_answer(v, o, None) == AMBIGUOUS for v, o in answers):
            line = self.locator.record(origin(records[0]))[0] if records else None
            self.found.diagnostics.append(Diagnostic(
                self.source, line, f"the answers in '{fields.correct}' are option numbers that may "
                "count from 0 or from 1, and the data does not say which; those questions are "
                "dropped: set 'index_base: 0' or 'index_base: 1' in this source's options"))
        return counting

    def _record(self, record: Mapping[str, Any], keys: Keys, context: dict[str, str], key: str,
                counting: Numbering = None) -> None:
        low = _lower_keys(record)
        question = _text(record.get(low.get(keys.question, keys.question)))
        has_answer = keys.answer in low
        question = self.markers.question_without(question)
        composed = compose_answer(record, low, keys, self.markers.answer_without)
        answer = composed.text
        line, end = self.locator.record(origin(record))
        ref = self.unique_ref(_ref_of(record, low) or key or slug(question or answer[:40]))
        self._pass_unused(record, low, keys)
        if not question:
            if answer or any(_text(v) for v in record.values()):
                self.found.dropped.append(Dropped(self.source, ref, line, "no-question", "", end))
            return
        meta = {**context, **meta_of(record)}
        tags = tags_of(record, low)
        if "topic" not in meta and (named := _named_by_tag(record, low, tags)):
            meta["topic"] = named
        passage = "\n\n".join(filter(None, [_passage_of(record, keys) or self.passage,
                                             _front_hints(record, low)]))
        if keys.choices is not None:
            quiz = Item(question, "", self.source, ref, line, meta, tags, end_line=end, prompt=passage)
            self._quiz(record, low, keys, quiz, counting)
            return
        if not answer:
            reason = "empty-answer" if has_answer else "no-answer"
            self.found.dropped.append(Dropped(self.source, ref, line, reason, question, end))
            return
        if is_placeholder(plain_text(answer) if composed.html else answer):
            self.found.dropped.append(Dropped(self.source, ref, line, "placeholder", question, end))
            return
        self.found.items.append(Item(
            question=question, answer=answer, source=self.source, ref=ref, line=line,
            meta=meta, tags=tags, flags=frozenset({HTML_ANSWER}) if composed.html else frozenset(),
            end_line=end, prompt=passage,
        ))

    def _quiz(self, record: Mapping[str, Any], low: dict[str, str], keys: Keys, item: Item,
              counting: Numbering) -> None:
        """A multiple-choice record: options (and any code) on the front; the correct option's
        label and text, then the explanation, on the back; an unresolvable answer is dropped."""
        fields = keys.choices or ChoiceFields()
        listed = options_of(fields, record, low)
        if not listed and (written := _written_answer(record, low, fields)):
            self._open_question(record, low, keys, item, written)
            return
        if counting == APART and fields.correct in low:
            listed = with_answer(record[low[fields.correct]], listed)
        choice = flagged_choice(fields, record, low) or (
            resolve_answer(record[low[fields.correct]], listed, counting) if fields.correct in low
            else NO_ANSWER)
        if isinstance(choice, str):
            self.found.dropped.append(Dropped(self.source, item.ref, item.line, choice, item.question,
                                              item.end_line))
            return
        if fields.correct in low:  # the answer key is read, and shown as the option it names
            self._pass(record, low[fields.correct], "answer-key", record)
        for option, flag in flag_fields(fields, record, low):
            self._pass(option, flag, "answer-key", record)
        used = {keys.question, *fields.keys, fields.correct}
        code = [fenced(text, _language(record, low)) for k in CODE_KEYS
                if k in low and k not in used and (text := _text(record[low[k]]))]
        explanation = "\n\n".join(_extra_parts(record, low, used | CODE_KEYS))
        self.found.items.append(dataclasses.replace(
            item, prompt="\n\n".join([*filter(None, [item.prompt]), *code, option_list(listed)]),
            answer=back(listed, choice, explanation)))

    def _open_question(self, record: Mapping[str, Any], low: dict[str, str], keys: Keys, item: Item,
                       written: str) -> None:
        """A row of a quiz table with no options, only the answer written out (a form's short
        answer question): a plain card, its answer as written, then any explanation."""
        fields = keys.choices or ChoiceFields()
        self._pass(record, low[fields.correct], "answer-key", record)
        explanation = _extra_parts(record, low, {keys.question, *fields.keys, fields.correct})
        self.found.items.append(dataclasses.replace(item, answer="\n\n".join([written, *explanation])))

    def _pass_unused(self, record: Mapping[str, Any], low: dict[str, str], keys: Keys) -> None:
        """Report the record's fields that no card shows (an id not used as the ref, a date, a
        URL), and those of a question or answer given as an object besides its text."""
        if isinstance(record, KeyedRecord):
            return
        used = used_keys(record, low, keys)
        for name, original in low.items():
            if name not in used:
                self._pass(record, original, "unused-field", record)
            elif name in (keys.question, keys.answer) and _inner_text(record[original]) is not None:
                inner = record[original]
                text_key = _inner_text_key(inner)
                for field_key in inner:
                    if field_key != text_key:
                        self._pass(inner, field_key, "unused-field", record)


#: An answer naming options by letter or number only: ``B``, ``(c)``, ``2``, ``1, 3``.
OPTION_REFERENCE = re.compile(r"(?:\(?[A-Za-z]\)?[.)]?|\d+)(?:\s*[,;|/]\s*(?:[A-Za-z]|\d+))*")


def _written_answer(record: Mapping[str, Any], low: dict[str, str], fields: ChoiceFields) -> str:
    """The answer of a choice record without options when it is words, not an option's letter
    or number (which names nothing here: a row whose options were lost is dropped, not shown
    with a bare "2")."""
    text = _text(record[low[fields.correct]]) if fields.correct in low else ""
    return "" if not text or OPTION_REFERENCE.fullmatch(text) else text


def _is_leaf(value: Any) -> bool:
    """A value holding no mapping: a scalar, or a list of scalars."""
    return not isinstance(value, (dict, list)) or (
        isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value))


def used_keys(record: Mapping[str, Any], low: dict[str, str], keys: Keys) -> set[str]:
    """The (lower-case) field names whose values reach the item: its question and answer, the
    extra texts folded into the answer, the ref, the tags and the meta."""
    used = {keys.question, keys.answer, *(key for key in EXTRA_KEYS if key in low)}
    if keys.choices is not None:  # a multiple-choice record shows its options and names its answer
        used.update({*keys.choices.keys, keys.choices.correct} & set(low))
    used.update(key for key in (_ref_key(record, low), _tag_key(low)) if key)
    if (passage := _passage_key(record, (), keys)) is not None:
        used.add(str(passage).lower())
    used.update(hint_keys(low, FRONT_SIDE) + hint_keys(low, BACK_SIDE))
    used.update(str(key).lower() for key in _meta_keys(record).values())
    return used


#: Quotes and closing punctuation around one of several answers, and a leading article: SQuAD's
#: annotators give ``"obsolete"`` and ``obsolete``, ``the Arizona Cardinals`` and ``Arizona Cardinals``.
_ANSWER_EDGES = "\"'“”‘’«» .,;:!?"
_LEADING_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.IGNORECASE)
_DASHES = str.maketrans({code: "-" for code in range(0x2010, 0x2016)})


def _same_answer(text: str) -> str:
    """What two answers to one question share when they say the same thing."""
    plain = normal_text(text).translate(_DASHES).strip(_ANSWER_EDGES)
    return _LEADING_ARTICLE.sub("", plain)


def _passage_key(node: Mapping[str, Any], unless: Collection[str] = (), keys: Keys | None = None) -> Any:
    """The key of the text ``node``'s question(s) are asked about (see :data:`PASSAGE_KEYS`), if
    it holds one; not a key in ``unless``, nor the record's question or answer field."""
    low = _lower_keys(node)
    taken = {keys.question, keys.answer} if keys else set()
    return next((low[key] for key in PASSAGE_KEYS if key in low and key not in unless and key not in taken
                 and isinstance(node[low[key]], str) and node[low[key]].strip()), None)


def _passage_of(record: Mapping[str, Any], keys: Keys) -> str:
    key = _passage_key(record, (), keys)
    return _as_passage(_text(record[key])) if key is not None else ""


def _as_passage(text: str) -> str:
    """A passage for the front: code (an instruction's input is often a snippet) as a block."""
    return fenced(text) if is_bare_code(text) else text


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if (inner := _inner_text(value)) is not None:
        return inner.strip()
    if isinstance(value, list):
        return _listed(value)
    if isinstance(value, dict):  # an answer object without text (SQuAD's ``{"text": []}``): no answer
        return ""
    return str(value).strip()


def _listed(values: list[Any]) -> str:
    """A list of texts (or of answer objects) as a markdown list; texts that differ only in case,
    spacing or a closing full stop are one (annotators' answers to one question repeat), and one
    text left is itself, not a list of one."""
    texts = [text for value in values if isinstance(value, (str, dict)) and (text := _text(value))]
    firsts: dict[str, str] = {}
    for text in texts:
        firsts.setdefault(_same_answer(text), text)
    kept = list(firsts.values())
    if len(kept) == 1:
        return kept[0]
    return "\n".join(f"- {text}" for text in kept)


def _ref_of(record: Mapping[str, Any], low: dict[str, str]) -> str:
    key = _ref_key(record, low)
    return _text(record[low[key]]) if key else ""


def _ref_key(record: Mapping[str, Any], low: dict[str, str]) -> str:
    """The (lower-case) id field that names the record's ref: one line of text."""
    for key in ID_KEYS:
        if key in low:
            text = _text(record[low[key]])
            if text and "\n" not in text:
                return key
    return ""


def tags_of(record: Mapping[str, Any], low: dict[str, str]) -> tuple[str, ...]:
    """Tags given as a list, as one comma/semicolon separated string, or space separated (Anki)."""
    key = _tag_key(low)
    if not key:
        return ()
    value = record[low[key]]
    text = str(value or "")
    separator = r"[,;]" if re.search(r"[,;]", text) else r"\s+"
    parts = value if isinstance(value, list) else re.split(separator, text)
    tags = (decoded(str(p)).strip().lstrip("#").strip() for p in parts if p is not None)
    return tuple(dict.fromkeys(t for t in tags if t))


def _tag_key(low: dict[str, str]) -> str:
    return next((key for key in TAG_KEYS if key in low), "")


def _named_by_tag(record: Mapping[str, Any], low: dict[str, str], tags: tuple[str, ...]) -> str:
    """A record's one tag, given as a string (``tags: python``), names its category."""
    value = next((record[low[key]] for key in TAG_KEYS if key in low), None)
    return tags[0] if isinstance(value, str) and len(tags) == 1 else ""


@dataclass(frozen=True)
class Answer:
    """A record's answer text, and whether it is HTML (:func:`..html_answers.is_html`) or markdown."""

    text: str
    html: bool = False


def compose_answer(record: Mapping[str, Any], low: dict[str, str], keys: Keys,
                   trimmed: Callable[[str], str] = str.strip) -> Answer:
    """The answer field plus every extra text field (an example, code), code as a fenced block;
    ``trimmed`` takes off what every answer of the collection ends with (a stop marker).

    An answer that is HTML stays HTML, and its extra fields join it as HTML.
    """
    main = trimmed(_text(record.get(low.get(keys.answer, keys.answer))))
    if not main:
        return Answer("")
    as_html = is_html(main)
    if not as_html and is_bare_code(main):  # a data set's answer that is a program, unfenced
        main = fenced(main, _language(record, low))
    parts = [main, *_extra_parts(record, low, {keys.question, keys.answer}, as_html)]
    for key in hint_keys(low, BACK_SIDE):
        if text := _text(record[low[key]]):
            parts.append(f"<p><strong>Hint:</strong> {html.escape(text, quote=False)}</p>" if as_html
                         else f"**Hint:** {text}")
    return Answer(("\n" if as_html else "\n\n").join(parts), as_html)


#: Words naming the side of a card a hint field belongs to (``frontHint``, ``answer_hint``).
FRONT_SIDE = frozenset({"front", "question", "q"})
BACK_SIDE = frozenset({"back", "answer", "a"})


def hint_keys(low: dict[str, str], side: frozenset[str]) -> list[str]:
    """The (lower-case) hint fields of one side of the card: a hint is there to be seen with
    the question, a back hint adds to the answer."""
    return [key for key, original in low.items()
            if "hint" in (words := set(key_words(original))) and words & side and key != "hint"]


def _front_hints(record: Mapping[str, Any], low: dict[str, str]) -> str:
    return "\n\n".join(f"**Hint:** {text}" for key in hint_keys(low, FRONT_SIDE)
                        if (text := _text(record[low[key]])))


def _language(record: Mapping[str, Any], low: dict[str, str]) -> str:
    return next((_text(record[low[k]]) for k in LANGUAGE_KEYS if k in low), "")


def _extra_parts(record: Mapping[str, Any], low: dict[str, str], used: Collection[str],
                 as_html: bool = False) -> list[str]:
    """Every extra text field not ``used``, under a bold label; code as a fenced block (as HTML
    beside an HTML answer)."""
    parts = []
    language = _language(record, low)
    for key in EXTRA_KEYS:
        if key in used or key not in low:
            continue
        text = _text(record[low[key]])
        if not text:
            continue
        is_code = key in CODE_KEYS or (key.startswith("example") and looks_like_code(text))
        label = f"{key.capitalize()}:"
        if as_html:
            parts.append(f"<p><strong>{label}</strong></p>" + _html_extra(text, is_code, language))
        else:
            parts.append(f"**{label}**\n\n{fenced(text, language) if is_code else text}")
    return parts


def _html_extra(text: str, is_code: bool, language: str) -> str:
    """An extra field beside an HTML answer, as HTML: itself when it is HTML, else its text escaped."""
    if is_html(text):
        return text
    if is_code:
        return code_block(text, language)
    paragraphs = (html.escape(part.strip(), quote=False).replace("\n", "<br>") for part in text.split("\n\n"))
    return "".join(f"<p>{part}</p>" for part in paragraphs if part)


def fenced(code: str, language: str = "") -> str:
    """``code`` as a fenced block, unless it already is markdown holding one."""
    if re.search(r"^\s*(```|~~~)", code, re.MULTILINE):
        return code
    fence = "````" if "```" in code else "```"
    return f"{fence}{language}\n{code.rstrip()}\n{fence}"


#: What marks a text as markdown written by a person: a list item, a quote, a code span.
_MARKDOWN_LINE = re.compile(r"^\s*(?:[-*+]\s|\d{1,3}[.)]\s|>)")
#: A line of code on its own: it opens with a keyword, ends a statement or block after a call or
#: an assignment, or pipes one command into another.
_CODE_LINE = re.compile(r"^(?:def|class|import|from|return|const|let|var|func|fn|SELECT|INSERT|UPDATE|"
                        r"DELETE|CREATE|ALTER|WITH)\b|^[A-Za-z_$][\w.$]*\s*(?:\(|[-+*/]?=(?!=)).*[;{)]$"
                        r"|^[a-z][\w.-]*\s.*\s\|\s")


def is_bare_code(text: str) -> bool:
    """Whether a whole answer is code written without a fence (instruction data sets answer
    "write a function" with the function itself): a program's lines, no sentence among them, no
    markdown of its own. As markdown its indentation would be lost; it is shown as written."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines or "`" in text or lines[0].lstrip().startswith("<") or re.search(r"^\s*(```|~~~)", text,
                                                                                     re.MULTILINE):
        return False
    if any(_MARKDOWN_LINE.match(line) or _is_sentence(line) for line in lines):
        return False
    if len(lines) == 1:
        return bool(_CODE_LINE.match(lines[0].strip()))
    return looks_like_code(text)


def _is_sentence(line: str) -> bool:
    return bool(re.match(r"^[A-Z][^=;{}<>]*[.!?:]$", line.strip())) and len(line.split()) >= 4


def looks_like_code(text: str) -> bool:
    """Mostly lines that are not sentences: symbols, indentation, no closing full stop."""
    lines = [line for line in text.splitlines() if line.strip()]
    prose = sum(1 for line in lines if re.match(r"^[A-Z][^=;{}<>]*[.!?:]$", line.strip())
                and len(line.split()) >= 4)
    symbols = sum(1 for line in lines if re.search(r"[=(){}\[\];<>]|^\s{2,}|^(def|class|import|from|"
                                                   r"return|const|let|var|func|fn|SELECT)\b", line))
    return bool(lines) and symbols > prose


def require_items(found: Found, source: str, options: Mapping[str, Any], tree: Any) -> None:
    """Fail clearly when a structured file holds no recognisable records at all."""
    if found.items or found.dropped:
        return
    hint = _key_hint(tree)
    named = {k: options[k] for k in ("question", "answer") if options.get(k)}
    what = f"with keys {named}" if named else "with a question and an answer field"
    raise SourceError(
        f"no records {what} found{hint}; name the fields in the manifest, "
        "e.g. options: {question: title, answer: body}",
        file=source,
    )


def _key_hint(tree: Any) -> str:
    keys: dict[str, None] = {}
    stack, seen = [tree], set()
    while stack and len(keys) < 12:
        node = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            keys.update((str(k), None) for k in node)
            stack.extend(node.values())
        else:
            stack.extend(node)
    return f" (keys seen: {', '.join(list(keys)[:12])})" if keys else ""
