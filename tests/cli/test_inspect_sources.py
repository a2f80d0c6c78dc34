"""``qa2anki inspect``: the library function and the command around it."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from conftest import DATA, SOURCES
from qa2anki.cli import main
from qa2anki.inspect_sources import describe, inspect_source

MARKDOWN = DATA / "markdown"


def _run(*args: str):
    return CliRunner().invoke(main, ["inspect", *args])


def test_inspection_counts_items_code_and_drops():
    inspection = inspect_source(MARKDOWN / "details.md")
    assert (inspection.format, inspection.detected) == ("markdown", True)
    assert inspection.confidence == 0.75
    assert len(inspection.result.items) == 4
    assert inspection.items_with_code == 2
    assert inspection.dropped_by_reason == {"no-answer": 1}
    runner_up = inspection.runner_up
    assert runner_up is None or (runner_up[0] != "markdown" and runner_up[1] <= inspection.confidence)


def test_inspect_prints_format_certainty_and_counts():
    result = _run(str(MARKDOWN / "headings.md"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == str(MARKDOWN / "headings.md")
    assert lines[1].startswith("  format:  markdown (detected; sniff 0.70, ")
    assert lines[2:4] == ["  items:   3 (2 with code)", "  dropped: 1 (no-answer: 1)"]
    assert lines[4] == "  lines:   31 (21 on cards, 1 dropped, 7 skipped, 2 markup; none lost)"


def test_inspect_names_the_lines_on_no_card(tmp_path):
    page = tmp_path / "stray.md"
    page.write_text("# Notes\n\n1. **What is X?**\n\n   X is a thing.\n\nA stray paragraph at the margin,\n\n"
                    "and another one.\n\n2. **What is Y?**\n\n   Y is another thing.\n", encoding="utf-8")
    result = _run(str(page))
    lines = result.output.splitlines()
    assert lines[4] == "  lines:   7 (4 on cards, 0 dropped, 1 skipped, 0 markup; lost: 7-9)"


def test_inspect_items_lists_items_and_drops_in_source_order():
    result = _run("--items", str(MARKDOWN / "pairs.md"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[5:] == [
        "    what-is-a-queryset  line 5  What is a QuerySet?  — A lazy collection of database rows.",
        "    how-do-you-avoid-n-1-queries  line 7  How do you avoid N+1 queries?  — "
        "Use `select_related` for foreign keys. Use `prefetch_related…",
        "    what-is-a-class-based-view  line 19  What is a class-based view?  — "
        "A view written as a class; `as_view()` turns it into a funct…",
        "    what-does-get-object-or-404-return  line 22  What does `get_object_or_404` return?  "
        "[dropped: no-answer]",
        "    Q2  line 24  What is middleware?  — "
        "Hooks around every request: 1. request middleware - runs bef…",
    ]


def test_inspect_counts_seed_004():
    result = _run(str(next(SOURCES.glob("004_*.txt"))))
    assert result.exit_code == 0, result.output
    assert "  items:   30 (28 with code)\n  dropped: 0\n" in result.output


def test_format_option_overrides_detection(tmp_path: Path):
    prose = tmp_path / "notes.txt"
    prose.write_text("Just a paragraph about nothing.\n\nAnother one.\n", encoding="utf-8")
    result = _run("--format", "markdown", str(prose))
    assert result.exit_code == 0, result.output
    assert "  format:  markdown (as given; sniff 0.00, " in result.output
    assert "  items:   0 (0 with code)\n" in result.output


def test_unrecognised_file_names_the_formats_tried_and_suggests_format(tmp_path: Path):
    prose = tmp_path / "notes.txt"
    prose.write_text("Just a paragraph about nothing.\n", encoding="utf-8")
    result = _run(str(MARKDOWN / "table.md"), str(prose))
    assert result.exit_code == 1
    assert result.stdout.startswith(str(MARKDOWN / "table.md"))  # the good file is still shown
    expected = (
        rf"error: {re.escape(str(prose))}: no adapter recognises this file; "
        r"pass --format FORMAT \(one of [^)]*\bmarkdown\b[^)]*\)\n"
    )
    assert re.fullmatch(expected, result.stderr), result.stderr
    assert "Traceback" not in result.output


def test_missing_file_and_unknown_format_are_clear_errors(tmp_path: Path):
    missing = _run(str(tmp_path / "nope.md"))
    assert missing.exit_code == 1
    assert missing.stderr == f"error: {tmp_path / 'nope.md'}: no such file\n"
    unknown = _run("--format", "pdf", str(MARKDOWN / "table.md"))
    assert unknown.exit_code == 2
    assert "'pdf' is not one of" in unknown.stderr


def test_inspect_needs_a_file_and_documents_an_example():
    assert _run().exit_code == 2
    help_text = _run("--help").output
    assert "qa2anki inspect sources/*" in help_text
    assert "--items" in help_text and "--format" in help_text


def test_describe_is_what_the_command_prints():
    inspection = inspect_source(MARKDOWN / "bold_list.md")
    assert _run(str(MARKDOWN / "bold_list.md")).output == describe(inspection) + "\n"


def test_a_format_that_cannot_read_the_file_is_a_one_line_error():
    result = _run("--format", "json", str(MARKDOWN / "table.md"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: table.md:1: ") and result.stderr.count("\n") == 1
