"""What a new user meets first: messages that say where (the manifest's line) and what to do,
counted in words that agree with their numbers, and output flags that work on every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qa2anki.cli import main

PLACEHOLDERS = "".join(f"## Q{n}. What is pending {n}?\n\nLorem ipsum dolor sit amet.\n\n" for n in (2, 3))


def run(folder: Path, *args: str):
    result = CliRunner().invoke(main, [*args[:1], "--config", "qa2anki.yaml", *args[1:]])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # messages name the manifest as the user typed it
    (tmp_path / "a.md").write_text("## Q1. What is a goroutine?\n\nA function run concurrently.\n\n"
                                   + PLACEHOLDERS, encoding="utf-8")
    return tmp_path


def manifest(folder: Path, *sources: str) -> None:
    lines = ["decks:", "  - name: D", "    output: d.apkg", "    sources:", *sources]
    (folder / "qa2anki.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_missing_source_is_named_at_its_manifest_line(folder: Path):
    manifest(folder, "      - a.md", "      - missing.md", "      - path: gone.md")
    built = run(folder, "build")
    assert built.exit_code == 1
    assert built.output.strip().splitlines()[-1] == "error: qa2anki.yaml:6: source 'missing.md': no such file"
    checked = run(folder, "check")
    assert "error: qa2anki.yaml:6: source 'missing.md': no such file" in checked.output
    assert "error: qa2anki.yaml:7: source 'gone.md': no such file" in checked.output
    assert not (folder / "d.apkg").exists()


def test_a_pattern_that_matches_nothing_says_so(folder: Path):
    manifest(folder, "      - a.md", '      - "notes/*.md"')
    built = run(folder, "build")
    assert built.exit_code == 1
    assert built.output.strip().splitlines()[-1] == "error: qa2anki.yaml:6: 'notes/*.md' matches no file"


def test_counts_agree_with_their_numbers(folder: Path):
    (folder / "one.md").write_text("## What is a goroutine?\n\nA function run concurrently.\n")
    result = CliRunner().invoke(main, ["build", str(folder / "one.md"), "-o", str(folder / "one.apkg")])
    assert result.exit_code == 0 and "qa2anki: 1 card from 1 source -> " in result.output
    result = CliRunner().invoke(main, ["build", str(folder / "one.md"), "-o", str(folder / "one")])
    assert result.exit_code == 2 and "must end in .apkg (got" in result.output


def test_accepted_drops_are_reported_but_pass_strict(folder: Path):
    manifest(folder, "      - path: a.md")
    warned = run(folder, "check", "--strict")
    assert warned.exit_code == 1 and warned.output.count("placeholder answer") == 2
    built = run(folder, "build")
    assert "2 items made no card: 2 placeholder" in built.output and "accept_dropped:" in built.output
    manifest(folder, "      - path: a.md", "        accept_dropped: [placeholder]")
    strict = run(folder, "check", "--strict")
    assert strict.exit_code == 0, strict.output
    assert strict.output.strip() == (
        "0 errors, 0 warnings in 1 source; 2 items dropped as the manifest accepts")
    listed = run(folder, "check", "-v")
    assert listed.output.count("info: ") == 2 and "(accept_dropped in the manifest)" in listed.output
    built = run(folder, "build")
    assert "2 items made no card, as the manifest accepts: 2 placeholder" in built.output


def test_an_unknown_drop_reason_suggests_the_known_one(folder: Path):
    manifest(folder, "      - path: a.md", "        accept_dropped: [placeholders]")
    result = run(folder, "build")
    assert result.exit_code == 1
    assert "qa2anki.yaml:6: accept_dropped: unknown reason 'placeholders'; did you mean 'placeholder'?" in (
        result.output)


def test_preview_quiet_prints_only_the_page(folder: Path):
    manifest(folder, "      - a.md")
    with (folder / "qa2anki.yaml").open("a", encoding="utf-8") as text:
        text.write("    dedup:\n      merge:\n        - [a.md#Q1, a.md#Q99]\n")  # Q99: no such item
    loud = run(folder, "preview", "-o", "p.html")
    assert loud.exit_code == 0 and "warning: a.md: dedup merge: no item 'a.md#Q99'" in loud.output
    quiet = run(folder, "preview", "-q", "-o", "p.html", "--force")
    assert quiet.exit_code == 0 and quiet.output.strip() == "p.html"
