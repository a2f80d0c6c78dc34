"""A large source builds within a memory budget (the full 50 MB case is marked slow)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from bigsource import write_markdown

#: Peak memory allowed for a whole build (the benchmark's budget for 100k items is 1.5 GB).
MEMORY_BUDGET_MB = 1536


def build_measured(source: Path, output: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of ``qa2anki build`` in its own process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "qa2anki", "build", str(source), "-o", str(output), "-q"],
            stdout=out, stderr=err, env=env,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
        err.seek(0)
        assert child.returncode == 0, err.read().decode()
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def _build_and_count(tmp_path: Path, size: int) -> tuple[int, float, float]:
    source = tmp_path / "big.md"
    items = write_markdown(source, size=size)
    wall, rss, _ = build_measured(source, tmp_path / "big.apkg")
    with zipfile.ZipFile(tmp_path / "big.apkg") as deck:
        assert "collection.anki2" in deck.namelist()
    print(f"\n{size / 2**20:.0f} MB source, {items} items: {wall:.1f} s, peak RSS {rss:.0f} MB")
    return items, wall, rss


def test_a_1mb_source_builds_within_budget(tmp_path: Path):
    items, wall, rss = _build_and_count(tmp_path, 2**20)
    assert items > 3000
    assert rss < MEMORY_BUDGET_MB / 4


@pytest.mark.slow
def test_a_50mb_source_builds_within_budget(tmp_path: Path):
    items, wall, rss = _build_and_count(tmp_path, 50 * 2**20)
    assert items > 140_000
    assert rss < MEMORY_BUDGET_MB
