"""A failed or killed build leaves the previous decks and report exactly as they were."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from bigsource import write_markdown
from conftest import DATA
from qa2anki.cli import main
from qa2anki.errors import OutputError
from qa2anki.files import TEMP_SUFFIX, atomic_path

FIXTURES = DATA / "everyday"


def snapshot(*paths: Path) -> dict[Path, tuple[bytes, int]]:
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


def _build(*args: str) -> None:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output


# --- SIGKILL halfway --------------------------------------------------------------------------


def _start_build(folder: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-m", "qa2anki", "build", *args], cwd=folder, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _kill_when_writing(child: subprocess.Popen[bytes], folder: Path, timeout: float = 60) -> None:
    """SIGKILL the build the moment its temporary deck file appears: mid-write."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.name.startswith(".deck.apkg.") for p in folder.iterdir()):
            child.send_signal(signal.SIGKILL)
            child.wait()
            return
        if child.poll() is not None:
            raise AssertionError(f"build finished (exit {child.returncode}) before it could be killed")
        time.sleep(0.002)
    child.kill()
    raise AssertionError("the build never started writing")


def test_sigkill_mid_write_leaves_the_previous_deck_report_and_lockfile(everyday_dir: Path):
    _build("good.md", "-o", "deck.apkg", "--report", "report.json")
    kept = (everyday_dir / "deck.apkg", everyday_dir / "report.json", everyday_dir / "deck.lock")
    before = snapshot(*kept)
    write_markdown(everyday_dir / "big.md", items=3000)
    child = _start_build(everyday_dir, "big.md", "-o", "deck.apkg", "--report", "report.json")
    _kill_when_writing(child, everyday_dir)
    assert child.returncode == -signal.SIGKILL
    assert snapshot(*kept) == before
    assert sorted(p.name for p in everyday_dir.glob("*.apkg")) == ["deck.apkg"]
    for name in leftovers(everyday_dir):  # what a kill leaves is hidden and never looks like a deck
        assert name.startswith(".deck.apkg.") and not name.endswith((".apkg", ".json"))


def _complete_deck(path: Path, notes: int) -> bool:
    """Whether ``path`` is a whole .apkg holding ``notes`` notes."""
    with zipfile.ZipFile(path) as package, tempfile.TemporaryDirectory() as folder:
        if package.testzip() is not None:
            return False
        database = package.extract("collection.anki2", folder)
        with closing(sqlite3.connect(database)) as db:
            return db.execute("select count(*) from notes").fetchone()[0] == notes


@pytest.mark.parametrize("delay", [0.2, 0.7, 1.2])
def test_sigkill_at_any_moment_leaves_the_old_deck_or_the_whole_new_one(everyday_dir: Path, delay: float):
    _build("good.md", "-o", "deck.apkg")
    before = snapshot(everyday_dir / "deck.apkg")
    write_markdown(everyday_dir / "big.md", items=3000)
    child = _start_build(everyday_dir, "big.md", "-o", "deck.apkg")
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    if snapshot(everyday_dir / "deck.apkg") != before:
        assert _complete_deck(everyday_dir / "deck.apkg", 3000)
    assert sorted(p.name for p in everyday_dir.glob("*.apkg")) == ["deck.apkg"]


# --- failures before anything is written -------------------------------------------------------


TWO_DECKS = """\
decks:
  - name: First
    output: first.apkg
    sources: [good.md]
  - name: Second
    output: {second_output}
    sources: [{second_source}]
"""


def _add_a_question(source: Path) -> None:
    source.write_text(source.read_text() + "\n## Q4. What is new?\n\nThis.\n")


def _two_decks(folder: Path, second_source: str, second_output: str = "second.apkg") -> None:
    (folder / "qa2anki.yaml").write_text(
        TWO_DECKS.format(second_source=second_source, second_output=second_output)
    )


def test_a_bad_source_in_a_later_deck_leaves_every_earlier_deck(everyday_dir: Path):
    _two_decks(everyday_dir, "problems.md")
    _build()
    kept = (everyday_dir / "first.apkg", everyday_dir / "second.apkg", everyday_dir / "qa2anki.lock")
    before = snapshot(*kept)
    _add_a_question(everyday_dir / "good.md")
    _two_decks(everyday_dir, "binary.png")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.stderr == "error: binary.png: binary file, not text (is this the right file?)\n"
    assert snapshot(*kept) == before


def test_an_unwritable_later_deck_leaves_every_earlier_deck(everyday_dir: Path):
    _two_decks(everyday_dir, "problems.md")
    _build()
    before = snapshot(everyday_dir / "first.apkg", everyday_dir / "qa2anki.lock")
    _add_a_question(everyday_dir / "good.md")
    _two_decks(everyday_dir, "problems.md", second_output="good.md/second.apkg")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: good.md/second.apkg: cannot write here")
    assert snapshot(everyday_dir / "first.apkg", everyday_dir / "qa2anki.lock") == before
    assert leftovers(everyday_dir) == []


# --- atomic_path itself ------------------------------------------------------------------------


def test_atomic_path_replaces_only_on_success(tmp_path: Path):
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("build failed")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []
    with atomic_path(target) as temporary:
        assert temporary.parent == tmp_path and temporary.name.startswith(".deck.apkg.")
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


def test_atomic_path_turns_write_failures_into_output_errors(tmp_path: Path):
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"old")
    with pytest.raises(OutputError, match="cannot write: No space left on device"), atomic_path(target):
        raise OSError(28, "No space left on device")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_atomic_path_keeps_the_users_permissions(tmp_path: Path):
    with atomic_path(tmp_path / "deck.apkg") as temporary:
        temporary.write_bytes(b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "deck.apkg").stat().st_mode & 0o777 == 0o666 & ~umask
