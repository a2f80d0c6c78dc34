"""Rebuilding after the sources change keeps every studied card's note and review history.

Everything goes through the real Anki backend: build, import, review, edit the sources,
rebuild, re-import into the same collection.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ankitools import import_apkg, review
from conftest import DATA, SOURCES
from qa2anki import package
from qa2anki.cli import main
from qa2anki.identity import REMOVED_TAG
from qa2anki.identity.lockfile import read_lock

SEED = "004_7624664d3e7a1fbf.txt"
HERE = DATA / "identity"
NEW_QUESTION = "How do you version an API in FastAPI?"


def _sections(text: str) -> tuple[str, list[str]]:
    """The seed's preamble and its ``## Qn.`` sections, each with its trailing text."""
    parts = re.split(r"(?m)^(?=## Q\d+\. )", text)
    return parts[0], parts[1:]


def _renumber(section: str, number: int) -> str:
    return re.sub(r"^## Q\d+\.", f"## Q{number}.", section, count=1)


def _build(folder: Path, *files: Path) -> str:
    result = CliRunner().invoke(
        main, ["build", *map(str, files), "-o", str(folder / "deck.apkg"), "--deck", "FastAPI"]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _counts(output: str) -> tuple[int, int, int, int]:
    found = re.search(r"(\d+) new, (\d+) updated, (\d+) unchanged, (\d+) removed", output)
    assert found, output
    return tuple(int(n) for n in found.groups())  # type: ignore[return-value]


def _note_with(col, text: str):
    """The one note whose Question field contains ``text``."""
    matches = [col.get_note(nid) for nid in col.find_notes("") if text in col.get_note(nid)["Question"]]
    assert len(matches) == 1, [m["Question"] for m in matches]
    return matches[0]


def _history(col, note) -> tuple[int, int, int, int]:
    (card,) = note.cards()
    card = col.get_card(card.id)
    return card.reps, card.ivl, card.due, card.type


def _review(col, note) -> None:
    for card in note.cards():
        review(col, card.id)


def test_edits_reorders_duplicates_and_deletions_keep_history(tmp_path, collection):
    sources = tmp_path / "sources"
    sources.mkdir()
    seed = sources / SEED
    shutil.copy(SOURCES / SEED, seed)
    assert _counts(_build(tmp_path, seed)) == (30, 0, 0, 0)
    assert import_apkg(collection, tmp_path / "deck.apkg").new == 30

    watched = {
        "reworded": "What is Pydantic and how does FastAPI use it?",
        "moved_a": "How do you handle request bodies?",
        "moved_b": "What is a Response Model and why use it?",
        "re-answered": "How does Dependency Injection work in FastAPI?",
        "untouched": "What makes FastAPI",
    }
    before = {}
    for name, question in watched.items():
        note = _note_with(collection, question)
        _review(collection, note)
        before[name] = (note.id, _history(collection, note))
    assert all(history[1][0] == 1 for history in before.values())  # reviewed once each

    # Edit a copy of the sources the way an author would.
    preamble, sections = _sections(seed.read_text(encoding="utf-8"))
    sections[2] = sections[2].replace("how does FastAPI use it?", "how does FastAPI rely on it?", 1)
    sections[4], sections[5] = _renumber(sections[5], 5), _renumber(sections[4], 6)  # swap Q5/Q6
    heading, _, _ = sections[6].partition("\n")
    sections[6] = heading + "\nIt wires shared logic into handlers: declare `Depends(provider)` and " \
        "FastAPI calls the provider per request, caching it within that request.\n\n"
    deleted = re.match(r"## Q\d+\. (.+)", sections[9]).group(1)
    del sections[9]
    sections.append(f"## Q31. {NEW_QUESTION}\nPut the version in the path with an APIRouter prefix.\n")
    seed.write_text(preamble + "".join(sections), encoding="utf-8")
    duplicate_source = sources / "duplicates.md"
    shutil.copy(HERE / "duplicates.md", duplicate_source)

    output = _build(tmp_path, seed, duplicate_source)
    new, updated, unchanged, removed = _counts(output)
    log = import_apkg(collection, tmp_path / "deck.apkg")

    # No duplicate notes: the 30 first notes, plus exactly the ones the summary calls new.
    assert (log.new, log.conflicting) == (new, 0)
    assert len(collection.find_notes("")) == 30 + new
    # The reworded, moved and re-answered cards are the same notes, history intact, new content.
    for name in before:
        question = watched[name] if name != "reworded" else "how does FastAPI rely on it?"
        note = _note_with(collection, question)
        assert note.id == before[name][0], name
        assert _history(collection, note) == before[name][1], name
    assert "caching it within that request" in _note_with(collection, watched["re-answered"])["Answer"]
    # the Source field names the document, not the line or number that moved
    assert _note_with(collection, watched["moved_a"])["Source"] == (
        '<ul class="qa-sources"><li>FastAPI Interview Questions &amp; Answers</li></ul>'
    )
    # The new item is one new note; the deleted one is tagged for deletion and listed.
    assert _note_with(collection, NEW_QUESTION)
    (gone,) = collection.find_notes(f"tag:{REMOVED_TAG}")
    assert collection.get_note(gone)["Question"] == deleted
    assert f"removed: {deleted}" in output and f"tag:{REMOVED_TAG}" in output
    # The summary's numbers match what Anki did.
    assert removed == 1
    joined = 1 - _cards_from(output, duplicate_source, tmp_path)  # the duplicate joined a card: it changed
    assert updated == 4 + joined  # reworded, two renumbered, re-answered (+ the card it joined)
    assert log.updated == updated + removed  # the removed note is re-tagged
    assert new + updated + unchanged == len(read_lock(tmp_path / "deck.lock").records) - removed
    assert unchanged == 30 - updated - removed
    assert new == 1 + _cards_from(output, duplicate_source, tmp_path)


def _cards_from(output: str, source: Path, folder: Path) -> int:
    """How many cards the duplicate source made on its own (1 today; 0 once dedup merges it)."""
    lock = read_lock(folder / "deck.lock")
    return sum(
        1 for record in lock.records if record.live and record.items[0].key.startswith(source.name)
    )


FIRST_FOUR = [
    "What is a list comprehension?",
    "What does the <code>with</code> statement do?",
    "What is the difference between a tuple and a list?",
    "How do you handle missing dictionary keys?",
]


def test_new_cards_are_introduced_in_source_order(tmp_path, collection):
    small = tmp_path / "small.md"
    shutil.copy(HERE / "small.md", small)
    _build(tmp_path, small)
    import_apkg(collection, tmp_path / "deck.apkg")
    text = small.read_text(encoding="utf-8")
    small.write_text(
        text.replace("## Q3.", "## Q9. What is a generator?\nIt yields values lazily.\n\n## Q3."),
        encoding="utf-8",
    )
    _build(tmp_path, small)
    import_apkg(collection, tmp_path / "deck.apkg")
    due = {collection.get_card(cid).note()["Question"]: collection.get_card(cid).due
           for cid in collection.find_cards("")}
    # The first build's cards in source order; the new one takes its place among them
    # (the others keep their first positions: an import never touches existing cards).
    assert [due[q] for q in FIRST_FOUR] == [0, 1, 2, 3]
    assert due["What is a generator?"] == 2


def test_ten_unchanged_rebuilds_import_as_nothing(tmp_path, collection):
    small = tmp_path / "small.md"
    shutil.copy(HERE / "small.md", small)
    _build(tmp_path, small)
    assert import_apkg(collection, tmp_path / "deck.apkg").new == 4
    lock_text = (tmp_path / "deck.lock").read_text(encoding="utf-8")
    for _ in range(10):
        assert _counts(_build(tmp_path, small)) == (0, 0, 4, 0)
        log = import_apkg(collection, tmp_path / "deck.apkg")
        assert (log.new, log.updated, log.conflicting) == (0, 0, 0)
    assert (tmp_path / "deck.lock").read_text(encoding="utf-8") == lock_text


def test_an_edit_made_in_anki_survives_an_unchanged_rebuild(tmp_path, collection):
    small = tmp_path / "small.md"
    shutil.copy(HERE / "small.md", small)
    _build(tmp_path, small)
    import_apkg(collection, tmp_path / "deck.apkg")
    note = _note_with(collection, "list comprehension")
    note["Answer"] = "my own mnemonic"
    collection.update_note(note)
    _build(tmp_path, small)
    assert import_apkg(collection, tmp_path / "deck.apkg").updated == 0
    assert collection.get_note(note.id)["Answer"] == "my own mnemonic"


def test_a_changed_source_still_updates_the_note(tmp_path, collection):
    small = tmp_path / "small.md"
    shutil.copy(HERE / "small.md", small)
    _build(tmp_path, small)
    import_apkg(collection, tmp_path / "deck.apkg")
    small.write_text(small.read_text(encoding="utf-8").replace("always released", "always freed"),
                     encoding="utf-8")
    assert _counts(_build(tmp_path, small)) == (0, 1, 3, 0)
    assert import_apkg(collection, tmp_path / "deck.apkg").updated == 1
    assert "always freed" in _note_with(collection, "statement do?")["Answer"]


def test_same_inputs_and_lockfile_give_identical_bytes(tmp_path):
    small = tmp_path / "small.md"
    shutil.copy(HERE / "small.md", small)
    _build(tmp_path, small)
    first = (tmp_path / "deck.apkg").read_bytes()
    _build(tmp_path, small)
    assert (tmp_path / "deck.apkg").read_bytes() == first


def test_without_a_lockfile_a_fixed_clock_gives_identical_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outputs = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(HERE / "small.md", folder / "small.md")
        _build(folder, folder / "small.md")
        outputs.append((folder / "deck.apkg").read_bytes())
    assert outputs[0] == outputs[1]


@pytest.fixture
def restyled(monkeypatch):
    """The note type with one more CSS rule, as a release that restyles cards would have."""
    original = package.card_css
    monkeypatch.setattr(package, "card_css", lambda: original() + "\n.qa-restyled { color: teal; }\n")
    package.note_type.cache_clear()
    yield
    monkeypatch.undo()
    package.note_type.cache_clear()


def test_a_restyled_note_type_updates_in_place(tmp_path, collection, request):
    small = tmp_path / "small.md"
    shutil.copy(HERE / "small.md", small)
    _build(tmp_path, small)
    import_apkg(collection, tmp_path / "deck.apkg")
    first_stamp = read_lock(tmp_path / "deck.lock").notetypes[0]
    request.getfixturevalue("restyled")
    _build(tmp_path, small)
    log = import_apkg(collection, tmp_path / "deck.apkg")
    assert (log.new, log.conflicting) == (0, 0)
    assert len(collection.find_notes("")) == 4
    models = [m for m in collection.models.all() if m["name"].startswith(package.NOTE_TYPE_NAME)]
    assert len(models) == 1
    assert ".qa-restyled" in models[0]["css"]
    assert read_lock(tmp_path / "deck.lock").notetypes[0].mtime > first_stamp.mtime


def test_the_note_type_schema_is_pinned():
    """Renaming or adding a field or template makes Anki skip every existing note on import
    (a second note type, notes "conflicting"): this must never change silently."""
    model = package.note_type()
    assert [f["name"] for f in model.fields] == [
        "Question", "Answer", "OtherAnswers", "Source", "Level", "Topic"
    ]
    assert [t["name"] for t in model.templates] == ["Card 1"]
    assert model.model_id == package.stable_id("qa2anki Q&A")


def _package_cards(folder: Path, lock_path: Path, cards: tuple) -> object:
    """One build of hand-made cards (as the dedup stage returns them) through the real pipeline steps."""
    from qa2anki.identity import Ledger
    from qa2anki.identity.lockfile import write_lock
    from qa2anki.manifest import DeckSpec, SourceSpec
    from qa2anki.pipeline import notes_for_cards

    deck = DeckSpec(name="Clusters", output=folder / "clusters.apkg", sources=(SourceSpec(folder),))
    ledger = Ledger(read_lock(lock_path), decks=[deck.name])
    made = notes_for_cards(deck, cards, ledger)
    package.write_apkg(made.notes + made.removed_notes, deck.output)
    write_lock(ledger.lock(), lock_path)
    return made


def test_clusters_keep_their_notes_through_real_anki(tmp_path, collection):
    from qa2anki.models import Card, Item

    a = Item("What makes FastAPI fast?", "Starlette and Pydantic.", "site.md", "Q1")
    b = Item("How does dependency injection work?", "Declare `Depends(provider)`.", "site.md", "Q2")
    c = Item("How do you upload files?", "Use `UploadFile`.", "site.md", "Q3")
    dup = Item("Why is FastAPI so quick?", "ASGI and compiled validation.", "blog.md", "fast")
    lock = tmp_path / "clusters.lock"
    _package_cards(tmp_path, lock, (Card((a,)), Card((b,)), Card((c,))))
    import_apkg(collection, tmp_path / "clusters.apkg")
    note_a, note_b = _note_with(collection, "makes FastAPI"), _note_with(collection, "dependency")
    _review(collection, note_a)
    history_a = _history(collection, note_a)

    # Another source's duplicate joins A's card and is the member shown.
    made = _package_cards(tmp_path, lock, (Card((dup, a), 0.9), Card((b,)), Card((c,))))
    assert (made.changes.new, made.changes.updated, made.changes.unchanged) == (0, 1, 2)
    log = import_apkg(collection, tmp_path / "clusters.apkg")
    assert (log.new, log.updated) == (0, 1)
    shown = _note_with(collection, "so quick")
    assert shown.id == note_a.id and _history(collection, shown) == history_a

    # A's and B's cards merge: the older note (A's) carries on, B's is tagged for deletion.
    made = _package_cards(tmp_path, lock, (Card((b, a, dup), 0.8), Card((c,))))
    assert len(made.changes.removed) == 1 and len(made.diagnostics) == 1
    log = import_apkg(collection, tmp_path / "clusters.apkg")
    assert (log.new, log.updated) == (0, 2)
    merged = collection.get_note(note_a.id)
    assert "dependency" in merged["Question"] and _history(collection, merged) == history_a
    assert collection.find_notes(f"tag:{REMOVED_TAG}") == [note_b.id]
    assert len(collection.find_notes("")) == 3
