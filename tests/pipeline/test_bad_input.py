"""Bad input through the CLI: one line naming file (and line), a non-zero exit, no traceback,
and the deck a previous build wrote left exactly as it was."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import DATA
from qa2anki import ADAPTERS, Qa2AnkiError, build, load_manifest, manifest_for_files
from qa2anki.cli import main

FIXTURES = DATA / "everyday"


@dataclass(frozen=True)
class Snapshot:
    data: bytes
    mtime_ns: int


@pytest.fixture
def prior(everyday_dir: Path) -> Snapshot:
    """A good deck built at ``out.apkg`` before the bad build runs."""
    result = run("build", "good.md", "-o", "out.apkg")
    assert result.exit_code == 0, result.output
    stat = (everyday_dir / "out.apkg").stat()
    return Snapshot((everyday_dir / "out.apkg").read_bytes(), stat.st_mtime_ns)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_one_line_error(result: Result, prefix: str, *fragments: str) -> str:
    """Exit 1, a single ``error: FILE[:LINE]: ...`` line on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {prefix}"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def assert_untouched(folder: Path, prior: Snapshot) -> None:
    deck = folder / "out.apkg"
    assert deck.read_bytes() == prior.data
    assert deck.stat().st_mtime_ns == prior.mtime_ns
    assert sorted(p.name for p in folder.glob("*.apkg")) == ["out.apkg"]
    assert not list(folder.glob(".*.tmp"))


# --- sources that cannot be read ------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("nowhere.md", "error: nowhere.md: no such file"),
        ("notes", "error: notes: is a folder, not a file (name the files inside it)"),
        ("empty.md", "error: empty.md: file is empty"),
        ("blank.md", "error: blank.md: file is empty"),  # only a BOM and whitespace
        ("binary.png", "error: binary.png: binary file, not text (is this the right file?)"),
    ],
)
def test_a_source_that_cannot_be_read(everyday_dir: Path, prior: Snapshot, source: str, expected: str):
    (everyday_dir / "notes").mkdir()
    (everyday_dir / "blank.md").write_bytes(b"\xef\xbb\xbf \r\n\t\n")
    result = run("build", "good.md", source, "-o", "out.apkg")
    assert assert_one_line_error(result, "") == expected
    assert_untouched(everyday_dir, prior)


def test_not_utf8_is_read_as_cp1252_with_a_warning(everyday_dir: Path):
    result = run("build", "cp1252.md", "-o", "out.apkg", "--report", "report.json")
    assert result.exit_code == 0, result.output
    assert re.search(
        r"^warning: cp1252\.md: not valid UTF-8 \(first bad byte on line 1\); read as cp1252",
        result.stderr, re.MULTILINE,
    )
    questions = [card["question"] for card in json.loads((everyday_dir / "report.json").read_text())["cards"]]
    assert questions == ["What is a café au lait?", "Why is naïve spelled with a diaeresis?"]


def test_bom_and_crlf_just_work(everyday_dir: Path):
    result = run("build", "bom_crlf.md", "-o", "out.apkg", "--report", "report.json")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    cards = json.loads((everyday_dir / "report.json").read_text())["cards"]
    assert [c["question"] for c in cards] == ["What is a BOM?", "What are CRLF line ends?"]
    assert [c["sources"][0]["line"] for c in cards] == [3, 7]


def test_one_bad_item_in_a_good_source_is_a_warning_and_skipped(everyday_dir: Path):
    result = run("build", "problems.md", "-o", "out.apkg", "--verbose")
    assert result.exit_code == 0, result.output
    expected = 'warning: problems.md:7: Q2 "What is a race condition?": question without an answer'
    assert expected in result.stderr
    assert "qa2anki: 2 cards from 1 source, 1 item dropped -> out.apkg" in result.stdout


def test_truncated_json_payload(everyday_dir: Path, prior: Snapshot):
    """Whichever adapter claims it (or none), a truncated payload never gives a traceback and
    never replaces the previous deck with nothing."""
    result = run("build", "good.md", "truncated.json", "-o", "out.apkg")
    assert_one_line_error(result, "truncated.json:1: ", "JSON")
    assert_untouched(everyday_dir, prior)


@pytest.mark.parametrize("adapter", sorted(ADAPTERS))
def test_truncated_json_forced_through_every_adapter(everyday_dir: Path, prior: Snapshot, adapter: str):
    """``format: X`` on a broken payload: a clean build or one clean error line, for every adapter."""
    (everyday_dir / "forced.yaml").write_text(
        f"decks:\n  - name: Forced\n    output: out.apkg\n    sources:\n"
        f"      - path: truncated.json\n        format: {adapter}\n"
    )
    result = run("build", "-c", "forced.yaml")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code != 0:
        assert_one_line_error(result, "")
        assert "truncated.json" in result.stderr or "out.apkg" in result.stderr
        assert_untouched(everyday_dir, prior)


def test_unknown_format_name(everyday_dir: Path, prior: Snapshot):
    (everyday_dir / "forced.yaml").write_text(
        "decks:\n  - name: Forced\n    output: out.apkg\n    sources:\n"
        "      - path: good.md\n        format: markdwn\n"
    )
    result = run("build", "-c", "forced.yaml")
    assert_one_line_error(result, "out.apkg: ", "no cards", "good.md", "unknown format 'markdwn'")
    assert_untouched(everyday_dir, prior)


# --- the manifest ---------------------------------------------------------------------------


def test_manifest_not_valid_yaml_names_the_line(everyday_dir: Path, prior: Snapshot):
    result = run("build", "-c", "bad_yaml.yaml")
    assert_one_line_error(result, "bad_yaml.yaml:5: invalid YAML: ", "on line 4")
    assert_untouched(everyday_dir, prior)


def test_unknown_manifest_key_suggests_the_nearest(everyday_dir: Path, prior: Snapshot):
    result = run("build", "-c", "typo.yaml")
    assert_one_line_error(result, "typo.yaml:4: unknown key 'sorces'", "did you mean 'sources'?")
    assert_untouched(everyday_dir, prior)


def test_duplicate_deck_names(everyday_dir: Path, prior: Snapshot):
    result = run("build", "-c", "duplicate_decks.yaml")
    assert_one_line_error(result, "duplicate_decks.yaml:5: duplicate deck name 'python'")
    assert not (everyday_dir / "one.apkg").exists()
    assert_untouched(everyday_dir, prior)


def test_missing_manifest(everyday_dir: Path):
    result = run("build", "-c", "nothing.yaml")
    assert_one_line_error(result, "nothing.yaml: manifest not found")


# --- where the deck goes --------------------------------------------------------------------


def test_output_folder_that_cannot_be_written(everyday_dir: Path, prior: Snapshot):
    """A regular file where a folder should be stops even root (chmod would not)."""
    result = run("build", "good.md", "-o", "good.md/decks/out.apkg")
    assert_one_line_error(result, "good.md/decks/out.apkg: cannot write here: 'good.md' is a file")
    assert (everyday_dir / "good.md").read_bytes() == (FIXTURES / "good.md").read_bytes()
    assert_untouched(everyday_dir, prior)


def test_report_that_cannot_be_written_fails_before_the_deck_is_replaced(everyday_dir: Path, prior: Snapshot):
    result = run("build", "problems.md", "-o", "out.apkg", "--report", "good.md/report.json")
    assert_one_line_error(result, "good.md/report.json: cannot write here")
    assert_untouched(everyday_dir, prior)


def test_output_is_a_folder(everyday_dir: Path, prior: Snapshot):
    (everyday_dir / "decks" / "x.apkg").mkdir(parents=True)
    result = run("build", "good.md", "-o", "decks/x.apkg")
    assert_one_line_error(result, "decks/x.apkg: ", "folder")
    assert_untouched(everyday_dir, prior)


def test_output_equal_to_a_source(everyday_dir: Path, prior: Snapshot):
    before = (everyday_dir / "problems.md").read_bytes()
    result = run("build", "good.md", "problems.md", "-o", "problems.md")
    assert result.exit_code == 2 and "must end in .apkg" in result.stderr  # more in test_safety_outputs
    assert (everyday_dir / "problems.md").read_bytes() == before
    assert_untouched(everyday_dir, prior)


def test_output_equal_to_the_manifest(everyday_dir: Path):
    manifest = "decks:\n  - name: Self\n    output: self.yaml\n    sources: [good.md]\n"
    (everyday_dir / "self.yaml").write_text(manifest)
    before = (everyday_dir / "self.yaml").read_bytes()
    result = run("build", "-c", "self.yaml")
    assert_one_line_error(result, "self.yaml:3: ", "not an .apkg file")
    assert (everyday_dir / "self.yaml").read_bytes() == before


# --- command-line usage ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "-o", "out.apkg"], "-o and --deck go with FILE arguments"),
        (["build", "good.md"], "name the deck file with -o OUT.apkg"),
        (["build", "--deck", "X"], "-o and --deck go with FILE arguments"),
        (["build", "good.md", "-o", "out.apkg", "-q", "-v"], "--quiet and --verbose cannot be used together"),
        (["check", "-q", "-v"], "--quiet and --verbose cannot be used together"),
        (["build", "good.md", "-o", "x.apkg", "-c", "typo.yaml"], "name source FILEs or a --config"),
        (["check", "good.md", "-c", "typo.yaml"], "name source FILEs or a --config"),
        (["check", "-o", "x.apkg"], "No such option"),
        (["build", "--colour"], "No such option"),
        (["bild"], "No such command"),
    ],
)
def test_unexpected_usage_exits_2_with_a_hint(
    everyday_dir: Path, prior: Snapshot, args: list[str], message: str
):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert_untouched(everyday_dir, prior)


# --- the Python API raises only the tool's own errors ---------------------------------------


@pytest.mark.parametrize(
    ("files", "output"),
    [
        (["nowhere.md"], "out.apkg"),
        (["."], "out.apkg"),
        (["empty.md"], "out.apkg"),
        (["binary.png"], "out.apkg"),
        (["truncated.json"], "out.apkg"),
        (["good.md"], "good.md"),
        (["good.md"], "good.md/x/out.apkg"),
    ],
)
def test_python_api_raises_qa2anki_errors(everyday_dir: Path, prior: Snapshot, files: list[str], output: str):
    with pytest.raises(Qa2AnkiError) as caught:
        build(manifest_for_files(files, output))
    assert caught.value.file
    assert_untouched(everyday_dir, prior)


@pytest.mark.parametrize("name", ["bad_yaml.yaml", "typo.yaml", "duplicate_decks.yaml", "nothing.yaml"])
def test_python_api_manifest_errors(everyday_dir: Path, name: str):
    with pytest.raises(Qa2AnkiError) as caught:
        load_manifest(name)
    assert caught.value.file == name


def test_unreadable_source_file(everyday_dir: Path, prior: Snapshot):
    """A source we may not read (skipped as root, who reads everything)."""
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    locked = everyday_dir / "locked.md"
    shutil.copy(everyday_dir / "good.md", locked)
    locked.chmod(0)
    result = run("build", "locked.md", "-o", "out.apkg")
    assert_one_line_error(result, "locked.md: cannot read")
    assert_untouched(everyday_dir, prior)


def test_odd_but_valid_yaml_values_are_errors_not_tracebacks(everyday_dir: Path):
    """Found by the manifest fuzz test: an empty key once crashed the value conversion."""
    (everyday_dir / "odd.yaml").write_text("decks:\n-   name:\n    sources:\n-     :x\n")
    assert_one_line_error(run("build", "-c", "odd.yaml"), "odd.yaml:2: 'name' must be")
    (everyday_dir / "odd.yaml").write_text(
        "decks:\n  - name: X\n    sources:\n      - path: good.md\n        options: {? [1]: 2}\n"
    )
    assert_one_line_error(run("build", "-c", "odd.yaml"), "odd.yaml:5: invalid value: found unhashable key")
