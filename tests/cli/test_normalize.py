"""``qa2anki normalize``: the common schema written per source, and built back into the same cards."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, SOURCES
from qa2anki.adapters import read_source
from qa2anki.adapters.common_schema import dump
from qa2anki.adapters.common_schema import read as read_common
from qa2anki.cli import main
from qa2anki.errors import OutputError, SourceError
from qa2anki.manifest import manifest_for_files
from qa2anki.models import ANSWER_ONLY, DEDENTED, Item, damaged_fence
from qa2anki.normalize import normalize
from qa2anki.pipeline import build
from qa2anki.repair import repair_items

SEED_000 = SOURCES / "000_ef3bbbb18375a36d.txt"
SEED_004 = SOURCES / "004_7624664d3e7a1fbf.txt"
ROUND_TRIP = [SEED_000, SEED_004, DATA / "records" / "faq_object.json",
              DATA / "records" / "nested_categories.yaml", DATA / "records" / "qa_bom_crlf.csv"]


def _notes(paths: list[Path], tmp_path: Path):
    manifest = manifest_for_files(paths, tmp_path / "unused.apkg", "Interview")
    return [(n.guid, n.fields, n.tags) for n in build(manifest, write=False).decks[0].notes]


@pytest.mark.parametrize("source", ROUND_TRIP, ids=lambda p: p.name)
def test_normalized_file_reads_back_as_the_same_items(source, tmp_path):
    (written,) = normalize([source], tmp_path).written
    key = source.resolve().relative_to(Path.cwd()).as_posix()  # keyed as a build from here keys it
    original, again = read_source(source, key=key), read_source(written)
    assert again.format == "qa2anki"
    # normalize writes items after repair (which also labels code blocks that had no language)
    assert again.items == repair_items(original.items).items  # questions, answers, refs, meta, tags, flags
    assert again.dropped == original.dropped


def test_building_from_normalized_files_gives_the_same_cards(tmp_path):
    seeds = sorted(SOURCES.iterdir())
    result = normalize(seeds, tmp_path / "normalized")
    read = [seed for seed in seeds if tmp_path / "normalized" / f"{seed.stem}.yaml" in result.written]
    assert SEED_000 in read and SEED_004 in read
    original = _notes(read, tmp_path)
    assert len(original) >= 101
    assert _notes(list(result.written), tmp_path) == original  # same GUIDs, fields and tags


def test_multi_line_answers_are_block_scalars(tmp_path):
    (written,) = normalize([SEED_000], tmp_path).written
    text = written.read_text(encoding="utf-8")
    assert text.count("  answer: |") == 71
    assert "    ```python\n    import asyncio\n" in text
    assert "source: sources/000_ef3bbbb18375a36d.txt\nformat: nuxt-payload\n" in text


def test_normalize_runs_the_repair_stage_and_keeps_answer_only_units(tmp_path):
    damaged = damaged_fence("print(1)\nprint(2)", "python", DEDENTED)
    items = [
        Item("What prints?", f"This:\n\n{damaged}", "page.txt", "Q1"),
        Item("", "An answer whose question was lost.", "page.txt", "L9", line=9,
             flags=frozenset({ANSWER_ONLY})),
    ]
    source = tmp_path / "page.yaml"
    source.write_text(dump("page.txt", "answer-only", items), encoding="utf-8")
    (written,) = normalize([source], tmp_path / "out").written
    result = read_source(written)
    assert "qa2anki-damaged" not in result.items[0].answer
    assert "```python\nprint(1)\nprint(2)\n```" in result.items[0].answer
    assert result.items[1].is_answer_only and result.items[1].question == ""


printable = st.text(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\n\t \r\x85\u2028"), max_size=60
)


@settings(max_examples=300, deadline=None)
@given(printable.filter(str.strip), printable.filter(str.strip), printable.filter(str.strip))
def test_any_text_survives_the_yaml_round_trip(question, answer, ref):
    item = Item(question, answer, "s.txt", ref.strip(), line=3, meta={"topic": answer}, tags=(question,))
    assert read_common(dump("s.txt", "json", [item]), "s.yaml", {}).items == (item,)


def test_equal_stems_get_distinct_outputs(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(DATA / "records" / "semicolon.csv", tmp_path / folder / "faq.csv")
    written = normalize([tmp_path / "a" / "faq.csv", tmp_path / "b" / "faq.csv"], tmp_path / "out").written
    assert [p.name for p in written] == ["faq.yaml", "faq-2.yaml"]


def test_never_overwrites_a_source(tmp_path):
    source = tmp_path / "faq.yaml"
    shutil.copy(DATA / "records" / "by_topic.yaml", source)
    with pytest.raises(OutputError, match="would overwrite a source"):
        normalize([source], tmp_path)


@pytest.mark.parametrize(
    "body, message",
    [
        ("items:\n- question: Q?\n  ref: r\n", "non-empty 'answer'"),
        ("items:\n- question: Q?\n  answer: A\n", "needs a 'ref'"),
        ("items:\n- answer: A\n  ref: r\n", "needs a 'question'"),
        ("items:\n- question: Q?\n  answer: A\n  ref: r\n  colour: red\n", "unknown field"),
    ],
)
def test_hand_edits_that_break_the_schema_are_located(body, message):
    with pytest.raises(SourceError, match=message) as caught:
        read_common(f"qa2anki: 1\nsource: s.txt\n{body}", "s.yaml", {})
    assert caught.value.line == 4


def test_cli_normalize_then_build(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["normalize", str(SEED_000), "-o", str(tmp_path / "n")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "n" / "000_ef3bbbb18375a36d.yaml")
    built = runner.invoke(main, ["build", str(tmp_path / "n" / "000_ef3bbbb18375a36d.yaml"),
                                 "-o", str(tmp_path / "d.apkg")])
    assert built.exit_code == 0, built.output
    assert "71 cards from 1 source" in built.output


def test_sources_no_adapter_reads_are_skipped_with_a_warning(tmp_path):
    prose = tmp_path / "notes.txt"
    prose.write_text("Just a paragraph of prose, with no questions in it at all.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["normalize", str(prose), str(SEED_004), "-o", str(tmp_path / "n")])
    assert result.exit_code == 0, result.output
    assert f"warning: {prose}: skipped: no adapter recognises this file" in result.output
    assert [p.name for p in (tmp_path / "n").iterdir()] == ["004_7624664d3e7a1fbf.yaml"]


def test_cli_normalize_errors_are_one_line(tmp_path):
    missing = tmp_path / "nope.json"
    result = CliRunner().invoke(main, ["normalize", str(missing), "-o", str(tmp_path / "n")])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {missing}: no such file"
