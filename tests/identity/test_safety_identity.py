"""Threat: two sources with one file name (``python/README.md``, ``js/README.md``) share an identity.

Items used to be keyed by the bare file name, so such sources collided: every uncached rebuild
gave one source's cards new GUIDs (the learner's history tagged removed), swapping the sources
moved a GUID to the other card, and a card showed the other folder's image. Every source is now
keyed by its path relative to the manifest, and lockfiles written with bare names keep every GUID.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ankitools import import_apkg
from conftest import DATA, ROOT, SOURCES
from qa2anki.cli import main
from qa2anki.identity.lockfile import VERSION, read_lock

SAME_NAME = DATA / "safety" / "same-name"  # python/README.md and js/README.md, each with img/pic.png
SEEDS_V1_LOCK = DATA / "safety" / "seeds-v1.lock"  # the seed deck's lockfile as release 0.1 wrote it


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The two-README project as the current folder, with no lockfile yet."""
    folder = tmp_path / "project"
    shutil.copytree(SAME_NAME, folder, ignore=shutil.ignore_patterns("*.lock"))
    monkeypatch.chdir(folder)
    return folder


def _build(*args: str) -> str:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _add_to_deck(project: Path, yaml_lines: str) -> None:
    """Append keys to the project's one deck in its manifest."""
    manifest = project / "qa2anki.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + yaml_lines, encoding="utf-8")


def _guids_by_question(lock_path: Path) -> dict[str, str]:
    return {r.items[0].question: r.guid for r in read_lock(lock_path).records if r.live}


def test_same_file_name_in_two_folders_keeps_every_note_across_uncached_rebuilds(project, collection):
    _build()
    assert import_apkg(collection, project / "interview.apkg").new == 4
    for _ in range(2):
        output = _build("--no-cache")
        assert "0 new, 0 updated, 4 unchanged, 0 removed" in output
        log = import_apkg(collection, project / "interview.apkg")
        assert (log.new, log.updated) == (0, 0)
    assert len(collection.find_notes("")) == 4
    assert not collection.find_notes("tag:qa2anki::removed")
    keys = {item.key for record in read_lock(project / "qa2anki.lock").records for item in record.items}
    assert {"python/README.md#Q1", "js/README.md#Q1", "python/README.md#Q2", "js/README.md#Q2"} == keys


def test_swapping_two_same_name_sources_keeps_each_cards_guid(project):
    _build()
    before = _guids_by_question(project / "qa2anki.lock")
    manifest = project / "qa2anki.yaml"
    text = manifest.read_text(encoding="utf-8")
    swapped = text.replace("- python/README.md", "- FIRST").replace("- js/README.md", "- python/README.md")
    manifest.write_text(swapped.replace("- FIRST", "- js/README.md"), encoding="utf-8")
    _build("--no-cache")
    assert _guids_by_question(project / "qa2anki.lock") == before
    (project / "qa2anki.lock").unlink()  # and a first build's GUIDs do not depend on the order either
    _build("--no-cache")
    assert _guids_by_question(project / "qa2anki.lock") == before


def test_each_card_shows_the_image_from_its_own_folder(project, collection):
    _build()
    import_apkg(collection, project / "interview.apkg")
    media = Path(collection.media.dir())
    for folder, question in (("python", "What is a decorator?"), ("js", "What is a closure?")):
        (nid,) = collection.find_notes(f'"Question:{question}"')
        answer = collection.get_note(nid)["Answer"]
        (name,) = collection.media.files_in_str(collection.get_note(nid).mid, answer)
        assert (media / name).read_bytes() == (project / folder / "img" / "pic.png").read_bytes(), question


def test_report_and_summary_name_each_source_by_its_path(project):
    output = _build("--report", "report.json")
    report = json.loads((project / "report.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in report["sources"]] == ["python/README.md", "js/README.md"]
    sources = {m["file"] for card in report["cards"] for m in card["sources"]}
    assert sources == {"python/README.md", "js/README.md"}
    assert "python/README.md" in output and "js/README.md" in output


def test_lockfile_of_the_previous_release_keeps_every_seed_guid(tmp_path, monkeypatch):
    for name in ("qa2anki.yaml",):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copy(SEEDS_V1_LOCK, tmp_path / "qa2anki.lock")
    monkeypatch.chdir(tmp_path)
    old = read_lock(SEEDS_V1_LOCK)
    assert old.records and all("/" not in i.key for r in old.records for i in r.items)  # bare names
    output = _build()
    counts = re.search(r"(\d+) new, \d+ updated, \d+ unchanged, (\d+) removed", output)
    recovered = re.search(r"(\d+) of them recovered", output)  # cards 0.1 did not make: new ones
    assert counts and recovered and counts.group(1) == recovered.group(1), output
    new = read_lock(tmp_path / "qa2anki.lock")
    was_live = {r.guid for r in old.records if r.live}
    live = {r.guid for r in new.records if r.live and r.kind == "qa"}  # recovered cards are new
    assert live <= was_live  # every card keeps its GUID; only cards dedup now merges are retired
    assert len(was_live - live) == int(counts.group(2))
    assert all(i.key.startswith("sources/") for r in new.records if r.live for i in r.items)
    header = json.loads((tmp_path / "qa2anki.lock").read_text(encoding="utf-8").splitlines()[0])
    assert header["version"] == VERSION


def test_lockfile_of_the_previous_release_with_clashing_names_keeps_every_guid(project):
    """The previous release keyed both READMEs' ``Q1`` alike; each question still finds its GUID."""
    shutil.copy(SAME_NAME / "legacy-v1.lock", project / "qa2anki.lock")
    old = _guids_by_question(SAME_NAME / "legacy-v1.lock")
    output = _build()
    assert "0 new" in output and "0 removed" in output
    assert _guids_by_question(project / "qa2anki.lock") == old


def test_a_folder_moved_in_the_project_keeps_its_cards(project):
    _build()
    before = _guids_by_question(project / "qa2anki.lock")
    (project / "langs").mkdir()
    shutil.move(project / "python", project / "langs" / "python")
    manifest = project / "qa2anki.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("- python/", "- langs/python/"), "utf-8")
    output = _build()
    assert "0 new" in output and "0 removed" in output
    assert _guids_by_question(project / "qa2anki.lock") == before


def test_dedup_overrides_name_a_source_by_its_path(project):
    _add_to_deck(project, "    dedup:\n      merge:\n        - [python/README.md#Q2, js/README.md#Q2]\n")
    output = _build()
    assert "3 cards from 2 sources" in output


def test_files_outside_the_current_folder_are_keyed_without_climbing_out(tmp_path, monkeypatch):
    """An ad-hoc build of files elsewhere: keys are the shortest distinct ends of their paths."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(SAME_NAME, elsewhere)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    _build(str(elsewhere / "python" / "README.md"), str(elsewhere / "js" / "README.md"), "-o", "out.apkg")
    with zipfile.ZipFile(work / "out.apkg") as package:
        assert any(name.startswith("collection") for name in package.namelist())
    keys = {i.key.partition("#")[0] for r in read_lock(work / "out.lock").records for i in r.items}
    assert keys == {"python/README.md", "js/README.md"}


def test_dedup_override_by_a_file_name_two_sources_share_is_refused_with_a_hint(project):
    _add_to_deck(project, "    dedup:\n      merge:\n        - [README.md#Q1, README.md#Q2]\n")
    output = _build()
    assert "4 cards from 2 sources" in output
    assert "several sources are named 'README.md'; write the path" in output


def test_tags_and_source_subdecks_tell_same_name_sources_apart(project, collection):
    _add_to_deck(project, "    subdecks: source\n")
    _build()
    import_apkg(collection, project / "interview.apkg")
    for folder, question in (("python", "What is a decorator?"), ("js", "What is a closure?")):
        (nid,) = collection.find_notes(f'"Question:{question}"')
        note = collection.get_note(nid)
        assert f"qa2anki::source::{folder}::README" in note.tags
        assert collection.decks.name(note.cards()[0].did) == f"Interview::{folder}/README"
