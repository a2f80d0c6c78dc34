"""Import built decks into a real Anki collection (the backend Anki desktop uses)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition
from click.testing import CliRunner

from qa2anki.cli import main

IF_NEWER = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER


@dataclass
class ImportLog:
    new: int
    updated: int
    duplicate: int
    conflicting: int


def import_apkg(col: Collection, apkg: Path) -> ImportLog:
    request = ImportAnkiPackageRequest(
        package_path=str(Path(apkg).resolve()),
        options=ImportAnkiPackageOptions(update_notes=IF_NEWER, with_scheduling=True),
    )
    log = col.import_anki_package(request).log
    return ImportLog(len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting))


def notes_by_question(col: Collection) -> dict[str, object]:
    return {col.get_note(nid)["Question"]: col.get_note(nid) for nid in col.find_notes("")}


def review(col: Collection, card_id: int) -> None:
    """Answer a card 'Good' as a learner would (this anki's v3 scheduler API)."""
    from anki.scheduler.v3 import CardAnswer

    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))


def notes_by_guid(col: Collection) -> dict[str, object]:
    """Every note of the collection, by its GUID."""
    return {note.guid: note for note in (col.get_note(nid) for nid in col.find_notes(""))}


def deck_of(col: Collection, note) -> str:  # type: ignore[no-untyped-def]
    """The deck a one-card note's card is in."""
    return col.decks.name(note.cards()[0].did)


def build_sources(folder: Path, *sources: str, deck: str = "Shared", subdecks: str = "topic") -> str:
    """Build deck ``deck`` of ``folder/sources/NAME`` through a manifest into ``folder/out.apkg``;
    the CLI's output."""
    listed = "".join(f"\n      - sources/{name}" for name in sources)
    (folder / "qa2anki.yaml").write_text(
        f"decks:\n  - name: {deck}\n    output: out.apkg\n    subdecks: {subdecks}\n    sources:{listed}\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(folder / "qa2anki.yaml"), "--no-cache"])
    assert result.exit_code == 0, result.output
    return result.output
