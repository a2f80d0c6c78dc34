"""Recovered questions measured against the questions answers really answer.

``python -m bench.recover_quality`` prints the figures. Two labelled sets:

- ``tests/data/recover/unit_questions.yaml``: every answer-only unit of the seeds (002 and 003)
  with the question it answers, its subject and the kind of ask, written by reading the unit.
- the real-world corpus (``tests/data/realworld/``): every item whose question the document
  shows; its answer is read as if the question were lost.

Each answer is recovered as the build does it: with the other answers of its document as the
deck (how common a word is there decides whether a subject is the page's whole topic).

The judgement rule (written down, applied the same way to both sets): a recovered question
**asks the same thing** when

1. it asks the same kind of thing: the same family of ask, where every "what/which" question
   (what is X, what does X do/provide/require, which …, what are the …) is one family and
   "how", "why", "when", "who", "difference" and "yes-no" are each their own; and
2. it is about the same subject: the labelled subject (or, with none, a word of the real
   question that names something) appears in the recovered question, ignoring case and
   backticks.

A stricter count (**same ask**) also asks the kinds to match exactly ("What does X provide?"
for "What is X?" then differs).
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from qa2anki.adapters import read_source
from qa2anki.models import ANSWER_ONLY, Item
from qa2anki.recover import recover

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "recover" / "unit_questions.yaml"
SOURCES = ROOT / "sources"
CORPUS = ROOT / "tests" / "data" / "realworld"

#: The "what" family: asks answered by naming or describing a thing.
_WHAT = "what"
_ASK_FAMILIES = {"what-is": _WHAT, "what-does": _WHAT, "which": _WHAT, "list": _WHAT}
_STOP = frozenset(
    "a an the is are was were be do does did you your we i it its of in on at to for from by with and or "
    "not no how what why when where which who can could should would will this that these those there "
    "use using used fastapi difference between".split()
)


def ask_of(question: str) -> str:
    """The kind of ask of a question, by its opening words."""
    text = question.strip().lower()
    rules = (
        (r"^(?:what(?:'s| is| are) the )?differences? between|\bdiffer\b|^how (?:does|do) .+ compare|"
         r"\bvs\.?\b|\bversus\b", "difference"),
        (r"^(?:what|which) .*\b(?:is|are) (?:\w+ )?(?:used for|for)\b", "what-does"),
        (r"^what (?:is|are) (?:a |an |the )?[^ ]+(?: [^ ]+){0,3}\?$", "what-is"),
        (r"^what (?:does|do) .+ do\??$|^what (?:does|do) |^what happens", "what-does"),
        (r"^(?:which|what) ", "which"),
        (r"^how ", "how"),
        (r"^why ", "why"),
        (r"^when ", "when"),
        (r"^who ", "who"),
        (r"^(?:can|does|do|is|are|will|should|could|must|has|have) ", "yes-no"),
        (r"^(?:explain|describe|define|tell me about)\b|^[^?]*$", "what-is"),  # "Explain X", a bare title
    )
    for pattern, ask in rules:
        if re.search(pattern, text):
            return ask
    return "other"


def same_ask(recovered: str, labelled: str, strict: bool = False) -> bool:
    if strict:
        return recovered == labelled
    return _ASK_FAMILIES.get(recovered, recovered) == _ASK_FAMILIES.get(labelled, labelled)


def _plain(text: str) -> str:
    return re.sub(r"[`*]", "", text).lower()


def same_subject(recovered: str, subject: str, question: str) -> bool:
    """The labelled subject is in the recovered question (with none: a named word of the question)."""
    asked = _plain(recovered)
    if subject.strip():
        return _plain(subject) in asked
    words = [w for w in re.findall(r"[a-z][\w.\-/]*", _plain(question)) if w not in _STOP and len(w) >= 3]
    words += re.findall(r"[=!<>&|+\-*/%^~]{2,}", question)  # operators: "== and ===" names its subject
    stems = [word[:-1] if word.endswith("s") and len(word) > 4 else word for word in words]  # closure(s)
    edge = r"[\w=!<>&|-]"
    return any(re.search(f"(?<!{edge})" + re.escape(stem) + f"s?(?!{edge})", asked) for stem in stems)


@dataclass(frozen=True)
class Label:
    key: str  # FILE#REF
    question: str
    subject: str
    ask: str


@dataclass
class Figures:
    """What the recover rules made of a labelled set."""

    name: str
    units: int = 0
    questions: int = 0
    same: int = 0
    strict: int = 0  # same subject and exactly the same kind of ask
    clozes: int = 0
    cloze_subject: int = 0  # clozes hiding the labelled subject
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (key, recovered, labelled)

    def line(self) -> str:
        share = f"{self.same / self.questions:.2f}" if self.questions else "-"
        hidden = f", {self.cloze_subject} hiding the labelled subject" if self.cloze_subject else ""
        return (f"{self.name}: {self.units} answers; {self.questions} recovered questions, {self.same} ask "
                f"the same thing ({share}; {self.strict} with the same kind of ask); "
                f"{self.clozes} clozes{hidden}")


def seed_labels() -> list[Label]:
    rows = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["units"]
    return [Label(key, question, subject, ask) for key, question, subject, ask, _sure in rows]


def measure(name: str, documents: Iterable[tuple[list[Item], dict[str, Label]]]) -> Figures:
    """Recover each labelled answer of each document as if its question were lost, and judge it.

    A document is its items (the deck the build would see) and the labels by item ref.
    """
    figures = Figures(name)
    for items, labels in documents:
        units = [_as_unit(item) for item in items if item.ref in labels]
        cards = {card.primary.ref: card for card in recover(units, items).cards}
        for ref, label in labels.items():
            figures.units += 1
            card = cards.get(ref)
            if card is not None and card.recovered_question:
                _judge(figures, label, card.recovered_question)
            elif card is not None:
                figures.clozes += 1
                terms = [_plain(term) for term in card.cloze]
                figures.cloze_subject += bool(label.subject) and _plain(label.subject) in terms
    return figures


def _as_unit(item: Item) -> Item:
    return dataclasses.replace(item, question="", prompt="", flags=item.flags | {ANSWER_ONLY})


def _judge(figures: Figures, label: Label, question: str) -> None:
    figures.questions += 1
    if not same_subject(question, label.subject, label.question):
        figures.misses.append((label.key, question, label.question))
        return
    asked = ask_of(question)
    figures.strict += same_ask(asked, label.ask, strict=True)
    if same_ask(asked, label.ask):
        figures.same += 1
    else:
        figures.misses.append((label.key, question, label.question))


def seed_figures() -> Figures:
    """The seed units against their hand-written questions, the seed sources as the deck."""
    items = [item for path in sorted(SOURCES.iterdir()) for item in read_source(path).items]
    by_key = {f"{path_name(item)}#{item.ref}": item for item in items}
    labels = {by_key[label.key].source: {} for label in seed_labels()}
    for label in seed_labels():
        labels[by_key[label.key].source][by_key[label.key].ref] = label
    return measure("seed units", (([i for i in items if i.source == source], chosen)
                                  for source, chosen in labels.items()))


def path_name(item: Item) -> str:
    return Path(item.source).name


def corpus_figures() -> Figures:
    """Every corpus item with a question (and no quiz prompt), its answer read as a unit whose
    question was lost; its document is the deck."""
    documents = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or ".expected." in path.name or path.suffix in (".png", ".jpg", ".apkg"):
            continue
        try:
            items = list(read_source(path).items)
        except Exception:  # noqa: BLE001 (a document only another format reads)
            continue
        labels = {
            item.ref: Label(f"{path.name}#{item.ref}", item.question, "", ask_of(item.question))
            for item in items
            if item.question.strip() and item.answer.strip() and not item.prompt.strip()
        }
        if labels:
            documents.append((items, labels))
    return measure("corpus answers", documents)


def seconds_per_10k(count: int = 10_000) -> float:
    """Wall seconds of the recover stage over ``count`` units (the seed units, cycled and numbered)."""
    seeds = [item for path in sorted(SOURCES.iterdir()) for item in read_source(path).items
             if item.is_answer_only]
    units = [dataclasses.replace(seed, ref=f"U{n}", answer=f"{seed.answer} ({n})")
             for n, seed in ((n, seeds[n % len(seeds)]) for n in range(count))]
    start = time.perf_counter()
    recover(units, units)
    return (time.perf_counter() - start) * 10_000 / count


def main() -> None:
    for figures in (seed_figures(), corpus_figures()):
        print(figures.line())
        for key, recovered, labelled in figures.misses[:40]:
            print(f"   differs  {key}: {recovered!r}  vs  {labelled!r}")


if __name__ == "__main__":
    main()


__all__ = [
    "ask_of", "corpus_figures", "measure", "same_ask", "same_subject", "seconds_per_10k", "seed_figures",
]
