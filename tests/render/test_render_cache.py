"""Rendered fields are kept across builds: a rebuild renders only the cards whose inputs
changed, and its deck is the deck a build without the cache writes."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import qa2anki.render as render_module
from qa2anki.manifest import load_manifest
from qa2anki.package import read_apkg_notes
from qa2anki.pipeline import build
from qa2anki.render_cache import FILE_NAME, signing_key

MANIFEST = """decks:
  - name: Cached
    output: decks/cached.apkg
    sources: [one.md, two.md]
"""


def _questions(prefix: str, count: int) -> str:
    return "".join(
        f"## {prefix}{n}. What does `step_{prefix}{n}` do?\n\nIt runs stage {n}:\n\n"
        f"```python\ndef step_{prefix.lower()}{n}(x):\n    return x + {n}\n```\n\n"
        for n in range(1, count + 1)
    )


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A signing key of this test's own (the user's cache folder is not touched)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    signing_key.cache_clear()
    yield
    signing_key.cache_clear()


@pytest.fixture
def deck_folder(tmp_path: Path) -> Path:
    (tmp_path / "qa2anki.yaml").write_text(MANIFEST)
    (tmp_path / "one.md").write_text("# One\n\n" + _questions("A", 6))
    (tmp_path / "two.md").write_text("# Two\n\n" + _questions("B", 6))
    return tmp_path


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The questions of the cards rendered (not taken from the cache), build by build."""
    seen: list[str] = []
    real = render_module.render_note

    def counting(card, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(card.primary.question)
        return real(card, *args, **kwargs)

    monkeypatch.setattr(render_module, "render_note", counting)
    return seen


def _build(folder: Path, use_cache: bool = True) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    build(load_manifest(folder / "qa2anki.yaml"), use_cache=use_cache)
    return read_apkg_notes(folder / "decks" / "cached.apkg")


def test_an_edit_renders_only_its_card_and_the_deck_is_the_same_as_without_the_cache(
    deck_folder: Path, rendered: list[str]
):
    first = _build(deck_folder)
    assert len(rendered) == 12 and len(first) == 12
    source = deck_folder / "one.md"
    source.write_text(source.read_text().replace("What does `step_A3` do?", "What does `step_A3` return?"))
    rendered.clear()
    cached = _build(deck_folder)
    assert rendered == ["What does `step_A3` return?"]
    fresh = _build(deck_folder, use_cache=False)  # --no-cache: everything rendered again
    assert len(rendered) == 1 + 12
    assert cached == fresh


def test_lines_shifting_under_an_edit_keep_the_cards_below(deck_folder: Path, rendered: list[str]):
    _build(deck_folder)
    source = deck_folder / "one.md"
    introduced = source.read_text().replace("# One\n\n", "# One\n\nA new introduction,\nover two lines.\n\n")
    source.write_text(introduced)
    rendered.clear()
    _build(deck_folder)
    assert rendered == []


def test_a_damaged_store_is_replaced_not_an_error(deck_folder: Path, rendered: list[str]):
    store = deck_folder / ".qa2anki-cache" / FILE_NAME
    store.parent.mkdir()
    store.write_bytes(b"not a database at all" * 100)
    notes = _build(deck_folder)
    assert len(notes) == 12 and len(rendered) == 12
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT count(*) FROM fields").fetchone() == (12,)


def test_entries_a_deck_no_longer_uses_are_forgotten(deck_folder: Path):
    _build(deck_folder)
    (deck_folder / "two.md").write_text("# Two\n\n" + _questions("B", 2))
    _build(deck_folder)
    with sqlite3.connect(deck_folder / ".qa2anki-cache" / FILE_NAME) as connection:
        assert connection.execute("SELECT count(*) FROM fields").fetchone() == (8,)


def test_a_card_showing_an_image_is_never_kept(deck_folder: Path, rendered: list[str]):
    (deck_folder / "pic.png").write_bytes(
        bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
    source = deck_folder / "two.md"
    shown = "## B9. What does the diagram show?\n\nThe flow:\n\n![diagram](pic.png)\n"
    source.write_text(source.read_text() + shown)
    _build(deck_folder)
    rendered.clear()
    _build(deck_folder, use_cache=True)
    assert "What does the diagram show?" not in rendered  # no-change build: the decks are kept
    (deck_folder / "one.md").write_text((deck_folder / "one.md").read_text() + "\n")
    rendered.clear()
    _build(deck_folder)
    assert rendered == ["What does the diagram show?"]


def test_a_store_someone_else_signed_puts_nothing_on_a_card(deck_folder: Path, rendered: list[str]):
    """Stored fields skip the sanitizer, so entries must carry this user's signature: a cache
    folder that came with a repository is never trusted."""
    _build(deck_folder)
    store = deck_folder / ".qa2anki-cache" / FILE_NAME
    with sqlite3.connect(store) as connection:
        forged = zlib.compress(json.dumps(["<script>alert(1)</script>", "", "", "", "", ""]).encode())
        connection.execute("UPDATE fields SET body = ?", (b"\0" * 32 + forged,))
    (deck_folder / "one.md").write_text((deck_folder / "one.md").read_text() + "\n")  # not a no-change build
    rendered.clear()
    notes = _build(deck_folder)
    assert len(rendered) == 12  # every entry refused: all rendered again
    assert not any("<script" in field for fields, _ in notes.values() for field in fields)


def test_the_signing_key_is_private_and_without_one_nothing_is_kept(deck_folder: Path, tmp_path: Path,
                                                                    rendered: list[str]):
    _build(deck_folder)
    key = tmp_path / "user-cache" / "qa2anki" / "render.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    key.write_bytes(b"short")  # not a key: the cache is not used, the build still works
    signing_key.cache_clear()
    (deck_folder / "one.md").write_text((deck_folder / "one.md").read_text() + "\n")
    rendered.clear()
    assert len(_build(deck_folder)) == 12
    assert len(rendered) == 12


def test_a_cached_rebuild_imports_into_anki_as_one_updated_note(deck_folder: Path, collection):  # type: ignore[no-untyped-def]
    """In a real Anki collection: cards taken from the caches are the same notes, unchanged;
    only the edited one updates, and it shows its new text."""
    from ankitools import import_apkg, notes_by_guid

    _build(deck_folder)
    first = import_apkg(collection, deck_folder / "decks" / "cached.apkg")
    assert (first.new, first.updated) == (12, 0)
    source = deck_folder / "one.md"
    source.write_text(source.read_text().replace("It runs stage 2:", "It runs stage two:"))
    _build(deck_folder)
    again = import_apkg(collection, deck_folder / "decks" / "cached.apkg")
    assert (again.new, again.updated) == (0, 1)
    answers = [note["Answer"] for note in notes_by_guid(collection).values()]
    assert sum("stage two" in answer for answer in answers) == 1
    assert sum('class="highlight"' in answer for answer in answers) == 12  # kept fields still highlighted
