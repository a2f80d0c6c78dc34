"""The one vocabulary of difficulty words: adapters recognise level lines with it, rendering
maps it onto one scale (easy/medium/hard), so a word one accepts the other never ignores."""

from __future__ import annotations

import re

#: Every wording of a level sources use, on one scale.
LEVELS: dict[str, str] = {
    "junior": "easy", "beginner": "easy", "basic": "easy", "easy": "easy", "entry": "easy",
    "mid": "medium", "middle": "medium", "intermediate": "medium", "medium": "medium",
    "moderate": "medium",
    "senior": "hard", "advanced": "hard", "expert": "hard", "hard": "hard", "difficult": "hard",
    "lead": "hard", "staff": "hard", "principal": "hard",
}

#: One level word, optionally ``-level`` (``Mid-level``, ``Entry level``), as a whole word: the
#: "Middle" of "Middleware" or the "lead" of "Leader" is no level.
LEVEL_WORD = r"\b(?:{})(?:[- ]level)?\b".format("|".join(sorted(LEVELS, key=len, reverse=True)))


def level_pattern(label: str = "") -> re.Pattern[str]:
    """A case-insensitive pattern for a level stated alone, after an optional ``label``."""
    return re.compile(rf"(?:{label})?(?P<level>{LEVEL_WORD})", re.IGNORECASE)
