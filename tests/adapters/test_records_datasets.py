"""Question files made by programs: quiz API dumps and machine-learning data sets.

Their records follow a program's schema rather than a person's habits (an Open Trivia DB
response keeps the correct answer apart from ``incorrect_answers`` and encodes every text as
HTML), so what is checked here is that such a record becomes the card its schema means, and
that its encoded texts read decoded on the card in real Anki.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from anki.collection import Collection
from click.testing import CliRunner

from ankitools import import_apkg
from qa2anki.adapters import read_text_as
from qa2anki.cli import main


def _read(records: object, format: str = "json"):  # type: ignore[no-untyped-def]
    text = records if isinstance(records, str) else json.dumps(records, indent=2)
    return read_text_as(text, "data.json", format)


def _trivia(question: str, correct: str, incorrect: list[str], category: str = "General") -> dict:
    return {"category": category, "type": "multiple", "difficulty": "easy", "question": question,
            "correct_answer": correct, "incorrect_answers": incorrect}


# --- answers kept apart from the wrong options --------------------------------------------------


def test_a_number_kept_apart_is_an_option_text_not_an_option_number():
    result = _read({"response_code": 0, "results": [
        _trivia("Capital of Peru?", "Lima", ["Quito", "Bogota", "La Paz"]),
        _trivia("How many bits in an IPv4 address?", "32", ["16", "64", "128"]),
        _trivia("How many sides has a square?", "4", ["3", "5", "6"]),
    ]})
    assert not result.dropped
    assert [item.answer for item in result.items] == ["C. Lima", "B. 32", "B. 4"]
    assert result.items[1].prompt == "- A. 16\n- B. 32\n- C. 64\n- D. 128"  # by value, not "128" < "16"


def test_numbers_alone_are_still_option_numbers():
    result = _read([{"question": "Pick the even one?", "choices": ["3", "5", "8"], "answer": 2},
                    {"question": "Pick the prime?", "choices": ["4", "7", "9"], "answer": 1},
                    {"question": "Pick zero?", "choices": ["0", "1", "2"], "answer": 0}])
    assert [item.answer for item in result.items] == ["C. 8", "B. 7", "A. 0"]


# --- HTML-encoded texts ----------------------------------------------------------------------


def test_encoded_category_names_are_decoded_once():
    result = _read({"results": [_trivia("Which is a noble gas?", "Neon", ["Iron", "Tin", "Lead"],
                                        "Science &amp; Nature"),
                                _trivia("Which is a metal?", "Iron", ["Neon", "Argon", "Xenon"],
                                        "Science &amp; Nature")]})
    assert {item.meta["topic"] for item in result.items} == {"Science & Nature"}


def test_encoded_quiz_texts_read_decoded_in_anki(tmp_path: Path, collection: Collection):
    (tmp_path / "trivia.json").write_text(json.dumps({"response_code": 0, "results": [
        _trivia("What does &quot;CPU&quot; stand for in Tom&#039;s notes?", "Central Processing Unit",
                ["Core &amp; Power Unit", "Central Program Utility", "Control &lt;Peripheral&gt; Unit"],
                "Science &amp; Nature"),
        _trivia("Which tag starts a paragraph?", "&lt;p&gt;", ["&lt;br&gt;", "&lt;div&gt;", "&lt;a&gt;"],
                "Science &amp; Nature"),
    ]}), encoding="utf-8")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: Trivia\n    output: out.apkg\n    subdecks: topic\n    sources:\n"
        "      - trivia.json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "qa2anki.yaml"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert import_apkg(collection, tmp_path / "out.apkg").new == 2
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    shown = {_read_as_learner(note["Question"]): _read_as_learner(note["Answer"]) for note in notes}
    question = next(q for q in shown if q.startswith("What does"))
    assert question.startswith("What does \"CPU\" stand for in Tom's notes?")
    assert "Core & Power Unit" in question and "Control <Peripheral> Unit" in question
    assert shown[question] == "A. Central Processing Unit"
    assert "D. <p>" in shown[next(q for q in shown if q.startswith("Which tag"))]
    decks = {collection.decks.name(note.cards()[0].did) for note in notes}
    assert decks == {"Trivia::Science & Nature"}


def _read_as_learner(field_html: str) -> str:
    """What a learner reads: tags gone, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", field_html)).split())


# --- machine-learning data sets ----------------------------------------------------------------


def _jsonl(*records: dict) -> str:
    return "\n".join(json.dumps(record) for record in records) + "\n"


def test_squad_rows_show_their_passage_on_the_front_and_their_answers_once():
    result = _read(_jsonl(
        {"id": "a1", "title": "Rivers", "context": "The Nile flows north into the Mediterranean Sea.",
         "question": "Into which sea does the Nile flow?",
         "answers": {"text": ["the Mediterranean Sea", "Mediterranean Sea"], "answer_start": [26, 30]}},
        {"id": "a2", "title": "Rivers", "context": "The Nile flows north into the Mediterranean Sea.",
         "question": "Which way does the Nile flow?", "answers": {"text": ["north"], "answer_start": [15]}},
        {"id": "a3", "title": "Rivers", "context": "The Nile flows north.",
         "question": "How long is the Nile?", "answers": {"text": [], "answer_start": []}},
    ), format="json")
    first, second = result.items
    assert first.prompt == "The Nile flows north into the Mediterranean Sea."
    assert first.answer == "the Mediterranean Sea"  # one answer, said twice
    assert second.answer == "north"
    assert [(d.ref, d.reason) for d in result.dropped] == [("a3", "empty-answer")]  # unanswerable


def test_squad_files_lend_each_paragraph_to_its_questions():
    result = _read({"version": "v2.0", "data": [{"title": "Rivers", "paragraphs": [
        {"qas": [{"question": "Which way does the Nile flow?", "id": "q1", "is_impossible": False,
                  "answers": [{"text": "north", "answer_start": 15}, {"text": "North", "answer_start": 15}]},
                 {"question": "Who named the Nile?", "id": "q2", "is_impossible": True, "answers": [],
                  "plausible_answers": [{"text": "the Greeks", "answer_start": 0}]}],
         "context": "The Nile flows north."},
        {"qas": [{"question": "What does the Amazon carry?", "id": "q3", "is_impossible": False,
                  "answers": [{"text": "a fifth of river water", "answer_start": 16}]}],
         "context": "The Amazon carries a fifth of river water."}]}]})
    assert [(i.question, i.prompt, i.answer) for i in result.items] == [
        ("Which way does the Nile flow?", "The Nile flows north.", "north"),
        ("What does the Amazon carry?", "The Amazon carries a fifth of river water.",
         "a fifth of river water")]
    assert {item.meta.get("topic") for item in result.items} == {"Rivers"}
    assert "subtopic" not in result.items[0].meta  # "paragraphs" holds records, it names nothing
    assert [(d.ref, d.reason) for d in result.dropped] == [("q2", "empty-answer")]  # never the plausible one


def test_instruction_records_ask_the_instruction_about_their_input():
    result = _read([
        {"instruction": "Name the data structure this code builds.", "input": "stack = []\nstack.append(1)",
         "output": "A stack (a list used last in, first out)."},
        {"instruction": "What does DNS stand for?", "input": "", "output": "Domain Name System."},
    ])
    coded, plain = result.items
    assert coded.question == "Name the data structure this code builds."
    assert coded.prompt == "```\nstack = []\nstack.append(1)\n```"
    assert (plain.prompt, plain.answer) == ("", "Domain Name System.")


def test_dolly_records_read_instruction_context_and_response():
    result = _read(_jsonl(
        {"instruction": "When did the bridge open?", "context": "The bridge opened in 1937 after four years.",
         "response": "In 1937.", "category": "closed_qa"},
        {"instruction": "Is a tomato a fruit?", "context": "", "response": "Botanically, yes.",
         "category": "open_qa"}))
    assert [(i.question, i.prompt, i.answer, i.meta["topic"]) for i in result.items] == [
        ("When did the bridge open?", "The bridge opened in 1937 after four years.", "In 1937.", "closed_qa"),
        ("Is a tomato a fruit?", "", "Botanically, yes.", "open_qa")]


def test_options_given_as_parallel_label_and_text_lists():
    result = _read(_jsonl(
        {"id": "m1", "question": "Which gas do plants take in?",
         "choices": {"text": ["oxygen", "carbon dioxide", "helium"], "label": ["A", "B", "C"]},
         "answerKey": "B"},
        {"id": "m2", "question": "Which is a mammal?",
         "choices": {"text": ["shark", "whale", "trout"], "label": ["1", "2", "3"]}, "answerKey": "2"}))
    assert [(i.prompt, i.answer) for i in result.items] == [
        ("- A. oxygen\n- B. carbon dioxide\n- C. helium", "B. carbon dioxide"),
        ("- 1. shark\n- 2. whale\n- 3. trout", "2. whale")]


def test_a_camel_case_answer_field_names_the_correct_option():
    result = _read([
        {"question": "Largest planet?", "options": ["Mars", "Jupiter"], "correctAnswer": "Jupiter"},
        {"question": "Smallest planet?", "options": ["Mercury", "Venus"], "correctAnswer": "Mercury"}])
    assert [item.answer for item in result.items] == ["B. Jupiter", "A. Mercury"]


def test_a_damaged_record_in_an_array_is_reported_and_the_others_read():
    text = ('[\n    {\n        "instruction": "What is a CDN?",\n        "output": A network of caches, '
            'close to users."\n    },\n    {\n        "instruction": "What is DNS?",\n'
            '        "output": "The system that maps names to addresses."\n    }\n]\n')
    result = read_text_as(text, "broken.json")  # detected as JSON, not read as YAML (which cuts at ", ")
    assert result.format == "json"
    assert [(item.question, item.answer) for item in result.items] == [
        ("What is DNS?", "The system that maps names to addresses.")]
    assert [(d.line, d.end_line, d.reason) for d in result.dropped] == [(2, 5, "not-valid-json")]
    assert "line 4 column 19" in result.diagnostics[0].message


def test_answers_that_are_bare_code_keep_their_layout():
    result = _read([
        {"instruction": "Write a function that squares x.", "output": "def square(x):\n    return x * x"},
        {"instruction": "Count the .log files.", "output": "ls *.log | wc -l"},
        {"instruction": "Why use O(1) lookups?", "output": "Use a dict (a hash map)."},
        {"instruction": "Name the steps.", "output": "- parse (read the text)\n- build = compile"},
        {"instruction": "Which keyword?", "output": "Use `let x = 1;` in a block."},
    ])
    assert [item.answer for item in result.items] == [
        "```\ndef square(x):\n    return x * x\n```", "```\nls *.log | wc -l\n```",
        "Use a dict (a hash map).", "- parse (read the text)\n- build = compile",
        "Use `let x = 1;` in a block."]


# --- card tables exported by programs -------------------------------------------------------------


def test_a_header_row_written_as_a_comment_names_the_columns():
    text = ("#front;back;tags;source\nWhat is DNS?;Maps names to addresses;net;book\n"
            "What is ARP?;Finds a MAC;net;book\n")
    result = read_text_as(text, "export.csv")
    assert result.format == "csv"
    assert [(i.question, i.answer, i.line) for i in result.items] == [
        ("What is DNS?", "Maps names to addresses", 2), ("What is ARP?", "Finds a MAC", 3)]
    assert [(s.line, s.reason) for s in result.skipped][:1] == [(1, "header")]


def test_a_markdown_heading_is_no_commented_header():
    text = "# Networking\n\n## What is DNS?\n\nMaps names to addresses.\n"
    assert read_text_as(text, "n.md").format == "markdown"


def test_hints_go_to_their_side_and_a_deck_column_names_the_topic():
    text = ("Deck,Front,Back,FrontHint,BackHint\nNet::DNS,What is a resolver?,The server that looks names up,"
            "lookup,recursive or stub\nNet,What is TTL?,How long a record may be cached,time,\n")
    first, second = read_text_as(text, "cards.csv").items
    assert (first.prompt, first.answer) == ("**Hint:** lookup",
                                           "The server that looks names up\n\n**Hint:** recursive or stub")
    assert (first.meta["topic"], second.meta["topic"]) == ("Net::DNS", "Net")
    assert second.answer == "How long a record may be cached"


# --- chat transcripts ----------------------------------------------------------------------------


def _chat(*turns: tuple[str, str], **fields: object) -> dict:
    return {**fields, "messages": [{"role": role, "content": text} for role, text in turns]}


def test_chat_fine_tune_rows_pair_each_question_with_the_reply_after_it():
    system = ("system", "You are a terse tutor.")
    text = _jsonl(
        _chat(system, ("user", "What is a mutex?"), ("assistant", "A lock one thread holds at a time.")),
        _chat(system, ("user", "What is a semaphore?"), ("assistant", "A counter of permits."),
              ("user", "And a binary one?"), ("assistant", "One with a single permit.")),
        _chat(system, ("user", "Any last words?")))
    result = _read(text)
    assert [(i.ref, i.question, i.answer, i.line) for i in result.items] == [
        ("what-is-a-mutex", "What is a mutex?", "A lock one thread holds at a time.", 1),
        ("what-is-a-semaphore", "What is a semaphore?", "A counter of permits.", 2),
        ("what-is-a-semaphore-2", "And a binary one?", "One with a single permit.", 2)]
    assert "terse tutor" not in "".join(i.prompt + i.answer for i in result.items)
    assert result.items[2].prompt == ("**Earlier question:** What is a semaphore?\n\n"
                                      "**Earlier answer:** A counter of permits.")
    assert [(d.question, d.reason, d.line) for d in result.dropped] == [("Any last words?", "no-answer", 3)]


def test_sharegpt_turns_are_read_with_the_conversation_id_as_ref_and_the_system_turn_skipped():
    result = _read([
        {"id": "c1", "conversations": [{"from": "human", "value": "What is DNS?"},
                                       {"from": "gpt", "value": "The internet's name lookup."}]},
        {"id": "c2", "conversations": [{"from": "system", "value": "Be brief."},
                                       {"from": "human", "value": "What is TCP?"},
                                       {"from": "gpt", "value": "A reliable byte stream."},
                                       {"from": "human", "value": "And UDP?"},
                                       {"from": "gpt", "value": "Datagrams, no promises."}]}])
    assert [(i.ref, i.question, i.line, i.end_line) for i in result.items] == [
        ("c1", "What is DNS?", 5, 12), ("c2", "What is TCP?", 22, 29), ("c2-2", "And UDP?", 30, 37)]
    assert [(s.line, s.end_line, s.reason) for s in result.skipped] == [(18, 21, "system-prompt")]


# --- questions given as objects, passages, subjects -------------------------------------------


def test_a_question_object_holding_its_stem_and_choices_is_one_quiz_record():
    result = _read(_jsonl(
        {"answerKey": "B", "id": "q1", "question": {
            "question_concept": "river", "stem": "Where does a river end?",
            "choices": [{"label": "A", "text": "spring"}, {"label": "B", "text": "sea"}]}},
        {"answerKey": "A", "id": "q2", "question": {
            "question_concept": "bread", "stem": "What is bread baked in?",
            "choices": [{"label": "A", "text": "oven"}, {"label": "B", "text": "fridge"}]}}))
    assert [(i.ref, i.question, i.prompt, i.answer) for i in result.items] == [
        ("q1", "Where does a river end?", "- A. spring\n- B. sea", "B. sea"),
        ("q2", "What is bread baked in?", "- A. oven\n- B. fridge", "A. oven")]


def test_reading_quiz_rows_show_their_article_and_exam_rows_name_their_subject():
    race = _read(_jsonl(
        {"example_id": "r1", "article": "Mia missed the bus, so she walked.",
         "question": "How did Mia travel?",
         "options": ["by bus", "on foot", "by car", "by train"], "answer": "B"},
        {"example_id": "r2", "article": "The shop shuts at six.", "question": "When does the shop shut?",
         "options": ["at five", "at noon", "at six", "never"], "answer": "C"}))
    assert [(i.prompt.split("\n\n")[0], i.answer) for i in race.items] == [
        ("Mia missed the bus, so she walked.", "B. on foot"), ("The shop shuts at six.", "C. at six")]
    mmlu = _read(_jsonl(
        {"question": "Which is prime?", "subject": "math", "choices": ["4", "6", "7", "8"], "answer": 2},
        {"question": "Which is even?", "subject": "math", "choices": ["2", "5", "7", "9"], "answer": 0}))
    assert [(i.answer, i.meta["topic"]) for i in mmlu.items] == [("C. 7", "math"), ("A. 2", "math")]


# --- fine-tune separators and stop markers -----------------------------------------------------


def test_a_separator_and_stop_marker_every_record_shares_are_left_off():
    result = _read(_jsonl(
        {"prompt": "What is a CDN?\n\n###\n\n", "completion": " Caches close to users. END"},
        {"prompt": "What is DNS?\n\n###\n\n", "completion": " The name lookup of the internet. END"},
        {"prompt": "Is ### a heading?\n\n###\n\n", "completion": " In markdown, yes. END"}))
    assert [(i.question, i.answer) for i in result.items] == [
        ("What is a CDN?", "Caches close to users."), ("What is DNS?", "The name lookup of the internet."),
        ("Is ### a heading?", "In markdown, yes.")]
    capitals = (("France", "Paris"), ("Spain", "Madrid"), ("Peru", "Lima"))
    arrows = _read(_jsonl(*({"prompt": f"Capital of {country} ->", "completion": f" {city}\n"}
                            for country, city in capitals)))
    assert [(i.question, i.answer) for i in arrows.items] == [
        ("Capital of France", "Paris"), ("Capital of Spain", "Madrid"), ("Capital of Peru", "Lima")]


def test_an_ending_not_every_record_shares_or_that_is_words_stays():
    one_off = _read(_jsonl({"prompt": "What is a CDN? ###", "completion": "Caches. END"},
                           {"prompt": "What is DNS?", "completion": "Name lookup."},
                           {"prompt": "What is TLS? ###", "completion": "Encryption. END"}))
    assert [(i.question, i.answer) for i in one_off.items] == [
        ("What is a CDN? ###", "Caches. END"), ("What is DNS?", "Name lookup."),
        ("What is TLS? ###", "Encryption. END")]
    places = (("a log", "/var/log"), ("a lock", "/run"), ("a unit", "/etc"))
    words = _read(_jsonl(*({"question": f"Where is {name} kept?", "answer": f"In {place} on disk"}
                           for name, place in places)))
    assert [i.answer for i in words.items] == ["In /var/log on disk", "In /run on disk", "In /etc on disk"]
