"""Cards as Anki stores them: tags, subdecks, note type and stylesheet, media, injections.

Everything about the .apkg is read back through the real ``anki`` package.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_sanitize import PAYLOADS

from ankitools import import_apkg
from conftest import DATA, SOURCES
from htmlcheck import inspect_html
from qa2anki.cli import main
from qa2anki.models import NOTE_FIELDS, Card, Item
from qa2anki.package import NOTE_TYPE_NAME, card_css, write_apkg
from qa2anki.render import Renderer, card_tags, level_name, level_of, render_note, subdeck_of

CARDS = DATA / "cards"
ASYNC_BASICS = {"framework": "FastAPI", "topic": "Fundamentals", "subtopic": "Async Basics",
                "difficulty": "Junior"}


def _item(question: str = "What is ASGI?", source: str = "000_site.txt", **meta: str) -> Item:
    return Item(question=question, answer="An interface.", source=source, ref="q1", line=3, meta=meta)


# --- levels, tags, subdecks ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "level"),
    [("Junior", "easy"), ("beginner", "easy"), ("Easy", "easy"), ("Mid-level", "medium"),
     ("Intermediate", "medium"), ("medium", "medium"), ("Senior", "hard"), ("ADVANCED", "hard"),
     ("hard", "hard"), ("Senior Engineer", "hard"), ("", ""), ("unknown", ""), (None, "")],
)
def test_levels_map_to_one_scale(raw, level):
    assert level_name(raw) == level


def test_level_comes_from_the_first_member_that_states_one():
    card = Card((_item(), _item(source="b.md", level="Senior"), _item(source="c.md", level="Junior")))
    assert level_of(card) == "hard"


def test_tags_are_hierarchical_and_include_the_manifests():
    primary = Item("What is ASGI?", "x", "000_site.txt", "q1", 3, ASYNC_BASICS, tags=("nuxt-site",))
    other = Item("What is ASGI", "y", "notes.md", "Q4", 9, {"topic": "Async"}, tags=("NUXT-site",))
    tags = card_tags(Card((primary, other)), ("fastapi", "interview prep"))
    assert tags == (
        "qa2anki::source::000_site",
        "qa2anki::topic::Fundamentals::Async_Basics",
        "qa2anki::source::notes",
        "qa2anki::topic::Async",
        "qa2anki::level::easy",
        "fastapi",
        "interview_prep",
        "nuxt-site",  # "NUXT-site" is the same tag to Anki
    )
    assert all(" " not in tag for tag in tags)


def test_tag_levels_never_come_out_empty():
    tags = card_tags(Card((_item(source=".hidden", topic=" :: Web  APIs ::"),)))
    assert "qa2anki::topic::Web_APIs" in tags
    assert not any(part == "" for tag in tags for part in tag.split("::"))


@pytest.mark.parametrize(
    ("mode", "meta", "deck"),
    [
        ("flat", ASYNC_BASICS, "Interview"),
        ("source", ASYNC_BASICS, "Interview::000_site"),
        ("topic", ASYNC_BASICS, "Interview::FastAPI::Fundamentals::Async Basics"),
        ("topic", {"topic": "Security", "subtopic": "OAuth2::JWT"}, "Interview::Security::OAuth2:JWT"),
        ("topic", {"topic": "  Data\n Bases "}, "Interview::Data Bases"),
        ("topic", {}, "Interview"),
    ],
)
def test_subdecks(mode, meta, deck):
    assert subdeck_of(Card((_item(**meta),)), "Interview", mode) == deck


def test_a_card_files_under_the_first_member_that_states_a_topic():
    card = Card((_item(source="blog.md", level="Mid"), _item(**ASYNC_BASICS)))
    assert subdeck_of(card, "Interview", "topic") == "Interview::FastAPI::Fundamentals::Async Basics"
    assert subdeck_of(card, "Interview", "source") == "Interview::blog"
    assert render_note(card, Renderer(), guid="g", deck="D").fields[-1] == "Fundamentals · Async Basics"


# --- real Anki ------------------------------------------------------------------------------

def test_note_type_stylesheet_tags_and_topic_subdecks_in_real_anki(tmp_path, collection):
    cards = [
        Card((_item("What is ASGI?", **ASYNC_BASICS), _item("What's ASGI?", source="notes.md"))),
        Card((_item("What is OAuth2?", framework="FastAPI", topic="Security", level="Senior"),)),
    ]
    renderer = Renderer()
    notes = [
        render_note(card, renderer, guid=f"g{index}", deck="Interview", subdecks="topic", tags=("fastapi",))
        for index, card in enumerate(cards)
    ]
    write_apkg(notes, tmp_path / "deck.apkg")
    assert import_apkg(collection, tmp_path / "deck.apkg").new == 2

    model = collection.models.by_name(NOTE_TYPE_NAME)
    assert [field["name"] for field in model["flds"]] == list(NOTE_FIELDS)
    assert model["sortf"] == 0
    for selector in (".nightMode .highlight .k", ".night_mode .highlight .k", ".night-mode .highlight .k",
                     ".nightMode.card", ".night-mode .card", ".mobile.card", "overflow-x: auto"):
        assert selector in model["css"]
    assert model["css"] == card_css()
    assert "<script" not in model["css"] + model["tmpls"][0]["qfmt"] + model["tmpls"][0]["afmt"]
    assert "http" not in model["css"]  # no fonts or other remote resources

    decks = {d.name for d in collection.decks.all_names_and_ids()}
    assert {"Interview::FastAPI::Fundamentals::Async Basics", "Interview::FastAPI::Security"} <= decks
    (asgi,) = collection.find_notes('"Question:What is ASGI?"')
    note = collection.get_note(asgi)
    assert set(note.tags) >= {"qa2anki::source::000_site", "qa2anki::source::notes", "fastapi",
                              "qa2anki::topic::Fundamentals::Async_Basics", "qa2anki::level::easy"}
    assert note["Level"] == "easy" and note["Topic"] == "Fundamentals · Async Basics"
    assert '<div class="qa-from">notes</div>' in note["OtherAnswers"]  # headed by the source's name
    card = note.cards()[0]
    assert collection.decks.name(card.did) == "Interview::FastAPI::Fundamentals::Async Basics"
    front, back = card.question(), card.answer()
    assert 'qa-level-easy">easy<' in front and "Async Basics" in front
    assert "<details" in back and "<li>000_site</li>" in back


def _build_manifest(folder: Path, manifest: str):  # type: ignore[no-untyped-def]
    """``qa2anki build`` on ``manifest`` written into ``folder``; the CLI's result."""
    (folder / "qa2anki.yaml").write_text(manifest, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-c", str(folder / "qa2anki.yaml")])
    assert result.exit_code == 0, result.output
    return result


def test_manifest_source_subdecks_and_tags_in_real_anki(tmp_path, collection):
    shutil.copy(SOURCES / "004_7624664d3e7a1fbf.txt", tmp_path / "seed.md")
    shutil.copytree(CARDS, tmp_path / "cards")
    _build_manifest(
        tmp_path,
        "decks:\n  - name: Interview\n    output: out.apkg\n    subdecks: source\n    tags: [interview]\n"
        "    sources:\n      - seed.md\n      - path: cards/showcase.md\n        tags: [showcase]\n",
    )
    import_apkg(collection, tmp_path / "out.apkg")
    assert len(collection.find_cards('deck:"Interview::seed"')) == 30
    assert len(collection.find_cards('deck:"Interview::showcase"')) == 3
    assert len(collection.find_notes("tag:qa2anki::source::showcase tag:showcase tag:interview")) == 3
    assert len(collection.find_notes("tag:qa2anki::source::seed tag:interview -tag:showcase")) == 30


def test_local_images_are_packed_and_missing_ones_warned(tmp_path, collection):
    out = tmp_path / "images.apkg"
    result = CliRunner().invoke(main, ["build", str(CARDS / "showcase.md"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    missing_line = next(number for number, line in enumerate(
        (CARDS / "showcase.md").read_text(encoding="utf-8").splitlines(), start=1) if "missing.png" in line)
    where = f"tests/data/cards/showcase.md:{missing_line}"  # the source's path, not only its name
    assert f"warning: {where}: image 'img/missing.png' not found" in result.output
    import_apkg(collection, out)
    (nid,) = collection.find_notes('"Question:What does the request lifecycle look like?"')
    answer = collection.get_note(nid)["Answer"]
    names = set(re.findall(r'<img[^>]* src="([^"]+)"', answer))
    assert len(names) == 1  # the markdown and the HTML reference share one media file
    (name,) = names
    assert re.fullmatch(r"[0-9a-f]{12}-diagram\.png", name)
    packed = Path(collection.media.dir()) / name
    assert packed.read_bytes() == (CARDS / "img" / "diagram.png").read_bytes()
    assert "missing.png" not in answer


def test_no_injection_payload_survives_into_real_anki(tmp_path, collection):
    sections = [
        f"## Q{number}. What does payload {number} do?\n\nAnswer {number}:\n\n{payload}\n"
        for number, payload in enumerate(PAYLOADS, 1)
    ]
    sections.append('## Q99. Is <img src=x onerror=alert(1)> in a question removed?\n\nYes.\n')
    sections.append("## Q100. Is code still highlighted?\n\n```python\nasync def f():\n    return 1\n```\n")
    source = tmp_path / "hostile.md"
    source.write_text("# Hostile\n\n" + "\n".join(sections), encoding="utf-8")
    out = tmp_path / "hostile.apkg"
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert import_apkg(collection, out).new == len(PAYLOADS) + 2
    classes: set[str] = set()
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        for name, value in note.items():
            problems, used = inspect_html(value)
            assert problems == [], (name, value)
            assert "<script" not in value.lower()
            classes |= used
        for card in note.cards():  # the template adds nothing unsafe (Anki prepends the note type's CSS)
            shown = re.sub(r"^<style>.*?</style>", "", card.answer(), flags=re.DOTALL)
            assert inspect_html(shown)[0] == [], shown
    assert {"highlight", "k"} <= classes
    assert not any(Path(collection.media.dir()).iterdir())  # nothing named by a payload was packed


def test_seed_deck_with_topic_subdecks_in_real_anki(seeds, tmp_path, collection):
    result = _build_manifest(
        tmp_path,
        "decks:\n  - name: FastAPI Interview\n    output: out.apkg\n    subdecks: topic\n"
        "    tags: [fastapi]\n    sources: ['sources/*.txt']\n",
    )
    cards = int(re.search(r"FastAPI Interview: (\d+) cards", result.output).group(1))
    assert import_apkg(collection, tmp_path / "out.apkg").new == cards

    decks = {d.name for d in collection.decks.all_names_and_ids()}
    assert "FastAPI Interview::FastAPI::Fundamentals::Async Basics" in decks
    assert collection.find_cards('deck:"FastAPI Interview::FastAPI::Fundamentals::Async Basics"')
    assert len(collection.find_cards('"deck:FastAPI Interview::FastAPI::Fundamentals"')) == len(
        collection.find_notes("tag:qa2anki::topic::Fundamentals"))
    for level in ("easy", "medium", "hard"):
        assert collection.find_notes(f"tag:qa2anki::level::{level} tag:fastapi")
    assert collection.find_notes("tag:qa2anki::source::001_69c6ad9c276d4e73 tag:qa2anki::level::medium")
    model = collection.models.by_name(NOTE_TYPE_NAME)
    assert ".night_mode .highlight" in model["css"] and ".nightMode.card" in model["css"]
    for nid in collection.find_notes(""):
        assert all(inspect_html(value)[0] == [] for value in collection.get_note(nid).values())


def test_a_collection_larger_than_a_chunk_is_packed_whole_and_as_before(tmp_path, collection, monkeypatch):
    """The collection is compressed into the .apkg a piece at a time (a 100k deck's is 234 MB):
    the package is byte for byte what compressing it whole gave, and Anki reads every note."""
    import zipfile

    import qa2anki.package as package

    renderer = Renderer()
    notes = [render_note(Card((_item(f"What does step {n} of the pipeline do?", **ASYNC_BASICS),)), renderer,
                         guid=f"g{n}", deck="Chunks") for n in range(300)]
    monkeypatch.setattr(package, "_PACK_CHUNK", 4096)  # many chunks for a small collection
    write_apkg(notes, tmp_path / "chunked.apkg", timestamp=1_700_000_000)

    def whole(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, file: Path) -> None:
        archive.writestr(entry, file.read_bytes(), zipfile.ZIP_DEFLATED)

    monkeypatch.setattr(package, "_pack_file", whole)
    write_apkg(notes, tmp_path / "whole.apkg", timestamp=1_700_000_000)
    with zipfile.ZipFile(tmp_path / "chunked.apkg") as archive:
        assert archive.getinfo("collection.anki2").file_size > 10 * 4096
    assert (tmp_path / "chunked.apkg").read_bytes() == (tmp_path / "whole.apkg").read_bytes()
    assert import_apkg(collection, tmp_path / "chunked.apkg").new == 300
    assert len(collection.find_notes('"deck:Chunks"')) == 300
