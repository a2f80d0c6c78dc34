"""End to end: the flattened samples of seed 001 are counted, mended and highlighted in real Anki."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from ankitools import import_apkg
from conftest import SOURCES
from htmlcheck import without_line_spans
from qa2anki.cli import main

SEED_001 = SOURCES / "001_69c6ad9c276d4e73.txt"


def _build(tmp_path: Path) -> tuple[Path, dict]:
    out, report = tmp_path / "out.apkg", tmp_path / "report.json"
    result = CliRunner().invoke(main, ["build", str(SEED_001), "-o", str(out), "--report", str(report)])
    assert result.exit_code == 0, result.output
    return out, json.loads(report.read_text(encoding="utf-8"))


def test_report_counts_every_flattened_sample_as_repaired(tmp_path):
    _, report = _build(tmp_path)
    (source,) = [s for s in report["sources"] if s["file"] == SEED_001.relative_to(Path.cwd()).as_posix()]
    assert source["damaged_code"] == {"found": 33, "repaired": 33, "unrepaired": 0}


def test_repaired_code_is_highlighted_on_its_card(tmp_path, collection):
    out, _ = _build(tmp_path)
    import_apkg(collection, out)
    answers = [collection.get_note(nid)["Answer"] for nid in collection.find_notes("")]
    (answer,) = [without_line_spans(a) for a in answers if "jsonable_encoder" in a and "redis" in a]
    assert '<div class="highlight">' in answer
    assert "qa2anki-damaged" not in answer
    # the comment ends where the code resumes: redis.set(...) is code on its own line, not comment text
    assert re.search(r"# Pydantic model -&gt; JSON-safe dict</span>\n<span[^>]*>redis</span>", answer)
