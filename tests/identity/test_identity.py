"""Identity matching through the library: clusters, renumbering, stable refs, the lockfile."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from ankitools import import_apkg
from conftest import DATA
from qa2anki.cli import main
from qa2anki.identity import Ledger, question_similarity
from qa2anki.identity.lockfile import Lock, lock_text, parse_lock, read_lock
from qa2anki.models import Card, Item, Note
from qa2anki.package import write_apkg

DECK = "Deck"
ANSWERS = {
    "a": "Starlette handles the web layer and Pydantic validates data, so requests are fast and typed.",
    "b": "Declare a dependency with Depends; FastAPI calls it for each request and injects the result.",
    "c": "Use UploadFile with File(...); the file is spooled to disk once it grows past a threshold.",
}


def item(source: str, ref: str, question: str, answer_of: str) -> Item:
    return Item(question=question, answer=ANSWERS[answer_of], source=source, ref=ref)


A = item("site.md", "Q1", "What makes FastAPI fast?", "a")
B = item("site.md", "Q2", "How does dependency injection work?", "b")
C = item("site.md", "Q3", "How do you upload files?", "c")


def run(lock: Lock, *cards: Card, now: int = 1000) -> tuple[list[str], Ledger, object]:
    """One build of ``cards``: GUIDs, the ledger (for its lock), and the deck's changes."""
    ledger = Ledger(lock, now=now, decks=[DECK])
    assignment = ledger.assign(DECK, cards)
    notes = tuple(
        Note(guid=guid, deck=DECK, fields=(c.primary.question, c.primary.answer, "", "", "", ""),
             tags=(), card=c, position=i)
        for i, (guid, c) in enumerate(zip(assignment.guids, cards, strict=True))
    )
    _, changes = ledger.settle(assignment, notes)
    run.assignment = assignment  # type: ignore[attr-defined]
    return list(assignment.guids), ledger, changes


def test_a_duplicate_joining_a_card_keeps_its_identity():
    (ga, gb), ledger, _ = run(Lock(), Card((A,)), Card((B,)))
    duplicate = item("other.md", "fast", "Why is FastAPI fast?", "a")
    (g1, g2), _, changes = run(ledger.lock(), Card((A, duplicate)), Card((B,)), now=2000)
    assert (g1, g2) == (ga, gb)
    # ...and when the member shown changes
    (g3, _), _, _ = run(ledger.lock(), Card((duplicate, A)), Card((B,)), now=3000)
    assert g3 == ga


def test_two_cards_merging_keep_the_oldest_identity_and_report_it():
    (ga, gb), ledger, _ = run(Lock(), Card((A,)), Card((B,)))
    (merged,), _, changes = run(ledger.lock(), Card((B, A)), now=2000)
    assert merged == ga  # A was issued first
    assert [r.guid for r in changes.removed] == [gb]
    (diagnostic,) = run.assignment.diagnostics  # type: ignore[attr-defined]
    assert gb in diagnostic.message and ga in diagnostic.message


def test_a_split_cluster_never_shares_a_guid():
    (g,), ledger, _ = run(Lock(), Card((A, B)))
    (g1, g2), _, changes = run(ledger.lock(), Card((A,)), Card((B,)), now=2000)
    assert g1 == g and g2 != g
    assert (changes.new, len(changes.removed)) == (1, 0)


def test_renumbered_and_swapped_items_follow_their_text():
    (ga, gb, gc), ledger, _ = run(Lock(), Card((A,)), Card((B,)), Card((C,)))
    swapped_b = item("site.md", "Q1", B.question, "b")
    swapped_a = item("site.md", "Q2", A.question, "a")
    (g1, g2, g3), _, _ = run(ledger.lock(), Card((swapped_b,)), Card((swapped_a,)), Card((C,)), now=2000)
    assert (g1, g2, g3) == (gb, ga, gc)


def test_a_reworded_question_and_a_rewritten_answer_keep_identity():
    (ga, gb), ledger, _ = run(Lock(), Card((A,)), Card((B,)))
    reworded = item("site.md", "what-makes-fastapi-so-fast", "What makes FastAPI so fast?", "a")
    rewritten = Item(B.question, "Totally new text about providers.", "site.md", "how-dependency-injection")
    (g1, g2), _, changes = run(ledger.lock(), Card((reworded,)), Card((rewritten,)), now=2000)
    assert (g1, g2) == (ga, gb)
    assert changes.updated == 2


def test_a_stable_ref_keeps_identity_through_any_rewrite():
    slug = Item("What is a path operation?", ANSWERS["a"], "payload.json", "path-operations")
    (g,), ledger, _ = run(Lock(), Card((slug,)))
    rewritten = Item("Define routes.", "Something else entirely.", "payload.json", "path-operations")
    (g2,), _, _ = run(ledger.lock(), Card((rewritten,)), now=2000)
    assert g2 == g


def test_a_new_item_in_a_deleted_items_place_gets_a_new_guid_never_a_recycled_one():
    (ga, gb), ledger, _ = run(Lock(), Card((A,)), Card((B,)))
    newcomer = item("site.md", "Q2", "How do you upload files?", "c")  # B deleted, C takes Q2
    (g1, g2), ledger2, changes = run(ledger.lock(), Card((A,)), Card((newcomer,)), now=2000)
    assert g1 == ga and g2 not in (ga, gb)
    assert [r.guid for r in changes.removed] == [gb]
    # Even a later item with B's exact first key gets a fresh GUID, B's stays retired.
    other = item("site.md", "Q2", "What is an ASGI server?", "a")
    (_, g3), _, _ = run(ledger2.lock(), Card((A,)), Card((other,)), now=3000)
    assert g3 not in (ga, gb, g2)


def test_similar_looking_questions_on_different_subjects_do_not_match():
    assert question_similarity("How do you handle form data?", "How do you handle file uploads?") < 0.9
    assert question_similarity("What is FastAPI?", "What is FastAPI middleware?") < 0.9
    assert question_similarity("What makes FastAPI fast?", "What makes FastAPI so fast?") >= 0.9


def test_mtime_is_kept_while_content_is_unchanged_and_advances_when_it_changes():
    (_,), ledger, _ = run(Lock(), Card((A,)), now=1000)
    (record,) = ledger.lock().records
    assert record.mtime == 1000
    _, ledger, changes = run(ledger.lock(), Card((A,)), now=1000 + 50)
    assert (changes.unchanged, ledger.lock().records[0].mtime) == (1, 1000)
    edited = Item(A.question, A.answer + " More.", A.source, A.ref)
    _, ledger, changes = run(ledger.lock(), Card((edited,)), now=1000)  # a clock that did not move
    assert (changes.updated, ledger.lock().records[0].mtime) == (1, 1001)


def test_lockfile_round_trips_and_diffs_one_line_per_card():
    _, ledger, _ = run(Lock(), Card((A,)), Card((B,)), Card((C,)))
    text = lock_text(ledger.lock())
    assert parse_lock(text) == parse_lock(lock_text(parse_lock(text)))
    assert lock_text(parse_lock(text)) == text
    edited = Item(B.question, B.answer + " Also sub-dependencies.", B.source, B.ref)
    _, ledger2, _ = run(ledger.lock(), Card((A,)), Card((edited,)), Card((C,)), now=2000)
    before, after = text.splitlines(), lock_text(ledger2.lock()).splitlines()
    changed = [n for n, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    assert len(changed) == 2 and changed[-1] == len(after) - 1  # the card's line, and the trailer


def _build(folder, *args: str):
    command = ["build", str(folder / "small.md"), "-o", str(folder / "deck.apkg"), *args]
    return CliRunner().invoke(main, command)


def test_a_damaged_lockfile_is_one_line_error(tmp_path):
    shutil.copy(DATA / "identity" / "small.md", tmp_path / "small.md")
    (tmp_path / "deck.lock").write_text('{"format": "qa2anki-lock", "version": 1}\n{"deck": "x"\n')
    result = _build(tmp_path)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {tmp_path / 'deck.lock'}:2: damaged lockfile")
    assert "Traceback" not in result.output


def test_lock_option_and_a_failed_build_leaves_the_lockfile_alone(tmp_path):
    shutil.copy(DATA / "identity" / "small.md", tmp_path / "small.md")
    assert _build(tmp_path, "--lock", str(tmp_path / "ids.lock")).exit_code == 0
    assert read_lock(tmp_path / "ids.lock").records
    before = (tmp_path / "ids.lock").read_text()
    (tmp_path / "small.md").write_text((tmp_path / "small.md").read_text() + "\n## Q5. What is new?\nA.\n")
    (tmp_path / "deck.apkg").unlink()
    (tmp_path / "deck.apkg").mkdir()  # the deck cannot be written
    result = _build(tmp_path, "--lock", str(tmp_path / "ids.lock"))
    assert result.exit_code == 1
    assert (tmp_path / "ids.lock").read_text() == before


def test_manifest_builds_keep_the_lockfile_beside_the_manifest(tmp_path, collection):
    shutil.copy(DATA / "identity" / "small.md", tmp_path / "small.md")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: Python\n    output: out/python.apkg\n    sources: [small.md]\n"
    )
    result = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "qa2anki.yaml")])
    assert result.exit_code == 0, result.output
    assert "4 new, 0 updated, 0 unchanged, 0 removed since the last build" in result.output
    assert len(read_lock(tmp_path / "qa2anki.lock").records) == 4
    assert import_apkg(collection, tmp_path / "out" / "python.apkg").new == 4


def test_removed_cards_are_carried_once_with_their_last_fields(tmp_path, collection):
    small = tmp_path / "small.md"
    shutil.copy(DATA / "identity" / "small.md", small)
    assert _build(tmp_path).exit_code == 0
    import_apkg(collection, tmp_path / "deck.apkg")
    text = small.read_text()
    small.write_text(text[: text.index("## Q4.")])
    result = _build(tmp_path)
    assert "0 new, 0 updated, 3 unchanged, 1 removed" in result.output
    log = import_apkg(collection, tmp_path / "deck.apkg")
    assert (log.new, log.updated) == (0, 1)
    (nid,) = collection.find_notes("tag:qa2anki::removed")
    assert "defaultdict" in collection.get_note(nid)["Answer"]  # its content is left as it was
    result = _build(tmp_path)  # the next build no longer carries it
    assert "0 removed" in result.output
    assert import_apkg(collection, tmp_path / "deck.apkg").updated == 0


def test_the_same_notes_give_the_same_bytes(tmp_path):
    notes = [
        Note(guid=f"g{i}", deck=DECK, fields=(f"Q{i}", "A", "", "", "", ""), tags=(), card=Card((A,)),
             mtime=1_700_000_000 + i, position=i)
        for i in range(3)
    ]
    write_apkg(notes, tmp_path / "a.apkg")
    first = (tmp_path / "a.apkg").read_bytes()
    write_apkg(notes, tmp_path / "a.apkg")
    assert (tmp_path / "a.apkg").read_bytes() == first


def test_a_removed_item_that_comes_back_gets_its_old_guid_and_an_update():
    (ga, gb), ledger, _ = run(Lock(), Card((A,)), Card((B,)))
    _, ledger, changes = run(ledger.lock(), Card((A,)), now=2000)
    assert [r.guid for r in changes.removed] == [gb]
    (g1, g2), _, changes = run(ledger.lock(), Card((A,)), Card((B,)), now=3000)
    assert (g1, g2) == (ga, gb)
    assert (changes.new, changes.updated) == (0, 1)  # its note in Anki carries the removed tag


def test_answer_only_members_are_told_apart_by_their_answers():
    first = Item("", ANSWERS["a"], "scraped.txt", "L10", flags=frozenset({"answer-only"}))
    second = Item("", ANSWERS["c"], "scraped.txt", "L20", flags=frozenset({"answer-only"}))
    (g1, g2), ledger, _ = run(Lock(), Card((A, first)), Card((C, second)))
    # Lines shift: each answer-only unit now sits at the other's ref.
    moved_first = Item("", ANSWERS["a"], "scraped.txt", "L20", flags=frozenset({"answer-only"}))
    moved_second = Item("", ANSWERS["c"], "scraped.txt", "L10", flags=frozenset({"answer-only"}))
    (h1, h2), _, _ = run(ledger.lock(), Card((moved_first,)), Card((moved_second,)), now=2000)
    assert (h1, h2) == (g1, g2)


def test_lockfile_keeps_questions_with_unusual_line_breaks_on_one_line():
    odd = Item("What is\u2028a line separator\x85here?", ANSWERS["a"], "odd.md", "odd")
    _, ledger, _ = run(Lock(), Card((odd,)))
    text = lock_text(ledger.lock())
    assert text.count("\n") == 3  # the header, one card and the trailer
    assert parse_lock(text).records[0].items[0].question == odd.question


def test_renaming_a_deck_keeps_its_notes():
    ledger = Ledger(Lock(), now=1000, decks=["Old name"])
    first = ledger.assign("Old name", (Card((A,)), Card((B,))))
    notes = tuple(Note(g, "Old name", (c.primary.question, "", "", "", "", ""), (), c, position=i)
                  for i, (g, c) in enumerate(zip(first.guids, (Card((A,)), Card((B,))), strict=True)))
    ledger.settle(first, notes)
    renamed = Ledger(ledger.lock(), now=2000, decks=["New name"]).assign("New name", (Card((B,)), Card((A,))))
    assert renamed.guids == (first.guids[1], first.guids[0])
    assert renamed.removed == ()


def test_a_large_deck_sketched_on_every_core_locks_as_on_one(monkeypatch):
    """Settling works out each note's fingerprint and sketches on forked workers from
    PARALLEL_MIN_NOTES notes: the lockfile is the same byte for byte."""
    import qa2anki.identity as identity

    cards = [Card((item(f"part{n % 3}.md", f"Q{n}", f"Question {n} about {'abc'[n % 3]}?", "abc"[n % 3]),))
             for n in range(60)]
    _, serial, _ = run(Lock(), *cards)
    monkeypatch.setattr(identity, "PARALLEL_MIN_NOTES", 0)
    _, forked, _ = run(Lock(), *cards)
    assert lock_text(forked.lock()) == lock_text(serial.lock())
    assert len(forked.lock().records) == 60
