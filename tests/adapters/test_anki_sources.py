"""Anki's own formats as sources: decks people already have, rebuilt and imported into real Anki.

CrowdAnki exports, ``.apkg`` packages (made here with genanki, as a friend's deck would be) and
Obsidian card notes go through a whole build; the decks are imported with the real Anki backend
and checked note by note: front, back, tags, deck, and the GUID the source gave the note.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
from anki.collection import Collection
from click.testing import CliRunner

from ankitools import build_sources, deck_of, import_apkg, notes_by_guid
from conftest import DATA
from qa2anki.adapters import read_source, read_text_as
from qa2anki.cli import main
from qa2anki.errors import SourceError
from qa2anki.identity import Ledger
from qa2anki.identity.lockfile import Lock, LockedItem, LockRecord
from qa2anki.models import Card, Item
from qa2anki.render import Renderer
from qa2anki.sanitize import sanitize_html

CORPUS = DATA / "realworld" / "anki"
CROWDANKI = ("git_cheatsheet_deck.json", "quiz_deck_with_subdecks.json")
OBSIDIAN = ("sqs_visibility_lecture.md", "devops_flashcards.md")





def _text(field_html: str) -> str:
    """What a learner reads in a field: tags gone, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", field_html)).split())


def _asked(question_field: str) -> str:
    """The question part of a Question field, without the prompt shown under it."""
    return question_field.split('<div class="qa-prompt">', 1)[0]


def _copy(folder: Path, *names: str) -> None:
    (folder / "sources").mkdir(exist_ok=True)
    for name in names:
        shutil.copy(CORPUS / name, folder / "sources" / name)


# --- CrowdAnki -------------------------------------------------------------------------------


def test_crowdanki_decks_import_note_by_note_and_keep_their_guids(tmp_path: Path, collection: Collection):
    _copy(tmp_path, *CROWDANKI)
    build_sources(tmp_path, *CROWDANKI)
    log = import_apkg(collection, tmp_path / "out.apkg")
    assert (log.new, log.updated, log.conflicting) == (19, 0, 0)
    notes = notes_by_guid(collection)
    items = [item for name in CROWDANKI for item in read_source(tmp_path / "sources" / name).items]
    assert set(notes) == {item.guid for item in items}  # every note kept the GUID its source gave it
    for item in items:
        note = notes[item.guid]
        assert _text(_asked(note["Question"])) == _text(item.question), item.guid
        if item.prompt:  # other fields the note's front shows are under the question
            assert 'class="qa-prompt"' in note["Question"], item.guid
        assert _text(item.answer.split("<div><b>")[0]) in _text(note["Answer"]), item.guid
        assert set(item.tags) <= set(note.tags)

    stars = notes["Rt%8u+Jc0q"]
    assert _asked(stars["Question"]) == "列出所有分支（包括远程分支）"
    assert "当前分支前面带 * 号" in stars["Answer"] and "<em>" not in stars["Answer"]
    config = notes["aZ.4{hN6wP"]["Answer"]
    assert "your_name_here" in config and "<b>评论:</b> 只需设置一次" in config and "<em>" not in config
    assert "git tag&nbsp;v1.0<br>git push origin v1.0" in notes["P9#tGm*2xC"]["Answer"]
    assert "<br>" in notes["m<2Xw`9dTe"]["Answer"] and "<div>git stash list" in notes["m<2Xw`9dTe"]["Answer"]
    power = notes["g7ffH"]
    assert "2 ** 10" in power["Question"] and "<strong>" not in power["Question"]
    assert "leech" in power.tags
    cloze = notes["l7E8k,ys3q"]
    assert "went on sale in [year], made by [company] with transistors from [company]" in re.sub(
        r"<[^>]+>", "", cloze["Question"])
    assert "<b class=\"cloze\">1954</b>" in cloze["Answer"]
    assert deck_of(collection, power) == "Shared::Computing"
    assert deck_of(collection, cloze) == "Shared::til_2025"
    assert deck_of(collection, notes["Jw0{f6i`kB"]) == "Shared"
    assert deck_of(collection, notes["Fq2,Ls9^aB"]) == "Shared"

    output = build_sources(tmp_path, *CROWDANKI)
    assert "0 new, 0 updated, 19 unchanged" in output
    again = import_apkg(collection, tmp_path / "out.apkg")
    assert (again.new, again.updated) == (0, 0)


def test_html_fields_render_as_written(tmp_path: Path):
    """``<div>``, ``<br>``, ``&nbsp;`` and ``<pre>`` pass through; ``*`` and ``_`` stay characters."""
    text = (CORPUS / CROWDANKI[0]).read_text(encoding="utf-8").replace(
        "git log --oneline --graph", "<pre>def f(*args, **kw):\\n\\n    return snake_case_name</pre>")
    source = tmp_path / "render_check_deck.json"
    source.write_text(text, encoding="utf-8")
    items = {item.guid: item for item in read_source(source).items}
    renderer = Renderer()

    def shown(markdown: str) -> str:
        return sanitize_html(renderer.block(markdown))

    assert "<pre>def f(*args, **kw):\n\n    return snake_case_name</pre>" in shown(items["h6@Ws;D1pk"].answer)
    stash = shown(items["m<2Xw`9dTe"].answer)
    assert "git stash<br><div>git stash list" in stash
    assert "git tag&nbsp;v1.0" in shown(items["P9#tGm*2xC"].answer)
    stars = shown(items["Rt%8u+Jc0q"].answer)
    assert "带 * 号" in stars and "<em>" not in stars
    assert "your_name_here" in shown(items["aZ.4{hN6wP"].answer)


# --- .apkg --------------------------------------------------------------------------------------

REVERSED = genanki.Model(
    1742000001, "Basic (and reversed card)", fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"},
               {"name": "Card 2", "qfmt": "{{Back}}", "afmt": "{{FrontSide}}<hr id=answer>{{Front}}"}])
EXTRA = genanki.Model(
    1742000002, "Term with example", fields=[{"name": "Term"}, {"name": "Meaning"}, {"name": "Example"}],
    templates=[{"name": "Card 1", "qfmt": "{{Term}}", "afmt": "{{FrontSide}}<hr>{{Meaning}}<br>{{Example}}"}])
FRIEND = {  # guid -> (deck, note type, fields, tags)
    "netAAAA001": ("Friend::Networking", REVERSED, ["What does TCP guarantee?", "Ordered, reliable delivery"],
                   ["net", "tcp"]),
    "netAAAA002": ("Friend::Networking", REVERSED, ["Which port does SSH use?", "22"], ["net"]),
    "shlBBBB001": ("Friend::Shell", EXTRA, ["xargs", "Builds commands from standard input",
                                            "<code>find . -name '*.tmp' | xargs rm</code>"], ["shell"]),
    "shlBBBB002": ("Friend::Shell", EXTRA, ["tee", "Copies standard input to a file and to standard output",
                                            ""], []),
}


def _friend_package(path: Path) -> Path:
    decks: dict[str, genanki.Deck] = {}
    for guid, (deck, model, fields, tags) in FRIEND.items():
        if deck not in decks:
            decks[deck] = genanki.Deck(1742100000 + len(decks), deck)
        decks[deck].add_note(genanki.Note(model=model, fields=fields, guid=guid, tags=tags))
    genanki.Package(list(decks.values())).write_to_file(str(path))
    return path


def test_a_deck_rebuilt_from_a_package_imports_field_by_field(tmp_path: Path, collection: Collection):
    (tmp_path / "sources").mkdir()
    _friend_package(tmp_path / "sources" / "friend.apkg")
    build_sources(tmp_path, "friend.apkg")
    log = import_apkg(collection, tmp_path / "out.apkg")
    assert (log.new, log.updated, log.conflicting) == (4, 0, 0)
    notes = notes_by_guid(collection)
    assert set(notes) == set(FRIEND)
    tcp = notes["netAAAA001"]
    assert tcp["Question"] == "What does TCP guarantee?"
    assert tcp["Answer"] == "<p>Ordered, reliable delivery</p>"
    assert {"net", "tcp"} <= set(tcp.tags)
    assert deck_of(collection, tcp) == "Shared::Networking"
    xargs = notes["shlBBBB001"]
    assert xargs["Question"] == "xargs"
    assert "Builds commands from standard input" in xargs["Answer"]
    assert "<b>Example:</b> <code>find . -name '*.tmp' | xargs rm</code>" in xargs["Answer"]
    assert deck_of(collection, xargs) == "Shared::Shell"
    assert "Example" not in notes["shlBBBB002"]["Answer"]  # an empty field adds nothing

    assert "0 new, 0 updated, 4 unchanged" in build_sources(tmp_path, "friend.apkg")
    again = import_apkg(collection, tmp_path / "out.apkg")
    assert (again.new, again.updated) == (0, 0)


def test_a_collection_holding_the_friends_deck_gets_no_duplicates(tmp_path: Path, collection: Collection):
    """Same GUIDs: Anki matches the notes. A note of another note type is not changed: Anki keeps
    the friend's note (and its note type) and reports the rebuilt one as conflicting."""
    (tmp_path / "sources").mkdir()
    friend = _friend_package(tmp_path / "sources" / "friend.apkg")
    before = friend.read_bytes(), friend.stat().st_mtime_ns
    assert import_apkg(collection, friend).new == 4
    note_types = {guid: note.mid for guid, note in notes_by_guid(collection).items()}
    build_sources(tmp_path, "friend.apkg")
    assert (friend.read_bytes(), friend.stat().st_mtime_ns) == before  # the input is never written
    log = import_apkg(collection, tmp_path / "out.apkg")
    assert (log.new, log.updated, log.conflicting) == (0, 0, 4)
    notes = notes_by_guid(collection)
    assert {guid: note.mid for guid, note in notes.items()} == note_types
    assert notes["netAAAA001"]["Front"] == "What does TCP guarantee?"


def test_a_collection_in_the_newer_schema_is_read_from_its_tables(tmp_path: Path):
    """Anki's own collection file (notetypes, fields, templates, decks tables) in a package."""
    col = Collection(str(tmp_path / "collection.anki2"))
    basic = col.models.by_name("Basic")
    note = col.new_note(basic)
    note["Front"], note["Back"] = "What is a <b>closure</b>?", "A function with the variables it captured"
    note.tags = ["js"]
    col.add_note(note, col.decks.id("Web::JavaScript"))
    other = col.new_note(basic)
    other["Front"], other["Back"] = "What is CORS?", "A browser rule for cross-origin requests"
    col.add_note(other, col.decks.id("Web::HTTP"))
    guid = note.guid
    col.close()
    package = tmp_path / "raw.apkg"
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(tmp_path / "collection.anki2", "collection.anki21")
    items = {item.guid: item for item in read_source(package).items}
    assert items[guid].question == "What is a <b>closure</b>?"
    assert items[guid].answer == "A function with the variables it captured"
    assert items[guid].tags == ("js",)
    assert items[guid].meta["topic"] == "JavaScript" and items[guid].meta["notetype"] == "Basic"
    assert {item.meta["topic"] for item in items.values()} == {"JavaScript", "HTTP"}


def _package(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_package_from_newer_anki_without_legacy_support_is_refused_saying_what_to_do(tmp_path: Path):
    package = _package(tmp_path / "new.apkg", {
        "collection.anki2": sqlite_stub(tmp_path), "collection.anki21b": b"(\xb5/\xfd" + b"\x00" * 64,
        "meta": b"\x08\x03"})
    with pytest.raises(SourceError) as caught:
        read_source(package)
    assert str(caught.value).startswith(f"{package}: ")
    assert "'Support older Anki versions' off; re-export it with that option on" in str(caught.value)
    assert "\n" not in str(caught.value)


def sqlite_stub(folder: Path) -> bytes:
    path = folder / "stub.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE col (models TEXT, decks TEXT)")
    connection.commit()
    connection.close()
    return path.read_bytes()


def test_a_collection_that_unpacks_past_the_source_limit_is_refused(tmp_path: Path):
    """A zip bomb: 3 MB of zeros pack into a few kilobytes; reading stops at the limit."""
    _package(tmp_path / "bomb.apkg", {"collection.anki21": b"SQLite format 3\x00" + b"\x00" * (3 << 20)})
    assert (tmp_path / "bomb.apkg").stat().st_size < 20_000
    result = CliRunner().invoke(main, ["build", str(tmp_path / "bomb.apkg"), "-o", str(tmp_path / "o.apkg"),
                                       "--max-source-mb", "1"])
    assert result.exit_code == 1
    assert "bomb.apkg: collection.anki21 unpacks to more than 1.0 MB" in result.output
    assert "limits: source_mb" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("members, message", [
    ({"collection.anki21": b"not a database at all"}, "collection.anki21 is not an SQLite collection"),
    ({"collection.anki21": b"SQLite format 3\x00" + b"\x07" * 4000},
     "the package's collection cannot be read"),
    ({"media": b"{}"}, None),  # a zip with no collection is no package: read as text, refused as binary
])
def test_damaged_packages_fail_with_one_line(tmp_path: Path, members: dict[str, bytes], message: str | None):
    package = _package(tmp_path / "broken.apkg", members)
    with pytest.raises(SourceError) as caught:
        read_source(package)
    text = str(caught.value)
    assert "\n" not in text and text.startswith(str(package))
    assert message is None or message in text


def test_a_field_no_template_shows_is_meta_not_answer(tmp_path: Path):
    """'Basic (optional reversed card)': its 'Add Reverse' field only switches a card on."""
    cards = [{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr>{{Back}}"},
             {"name": "Card 2", "qfmt": "{{#Add Reverse}}{{Back}}{{/Add Reverse}}",
              "afmt": "{{FrontSide}}<hr>{{Front}}"}]
    fields = [{"name": "Front"}, {"name": "Back"}, {"name": "Add Reverse"}]
    model = genanki.Model(1742000003, "Basic (optional reversed card)", fields=fields, templates=cards)
    deck = genanki.Deck(1742200000, "Optional")
    deck.add_note(genanki.Note(model=model, fields=["What is a monad?", "A monoid in endofunctors", "y"],
                               guid="optREV0001"))
    genanki.Package(deck).write_to_file(str(tmp_path / "optional.apkg"))
    (item,) = read_source(tmp_path / "optional.apkg").items
    assert (item.question, item.answer) == ("What is a monad?", "A monoid in endofunctors")
    assert item.meta["Add Reverse"] == "y"


# --- Anki's plain-text export ----------------------------------------------------------------


def test_a_plain_text_export_names_its_fields_and_may_hold_plain_text(tmp_path: Path):
    export = tmp_path / "notes.txt"
    export.write_text(
        "#separator:tab\n#html:false\n#notetype:Vocabulary\n#deck:Spanish::Verbs\n#guid column:1\n"
        "#columns:GUID\tExample\tWord\tMeaning\n"
        "es-001\tYo como <pan>\tcomer\tto eat\n"
        "es-002\t\tbeber\tto drink *a lot*\n", encoding="utf-8")
    eat, drink = read_source(export).items
    assert (eat.question, eat.guid, eat.meta["notetype"]) == ("comer", "es-001", "Vocabulary")
    assert eat.answer == "<div>to eat<div><b>Example:</b> Yo como &lt;pan&gt;</div></div>"
    assert drink.answer == "<div>to drink *a lot*</div>"  # plain text: the stars are characters
    assert "topic" not in eat.meta  # one deck for every row: the deck itself, no topic


@pytest.mark.parametrize("line", [
    "==x " * 100_000, "` x " * 100_000 + "a::b", "![[" * 100_000, "[[a|" * 100_000, "<!--SR:" * 100_000,
])
def test_an_obsidian_line_of_unclosed_markup_is_read_in_linear_time(line: str):
    """Each of these took minutes with a backtracking pattern; read now, every line accounted for."""
    result = read_text_as(f"#flashcards\n{line}\nQ::A\n", "long.md", "obsidian-cards")
    assert result.items[-1].question == "Q"
    assert {region.line for region in result.skipped} | {i.line for i in result.items} >= {1, 3}


def test_a_crowdanki_field_of_unclosed_markup_is_read(tmp_path: Path):
    fields = ["Q?", "a<b " * 100_000 + "<img src " * 50_000 + "[sound:x " * 50_000 + "{{c1::x " * 50_000]
    deck = {"__type__": "Deck", "note_models": [], "notes": [{"fields": fields, "guid": "g"}, 7]}
    result = read_text_as(json.dumps(deck), "deck.json", "crowdanki")
    assert [item.guid for item in result.items] == ["g"]
    assert any("1 entries of a 'notes' list are not notes" in d.message for d in result.diagnostics)


# --- identity -----------------------------------------------------------------------------------


def _card(source: str, ref: str, guid: str) -> Card:
    item = Item(question=f"Question {ref}?", answer="An answer", source=source, ref=ref, guid=guid)
    return Card(items=(item,))


def test_a_source_guid_is_taken_once_and_never_from_a_retired_card():
    retired = LockRecord(deck="D", guid="retiredG1", serial=1, position=0, mtime=1, content="x",
                         items=(LockedItem("old.json#gone", "Gone?", ""),), removed=5)
    ledger = Ledger(Lock(records=(retired,)), now=10, decks=["D"])
    cards = (_card("a.json", "n1", "sharedG1"), _card("b.json", "n2", "sharedG1"),
             _card("a.json", "n3", "retiredG1"), _card("a.json", "n4", "fresh G"), _card("a.json", "n5", ""))
    assignment = ledger.assign("D", cards)
    assert assignment.guids[0] == "sharedG1"
    assert assignment.guids[1] != "sharedG1" and assignment.guids[2] != "retiredG1"
    assert assignment.guids[3] != "fresh G"
    assert len(set(assignment.guids)) == 5
    messages = [d.message for d in assignment.diagnostics]
    assert any("'sharedG1' is already another card's in this build" in m for m in messages)
    assert any("'retiredG1' belongs to a removed card" in m for m in messages)
    assert any("'fresh G' cannot be kept as a GUID" in m for m in messages)


# --- Obsidian -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OBSIDIAN)
def test_every_line_of_an_obsidian_note_is_on_a_card_dropped_or_skipped(name: str):
    result = read_source(CORPUS / name)
    covered: set[int] = set()
    for entry in (*result.items, *result.dropped):
        covered.update(range(entry.line, (entry.end_line or entry.line) + 1))
    for region in result.skipped:
        covered.update(range(region.line, region.end_line + 1))
    lines = (CORPUS / name).read_text(encoding="utf-8").split("\n")
    missing = [number for number, line in enumerate(lines, start=1) if line.strip() and number not in covered]
    assert not missing
    assert not covered & {number for item in result.items
                          for number in range(item.line, item.end_line + 1)} & {
        number for region in result.skipped for number in range(region.line, region.end_line + 1)}


def test_obsidian_cards_import_with_their_topics(tmp_path: Path, collection: Collection):
    _copy(tmp_path, *OBSIDIAN)
    build_sources(tmp_path, *OBSIDIAN)
    log = import_apkg(collection, tmp_path / "out.apkg")
    assert log.new == 15
    notes = {_text(_asked(note["Question"])): note for note in notes_by_guid(collection).values()}
    code = notes["What does this C++ line print?"]
    assert "<pre" in code["Question"]  # the code the question asks about is on the front
    assert "<code>***</code> followed by a newline." in code["Answer"]
    assert deck_of(collection, code) == "Shared::devops::cpp/Flashcards"
    assert deck_of(collection, notes["Default port of PostgreSQL"]) == "Shared::devops::Flashcards"
    limits = notes["What are the default and the maximum visibility timeout"]
    assert "(1) 30 seconds by default" in limits["Answer"] and "SR:" not in limits["Answer"]
    assert "course::aws::sqs" in limits.tags


@pytest.mark.parametrize(("content", "message"), [
    (b"PK\x03\x04garbage", "not a readable Anki package"),
    (None, "a zip file but no Anki package"),
])
def test_a_zip_that_is_no_readable_package_is_named_as_such(tmp_path: Path, content: bytes | None,
                                                             message: str):
    package = tmp_path / "friend.apkg"
    if content is None:
        with zipfile.ZipFile(package, "w") as archive:
            archive.writestr("media", "{}")
    else:
        package.write_bytes(content)
    result = CliRunner().invoke(main, ["build", str(package), "-o", str(tmp_path / "out.apkg")])
    assert result.exit_code == 1
    assert f"friend.apkg: {message}" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out.apkg").exists()
