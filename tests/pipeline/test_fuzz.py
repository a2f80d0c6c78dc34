"""Property-based fuzzing: every adapter, the repair stage, decoding and the manifest, fed
arbitrary and mutated text, raise nothing but the tool's own errors and never hang.

Adapters are taken from the registry, so one added later is fuzzed without touching this file.
``FUZZ_SCALE=20 pytest tests/pipeline/test_fuzz.py`` runs twenty times as many examples.
"""

from __future__ import annotations

import faulthandler
import os
import random
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, ROOT, SOURCES
from qa2anki import ADAPTERS, Qa2AnkiError, build, manifest_for_files
from qa2anki.adapters import read_text_as
from qa2anki.errors import ManifestError, SourceError
from qa2anki.manifest import parse_manifest
from qa2anki.models import ANSWER_ONLY, DAMAGE_MARK, DEDENTED, FLATTENED, Item, damaged_fence
from qa2anki.repair import repair_code, repair_items
from qa2anki.textio import decode

#: A failing example may be a whole seed file; hypothesis warns about printing it (tests turn
#: warnings into errors, which would hide the real failure).
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
SEED_TEXTS = tuple(
    path.read_bytes().decode("utf-8", errors="replace")
    for path in sorted([*SOURCES.iterdir(), *(DATA / "everyday").glob("*.md")])
    if path.is_file()
)
MANIFEST_TEXT = (ROOT / "qa2anki.yaml").read_text()
LANGUAGES = ("python", "bash", "javascript", "json", "yaml", "sql", "text", "", "nosuchlang")


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=timedelta(seconds=5),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


class HangError(Exception):
    """An example ran far longer than any input should take."""


@contextmanager
def time_bound(seconds: int = 20) -> Iterator[None]:
    """Fail an example that runs too long: SIGALRM for Python code, and a hard stop with
    every thread's stack if it is stuck where signals cannot reach (inside a regex)."""

    def expire(signum: int, frame: object) -> None:
        raise HangError(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    faulthandler.dump_traceback_later(seconds * 3, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- mutations of real sources -----------------------------------------------------------------


@st.composite
def mutated_seeds(draw: st.DrawFn) -> str:
    """A seed file after a few of: truncation, a window, byte flips, line shuffles, lost newlines."""
    text = draw(st.sampled_from(SEED_TEXTS))
    rng = draw(st.randoms(use_true_random=False))
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        text = mutation(text, rng)
    return text


def truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randint(0, len(text))]


def window(text: str, rng: random.Random) -> str:
    start = rng.randint(0, len(text))
    return text[start : start + rng.randint(0, 4000)]


def flip_bytes(text: str, rng: random.Random) -> str:
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 20)):
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return data.decode("utf-8", errors="replace")


def shuffle_lines(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    start = rng.randint(0, len(lines))
    part = lines[start : start + rng.randint(2, 40)]
    rng.shuffle(part)
    return "\n".join(lines[:start] + part + lines[start + len(part) :])


def delete_newlines(text: str, rng: random.Random) -> str:
    keep = rng.random()
    lines = text.split("\n")
    return "".join(line + ("\n" if rng.random() < keep else "") for line in lines)


def insert_noise(text: str, rng: random.Random) -> str:
    at = rng.randint(0, len(text))
    noise = rng.choice(
        ["```", "```python qa2anki-damaged=flattened\n", "## ", "Q12.\n", "{", "[", "\x00", "\r", "\ufeff"]
    )
    return text[:at] + noise + text[at:]


MUTATIONS = (truncate, window, flip_bytes, shuffle_lines, delete_newlines, insert_noise)

any_text = st.one_of(st.text(max_size=2000), mutated_seeds())


# --- adapters ----------------------------------------------------------------------------------


def _check_result(adapter_name: str, text: str) -> None:
    adapter = ADAPTERS[adapter_name]
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as textio hands every source over
    with time_bound():
        try:
            score = adapter.sniff(text)
            result = adapter.read(text, "fuzz.txt", {})
        except Qa2AnkiError:
            return
    assert isinstance(score, (int, float))
    lines = text.count("\n") + 1
    for item in result.items:
        assert item.source == "fuzz.txt"
        assert item.line is None or 1 <= item.line <= lines, item
        assert item.question.strip() or ANSWER_ONLY in item.flags, item
    for dropped in result.dropped:
        assert dropped.line is None or 1 <= dropped.line <= lines, dropped


@pytest.mark.parametrize("adapter_name", sorted(ADAPTERS))
@fuzz_settings(40)
@given(text=any_text)
def test_adapters_raise_only_their_own_errors(adapter_name: str, text: str):
    _check_result(adapter_name, text)


@fuzz_settings(30)
@given(text=any_text)
def test_detection_and_reading_raise_only_source_errors(text: str):
    with time_bound():
        try:
            read_text_as(text, "fuzz.txt")
        except SourceError:
            pass


@fuzz_settings(10)
@given(text=mutated_seeds())
def test_the_whole_build_on_mutated_sources(text: str):
    with tempfile.TemporaryDirectory() as folder, time_bound(60):
        source = Path(folder) / "fuzz.txt"
        source.write_text(text, encoding="utf-8", errors="replace")
        try:
            build(manifest_for_files([source], Path(folder) / "out.apkg"), write=False)
        except Qa2AnkiError:
            pass


# --- repair ------------------------------------------------------------------------------------

fence_safe_code = st.text(
    alphabet=st.characters(blacklist_characters="`~\r", blacklist_categories=("Cs",)), max_size=400
).filter(lambda code: DAMAGE_MARK not in code and code.strip())


@fuzz_settings(60)
@given(
    code=st.one_of(st.text(max_size=600), fence_safe_code),
    language=st.one_of(st.sampled_from(LANGUAGES), st.text(max_size=12)),
    damage=st.one_of(st.sampled_from([FLATTENED, DEDENTED]), st.text(max_size=10)),
)
def test_repair_code_returns_text_or_none(code: str, language: str, damage: str):
    with time_bound():
        try:
            fixed = repair_code(code, language, damage)
        except Qa2AnkiError:
            return
    assert fixed is None or isinstance(fixed, str)


@fuzz_settings(60)
@given(
    before=st.text(max_size=200),
    code=fence_safe_code,
    language=st.sampled_from([lang for lang in LANGUAGES if lang]),
    damage=st.sampled_from([FLATTENED, DEDENTED]),
    after=st.text(max_size=200),
)
def test_repair_items_mends_or_keeps_every_marked_block(
    before: str, code: str, language: str, damage: str, after: str
):
    answer = f"{before}\n\n{damaged_fence(code, language, damage)}\n\n{after}"
    item = Item("What does this do?", answer, "fuzz.txt", "Q1", line=1)
    with time_bound():
        try:
            result = repair_items([item])
        except Qa2AnkiError:
            return
    (repaired,) = result.items
    assert (repaired.question, repaired.source, repaired.ref) == (item.question, item.source, item.ref)
    if DAMAGE_MARK not in before + after:
        assert DAMAGE_MARK not in repaired.answer  # the marker never reaches a card


# --- bytes and the manifest --------------------------------------------------------------------


@fuzz_settings(100)
@given(data=st.one_of(st.binary(max_size=3000), mutated_seeds().map(lambda t: t.encode("utf-8"))))
def test_decoding_any_bytes_raises_only_source_errors(data: bytes):
    with time_bound():
        try:
            text, warnings = decode(data, "fuzz.txt")
        except SourceError:
            return
    assert "\r" not in text and not text.startswith("\ufeff")
    assert all(isinstance(w, str) for w in warnings)


@fuzz_settings(100)
@given(
    text=st.one_of(
        st.text(max_size=500),
        st.randoms(use_true_random=False).flatmap(
            lambda rng: st.sampled_from(MUTATIONS).map(lambda m: m(MANIFEST_TEXT, rng))
        ),
    )
)
def test_manifest_parsing_raises_only_manifest_errors(text: str):
    with time_bound():
        try:
            parse_manifest(text, Path("fuzz.yaml"))
        except ManifestError as exc:
            assert exc.file == "fuzz.yaml"


def test_an_item_without_a_question_is_dropped_not_carded():
    """A block whose question line is missing (here: a number, a level, then nothing) makes no card."""
    from qa2anki.adapters import read_text_as

    text = "Q0\nJUNIOR\n0\n\nQ1\nWhat is X?\nJunior\nX is a thing.\n"
    result = read_text_as(text, "f.txt", "numbered-text")
    assert all(item.question.strip() or item.is_answer_only for item in result.items)
