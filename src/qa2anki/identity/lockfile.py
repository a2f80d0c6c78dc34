"""The lockfile (``qa2anki.lock``): every note identity a project has handed out.

JSON Lines, one record a line, keys in a fixed order and records in a fixed order, so a
rebuild that changes one card changes one line of the diff. It is meant to be committed
with the sources: without it a rebuild can still match items by ``file#ref``, but not
follow a renumbered or reworded question, and every note's modification time restarts.

Line 1 is a header, then one line per note type, then one line per card (live cards by
deck and study position, then retired ones), then a trailer with the number of cards and a
checksum of every line above it. Retired records are never deleted: their GUIDs are never
issued again.

A lockfile that lost lines (empty, cut short, a merge gone wrong) would silently hand out new
GUIDs and cost the learner their history, so it is refused, with how to recover: restore it
from version control, or build with ``--rebuild-lock`` to keep every record still readable
and give the rest new identities knowingly. Version 1 lockfiles (no trailer) are read as they
are and rewritten as version 2.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LockfileError
from ..files import atomic_path
from ..manifest import Manifest
from ..models import QA_CARD

FORMAT = "qa2anki-lock"
VERSION = 2
DEFAULT_LOCKFILE = "qa2anki.lock"
TRAILER = "end"  # the trailer's key: {"end": "qa2anki-lock", "cards": N, "sha256": "..."}

#: A GUID Anki can store and match: printable, no spaces, no field or record separators.
_GUID = re.compile(r"[!-~]{1,64}")


def usable_guid(guid: str) -> bool:
    """Whether ``guid`` is one the lockfile can keep (a source's own GUID may not be)."""
    return bool(_GUID.fullmatch(guid))
_RECOVER = (
    "restore it from version control (git checkout -- {name}), or build with --rebuild-lock "
    "to keep what can be read and give the rest new identities"
)


@dataclass(frozen=True, slots=True)  # slots: a large deck's lock holds one per item
class LockedItem:
    """One member of a card as it was last built: enough to recognise it after an edit."""

    key: str  # file#ref
    question: str  # the question text, for similarity (and for a readable diff)
    answer: str  # a small sketch of the answer's words (see identity.answer_sketch)
    #: a sketch of what the front showed under the question (identity.prompt_sketch); "" for none
    #: (and in lockfiles written before prompts): "What's the output?" of two snippets differ here
    prompt: str = ""


@dataclass(frozen=True, slots=True)
class LockRecord:
    """One GUID handed out, and the state of its card at the last build."""

    deck: str
    guid: str
    serial: int  # issue order: the lower, the older (a merged card keeps the oldest GUID)
    position: int  # study order in the deck at the last build
    mtime: int  # when the note's content last changed (seconds)
    content: str  # fingerprint of the note's fields and tags
    items: tuple[LockedItem, ...]
    removed: int | None = None  # when the card left its sources (retired); None while live
    #: The card's kind (models.CARD_KINDS): only a card of the same kind continues it, since a
    #: recovered card is retired, not taken over, when its unit finds its real question.
    kind: str = QA_CARD

    @property
    def live(self) -> bool:
        return self.removed is None


@dataclass(frozen=True)
class NotetypeStamp:
    """The note type's fingerprint and when it last changed, so Anki updates it only then."""

    name: str
    fingerprint: str
    mtime: int


@dataclass(frozen=True)
class Lock:
    records: tuple[LockRecord, ...] = ()
    notetypes: tuple[NotetypeStamp, ...] = field(default_factory=tuple)
    #: With ``rebuild``: the damaged lines left out, and why (line 0: the file as a whole).
    damaged: tuple[tuple[int, str], ...] = ()

    def notetype(self, name: str) -> NotetypeStamp | None:
        return next((stamp for stamp in self.notetypes if stamp.name == name), None)


def lockfile_path(manifest: Manifest) -> Path:
    """Where a build keeps its lockfile.

    The manifest's ``lockfile:`` if given, else ``qa2anki.lock`` beside the manifest; for a
    build from files named on the command line (no manifest), beside the first output deck
    with the extension ``.lock`` (``decks/mine.apkg`` -> ``decks/mine.lock``).
    """
    if manifest.lockfile is not None:
        return manifest.lockfile
    if manifest.path is not None:
        return manifest.path.parent / DEFAULT_LOCKFILE
    return manifest.decks[0].output.with_suffix(".lock")


# --- reading ----------------------------------------------------------------------------------


def read_lock(path: str | Path, rebuild: bool = False) -> Lock:
    """The lockfile at ``path``; an empty lock when there is none yet.

    A damaged lockfile is an error, unless ``rebuild``: then every record still readable is kept
    and :attr:`Lock.damaged` says what was left out.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # none yet (an unwritable folder is reported later)
        return Lock()
    except (OSError, UnicodeDecodeError) as exc:
        if rebuild:
            return Lock(damaged=((0, f"cannot read lockfile: {exc}"),))
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise LockfileError(f"cannot read lockfile: {reason}", file=str(path)) from None
    return parse_lock(text, str(path), rebuild)


def parse_lock(text: str, name: str = DEFAULT_LOCKFILE, rebuild: bool = False) -> Lock:
    """Parse lockfile text; see :func:`read_lock`."""
    reader = _LockReader(name, rebuild)
    lines = text.split("\n")  # not splitlines: U+2028 is text
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        reader.damage(1, "the lockfile is empty")
        return reader.lock()
    version = reader.header(*numbered[0])
    if version == 0:  # rebuilding from a file that is no lockfile: nothing to keep
        return reader.lock()
    if version >= 2:
        numbered = reader.trailer(numbered, text)
    for number, line in numbered[1:]:
        reader.line(number, line)
    return reader.lock()


class _LockReader:
    """Collects a lockfile's records line by line; a damaged one fails, or is skipped to rebuild."""

    def __init__(self, name: str, rebuild: bool):
        self.name, self.rebuild = name, rebuild
        self.records: list[LockRecord] = []
        self.notetypes: list[NotetypeStamp] = []
        self.damaged: list[tuple[int, str]] = []
        self.guid_lines: dict[str, int] = {}

    def damage(self, line: int, why: str) -> None:
        if not self.rebuild:
            raise LockfileError(f"{why}; {_RECOVER.format(name=self.name)}", file=self.name, line=line)
        self.damaged.append((line, why))

    def header(self, number: int, line: str) -> int:
        """The lockfile's version (0 for a damaged header when rebuilding)."""
        try:
            data = json.loads(line)
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            if self.rebuild:  # not ours at all: nothing in it to keep
                self.damaged.append((number, "not a qa2anki lockfile"))
                return 0
            raise LockfileError(
                "not a qa2anki lockfile (its first line names no 'qa2anki-lock')", file=self.name, line=number
            )
        version = data.get("version", 0)
        if not isinstance(version, int) or version > VERSION:
            raise LockfileError(
                f"lockfile version {version} is newer than this qa2anki understands; upgrade qa2anki",
                file=self.name, line=number,
            )
        return version

    def trailer(self, numbered: list[tuple[int, str]], text: str) -> list[tuple[int, str]]:
        """The lines above a valid trailer; a missing or wrong trailer is damage."""
        number, last = numbered[-1]
        data = _json_or_none(last)
        if not isinstance(data, dict) or data.get(TRAILER) != FORMAT:
            self.damage(number, "the lockfile is incomplete: its last line is no trailer (was it cut short?)")
            return numbered
        body = text[: text.rindex(last)]
        cards = _count_cards(numbered[1:-1])
        if data.get("cards") != cards:
            self.damage(number, f"the lockfile lists {cards} cards but its trailer says "
                                f"{data.get('cards')}: lines were lost or added")
        elif data.get("sha256") != _checksum(body):
            self.damage(number, "the lockfile's checksum does not match its lines: it was edited or damaged")
        return numbered[:-1]

    def line(self, number: int, line: str) -> None:
        try:
            data = json.loads(line)
            if "notetype" in data:
                stamp = NotetypeStamp(data["notetype"], data["fingerprint"], int(data["mtime"]))
                self.notetypes.append(stamp)
            else:
                self.record(number, _record(data))
        except LockfileError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self.damage(number, f"damaged lockfile line ({exc.__class__.__name__}: {exc})")

    def record(self, number: int, record: LockRecord) -> None:
        if not _GUID.fullmatch(record.guid):
            self.damage(number, f"invalid GUID {record.guid!r} (1-64 printable characters, no spaces)")
            return
        first = self.guid_lines.get(record.guid)
        if first is not None:
            self.damage(number, f"GUID {record.guid} is given to two cards, on lines {first} and {number}")
            return
        self.guid_lines[record.guid] = number
        self.records.append(record)

    def lock(self) -> Lock:
        return Lock(tuple(self.records), tuple(self.notetypes), tuple(self.damaged))


def _json_or_none(line: str) -> object:
    try:
        return json.loads(line)
    except ValueError:
        return None


def _count_cards(numbered: list[tuple[int, str]]) -> int:
    return sum(1 for _, line in numbered if not line.startswith('{"notetype"'))


def _checksum(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _record(data: dict[str, Any]) -> LockRecord:
    return LockRecord(
        deck=str(data["deck"]),
        guid=str(data["guid"]),
        serial=int(data["serial"]),
        position=int(data["position"]),
        mtime=int(data["mtime"]),
        content=str(data["content"]),
        items=tuple(LockedItem(str(i["key"]), str(i["question"]), str(i["answer"]), str(i.get("prompt", "")))
                    for i in data["items"]),
        removed=int(data["removed"]) if data.get("removed") is not None else None,
        kind=str(data.get("kind", QA_CARD)),
    )


# --- writing ----------------------------------------------------------------------------------


def lock_text(lock: Lock) -> str:
    """The lockfile's text: the same lock always gives the same bytes."""
    lines = [_dump({"format": FORMAT, "version": VERSION})]
    for stamp in sorted(lock.notetypes, key=lambda s: s.name):
        lines.append(_dump({"notetype": stamp.name, "fingerprint": stamp.fingerprint, "mtime": stamp.mtime}))
    ordered = sorted(
        lock.records, key=lambda r: (not r.live, r.deck, r.position if r.live else r.serial, r.guid)
    )
    lines.extend(_dump(_record_data(record)) for record in ordered)
    body = "\n".join(lines) + "\n"
    trailer = {TRAILER: FORMAT, "cards": len(ordered), "sha256": _checksum(body)}
    return body + _dump(trailer) + "\n"


def _record_data(record: LockRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "deck": record.deck,
        "guid": record.guid,
        "serial": record.serial,
        "position": record.position,
        "mtime": record.mtime,
        "content": record.content,
        "items": [_item_data(i) for i in record.items],
    }
    if record.removed is not None:
        data["removed"] = record.removed
    if record.kind != QA_CARD:  # only then, so lockfiles without recovered cards read as before
        data["kind"] = record.kind
    return data


def _item_data(item: LockedItem) -> dict[str, str]:
    """A member as written: ``prompt`` only when it had one, so other decks' lines stay as they were."""
    data = {"key": item.key, "question": item.question, "answer": item.answer}
    if item.prompt:
        data["prompt"] = item.prompt
    return data


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def write_lock(lock: Lock, path: str | Path) -> bool:
    """Write ``lock`` atomically; an unchanged lockfile is left untouched. True if written."""
    path = Path(path)
    text = lock_text(lock)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return True
