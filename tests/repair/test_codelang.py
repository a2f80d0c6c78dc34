"""Unlabelled code blocks get the language their content clearly shows, prose gets none."""

from __future__ import annotations

import pytest

from qa2anki.repair.codelang import guess_language
from qa2anki.repair.codelayout import relayout


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ('{"detail": [{"loc": ["body"]}]}', "json"),
        ("pip3 install fastapi", "bash"),
        ("$ uvicorn main:app --reload\n$ curl localhost:8000", "bash"),
        ("FROM python:3.12\nRUN pip install fastapi\nCMD [\"uvicorn\"]", "dockerfile"),
        ("SELECT id FROM users WHERE id = 1;", "sql"),
        ("from fastapi import FastAPI\napp = FastAPI()", "python"),
        ("@app.get('/')\nasync def index():\n    return {}", "python"),
        ("class Item:\ndef f(self):\nreturn 1\nimport os", "python"),  # dedented, no longer parses
        ("services:\n  web:\n    build: .\n    ports:\n      - 8000:8000", "yaml"),
        ('const ws = new WebSocket("ws://localhost/ws");\nws.send("hi");', "javascript"),
        ("GET /items/1 HTTP/1.1\nHost: example.com", "http"),
        ('<div class="card">Hi</div>', "html"),
    ],
)
def test_guesses(code: str, language: str):
    assert guess_language(code) == language


@pytest.mark.parametrize(
    "text",
    [
        "This is a plain sentence. It is not code at all, just some words.",
        "Options:",
        "",
        "hello",
        "Rule of thumb: use HTTPException for expected errors; let others propagate.",
    ],
)
def test_prose_and_fragments_get_no_label(text: str):
    assert guess_language(text) is None


def test_brace_languages_break_after_statements_and_braces():
    flat = "function f(a) { if (a) { return 1; } else { return 2; } } const x = f(1);"
    assert relayout(flat, "javascript", "flattened") == (
        "function f(a) {\n    if (a) {\n        return 1;\n    } else {\n        return 2;\n    }\n}\n"
        "const x = f(1);"
    )


def test_unknown_languages_and_broken_json_are_left_to_the_caller():
    assert relayout("anything at all", "brainfuck", "flattened") is None
    assert relayout('{"a": 1,', "json", "flattened") is None
