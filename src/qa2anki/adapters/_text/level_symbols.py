"""Level symbols a document defines in its own legend (``Legend: 👶 easy ⭐️ medium 🚀 expert``).

Some lists mark each question's difficulty with a symbol after it and explain the symbols once,
in a legend line. The legend is read from the document, so no symbol is hard-coded; a symbol
no legend explains stays part of the question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ...levels import LEVELS

#: A symbol (no letters, digits or markdown punctuation) and the word it stands for.
_SYMBOL_WORD = re.compile(r"(?P<symbol>[^\w\s*_`|\[\](){}<>:;,.!?'\"#=+-]+)\s*[-–=:]?\s*(?P<word>[A-Za-z]+)")
_VARIATION = "\ufe0f\ufe0e"  # emoji presentation selectors: ⭐️ and ⭐ are one symbol


def legend(lines: Iterable[str]) -> dict[str, str]:
    """``symbol -> level word`` from the first line pairing two or more symbols with level words."""
    for line in lines:
        pairs = {_bare(m.group("symbol")): m.group("word") for m in _SYMBOL_WORD.finditer(line)
                 if m.group("word").lower() in LEVELS}
        if len(pairs) >= 2:
            return pairs
    return {}


def split_level(question: str, symbols: Mapping[str, str]) -> tuple[str, str]:
    """``question`` without a trailing legend symbol (set off by a space), and the level word it
    stands for."""
    bare = _bare(question)
    for symbol, word in symbols.items():
        rest = bare[: -len(symbol)]
        if bare.endswith(symbol) and rest != rest.rstrip():
            return rest.rstrip(), word
    return question, ""


def _bare(text: str) -> str:
    return text.translate({ord(char): None for char in _VARIATION}).strip()
