"""Plain-text sources lost their inline code markup; what is clearly code gets it back."""

from __future__ import annotations

import pytest

from conftest import SOURCES
from qa2anki.adapters import read_source
from qa2anki.render import Renderer
from qa2anki.repair import repair_items
from qa2anki.repair.inline_code import mark_inline_code


@pytest.mark.parametrize(
    "prose, marked",
    [
        ("Plug it in with include_router() and set response_model.",
         "Plug it in with `include_router()` and set `response_model`."),
        ("The path /items/{item_id} takes MAX_RETRIES tries; {name} too.",
         "The path `/items/{item_id}` takes `MAX_RETRIES` tries; `{name}` too."),
        ("useEffect runs after render; call app.get() first.",
         "`useEffect` runs after render; call `app.get()` first."),
    ],
)
def test_what_no_sentence_contains_is_marked(prose: str, marked: str):
    assert mark_inline_code(prose) == marked


@pytest.mark.parametrize(
    "prose",
    [
        "FastAPI and GraphQL are names, not code; so are APIs, URLs and IDEs.",
        "Mail first_last@example.com or see https://github.com/some_user/some_repo for more.",
        "A \\_private name stays escaped, e.g. this; an iPhone and eBay stay prose.",
        "Already `marked` text is left to its author: response_model here stays plain.",
    ],
)
def test_prose_names_links_and_marked_text_stay_as_they_are(prose: str):
    assert mark_inline_code(prose) == prose


def test_a_class_name_is_code_where_the_answers_code_uses_it():
    answer = "An APIRouter groups routes; BaseModel too.\n\n```python\nrouter = APIRouter()\n```"
    assert mark_inline_code(answer).startswith("An `APIRouter` groups routes; BaseModel too.")
    assert mark_inline_code(answer).endswith("```python\nrouter = APIRouter()\n```")


def test_the_seed_pages_identifiers_render_as_code():
    (item,) = [i for i in read_source(SOURCES / "001_69c6ad9c276d4e73.txt").items if i.ref == "Q10"]
    html = Renderer().answer(repair_items([item]).items[0])
    assert "An <code>APIRouter</code> is a mini-FastAPI app" in html
    assert "<code>include_router()</code>" in html
