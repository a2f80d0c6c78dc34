"""Recovered questions judged against the questions the answers really answer (figures printed).

The labelled set is ``tests/data/recover/unit_questions.yaml`` (every answer-only unit of the
seeds, with the question it answers); the corpus set is every real-world corpus item whose
question its document shows. The judgement rule is written down in :mod:`bench.recover_quality`.
"""

from __future__ import annotations

from bench.recover_quality import corpus_figures, seed_figures, seed_labels

#: Lines the terminal summary prints (see conftest.py).
FIGURES: list[str] = []


def test_sixty_or_more_units_are_labelled_with_the_question_they_answer():
    labels = seed_labels()
    assert len(labels) >= 60
    assert all(label.question.endswith("?") and label.ask for label in labels)


def test_recovered_questions_ask_what_the_labelled_units_answer():
    figures = seed_figures()
    FIGURES.append(figures.line())
    assert figures.units == len(seed_labels())
    assert figures.questions >= 40
    assert figures.same >= 0.5 * figures.questions  # floor under today's 0.57


def test_recovered_questions_ask_what_corpus_answers_answer():
    figures = corpus_figures()
    FIGURES.append(figures.line())
    assert figures.units >= 400 and figures.questions >= 25
    assert figures.same >= 0.6 * figures.questions  # floor under today's 0.74
