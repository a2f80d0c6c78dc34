"""Dedup measured on hand-labelled pairs: precision and recall of merges and attachments.

``python -m bench.dedup_quality`` prints the figures; ``--fit`` refits the model's weights on
the labelled pairs (and prints them, to be pasted into :mod:`qa2anki.dedup.model`).

The labelled sets live in ``tests/data/dedup/``: ``seed_pairs.yaml`` and ``seed_units.yaml``
over the five seed sources, ``corpus_pairs.yaml`` over the dedup family of the real-world
corpus. A pair is ``same`` when each item's answer answers the other's question; the positives
are the labelled ``same`` pairs closed under "same card" (A~B and B~C make A~C); every other
pair of the deck is different.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import yaml

from qa2anki.dedup import DedupResult, deduplicate, pair_scores
from qa2anki.dedup.features import PairFeatures
from qa2anki.dedup.model import QUESTION_PAIRS, UNIT_PAIRS, fit
from qa2anki.manifest import DeckSpec, SourceSpec
from qa2anki.models import Item
from qa2anki.pipeline import read_deck_sources
from qa2anki.repair import repair_items

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "dedup"
CORPUS = ROOT / "tests" / "data" / "realworld" / "dedup"


@dataclass
class LabelledDeck:
    """A deck's items and the labels over them, by ``file#ref`` (file: the source's file name)."""

    name: str
    items: list[Item]
    same: list[tuple[str, str]] = field(default_factory=list)
    different: list[tuple[str, str]] = field(default_factory=list)
    units: list[tuple[str, str, bool]] = field(default_factory=list)  # (unit, question, answers it)

    def index(self) -> dict[str, int]:
        return {key(item): n for n, item in enumerate(self.items)}

    def positives(self) -> set[frozenset[str]]:
        """The labelled ``same`` pairs closed under "one card"."""
        groups: dict[str, set[str]] = {}
        for a, b in self.same:
            merged = groups.get(a, {a}) | groups.get(b, {b})
            for member in merged:
                groups[member] = merged
        return {
            frozenset(pair)
            for group in map(frozenset, groups.values())
            for pair in itertools.combinations(group, 2)
        }


def key(item: Item) -> str:
    return f"{PurePath(item.source).name}#{item.ref}"


def read_items(paths: Sequence[Path]) -> list[Item]:
    """The items of some sources as a build sees them: read, then repaired."""
    deck = DeckSpec(
        name="labelled", output=Path("unused.apkg"), sources=tuple(SourceSpec(path=p) for p in paths)
    )
    items, _, _, _ = read_deck_sources(deck)
    return list(repair_items(items).items)


def seed_deck() -> LabelledDeck:
    pairs = yaml.safe_load((LABELS / "seed_pairs.yaml").read_text(encoding="utf-8"))["pairs"]
    units = yaml.safe_load((LABELS / "seed_units.yaml").read_text(encoding="utf-8"))["units"]
    deck = LabelledDeck("seeds", read_items(sorted((ROOT / "sources").glob("*.txt"))))
    _add_pairs(deck, pairs)
    deck.units = [(row[0], row[1], row[2] == "answers") for row in units]
    return deck


def corpus_decks() -> list[LabelledDeck]:
    """One deck per set of the dedup corpus: the files its labelled pairs connect."""
    path = LABELS / "corpus_pairs.yaml"
    if not path.exists():
        return []
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]
    sets: dict[str, set[str]] = {}
    for row in rows:
        files = {row[0].partition("#")[0], row[1].partition("#")[0]}
        for file in list(files):
            files |= sets.get(file, set())
        for file in files:
            sets[file] = files
    decks = []
    for files in {frozenset(files) for files in sets.values()}:
        deck = LabelledDeck(Path(min(files)).stem, read_items([CORPUS / file for file in sorted(files)]))
        _add_pairs(deck, [row for row in rows if row[0].partition("#")[0] in files])
        decks.append(deck)
    return sorted(decks, key=lambda deck: deck.name)


def _add_pairs(deck: LabelledDeck, rows: Iterable[Sequence[str]]) -> None:
    for row in rows:
        (deck.same if row[2] == "same" else deck.different).append((row[0], row[1]))


@dataclass(frozen=True)
class Quality:
    true_merges: int
    wrong_merges: int
    missed: int
    attached_right: int = 0
    attached_wrong: int = 0
    units_answerable: int = 0

    @property
    def precision(self) -> float:
        merges = self.true_merges + self.wrong_merges
        return self.true_merges / merges if merges else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_merges + self.missed
        return self.true_merges / wanted if wanted else 1.0

    @property
    def unit_precision(self) -> float:
        attached = self.attached_right + self.attached_wrong
        return self.attached_right / attached if attached else 1.0

    @property
    def unit_recall(self) -> float:
        return self.attached_right / self.units_answerable if self.units_answerable else 1.0

    def __add__(self, other: Quality) -> Quality:
        return Quality(*(a + b for a, b in zip(self.counts(), other.counts(), strict=True)))

    def counts(self) -> tuple[int, ...]:
        return (
            self.true_merges,
            self.wrong_merges,
            self.missed,
            self.attached_right,
            self.attached_wrong,
            self.units_answerable,
        )


def measure(deck: LabelledDeck, result: DedupResult | None = None) -> Quality:
    """Pairs of questions on one card against the labels; units on a card against theirs."""
    result = result or deduplicate(deck.items)
    positives = deck.positives()
    merged = set()
    attached: dict[str, set[str]] = {}
    for card in result.cards:
        questions = [key(item) for item in card.items if item.question]
        merged |= {frozenset(pair) for pair in itertools.combinations(questions, 2)}
        for item in card.items:
            if not item.question:
                attached[key(item)] = set(questions)
    answers = {(unit, question) for unit, question, yes in deck.units if yes}
    answerable = {unit for unit, _ in answers}
    right = sum(any((unit, q) in answers for q in questions) for unit, questions in attached.items())
    return Quality(
        true_merges=len(merged & positives),
        wrong_merges=len(merged - positives),
        missed=len(positives - merged),
        attached_right=right,
        attached_wrong=len(attached) - right,
        units_answerable=len(answerable),
    )


def samples(deck: LabelledDeck) -> tuple[list[tuple[PairFeatures, bool]], list[tuple[PairFeatures, bool]]]:
    """Labelled question pairs and unit pairs as (signals, same?) for fitting."""
    index = deck.index()
    positives = deck.positives()
    labelled = {frozenset(pair) for pair in deck.different} | positives
    question_rows = [(tuple(sorted(pair)), pair in positives) for pair in sorted(labelled, key=sorted)]
    question_rows = [(pair, yes) for pair, yes in question_rows if all(k in index for k in pair)]
    unit_rows = [((u, q), yes) for u, q, yes in deck.units if u in index and q in index]
    scores = pair_scores(deck.items, [(index[a], index[b]) for (a, b), _ in question_rows + unit_rows])
    rows = [(score.features, yes) for score, (_, yes) in zip(scores, question_rows + unit_rows, strict=True)]
    return rows[: len(question_rows)], rows[len(question_rows) :]


def report(decks: Sequence[LabelledDeck]) -> tuple[Quality, list[str]]:
    lines, total = [], Quality(0, 0, 0)
    for deck in decks:
        quality = measure(deck)
        total += quality
        lines.append(_line(deck.name, quality))
    lines.append(_line("all", total))
    return total, lines


def _line(name: str, q: Quality) -> str:
    text = (
        f"{name:>10}: precision {q.precision:.2f} recall {q.recall:.2f} "
        f"({q.true_merges} right, {q.wrong_merges} wrong, {q.missed} missed)"
    )
    if q.units_answerable:
        text += (
            f"; units attached {q.attached_right + q.attached_wrong}, precision "
            f"{q.unit_precision:.2f}, recall {q.unit_recall:.2f} of {q.units_answerable}"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the weights and print them")
    args = parser.parse_args()
    decks = [seed_deck(), *corpus_decks()]
    if args.fit:
        question_rows, unit_rows = [], []
        for deck in decks:
            q, u = samples(deck)
            question_rows += q
            unit_rows += u
        question_rows = [(f, same) for f, same in question_rows if not f.contrast]  # cut apart anyway
        print(
            "QUESTION_PAIRS =",
            fit(question_rows, l2=0.003, rounds=2500, rate=1.0),
            f"# {len(question_rows)} pairs",
        )
        print("UNIT_PAIRS =", fit(unit_rows, l2=0.003, rounds=2500, rate=1.0), f"# {len(unit_rows)} pairs")
        print("(current: ", QUESTION_PAIRS, UNIT_PAIRS, ")")
        return
    for line in report(decks)[1]:
        print(line)


if __name__ == "__main__":
    main()
