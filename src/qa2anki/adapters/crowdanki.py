"""CrowdAnki exports: a deck shared as ``deck.json`` (plus a ``media/`` folder) in a git repository.

The file is one deck: its ``note_models`` (field names in order, card templates), its ``notes``
(fields by position, the note model's ``crowdanki_uuid``, tags, GUID) and nested ``children``
decks. Each note becomes an item keeping its GUID, so a rebuilt deck updates the notes a
learner already has; the deck path below the exported deck becomes its topic. Images are
looked for in ``media/`` beside the file, where CrowdAnki puts them. How fields map to a
question and an answer is shared with the other Anki formats (:mod:`._anki_notes`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import SourceError
from ..models import Diagnostic, Dropped, Item, Skipped, SourceResult
from ..nesting import json_too_deep
from ._text.anki_notes import AnkiNote, NoteType, note_type_of_model, read_notes
from ._text.json_text import load_json, loads, mapping_lines
from ._text.regions import skipped_regions
from .base import Adapter

#: CrowdAnki keeps a deck's media files in this folder beside ``deck.json``.
MEDIA_FOLDER = "media/"


def sniff(text: str) -> float:
    head = text.lstrip("\ufeff \t\n")
    if not head.startswith("{") or ('"note_models"' not in text and '"__type__"' not in text):
        return 0.0
    try:
        tree = loads(head)
    except (ValueError, RecursionError):
        return 0.0
    return 0.95 if _is_deck(tree) else 0.0


def _is_deck(tree: Any) -> bool:
    if not isinstance(tree, dict):
        return False
    declared = tree.get("__type__") == "Deck" or isinstance(tree.get("note_models"), list)
    return declared and isinstance(tree.get("notes", tree.get("children")), list)


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    tree = load_json(text, source)
    if not _is_deck(tree):
        raise SourceError("not a CrowdAnki deck: no top-level deck with 'note_models' and 'notes'",
                          file=source, line=1)
    models = {str(model.get("crowdanki_uuid")): note_type_of_model(model) for model in _note_models(tree)}
    walk = _Walk(models, mapping_lines(tree, text))
    result = read_notes(list(walk.notes(tree, ())), source, "crowdanki")
    return SourceResult(result.source, result.format, result.items, result.dropped,
                        (*walk.diagnostics(source), *result.diagnostics),
                        _passed_over(source, text, [*result.items, *result.dropped]))


#: A note's own keys that hold no text of its card: its type, identity, flags.
NOTE_DATA = re.compile(r'^\s*"(?:__type__|guid|note_model_uuid|flags|data|crowdanki_uuid)"\s*:')


def _passed_over(source: str, text: str, entries: list[Item | Dropped]) -> tuple[Skipped, ...]:
    """The deck's settings, note types and media list (every line outside its notes), and each
    note's type, identity and flags: read to make the cards, shown on none."""
    lines = text.split("\n")
    spans = [(entry.line - 1, (entry.end_line or entry.line) - 1) for entry in entries if entry.line]
    inside = {index for first, last in spans for index in range(first, last + 1)}
    marks = [(index, "deck-data") for index in range(len(lines)) if index not in inside]
    marks += [(index, "note-data") for index in inside if NOTE_DATA.match(lines[index])]
    return skipped_regions(source, lines, marks)


def _note_models(deck: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every note model of the deck and its subdecks (CrowdAnki lists them on the top deck)."""
    for model in deck.get("note_models") or []:
        if isinstance(model, dict):
            yield model
    for child in deck.get("children") or []:
        if isinstance(child, dict):
            yield from _note_models(child)


@dataclass
class _Walk:
    """The notes of a deck tree, and what in it was no note."""

    models: dict[str, NoteType]
    lines: dict[int, tuple[int, int]]
    unknown: set[str] = field(default_factory=set)  # note model ids the file does not define
    not_notes: int = 0  # entries of a 'notes' list that are no objects

    def notes(self, deck: dict[str, Any], path: tuple[str, ...]) -> Iterator[AnkiNote]:
        """The notes of ``deck`` and its subdecks, in the order the file lists them."""
        for key, value in deck.items():
            if key == "children" and isinstance(value, list):
                for child in value:
                    if isinstance(child, dict):
                        yield from self.notes(child, (*path, _child_name(child, deck)))
            elif key == "notes" and isinstance(value, list):
                for position, note in enumerate(value, start=1):
                    if isinstance(note, dict):
                        yield self._note(note, path, position)
                    else:
                        self.not_notes += 1

    def _note(self, note: dict[str, Any], path: tuple[str, ...], position: int) -> AnkiNote:
        model_id = str(note.get("note_model_uuid", ""))
        if model_id not in self.models:
            self.unknown.add(model_id or "(none)")
        guid = note.get("guid")
        guid = guid.strip() if isinstance(guid, str) else ""
        first, last = self.lines.get(id(note), (None, None))
        fields, tags = note.get("fields"), note.get("tags")
        texts = [("" if text is None else str(text)) for text in fields] if isinstance(fields, list) else []
        return AnkiNote(
            fields=tuple(texts),
            note_type=self.models.get(model_id, NoteType()),
            ref=guid or f"{'/'.join(path) or 'note'}#{position}",
            guid=guid,
            tags=tuple(str(tag) for tag in tags if str(tag).strip()) if isinstance(tags, list) else (),
            deck=path,
            line=first,
            end_line=last,
            media_folder=MEDIA_FOLDER,
        )

    def diagnostics(self, source: str) -> list[Diagnostic]:
        out = []
        if self.unknown:
            out.append(Diagnostic(source, None, f"note model {', '.join(sorted(self.unknown))} is not in the "
                                  "file: those notes' fields are read in order, the first two non-empty ones "
                                  "as question and answer"))
        if self.not_notes:
            out.append(Diagnostic(source, None, f"{self.not_notes} entries of a 'notes' list are not notes "
                                  "(not JSON objects); left out"))
        return out


def _child_name(child: dict[str, Any], parent: dict[str, Any]) -> str:
    """A subdeck's own name (CrowdAnki writes it without the parent's; older exports with)."""
    name, parent_name = str(child.get("name") or "").strip(), str(parent.get("name") or "").strip()
    if parent_name and name.startswith(parent_name + "::"):
        name = name[len(parent_name) + 2:]
    return name or "untitled"


ADAPTER = Adapter(
    name="crowdanki",
    summary="CrowdAnki deck.json export: notes by their note model's fields, GUIDs and subdecks kept",
    sniff=sniff,
    read=read,
    too_deep=json_too_deep,
)
