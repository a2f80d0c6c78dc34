"""Structured record files (JSON, YAML, CSV/TSV): key detection, nesting, folding, lines, detection."""

from __future__ import annotations

import pytest

from conftest import DATA, SOURCES
from qa2anki.adapters import (
    ADAPTERS,
    MIN_CONFIDENCE,
    UnsupportedFormatError,
    detect,
    read_source,
    read_text_as,
)
from qa2anki.errors import SourceError

RECORDS = DATA / "records"


def _read(name: str, **options):
    return read_source(RECORDS / name, "auto", options)


def test_json_object_with_a_list_under_questions():
    result = _read("faq_object.json")
    assert result.format == "json"
    assert [i.ref for i in result.items] == ["gil", "list-vs-tuple", "decorators"]
    gil, pair, deco = result.items
    assert gil.tags == ("python", "concurrency")  # a list
    assert pair.tags == ("python", "basics")  # a comma string
    assert dict(gil.meta) == {"topic": "Python FAQ", "level": "senior"}
    assert gil.line == 5  # best effort for JSON: the record's opening brace
    assert pair.answer.startswith("A list is mutable; a tuple is not.\n\n**Example:**\n\n```\npoint = (1, 2)")
    assert "**Code:**\n\n```python\ndef logged(fn):\n    def wrapper(*args):" in deco.answer
    assert [(d.ref, d.reason, d.line) for d in result.dropped] == [("walrus", "empty-answer", 20)]


def test_yaml_nested_categories_become_topic_and_subtopic():
    result = _read("nested_categories.yaml")
    assert result.format == "yaml"
    by_question = {i.question: i for i in result.items}
    index = by_question["What is an index?"]
    assert dict(index.meta) == {"topic": "Backend", "subtopic": "Databases"}
    assert index.tags == ("sql", "performance")
    assert index.line == 7
    assert "```\nCREATE INDEX idx_users_email ON users (email);\n```" in index.answer
    assert by_question["What is cache invalidation?"].meta == {
        "topic": "Backend", "subtopic": "Caching", "difficulty": "hard"}
    assert by_question["What is the virtual DOM?"].meta == {"topic": "Frontend"}
    assert [(d.question, d.reason, d.line) for d in result.dropped] == [
        ("What is hydration?", "no-answer", 25)]


def test_yaml_mapping_of_category_to_list():
    result = _read("by_topic.yaml")
    assert [(i.question, i.meta.get("topic")) for i in result.items] == [
        ("What is a generator?", "Python"), ("What does `yield from` do?", "Python"),
        ("What is a goroutine?", "Go"),
    ]
    assert "    def outer():\n        yield from inner()" in result.items[1].answer


def test_yaml_with_bom_and_crlf_front_back_keys():
    result = _read("flat_bom_crlf.yaml")
    assert [i.question for i in result.items] == ["What is a closure?", "What is hoisting?"]
    assert result.items[0].tags == ("js", "functions")
    assert result.items[1].answer == (
        "Declarations move to the top of their scope.\nOnly `var` is initialised (to undefined)."
    )
    assert [i.line for i in result.items] == [1, 4]


def test_json_mapping_of_records_keyed_by_id():
    result = _read("keyed_records.json")
    assert [(i.ref, i.meta["topic"]) for i in result.items] == [
        ("what-is-rest", "APIs"), ("what-is-grpc", "APIs")]


def test_title_and_body_are_recognised_when_a_whole_list_shares_them():
    result = _read("titled_posts.json")
    assert [i.question for i in result.items] == ["What is CORS?", "What is CSRF?"]
    assert result.items[1].tags == ("web", "security")


def test_unknown_keys_need_options_and_the_error_says_which_keys_it_saw():
    text = '[{"ask": "Idempotency", "say": "Same effect twice."}, {"ask": "502", "say": "Bad gateway."}]'
    with pytest.raises(SourceError, match=r"keys seen: ask, say.*options: \{question: title, answer: body\}"):
        read_text_as(text, "custom.json", "json")
    result = _read("custom_keys.json", question="say", answer="ask")
    assert [i.answer for i in result.items] == ["What is idempotency?", "What is a 502?"]
    result = _read("custom_keys.json", question="ask", answer="say")
    assert [i.question for i in result.items] == ["What is idempotency?", "What is a 502?"]


def test_options_win_over_detection():
    text = '[{"question": "Short?", "title": "Long title?", "answer": "A.", "body": "Body."}]'
    (item,) = read_text_as(text, "x.json", "json", {"question": "title", "answer": "body"}).items
    assert (item.question, item.answer) == ("Long title?", "Body.")


def test_csv_with_bom_crlf_quoted_newlines_and_an_empty_answer():
    result = _read("qa_bom_crlf.csv")
    assert result.format == "csv"
    assert [(i.ref, i.line) for i in result.items] == [("1", 2), ("2", 3), ("4", 6)]
    assert result.items[1].answer == "A network of edge caches.\nIt serves content close to users."
    assert result.items[2].question == "What is TLS, in one line?"
    assert result.items[0].tags == ("http", "web")
    assert result.items[0].meta == {"topic": "Networking"}
    assert [(d.ref, d.reason, d.line, d.question) for d in result.dropped] == [
        ("3", "empty-answer", 5, "What is QUIC?")]


def test_tsv_with_a_blank_line_and_level_column():
    result = _read("cards.tsv")
    assert [(i.question, i.meta["level"], i.line) for i in result.items] == [
        ("What is a mutex?", "Mid", 2), ("What is a semaphore?", "Senior", 3),
        ("What is a deadlock?", "Mid", 5),
    ]


def test_semicolon_separated():
    assert [i.question for i in _read("semicolon.csv").items] == ["What is DNS?", "What is TTL?"]


def test_csv_without_recognisable_columns_asks_for_options():
    text = "term,meaning\nidempotent,same effect when repeated\nstateless,no memory between calls\n"
    with pytest.raises(SourceError, match="name them in the manifest"):
        read_text_as(text, "g.csv", "csv")
    items = read_text_as(text, "g.csv", "csv", {"question": "term", "answer": "meaning"}).items
    assert [i.question for i in items] == ["idempotent", "stateless"]


def test_duplicate_yaml_keys_are_an_error_not_a_lost_item():
    text = "- question: A?\n  answer: one\n  answer: two\n"
    with pytest.raises(SourceError) as caught:
        read_text_as(text, "d.yaml", "yaml")
    assert caught.value.line == 3
    assert "duplicate key 'answer'" in caught.value.message


def test_broken_yaml_names_its_line():
    with pytest.raises(SourceError) as caught:
        read_text_as("- question: A?\n  answer: [unclosed\n- question: B?\n  answer: C\n", "b.yaml")
    assert caught.value.line is not None and "not valid YAML" in caught.value.message


def test_answer_given_as_a_list_becomes_bullets():
    (item,) = read_text_as("- question: Name two?\n  answer: [one, two]\n", "l.yaml").items
    assert item.answer == "- one\n- two"


def test_json_lines_one_record_per_line():
    text = '{"prompt": "A?", "completion": "x", "answer": "one"}\n\n{"prompt": "B?", "answer": "two"}\n'
    result = read_text_as(text, "r.jsonl")
    assert result.format == "json"
    assert [(i.question, i.answer, i.line) for i in result.items] == [("A?", "one", 1), ("B?", "two", 3)]


def test_truncated_json_records_name_the_line(tmp_path):
    broken = tmp_path / "faq.json"
    broken.write_text((RECORDS / "faq_object.json").read_text(encoding="utf-8")[:400], encoding="utf-8")
    with pytest.raises(SourceError, match="not valid JSON at column .*truncated") as caught:
        read_source(broken)
    assert caught.value.line == 15  # where the text stops


def test_a_group_among_records_is_walked_not_dropped():
    text = """
- question: Top?
  answer: top
- question: Also top?
  answer: also
- name: Nested
  questions:
    - question: Inside?
      answer: inside
"""
    result = read_text_as(text, "mixed.yaml")
    assert [(i.question, i.meta.get("topic")) for i in result.items] == [
        ("Top?", None), ("Also top?", None), ("Inside?", "Nested")]
    assert result.dropped == ()


def test_a_single_record_file_is_one_item():
    (item,) = read_text_as('{"question": "Alone?", "answer": "Yes.", "topic": "Solo"}', "one.json").items
    assert (item.question, item.answer, item.meta) == ("Alone?", "Yes.", {"topic": "Solo"})


def test_a_record_without_a_question_is_reported():
    result = read_text_as('[{"q": "A?", "a": "x"}, {"q": "", "a": "orphan"}]', "n.json")
    assert [(d.reason, d.question) for d in result.dropped] == [("no-question", "")]


def test_duplicate_ids_get_distinct_refs():
    text = '[{"id": 1, "q": "A?", "a": "x"}, {"id": 1, "q": "B?", "a": "y"}]'
    assert [i.ref for i in read_text_as(text, "d.json").items] == ["1", "1-2"]


# ----------------------------------------------------------------------------- detection

PROSE = (
    "FastAPI, Flask and Django are web frameworks. Each one, in its way, solves routing,\n"
    "validation and serialisation; they differ in speed, typing and batteries.\n"
    "Note: this paragraph has a colon, commas, and semicolons; it is still prose.\n"
)
MARKDOWN_TABLE = "| Question | Answer |\n|---|---|\n| What is X? | Y. |\n| What is Z? | W. |\n"
MARKDOWN_QA = "# FAQ\n\nQ: What is X?\nA: It is Y.\n\nQ: What is Z?\nA: It is W.\n"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("faq_object.json", "json"), ("keyed_records.json", "json"), ("titled_posts.json", "json"),
        ("nested_categories.yaml", "yaml"), ("by_topic.yaml", "yaml"), ("flat_bom_crlf.yaml", "yaml"),
        ("qa_bom_crlf.csv", "csv"), ("cards.tsv", "csv"), ("semicolon.csv", "csv"),
    ],
)
def test_detection_picks_the_format_from_content(name, expected, tmp_path):
    renamed = tmp_path / "source.txt"  # the extension must not matter
    renamed.write_bytes((RECORDS / name).read_bytes())
    assert read_source(renamed).format == expected


@pytest.mark.parametrize("text", [PROSE, MARKDOWN_TABLE, MARKDOWN_QA, "key: value\nother: thing\n"])
def test_prose_and_markdown_are_not_claimed_as_records(text):
    try:
        scores = detect(text).scores
    except UnsupportedFormatError as exc:
        assert "set 'format:'" in exc.message
        return
    assert max(scores[name] for name in ("json", "yaml", "csv", "nuxt-payload", "qa2anki")) < MIN_CONFIDENCE


@pytest.mark.parametrize("seed", sorted(SOURCES.glob("00[1-4]_*.txt")), ids=lambda p: p.name[:3])
def test_scraped_and_markdown_seeds_are_not_claimed_as_records(seed):
    text = seed.read_text(encoding="utf-8")
    for name in ("json", "yaml", "csv", "nuxt-payload", "qa2anki"):
        assert ADAPTERS[name].sniff(text) < MIN_CONFIDENCE, name


def test_kahoot_template_rows_under_its_title_and_notes_read_as_quizzes():
    text = (",,,,,,,\n,Quiz template,,,,,,\n,\"Add questions, at least two answers.\",,,,,,\n,,,,,,,\n"
            ",Question - max 120 characters,Answer 1 - max 75 characters,Answer 2 - max 75 characters,"
            "Answer 3 - max 75 characters,Answer 4 - max 75 characters,"
            "\"Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs\","
            "Correct answer(s) - choose at least one\n"
            "1,What is 2+2?,3,4,5,22,20,2, \n"
            "2,Which are colours?,Red,Seven,Blue,Dog,30,\"1,3\", \n"
            "3,Is the sky green?,True,False,,,20,2, \n")
    result = read_text_as(text, "kahoot.csv")
    assert result.format == "csv"
    assert [(i.question, i.prompt, i.answer) for i in result.items] == [
        ("What is 2+2?", "- A. 3\n- B. 4\n- C. 5\n- D. 22", "B. 4"),
        ("Which are colours?", "- A. Red\n- B. Seven\n- C. Blue\n- D. Dog", "A. Red\n\nC. Blue"),
        ("Is the sky green?", "- A. True\n- B. False", "B. False")]
    assert [(s.line, s.end_line, s.reason) for s in result.skipped][0] == (1, 5, "header")


def test_a_form_quiz_table_names_answers_by_text_and_keeps_short_answers_as_cards():
    text = ("Question,Question Type,Option 1,Option 2,Option 3,Answer Key,Points\n"
            "What does CPU stand for?,MULTIPLE_CHOICE,Central Processing Unit,Core Power Unit,,"
            "Central Processing Unit,1\n"
            "Which are primary colours?,CHECKBOX,Red,Green,Blue,Red;Blue,2\n"
            "Name the protocol behind web pages.,SHORT_ANSWER,,,,HTTP,1\n"
            "Which option is right?,MULTIPLE_CHOICE,,,,B,1\n")
    result = read_text_as(text, "form.csv")
    assert [(i.question, i.answer) for i in result.items] == [
        ("What does CPU stand for?", "A. Central Processing Unit"),
        ("Which are primary colours?", "A. Red\n\nC. Blue"),
        ("Name the protocol behind web pages.", "HTTP")]
    assert [(d.question, d.reason) for d in result.dropped] == [("Which option is right?", "unknown-option")]


def test_a_yaml_deck_list_lends_each_deck_name_to_its_cards():
    text = ("title: Networking\ndecks:\n  - name: Basics\n    cards:\n      - front: What is a port?\n"
            "        back: A number naming a service.\n  - name: Protocols\n    cards:\n"
            "      - front: What does UDP lack?\n        back: Delivery guarantees.\n")
    result = read_text_as(text, "deck.yaml")
    assert [(i.question, i.meta.get("subtopic"), i.line) for i in result.items] == [
        ("What is a port?", "Basics", 5), ("What does UDP lack?", "Protocols", 9)]
