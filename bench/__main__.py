"""``make bench``: time every stage and the whole build at several sizes against its peers.

Prints a table of medians over several runs: stage times, the cold build, a no-change rebuild
(``rebuild``), a rebuild after one question changed (``edit1``), the bare floor and the ratio
to it, and peak memory (RSS) of the whole build; then, measured in the same run, qa2anki
against the naive and bare floors and ankdown (:mod:`bench.peers`), the growth from 10k to
100k items, recall and precision on planted duplicates at each size (:mod:`bench.planted`),
and start-up time. Figures only: nothing here asserts a target.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import corpus, dedup_quality, recover_quality
from .peers import peer_figures
from .planted import planted_figures
from .stages import seed_manifest, stage_times

ROOT = Path(__file__).resolve().parent.parent


def run_measured(command: list[str], cwd: Path, check: bool = True) -> tuple[float, float, str, str, int]:
    """Wall seconds, peak RSS in MB, stdout, stderr and exit code of one child process
    (measured by :mod:`bench.measure`, so the peak is the command's own)."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.json"
        measured = [sys.executable, "-m", "bench.measure", str(figures), *command]
        done = subprocess.run(measured, cwd=cwd, capture_output=True, env=_bench_env())
        result = json.loads(figures.read_text(encoding="utf-8"))
    out, err = done.stdout.decode(), done.stderr.decode()
    if check and result["code"] != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{err}")
    return result["wall"], result["rss_mb"], out, err, result["code"]


def _bench_env() -> dict[str, str]:
    """The environment with this folder importable, so ``-m bench.measure`` runs from any ``cwd``,
    and Python's bytecode cache on, as a user's is (``PYTHONDONTWRITEBYTECODE`` would time
    compiling qa2anki's modules in every run)."""
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def qa2anki_command() -> list[str]:
    return [sys.executable, "-m", "qa2anki"]


def oversize_figure(folder: Path, megabytes: int) -> str:
    """Time and peak memory of a build refusing a markdown source over ``limits.source_mb``
    (100 MB by default): refused from its size before a byte is read."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "huge.md"
    block = "".join(f"## Q{n}. What is case {n}?\n\nIt is case {n}, as usual.\n\n" for n in range(20_000))
    with source.open("w", encoding="utf-8") as out:
        for _ in range(megabytes * 2**20 // len(block) + 1):
            out.write(block)
    size = source.stat().st_size / 2**20
    wall, peak, _, message, code = run_measured(
        [*qa2anki_command(), "build", "huge.md", "-o", "huge.apkg"], folder, check=False
    )
    source.unlink()
    outcome = "refused" if code == 1 and "limit" in message else "NOT refused"
    return f"{size:.0f} MB markdown source {outcome} in {wall:.2f}s, peak RSS {peak:.0f} MB"


def startup_figure(runs: int = 7) -> str:
    """Median wall time of ``qa2anki --help`` and ``--version``, each its own process (goal < 0.2 s)."""
    script = Path(sys.executable).with_name("qa2anki")
    command = [str(script)] if script.exists() else qa2anki_command()
    figures = []
    for flag in ("--help", "--version"):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([*command, flag], capture_output=True, check=True, env=_bench_env())
            times.append(time.perf_counter() - start)
        figures.append(f"{flag} {statistics.median(times):.2f}s")
    return "startup: " + ", ".join(figures) + f" (median of {runs}; goal < 0.2 s)"


def measure(manifest: Path, runs: int, with_peers: bool = True) -> dict[str, float]:
    """Stage medians (in-process) and whole-build medians (own process) for one corpus."""
    folder = manifest.parent
    stages = [stage_times(manifest) for _ in range(runs)]
    figures = {name: statistics.median(s[name] for s in stages) for name in stages[0]}
    cold, rss = [], []
    for _ in range(runs):
        shutil.rmtree(folder / "decks", ignore_errors=True)
        for stale in folder.glob("*.lock"):
            stale.unlink()
        shutil.rmtree(folder / ".qa2anki-cache", ignore_errors=True)
        wall, peak, *_ = run_measured([*qa2anki_command(), "build", "--config", str(manifest)], folder)
        cold.append(wall)
        rss.append(peak)
    figures["build"] = statistics.median(cold)
    figures["rss_mb"] = max(rss)
    warm = [run_measured([*qa2anki_command(), "build", "--config", str(manifest)], folder)[0]
            for _ in range(max(runs, NO_CHANGE_RUNS))]
    figures["rebuild"] = statistics.median(warm)
    figures["edit1"] = _one_item_edit(manifest)
    if with_peers:
        peers = peer_figures(stage_pairs(manifest), folder, runs, _wall_and_rss)
        figures.update(peers)
        figures["floor"] = peers["bare floor"]
        figures["ratio"] = figures["build"] / figures["floor"]
    return figures


#: A no-change rebuild takes a tenth of a second, so one run says little: its median of these.
NO_CHANGE_RUNS = 7


def _one_item_edit(manifest: Path) -> float:
    """Wall seconds of a rebuild after one question of the first source changed (the render
    cache keeps the other cards' fields)."""
    from qa2anki.manifest import load_manifest

    source = load_manifest(manifest).decks[0].sources[0].path
    text = source.read_text(encoding="utf-8")
    edited = re.sub(r"\?(?=\n)", "? (edited)", text, count=1)
    if edited == text:
        return float("nan")  # no question mark ends a line: nothing to edit
    source.write_text(edited, encoding="utf-8")
    try:
        return run_measured([*qa2anki_command(), "build", "--config", str(manifest)], manifest.parent)[0]
    finally:
        source.write_text(text, encoding="utf-8")
        run_measured([*qa2anki_command(), "build", "--config", str(manifest)], manifest.parent)


def _wall_and_rss(command: list[str], cwd: Path) -> tuple[float, float]:
    wall, rss, *_ = run_measured(command, cwd)
    return wall, rss


def peers_line(row: dict[str, float | str]) -> str:
    """qa2anki's time and memory against each peer's, measured in the same run."""
    build, rss = float(row["build"]), float(row["rss_mb"])
    cells = [f"qa2anki {build:.2f}s {rss:.0f} MB"]
    for name in ("naive floor", "bare floor", "ankdown"):
        if name in row:
            peer, peer_rss = float(row[name]), float(row[f"{name} rss"])
            ratios = f"time x{build / peer:.2f}, memory x{rss / peer_rss:.1f}"
            cells.append(f"{name} {peer:.2f}s {peer_rss:.0f} MB ({ratios})")
        elif name == "ankdown":
            cells.append("ankdown not installed (make bench installs it in .venv-peers)")
    return f"peers {row['corpus']}: " + "; ".join(cells)


def stage_pairs(manifest: Path) -> list[tuple[str, str]]:
    from .stages import final_cards

    return [(card.primary.question, card.primary.answer) for card in final_cards(manifest)]


COLUMNS = ("corpus", "items", "cards", "read", "repair", "dedup", "render", "package", "build", "rebuild",
           "edit1", "floor", "ratio", "rss_mb")


def print_table(rows: list[dict[str, float | str]]) -> None:
    print(" ".join(f"{c:>9}" for c in COLUMNS))
    for row in rows:
        cells = []
        for column in COLUMNS:
            value = row.get(column, "")
            if isinstance(value, float) and value != value:  # NaN: not measured for this corpus
                cells.append(f"{'-':>9}")
            elif column in ("items", "cards"):
                cells.append(f"{int(value):9d}" if value != "" else f"{'':>9}")
            elif isinstance(value, float):
                cells.append(f"{value:9.2f}" if column in ("ratio", "rss_mb") else f"{value:8.2f}s")
            else:
                cells.append(f"{value!s:>9}")
        print(" ".join(cells))


def print_dedup_rate(rows: list[dict[str, float | str]]) -> None:
    """Dedup seconds per 10k items at each size: flat across sizes means linear growth."""
    rates = [
        f"{row['corpus']}: {float(row['dedup']) / float(row['items']) * 10_000:.2f}s"
        for row in rows
        if isinstance(row.get("dedup"), float) and float(row.get("items") or 0) >= 1000
    ]
    if rates:
        print("dedup per 10k items: " + ", ".join(rates))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3000,10000,30000,100000", help="item counts (comma separated)")
    parser.add_argument("--peer-sizes", default="3000,30000",
                        help="sizes at which the floors and ankdown run too (comma separated)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--no-seeds", action="store_true", help="skip the seed corpus row")
    parser.add_argument("--oversize-mb", type=int, default=200,
                        help="size of the over-limit source whose refusal is timed (0 skips it)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    peer_sizes = {int(s) for s in args.peer_sizes.split(",") if s}
    rows: list[dict[str, float | str]] = []
    with tempfile.TemporaryDirectory(prefix="qa2anki-bench-") as tmp:
        if not args.no_seeds:
            manifest = seed_manifest(Path(tmp) / "seeds")
            row = measure(manifest, args.runs)
            rows.append({"corpus": "seeds", **row})
            print_table(rows[-1:])
        for size in sizes:
            manifest = corpus.write_corpus(Path(tmp) / f"n{size}", size)
            runs = args.runs if size <= 10_000 else max(1, min(args.runs, 2))
            rows.append({"corpus": f"n={size}", **measure(manifest, runs, size in peer_sizes)})
            print_table(rows[-1:])
        oversize = oversize_figure(Path(tmp) / "oversize", args.oversize_mb) if args.oversize_mb else ""
    print()
    print(f"qa2anki benchmark: medians of {args.runs} runs on {os.cpu_count()} cores "
          "(seconds; rss_mb = peak resident memory of the whole build)")
    print_table(rows)
    by_size = {r["corpus"]: r for r in rows}
    if "n=10000" in by_size and "n=100000" in by_size:
        growth = float(by_size["n=100000"]["build"]) / float(by_size["n=10000"]["build"])
        print(f"growth 10k -> 100k: x{growth:.1f} (linear would be x10)")
    print_dedup_rate(rows)
    for row in rows:
        if "naive floor" in row:
            print(peers_line(row))
    for size in sizes:
        print(f"dedup on planted duplicates {planted_figures(size).line()}")
    for line in dedup_quality.report([dedup_quality.seed_deck(), *dedup_quality.corpus_decks()])[1]:
        print(f"dedup quality {line.strip()}")
    print(f"recover per 10k answer-only units: {recover_quality.seconds_per_10k():.2f} s")
    for figures in (recover_quality.seed_figures(), recover_quality.corpus_figures()):
        print(f"recover quality {figures.line()}")
    if oversize:
        print(oversize)
    print(startup_figure())


if __name__ == "__main__":
    main()
