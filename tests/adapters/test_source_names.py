"""Cards name their sources as a learner reads them: the manifest's ``name:``, else the
document's own title (from its structure, whatever the format), else the file's stem."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ankitools import import_apkg, notes_by_question
from qa2anki.adapters import read_text_as
from qa2anki.cli import main
from qa2anki.render import source_names


@pytest.mark.parametrize(
    "text, format, title",
    [
        ("# Go Interview Questions\n\n## What is a goroutine?\n\nA light thread.\n", "markdown",
         "Go Interview Questions"),
        ("\ufeff# **Rust** quick Q&A\n\n## What is a borrow?\n\nA reference.\n", "markdown",
         "Rust quick Q&A"),
        ("Kotlin Q&A\n==========\n\n## What is a data class?\n\nA class for data.\n", "markdown",
         "Kotlin Q&A"),
        ("---\ntitle: \"SQL drills\"\n---\n\n## What is a view?\n\nA stored query.\n", "markdown",
         "SQL drills"),
        ("# [Питання на співбесіду](../README.md)\n\n## Що таке клас?\n\nШаблон.\n", "markdown",
         "Питання на співбесіду"),
        ("## What is a view?\n\nA stored query.\n\n## What is an index?\n\nA lookup.\n", "markdown", ""),
        ('{"questions": [{"q": "What is X?", "a": "Y.", "framework": "Vue", "topic": "Basics"},'
         ' {"q": "What is Z?", "a": "W.", "framework": "Vue", "topic": "Basics"}]}', "json", "Vue · Basics"),
        ('{"questions": [{"q": "What is X?", "a": "Y.", "topic": "A"},'
         ' {"q": "What is Z?", "a": "W.", "topic": "B"}]}', "json", ""),
    ],
    ids=["h1", "bom-emphasis", "setext", "front-matter", "link", "none", "shared-meta", "meta-differs"],
)
def test_a_document_names_itself(text: str, format: str, title: str):
    assert read_text_as(text, "doc", format).title == title


def test_a_copied_pages_headline_is_its_title_but_an_opening_sentence_is_not():
    page = ("25 Docker Interview Questions (2026)\n\nBlog / Docker\n\n1. What is an image?\n"
            "A read-only template.\n\n2. What is a container?\nA running image.\n")
    assert read_text_as(page, "page.txt", "numbered-text").title == "25 Docker Interview Questions (2026)"
    chatty = ("I wrote these questions while preparing for my own interviews last spring.\n\n"
              "1. What is an image?\nA read-only template.\n\n2. What is a container?\nA running image.\n")
    assert read_text_as(chatty, "page.txt", "numbered-text").title == ""


def test_names_fall_back_to_the_file_and_two_sources_of_one_title_are_told_apart():
    names = source_names({"a/README.md": "Interview Qs", "b/README.md": "Interview Qs", "x_1f2e.txt": ""})
    assert names == {"a/README.md": "Interview Qs (a/README)", "b/README.md": "Interview Qs (b/README)",
                     "x_1f2e.txt": "x_1f2e"}


def test_the_manifests_name_wins_and_reaches_real_anki(tmp_path: Path, collection):
    (tmp_path / "notes.md").write_text(
        "# My Go notes\n\n## What is a goroutine?\n\nA function running concurrently, scheduled by the Go "
        "runtime onto OS threads; start one with the go keyword.\n", encoding="utf-8")
    (tmp_path / "deck_1a2b3c4d5e6f7a8b.csv").write_text(
        "question,answer\nWhat is a goroutine?,\"A goroutine is a function running concurrently, scheduled "
        "by the Go runtime onto OS threads; you start one with the go keyword. Goroutines are cheap: "
        "a few KB of stack each.\"\n", encoding="utf-8")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: Go\n    output: go.apkg\n    sources:\n      - notes.md\n"
        "      - path: deck_1a2b3c4d5e6f7a8b.csv\n        name: \"Ana's flashcards\"\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "qa2anki.yaml")])
    assert result.exit_code == 0, result.output
    import_apkg(collection, tmp_path / "go.apkg")
    note = notes_by_question(collection)["What is a goroutine?"]
    assert "<li>Ana's flashcards</li>" in note["Source"]  # the richer answer, shown
    assert "<li>also in My Go notes (same answer)</li>" in note["Source"]  # its title heading
    assert "deck_1a2b" not in note["Source"] + note["OtherAnswers"]


def test_an_empty_name_is_a_manifest_error_with_its_line(tmp_path: Path):
    (tmp_path / "notes.md").write_text("## What is X?\n\nY.\n", encoding="utf-8")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: D\n    output: d.apkg\n    sources:\n      - path: notes.md\n        name: ''\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "qa2anki.yaml")])
    assert result.exit_code == 1
    assert "qa2anki.yaml:6" in result.output and "'name' must be a non-empty text" in result.output
