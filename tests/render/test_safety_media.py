"""Issue 14: a hostile source or manifest cannot leak local files into a deck, nor put markup
into deck names and tags.

Images: only regular files inside the allowed tree, that are images by their bytes and within
``limits.image_mb``, are packed; anything else is a ``warning: FILE:LINE`` and no ``<img>``.
Every attack builds a real deck through the CLI and the ``.apkg`` is opened as a zip.
Deck names and tags are read back from a real Anki collection.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_render_parallel import PNG

from ankitools import import_apkg
from qa2anki.cli import main

SECRET = b"TOP-SECRET-a81f3c"  # inside a file that is a real PNG, so only the tree rule can stop it
LOGO = PNG + b"LOGO-MARKER-77"  # shared/logo.png: beside the notes, under the manifest folder
QUESTION = "## Q1. What does the picture show?"


@dataclass
class Built:
    result: Result | subprocess.CompletedProcess
    members: dict[str, bytes]  # every zip member, decompressed
    media: dict[str, str]  # zip entry -> media name
    fields: list[str]  # every field of every note
    line: int  # the source line that names the image

    @property
    def stderr(self) -> str:
        return self.result.stderr

    def packed(self, name: str) -> bytes:
        entry = next(number for number, media in self.media.items() if media == name)
        return self.members[entry]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """``tmp/outside/secret.png`` next to ``tmp/project/`` (the manifest's folder)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(PNG + SECRET)
    folder = tmp_path / "project"
    (folder / "notes" / "img").mkdir(parents=True)
    (folder / "notes" / "img" / "ok.png").write_bytes(PNG)
    (folder / "shared").mkdir()
    (folder / "shared" / "logo.png").write_bytes(LOGO)
    return folder


def write_source(path: Path, reference: str) -> int:
    """A two-card markdown source whose first answer shows ``reference``; the image's line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Deck", "", QUESTION, "", "A picture:", "", f"![pic]({reference})", "",
             "## Q2. Is the other card fine?", "", "Yes."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines.index(f"![pic]({reference})") + 1


def manifest(project: Path, *, sources: str = "notes/deck.md", limits: str = "") -> Path:
    path = project / "qa2anki.yaml"
    deck = f"decks:\n  - name: Safety\n    output: out.apkg\n    sources: [{sources}]\n"
    path.write_text(limits + deck, encoding="utf-8")
    return path


def open_deck(apkg: Path, result: Result | subprocess.CompletedProcess, line: int) -> Built:
    with zipfile.ZipFile(apkg) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    database = apkg.with_suffix(".anki2")
    database.write_bytes(members["collection.anki2"])
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT flds FROM notes").fetchall()
    database.unlink()
    fields = [field for (flds,) in rows for field in flds.split("\x1f")]
    return Built(result, members, json.loads(members["media"]), fields, line)


def build(project: Path, reference: str, limits: str = "") -> Built:
    """``qa2anki build -c project/qa2anki.yaml`` with ``reference`` in notes/deck.md."""
    line = write_source(project / "notes" / "deck.md", reference)
    result = CliRunner().invoke(main, ["build", "-c", str(manifest(project, limits=limits))])
    assert result.exit_code == 0, result.output
    return open_deck(project / "out.apkg", result, line)


def assert_left_out(built: Built, secret: bytes, why: str) -> None:
    """No member holds ``secret``, no card has an ``<img>``, and a located warning says ``why``."""
    for name, data in built.members.items():
        assert secret not in data, f"secret packed in zip member {name}"
    assert built.media == {}
    assert not any("<img" in field for field in built.fields), built.fields
    assert re.search(
        rf"^warning: (?:\S*/)?deck\.md:{built.line}: image '[^']+' {why}", built.stderr, re.MULTILINE
    ), built.stderr


def assert_shown(built: Built, file_name: str, content: bytes) -> None:
    (name,) = built.media.values()
    assert re.fullmatch(rf"[0-9a-f]{{12}}-{re.escape(file_name)}", name)
    assert built.packed(name) == content
    assert any(f'<img src="{name}" alt="pic">' in field for field in built.fields), built.fields
    assert "warning" not in built.stderr, built.stderr


# --- files outside the allowed tree ---------------------------------------------------------

def test_dotdot_traversal_out_of_the_project_is_not_packed(project: Path):
    built = build(project, "../../outside/secret.png")
    assert_left_out(built, SECRET, "is outside")


def test_absolute_path_to_a_file_elsewhere_is_not_packed(project: Path):
    built = build(project, str(project.parent / "outside" / "secret.png"))
    assert_left_out(built, SECRET, "is outside")


def test_url_encoded_dotdot_traversal_is_not_packed(project: Path):
    built = build(project, "%2e%2e/%2E%2E/outside/secret.png")
    assert_left_out(built, SECRET, "is outside")


def test_symlink_to_a_file_outside_the_tree_is_not_packed(project: Path):
    (project / "notes" / "img" / "link.png").symlink_to(project.parent / "outside" / "secret.png")
    built = build(project, "img/link.png")
    assert_left_out(built, SECRET, "is outside")


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_symlink_to_proc_self_environ_is_not_packed(project: Path):
    """Run as its own process, so the planted variable is in that process's environ."""
    (project / "notes" / "img" / "env.png").symlink_to("/proc/self/environ")
    line = write_source(project / "notes" / "deck.md", "img/env.png")
    planted = "qa2anki-planted-f00d"
    result = subprocess.run(
        [sys.executable, "-m", "qa2anki", "build", "-c", str(manifest(project))],
        capture_output=True, text=True, timeout=120, env={**os.environ, "QA2ANKI_PLANTED": planted},
    )
    assert result.returncode == 0, result.stderr
    built = open_deck(project / "out.apkg", result, line)
    assert_left_out(built, planted.encode(), "is outside")
    assert not any(b"PATH=" in data for data in built.members.values())


def test_a_symlink_that_stays_inside_the_tree_still_packs(project: Path):
    (project / "notes" / "img" / "alias.png").symlink_to("ok.png")
    assert_shown(build(project, "img/alias.png"), "alias.png", PNG)


def test_reference_with_a_nul_byte_is_refused_not_a_crash(project: Path):
    built = build(project, "img/ok%00.png")
    assert_left_out(built, SECRET, "")


# --- files that are not images, or too large -------------------------------------------------

def test_a_png_name_with_text_content_is_not_packed(project: Path):
    (project / "notes" / "img" / "fake.png").write_bytes(b"API_KEY=sk-not-an-image-0042\n")
    built = build(project, "img/fake.png")
    assert_left_out(built, b"sk-not-an-image-0042", r"is not an image \(its bytes are not PNG")


def test_an_image_over_the_size_limit_is_not_packed(project: Path):
    big = PNG + b"BIG-IMAGE-MARKER" + b"\0" * 5000
    (project / "notes" / "img" / "big.png").write_bytes(big)
    built = build(project, "img/big.png", limits="limits:\n  image_mb: 0.001\n")
    assert_left_out(built, b"BIG-IMAGE-MARKER", r"is larger than limits\.image_mb \(0\.001 MB\)")


def test_the_same_image_under_the_default_limit_packs(project: Path):
    big = PNG + b"\0" * 5000
    (project / "notes" / "img" / "big.png").write_bytes(big)
    assert_shown(build(project, "img/big.png"), "big.png", big)


def test_an_svg_with_a_script_is_not_packed(project: Path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert("SVG-MARKER")</script></svg>'
    (project / "notes" / "img" / "evil.svg").write_bytes(svg)
    built = build(project, "img/evil.svg")
    assert_left_out(built, b"SVG-MARKER", r"is an SVG")


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 32),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("pic.webp", b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00" + b"\x10" * 14),
        ("pic.bmp", b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00" + b"\0" * 40),
        ("pic.avif", b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\0" * 16),
    ],
)
def test_every_image_kind_still_packs(project: Path, file_name: str, content: bytes):
    (project / "notes" / "img" / file_name).write_bytes(content)
    assert_shown(build(project, f"img/{file_name}"), file_name, content)


# --- the allowed tree -----------------------------------------------------------------------

def test_a_legit_image_in_a_subfolder_still_packs_and_shows(project: Path):
    assert_shown(build(project, "img/ok.png"), "ok.png", PNG)


def test_manifest_build_allows_images_anywhere_under_the_manifest_folder(project: Path):
    assert_shown(build(project, "../shared/logo.png"), "logo.png", LOGO)


def test_a_source_outside_the_manifest_folder_may_use_only_its_own_folder(project: Path, tmp_path: Path):
    line = write_source(tmp_path / "elsewhere" / "deck.md", "../project/shared/logo.png")
    (tmp_path / "elsewhere" / "ok.png").write_bytes(PNG)
    result = CliRunner().invoke(main, ["build", "-c", str(manifest(project, sources="../elsewhere/deck.md"))])
    assert result.exit_code == 0, result.output
    assert_left_out(open_deck(project / "out.apkg", result, line), b"LOGO-MARKER-77", "is outside")


def test_adhoc_build_allows_the_current_folder_when_the_source_is_inside_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    line = write_source(project / "notes" / "deck.md", "../shared/logo.png")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "notes/deck.md", "-o", "out.apkg"])
    assert result.exit_code == 0, result.output
    assert_shown(open_deck(project / "out.apkg", result, line), "logo.png", LOGO)


def test_adhoc_build_of_a_source_outside_the_current_folder_allows_only_its_folder(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    line = write_source(project / "notes" / "deck.md", "../shared/logo.png")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    result = CliRunner().invoke(main, ["build", str(project / "notes" / "deck.md"), "-o", "out.apkg"])
    assert result.exit_code == 0, result.output
    assert_left_out(open_deck(tmp_path / "cwd" / "out.apkg", result, line), b"LOGO-MARKER-77", "is outside")



def test_an_item_naming_a_source_not_in_the_deck_packs_no_image(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    """A qa2anki-format file states its items' source; an unknown one has no folder to resolve in
    (it was resolved against the current folder, so ``../outside`` reached out of the project)."""
    (project / "notes" / "items.yaml").write_text(
        "qa2anki: 1\nsource: /etc/elsewhere.md\nformat: markdown\nitems:\n"
        "  - question: What does the picture show?\n    ref: q1\n    line: 1\n"
        "    answer: '![pic](../outside/secret.png)'\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "-c", str(manifest(project, sources="notes/items.yaml"))])
    assert result.exit_code == 0, result.output
    built = open_deck(project / "out.apkg", result, 1)
    for name, data in built.members.items():
        assert SECRET not in data, name
    assert not any("<img" in field for field in built.fields)
    assert "warning: /etc/elsewhere.md:1: image '../outside/secret.png' cannot be looked up" in result.stderr


# --- deck names and tags are plain text -------------------------------------------------------

HOSTILE_ITEMS = """\
qa2anki: 1
source: "<img src=x onerror=alert('source')>evil.md"
format: markdown
items:
  - question: What is a typed map?
    answer: A map whose keys and values have types.
    ref: q1
    meta:
      framework: "<script>alert('framework')</script>Java"
      topic: "Map<String, Integer>"
      subtopic: "&lt;script&gt;alert('subtopic')&lt;/script&gt;Generics"
      level: Junior
    tags: ["<script>alert('tag')</script>collections", "C++", "x<b onmouseover=alert(1)>y</b>z",
           "&amp;lt;i&amp;gt;nested", "bell\\a<!-- hidden -->ring"]
"""
HOSTILE_MANIFEST = """\
decks:
  - name: "Interview <script>alert('deck')</script>Prep <img src=x onerror=alert(2)>"
    output: topics.apkg
    subdecks: topic
    tags: ["<i onclick=alert(3)>deck</i>-tag"]
    sources:
      - path: hostile.yaml
        tags: ["<b>source</b>-tag", "<svg/onload=alert(4)>svg-tag"]
  - name: "By &lt;b&gt;source&lt;/b&gt;\\u202e"
    output: sources.apkg
    subdecks: source
    sources: [hostile.yaml]
"""


def assert_plain(names: list[str]) -> None:
    for name in names:
        lowered = name.lower()
        for markup in ("<script", "<img", "<svg", "<b", "<i", "alert", "onerror", "onclick", "<!--"):
            assert markup not in lowered, name
        assert not re.search(r"[\x00-\x1f\x7f\u202a-\u202e]", name), repr(name)


def test_markup_in_deck_names_and_tags_never_reaches_anki(tmp_path: Path, collection):
    (tmp_path / "hostile.yaml").write_text(HOSTILE_ITEMS, encoding="utf-8")
    (tmp_path / "qa2anki.yaml").write_text(HOSTILE_MANIFEST, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-c", str(tmp_path / "qa2anki.yaml")])
    assert result.exit_code == 0, result.output
    import_apkg(collection, tmp_path / "topics.apkg")
    import_apkg(collection, tmp_path / "sources.apkg")

    decks = [deck.name for deck in collection.decks.all_names_and_ids()]
    tags = collection.tags.all()
    assert_plain(decks + tags)
    assert {"Interview Prep::Java::Map<String, Integer>::Generics", "By source::evil"} <= set(decks)
    assert {"collections", "C++", "xyz", "nested", "bellring", "deck-tag", "source-tag", "svg-tag",
            "qa2anki::source::evil", "qa2anki::level::easy"} <= set(tags)
    assert "qa2anki::topic::Map<String,_Integer>::Generics" in tags


def test_adhoc_deck_name_from_the_command_line_is_plain_text(tmp_path: Path, collection):
    write_source(tmp_path / "deck.md", "img/none.png")
    result = CliRunner().invoke(main, [
        "build", str(tmp_path / "deck.md"), "-o", str(tmp_path / "out.apkg"),
        "--deck", "My <script>alert(1)</script>C++ &amp; Map<K, V> deck",
    ])
    assert result.exit_code == 0, result.output
    import_apkg(collection, tmp_path / "out.apkg")
    decks = [deck.name for deck in collection.decks.all_names_and_ids()]
    assert "My C++ & Map<K, V> deck" in decks
    assert_plain(decks)


def test_a_deck_name_that_is_only_markup_is_refused_with_its_line(tmp_path: Path):
    (tmp_path / "deck.md").write_text("## Q1. Why?\n\nBecause.\n", encoding="utf-8")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - output: out.apkg\n    name: \"<script>alert(1)</script>\"\n    sources: [deck.md]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", "-c", str(tmp_path / "qa2anki.yaml")])
    assert result.exit_code == 1
    assert re.fullmatch(r"error: \S*qa2anki\.yaml:3: deck name has no text once markup is removed.*\n",
                        result.stderr), result.stderr
    assert not (tmp_path / "out.apkg").exists()


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("C++", "C++"),
        ("Map<String, Integer>", "Map<String, Integer>"),
        ("List<T> and a < b", "List<T> and a < b"),
        ("Interview  Prep", "Interview  Prep"),  # a legit name is kept as written: it is an identity
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("Q&A", "Q&A"),
        ("<b>bold</b> move", "bold move"),
        ("<SCRIPT>alert(1)</SCRIPT>safe", "safe"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;safe", "safe"),
        ("&amp;lt;img src=x onerror=alert(1)&amp;gt;safe", "safe"),
        ("<x onclick=alert(1)>click</x>", "click"),
        ("<svg/onload=alert(1)>", ""),
        ("<scr\x00ipt>alert(1)</script>text", "text"),
        ("<img src=x onerror=alert(1)//", ""),
        ("a<!-- comment -->b", "ab"),
        ("\u202egnp.exe", "gnp.exe"),
        ("line\none", "line one"),
    ],
)
def test_plain_text_drops_markup_and_keeps_text(raw: str, plain: str):
    from qa2anki.plaintext import plain_text

    assert plain_text(raw) == plain
