"""Issue 12, family 10: nothing silently lost. Every non-blank line of a source ends on a card, in
``dropped`` or in a skipped region with a reason (or is bare structure: a fence, ``</details>``,
``],``); what went nowhere is named by line, in ``--report`` and by ``check``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA, SEED, SOURCES
from qa2anki.adapters import read_source_text
from qa2anki.cli import main
from qa2anki.coverage import Coverage, coverage_of
from qa2anki.models import Dropped, Item, Skipped, SourceResult
from qa2anki.normalize import normalize

KEY_SUFFIX = ".expected.yaml"


def _documents(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.endswith(KEY_SUFFIX)
                  and p.name != "README.md")


#: Every corpus document with an answer key, the documents modelled on real files (other
#: families fill that folder), and the seed sources.
CORPUS = [
    *_documents(DATA / "generality", "*"),
    *_documents(DATA / "mdgen", "*"),
    *_documents(DATA / "realworld", "**/*"),
    *_documents(SOURCES, "*"),
]


def _binary(path: Path) -> bool:
    """A file without lines (an ``.apkg``): coverage by line does not apply to it."""
    return b"\x00" in path.read_bytes()[:8192]


@pytest.mark.parametrize("document", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_line_of_the_corpus_is_accounted_for(document: Path):
    if _binary(document):
        pytest.skip("a binary deck has no lines; it is read note by note")
    result, text = read_source_text(document)
    coverage = coverage_of(text, result, document.name)
    lines = text.split("\n")
    lost = [f"{first}: {lines[first - 1][:80]}" for first, _ in coverage.unaccounted]
    assert coverage.unaccounted == (), lost
    assert coverage.lines == sum(1 for line in lines if line.strip())
    assert coverage.carded > 0 or not result.items  # a list of questions alone has nothing on a card
    assert coverage.carded + coverage.dropped + coverage.skipped + coverage.structure == coverage.lines


# --- what counts as carded ---------------------------------------------------------------------

PAGE = """\
# Notes

## What is a pod?

The smallest deployable unit.
It groups containers that share a network.

## What is a node?

A machine that runs pods.
"""


def _item(question: str, answer: str, line: int, end_line: int | None, **fields: object) -> Item:
    return Item(question, answer, "notes.md", question[:6], line, end_line=end_line, **fields)  # type: ignore[arg-type]


def test_a_line_missing_from_its_answer_is_lost_though_inside_the_item():
    result = SourceResult("notes.md", "markdown", (
        _item("What is a pod?", "The smallest deployable unit.", 3, 6),
        _item("What is a node?", "A machine that runs pods.", 8, 10),
    ), skipped=(Skipped("notes.md", 1, 1, "title"),))
    coverage = coverage_of(PAGE, result)
    assert coverage.unaccounted == ((6, 6),)
    assert (coverage.lines, coverage.carded, coverage.skipped) == (6, 4, 1)


def test_common_words_found_elsewhere_in_the_answer_do_not_hide_a_lost_line():
    text = "Q1. What is it?\nIt is the same.\nIt is the same thing, the same way.\n"
    item = _item("What is it?", "It is the same thing, the same way.", 1, 3)
    result = SourceResult("t.txt", "numbered-text", (item,))
    assert coverage_of(text, result).unaccounted == ((2, 2),)


def test_lines_dropped_skipped_or_bare_structure_are_accounted():
    text = "# Title\n\n---\nQ1. What?\n\nLorem ipsum dolor.\n</details>\n```\n"
    dropped = Dropped("t.md", "Q1", 4, "placeholder", "What?", 6)
    title = Skipped("t.md", 1, 1, "title")
    result = SourceResult("t.md", "markdown", (), dropped=(dropped,), skipped=(title,))
    coverage = coverage_of(text, result)
    assert (coverage.dropped, coverage.skipped, coverage.structure, coverage.unaccounted) == (2, 1, 3, ())


def test_an_item_without_an_end_runs_to_the_next_start_and_its_words_must_still_appear():
    result = SourceResult("notes.md", "markdown", (
        _item("What is a pod?", "The smallest deployable unit.\nIt groups containers that share a network.",
              3, None),
        _item("What is a node?", "A machine.", 8, None),
    ), skipped=(Skipped("notes.md", 1, 1, "title"),))
    assert coverage_of(PAGE, result).unaccounted == ((10, 10),)


def test_each_ideograph_is_a_word():
    text = "问：什么是闭包？\n答：函数和它的词法环境。\n额外的一行没有进入答案。\n"
    result = SourceResult("zh.txt", "numbered-text", (_item("什么是闭包？", "函数和它的词法环境。", 1, 3),))
    assert coverage_of(text, result).unaccounted == ((3, 3),)


def test_field_names_and_syntax_are_structure_only_values_must_appear():
    text = ('[\n  {\n    "question": "What is DNS?",\n    "answer": "Names to addresses.",\n'
            '    "views": 12\n  }\n]\n')
    result = SourceResult("f.json", "json", (_item("What is DNS?", "Names to addresses.", 2, 6),))
    assert coverage_of(text, result).unaccounted == ((5, 5),)


def test_section_headings_are_carded_as_the_topic_of_the_questions_below():
    text = "## Networking\n\n### What is DNS?\n\nNames to addresses.\n"
    result = SourceResult("n.md", "markdown", (_item("What is DNS?", "Names to addresses.", 3, 5,
                                                       meta={"topic": "Networking"}),))
    coverage = coverage_of(text, result)
    assert (coverage.carded, coverage.unaccounted) == (3, ())


def test_a_one_line_file_is_matched_by_its_words():
    text = '{"cards":[{"q":"What is DNS?","a":"Names to addresses."},{"q":"What is TCP?","a":"A stream."}]}'
    kept = SourceResult("m.json", "json", (_item("What is DNS?", "Names to addresses.", None, None),
                                           _item("What is TCP?", "A stream.", None, None)))
    assert coverage_of(text, kept).carded == 1
    lost = SourceResult("m.json", "json", (_item("What is TCP?", "A stream.", None, None),))
    assert coverage_of(text, lost).unaccounted == ((1, 1),)


def test_a_common_schema_file_is_covered_though_its_items_name_the_original_lines(tmp_path: Path):
    written = normalize([DATA / "generality" / "flashcards.yaml", SOURCES / SEED], tmp_path).written
    for path in written:
        result, text = read_source_text(path)
        coverage = coverage_of(text, result, path.name)
        assert coverage.unaccounted == (), path.name
        assert coverage.carded > 0 and {s.reason for s in result.skipped} >= {"comment", "document-field"}


def test_lines_of_items_dropped_after_reading_move_to_dropped():
    coverage = Coverage.of_kinds("cc csc")
    moved = coverage.with_dropped([(1, 2), (5, None)])
    assert (moved.carded, moved.dropped, moved.skipped, moved.lines) == (2, 2, 1, 5)
    assert Coverage(4, 4, 0, 0, 0).with_dropped([(1, 2)]) == Coverage(4, 4, 0, 0, 0)  # counts only


# --- in the report, the cache and check -------------------------------------------------------

STRAY = """\
# Notes

1. **What is X?**

   X is a thing.

A stray paragraph at the margin, between two questions,

and another one.

2. **What is Y?**

   Y is another thing.
"""


def test_check_warns_with_the_range_of_lines_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    Path("stray.md").write_text(STRAY, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "stray.md"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("warning: stray.md:7-9: text on no card, and not dropped")
    assert "1 warning in 1 source" in result.output


@pytest.mark.parametrize("recover", [True, False])
def test_the_report_gives_each_source_its_coverage(tmp_path: Path, recover: bool):
    for name in (SEED, "002_7deff138cdeedc43.txt"):
        shutil.copy(SOURCES / name, tmp_path / name)
    (tmp_path / "stray.md").write_text(STRAY, encoding="utf-8")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: D\n    output: d.apkg\n    sources:\n      - 004_7624664d3e7a1fbf.txt\n"
        f"      - path: 002_7deff138cdeedc43.txt\n        recover: {str(recover).lower()}\n"
        "      - stray.md\n")
    result = CliRunner().invoke(main, ["build", "-c", str(tmp_path / "qa2anki.yaml"), "--report",
                                       str(tmp_path / "report.json"), "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text())
    coverage = {source["file"]: source["coverage"] for source in report["sources"]}
    assert coverage[SEED]["unaccounted"] == [] and coverage[SEED]["skipped"] > 0
    page = coverage["002_7deff138cdeedc43.txt"]
    # answers no question claims are recovered cards, or (recover: false) dropped
    assert (page["dropped"] == 0) == recover and page["carded"] > 0 and page["unaccounted"] == []
    assert sum(page[kind] for kind in ("carded", "dropped", "skipped", "structure")) == page["lines"]
    assert coverage["stray.md"]["unaccounted"] == [[7, 9]]
    warning = next(w for w in report["warnings"] if w["file"] == "stray.md")
    assert (warning["line"], warning["end_line"]) == (7, 9)


def test_a_cached_build_keeps_the_coverage_and_its_warning(tmp_path: Path):
    (tmp_path / "stray.md").write_text(STRAY, encoding="utf-8")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: D\n    output: d.apkg\n    sources: [stray.md]\n")
    first = CliRunner().invoke(main, ["build", "-c", str(tmp_path / "qa2anki.yaml")])
    again = CliRunner().invoke(main, ["build", "-c", str(tmp_path / "qa2anki.yaml")])
    assert first.exit_code == again.exit_code == 0, again.output
    assert "up to date: no input changed" in again.output
    assert "stray.md:7-9: text on no card" in again.output
    record = json.loads((tmp_path / ".qa2anki-cache" / "build.json").read_text())
    assert record["decks"][0]["sources"][0]["coverage"]["unaccounted"] == [[7, 9]]


def test_a_record_of_another_shape_among_records_is_dropped_not_passed_over(tmp_path: Path):
    path = tmp_path / "faq.json"
    path.write_text('[\n  {"question": "What is DNS?", "answer": "Names to addresses."},\n'
                    '  {"question": "What is TCP?", "answer": "A reliable stream."},\n'
                    '  {"title": "What is UDP?", "body": "Datagrams."}\n]\n', encoding="utf-8")
    result, text = read_source_text(path)
    dropped = [(d.line, d.end_line, d.reason, d.ref) for d in result.dropped]
    assert dropped == [(4, 4, "not-a-record", "what-is-udp")]
    assert coverage_of(text, result, path.name).unaccounted == ()


@pytest.mark.parametrize("damage", [
    {"unaccounted": [[9, 7]]}, {"unaccounted": [[7, 9], [8, 10]]}, {"carded": -1}, {"lines": 1},
    {"skipped": "3"}, {"extra": 1}, {"unaccounted": [[0, 1]]},
])
def test_a_cache_record_with_a_damaged_coverage_is_a_miss(tmp_path: Path, damage: dict[str, object]):
    (tmp_path / "stray.md").write_text(STRAY, encoding="utf-8")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: D\n    output: d.apkg\n    sources: [stray.md]\n")
    manifest = str(tmp_path / "qa2anki.yaml")
    assert CliRunner().invoke(main, ["build", "-c", manifest]).exit_code == 0
    cache = tmp_path / ".qa2anki-cache" / "build.json"
    record = json.loads(cache.read_text())
    record["decks"][0]["sources"][0]["coverage"].update(damage)
    cache.write_text(json.dumps(record))
    again = CliRunner().invoke(main, ["build", "-c", manifest])
    assert again.exit_code == 0, again.output
    assert "up to date" not in again.output  # rebuilt, not replayed from the damaged record
