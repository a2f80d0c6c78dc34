"""Audit fixes in the record adapters: each test failed before its fix."""

from __future__ import annotations

from qa2anki.adapters import read_text_as


def test_an_unquoted_comma_in_the_last_answer_column_is_joined_back_and_reported():
    text = "question,answer\nWhat is X?,X is a thing\nWhat is Y?,Y is one, two and three\n"
    result = read_text_as(text, "t.csv", "csv")
    assert [item.answer for item in result.items] == ["X is a thing", "Y is one, two and three"]
    assert [(d.line, d.severity) for d in result.diagnostics] == [(3, "warning")]


def test_extra_cells_before_a_later_column_stay_in_the_answer_and_are_reported():
    text = "question,answer,level\nWhat is X?,X is a thing,easy\nWhat is Y?,Y is one,hard,two\n"
    result = read_text_as(text, "t.csv", "csv")
    assert result.items[1].answer == "Y is one\n\ntwo"
    assert result.items[1].meta["level"] == "hard"
    assert [d.line for d in result.diagnostics] == [3]


def test_field_names_match_by_their_words_in_any_case_style():
    for question, answer in (("prompt_text", "reply_text"), ("promptText", "replyText"),
                             ("question-body", "answer-body"), ("QuestionText", "AnswerMarkdown")):
        text = (f'[{{"{question}": "What is X?", "{answer}": "X is a thing.", "question_id": 7}},'
                f' {{"{question}": "What is Y?", "{answer}": "Y is another.", "question_id": 8}}]')
        result = read_text_as(text, "t.json", "json")
        assert [(i.question, i.answer) for i in result.items] == [
            ("What is X?", "X is a thing."), ("What is Y?", "Y is another.")], (question, answer)


def test_a_csv_header_with_compound_names_is_recognised():
    result = read_text_as("prompt_text,reply_text\nWhat is X?,X is a thing.\nWhat is Y?,Y is another.\n",
                          "t.csv", "csv")
    assert [i.question for i in result.items] == ["What is X?", "What is Y?"]


def test_unknown_names_fall_back_to_the_shape_of_the_values():
    text = ('[{"ask": "What is idempotency?", "say": "Repeating a request has the same effect as once."},'
            ' {"ask": "What is a 502?", "say": "Bad gateway: an upstream server gave an invalid response."}]')
    result = read_text_as(text, "t.json", "json")
    assert [(i.question, i.answer[:10]) for i in result.items] == [
        ("What is idempotency?", "Repeating "), ("What is a 502?", "Bad gatewa")]
