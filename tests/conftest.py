from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
DATA = Path(__file__).resolve().parent / "data"
#: A seed source of 30 questions, for tests of whole builds.
SEED = "004_7624664d3e7a1fbf.txt"


@pytest.fixture
def collection(tmp_path: Path):
    """A fresh, empty Anki collection, closed after the test."""
    from anki.collection import Collection

    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A writable copy of the seed sources."""
    target = tmp_path / "sources"
    shutil.copytree(SOURCES, target)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A manifest building deck 'Cached' (30 cards, ``decks/cached.apkg``) from one copied seed."""
    (tmp_path / "sources").mkdir()
    shutil.copy(SOURCES / SEED, tmp_path / "sources" / SEED)
    (tmp_path / "qa2anki.yaml").write_text(
        f"decks:\n  - name: Cached\n    output: decks/cached.apkg\n    sources: [sources/{SEED}]\n"
    )
    return tmp_path


@pytest.fixture
def everyday_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of ``tests/data/everyday`` as the current folder, so messages show short paths."""
    folder = tmp_path / "work"
    shutil.copytree(DATA / "everyday", folder)
    monkeypatch.chdir(folder)
    return folder


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow (full size)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``make test`` stays fast: slow tests run with ``--slow`` or when selected with ``-m slow``."""
    if config.getoption("--slow") or "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow or -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the figures measured on labelled data (dedup pairs, recovered questions), when measured."""
    sections = (("test_dedup_quality", "dedup on hand-labelled pairs"),
                ("test_recover_quality", "recovered questions against the questions answered"))
    for name, title in sections:
        module = sys.modules.get(name)
        if module is not None and module.FIGURES:
            terminalreporter.write_sep("-", title)
            for line in module.FIGURES:
                terminalreporter.write_line(line)
