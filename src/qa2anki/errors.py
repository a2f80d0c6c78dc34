"""One exception base, so the CLI can turn every user-fixable problem into one line."""

from __future__ import annotations


class Qa2AnkiError(Exception):
    """A problem the user can fix: bad input, bad manifest, unwritable output.

    Anything else that escapes the library is a bug and may show its traceback.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __reduce__(self):  # type: ignore[no-untyped-def]
        """Keep file and line when the error crosses from a worker process."""
        return (self.__class__, (self.message,), {"file": self.file, "line": self.line})

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.message}"


class ManifestError(Qa2AnkiError):
    """The manifest is not valid YAML or does not match the schema."""


class SourceError(Qa2AnkiError):
    """A source file cannot be read or parsed."""


class OutputError(Qa2AnkiError):
    """A deck, report or lockfile cannot be written where asked."""


class LockfileError(Qa2AnkiError):
    """The lockfile is damaged or from a newer qa2anki."""
