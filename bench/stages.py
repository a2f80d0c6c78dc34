"""Stage-by-stage timing through the library's public functions."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from qa2anki.dedup import deduplicate
from qa2anki.identity import card_guid
from qa2anki.manifest import load_manifest
from qa2anki.models import Card, Item
from qa2anki.package import write_apkg
from qa2anki.pipeline import read_deck_sources
from qa2anki.render import NoteSpec, render_notes
from qa2anki.repair import repair_items

ROOT = Path(__file__).resolve().parent.parent


def seed_manifest(folder: Path) -> Path:
    """A copy of the repository's seed sources and manifest, to build without touching decks/."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "sources", folder / "sources")
    shutil.copy(ROOT / "qa2anki.yaml", folder / "qa2anki.yaml")
    return folder / "qa2anki.yaml"


def _read(manifest: Path) -> tuple[list[Item], object]:
    """The read stage as a build runs it (skipping unsupported files, several cores when large)."""
    deck = load_manifest(manifest).decks[0]
    items, _, _, _ = read_deck_sources(deck)
    return items, deck


def final_cards(manifest: Path) -> list[Card]:
    items, deck = _read(manifest)
    return list(deduplicate(repair_items(items).items, deck.dedup).cards)  # type: ignore[attr-defined]


def stage_times(manifest: Path) -> dict[str, float]:
    """Seconds per stage for the first deck of ``manifest``, plus item and card counts."""
    clock = time.perf_counter
    start = clock()
    items, deck = _read(manifest)
    read_done = clock()
    repaired = repair_items(items)
    repair_done = clock()
    merged = deduplicate(repaired.items, deck.dedup)  # type: ignore[attr-defined]
    dedup_done = clock()
    folders = {spec.path.name: spec.path.parent for spec in deck.sources}  # type: ignore[attr-defined]
    notes = render_notes([
        (card, NoteSpec(guid=card_guid(deck.name, card), deck=deck.name, position=i))  # type: ignore[attr-defined]
        for i, card in enumerate(merged.cards)
    ], folders).notes
    render_done = clock()
    with tempfile.TemporaryDirectory() as tmp:
        write_apkg(notes, Path(tmp) / "stage.apkg")
    package_done = clock()
    return {
        "items": float(len(items)),
        "cards": float(len(merged.cards)),
        "read": read_done - start,
        "repair": repair_done - read_done,
        "dedup": dedup_done - repair_done,
        "render": render_done - dedup_done,
        "package": package_done - render_done,
    }
