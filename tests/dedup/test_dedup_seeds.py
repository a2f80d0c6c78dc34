"""Dedup on the five seed sources, through the real adapters, repair and a real Anki import."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ankitools import import_apkg
from conftest import SOURCES
from qa2anki.cli import main
from qa2anki.dedup import DedupResult
from qa2anki.manifest import load_manifest
from qa2anki.pipeline import find_duplicates

SEED_000 = "000_ef3bbbb18375a36d.txt"
SEED_003 = "003_c8b26289045d70da.txt"

#: Hand-checked: seed 003 repeats, answer for answer, 000's "Request Lifecycle" subtopic.
UNIT_OF_003_ANSWERS = {
    "U1": "request-lifecycle-overview",
    "U2": "middleware-order",
    "U3": "http-exception",
    "U4": "exception-handlers",
    "U5": "request-validation-error",
    "U6": "dependency-resolution-order",
    "U7": "response-serialization",
    "U8": "background-task-in-lifecycle",
    "U9": "jsonable-encoder",
    "U10": "request-body-parsing",
    "U11": "response-status-code",
    "U12": "path-vs-router-prefix",
    "U13": "trailing-slash",
    "U14": "openapi-schema-generation",
}


def _manifest(tmp_path: Path) -> Path:
    lines = ["decks:", "  - name: Seeds", f"    output: {tmp_path / 'seeds.apkg'}", "    sources:"]
    lines += [f"      - {path}" for path in sorted(SOURCES.glob("*.txt"))]
    path = tmp_path / "qa2anki.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed_dups(tmp_path_factory: pytest.TempPathFactory) -> DedupResult:
    manifest = load_manifest(_manifest(tmp_path_factory.mktemp("seeds")))
    result, _ = find_duplicates(manifest.decks[0])
    return result


def test_each_unit_of_003_joins_the_000_question_it_repeats(seed_dups: DedupResult):
    attached = {}
    for card in seed_dups.cards:
        for item in card.items:
            if item.source == SEED_003:
                attached[item.ref] = [m.ref for m in card.items if m.source == SEED_000]
    assert attached == {unit: [slug] for unit, slug in UNIT_OF_003_ANSWERS.items()}
    assert not [d for d in seed_dups.dropped if d.source == SEED_003]


def test_no_card_holds_two_questions_of_000(seed_dups: DedupResult):
    for card in seed_dups.cards:
        assert sum(item.source == SEED_000 for item in card.items) <= 1, card.items


def test_every_card_shows_a_real_question_with_a_non_empty_answer(seed_dups: DedupResult):
    for card in seed_dups.cards:
        assert card.shown_question and not card.primary.is_answer_only
        assert card.primary.answer.strip()


def test_seed_deck_in_real_anki_has_one_note_per_cluster(tmp_path: Path, collection, seed_dups: DedupResult):
    manifest = _manifest(tmp_path)
    report = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["build", "--config", str(manifest), "--report", str(report)])
    assert result.exit_code == 0, result.output
    imported = import_apkg(collection, tmp_path / "seeds.apkg").new
    recovered = collection.find_notes("tag:qa2anki::recovered")  # units no question claimed
    assert imported == len(seed_dups.cards) + len(recovered)
    assert len(collection.find_notes("-tag:qa2anki::recovered")) == len(seed_dups.cards)
    cards = json.loads(report.read_text(encoding="utf-8"))["cards"]
    reported = [{f"{s['file']}#{s['ref']}" for s in card["sources"]} for card in cards]
    for cluster in seed_dups.clusters:
        members = {f"{item.source}#{item.ref}" for item in cluster.card.items}
        assert reported.count(members) == 1, members


def test_no_seed_card_shows_a_file_name(tmp_path: Path, collection):
    """Every back names its sources as a learner reads them: the manifest's name:, else the
    document's own title, else the file's stem (never a hashed name with .txt and a line)."""
    lines = _manifest(tmp_path).read_text(encoding="utf-8").splitlines()
    named = {"002_7deff138cdeedc43.txt": "Community list", "003_c8b26289045d70da.txt": "Answers only"}
    for number, line in enumerate(lines):
        for file, name in named.items():
            if line.endswith(file):
                lines[number] = f"      - path: {line.split('- ', 1)[1]}\n        name: {name}"
    (tmp_path / "qa2anki.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "qa2anki.yaml")])
    assert result.exit_code == 0, result.output
    import_apkg(collection, tmp_path / "seeds.apkg")
    shown = set()
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        names = re.findall(r"<li>(?:also in )?(.*?)(?: \(same answer\))?</li>", note["Source"])
        if "OtherAnswers" in note:
            names += re.findall(r'<div class="qa-from">(.*?)</div>', note["OtherAnswers"])
        assert names and not [name for name in names if re.search(r"[0-9a-f]{16}|\.txt\b|line \d+", name)]
        shown |= set(names)
    assert shown == {
        "FastAPI · Fundamentals",  # the payload's framework and topic
        "70 FastAPI Interview Questions and Answers (2026)",  # the copied page's headline
        "FastAPI Interview Questions &amp; Answers",  # the README's title heading
        "Community list", "Answers only",  # the manifest's name:
    }


def test_dups_command_lists_the_seed_clusters(tmp_path: Path, seed_dups: DedupResult):
    result = CliRunner().invoke(main, ["dups", "--config", str(_manifest(tmp_path))])
    assert result.exit_code == 0, result.output
    assert f"{len(seed_dups.clusters)} merged cards" in result.output
    assert f"{len(seed_dups.cards)} cards in all" in result.output
    assert "What is the difference between ASGI and WSGI?" in result.output
    assert "001_69c6ad9c276d4e73.txt#Q13" in result.output
    assert "000_ef3bbbb18375a36d.txt#asgi-vs-wsgi ~ 001_69c6ad9c276d4e73.txt#Q13: score 0." in result.output


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_no_other_answer_repeats_the_shown_one(seed_dups: DedupResult):
    """An other answer sharing 80% of its words (or of the shown answer's) with the shown answer
    is named in the Source field, never shown again under "Other answers"."""
    near_copies = 0
    for card in seed_dups.cards:
        shown = _words(card.primary.answer)
        for item in card.other_answers:
            other = _words(item.answer)
            shared = len(shown & other)
            near_copies += shared >= 0.8 * len(other) or shared >= 0.8 * len(shown)
    assert near_copies == 0
    assert any(card.repeated for card in seed_dups.cards)  # 003 repeats 000 answer for answer


def test_every_merged_card_shows_one_members_own_question_and_answer(seed_dups: DedupResult):
    for cluster in seed_dups.clusters:
        assert cluster.card.shown_question == cluster.card.primary.question
