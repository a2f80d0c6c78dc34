"""``qa2anki check``: every problem as FILE:LINE, a tally, the right exit code, nothing written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import DATA, ROOT
from qa2anki import ADAPTERS, build, load_manifest
from qa2anki.check import (
    ERROR,
    NOTE,
    WARNING,
    CheckReport,
    Finding,
    check,
    dropped_message,
    findings,
    plural,
)
from qa2anki.cli import main
from qa2anki.models import FLATTENED, Card, Diagnostic, Dropped, Item, damaged_fence
from qa2anki.render import Renderer, render_note
from qa2anki.repair import repair_items
from qa2anki.report import BuildReport, DeckReport

FIXTURES = DATA / "everyday"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", *args])


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and mtime: to prove nothing was written."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
    }


def test_fixture_with_known_problems(everyday_dir: Path):
    before = tree(everyday_dir)
    result = run("-c", "problems.yaml")
    lines = result.stdout.splitlines()
    assert len(lines) == 6, lines
    assert lines[0] == (
        'warning: problems.md:7: Q2 "What is a race condition?": question without an answer; no card made'
    )
    assert lines[1].startswith("error: truncated.json:1: ") and "JSON" in lines[1]
    assert lines[2] == (
        "warning: cp1252.md: not valid UTF-8 (first bad byte on line 1); read as cp1252, "
        "check accented letters and save it as UTF-8 to be sure"
    )
    assert lines[3] == (
        f"warning: unknown.txt: skipped: no adapter recognises this file (tried {', '.join(ADAPTERS)}); "
        "set 'format:' for it in the manifest"
    )
    assert lines[4:] == ["error: problems.yaml:12: source 'missing.md': no such file",
                         "2 errors, 3 warnings in 6 sources"]
    assert result.exit_code == 1
    assert tree(everyday_dir) == before


def test_warnings_alone_pass_unless_strict(everyday_dir: Path):
    result = run("good.md", "problems.md")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "0 errors, 1 warning in 2 sources"
    strict = run("good.md", "problems.md", "--strict")
    assert strict.exit_code == 1
    assert strict.stdout == result.stdout
    assert not list(everyday_dir.glob("*.apkg"))


def test_clean_sources_pass_strict(everyday_dir: Path):
    result = run("good.md", "bom_crlf.md", "--strict")
    assert result.exit_code == 0
    assert result.stdout == "0 errors, 0 warnings in 2 sources\n"


def test_quiet_prints_errors_and_the_tally_only(everyday_dir: Path):
    result = run("-c", "problems.yaml", "-q")
    lines = result.stdout.splitlines()
    assert [line.split(":")[:2] for line in lines[:-1]] == [
        ["error", " truncated.json"], ["error", " problems.yaml"]  # missing.md, at its manifest line
    ]
    assert lines[-1] == "2 errors, 3 warnings in 6 sources"


def test_broken_manifest_is_an_error_finding(everyday_dir: Path):
    result = run("-c", "typo.yaml")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("error: typo.yaml:4: unknown key 'sorces' in deck (did you mean 'sources'?)")
    assert lines[1] == "1 error, 0 warnings in 0 sources"


def test_every_unreadable_source_is_listed_not_just_the_first(everyday_dir: Path):
    result = run("good.md", "empty.md", "binary.png", "nowhere.md", "problems.md")
    errors = [line for line in result.stdout.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: empty.md: file is empty",
        "error: binary.png: binary file, not text (is this the right file?)",
        "error: nowhere.md: no such file",
    ]
    assert "problems.md:7:" in result.stdout  # the readable sources were still checked
    assert result.stdout.splitlines()[-1] == "3 errors, 1 warning in 5 sources"


def test_a_deck_left_with_no_cards_is_an_error(everyday_dir: Path):
    result = run("truncated.json")
    assert result.exit_code == 1
    assert "error: deck 'qa2anki' has no cards" in result.stdout


# --- findings from the report's data structures ----------------------------------------------


def _item(source: str, ref: str, line: int | None, question: str = "Q?") -> Item:
    return Item(question=question, answer="An answer.", source=source, ref=ref, line=line)


def _report(*, notes=(), dropped=(), diagnostics=()) -> BuildReport:  # type: ignore[no-untyped-def]
    deck = DeckReport("D", Path("d.apkg"), tuple(notes), (), tuple(dropped), tuple(diagnostics))
    return BuildReport((deck,))


@pytest.mark.parametrize(
    ("reason", "question", "expected"),
    [
        ("placeholder", "X?", 'Q53 "X?": placeholder answer (e.g. lorem ipsum); no card made'),
        ("no-question", "", "Q53: answer with no matching question in any source; no card made"),
        ("empty-answer", "Why?", 'Q53 "Why?": empty answer; no card made'),
        ("no-answer", "How?", 'Q53 "How?": question without an answer; no card made'),
        ("too-short-to-study", "", "Q53: dropped (too short to study); no card made"),
    ],
)
def test_every_dropped_reason_reads_as_a_sentence(reason: str, question: str, expected: str):
    assert dropped_message(Dropped("a.txt", "Q53", 12, reason, question)) == expected


def test_long_questions_are_shortened():
    message = dropped_message(Dropped("a.txt", "Q1", 1, "placeholder", "Why " * 40))
    assert len(message) < 140 and '..."' in message


def test_findings_cover_diagnostics_dropped_and_merges_in_source_order():
    first, second = _item("b.md", "Q1", 3), _item("a.md", "L9", 9)
    card = Card((first, second), similarity=0.91)
    note = render_note(card, Renderer(), guid="g", deck="D", subdecks="flat", tags=(), position=0)
    report = _report(
        notes=[note],
        dropped=[Dropped("a.md", "L40", 40, "no-question"), Dropped("b.md", "Q9", 30, "placeholder", "X?")],
        diagnostics=[
            Diagnostic("b.md", 12, "something broke", severity="error"), Diagnostic("a.md", 2, "odd")
        ],
    )
    found = findings(report, {"a.md": "src/a.md", "b.md": "src/b.md"})
    assert [str(f) for f in found] == [
        "warning: src/a.md:2: odd",
        "warning: src/a.md:40: L40: answer with no matching question in any source; no card made",
        "note: src/b.md:3: Q1: merged with src/a.md:9 into one card (similarity 0.91)",
        "error: src/b.md:12: something broke",
        'warning: src/b.md:30: Q9 "X?": placeholder answer (e.g. lorem ipsum); no card made',
    ]


def test_unrepaired_code_from_the_repair_stage_is_reported_at_its_item():
    item = Item("What is it?", damaged_fence("+++[>+<-]>.", "brainfuck", FLATTENED), "s.txt", "Q4", line=17)
    repaired = repair_items([item])
    report = _report(diagnostics=repaired.diagnostics)
    found = [str(f) for f in findings(report, {"s.txt": "sources/s.txt"})]
    assert found == [f"warning: sources/s.txt:17: {d.message}" for d in repaired.diagnostics]


def test_tally_and_exit_rule():
    report = CheckReport(
        (Finding(ERROR, "a", 1, "x"), Finding(WARNING, "a", 2, "y"), Finding(WARNING, "b", 1, "z"),
         Finding(NOTE, "b", 3, "m")),
        sources=1,
    )
    assert report.tally() == "1 error, 2 warnings in 1 source; 1 card merged"
    assert report.failed() and report.failed(strict=True)
    warned = CheckReport((Finding(WARNING, "a", 2, "y"), Finding(NOTE, "a", 3, "m")), sources=3)
    assert not warned.failed() and warned.failed(strict=True)
    assert not CheckReport((Finding(NOTE, "a", 3, "m"),), sources=3).failed(strict=True)


# --- the seeds and write=False ---------------------------------------------------------------


@pytest.fixture
def seed_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    shutil.copy(ROOT / "qa2anki.yaml", tmp_path / "qa2anki.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_on_the_seeds_prints_every_problem_the_build_reports(seed_project: Path):
    report = build(load_manifest("qa2anki.yaml"), write=False)
    result = CliRunner().invoke(main, ["check", "--verbose"])
    lines = result.stdout.splitlines()
    for dropped in report.dropped:
        where = dropped.source + (f":{dropped.line}: " if dropped.line else ": ")
        severity = "info" if dropped.accepted else "warning"  # the manifest accepts the placeholders
        assert any(line.startswith(f"{severity}: {where}{dropped.ref}") for line in lines), dropped
    for diagnostic in report.diagnostics:
        assert any(diagnostic.message in line for line in lines), diagnostic
    placeholders = sum(1 for d in report.dropped if d.reason == "placeholder")
    assert sum("placeholder answer" in line for line in lines) == placeholders
    warned = sum(not d.accepted for d in report.dropped)
    warnings = warned + sum(d.severity == "warning" for d in report.diagnostics)
    assert lines[-1].startswith(f"0 errors, {plural(warnings, 'warning')} in 5 sources")
    assert f"{placeholders} items dropped as the manifest accepts" in lines[-1]


def test_build_without_write_writes_nothing_anywhere(seed_project: Path):
    """Not the deck, nor a lockfile or cache a later stage may add: the tree stays as it was."""
    (seed_project / "qa2anki.yaml").write_text(
        (seed_project / "qa2anki.yaml").read_text() + "lockfile: qa2anki.lock\n"
    )
    os.utime(seed_project / "qa2anki.yaml", ns=(1, 1))
    before = tree(seed_project)
    report = build(load_manifest("qa2anki.yaml"), write=False)
    assert report.decks and not any(deck.written for deck in report.decks)
    assert tree(seed_project) == before
    check(load_manifest("qa2anki.yaml"))
    assert tree(seed_project) == before
