"""Peers, measured in the same run as qa2anki so ratios hold on a noisy machine.

Every peer gets the same questions and answers (the cards qa2anki made, so no tool does less
because another merged duplicates): the two floors of :mod:`bench.floor`, and ankdown from
PyPI, the fastest markdown-to-Anki tool that highlights code, given its own card format
(``front % back ---``, with the blank line before each fence its markdown parser needs).
ankdown lives in its own virtualenv (``make bench`` makes ``.venv-peers``); without it its
column says so.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARDS_PER_FILE = 500

Measure = Callable[[list[str], Path], tuple[float, float]]


def ankdown_command() -> list[str] | None:
    """The ankdown executable: ``$QA2ANKI_ANKDOWN``, else ``.venv-peers/bin/ankdown``."""
    found = os.environ.get("QA2ANKI_ANKDOWN") or str(ROOT / ".venv-peers" / "bin" / "ankdown")
    return [found] if Path(found).exists() else None


def write_ankdown_cards(pairs: list[tuple[str, str]], folder: Path) -> Path:
    """The pairs in ankdown's format, in files of :data:`CARDS_PER_FILE` cards."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number, start in enumerate(range(0, len(pairs), CARDS_PER_FILE)):
        cards = [f"{question}\n\n%\n\n{_blank_before_fences(answer)}\n\n---\n"
                 for question, answer in pairs[start:start + CARDS_PER_FILE]]
        (folder / f"cards-{number:04d}.md").write_text("\n".join(cards), encoding="utf-8")
    return folder


def _blank_before_fences(answer: str) -> str:
    """A blank line before each opening fence that follows text (misaka needs one)."""
    out: list[str] = []
    inside = False
    for line in answer.split("\n"):
        if line.startswith("```"):
            if not inside and out and out[-1].strip():
                out.append("")
            inside = not inside
        out.append(line)
    return "\n".join(out)


def peer_figures(pairs: list[tuple[str, str]], folder: Path, runs: int, measure: Measure) -> dict[str, float]:
    """Median wall seconds and peak RSS (MB) of each peer on ``pairs``, by name."""
    qa_file = folder / "peer-qa.json"
    qa_file.write_text(json.dumps(pairs), encoding="utf-8")
    floor = [sys.executable, "-m", "bench.floor", str(qa_file)]
    commands = {f"{kind} floor": [*floor, str(folder / f"{kind}.apkg"), kind] for kind in ("naive", "bare")}
    ankdown = ankdown_command()
    if ankdown:
        cards = write_ankdown_cards(pairs, folder / "ankdown-cards")
        commands["ankdown"] = [*ankdown, "-r", str(cards), "-p", str(folder / "ankdown.apkg"), "--highlight"]
    figures: dict[str, float] = {}
    for name, command in commands.items():
        measured = [measure(command, ROOT) for _ in range(runs)]
        figures[name] = statistics.median(wall for wall, _ in measured)
        figures[f"{name} rss"] = max(rss for _, rss in measured)
    return figures
