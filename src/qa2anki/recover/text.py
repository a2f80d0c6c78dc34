"""What the recover rules read of an answer: its prose sentences, and the terms they name.

Shared by the question and cloze rules, so both see an answer the same way: fenced code is
set apart (it is shown, never parsed for grammar), markdown escapes are undone, and sentences
are split where a sentence ends and the next one starts (not inside ``e.g.`` or ``app.get``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=fence)[ \t]*$", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
#: A sentence ends at ``.``, ``!``, ``?`` or a ``:`` that introduces something, before a space and
#: a capital, a code span, a quote or a list marker; never after a short abbreviation.
SENTENCE_END = re.compile(
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<=[.!?:])\s+(?=[A-Z`\"'(/*-]|\d+[.)]\s)"
)
ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf)\.$", re.IGNORECASE)

#: A term a card can be about: a code span, or a word shaped like code or a name
#: (``APIRouter``, ``exclude_unset``, ``uvicorn.run()``, ``--reload``, ``/docs``, ``python-multipart``).
CODE_SPAN = re.compile(r"`([^`\n]+)`")
IDENTIFIER = re.compile(
    r"(?<![\w./@-])(?:"
    r"--?[a-z][\w-]*"  # a command-line flag
    r"|/[a-z][\w./{}-]*"  # a URL path
    r"|@?[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+(?:\(\))?"  # dotted: module.name, obj.method()
    r"|[A-Za-z_]\w*\(\)"  # a call: run()
    r"|[a-z]+(?:_[a-z0-9]+)+"  # snake_case
    r"|[A-Za-z]*[a-z][A-Z]\w*"  # camelCase, CamelCase, FastAPI
    r"|[A-Z]{2,}[a-z]+\w*"  # APIRouter, HTTPException
    r"|[a-z][a-z0-9]+(?:-[a-z0-9]+)+"  # hyphenated names: python-multipart
    r"|(?:application|audio|font|image|message|model|multipart|text|video)/[a-z][\w.+-]*"  # a media type
    r"|[A-Za-z]+\d\w*"  # with a digit: Jinja2, pip3, OAuth2
    r")(?![\w@-])"
)
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)*(?![\w.]|\.\w)")
CAPITALISED = re.compile(r"(?<![\w./@-])[A-Z][A-Za-z]*[a-z][A-Za-z]*(?![\w@-])")
ACRONYM = re.compile(r"(?<![\w./@-])[A-Z]{2,6}s?(?![\w@-])")


@dataclass(frozen=True)
class Answer:
    """An answer split for the rules: its sentences of prose, and its code apart."""

    sentences: tuple[str, ...]
    code: tuple[str, ...]  # the fenced blocks' contents

    @property
    def prose(self) -> str:
        return " ".join(self.sentences)


@lru_cache(maxsize=256)  # the vocabulary, the question rules and the cloze rules each read it
def read_answer(markdown: str) -> Answer:
    """The answer's prose sentences (markdown escapes undone, lists flattened) and its code."""
    code = tuple(_fence_body(match.group(0)) for match in FENCE.finditer(markdown))
    prose = FENCE.sub("\n\n", markdown)
    prose = LINK.sub(r"\1", prose)  # what a card shows of a link or image: its text
    prose = TAG.sub(" ", prose)
    prose = ESCAPE.sub(r"\1", prose)
    prose = re.sub(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+", "", prose, flags=re.MULTILINE)
    prose = " ".join(prose.split())
    return Answer(tuple(_sentences(prose)), code)


def _fence_body(block: str) -> str:
    lines = block.split("\n")
    return "\n".join(lines[1:-1])


def _sentences(prose: str) -> list[str]:
    pieces = [piece.strip() for piece in SENTENCE_END.split(prose) if piece.strip()]
    joined: list[str] = []
    for piece in pieces:  # a split after "e.g." the lookbehinds missed (capitalised "E.g.")
        if joined and ABBREVIATION.search(joined[-1]):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def strip_asides(sentence: str) -> str:
    """The sentence without what only illustrates it: parentheses, and tails after ``, for
    example``, ``, such as``, ``, so``, ``, which`` or a dash."""
    sentence = re.sub(r"\s*\([^()]*\)", "", sentence)
    sentence = re.split(
        r",?\s+(?:for example|for instance|e\.g\.|such as|like this)\b|,\s+(?:so|which|because|since|but)\b|"
        r"\s+[—–]\s+|;\s",
        sentence, maxsplit=1,
    )[0]
    return sentence.strip().rstrip(".:!,;").strip()
