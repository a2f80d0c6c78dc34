"""A rebuild with no changed input keeps the decks and says so; any change rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SEED, SOURCES
from qa2anki.cache import CACHE_DIR, CACHE_FILE
from qa2anki.cli import main

UP_TO_DATE = "up to date: no input changed, deck kept"


def _build(project: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["build", "--config", str(project / "qa2anki.yaml"), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _deck_state(project: Path) -> tuple[bytes, int]:
    deck = project / "decks" / "cached.apkg"
    return deck.read_bytes(), deck.stat().st_mtime_ns


def test_unchanged_rebuild_keeps_the_deck_and_repeats_the_summary(project: Path):
    first = _build(project)
    assert UP_TO_DATE not in first
    before = _deck_state(project)
    second = _build(project)
    assert UP_TO_DATE in second
    assert "Cached: 30 cards from 1 source -> " in second
    assert "0 new, 0 updated, 30 unchanged, 0 removed" in second
    assert f"sources/{SEED}" in second and "markdown" in second  # the per-source table too
    assert _deck_state(project) == before


@pytest.mark.parametrize("change", ["edit source", "delete deck", "edit lockfile", "damage cache"])
def test_any_change_rebuilds(project: Path, change: str):
    _build(project)
    if change == "edit source":
        source = project / "sources" / SEED
        source.write_text(source.read_text() + "\n## Q31. What is new here?\nThis answer.\n")
    elif change == "delete deck":
        (project / "decks" / "cached.apkg").unlink()
    elif change == "edit lockfile":
        lock = project / "qa2anki.lock"
        lock.write_text(lock.read_text() + "\n")
    else:
        (project / CACHE_DIR / CACHE_FILE).write_text("{not json")
    output = _build(project)
    assert UP_TO_DATE not in output
    assert (project / "decks" / "cached.apkg").exists()
    assert UP_TO_DATE in _build(project)  # and the next one is cached again


def test_no_cache_and_report_always_rebuild_and_the_next_plain_build_is_kept(project: Path):
    _build(project)
    assert UP_TO_DATE not in _build(project, "--no-cache")
    assert UP_TO_DATE in _build(project)  # --no-cache refreshed the record: no work repeated
    report = project / "report.json"
    assert UP_TO_DATE not in _build(project, "--report", str(report))
    assert report.exists()
    assert UP_TO_DATE in _build(project)


def test_a_build_with_accepted_drops_is_kept_too(project: Path):
    source = project / "sources" / SEED
    source.write_text(source.read_text() + "\n## Q31. What is pending?\n\nLorem ipsum dolor sit amet.\n")
    manifest = project / "qa2anki.yaml"
    entry = f"sources:\n      - path: sources/{SEED}\n        accept_dropped: [placeholder]"
    manifest.write_text(manifest.read_text().replace(f"sources: [sources/{SEED}]", entry))
    first = _build(project)
    assert "1 item made no card, as the manifest accepts: 1 placeholder" in first
    second = _build(project)
    assert UP_TO_DATE in second and "1 item dropped" in second


def test_builds_from_files_leave_no_cache_behind(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", str(SOURCES / SEED), "-o", "out.apkg"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / CACHE_DIR).exists()
