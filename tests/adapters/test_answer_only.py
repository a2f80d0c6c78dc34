"""The answer-only adapter: pages whose question headings were lost (seeds 002 and 003)."""

from __future__ import annotations

import pytest

from conftest import DATA, SOURCES
from qa2anki.adapters import ADAPTERS, detect, read_source, read_text_as
from qa2anki.models import ANSWER_ONLY, DAMAGE_MARK, PLAIN_TEXT

SEED_002 = SOURCES / "002_7deff138cdeedc43.txt"
SEED_003 = SOURCES / "003_c8b26289045d70da.txt"
FIXTURES = DATA / "scraped-text"
DEDENTED_FENCE = f"```python {DAMAGE_MARK}=dedented\n"


@pytest.fixture(scope="module")
def seed_002():
    return read_source(SEED_002)


@pytest.fixture(scope="module")
def seed_003():
    return read_source(SEED_003)


def test_003_has_14_units_each_ending_with_its_rule_of_thumb(seed_003):
    assert seed_003.format == "answer-only"
    assert len(seed_003.items) == 14
    for item in seed_003.items:
        last_paragraph = item.answer.split("\n\n")[-1]
        assert last_paragraph.startswith("Rule of thumb:"), item.ref
        assert item.question == "" and item.flags == frozenset({ANSWER_ONLY, PLAIN_TEXT})
    assert [item.ref for item in seed_003.items] == [f"U{n}" for n in range(1, 15)]
    assert [item.line for item in seed_003.items][:4] == [1, 16, 25, 45]


def test_003_wrapped_rule_of_thumb_stops_at_the_sentence_end(seed_003):
    background_tasks = seed_003.items[7]
    assert background_tasks.answer.endswith("for retryable or long-running jobs.")
    assert seed_003.items[8].answer.startswith("jsonable_encoder converts Python objects")


def test_003_footer_is_reported_not_a_unit(seed_003):
    assert all("More ways to practice" not in item.answer for item in seed_003.items)
    (note,) = seed_003.diagnostics
    assert (note.line, note.severity) == (222, "info")
    assert "lines 222-224" in note.message


def test_003_code_stays_in_its_unit_and_is_marked_dedented(seed_003):
    http_exception = seed_003.items[2].answer
    assert http_exception.startswith("HTTPException is FastAPI's way to abort a request")
    assert DEDENTED_FENCE + "from fastapi import HTTPException\n@app.get(" in http_exception
    assert "\nreturn item\n# Response: {\"detail\": \"Item not found\"} with HTTP 404\n```" in http_exception
    assert "```json\n{\n\"detail\": [" in seed_003.items[4].answer  # JSON is not Python: unmarked


def test_003_flattened_list_items_are_split(seed_003):
    lifecycle = seed_003.items[0].answer
    assert lifecycle.startswith("- Uvicorn accepts the TCP connection")
    assert lifecycle.count("\n- ") == 8
    assert "\n- Middleware stack (outermost first) wraps the request." in lifecycle


def test_003_table_is_kept(seed_003):
    assert "| Source | Signal |\n|---|---|\n| Path parameter |" in seed_003.items[9].answer


def test_002_unit_count(seed_002):
    # One unit per lost question: every paragraph line from line 7 on, except code lines (with
    # their glued sentences) and the second and later lines of a "- " list; see the README.
    assert len(seed_002.items) == 234
    assert seed_002.items[0].line == 7
    assert seed_002.items[0].answer.startswith("FastAPI is a modern Python web framework for building APIs.")
    assert seed_002.items[-1].line == 368
    assert seed_002.items[-1].answer.startswith("Access Request when you need raw request details")


def test_002_intro_is_reported_not_a_unit(seed_002):
    assert all("linkedin" not in item.answer.lower() for item in seed_002.items)
    (note,) = seed_002.diagnostics
    assert (note.line, note.severity) == (1, "info")
    assert "lines 1-6" in note.message


def test_002_glued_sentences_split_and_kept_in_the_unit(seed_002):
    unit = next(item for item in seed_002.items if item.line == 24)
    assert unit.answer == (
        "A minimal app imports FastAPI, creates an app instance, and defines a route:\n\n"
        f"{DEDENTED_FENCE}from fastapi import FastAPI\napp = FastAPI()\n@app.get(\"/\")\n"
        "async def index():\nreturn {\"message\": \"Hello World\"}\n```\n\n"
        "This is enough to serve JSON responses and verify your setup with an ASGI server. "
        "The file can be named main.py or similar and referenced by Uvicorn."
    )
    install = next(item for item in seed_002.items if item.line == 18)
    assert install.answer.split("\n\n") == [
        "Minimal install:",
        "```bash\npip3 install uvicorn\n```",
        "Standard install (adds extras):",
        '```bash\npip3 install "uvicorn[standard]"\n```',
        "The standard extras bring in performance and protocol dependencies that are commonly used in "
        "production. It is the usual choice unless you want a minimal dependency set.",
    ]


def test_002_languages_per_block(seed_002):
    by_line = {item.line: item.answer for item in seed_002.items}
    assert "```javascript\nvar ws = new WebSocket" in by_line[300]
    assert "```html\n<img src=" in by_line[160]
    assert "```python\n@app.get(\"/user/\", dependencies=[Depends(validate)])\n```" in by_line[230]
    cors = "```python\nfrom fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(\n"
    assert cors in by_line[236]


def test_002_list_is_its_own_unit(seed_002):
    by_line = {item.line: item.answer for item in seed_002.items}
    assert by_line[69].startswith("- Uniform interface\n- Statelessness\n")
    assert by_line[68].startswith("REST is a resource-based architecture")


def test_prose_page_with_intro_footer_and_hard_wraps():
    result = read_source(FIXTURES / "prose_answers.txt")
    assert [item.line for item in result.items] == [4, 7, 11, 13]
    assert result.items[0].answer.endswith("does not take down the others.")  # wrapped lines joined
    assert result.items[1].answer == (
        f"Use a context manager:\n\n{DEDENTED_FENCE}with open(\"notes.txt\") as handle:\n"
        "data = handle.read()\n```\n\nReading the whole file at once is fine for small files. "
        "Iterate over the handle for large ones."
    )
    assert [(d.line, d.severity) for d in result.diagnostics] == [(1, "info"), (15, "info")]


def test_other_closing_labels_end_units():
    result = read_source(FIXTURES / "takeaways.txt")
    assert len(result.items) == 2
    assert all(item.answer.split("\n\n")[-1].startswith("Key takeaway:") for item in result.items)
    assert DEDENTED_FENCE + "def count(n):\ni = 0\nwhile i < n:" in result.items[1].answer
    assert "Next post" not in result.items[1].answer


def test_crlf_and_bom():
    text = "\ufeffFirst answer is here and it is long enough.\r\nSecond answer sits on this line too.\r\n"
    result = read_text_as(text, "t.txt", "answer-only")
    assert [(item.line, item.answer) for item in result.items] == [
        (1, "First answer is here and it is long enough."),
        (2, "Second answer sits on this line too."),
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (SEED_002, "answer-only"),
        (SEED_003, "answer-only"),
        (SOURCES / "001_69c6ad9c276d4e73.txt", "numbered-text"),
    ],
)
def test_detection_of_the_seeds(path, expected):
    assert detect(path.read_text(encoding="utf-8")).format == expected


def test_sniff_stays_below_question_finding_adapters():
    sniff = ADAPTERS["answer-only"].sniff
    prose = "\n".join(f"Sentence number {n} explains one more thing about the tool." for n in range(6))
    assert sniff(prose) == pytest.approx(0.3)  # plain prose: just enough for format: auto
    assert detect(prose).format == "answer-only"
    with_questions = prose + "\nWhat is a coroutine?\nHow does await work?\nWhy use asyncio?\n"
    assert sniff(with_questions) < 0.1
    assert sniff("## What is X?\nX is a thing.\n## What is Y?\nY is another.\n") < 0.1
    assert sniff('[{"question": "a", "answer": "b"}]') == 0.0
    assert sniff("question,answer\nWhat is X?,A thing\nWhat is Y?,Another\n") == 0.0
    assert sniff("- question: What is X?\n  answer: A thing.\n- question: Y?\n  answer: B.\n") == 0.0


def test_a_stray_closing_label_does_not_switch_to_label_mode():
    paragraphs = [f"Answer number {n} is a complete sentence about one topic." for n in range(90)]
    paragraphs[10] = "Remember: always close the file you opened."
    paragraphs[70] = "Remember: a socket is a file too."
    result = read_text_as("\n".join(paragraphs), "t.txt", "answer-only")
    assert len(result.items) == 90


def test_intro_detection_spares_answers_with_links_and_io():
    text = (
        "I/O-bound work benefits from async code because the loop can run other tasks.\n"
        "See https://docs.python.org/3/library/asyncio.html for the event loop reference.\n"
    )
    result = read_text_as(text, "t.txt", "answer-only")
    assert [item.line for item in result.items] == [1, 2]
    assert not result.diagnostics


def test_forced_on_a_file_without_answers_warns():
    result = read_text_as("Share\nSubscribe\n", "t.txt", "answer-only")
    assert not result.items
    assert [d.severity for d in result.diagnostics] == ["info", "warning"]
    assert "no answer text found" in result.diagnostics[-1].message
