"""The common schema every stage speaks: items in, cards out.

Data flows one way (manifest -> adapters -> repair -> dedup -> render -> package) and every
stage returns new frozen objects rather than mutating what it was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Marker an adapter writes into a fence's info string (```` ```python qa2anki-damaged=flattened ````)
#: so the repair stage knows which blocks to mend without knowing where they came from.
DAMAGE_MARK = "qa2anki-damaged"

#: Damage kinds adapters may set on a fenced block.
FLATTENED = "flattened"  # newlines and indentation lost: the whole sample on one line
DEDENTED = "dedented"  # newlines kept, indentation lost

#: Item flags.
ANSWER_ONLY = "answer-only"  # a scraped answer whose question was lost; dedup attaches it
UNREPAIRED = "unrepaired-code"  # repair could not mend a damaged block; kept verbatim
#: The answer is HTML, not markdown (a record's value made of HTML elements; see
#: :mod:`.html_answers`): rendered as HTML, sanitized, its ``<pre>`` blocks highlighted.
HTML_ANSWER = "html-answer"
#: Tags and the subdeck a build gives: cards whose question was recovered from their answer
#: (see :mod:`.recover`), filed apart so a learner can review or suspend them at once; and
#: cards whose item left its sources, kept so Anki can find them (see :mod:`.identity`).
RECOVERED_TAG = "qa2anki::recovered"
RECOVERED_SUBDECK = "Recovered"
REMOVED_TAG = "qa2anki::removed"
#: Read from plain text (a copied page): its inline code lost its markup (see :mod:`.inline_code`).
PLAIN_TEXT = "plain-text"


def damaged_fence(code: str, language: str, damage: str) -> str:
    """Fenced markdown for a damaged code sample, marked for the repair stage."""
    info = f"{language or 'text'} {DAMAGE_MARK}={damage}"
    fence = "````" if "```" in code else "```"
    return f"{fence}{info}\n{code.rstrip()}\n{fence}"


@dataclass(frozen=True, slots=True)  # slots: a large deck holds a hundred thousand
class Item:
    """One question and its answer as one source states it."""

    question: str  # plain text; empty for an answer-only unit
    answer: str  # markdown
    source: str  # the source's file name
    ref: str  # the item's own id inside its source: a slug, "Q7", heading text, "L120"
    line: int | None = None  # 1-based line where the item starts; None for line-less formats
    meta: Mapping[str, str] = field(default_factory=dict)  # topic, subtopic, level, framework...
    tags: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()
    #: Markdown the learner must see to answer, shown on the front under the question: a quiz's
    #: code, options or table. Part of what the question asks: items whose prompts differ are
    #: different questions, however alike their question text.
    prompt: str = ""
    #: The identity the source already gave this note (an Anki note's GUID read from a deck),
    #: kept so Anki treats the rebuilt card as the same note; "" when the source has none.
    guid: str = ""
    #: The last source line the item was read from (1-based, inclusive); None: unknown.
    end_line: int | None = None

    @property
    def is_answer_only(self) -> bool:
        return ANSWER_ONLY in self.flags


@dataclass(frozen=True)
class Dropped:
    """An item that makes no card, and why (a short machine word)."""

    source: str
    ref: str
    line: int | None
    reason: str  # placeholder, no-question, empty-answer, no-answer, ...
    question: str = ""
    end_line: int | None = None  # the last source line it spans (inclusive); None: just ``line``
    #: The manifest's ``accept_dropped:`` lists this reason for its source: reported as a note.
    accepted: bool = False


#: Why an item makes no card (``Dropped.reason``), as the manifest's ``accept_dropped:`` names them.
DROP_REASONS = ("placeholder", "no-question", "empty-answer", "no-answer", "not-a-question", "not-a-record")


@dataclass(frozen=True)
class Skipped:
    """Source lines that are no Q&A and were passed over on purpose: why, and where."""

    source: str
    line: int  # 1-based, first line of the region
    end_line: int  # inclusive
    reason: str  # table-of-contents, front-matter, page-chrome, intro, section-title, ...


@dataclass(frozen=True)
class Diagnostic:
    """Something the user should look at, located in a source; a warning never stops a build."""

    source: str
    line: int | None
    message: str
    ref: str = ""
    severity: str = "warning"  # or "error"
    end_line: int | None = None  # the last line it is about, when it is about several

    def __str__(self) -> str:
        return f"{location(self.source, self.line, self.end_line)}: {self.message}"


def location(file: str, line: int | None, end_line: int | None = None) -> str:
    """``FILE``, ``FILE:LINE`` or ``FILE:LINE-LINE``: where an editor can jump to."""
    if not line:
        return file
    return f"{file}:{line}-{end_line}" if end_line and end_line > line else f"{file}:{line}"


@dataclass(frozen=True)
class SourceResult:
    """What one adapter made of one source file."""

    source: str
    format: str
    items: tuple[Item, ...]
    dropped: tuple[Dropped, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    #: The document's own title ("" if it gives none); cards name the source by it.
    title: str = ""


@dataclass(frozen=True, slots=True)
class Card:
    """One note to study: a cluster of items asking the same question.

    ``items[0]`` is the member shown; the rest are kept as other answers.
    """

    items: tuple[Item, ...]
    similarity: float = 1.0  # the weakest link that joined the cluster (1.0 for a single item)
    #: how many of the last members only repeat an answer shown: they are named, not shown again
    repeats: int = 0
    #: An answer-only unit no question claimed, made a card by the recover stage: ``question``
    #: (asked in :attr:`recovered_question`) or ``cloze`` (:attr:`cloze` hidden); "" otherwise.
    recovered: str = ""
    recovered_question: str = ""  # the question read off the answer's own words
    cloze: tuple[str, ...] = ()  # the terms a cloze card hides, ``c1`` first

    @property
    def shown_question(self) -> str:
        """The question the card asks: the primary's own, so question and answer always belong
        (a recovered card asks the question its answer states)."""
        return self.recovered_question or self.primary.question

    @property
    def kind(self) -> str:
        """What identity pool and note type the card belongs to (see :data:`CARD_KINDS`)."""
        return self.recovered or QA_CARD

    @property
    def primary(self) -> Item:
        return self.items[0]

    @property
    def others(self) -> tuple[Item, ...]:
        """Every member but the primary."""
        return self.items[1:]

    @property
    def other_answers(self) -> tuple[Item, ...]:
        """The members whose answers add something to the primary's: shown under it."""
        return self.items[1 : len(self.items) - self.repeats]

    @property
    def repeated(self) -> tuple[Item, ...]:
        """The members whose answers mostly repeat one shown: named in the Source field only."""
        return self.items[len(self.items) - self.repeats :] if self.repeats else ()


#: Card kinds: an ordinary question, a question recovered from its answer, a recovered cloze.
#: A kind's cards never take over another kind's identities (a cloze is another note type).
QA_CARD, RECOVERED_QUESTION, RECOVERED_CLOZE = "qa", "question", "cloze"
CARD_KINDS = (QA_CARD, RECOVERED_QUESTION, RECOVERED_CLOZE)

#: The note type's fields, in order. Any change to their names or number (appending one too)
#: is a schema change: Anki's importer then adds a second note type and skips every existing
#: note as conflicting (checked with the real importer; see README "Rebuilding and the lockfile").
NOTE_FIELDS = ("Question", "Answer", "OtherAnswers", "Source", "Level", "Topic")
#: The cloze note type's fields, in order (the same rule holds for them).
CLOZE_FIELDS = ("Text", "Back Extra", "Source", "Topic")


def note_fields(kind: str) -> tuple[str, ...]:
    """The fields of the note type a card of ``kind`` is written as."""
    return CLOZE_FIELDS if kind == RECOVERED_CLOZE else NOTE_FIELDS


@dataclass(frozen=True, slots=True)
class Note:
    """A card ready for packaging: HTML fields, tags and its place in the deck tree."""

    guid: str
    deck: str  # full deck name, subdecks joined with "::"
    fields: tuple[str, ...]  # in note_fields(card.kind) order
    tags: tuple[str, ...]
    card: Card
    mtime: int | None = None  # seconds; None: the build's timestamp
    position: int = 0  # new-card order
