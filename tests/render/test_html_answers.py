"""Answers that are already HTML (JSON, YAML, CSV records): kept as HTML, code highlighted, never
read as markdown (``def __init__`` must not turn into ``def <strong>init</strong>``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_math import check_rendered

from ankitools import import_apkg
from conftest import DATA
from qa2anki.adapters import read_source
from qa2anki.adapters.common_schema import dump
from qa2anki.cli import main
from qa2anki.html_answers import is_html
from qa2anki.models import HTML_ANSWER
from qa2anki.render import Renderer
from qa2anki.repair import repair_items
from qa2anki.sanitize import sanitize_html

HTML_RECORDS = DATA / "realworld" / "html_records"
RENDERER = Renderer()

HTML = [
    "<p>A</p><pre><code>def __init__(self):\n    self.x = ['*']</code></pre>",
    "<p>React is a <strong>library</strong>.</p><ul><li><p>a</p></li></ul>",
    "<ol>\n<li>Open</li>\n<li>Choose</li>\n</ol>",
    "Line one<br>Line two<br/>Line three",
    "<ul><li>a<li>b</ul>",  # </ul> closes the <li> HTML lets an author leave open
    "<p>x</p> and a trailing sentence",
    "<div><p>Call <code>f(**kwargs)</code></p></div>",
]
MARKDOWN = [
    "Plain text answer",
    "Use `<div>` to group",
    "The <p> tag starts a paragraph",  # never closed: a word about HTML, not HTML
    "Use <b>bold</b> for emphasis",  # inline HTML only: markdown with some HTML in it
    "**Bold**<br>next line",  # markdown's own syntax between the tags
    "Map<String, Integer> is generic",
    "a < b and c > d",
    "<details><summary>Show</summary>\n\n```python\nx = 1\n```\n</details>",  # markdown inside
    "| a<br>b | c |\n|---|---|",
    "<custom>x</custom>",
    "<p/>text",
]


@pytest.mark.parametrize("value", HTML)
def test_values_made_of_html_are_html(value: str):
    assert is_html(value)


@pytest.mark.parametrize("value", MARKDOWN)
def test_markdown_and_text_that_mention_tags_are_not_html(value: str):
    assert not is_html(value)


def _read(tmp_path: Path, records: list[dict], name: str = "dump.json"):
    source = tmp_path / name
    source.write_text(json.dumps(records), encoding="utf-8")
    return read_source(source)


def test_html_code_keeps_its_underscores_and_stars_and_is_highlighted(tmp_path: Path):
    answer = ('<p>The initializer.</p><pre><code class="language-python">class A:\n    def __init__(self):\n'
              "        self.allowed = ['*']</code></pre>")
    (item,) = _read(tmp_path, [{"question": "What is an initializer?", "answer": answer}]).items
    assert HTML_ANSWER in item.flags and item.answer == answer
    card = sanitize_html(RENDERER.answer(item))
    assert '<span class="fm">__init__</span>' in card and "<span class=\"s1\">'*'</span>" in card
    assert "<strong>" not in card and "<em>" not in card
    assert card.startswith("<p>The initializer.</p><div class=\"highlight\"><pre>")


def test_markdown_answers_beside_them_are_still_markdown(tmp_path: Path):
    records = [{"question": "Q one?", "answer": "<p>HTML</p>"},
               {"question": "Q two?", "answer": "Run `git stash`, then **pop**."}]
    html_item, markdown_item = _read(tmp_path, records).items
    assert HTML_ANSWER in html_item.flags and HTML_ANSWER not in markdown_item.flags
    assert RENDERER.answer(markdown_item) == "<p>Run <code>git stash</code>, then <strong>pop</strong>.</p>"


def test_extra_fields_join_an_html_answer_as_html(tmp_path: Path):
    record = {"question": "What does zip do?", "answer": "<p>Pairs items up.</p>",
              "explanation": "Stops at the shortest input.\nUse itertools for more.",
              "code": "list(zip('ab', [1, 2]))  # [('a', 1), ('b', 2)]", "language": "python"}
    (item,) = _read(tmp_path, [record]).items
    assert HTML_ANSWER in item.flags
    assert "<p><strong>Explanation:</strong></p><p>Stops at the shortest input.<br>Use" in item.answer
    assert """<pre><code class="language-python">list(zip('ab', [1, 2]))  # [('a', 1)""" in item.answer
    assert '<span class="nb">zip</span>' in RENDERER.answer(item)


def test_unlabelled_html_code_gets_the_language_its_content_shows(tmp_path: Path):
    answer = "<p>Like this:</p><pre><code>def add(a, b):\n    return a + b\n\nprint(add(1, 2))</code></pre>"
    (item,) = repair_items(_read(tmp_path, [{"question": "How?", "answer": answer}]).items).items
    assert '<pre><code class="language-python">def add(a, b):' in item.answer
    assert '<span class="k">def</span>' in RENDERER.answer(item)


def test_scripts_in_html_answers_are_still_removed(tmp_path: Path):
    answer = '<p onclick="steal()">Hi</p><script>alert(1)</script><pre><code>x &lt; y</code></pre>'
    (item,) = _read(tmp_path, [{"question": "Safe?", "answer": answer}]).items
    card = sanitize_html(RENDERER.answer(item))
    assert "script" not in card and "onclick" not in card and "x &lt; y" in card


def test_the_flag_survives_the_common_schema(tmp_path: Path):
    result = _read(tmp_path, [{"question": "Q?", "answer": "<p>A</p><pre><code>x</code></pre>"}])
    normalized = tmp_path / "normalized.qa.yaml"
    normalized.write_text(dump(result.source, result.format, result.items), encoding="utf-8")
    (item,) = read_source(normalized).items
    assert HTML_ANSWER in item.flags


@pytest.mark.parametrize(("field", "value", "topic"), [
    ("category", "Python", "Python"),
    ("Category", "Python", "Python"),
    ("categoryName", "Python", "Python"),
    ("category_name", "Python", "Python"),
    ("topic_title", "Python", "Python"),
    ("categories", ["Python", "Basics"], "Python"),
    ("section", {"name": "Python"}, "Python"),
    ("tags", "python", "python"),  # one tag, given as a string, names the category
    ("tags", "python, oop", None),  # several tags are tags
    ("category_id", 7, None),
])
def test_a_records_category_becomes_its_topic(tmp_path: Path, field: str, value, topic: str | None):
    (item,) = _read(tmp_path, [{"question": "Q?", "answer": "A.", field: value}]).items
    assert item.meta.get("topic") == topic


def test_an_answer_field_named_for_its_format_is_the_answer(tmp_path: Path):
    records = [{"question": "Q1?", "answer_html": "<p>One</p>"},
               {"question": "Q2?", "answer_html": "<p>Two</p>"}]
    items = _read(tmp_path, records).items
    assert [(item.answer, HTML_ANSWER in item.flags) for item in items] == [("<p>One</p>", True),
                                                                           ("<p>Two</p>", True)]


DOCUMENTS = sorted(p for p in HTML_RECORDS.iterdir() if not p.name.endswith(".expected.yaml"))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_corpus_html_answers_stay_html(document: Path):
    key = yaml.safe_load(document.with_name(document.stem + ".expected.yaml").read_text(encoding="utf-8"))
    items = read_source(document).items
    assert [i for i, item in enumerate(items) if HTML_ANSWER in item.flags] == key["html_answers"]
    check_rendered(document, key)


def test_html_answers_in_real_anki(tmp_path: Path, collection):
    for name in ("qa_api_dump.json", "faq_export.csv"):
        shutil.copy(HTML_RECORDS / name, tmp_path / name)
    (tmp_path / "qa2anki.yaml").write_text(
        "decks:\n  - name: Help\n    output: html.apkg\n    subdecks: topic\n"
        "    sources: [qa_api_dump.json, faq_export.csv]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-c", str(tmp_path / "qa2anki.yaml")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "html.apkg"
    assert import_apkg(collection, out).new == 14
    (nid,) = collection.find_notes('"Question:What does the initializer method of a Python class do?"')
    note = collection.get_note(nid)
    assert '<span class="fm">__init__</span>' in note["Answer"]
    assert "<strong>init</strong>" not in note["Answer"]
    assert note["Topic"] == "Python" and note["Level"] == "easy"
    (nid,) = collection.find_notes('"Question:How do I make a Python file runnable as a script?"')
    script = collection.get_note(nid)
    assert '<span class="vm">__name__</span>' in script["Answer"] and script["Topic"] == "Development"
    card = script.cards()[0]
    assert collection.decks.name(card.did) == "Help::Development"
