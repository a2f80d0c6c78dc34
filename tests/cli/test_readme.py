"""The README is for users and says only what is true: its links resolve, its quoted check
tally is what ``check`` prints on this project, and its figures are the ones ``make test`` prints."""

from __future__ import annotations

import re
from pathlib import Path

from bench import dedup_quality
from click.testing import CliRunner

from qa2anki.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_short_and_its_links_resolve():
    assert len(README.splitlines()) < 200
    links = re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", README)
    assert {"docs/usage.md", "docs/formats.md", "docs/architecture.md", "docs/identity.md"} <= set(links)
    assert all((ROOT / link).is_file() for link in links), links
    for page in (ROOT / "docs").glob("*.md"):
        for link in re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]+)?\)", page.read_text(encoding="utf-8")):
            assert (ROOT / "docs" / link).is_file(), (page.name, link)


def test_the_quoted_check_tally_is_the_real_one(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check"])
    tally = result.output.strip().splitlines()[-1]
    assert f"```\n{tally}\n```" in README


def test_the_quoted_dedup_figures_are_the_measured_ones():
    total, _ = dedup_quality.report([dedup_quality.seed_deck(), *dedup_quality.corpus_decks()])
    assert f"precision is {total.precision:.2f} and recall {total.recall:.2f}" in README
