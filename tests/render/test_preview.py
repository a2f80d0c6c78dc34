"""The preview page: Anki's templates filled like Anki, one self-contained file."""

from __future__ import annotations

import re
import shutil

import click
from click.testing import CliRunner

from conftest import DATA, SOURCES
from qa2anki.cli import main
from qa2anki.manifest import manifest_for_files
from qa2anki.pipeline import build
from qa2anki.preview import card_sides, fill_template, preview_html

SHOWCASE = DATA / "cards" / "showcase.md"


def test_fill_template_like_anki():
    template = "{{#Level}}<b>{{Level}}</b>{{/Level}}{{^Topic}}no topic{{/Topic}}<p>{{Question}}</p>"
    filled = fill_template(template, {"Level": "easy", "Topic": "", "Question": "Q"})
    assert filled == "<b>easy</b>no topic<p>Q</p>"
    assert fill_template(template, {"Level": " <br> ", "Topic": "T", "Question": "Q"}) == "<p>Q</p>"


def test_field_text_that_looks_like_a_template_is_shown_as_is():
    template = "{{#Answer}}<div>{{Answer}}</div>{{/Answer}}{{Question}}"
    fields = {"Answer": "<code>{{ user.name }}</code> and {{Question}}", "Question": "Vue?"}
    assert fill_template(template, fields) == "<div><code>{{ user.name }}</code> and {{Question}}</div>Vue?"


def test_back_repeats_the_front_then_answer_and_provenance():
    report = build(manifest_for_files([SHOWCASE], "unused.apkg"), write=False)
    front, back = card_sides(report.decks[0].notes[0])
    assert "How do you declare an async endpoint" in front and "{{" not in front + back
    assert back.startswith(front) and 'id="answer"' in back
    assert '<li>Card showcase: the markup real answers use</li>' in back  # the document's title
    assert "showcase.md:3-" in preview_html(report) and "#Q1" in preview_html(report)  # and where


def test_page_is_self_contained():
    page = preview_html(build(manifest_for_files([SHOWCASE], "unused.apkg"), write=False))
    assert page.count('class="pv-note"') == 3
    assert ".nightMode .highlight .k" in page
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page)
    assert not re.search(r'(src|href)="(?!data:|https://fastapi\.tiangolo\.com/)', page)  # nothing to fetch
    assert "<link" not in page and "@import" not in page


def test_preview_command_default_path_and_open(tmp_path, monkeypatch):
    shutil.copy(SOURCES / "004_7624664d3e7a1fbf.txt", tmp_path / "seed.md")
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: FastAPI Interview\n    sources: [seed.md]\n", encoding="utf-8"
    )
    opened: list[str] = []
    monkeypatch.setattr(click, "launch", lambda url, **kwargs: opened.append(url))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["preview", "--open"])
    assert result.exit_code == 0, result.output
    expected = tmp_path / "decks" / "fastapi-interview-preview.html"
    assert result.output.strip() == str(expected.relative_to(tmp_path)) and opened == [result.output.strip()]
    assert expected.read_text(encoding="utf-8").count('class="pv-note"') == 30
    assert not (tmp_path / "decks" / "fastapi-interview.apkg").exists()  # a preview builds nothing


def test_preview_command_with_files_and_output(tmp_path):
    out = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["preview", str(SHOWCASE), "-o", str(out), "--deck", "Mine"])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "image 'img/missing.png' not found" in result.output
    assert "<h2>Mine <small>3 cards</small></h2>" in out.read_text(encoding="utf-8")


def test_preview_command_reports_bad_manifest_in_one_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("decks:\n  - name: X\n    sorces: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["preview", "-c", str(tmp_path / "bad.yaml")])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {tmp_path / 'bad.yaml'}:3: unknown key 'sorces'")
