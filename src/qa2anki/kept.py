"""The SQLite files in which builds keep work for the next one (:mod:`.read_cache`,
:mod:`.render_cache`): one transaction per write, and a damaged file replaced, never an error.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: The most one stored entry may inflate to; a larger one (a store someone else wrote) is a miss.
MAX_ENTRY_BYTES = 256 * 2**20


@contextmanager
def connected(path: Path, schema: str) -> Iterator[sqlite3.Connection]:
    """A connection to the store at ``path`` with its table made: committed on success,
    rolled back on error, closed either way."""
    connection = sqlite3.connect(path)
    try:
        connection.execute(schema)
        yield connection
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()


def write_kept(path: Path, schema: str, write: Callable[[sqlite3.Connection], None]) -> None:
    """Run ``write`` in one transaction. Best effort: a damaged store is deleted and written
    anew; one that cannot be written at all (its folder is a file, or read-only) is skipped,
    and the build record beside it says so (see :mod:`.cache`)."""
    for _ in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with connected(path, schema) as connection:
                write(connection)
            return
        except (sqlite3.Error, OSError):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                return


def inflated(body: bytes) -> bytes:
    """A stored entry's bytes, refused (ValueError) past :data:`MAX_ENTRY_BYTES` or cut short:
    reading a store back is bounded in memory whatever it holds."""
    inflater = zlib.decompressobj()
    data = inflater.decompress(body, MAX_ENTRY_BYTES)
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("a stored entry too large or cut short")
    return data


def packed(data: bytes) -> bytes:
    return zlib.compress(data, 1)
