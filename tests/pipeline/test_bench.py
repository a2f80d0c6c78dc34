"""The benchmark at a small size, so ``make bench`` never breaks unnoticed (figures, no timing asserts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench import corpus
from bench.__main__ import main as bench_main
from bench.stages import stage_times


def test_corpus_is_deterministic_with_near_duplicates():
    first = corpus.items(500, seed=3)
    assert first == corpus.items(500, seed=3)
    assert first != corpus.items(500, seed=4)
    reworded = sum(1 for item in first if "(case" in item.question and not item.question.startswith(
        ("What is", "How do you", "Why would you", "What are", "When should", "How does", "What goes")))
    assert 0.1 * 500 < reworded < 0.3 * 500
    assert sum("```python" in item.answer for item in first) > 200


def test_stage_times_cover_every_stage(tmp_path: Path):
    manifest = corpus.write_corpus(tmp_path, 300, per_file=100)
    times = stage_times(manifest)
    assert times["items"] == 300
    assert 0 < times["cards"] <= 300
    for stage in ("read", "repair", "dedup", "render", "package"):
        assert times[stage] >= 0


@pytest.mark.slow  # 16 s: the whole benchmark at 1k items; `make bench` runs it for real
def test_bench_prints_a_table_at_1k(capsys: pytest.CaptureFixture[str]):
    bench_main(["--sizes", "1000", "--runs", "1", "--no-seeds"])
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.split()[:3] == ["corpus", "items", "cards"])
    assert "ratio" in header and "rss_mb" in header
    row = next(line for line in out.splitlines() if line.split()[:1] == ["n=1000"])
    assert row.split()[1] == "1000"


def test_bench_measures_startup():
    """The `--help` / `--version` line `make bench` prints (no timing asserted)."""
    from bench.__main__ import startup_figure

    line = startup_figure(runs=1)
    assert line.startswith("startup: --help ") and "--version " in line and "goal < 0.2 s" in line
