"""Recover stage: answer-only units no question claimed become cards of their own.

A scraped page that lost its questions keeps its answers; dedup attaches those that answer a
question of another source, and the rest come here. Each becomes, in this order of preference:

- a **recovered question**, when the answer's first sentence says plainly what it answers
  (:mod:`.questions`: "`X` is a …" asks "What is `X`?"), shown over the answer as any card;
- a **cloze**, otherwise: the answer with the term it is about hidden (:mod:`.cloze`);
- nothing, when no term can be hidden safely: the unit stays dropped as ``no-question``.

Recovered cards are marked as such (tag, subdeck, a line on the card) so a learner can review
or suspend them at once, and they keep their own identities: a unit that later finds its real
question joins that card, and its recovered card is retired like any removed card.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import RECOVERED_CLOZE, RECOVERED_QUESTION, Card, Diagnostic, Dropped, Item
from .cloze import MAX_TERMS, cloze_terms, occurrence_pattern
from .questions import recovered_question, well_formed
from .text import read_answer

__all__ = [
    "MAX_TERMS",
    "Recovery",
    "cloze_terms",
    "occurrence_pattern",
    "recover",
    "recovered_question",
    "well_formed",
]

_TOKEN = re.compile(r"[\w][\w.\-/@]*\w|\w")
_FEW = 3


@dataclass(frozen=True)
class Recovery:
    """The cards made of unclaimed units, the units left dropped, and a note on each card made."""

    cards: tuple[Card, ...]
    dropped: tuple[Dropped, ...]
    diagnostics: tuple[Diagnostic, ...]

    def count(self, kind: str) -> int:
        return sum(1 for card in self.cards if card.recovered == kind)


def recover(units: Iterable[Item], deck_items: Iterable[Item] = ()) -> Recovery:
    """A card for every unit whose words allow one, in the units' order.

    ``deck_items`` are every item of the deck: how common a term is among their answers decides
    which term a cloze hides (the rarest) and whether a subject is the page's whole topic.
    """
    units = list(units)
    if not units:
        return Recovery((), (), ())  # the deck's vocabulary costs a pass over every answer
    vocabulary = _Vocabulary([*deck_items] or units)
    cards: list[Card] = []
    dropped: list[Dropped] = []
    notes: list[Diagnostic] = []
    for unit in units:
        card = _card_for(unit, vocabulary)
        if card is None:
            dropped.append(Dropped(unit.source, unit.ref, unit.line, "no-question", "", unit.end_line))
            continue
        cards.append(card)
        notes.append(_note(card))
    return Recovery(tuple(cards), tuple(dropped), tuple(notes))


def _card_for(unit: Item, vocabulary: _Vocabulary) -> Card | None:
    question = recovered_question(
        unit.answer, topic=str(unit.meta.get("topic") or ""), frequency=vocabulary.share,
        lowercase=vocabulary.lowercase, names=vocabulary.names,
    )
    if question:
        return Card(items=(unit,), recovered=RECOVERED_QUESTION, recovered_question=question)
    terms = cloze_terms(unit.answer, vocabulary.share)
    if terms:
        return Card(items=(unit,), recovered=RECOVERED_CLOZE, cloze=terms)
    return None


def _note(card: Card) -> Diagnostic:
    unit = card.primary
    if card.recovered == RECOVERED_QUESTION:
        what = f"question recovered from the answer: {card.recovered_question}"
    else:
        what = "cloze made of the answer, hiding " + ", ".join(f"'{term}'" for term in card.cloze)
    return Diagnostic(unit.source, unit.line, f"answer with no question in any source; {what}",
                      ref=unit.ref, severity="info", end_line=unit.end_line)


class _Vocabulary:
    """How many of the deck's answers use each word, and which words it writes in lower case."""

    def __init__(self, items: list[Item]):
        self.total = max(1, len(items))
        self.counts: Counter[str] = Counter()
        lowercase: set[str] = set()
        capitalised: set[str] = set()  # seen capitalised inside a sentence: a name ("Uvicorn")
        for item in items:
            self.counts.update({token.lower() for token in _TOKEN.findall(item.answer)})
            for sentence in read_answer(item.answer).sentences:
                for token in _TOKEN.findall(sentence)[1:]:
                    (lowercase if token.islower() else capitalised).add(token.lower())
        self.lowercase = frozenset(lowercase - capitalised)
        self.names = frozenset(capitalised)

    def share(self, term: str) -> float:
        """The share of answers holding ``term`` (a phrase: its rarest word's share); 0 for a
        term in fewer than three answers, however small the deck (it cannot be its whole topic)."""
        tokens = [token.lower() for token in _TOKEN.findall(term)]
        count = min((self.counts.get(token, 0) for token in tokens), default=0)
        return count / self.total if count >= _FEW else 0.0
