"""Flashcard apps' own files rebuilt into a deck and imported into real Anki.

Logseq pages of ``#card`` blocks, and ``.apkg`` packages (made with genanki, as another app or
a friend would export them) holding cloze notes, nested deck names and images packed in the
package's own media: each image reaches the rebuilt deck from the zip, in memory, by the
same safety rules as an image beside a source.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import genanki
from anki.collection import Collection
from click.testing import CliRunner

from ankitools import build_sources, deck_of, import_apkg, notes_by_guid
from conftest import DATA
from qa2anki.adapters import read_source
from qa2anki.cli import main

APPS = DATA / "realworld" / "apps2"


def _png(red: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        check = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + check

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, red, 0, 0]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")





BASIC = genanki.Model(1743000001, "Basic", fields=[{"name": "Front"}, {"name": "Back"}],
                      templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                                  "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}])


def _app_package(folder: Path) -> Path:
    """Notes in nested decks (Lang::Python::Basics...), a cloze note, and notes showing images
    the package holds (one a text file named .png, one an SVG, one missing from the package)."""
    media = folder / "media-src"
    media.mkdir()
    (media / "tree diagram.png").write_bytes(_png(200))
    (media / "fake.png").write_text("not an image", encoding="utf-8")
    (media / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>")
    decks = {name: genanki.Deck(1743100000 + n, name)
             for n, name in enumerate(("Lang::Python::Basics", "Lang::Python::Async", "Lang::Go"))}
    notes = (
        ("Lang::Python::Basics", BASIC,
         ["What does this tree show?", 'A heap <img src="tree%20diagram.png">'], "img1"),
        ("Lang::Python::Basics", BASIC, ["Text named as an image?", 'x <img src="fake.png">'], "img2"),
        ("Lang::Python::Basics", BASIC, ["An SVG?", 'y <img src="logo.svg">'], "img3"),
        ("Lang::Python::Async", genanki.CLOZE_MODEL,
         ["{{c1::asyncio.run}} starts the {{c2::event loop}}", "one per program"], "clz1"),
        ("Lang::Go", BASIC, ["Which keyword starts a goroutine?", "go"], "go01"),
    )
    for deck, model, fields, guid in notes:
        decks[deck].add_note(genanki.Note(model=model, fields=fields, guid=guid))
    package = genanki.Package(list(decks.values()))
    package.media_files = [str(media / name) for name in ("tree diagram.png", "fake.png", "logo.svg")]
    (folder / "sources").mkdir(exist_ok=True)
    path = folder / "sources" / "app.apkg"
    package.write_to_file(str(path))
    return path


def test_a_package_rebuilt_keeps_its_images_clozes_and_nested_decks(tmp_path: Path, collection: Collection):
    _app_package(tmp_path)
    output = build_sources(tmp_path, "app.apkg", deck="Apps")
    assert "fake.png" in output and "logo.svg" in output  # refused, each with a warning
    log = import_apkg(collection, tmp_path / "out.apkg")
    assert (log.new, log.conflicting) == (5, 0)
    notes = notes_by_guid(collection)
    tree = notes["img1"]["Answer"]
    (packed,) = re.findall(r'<img src="([^"]+)"', tree)
    assert packed.endswith("tree-diagram.png")
    assert hashlib.sha256((Path(collection.media.dir()) / packed).read_bytes()).digest() == hashlib.sha256(
        _png(200)).digest()  # the package's own bytes reached the learner's media folder
    assert "<img" not in notes["img2"]["Answer"] and "<img" not in notes["img3"]["Answer"]
    assert set(json.loads(zipfile.ZipFile(tmp_path / "out.apkg").read("media")).values()) == {packed}
    cloze = notes["clz1"]
    assert re.sub(r"<[^>]+>", "", cloze["Question"]) == "[...] starts the [...]"
    assert '<b class="cloze">event loop</b>' in cloze["Answer"] and "one per program" in cloze["Answer"]
    assert deck_of(collection, notes["img1"]) == "Apps::Python::Basics"
    assert deck_of(collection, cloze) == "Apps::Python::Async"
    assert deck_of(collection, notes["go01"]) == "Apps::Go"


def test_a_package_image_is_read_in_memory_and_bounded(tmp_path: Path):
    """Nothing is unpacked next to the package; an image past limits.image_mb stays out."""
    _app_package(tmp_path)
    before = sorted(p.name for p in (tmp_path / "sources").iterdir())
    (tmp_path / "qa2anki.yaml").write_text(
        "limits:\n  image_mb: 0.00001\n"
        "decks:\n  - name: Apps\n    output: out.apkg\n    sources: [sources/app.apkg]\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "qa2anki.yaml"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "larger than limits.image_mb" in result.output
    assert json.loads(zipfile.ZipFile(tmp_path / "out.apkg").read("media")) == {}
    assert sorted(p.name for p in (tmp_path / "sources").iterdir()) == before


def test_a_package_image_named_outside_its_media_stays_a_file_reference(tmp_path: Path):
    """Only names the package's media map holds are read from it; ``../x.png`` is looked for
    beside the package, under the usual rules (here: outside the tree, refused)."""
    decks = genanki.Deck(1743200000, "Solo")
    decks.add_note(genanki.Note(model=BASIC, fields=["Q?", '<img src="../../secret.png">'], guid="sec1"))
    (tmp_path / "sources").mkdir()
    genanki.Package(decks).write_to_file(str(tmp_path / "sources" / "solo.apkg"))
    (item,) = read_source(tmp_path / "sources" / "solo.apkg").items
    assert 'src="../../secret.png"' in item.answer
    (tmp_path.parent / "secret.png").write_bytes(_png(1))
    output = build_sources(tmp_path, "solo.apkg", deck="Apps")
    assert "outside" in output
    assert json.loads(zipfile.ZipFile(tmp_path / "out.apkg").read("media")) == {}


def test_logseq_cards_import_with_their_sections_and_tags(tmp_path: Path, collection: Collection):
    (tmp_path / "sources").mkdir()
    shutil.copy(APPS / "logseq_shell_cards.md", tmp_path / "sources")
    build_sources(tmp_path, "logseq_shell_cards.md", deck="Apps")
    log = import_apkg(collection, tmp_path / "out.apkg")
    assert log.new == 6
    notes = {re.sub(r"<[^>]+>", "", note["Question"]).strip(): note
             for note in notes_by_guid(collection).values()}
    largest = notes["How do you list the ten largest files here?"]
    shown = re.sub(r"<[^>]+>", "", largest["Answer"])
    assert "<pre" in largest["Answer"] and "du -ah ." in shown and "<li>" in largest["Answer"]
    assert {"disk", "shell", "tooling"} <= set(largest.tags)
    assert deck_of(collection, largest) == "Apps::Everyday shell"
    pipeline = notes["What is the exit status of a pipeline?"]["Answer"]
    assert pipeline.count("<ul>") == 2 and "card-repeats" not in pipeline  # the grandchild is nested
    cloze = notes["Kill a whole process group with [...]"]
    assert "<strong>kill -- -PGID</strong>" in cloze["Answer"]
    assert deck_of(collection, cloze) == "Apps::Processes"


def test_anki_plain_text_exports_with_other_separators(tmp_path: Path):
    """``#separator:Semicolon``/``Pipe``/``Comma``: quoted fields keep their separators, HTML and
    clozes are read as Anki wrote them, and a field the export does not name goes on the back
    unlabelled."""
    exports = {
        "semicolon.txt": "#separator:Semicolon\n#html:true\n#notetype column:1\n#deck column:2\n"
                         "Basic;Dev::Git;What does <b>git stash</b> do?;Shelves changes<br>for later\n"
                         'Cloze;Dev::Git;"{{c1::git bisect}} finds the commit; that broke it";'
                         '"binary search"\n',
        "pipe.txt": "#separator:Pipe\n#html:true\nFront one|Back <br> one\nFront two|Back two\n",
        "comma.txt": '#separator:Comma\n#html:false\nCapital of France?,Paris\n"A, B?","C, D"\n',
    }
    for name, text in exports.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    stash, bisect = read_source(tmp_path / "semicolon.txt").items
    assert stash.question == "What does <b>git stash</b> do?"
    assert stash.answer == "Shelves changes<br>for later"
    assert "topic" not in stash.meta  # the deck every note shares is the exported deck itself
    assert re.sub(r"<[^>]+>", "", bisect.question) == "[...] finds the commit; that broke it"
    assert "<div>binary search</div>" in bisect.answer and "Field" not in bisect.answer
    assert [item.answer for item in read_source(tmp_path / "pipe.txt").items] == ["Back <br> one", "Back two"]
    assert [(i.question, i.answer) for i in read_source(tmp_path / "comma.txt").items] == [
        ("Capital of France?", "Paris"), ("A, B?", "C, D")]
