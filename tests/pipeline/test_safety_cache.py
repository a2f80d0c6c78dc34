"""Issue 14: the build cache never keeps a stale deck, never trusts its own file, never fails a
build; and no worker process outlives a build that was killed."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_cache import UP_TO_DATE

from bigsource import write_markdown
from conftest import SEED
from qa2anki import pipeline
from qa2anki.cache import CACHE_DIR, CACHE_FILE
from qa2anki.cli import main
from qa2anki.manifest import load_manifest
from qa2anki.package import read_apkg_notes

ESCAPES = ("\x1b", "\x9b", "\x07")


def png(red: int, green: int, blue: int) -> bytes:
    """A valid 1x1 PNG of one colour: two colours, two different files."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, red, green, blue]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def build(project: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, ["build", "--config", str(project / "qa2anki.yaml"), *extra])


def assert_clean_rebuild(result: Result) -> None:
    """Exit 0, no traceback, no terminal escape, and the deck was really rebuilt."""
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert not any(escape in result.output for escape in ESCAPES), repr(result.output)
    assert UP_TO_DATE not in result.output


def record_path(project: Path) -> Path:
    return project / CACHE_DIR / CACHE_FILE


def deck_questions(project: Path) -> str:
    return " ".join(fields[0] for fields, _ in read_apkg_notes(project / "decks" / "cached.apkg").values())


# --- (1) images are inputs too --------------------------------------------------------------


@pytest.fixture
def illustrated(tmp_path: Path) -> Path:
    """A manifest whose one source shows a local image."""
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "flow.png").write_bytes(png(255, 0, 0))
    (tmp_path / "notes.md").write_text(
        "# Notes\n\n## Q1. What does the flow look like?\n\nLike this:\n\n![flow](img/flow.png)\n\n"
        "## Q2. Where does a request start?\n\nAt the router.\n"
    )
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: Pictures\n    output: decks/pictures.apkg\n    sources: [notes.md]\n"
    )
    return tmp_path


def packed_images(deck: Path) -> list[bytes]:
    with zipfile.ZipFile(deck) as archive:
        index = json.loads(archive.read("media"))
        return [archive.read(number) for number in index]


def test_an_image_edited_between_builds_is_rebuilt_and_its_new_bytes_packed(illustrated: Path):
    assert_clean_rebuild(build(illustrated))
    deck = illustrated / "decks" / "pictures.apkg"
    assert packed_images(deck) == [png(255, 0, 0)]
    (illustrated / "img" / "flow.png").write_bytes(png(0, 0, 255))
    assert_clean_rebuild(build(illustrated))
    assert packed_images(deck) == [png(0, 0, 255)]
    assert UP_TO_DATE in build(illustrated).output  # and once rebuilt, it is cached again


def test_a_missing_image_that_appears_rebuilds_the_deck(illustrated: Path):
    (illustrated / "img" / "flow.png").unlink()
    first = build(illustrated)
    assert_clean_rebuild(first)
    assert "not found" in first.output
    (illustrated / "img" / "flow.png").write_bytes(png(0, 255, 0))
    assert_clean_rebuild(build(illustrated))
    assert packed_images(illustrated / "decks" / "pictures.apkg") == [png(0, 255, 0)]


# --- (2) an input saved while the build runs ------------------------------------------------


def test_a_source_saved_during_the_build_is_not_recorded_and_the_next_build_has_the_edit(project: Path):
    assert_clean_rebuild(build(project))
    source = project / "sources" / SEED
    source.write_text(source.read_text() + "\n## Q31. What was saved before the build?\nThis answer.\n")
    edited: list[str] = []

    def save_during_render(stage: str, done: int, total: int) -> None:
        """The user saves the source again after the build has read it."""
        if stage == "render" and not edited:
            source.write_text(source.read_text() + "\n## Q32. What was saved during the build?\nThat.\n")
            edited.append(stage)

    pipeline.build(load_manifest(project / "qa2anki.yaml"), progress=save_during_render)
    assert edited
    assert "saved during the build" not in deck_questions(project)  # this build read the old text
    assert_clean_rebuild(build(project))
    assert "saved during the build" in deck_questions(project)


def test_an_image_saved_during_the_build_is_not_recorded_and_the_next_build_packs_it_by_its_hash(
    illustrated: Path,
):
    image = illustrated / "img" / "flow.png"

    def save_before_packing(stage: str, done: int, total: int) -> None:
        """Rendering named the image by its old bytes; the user saves new ones before it is packed."""
        if stage == "write":
            image.write_bytes(png(0, 0, 255))

    pipeline.build(load_manifest(illustrated / "qa2anki.yaml"), progress=save_before_packing)
    assert_clean_rebuild(build(illustrated))
    deck = illustrated / "decks" / "pictures.apkg"
    with zipfile.ZipFile(deck) as archive:
        (name,) = json.loads(archive.read("media")).values()
    assert name.startswith(hashlib.sha256(png(0, 0, 255)).hexdigest()[:12])
    assert packed_images(deck) == [png(0, 0, 255)]


# --- (3) the cache file's own text is never trusted -----------------------------------------


def _set(path: tuple[object, ...], value: object):
    def change(record: dict) -> None:
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _add_diagnostic(message: str, **fields: object):
    def change(record: dict) -> None:
        record["decks"][0]["diagnostics"].append(
            {"source": "notes.md", "line": 1, "message": message, "ref": "", "severity": "warning", **fields}
        )

    return change


TAMPERED = {
    "title escape in deck name": _set(("decks", 0, "name"), "Cached\x1b]0;owned\x07"),
    "clear screen in a warning": _add_diagnostic("\x1b[2J\x1b[Hall good"),
    "C1 escape in a format": _set(("decks", 0, "sources", 0, "format"), "\x9b31mmarkdown"),
    "newline forging an error line": _add_diagnostic("fine\nerror: x.md: forged"),
    "lone surrogate": _add_diagnostic("\ud800"),
    "bidi override": _set(("decks", 0, "sources", 0, "format"), "mark\u202edown"),
    "cards as text": _set(("decks", 0, "cards"), "30"),
    "cards as bool": _set(("decks", 0, "cards"), True),
    "negative cards": _set(("decks", 0, "cards"), -1),
    "cards disagree with sources": _set(("decks", 0, "cards"), 31),
    "source cards wrong shape": _set(("decks", 0, "source_cards"), {SEED: [30]}),
    "items as float": _set(("decks", 0, "sources", 0, "items"), 1.5),
    "unknown deck key": _set(("decks", 0, "shell"), "rm -rf ~"),
    "unknown diagnostic key": _add_diagnostic("x", extra=1),
    "unknown severity": _add_diagnostic("x", severity="\x1b[31merror"),
    "output elsewhere": _set(("decks", 0, "output"), "/etc/passwd"),
    "source elsewhere": _set(("decks", 0, "sources", 0, "path"), "/etc/shadow"),
    "decks not a list": _set(("decks",), {"name": "Cached"}),
    "no decks": _set(("decks",), []),
    "repair not a dict": _set(("decks", 0, "sources", 0, "repair"), [0, 0, 0]),
}


@pytest.mark.parametrize("tamper", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_cache_record_with_escapes_or_wrong_types_is_a_miss_and_nothing_odd_is_printed(
    project: Path, tamper
):
    assert_clean_rebuild(build(project))
    record = json.loads(record_path(project).read_text())
    tamper(record)
    record_path(project).write_text(json.dumps(record))
    assert_clean_rebuild(build(project))
    assert UP_TO_DATE in build(project).output  # the rebuild wrote a good record again


# --- (4) a damaged cache file ---------------------------------------------------------------


def _truncate(path: Path) -> None:
    text = path.read_text()
    path.write_text(text[: len(text) // 2])


def _huge(path: Path) -> None:
    with path.open("r+b") as handle:  # sparse: costs no disk
        handle.truncate(200 * 2**20)


def _folder(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


DAMAGED = {
    "truncated json": _truncate,
    "a list": lambda p: p.write_text("[]"),
    "null": lambda p: p.write_text("null"),
    "format as text": lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "format": "2"})),
    "binary garbage": lambda p: p.write_bytes(bytes(range(256)) * 64),
    "deep nesting": lambda p: p.write_text("[" * 200_000),
    "a 5000-digit number": lambda p: p.write_text('{"format": ' + "9" * 5000 + "}"),
    "empty": lambda p: p.write_text(""),
    "a folder": _folder,
    "a huge file": _huge,
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_cache_file_is_a_miss_without_traceback(project: Path, damage):
    assert_clean_rebuild(build(project))
    damage(record_path(project))
    assert_clean_rebuild(build(project))
    assert (project / "decks" / "cached.apkg").stat().st_size > 0


NOT_A_FILE = {
    "a fifo": lambda p: os.mkfifo(p),
    "a link to /dev/zero": lambda p: p.symlink_to("/dev/zero"),
}


@pytest.mark.parametrize("damage", NOT_A_FILE.values(), ids=NOT_A_FILE.keys())
def test_a_cache_file_that_never_ends_does_not_hang_the_build(project: Path, damage):
    assert_clean_rebuild(build(project))
    record_path(project).unlink()
    damage(record_path(project))

    def bounded() -> None:  # were /dev/zero read to the end, fail fast instead of eating the machine
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    done = subprocess.run(
        [sys.executable, "-m", "qa2anki", "build", "--config", str(project / "qa2anki.yaml")],
        capture_output=True, text=True, timeout=60, preexec_fn=bounded,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert UP_TO_DATE not in done.stdout


# --- (5) a cache that cannot be written -----------------------------------------------------


def _cache_is_a_file(project: Path) -> None:
    (project / CACHE_DIR).write_text("not a folder")


def _record_is_a_folder(project: Path) -> None:
    (project / CACHE_DIR / CACHE_FILE / "inside").mkdir(parents=True)


def _read_only(project: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write any folder")
    (project / CACHE_DIR).mkdir()
    (project / CACHE_DIR).chmod(0o555)


UNWRITABLE = {
    "cache folder is a file": _cache_is_a_file,
    "record is a folder": _record_is_a_folder,
    "read-only folder": _read_only,
}


@pytest.mark.parametrize("unwritable", UNWRITABLE.values(), ids=UNWRITABLE.keys())
def test_an_unwritable_cache_is_a_warning_and_the_deck_is_still_written(project: Path, unwritable):
    unwritable(project)
    try:
        result = build(project)
        assert_clean_rebuild(result)
        assert "Cached: 30 cards" in result.output
        assert len(read_apkg_notes(project / "decks" / "cached.apkg")) == 30
        warnings = [line for line in result.stderr.splitlines() if "cache" in line]
        assert warnings and warnings[0].startswith("warning: "), result.stderr
        assert "Traceback" not in result.stderr
        assert_clean_rebuild(build(project))  # never cached, never failing
    finally:
        if (project / CACHE_DIR).is_dir():
            (project / CACHE_DIR).chmod(0o755)


# --- (B) workers die with their parent ------------------------------------------------------


def _process_group(group: int) -> dict[int, str]:
    """``pid -> state`` of every process in ``group`` (Linux /proc)."""
    members = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, ...
        if int(fields[2]) == group:
            members[int(entry.name)] = fields[0]
    return members


def _alive(group: int) -> dict[int, str]:
    return {pid: state for pid, state in _process_group(group).items() if state not in ("Z", "X")}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the build never starts workers")
def test_killing_the_build_leaves_no_worker_process_alive(tmp_path: Path):
    sources = []
    for index in range(4):  # several sources over PARALLEL_READ_BYTES: read on every core
        sources.append(tmp_path / f"part{index}.md")
        write_markdown(sources[-1], size=pipeline.PARALLEL_READ_BYTES // 3)
    command = ["build", *map(str, sources), "-o", str(tmp_path / "big.apkg"), "-q"]
    child = subprocess.Popen(
        [sys.executable, "-m", "qa2anki", *command],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(_alive(child.pid)) < 3:  # the build and at least two workers
            assert child.poll() is None, "the build ended before it started workers"
            assert time.monotonic() < deadline, "no workers started"
            time.sleep(0.01)
        workers = set(_alive(child.pid)) - {child.pid}
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        deadline = time.monotonic() + 5
        while _alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child.pid), f"workers {sorted(workers)} outlived their parent"
    finally:
        for pid in _alive(child.pid):
            os.kill(pid, signal.SIGKILL)
        child.wait()
