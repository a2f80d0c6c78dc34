"""The JSON report states, per deck, what changed since the last build (as the summary prints)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import SOURCES
from qa2anki.cli import main

SEED = "004_7624664d3e7a1fbf.txt"


def _report(folder: Path, source: Path) -> dict:
    report = folder / "report.json"
    result = CliRunner().invoke(
        main, ["build", str(source), "-o", str(folder / "deck.apkg"), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(report.read_text())


def test_report_counts_new_updated_unchanged_and_removed(tmp_path: Path):
    source = tmp_path / SEED
    shutil.copy(SOURCES / SEED, source)
    (first,) = _report(tmp_path, source)["decks"]
    assert (first["cards"], first["new"], first["updated"], first["unchanged"], first["removed"]) == (
        30, 30, 0, 0, [],
    )
    text = source.read_text()
    last = text.index("## Q30.")
    source.write_text(text[:last])  # delete the last question
    (second,) = _report(tmp_path, source)["decks"]
    assert (second["cards"], second["new"], second["updated"], second["unchanged"]) == (29, 0, 0, 29)
    assert len(second["removed"]) == 1
