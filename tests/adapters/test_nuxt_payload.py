"""The Nuxt payload adapter: devalue decoding, Q&A records by shape, meta, and clear errors."""

from __future__ import annotations

import json
import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, SOURCES
from devalue_tools import flatten, payload_text
from qa2anki.adapters import detect, read_source, read_text_as
from qa2anki.adapters.nuxt_payload import DevalueError, sniff, unflatten
from qa2anki.errors import SourceError

SEED_000 = SOURCES / "000_ef3bbbb18375a36d.txt"
DJANGO = DATA / "nuxt" / "django_orm_payload.json"


@pytest.fixture(scope="module")
def seed():
    return read_source(SEED_000)


def test_seed_000_holds_71_questions_in_5_subtopics(seed):
    assert seed.format == "nuxt-payload"
    assert len(seed.items) == 71
    assert seed.dropped == ()
    assert Counter(item.meta["subtopic"] for item in seed.items) == {
        "Async Basics": 15, "Path Operations": 15, "Request Lifecycle": 14,
        "Type Hints & FastAPI": 14, "OpenAPI & Docs": 13,
    }


def test_seed_000_first_and_last_question_with_meta(seed):
    first, last = seed.items[0], seed.items[-1]
    assert first.question == "What is async/await in Python and why does FastAPI use it?"
    assert first.ref == "what-is-async-await"
    assert first.line is None
    assert dict(first.meta) == {
        "framework": "FastAPI", "topic": "Fundamentals", "subtopic": "Async Basics", "difficulty": "easy",
    }
    assert first.answer.startswith("`async`/`await` is Python's syntax")
    assert "```python\nimport asyncio\n" in first.answer
    assert last.question == (
        "How do you configure Swagger UI's OAuth2 settings (client ID, scopes) in FastAPI?"
    )
    assert last.meta["subtopic"] == "OpenAPI & Docs"
    assert {item.meta["framework"] for item in seed.items} == {"FastAPI"}
    assert {item.meta["difficulty"] for item in seed.items} == {"easy", "medium", "hard"}
    assert len({item.ref for item in seed.items}) == 71


def test_another_payload_of_the_same_site_with_other_keys_and_wrappers():
    result = read_source(DJANGO)
    assert [item.ref for item in result.items] == ["n-plus-one", "select-vs-prefetch", "what-is-queryset"]
    assert dict(result.items[2].meta) == {
        "framework": "Django", "topic": "ORM", "subtopic": "QuerySets", "difficulty": "easy",
    }
    assert [(d.ref, d.reason) for d in result.dropped] == [("empty-one", "empty-answer")]


def test_question_answer_keys_are_found_by_shape_not_position():
    tree = {"page": {"faq": [{"slug": "x", "question": "Why?", "answer": "Because.", "level": "Junior"}],
                     "section": "Basics"}}
    result = read_text_as(payload_text(tree), "p.json")
    assert result.format == "nuxt-payload"
    (item,) = result.items
    assert (item.question, item.answer, item.ref) == ("Why?", "Because.", "x")
    assert dict(item.meta) == {"topic": "Basics", "level": "Junior"}


def test_sniff_is_sure_of_payloads_and_low_on_plain_json():
    assert sniff(SEED_000.read_text(encoding="utf-8")) >= 0.9
    records = json.dumps([{"question": "Q?", "answer": "A."}, {"question": "R?", "answer": "B."}])
    assert sniff(records) < 0.3
    assert detect(records).format == "json"
    assert sniff(json.dumps([1, 2, 3])) < 0.3
    assert sniff("# Title\n\nSome [link] text") == 0.0


# ----------------------------------------------------------------------------- devalue


def test_cycles_come_back_as_cycles():
    decoded = unflatten([{"self": 0, "items": 1}, [0, 2], "x"])
    assert decoded["self"] is decoded
    assert decoded["items"][0] is decoded
    assert decoded["items"][1] == "x"


def test_special_forms_and_negative_indexes():
    values = [
        {"date": 1, "set": 2, "map": 3, "big": 4, "holey": 5, "bare": 6, "undef": -1, "nan": -3,
         "inf": -4, "ninf": -5, "nzero": -6, "re": 9, "boxed": 10, "null": 11},
        ["Date", "2024-01-02T03:04:05.000Z"], ["Set", 7, 8], ["Map", 7, 8],
        ["BigInt", "12345678901234567890"],
        [7, -2, 8], ["null", "k", 7], "a", "b", ["RegExp", "^a+$", "i"], ["Object", "boxed"], None,
    ]
    out = unflatten(values)
    assert out["date"] == "2024-01-02T03:04:05.000Z"
    assert out["set"] == ["a", "b"]
    assert out["map"] == {"a": "b"}
    assert out["big"] == 12345678901234567890
    assert out["holey"] == ["a", None, "b"]
    assert out["bare"] == {"k": "a"}
    assert out["undef"] is None and out["null"] is None
    assert math.isnan(out["nan"]) and out["inf"] == math.inf and out["ninf"] == -math.inf
    assert math.copysign(1, out["nzero"]) == -1
    assert out["re"] == "/^a+$/i"
    assert out["boxed"] == "boxed"


def test_nuxt_wrappers_and_empty_refs_are_transparent():
    values = [{"a": 1, "b": 3, "c": 5, "d": 7}, ["ShallowReactive", 2], {"x": 8}, ["Ref", 4],
              ["ShallowRef", 2], ["EmptyRef", 6], "_", ["EmptyShallowRef", 9], "q", '{"n":1}']
    out = unflatten(values)
    assert out["a"] == {"x": "q"} and out["a"] is out["b"]
    assert out["c"] is None
    assert out["d"] == {"n": 1}


def test_map_with_object_keys_reads_as_pairs():
    assert unflatten([["Map", 1, 2], {"k": 2}, "v"]) == [[{"k": "v"}, "v"]]


def test_top_level_special():
    assert unflatten(-1) is None


@pytest.mark.parametrize(
    "values, message",
    [
        ([["Ref", 0]], "refers to itself"),
        ([{"a": 5}], "out of range"),
        ([{"a": -9}], "unknown special index"),
        ([{"a": "x"}], "expected an index"),
        ([["Frobnicate", 1, 2]], "unknown form 'Frobnicate'"),
        ([["BigInt", "zz"]], "bad 'BigInt'"),
        ([], "non-empty JSON array"),
    ],
)
def test_invalid_devalue_is_refused_with_a_reason(values, message):
    with pytest.raises(DevalueError, match=message):
        unflatten(values)


def test_deep_nesting_does_not_overflow():
    depth = 20_000
    values: list = [[i + 1] for i in range(depth)] + ["leaf"]
    node = unflatten(values)
    for _ in range(depth):
        (node,) = node
    assert node == "leaf"


json_trees = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(deadline=None)
@given(json_trees)
def test_unflatten_inverts_flatten(tree):
    assert unflatten(json.loads(json.dumps(flatten(tree)))) == tree


# ----------------------------------------------------------------------------- errors


def test_truncated_payload_is_a_clear_error(tmp_path):
    broken = tmp_path / "payload.txt"
    broken.write_text(SEED_000.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_source(broken)
    assert caught.value.line == 1
    assert "not valid JSON at column" in caught.value.message
    assert "truncated" in caught.value.message
    assert str(caught.value).startswith("payload.txt:1: not valid JSON")


def test_malformed_payload_names_line_and_column(tmp_path):
    broken = tmp_path / "payload.json"
    broken.write_text('[{"data":1},\n["ShallowReactive",2],\n{"a": 3,,}]', encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_source(broken, "nuxt-payload")
    assert caught.value.line == 3
    assert "column 9" in caught.value.message


def test_invalid_indexes_are_a_source_error(tmp_path):
    broken = tmp_path / "payload.json"
    broken.write_text('[{"data":1},["ShallowReactive",7]]', encoding="utf-8")
    with pytest.raises(SourceError, match="not a valid Nuxt payload: index 7 is out of range"):
        read_source(broken)


def test_payload_without_records_says_what_it_saw():
    with pytest.raises(SourceError, match="no records .*keys seen: data"):
        read_text_as(payload_text({"data": {"nav": [{"title": "Home", "path": "/"}]}}), "p.json")
