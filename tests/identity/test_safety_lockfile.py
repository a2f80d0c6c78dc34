"""Threat: a lockfile that lost lines, or holds bad GUIDs, silently hands out new identities.

An empty lockfile, a header only, or one cut at a line boundary used to build with exit 0 and
new GUIDs, so the learner's notes were tagged removed. The lockfile now ends with a trailer
(card count and checksum); anything damaged is refused with one line saying how to recover,
and ``--rebuild-lock`` keeps every record still readable when the user accepts the loss.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA
from qa2anki.cli import main
from qa2anki.identity.lockfile import read_lock

SAME_NAME = DATA / "safety" / "same-name"


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project built once: deck and lockfile in place."""
    folder = tmp_path / "project"
    shutil.copytree(SAME_NAME, folder, ignore=shutil.ignore_patterns("*.lock"))
    monkeypatch.chdir(folder)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    return folder


def _lines(folder: Path) -> list[str]:
    return (folder / "qa2anki.lock").read_text(encoding="utf-8").splitlines(keepends=True)


def _refused(folder: Path, text: str, line: int | None) -> str:
    """Write ``text`` as the lockfile, build, and check nothing moved; returns the error line."""
    (folder / "qa2anki.lock").write_text(text, encoding="utf-8")
    deck = (folder / "interview.apkg").read_bytes()
    result = CliRunner().invoke(main, ["build", "--no-cache"])
    assert result.exit_code == 1, result.output
    (message,) = result.output.strip().splitlines()
    where = f"error: qa2anki.lock:{line}: " if line else "error: qa2anki.lock"
    assert message.startswith(where), message
    assert "git checkout -- qa2anki.lock" in message and "--rebuild-lock" in message
    assert "Traceback" not in result.output
    assert (folder / "interview.apkg").read_bytes() == deck
    assert (folder / "qa2anki.lock").read_text(encoding="utf-8") == text
    return message


def test_empty_lockfile_is_refused_not_taken_as_a_first_build(built):
    assert "empty" in _refused(built, "", 1)


def test_lockfile_with_only_its_header_is_refused(built):
    assert "trailer" in _refused(built, _lines(built)[0], 1)


def test_lockfile_cut_at_a_line_boundary_is_refused(built):
    lines = _lines(built)
    assert "trailer" in _refused(built, "".join(lines[:-2]), len(lines) - 2)


def test_lockfile_missing_a_card_line_in_the_middle_is_refused(built):
    lines = _lines(built)
    del lines[3]
    assert "lines were lost" in _refused(built, "".join(lines), len(lines))


def test_lockfile_with_an_edited_line_is_refused(built):
    lines = _lines(built)
    lines[2] = lines[2].replace('"position": 0', '"position": 9')
    assert "checksum" in _refused(built, "".join(lines), len(lines))


@pytest.mark.parametrize("guid", ["", "two words", "tab\tin", "unit\x1fsep", "new\nline", "x" * 65])
def test_lockfile_with_an_invalid_guid_is_refused(built, guid):
    lines = _lines(built)
    record = json.loads(lines[2])
    record["guid"] = guid
    lines[2] = json.dumps(record, ensure_ascii=False) + "\n"
    body = "".join(lines[:-1])
    lines[-1] = _trailer(body, len(lines) - 3)
    assert "invalid GUID" in _refused(built, "".join(lines), 3)


def test_two_cards_with_one_guid_is_refused_naming_both_lines(built):
    lines = _lines(built)
    first, second = json.loads(lines[2]), json.loads(lines[3])
    second["guid"] = first["guid"]
    lines[3] = json.dumps(second, ensure_ascii=False) + "\n"
    lines[-1] = _trailer("".join(lines[:-1]), len(lines) - 3)
    message = _refused(built, "".join(lines), 4)
    assert f"GUID {first['guid']} is given to two cards, on lines 3 and 4" in message


def test_rebuild_lock_keeps_what_is_readable_and_says_what_was_lost(built):
    lines = _lines(built)
    kept = {json.loads(line)["guid"] for line in lines[2:4]}
    (built / "qa2anki.lock").write_text("".join(lines[:4]), encoding="utf-8")  # cut after two cards
    result = CliRunner().invoke(main, ["build", "--rebuild-lock"])
    assert result.exit_code == 0, result.output
    assert "warning: qa2anki.lock:4: the lockfile is incomplete" in result.output
    assert "2 new, 0 updated, 2 unchanged" in result.output
    live = {r.guid for r in read_lock(built / "qa2anki.lock").records if r.live}
    assert kept <= live and len(live) == 4  # and the rewritten lockfile is whole again


def test_rebuild_lock_on_a_file_that_is_no_lockfile_starts_afresh(built):
    (built / "qa2anki.lock").write_text("garbage\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1 and "not a qa2anki lockfile" in result.output
    result = CliRunner().invoke(main, ["build", "--rebuild-lock"])
    assert result.exit_code == 0, result.output
    assert len(read_lock(built / "qa2anki.lock").records) == 4


def _trailer(body: str, cards: int) -> str:
    """The trailer a lockfile with this body would have: the damage under test is the only one."""
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return json.dumps({"end": "qa2anki-lock", "cards": cards, "sha256": digest}) + "\n"
