"""The JSON build report: every card with its members, every dropped item and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .models import Dropped, Item, Note
from .outputs import REPORT_FORMAT
from .package import atomic_path

if TYPE_CHECKING:  # the pipeline writes reports: a runtime import would be circular
    from .pipeline import BuildReport


def _member(item: Item) -> dict[str, Any]:
    return {"file": item.source, "ref": item.ref, "line": item.line, "question": item.question}


def _dropped(entry: Dropped) -> dict[str, Any]:
    return {"file": entry.source, "ref": entry.ref, "line": entry.line, "end_line": entry.end_line,
            "reason": entry.reason}


def _card(note: Note) -> dict[str, Any]:
    """A card as reported; a recovered one says how (``recovered: question|cloze``) and, for a
    cloze, which terms it hides (its question is then "")."""
    data: dict[str, Any] = {
        "guid": note.guid,
        "deck": note.deck,
        "question": note.card.shown_question,
        "similarity": note.card.similarity,
        "tags": list(note.tags),
        "sources": [_member(item) for item in note.card.items],
    }
    if note.card.recovered:
        data["recovered"] = note.card.recovered
    if note.card.cloze:
        data["cloze"] = list(note.card.cloze)
    return data


def report_data(report: BuildReport) -> dict[str, Any]:
    """The report as plain data (the ``--report`` JSON)."""
    cards = [_card(note) for deck in report.decks for note in deck.notes]
    return {
        "format": REPORT_FORMAT,  # first, so an existing report is recognised before it is replaced
        "cards": cards,
        "dropped": [_dropped(entry) for entry in report.dropped],
        "sources": [
            {
                "file": summary.key,
                "title": summary.title,
                "format": summary.format,
                "items": summary.items,
                "dropped": summary.dropped,
                "damaged_code": {
                    "found": summary.repair.found,
                    "repaired": summary.repair.repaired,
                    "unrepaired": summary.repair.unrepaired,
                },
                "coverage": summary.coverage.summary() if summary.coverage else None,
            }
            for deck in report.decks
            for summary in deck.sources
        ],
        "warnings": [
            {"file": d.source, "line": d.line, "end_line": d.end_line, "ref": d.ref, "message": d.message}
            for d in report.diagnostics
        ],
        "decks": [
            {
                "name": deck.name,
                "output": str(deck.output),
                "cards": deck.card_count,
                "new": deck.changes.new,
                "updated": deck.changes.updated,
                "unchanged": deck.changes.unchanged,
                "removed": [record.guid for record in deck.changes.removed],
            }
            for deck in report.decks
        ],
    }


def write_report(report: BuildReport, path: str | Path) -> None:
    """Write the JSON report (unchecked: :func:`qa2anki.build` checks ``report_path`` first)."""
    with atomic_path(Path(path)) as temporary:
        temporary.write_text(json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n")
