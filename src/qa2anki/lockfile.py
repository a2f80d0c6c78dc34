"""The lockfile (``qa2anki.lock``): every note identity a project has handed out.

JSON Lines, one record a line, keys in a fixed order and records in a fixed order, so a
rebuild that changes one card changes one line of the diff. It is meant to be committed
with the sources: without it a rebuild can still match items by ``file#ref``, but not
follow a renumbered or reworded question, and every note's modification time restarts.

Line 1 is a header, then one line per note type, then one line per card (live cards by
deck and study position, then retired ones). Retired records are never deleted: their
GUIDs are never issued again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import LockfileError
from .manifest import Manifest
from .package import atomic_path

FORMAT = "qa2anki-lock"
VERSION = 1
DEFAULT_LOCKFILE = "qa2anki.lock"


@dataclass(frozen=True)
class LockedItem:
    """One member of a card as it was last built: enough to recognise it after an edit."""

    key: str  # file#ref
    question: str  # the question text, for similarity (and for a readable diff)
    answer: str  # a small sketch of the answer's words (see identity.answer_sketch)


@dataclass(frozen=True)
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


def read_lock(path: str | Path) -> Lock:
    """The lockfile at ``path``; an empty lock when there is none yet."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # none yet (an unwritable folder is reported later)
        return Lock()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise LockfileError(f"cannot read lockfile: {reason}", file=str(path)) from None
    return parse_lock(text, str(path))


def parse_lock(text: str, name: str = DEFAULT_LOCKFILE) -> Lock:
    records: list[LockRecord] = []
    notetypes: list[NotetypeStamp] = []
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 is text
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if number == 1:
                _check_header(data, name)
            elif "notetype" in data:
                notetypes.append(NotetypeStamp(data["notetype"], data["fingerprint"], int(data["mtime"])))
            else:
                records.append(_record(data))
        except LockfileError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise LockfileError(
                f"damaged lockfile line ({exc.__class__.__name__}: {exc}); restore it from version "
                "control, or delete it to start over (review history then relies on file#ref only)",
                file=name,
                line=number,
            ) from None
    return Lock(tuple(records), tuple(notetypes))


def _check_header(data: Any, name: str) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LockfileError(
            "not a qa2anki lockfile (its first line names no 'qa2anki-lock')", file=name, line=1
        )
    if data.get("version", 0) > VERSION:
        raise LockfileError(
            f"lockfile version {data.get('version')} is newer than this qa2anki understands; upgrade qa2anki",
            file=name,
            line=1,
        )


def _record(data: dict[str, Any]) -> LockRecord:
    return LockRecord(
        deck=str(data["deck"]),
        guid=str(data["guid"]),
        serial=int(data["serial"]),
        position=int(data["position"]),
        mtime=int(data["mtime"]),
        content=str(data["content"]),
        items=tuple(LockedItem(str(i["key"]), str(i["question"]), str(i["answer"])) for i in data["items"]),
        removed=int(data["removed"]) if data.get("removed") is not None else None,
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
    return "\n".join(lines) + "\n"


def _record_data(record: LockRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "deck": record.deck,
        "guid": record.guid,
        "serial": record.serial,
        "position": record.position,
        "mtime": record.mtime,
        "content": record.content,
        "items": [{"key": i.key, "question": i.question, "answer": i.answer} for i in record.items],
    }
    if record.removed is not None:
        data["removed"] = record.removed
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
