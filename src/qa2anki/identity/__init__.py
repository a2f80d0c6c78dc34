"""Note identities: a GUID per card that survives rebuilds, so Anki keeps its review history.

Anki matches an imported note to the one it has by GUID, so a card must keep its GUID when
its item moves, is renumbered, reworded, re-answered, or gains duplicates from other sources.
The lockfile remembers every GUID handed out with the items it stood for; a rebuild matches
items to those records (same ``file#ref`` first, then the most similar previous item of the
same source; what an item shows under its question, its prompt, is part of the
question), and a card takes the identity of its members' records (the oldest, when two
cards have become one). A GUID is never handed to a second card, in one build or later.

A note's modification time is the time its content last changed, so re-importing an
unchanged card is a no-op in Anki and edits the learner made there survive.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..models import QA_CARD, Card, Diagnostic, Item, Note
from ..models import REMOVED_TAG as REMOVED_TAG  # the tag of cards whose item left
from ..report import DeckChanges as DeckChanges  # what a rebuild changed: reported
from ..similarity import STOP_WORDS, plain_words
from .lockfile import Lock, LockedItem, LockRecord, NotetypeStamp, usable_guid

GUID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

#: Refs that only count (``Q5``, ``12``, ``L120``, ``Q5-2``): a renumbering reuses them for another
#: question, so a matching ref is a hint, not proof. Other refs (slugs, ids) identify the item.
POSITIONAL_REF = re.compile(r"^[A-Za-z]{0,3}\d+(?:[-.]\d+)*$")

#: Similarity bounds for following an item whose ref changed (0..1).
QUESTION_SURE = 0.90  # the same question, lightly reworded: its answer may be rewritten
QUESTION_LIKELY = 0.60  # a looser question match needs its answer to agree
ANSWER_SUPPORT = 0.35
ANSWER_SURE = 0.80  # a long answer kept nearly as is, under a rewritten question
SKETCH_SIZE = 16  # answer sketch: the smallest SKETCH_SIZE word-shingle hashes
EXACT = 3.0  # the score of a match by ref



def item_key(source: str, ref: str) -> str:
    """The stable identity of an item inside its source."""
    return f"{source}#{ref}"


def stable_guid(*parts: str) -> str:
    """A 10-character GUID derived from ``parts``; equal parts give equal GUIDs."""
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")
    chars = []
    for _ in range(10):
        digest, index = divmod(digest, len(GUID_ALPHABET))
        chars.append(GUID_ALPHABET[index])
    return "".join(chars)


def card_guid(deck: str, card: Card, shared_names: frozenset[str] = frozenset()) -> str:
    """A first GUID for a card: from its first member's key, never from its text.

    The key names the source by its file name, as before sources were keyed by path (so a
    deck rebuilt without its lockfile keeps its GUIDs), unless ``shared_names`` says another
    source of the deck has that name: then by its path, so neither source's order decides.
    """
    return stable_guid("qa2anki", deck, _guid_key(card.primary, shared_names))


def _guid_key(item: Item, shared_names: frozenset[str]) -> str:
    name = PurePosixPath(item.source).name
    return item_key(item.source if name in shared_names else name, item.ref)


def shared_file_names(cards: Iterable[Card]) -> frozenset[str]:
    """File names that more than one source of these cards has."""
    sources = {item.source for card in cards for item in card.items}
    names = Counter(PurePosixPath(source).name for source in sources)
    return frozenset(name for name, count in names.items() if count > 1)


def build_time() -> int:
    """Now, in seconds; ``SOURCE_DATE_EPOCH`` fixes it for reproducible builds."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(fixed) if fixed.isdigit() else int(time.time())


# --- similarity ---------------------------------------------------------------------------------


def _content_words(question: str) -> str:
    """A question's words without the ones every question is phrased with (dedup's list)."""
    words = plain_words(question)
    return " ".join([w for w in words if w not in STOP_WORDS] or words)


def question_similarity(a: str, b: str) -> float:
    """0..1 on the questions' content words.

    The mean of token-set (a reworded question keeps its key words) and token-sort (a question
    that only shares a subject with another, "What is X?" vs "What is X's router?", scores lower).
    """
    return _words_similarity(_content_words(a), _content_words(b))


def _words_similarity(x: str, y: str) -> float:
    if not x or not y:  # an answer-only item has no question to compare
        return 0.0
    if x == y:
        return 1.0
    from rapidfuzz import fuzz  # loaded by the first comparison, not by reading the lockfile

    return (fuzz.token_set_ratio(x, y) + fuzz.token_sort_ratio(x, y)) / 200


def answer_sketch(answer: str) -> str:
    """A short, diffable sketch of an answer's words: its smallest word and word-pair hashes.

    Two sketches estimate how much two answers share (bottom-k Jaccard) without the lockfile
    holding whole answers.
    """
    words = plain_words(answer)
    shingles = set(words)
    shingles.update(map(" ".join, zip(words, words[1:], strict=False)))
    hashes = sorted(set(map(_SHINGLE_HASHES.__getitem__, shingles)))
    return "".join([f"{h:06x}" for h in hashes[:SKETCH_SIZE]])


class _ShingleHashes(dict[str, int]):
    """shingle -> its 3-byte blake2b hash, remembered: words and word pairs recur across answers."""

    LIMIT = 400_000

    def __missing__(self, shingle: str) -> int:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=3).digest(), "big")
        if len(self) < self.LIMIT:
            self[shingle] = value
        return value


_SHINGLE_HASHES = _ShingleHashes()


def prompt_sketch(prompt: str) -> str:
    """What the front shows under the question, sketched: a hash of all of it (equal only for the
    same prompt, spacing aside), then its word sketch (how much two prompts share); "" for none."""
    text = " ".join(prompt.split())
    if not text:
        return ""
    whole = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=3).digest(), "big")
    return f"{whole:06x}{answer_sketch(text)}"


def _sketch_values(sketch: str) -> set[int]:
    return {int(sketch[i:i + 6], 16) for i in range(0, len(sketch) - 5, 6)}


@dataclass(frozen=True)
class _Text:
    """An item's question and answer prepared once for many comparisons."""

    words: str  # the question's content words
    hashes: frozenset[int]  # the answer sketch's values
    prompt: frozenset[int] = frozenset()  # the prompt sketch's values (none without a prompt)

    @classmethod
    def of(cls, question: str, sketch: str, prompt: str = "") -> _Text:
        return cls(_content_words(question), frozenset(_sketch_values(sketch)),
                   frozenset(_sketch_values(prompt)))


def match_score(current: _Text, previous: _Text) -> float | None:
    """How well a current item fits a previous one, or None when it is not the same item.

    What a question shows under it is part of the question: the same words over other code are
    another question, so the question counts only as far as the prompts agree too.
    """
    q = _with_prompts(_words_similarity(current.words, previous.words), current, previous)
    a = _shared(current.hashes, previous.hashes)
    long_answers = min(len(current.hashes), len(previous.hashes)) >= SKETCH_SIZE
    if q >= QUESTION_SURE or (q >= QUESTION_LIKELY and a >= ANSWER_SUPPORT) or (
        a >= ANSWER_SURE and long_answers
    ):
        return 0.6 * q + 0.4 * a
    return None


def _with_prompts(question: float, current: _Text, previous: _Text) -> float:
    """The question's similarity bounded by its prompt's: one prompt unknown (a lockfile from
    before prompts), the answer must agree too."""
    if current.prompt and previous.prompt:
        return min(question, _shared(current.prompt, previous.prompt))
    if current.prompt or previous.prompt:
        return min(question, QUESTION_LIKELY)
    return question


def _shared(x: frozenset[int], y: frozenset[int]) -> float:
    size = min(len(x), len(y))
    if not size:
        return 0.0
    return sum(1 for h in sorted(x | y)[:size] if h in x and h in y) / size


# --- matching items to previous records -----------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    card: int
    record: LockRecord
    score: float


@dataclass(frozen=True)
class _Previous:
    record: LockRecord
    item: LockedItem
    text: _Text


def _unchanged(item: Item, locked: LockedItem) -> bool:
    """Same question and prompt (or, for an answer-only item, same answer) as the previous item of
    that key. A lockfile from before prompts knows none: then the question alone decides."""
    words = _content_words(item.question)
    if words:
        same_prompt = not locked.prompt or locked.prompt == prompt_sketch(item.prompt)
        return same_prompt and words == _content_words(locked.question)
    return not locked.question.strip() and answer_sketch(item.answer) == locked.answer


def _source_of(key: str) -> str:
    return key.partition("#")[0]


@dataclass(frozen=True)
class _Moves:
    """Sources the lockfile knows that no current source is, and what they may be now."""

    certain: Mapping[str, str]  # old source -> the one current source it became
    possible: Mapping[str, tuple[str, ...]]  # old source -> current sources it may have become

    def targets(self, source: str) -> tuple[str, ...]:
        if source in self.certain:
            return (self.certain[source],)
        return self.possible.get(source, (source,))


def _moved_sources(current: Iterable[str], previous: Iterable[str]) -> _Moves:
    """Match sources gone from the lockfile's view to new ones of the same file name.

    A lockfile written before sources were keyed by their path holds bare file names
    (``README.md``), and a file moved to another folder keeps its name: either way a current
    source of the same file name that the lockfile does not know continues it. One old and
    one new source of a name is a move; more on either side is ambiguous (two ``README.md``
    keyed alike by an old lockfile), and then items follow only by their content.
    """
    now, before = set(current), set(previous)
    gone, fresh = _by_file_name(before - now), _by_file_name(now - before)
    certain: dict[str, str] = {}
    possible: dict[str, tuple[str, ...]] = {}
    for name, olds in gone.items():
        news = fresh.get(name, [])
        if len(olds) == 1 and len(news) == 1:
            certain[olds[0]] = news[0]
        elif news:
            possible.update((old, tuple(news)) for old in olds)
    return _Moves(certain, possible)


def _by_file_name(sources: Iterable[str]) -> dict[str, list[str]]:
    named: dict[str, list[str]] = {}
    for source in sorted(sources):
        named.setdefault(PurePosixPath(source).name, []).append(source)
    return named


def _previous_items(
    pool: list[LockRecord], moves: _Moves
) -> tuple[dict[tuple[str, str], tuple[LockRecord, LockedItem]], list[tuple[LockRecord, LockedItem]]]:
    """The items last built: by card kind and ``file#ref`` (a moved source's keys rewritten), and,
    apart, every item of a source that may be one of several now (their keys may clash, so all
    are kept). A unit is a member of a question's card and, retired, of its own recovered card."""
    previous: dict[tuple[str, str], tuple[LockRecord, LockedItem]] = {}
    unsure: list[tuple[LockRecord, LockedItem]] = []
    for record in sorted(pool, key=lambda r: (r.live, -r.serial)):  # a live record wins a shared key
        for locked in record.items:
            source, _, ref = locked.key.partition("#")
            if source in moves.possible:
                unsure.append((record, locked))
                continue
            if source in moves.certain:
                locked = dataclasses.replace(locked, key=item_key(moves.certain[source], ref))
            previous[record.kind, locked.key] = (record, locked)
    return previous, unsure


def _match_items(cards: tuple[Card, ...], pool: list[LockRecord]) -> list[_Candidate]:
    """Each current item to at most one previous item: by key first, then best pairs first."""
    current = {item.source for card in cards for item in card.items}
    moves = _moved_sources(current, {_source_of(locked.key) for r in pool for locked in r.items})
    previous, unsure = _previous_items(pool, moves)
    matches: list[_Candidate] = []
    used: set[tuple[str, str]] = set()
    pending: list[tuple[int, Item, str]] = []
    for index, card in enumerate(cards):
        for item in card.items:
            key = item_key(item.source, item.ref)
            found = previous.get((card.kind, key))
            if found and (not POSITIONAL_REF.match(item.ref) or _unchanged(item, found[1])):
                matches.append(_Candidate(index, found[0], EXACT))
                used.add((found[0].guid, key))
            else:
                pending.append((index, item, key))
    by_source: dict[tuple[str, str], list[_Previous]] = {}
    for record, locked in [*previous.values(), *unsure]:
        if (record.guid, locked.key) not in used:
            entry = _Previous(record, locked, _Text.of(locked.question, locked.answer, locked.prompt))
            for source in moves.targets(_source_of(locked.key)):
                by_source.setdefault((record.kind, source), []).append(entry)
    pairs = []
    for order, (card_index, item, key) in enumerate(pending):
        candidates = by_source.get((cards[card_index].kind, item.source))
        if not candidates:
            continue  # nothing of its source to follow (a first build): no sketch needed
        text = _Text.of(item.question, answer_sketch(item.answer), prompt_sketch(item.prompt))
        for candidate in _likely(text, candidates):
            score = match_score(text, candidate.text)
            if score is not None:
                score += 0.05 if candidate.item.key == key else 0.0
                pairs.append((score, -candidate.record.serial, candidate.item.key, order, candidate.record))
    taken: set[int] = set()
    for score, _, locked_key, order, record in sorted(pairs, key=lambda p: p[:4], reverse=True):
        if order in taken or (record.guid, locked_key) in used:
            continue
        taken.add(order)
        used.add((record.guid, locked_key))
        matches.append(_Candidate(pending[order][0], record, score))
    return matches


def _likely(text: _Text, previous: list[_Previous]) -> list[_Previous]:
    """The previous items worth scoring: a close question, or a shared answer hash.

    A cheap filter in C, so a source whose refs all shifted is not compared pair by pair in Python.
    """
    if not previous:
        return []
    from rapidfuzz import fuzz, process

    close = process.extract(
        text.words, [p.text.words for p in previous], scorer=fuzz.token_set_ratio,
        score_cutoff=100 * QUESTION_LIKELY, limit=None,
    )
    picked = {index for _, _, index in close}
    for index, other in enumerate(previous):  # could pass the answer-only bound
        shared = len(text.hashes & other.text.hashes)
        if shared >= ANSWER_SURE * min(len(text.hashes), len(other.text.hashes)):
            picked.add(index)
    return [previous[i] for i in sorted(picked)]


# --- the ledger: one build's identities ---------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """GUIDs for one deck's cards, and what each came from."""

    deck: str
    guids: tuple[str, ...]
    previous: tuple[LockRecord | None, ...]  # the record each card continues, if any
    removed: tuple[LockRecord, ...]  # live records no card continues (deleted or merged away)
    diagnostics: tuple[Diagnostic, ...] = ()


class Ledger:
    """The lockfile's identities during one build: hands out GUIDs, never the same one twice."""

    def __init__(self, previous: Lock, now: int | None = None, decks: Iterable[str] = ()):
        self.previous = previous
        self.now = build_time() if now is None else now
        self._decks = set(decks)
        self._records: dict[str, LockRecord] = {r.guid: r for r in previous.records}
        self._claimed: set[str] = set()  # GUIDs given to a card (or retired) in this build
        self._serial = max((r.serial for r in previous.records), default=0)
        self._notetypes: dict[str, NotetypeStamp] = {s.name: s for s in previous.notetypes}

    def _pool(self, deck: str) -> list[LockRecord]:
        """Records a card of ``deck`` may continue: its own, and those of decks no longer built
        (so renaming a deck keeps its notes)."""
        return [
            r for r in self.previous.records
            if r.guid not in self._claimed and (r.deck == deck or r.deck not in self._decks)
        ]

    def assign(self, deck: str, cards: tuple[Card, ...]) -> Assignment:
        """A GUID for every card of ``deck``, in order."""
        self._decks.add(deck)
        pool = self._pool(deck)
        candidates = _match_items(cards, pool)  # a card continues only records of its own kind
        chosen: dict[int, LockRecord] = {}
        for candidate in sorted(candidates, key=lambda c: (c.record.serial, -c.score, c.card)):
            if candidate.card not in chosen and candidate.record.guid not in self._claimed:
                chosen[candidate.card] = candidate.record
                self._claimed.add(candidate.record.guid)
        given = {i: record.guid for i, record in chosen.items()}
        refused = self._source_guids(cards, given)
        shared = shared_file_names(cards)
        guids = [given[i] if i in given else self._new_guid(deck, card, shared)
                 for i, card in enumerate(cards)]
        removed = tuple(r for r in pool if r.live and r.deck == deck and r.guid not in self._claimed)
        self._claimed.update(r.guid for r in removed)
        return Assignment(
            deck=deck,
            guids=tuple(guids),
            previous=tuple(chosen.get(i) for i in range(len(cards))),
            removed=removed,
            diagnostics=(*_merge_diagnostics(cards, candidates, chosen, removed), *refused),
        )

    def _source_guids(self, cards: tuple[Card, ...], given: dict[int, str]) -> list[Diagnostic]:
        """Cards the lockfile has no identity for take the GUID their source gave the note (an
        Anki deck's), so Anki matches them to the notes a learner imported from that deck.
        A GUID another card holds, in this build or in the lockfile, is not reused: say so."""
        refused = []
        for index, card in enumerate(cards):
            guid = source_guid(card)
            if index in given or not guid:
                continue
            why = self._guid_taken(guid)
            if why:
                primary = card.primary
                refused.append(Diagnostic(primary.source, primary.line, f"the source's note GUID {guid!r} "
                                          f"{why}; this card gets a new one", ref=primary.ref))
                continue
            given[index] = guid
            self._claimed.add(guid)
        return refused

    def _guid_taken(self, guid: str) -> str:
        if not usable_guid(guid):
            return "cannot be kept as a GUID (only 1-64 printable ASCII characters without spaces can)"
        if guid in self._claimed:
            return "is already another card's in this build"
        record = self._records.get(guid)
        if record is None:
            return ""
        return "belongs to a removed card (see the lockfile)" if not record.live else "is another card's"

    def _new_guid(self, deck: str, card: Card, shared_names: frozenset[str]) -> str:
        """A GUID never handed out before (first choice: the card's first member's key)."""
        guid = card_guid(deck, card, shared_names)
        salt = 0
        while guid in self._records or guid in self._claimed:
            salt += 1
            guid = stable_guid("qa2anki", deck, _guid_key(card.primary, shared_names), str(salt))
        self._claimed.add(guid)
        return guid

    def settle(self, assignment: Assignment, notes: tuple[Note, ...]) -> tuple[tuple[Note, ...], DeckChanges]:
        """Notes stamped with the time their content last changed, and the deck's changes."""
        from ..workers import fork_map

        def fingerprints(positions: list[int]) -> list[tuple[str, tuple[LockedItem, ...]]]:
            return [(note_fingerprint(notes[p]), tuple(map(_locked, notes[p].card.items))) for p in positions]

        # sketching a large deck's answers is seconds of work: every core does it
        made = fork_map(fingerprints, list(range(len(notes))), minimum=PARALLEL_MIN_NOTES)
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        stamped = []
        for note, previous, (content, locked) in zip(notes, assignment.previous, made, strict=True):
            if previous is None:
                state, mtime = "new", self.now
            elif previous.live and previous.content == content:
                state, mtime = "unchanged", previous.mtime
            else:  # changed, or back from removal (its note in Anki carries the removed tag)
                state, mtime = "updated", max(self.now, (previous.removed or previous.mtime) + 1)
            counts[state] += 1
            serial = previous.serial if previous else self._next_serial()
            self._records[note.guid] = LockRecord(
                deck=assignment.deck, guid=note.guid, serial=serial, position=note.position, mtime=mtime,
                content=content, items=locked, kind=note.card.kind,
            )
            stamped.append(_with(note, mtime=mtime))
        removed = []
        for record in assignment.removed:
            retired = _retire(record, max(self.now, record.mtime + 1))
            self._records[record.guid] = retired
            removed.append(retired)
        return tuple(stamped), DeckChanges(**counts, removed=tuple(removed))

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def notetype_mtime(self, name: str, fingerprint: str) -> int:
        """When the note type last changed: Anki updates its templates and CSS only if newer."""
        stamp = self._notetypes.get(name)
        if stamp is None or stamp.fingerprint != fingerprint:
            mtime = max(self.now, stamp.mtime + 1) if stamp else self.now
            stamp = self._notetypes[name] = NotetypeStamp(name, fingerprint, mtime)
        return stamp.mtime

    def lock(self) -> Lock:
        """The lockfile to write after a successful build."""
        return Lock(tuple(self._records.values()), tuple(self._notetypes.values()))


def source_guid(card: Card) -> str:
    """The GUID a source gave the card's note: its primary member's, else another member's."""
    return next((item.guid.strip() for item in card.items if item.guid.strip()), "")


#: From this many notes, their fingerprints and sketches are worked out on every core.
PARALLEL_MIN_NOTES = 5000


def _locked(item: Item) -> LockedItem:
    return LockedItem(item_key(item.source, item.ref), item.question, answer_sketch(item.answer),
                      prompt_sketch(item.prompt))


def _retire(record: LockRecord, when: int) -> LockRecord:
    return dataclasses.replace(record, removed=when)


def _with(note: Note, **changes: object) -> Note:
    return dataclasses.replace(note, **changes)  # type: ignore[arg-type]


def note_fingerprint(note: Note) -> str:
    """What the learner studies of a note: equal fingerprints, nothing to update in Anki.

    Every field and tag, and the members' ``file#ref`` (the file's name, not its folder). The
    Source field names sources as a learner reads them, with no line numbers, so an edit above
    an item or a moved file leaves the note as it is (and the edits the learner made to it).
    """
    keys = [item_key(PurePosixPath(item.source).name, item.ref) for item in note.card.items]
    text = "\x1e".join(["\x1f".join(note.fields), "\x1f".join(keys), "\x1f".join(note.tags)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _merge_diagnostics(
    cards: tuple[Card, ...],
    candidates: list[_Candidate],
    chosen: Mapping[int, LockRecord],
    removed: tuple[LockRecord, ...],
) -> list[Diagnostic]:
    """A card whose members carried two identities keeps the oldest; say which note to delete."""
    removed_guids = {r.guid for r in removed}
    out = []
    reported: set[str] = set()
    for candidate in candidates:
        kept = chosen.get(candidate.card)
        guid = candidate.record.guid
        if kept is None or guid == kept.guid or guid not in removed_guids or guid in reported:
            continue
        reported.add(guid)
        primary = cards[candidate.card].primary
        out.append(Diagnostic(
            primary.source, primary.line,
            f"merged card keeps the older note {kept.guid}; note {guid} "
            f"('{candidate.record.items[0].question}') is now a duplicate, tagged {REMOVED_TAG}",
            ref=primary.ref, severity="info",
        ))
    return out


def carry_removed(
    deck: str,
    removed: tuple[LockRecord, ...],
    previous_notes: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]],
) -> tuple[Note, ...]:
    """Removed cards as notes for this one build: their last fields, tagged ``qa2anki::removed``.

    An .apkg import cannot delete notes; re-importing these re-tags them so the learner can
    find them (``tag:qa2anki::removed``) and delete them. Needs the previous build's .apkg;
    a card not found there is only listed in the summary.
    """
    notes = []
    for record in removed:
        if record.guid not in previous_notes:
            continue
        fields, tags = previous_notes[record.guid]
        members = tuple(
            Item(question=i.question, answer="", source=_source_of(i.key), ref=i.key.partition("#")[2])
            for i in record.items
        )
        notes.append(Note(
            guid=record.guid, deck=deck, fields=fields,
            tags=tuple(dict.fromkeys((*tags, REMOVED_TAG))),
            card=Card(items=members, recovered="" if record.kind == QA_CARD else record.kind),
            mtime=record.removed, position=record.position,
        ))
    return tuple(notes)
