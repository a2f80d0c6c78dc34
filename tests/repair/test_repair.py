"""The repair stage: marked blocks mended or kept and reported, unlabelled blocks labelled."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from conftest import DATA, SOURCES
from qa2anki.models import DEDENTED, FLATTENED, UNREPAIRED, Item, damaged_fence
from qa2anki.repair import RepairStats, repair_code, repair_items

CASES = DATA / "repair"


def _item(answer: str, ref: str = "Q1", source: str = "page.txt") -> Item:
    return Item("What?", answer, source, ref, line=7)


def flattened_python_samples(path: Path) -> list[str]:
    """Every code sample of the scraped page: the first non-blank line after a line that is only `python`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    samples = []
    for index, line in enumerate(lines):
        if line.strip() != "python":
            continue
        following = next((later for later in lines[index + 1 :] if later.strip()), "")
        samples.append(following.strip())
    return samples


SEED_001 = SOURCES / "001_69c6ad9c276d4e73.txt"
SEED_SAMPLES = flattened_python_samples(SEED_001)


def test_the_seed_holds_the_flattened_samples_we_expect():
    assert len(SEED_SAMPLES) == 33
    assert all("\n" not in sample and len(sample) > 40 for sample in SEED_SAMPLES)


@pytest.mark.parametrize("sample", SEED_SAMPLES, ids=[f"sample{i}" for i in range(len(SEED_SAMPLES))])
def test_every_flattened_python_sample_of_001_parses_after_repair(sample: str):
    repaired = repair_code(sample, "python", FLATTENED)
    assert repaired is not None
    ast.parse(repaired)
    assert repaired.count("\n") >= 1
    # nothing lost: the same non-space characters, in the same order
    assert "".join(repaired.split()) == "".join(sample.split())


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.in")))
def test_fixture(case: str):
    """Each ``<case>.in`` answer, after repair, is exactly ``<case>.out``."""
    answer = (CASES / f"{case}.in").read_text(encoding="utf-8").rstrip("\n")
    expected = (CASES / f"{case}.out").read_text(encoding="utf-8").rstrip("\n")
    assert repair_items([_item(answer)]).items[0].answer == expected


def test_counts_and_diagnostics_name_source_and_ref():
    mended = damaged_fence("def f(): return 1", "python", FLATTENED)
    broken = damaged_fence('print "x" def (:', "python", FLATTENED)
    result = repair_items([_item(f"{mended}\n\n{broken}", ref="Q9"), _item("No code.", ref="Q10")])
    assert result.stats == {"page.txt": RepairStats(found=2, repaired=1, unrepaired=1)}
    assert [(d.source, d.ref, d.line) for d in result.diagnostics] == [("page.txt", "Q9", 7)]
    assert "Q9" in result.diagnostics[0].message
    first, second = result.items
    assert UNREPAIRED in first.flags and UNREPAIRED not in second.flags
    assert "qa2anki-damaged" not in first.answer
    assert 'print "x" def (:' in first.answer  # kept verbatim
    assert second.answer == "No code."


def test_sources_without_damage_still_get_zero_counts():
    result = repair_items([_item("Plain answer.", source="clean.md")])
    assert result.stats == {"clean.md": RepairStats()}
    assert result.diagnostics == ()


def test_dedented_blocks_of_003_parse_after_repair():
    lines = (SOURCES / "003_c8b26289045d70da.txt").read_text(encoding="utf-8").splitlines()
    block = "\n".join(lines[lines.index("from fastapi import HTTPException") :][:7])
    repaired = repair_code(block, "python", DEDENTED)
    assert repaired is not None
    tree = ast.parse(repaired)
    function = next(node for node in tree.body if isinstance(node, ast.AsyncFunctionDef))
    assert [type(stmt).__name__ for stmt in function.body] == ["Assign", "If", "Return"]


def test_a_long_flattened_line_is_repaired_quickly():
    sample = " ".join(SEED_SAMPLES)  # about 5,000 characters of code and comments
    assert len(sample) > 4500
    started = time.process_time()
    repaired = repair_code(sample, "python", FLATTENED)
    assert time.process_time() - started < 1.0
    assert repaired is not None
    ast.parse(repaired)


@pytest.mark.parametrize(
    "code",
    ["", " ", "#", "# only a comment", "(((((", "'" * 50, "def", "\\", "x = 1 " * 800, "# a " * 200,
     "def f(): " * 150 + "pass", "@" * 30, "\x00\x01", "café = 1 naïve = café"],
)  # fmt: skip
@pytest.mark.parametrize("damage", [FLATTENED, DEDENTED])
def test_hostile_input_never_raises(code: str, damage: str):
    started = time.process_time()
    result = repair_code(code, "python", damage)
    assert result is None or isinstance(result, str)
    assert time.process_time() - started < 1.5


@pytest.mark.parametrize(
    "ref, wanted",
    [
        # "# main.py" heads the next file's code; it is no remark on the line before
        ("Q10", '    return {"id": id}\n\n# main.py\napp.include_router(users.router)\n```'),
        # "# In tests:" is a label: "tests: app.overrides[...] = ..." is no annotated assignment
        ("Q45", "    return ProductionDB()\n\n# In tests:\n"
                "app.dependency_overrides[get_db] = lambda: FakeDB()\n```"),
    ],
)
def test_a_comment_heading_the_next_code_ends_where_that_code_starts(ref: str, wanted: str):
    from qa2anki.adapters import read_source

    (item,) = [item for item in read_source(SEED_001).items if item.ref == ref]
    assert repair_items([item]).items[0].answer.endswith(wanted)
