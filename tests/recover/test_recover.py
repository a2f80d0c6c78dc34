"""Answer-only units no question claims become recovered questions or cloze cards.

The rules read grammar and structure (sentence shape, code spans, names), so they are tested on
sentences of many stacks; the seeds and a real Anki import check the whole stage.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ankitools import import_apkg
from conftest import SOURCES
from qa2anki.cli import main
from qa2anki.identity.lockfile import read_lock
from qa2anki.manifest import load_manifest
from qa2anki.models import ANSWER_ONLY, RECOVERED_CLOZE, RECOVERED_QUESTION, Item
from qa2anki.pipeline import build_deck
from qa2anki.recover import cloze_terms, occurrence_pattern, recover, recovered_question, well_formed
from qa2anki.recover.text import read_answer
from qa2anki.report import DeckReport

PAGE = "002_7deff138cdeedc43.txt"  # the scraped page whose questions were lost
SUBPAGE = "003_c8b26289045d70da.txt"  # 14 units that all answer questions of 000
QUESTIONS = "000_ef3bbbb18375a36d.txt"


# --- the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "question"), [
    ("`Redis` is an in-memory data store, often used as a cache.", "What is `Redis`?"),
    ("A closure is a function that keeps the variables of the scope it was made in.", "What is a closure?"),
    ("Kubernetes is a container orchestrator. It schedules pods on nodes.", "What is Kubernetes?"),
    ("Static files are assets that do not change per request.", "What are static files?"),
    ("`useMemo` lets you cache a computed value between renders.", "What does `useMemo` do?"),
    ("The borrow checker enforces Rust's ownership rules at compile time.", None),
    ("Terraform uses a state file to map resources to real objects.",
     "What does Terraform use to map resources to real objects?"),
    ("`EXPLAIN` is used to show the plan a query will run with.", "What is `EXPLAIN` used for?"),
    ("Use `git bisect` to find the commit that introduced a bug.",
     "How do you find the commit that introduced a bug?"),
    ("Use `EXPLAIN ANALYZE` for real timings of each step.",
     "What do you use for real timings of each step?"),
    ("Install `psycopg2`. It is required for connecting to PostgreSQL from Python.",
     "Which package is required for connecting to PostgreSQL from Python?"),
    ("You need `libpq` to build the driver from source.",
     "What do you need to build the driver from source?"),
    ("Yes. You can return a generator from a view to stream the response.",
     "Can you return a generator from a view to stream the response?"),
    ("No, a goroutine cannot be killed from outside.", "Can a goroutine be killed from outside?"),
    ("Python does not enforce type hints at runtime, so checks need a tool.",
     "Does Python enforce type hints at runtime?"),
    ("`INNER JOIN` keeps matching rows, while `LEFT JOIN` keeps every row of the left table.",
     "What is the difference between `INNER JOIN` and `LEFT JOIN`?"),
    ("`let` is scoped to its block; `var` is scoped to the whole function.",
     "What is the difference between `let` and `var`?"),
    ("An image is a read-only template. A container is a running instance of an image.",
     "What is the difference between an image and a container?"),
    ("React was created by Jordan Walke at Facebook.", "Who created React?"),
    ("Django is built on the WSGI standard.", "What is Django built on?"),
])
def test_a_question_is_read_off_the_answers_own_words(answer: str, question: str | None):
    recovered = recovered_question(answer)
    if question is None:
        assert recovered in ("", "What does the borrow checker enforce?")  # either is honest
    else:
        assert recovered == question


@pytest.mark.parametrize("answer", [
    "It creates the main application object.",  # "it" says nothing about what it is
    "They are lifecycle hooks that run at startup.",
    "Use the decorator:\n\n```python\n@app.get('/')\ndef index(): ...\n```",  # no purpose given
    "Each request must carry its own credentials.",
    "Below are the steps to follow.",
    "Create a route that returns the list of items.",  # an instruction, not a subject
    "Router-level dependencies run first, then the path's own.",  # no object to ask for
    "Example:\n\n```bash\npip install fastapi\n```",
])
def test_no_question_when_the_words_do_not_say_what_they_answer(answer: str):
    assert recovered_question(answer) == ""


def test_a_pronoun_stands_for_the_headings_topic():
    answer = "It creates the main application object that the server runs."
    assert recovered_question(answer, topic="`FastAPI()`") == "What does `FastAPI()` create?"
    assert recovered_question(answer, topic="How the app starts") == ""  # a heading that is no noun phrase


def test_a_subject_the_whole_page_is_about_asks_nothing_in_particular():
    answer = "FastAPI provides a WebSocket class and a route decorator for it."
    assert recovered_question(answer) == "What does FastAPI provide?"
    assert recovered_question(answer, frequency=lambda term: 0.6) == ""


@pytest.mark.parametrize("question", ["What is `X`?", "How do you install FastAPI?", "Can you stream it?"])
def test_well_formed_questions(question: str):
    assert well_formed(question)


@pytest.mark.parametrize("question", ["What is?", "What do you use for ranges. gt is strict?", "What is `X?",
                                      "Install it?", "What is (a?"])
def test_malformed_questions_are_refused(question: str):
    assert not well_formed(question)


@pytest.mark.parametrize(("answer", "term"), [
    ("Install `python-multipart` to parse form bodies.", "python-multipart"),
    ("The server answers 422 when the body fails validation.", "422"),
    ("Pass `--reload` so the server restarts when a file changes.", "--reload"),
    ("Call `db.session.commit()` once the objects are added.", "db.session.commit()"),
    ("The `Content-Type` header tells the client how to read the body.", "Content-Type"),
])
def test_a_cloze_hides_the_term_the_answer_is_about(answer: str, term: str):
    terms = cloze_terms(answer)
    assert terms and terms[0] == term


def test_a_cloze_never_hides_a_term_the_rest_gives_away():
    answer = "Use `Path` to declare path parameters and their checks."  # "path" stays visible
    assert "Path" not in cloze_terms(answer)
    answer = "Use `UploadFile` for uploads; an UploadFile spools large files to disk."
    assert cloze_terms(answer)[0] == "UploadFile"  # every occurrence is hidden: nothing left to see
    shared_part = "Install `python-multipart`: multipart bodies need it."
    assert "python-multipart" not in cloze_terms(shared_part)


def test_cloze_terms_are_few_occur_in_the_text_and_are_no_stop_words():
    answer = ("`asyncio.gather()` runs awaitables concurrently. `asyncio.wait_for()` adds a timeout. "
              "Both return when their tasks are done.")
    terms = cloze_terms(answer)
    assert 1 <= len(terms) <= 2
    for term in terms:
        assert occurrence_pattern(term).search(answer)
        assert term.lower() not in {"the", "their", "when", "both"}


# --- the seeds --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_deck() -> DeckReport:
    manifest = load_manifest(SOURCES.parent / "qa2anki.yaml")
    return build_deck(manifest.decks[0], root=manifest.root)


def _recovered(deck: DeckReport, kind: str | None = None) -> list:
    return [note for note in deck.notes if note.card.recovered and kind in (None, note.card.recovered)]


def test_nearly_every_seed_unit_no_question_claims_becomes_a_card(seed_deck: DeckReport):
    units = [item for item in (i for note in seed_deck.notes for i in note.card.items) if item.is_answer_only]
    recovered = _recovered(seed_deck)
    still_dropped = [d for d in seed_deck.dropped if d.reason == "no-question"]
    unclaimed = len(recovered) + len(still_dropped)
    assert unclaimed >= 200 and len(recovered) >= 0.95 * unclaimed
    assert len(units) >= len(recovered)
    assert _recovered(seed_deck, RECOVERED_QUESTION) and _recovered(seed_deck, RECOVERED_CLOZE)


def test_every_recovered_question_is_a_grammatical_question(seed_deck: DeckReport):
    for note in _recovered(seed_deck, RECOVERED_QUESTION):
        question = note.card.shown_question
        assert question.endswith("?") and well_formed(question), question
        assert re.match(r"(What|How|Which|Who|Can|Does|Do|Will|Is|Are) ", question), question


def test_every_cloze_hides_terms_of_its_unit_in_place(seed_deck: DeckReport):
    for note in _recovered(seed_deck, RECOVERED_CLOZE):
        card, text = note.card, note.fields[0]
        assert 1 <= len(card.cloze) <= 2
        prose = read_answer(card.primary.answer).prose
        for number, term in enumerate(card.cloze, start=1):
            assert occurrence_pattern(term).search(prose), (term, card.primary.ref)
            assert f"{{{{c{number}::" in text
        assert "qa-cloze-term" not in text  # every term was hidden where it stands
        visible = re.sub(r"\{\{c\d+::.*?\}\}", " ", re.sub(r"<[^>]+>", "", text)).lower()
        for term in card.cloze:
            assert term.lower() not in visible, (term, card.primary.ref)


def test_recovered_cards_are_marked_filed_and_tagged(seed_deck: DeckReport):
    for note in _recovered(seed_deck):
        assert note.deck == "FastAPI Interview::Recovered"
        assert "qa2anki::recovered" in note.tags
        assert 'class="qa-recovered"' in note.fields[0]
    assert all(not note.card.recovered for note in seed_deck.notes if note.deck == "FastAPI Interview")


# --- whole builds -----------------------------------------------------------------------------------


def _project(tmp_path: Path, *sources: str, source_options: str = "", deck_options: str = "") -> Path:
    folder = tmp_path / "project"
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    listed = ""
    for name in sources:
        shutil.copy(SOURCES / name, folder / "sources" / name)
        listed += f"\n      - path: sources/{name}{source_options if name in (PAGE, SUBPAGE) else ''}"
    (folder / "qa2anki.yaml").write_text(
        f"decks:\n  - name: Learn\n    output: decks/learn.apkg{deck_options}\n    sources:{listed}\n",
        encoding="utf-8",
    )
    return folder


def _build(folder: Path, *extra: str) -> str:
    arguments = ["build", "--config", str(folder / "qa2anki.yaml"), "--no-cache", *extra]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    return result.output


def test_real_anki_makes_every_cloze_card_and_a_rebuild_changes_nothing(tmp_path: Path, collection):
    folder = _project(tmp_path, PAGE, "004_7624664d3e7a1fbf.txt")
    output = _build(folder)
    assert re.search(r"\d+ of them recovered from answers whose question was lost", output)
    log = import_apkg(collection, folder / "decks" / "learn.apkg")
    assert log.new == collection.note_count() and log.conflicting == 0
    clozes = collection.find_notes('"note:qa2anki Cloze"')
    assert clozes
    expected = 0
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        if note.note_type()["name"] == "qa2anki Cloze":
            expected += len(set(re.findall(r"\{\{c(\d+)::", note["Text"])))
        else:
            expected += 1
    assert collection.card_count() == expected > collection.note_count()
    assert "Learn::Recovered" in [deck.name for deck in collection.decks.all_names_and_ids()]
    recovered = collection.find_notes("tag:qa2anki::recovered")
    assert set(recovered) >= set(clozes) and len(recovered) > len(clozes)
    assert not collection.find_cards('deck:Learn::Recovered -tag:qa2anki::recovered')
    card = collection.get_card(collection.get_note(clozes[0]).card_ids()[0])
    assert '<span class="cloze"' in card.question() and "[...]" in card.question()

    _build(folder)
    again = import_apkg(collection, folder / "decks" / "learn.apkg")
    assert (again.new, again.updated) == (0, 0)


def test_a_unit_that_finds_its_question_retires_its_recovered_card(tmp_path: Path, collection):
    alone = _project(tmp_path, SUBPAGE)  # a page of answers only: every card is recovered
    first = _build(alone)
    assert "14 of them recovered" in first
    import_apkg(collection, alone / "decks" / "learn.apkg")
    recovered_guids = {r.guid for r in read_lock(alone / "qa2anki.lock").records if r.kind != "qa"}
    assert len(recovered_guids) == 14

    shutil.copy(SOURCES / QUESTIONS, alone / "sources" / QUESTIONS)
    manifest = alone / "qa2anki.yaml"
    manifest.write_text(manifest.read_text() + f"      - path: sources/{QUESTIONS}\n", encoding="utf-8")
    second = _build(alone)
    assert "of them recovered" not in second
    assert re.search(r"14 removed since the last build", second), second
    assert second.count("(recovered cloze)") + second.count("(recovered question)") == 14  # named by item
    lock = read_lock(alone / "qa2anki.lock")
    retired = {r.guid for r in lock.records if not r.live}
    assert recovered_guids <= retired  # retired, never handed to the questions they joined
    joined = [r for r in lock.records if r.live and any(i.key.endswith(("#U1", "#U2")) for i in r.items)]
    assert joined and all(r.kind == "qa" and r.guid not in recovered_guids for r in joined)
    import_apkg(collection, alone / "decks" / "learn.apkg")
    assert len(collection.find_notes("tag:qa2anki::removed")) == 14

    manifest.write_text(manifest.read_text().replace(f"      - path: sources/{QUESTIONS}\n", ""),
                        encoding="utf-8")
    _build(alone)
    back = {r.guid for r in read_lock(alone / "qa2anki.lock").records if r.live and r.kind != "qa"}
    assert back == recovered_guids  # the units are on their own again: their cards come back


@pytest.mark.parametrize("where", ["source", "deck"])
def test_recover_false_keeps_units_dropped(tmp_path: Path, where: str):
    options = {"source_options": "\n        recover: false"} if where == "source" else {
        "deck_options": "\n    recover: false"}
    folder = _project(tmp_path, PAGE, "004_7624664d3e7a1fbf.txt", **options)
    _build(folder, "--report", str(folder / "report.json"))
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert not [card for card in report["cards"] if card.get("recovered")]
    assert len([d for d in report["dropped"] if d["reason"] == "no-question"]) > 200


def test_the_report_says_how_each_card_was_recovered(tmp_path: Path):
    folder = _project(tmp_path, PAGE, "004_7624664d3e7a1fbf.txt")
    _build(folder, "--report", str(folder / "report.json"))
    cards = json.loads((folder / "report.json").read_text(encoding="utf-8"))["cards"]
    kinds = {card.get("recovered", "") for card in cards}
    assert kinds == {"", "question", "cloze"}
    for card in cards:
        if card.get("recovered") == "question":
            assert card["question"].endswith("?") and "cloze" not in card
        elif card.get("recovered") == "cloze":
            assert card["question"] == "" and 1 <= len(card["cloze"]) <= 2
    assert not [d for d in json.loads((folder / "report.json").read_text())["dropped"]
                if d["reason"] == "no-question"]


def test_check_lists_recovered_cards_as_info_not_warnings(tmp_path: Path):
    folder = _project(tmp_path, PAGE, "004_7624664d3e7a1fbf.txt")
    plain = CliRunner().invoke(main, ["check", "--config", str(folder / "qa2anki.yaml")])
    assert plain.exit_code == 0, plain.output
    assert "recovered from the answer" not in plain.output
    tally = plain.output.strip().splitlines()[-1]
    assert re.search(r"0 warnings in 2 sources; \d+ cards? merged; 2\d\d cards recovered", tally), tally
    verbose = CliRunner().invoke(main, ["check", "-v", "--config", str(folder / "qa2anki.yaml")])
    lines = verbose.output.splitlines()
    infos = [line for line in lines if line.startswith("info:") and "no question" in line]
    assert len(infos) > 200
    assert any("question recovered from the answer: What is FastAPI?" in line for line in infos)
    assert any("cloze made of the answer, hiding" in line for line in infos)
    strict = CliRunner().invoke(main, ["check", "--strict", "--config", str(folder / "qa2anki.yaml")])
    assert strict.exit_code == 0, strict.output  # recovered cards are no warnings


def test_recover_stage_alone_keeps_order_and_names_what_it_could_not_use():
    units = [
        Item("", "`Redis` is an in-memory store.", "page.txt", "U1", 1, flags=frozenset({ANSWER_ONLY})),
        Item("", "Yes.", "page.txt", "U2", 2, flags=frozenset({ANSWER_ONLY})),
        Item("", "Install `uvloop` for a faster loop.", "page.txt", "U3", 3, flags=frozenset({ANSWER_ONLY})),
    ]
    result = recover(units)
    assert [card.primary.ref for card in result.cards] == ["U1", "U3"]
    assert [card.recovered for card in result.cards] == [RECOVERED_QUESTION, RECOVERED_CLOZE]
    assert [(d.ref, d.reason, d.line) for d in result.dropped] == [("U2", "no-question", 2)]
    assert all(d.severity == "info" for d in result.diagnostics)


@pytest.mark.parametrize("where", ["source", "deck"])
def test_recover_must_be_true_or_false(tmp_path: Path, where: str):
    options = {"source_options": "\n        recover: maybe"} if where == "source" else {
        "deck_options": "\n    recover: maybe"}
    folder = _project(tmp_path, PAGE, **options)
    result = CliRunner().invoke(main, ["build", "--config", str(folder / "qa2anki.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"qa2anki\.yaml:\d+: 'recover' must be true or false", result.output), result.output
    assert not (folder / "decks").exists()
