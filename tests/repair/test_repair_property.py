"""Property: well-formed Python, flattened or dedented, comes back with the same AST and comments."""

from __future__ import annotations

import ast
import io
import tokenize

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pysnippets import snippet
from qa2anki.models import DEDENTED, FLATTENED
from qa2anki.repair.python import repair_python


def _comments(source: str) -> list[list[str]]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [token.string.split() for token in tokens if token.type == tokenize.COMMENT]


def flatten(source: str) -> str:
    return " ".join(line.strip() for line in source.splitlines() if line.strip())


def dedent(source: str) -> str:
    return "\n".join(line.strip() for line in source.splitlines())


def _assert_restored(source: str, damaged: str, damage: str) -> None:
    repaired = repair_python(damaged, damage)
    assert repaired is not None, f"not repaired:\n{source}"
    assert ast.dump(ast.parse(repaired)) == ast.dump(ast.parse(source)), f"{source}\n---\n{repaired}"
    assert _comments(repaired) == _comments(source)


def test_the_grammar_makes_varied_valid_snippets():
    sources = [snippet(seed) for seed in range(50)]
    for source in sources:
        ast.parse(source)
    joined = "\n".join(sources)
    for construct in ("class ", "async def", "@", "try:", "except", "for ", "while ", "with ", "else:", "#"):
        assert construct in joined


SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
QUICK = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "derandomize": True}


@settings(max_examples=400, **QUICK)
@given(SEEDS)
def test_dedented_snippets_are_restored(seed: int):
    source = snippet(seed)
    _assert_restored(source, dedent(source), DEDENTED)


@settings(max_examples=200, **QUICK)
@given(SEEDS)
def test_flattened_snippets_are_restored(seed: int):
    source = snippet(seed)
    _assert_restored(source, flatten(source), FLATTENED)


@settings(max_examples=200, **QUICK)
@given(st.text(max_size=300), st.sampled_from([FLATTENED, DEDENTED]))
def test_any_text_gives_text_or_none(text: str, damage: str):
    result = repair_python(text, damage)
    assert result is None or ast.parse(result) is not None
