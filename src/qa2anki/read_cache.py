"""What each source read as, kept across builds, so a rebuild reads only the files that changed.

Reading a source (detecting its format, parsing it, checking that every line reached an item
or the report) depends on nothing but its bytes, how the manifest says to read it, the limits
and qa2anki's own code, so the result is stored under a digest of exactly those. A source
whose bytes changed is read again; the others come back as they were read.

The store is one SQLite file in the build cache folder (``.qa2anki-cache/read.sqlite``). It
holds JSON, never pickles: nothing in it can run code, and a damaged, odd or unreadable store
is ignored and replaced (a miss), never an error. A source keeps one entry, its latest.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .kept import connected, inflated, packed, write_kept
from .manifest import Limits, SourceSpec
from .models import Diagnostic, Dropped, Item, Skipped, SourceResult
from .report import Coverage

FILE_NAME = "read.sqlite"
_SCHEMA = "CREATE TABLE IF NOT EXISTS sources (key TEXT PRIMARY KEY, source TEXT, body BLOB)"

#: A source as read: its result and where its lines went, or the message of a format no adapter
#: recognised (the build skips such a file with a warning).
Outcome = tuple[SourceResult, Coverage | None] | str


class ReadCache:
    """The stored outcomes of a manifest's sources, by :meth:`key`."""

    def __init__(self, folder: Path, reuse: bool = True):
        self.path = folder / FILE_NAME
        self.reuse = reuse  # False (``--no-cache``): read everything, then store it afresh

    def key(self, spec: SourceSpec, limits: Limits) -> str | None:
        """The digest of everything reading ``spec`` depends on; None when it cannot be read
        (the reader then reports why)."""
        from .cache import code_fingerprint, file_digest

        digest = file_digest(spec.path)
        if digest is None:
            return None
        how = (code_fingerprint(), digest, spec.name, spec.format, sorted(spec.options.items()),
               spec.named_by_flag, str(spec.path), repr(limits))
        return hashlib.blake2b(repr(how).encode(), digest_size=20).hexdigest()

    def lookup(self, keys: Sequence[str | None]) -> dict[str, Outcome]:
        found: dict[str, Outcome] = {}
        wanted = [key for key in keys if key]
        if not self.reuse or not wanted or not self.path.is_file():
            return found
        try:
            with connected(self.path, _SCHEMA) as connection:
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start:start + 500]
                    rows = connection.execute(
                        f"SELECT key, body FROM sources WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                    found.update((key, _decoded(json.loads(inflated(body)))) for key, body in rows)
        except (sqlite3.Error, zlib.error, ValueError, TypeError, KeyError, IndexError):
            return {}  # a damaged store is as good as none
        return found

    def store(self, read: Mapping[str, tuple[str, Outcome]]) -> None:
        """Remember ``key -> (source name, outcome)``, each replacing its source's older entry.
        Best effort: a store that cannot be written is skipped (the build record says so)."""
        def write(connection: sqlite3.Connection) -> None:
            for key, (source, outcome) in read.items():
                connection.execute("DELETE FROM sources WHERE source = ?", (source,))
                body = packed(json.dumps(_encoded(outcome)).encode())
                connection.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)", (key, source, body))

        if read:
            write_kept(self.path, _SCHEMA, write)


# --- as JSON --------------------------------------------------------------------------------


def _encoded(outcome: Outcome) -> Any:
    if isinstance(outcome, str):
        return {"unsupported": outcome}
    result, coverage = outcome
    return {
        "source": result.source, "format": result.format, "title": result.title,
        "items": [[item.question, item.answer, item.source, item.ref, item.line, dict(item.meta),
                   list(item.tags), sorted(item.flags), item.prompt, item.guid, item.end_line]
                  for item in result.items],
        "dropped": [[d.source, d.ref, d.line, d.reason, d.question, d.end_line, d.accepted]
                    for d in result.dropped],
        "diagnostics": [[d.source, d.line, d.message, d.ref, d.severity, d.end_line]
                        for d in result.diagnostics],
        "skipped": [[s.source, s.line, s.end_line, s.reason] for s in result.skipped],
        "coverage": None if coverage is None else _coverage(coverage),
    }


def _coverage(coverage: Coverage) -> list[Any]:
    return [coverage.lines, coverage.carded, coverage.dropped, coverage.skipped, coverage.structure,
            [list(pair) for pair in coverage.unaccounted], coverage.kinds]


def _decoded(data: Any) -> Outcome:
    if "unsupported" in data:
        return str(data["unsupported"])
    items = tuple(
        Item(question=q, answer=a, source=s, ref=r, line=line, meta=dict(meta), tags=tuple(tags),
             flags=frozenset(flags), prompt=prompt, guid=guid, end_line=end)
        for q, a, s, r, line, meta, tags, flags, prompt, guid, end in data["items"]
    )
    result = SourceResult(
        source=data["source"], format=data["format"], items=items, title=data["title"],
        dropped=tuple(Dropped(s, r, line, reason, question, end, accepted)
                      for s, r, line, reason, question, end, accepted in data["dropped"]),
        diagnostics=tuple(Diagnostic(s, line, message, ref, severity, end)
                          for s, line, message, ref, severity, end in data["diagnostics"]),
        skipped=tuple(Skipped(s, line, end, reason) for s, line, end, reason in data["skipped"]),
    )
    stored = data["coverage"]
    if stored is None:
        return result, None
    lines, carded, dropped, skipped, structure, unaccounted, kinds = stored
    coverage = Coverage(lines, carded, dropped, skipped, structure,
                        tuple((first, last) for first, last in unaccounted), kinds)
    return result, coverage
