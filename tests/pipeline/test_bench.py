"""The benchmark at a small size, so ``make bench`` never breaks unnoticed (figures, no timing asserts)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from bench import corpus
from bench.__main__ import main as bench_main
from bench.floor import write_floor_deck
from bench.peers import write_ankdown_cards
from bench.planted import planted_figures
from bench.stages import stage_times


def test_corpus_is_deterministic_with_planted_duplicates_and_varied_code():
    first = corpus.items(2000, seed=3)
    assert first == corpus.items(2000, seed=3)
    assert first != corpus.items(2000, seed=4)
    groups = Counter(item.original for item in first)
    planted = sum(size - 1 for size in groups.values())
    assert 0.1 * 2000 < planted < 0.3 * 2000
    assert max(groups.values()) > 20  # past any "too common to index" cut-off
    assert len({item.question for item in first}) > 0.9 * 2000  # duplicates are reworded
    lines = [line for item in first for line in item.answer.splitlines()]
    fences = Counter(line for line in lines if line.startswith("```") and line != "```")
    assert len(fences) >= 5 and max(fences.values()) < 0.5 * sum(fences.values())


def test_planted_duplicates_are_found_at_a_small_size():
    figures = planted_figures(600)
    assert figures.planted > 100
    assert figures.recall > 0.9 and figures.precision > 0.9


def test_ankdown_gets_each_card_with_a_blank_line_before_its_fences(tmp_path: Path):
    pairs = [("What is X?", "It is:\n```python\nx = 1\n```"), ("Y?", "Z")]
    folder = write_ankdown_cards(pairs, tmp_path / "c")
    (text,) = [path.read_text() for path in folder.iterdir()]
    assert text == "What is X?\n\n%\n\nIt is:\n\n```python\nx = 1\n```\n\n---\n\nY?\n\n%\n\nZ\n\n---\n"


@pytest.mark.parametrize("kind", ["bare", "naive"])
def test_each_floor_writes_its_deck(tmp_path: Path, kind: str):
    write_floor_deck([("Q?", "Use:\n```python\nx = 1\n```")], tmp_path / "floor.apkg", kind)
    assert (tmp_path / "floor.apkg").stat().st_size > 0


def test_stage_times_cover_every_stage(tmp_path: Path):
    manifest = corpus.write_corpus(tmp_path, 300, per_file=100)
    times = stage_times(manifest)
    assert times["items"] == 300
    assert 0 < times["cards"] <= 300
    for stage in ("read", "repair", "dedup", "render", "package"):
        assert times[stage] >= 0


@pytest.mark.slow  # 16 s: the whole benchmark at 1k items; `make bench` runs it for real
def test_bench_prints_a_table_at_1k(capsys: pytest.CaptureFixture[str]):
    bench_main(["--sizes", "1000", "--peer-sizes", "1000", "--runs", "1", "--no-seeds", "--oversize-mb", "0"])
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.split()[:3] == ["corpus", "items", "cards"])
    assert "ratio" in header and "rss_mb" in header
    row = next(line for line in out.splitlines() if line.split()[:1] == ["n=1000"])
    assert row.split()[1] == "1000"
    assert "peers n=1000: qa2anki " in out and "naive floor" in out
    assert "dedup on planted duplicates n=1000: recall " in out


def test_bench_measures_startup():
    """The `--help` / `--version` line `make bench` prints (no timing asserted)."""
    from bench.__main__ import startup_figure

    line = startup_figure(runs=1)
    assert line.startswith("startup: --help ") and "--version " in line and "goal < 0.2 s" in line
