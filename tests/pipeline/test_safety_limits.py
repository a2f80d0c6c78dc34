"""Runaway and hostile input (issue 14): every shape gets a one-line ``error:`` or a build that
finishes in time and memory that grow with the input; never a traceback, a hang or a lost text.

Limits come from the manifest's ``limits:`` (or ``--max-source-mb``); CI-size tests set small
limits to walk the same code paths the full-size (``slow``) ones do. Subprocess timeouts are a
guard against a hang, not a timing assertion.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_bad_input import Snapshot, assert_one_line_error, assert_untouched, run
from test_bad_input import prior as prior  # the fixture: a good deck built before
from test_large_source import CHILD

from bigsource import write_markdown
from conftest import DATA
from qa2anki.package import read_apkg_notes
from qa2anki.render import Renderer

#: A guard only: a build this small that takes longer than this is hanging.
GUARD_SECONDS = 120

QUESTION = "# Deep\n\n## Q1. What is nested here?\n\n"


def qa2anki(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in its own process, with the peak RSS it reached on stderr (see ``CHILD``)."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", CHILD, *args], cwd=cwd, env=environment,
        capture_output=True, text=True, timeout=GUARD_SECONDS,
    )


def outcome(done: subprocess.CompletedProcess[str]) -> tuple[list[str], float]:
    """The lines the user sees on stderr and the peak RSS in MB; never a traceback."""
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if not line.startswith("peak-rss-kb ")]
    (peak,) = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak-rss-kb ")]
    return lines, peak / 1024


def one_error(done: subprocess.CompletedProcess[str], prefix: str, *fragments: str) -> str:
    lines, _ = outcome(done)
    assert done.returncode == 1, lines
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {prefix}"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def manifest(folder: Path, sources: list[str | dict], limits: str = "", output: str = "out.apkg") -> Path:
    """``qa2anki.yaml`` with one deck of ``sources`` and an optional ``limits:`` block."""
    lines = [f"limits: {limits}"] if limits else []
    lines += ["decks:", "  - name: Limits", f"    output: {output}", f"    sources: {json.dumps(sources)}"]
    path = folder / "qa2anki.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def answers(deck: Path) -> str:
    """Every field of every card in ``deck``, as one text to search."""
    return "\n".join("\n".join(fields) for fields, _ in read_apkg_notes(deck).values())


def nested_list(levels: int, step: int = 2) -> str:
    return "".join(" " * (step * level) + f"- item {level}\n" for level in range(levels))


# --- source size -----------------------------------------------------------------------------


def test_a_source_over_limits_source_mb_is_refused_naming_size_limit_and_key(
        everyday_dir: Path, prior: Snapshot):
    (everyday_dir / "big.md").write_text((everyday_dir / "good.md").read_text() * 40)
    manifest(everyday_dir, ["good.md", "big.md"], limits="{source_mb: 0.01}")
    line = assert_one_line_error(run("build"), "big.md: ")
    assert "MB" in line and "over the 0.01 MB limit" in line, line
    assert "limits: source_mb:" in line and "--max-source-mb" in line, line
    assert_untouched(everyday_dir, prior)


@pytest.mark.parametrize("command", ["build", "check", "preview"])
def test_max_source_mb_flag_limits_an_adhoc_build(everyday_dir: Path, command: str):
    output = ["-o", "page.html"] if command == "preview" else ["-o", "out.apkg"] if command == "build" else []
    refused = run(command, "good.md", *output, "--max-source-mb", "0.0001")
    assert refused.exit_code == 1, refused.output
    assert "Traceback" not in refused.output
    assert "good.md: " in refused.output and "over the 0.0001 MB limit" in refused.output
    accepted = run(command, "good.md", *output, "--max-source-mb", "1")
    assert accepted.exit_code == 0, accepted.output


def test_max_source_mb_flag_overrides_the_manifest(everyday_dir: Path):
    manifest(everyday_dir, ["good.md"], limits="{source_mb: 0.0001}")
    assert run("build").exit_code == 1
    result = run("build", "--max-source-mb", "5")
    assert result.exit_code == 0, result.output


def test_size_is_checked_before_the_source_is_read(tmp_path: Path):
    """A 200 MB file is refused at once from its size: the process never holds it."""
    with (tmp_path / "huge.md").open("wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: costs no disk, but reading it would cost 200 MB
    done = qa2anki("build", "huge.md", "-o", "out.apkg", cwd=tmp_path)
    one_error(done, "huge.md: ", "200.0 MB", "over the 100 MB limit")
    assert outcome(done)[1] < 150
    assert not (tmp_path / "out.apkg").exists()


@pytest.mark.slow
def test_a_200mb_markdown_file_is_refused_fast_and_small(tmp_path: Path):
    write_markdown(tmp_path / "huge.md", size=200 * 2**20)
    done = qa2anki("build", "huge.md", "-o", "out.apkg", cwd=tmp_path)
    one_error(done, "huge.md: ", "over the 100 MB limit", "limits: source_mb:")
    assert outcome(done)[1] < 150


# --- nesting: JSON and YAML records ------------------------------------------------------------


def deep_json(levels: int) -> str:
    """Valid JSON records whose second record holds ``levels`` nested arrays on line 3."""
    deep = "[" * levels + "1" + "]" * levels
    return ('{"questions": [\n  {"question": "What is shallow?", "answer": "This."},\n'
            f'  {{"question": "What is deep?", "answer": "That.", "extra": {deep}}}\n]}}\n')


@pytest.mark.parametrize("format", ["auto", "json"])
def test_json_nested_1000_levels_is_one_line_error_with_file_and_line(tmp_path: Path, format: str):
    (tmp_path / "deep.json").write_text(deep_json(1000))
    manifest(tmp_path, [{"path": "deep.json", "format": format}])
    line = one_error(qa2anki("build", cwd=tmp_path), "deep.json:3: ", "nested deeper than 200 levels")
    assert "limits: nesting:" in line


def test_json_deeper_than_limits_nesting_is_refused_and_shallower_is_read(tmp_path: Path):
    (tmp_path / "deep.json").write_text(deep_json(8))
    manifest(tmp_path, ["deep.json"], limits="{nesting: 5}")
    assert_one_line_error(run("build", "-c", str(tmp_path / "qa2anki.yaml")), f"{tmp_path}/deep.json:3: ",
                          "nested deeper than 5 levels")
    manifest(tmp_path, ["deep.json"], limits="{nesting: 12}")
    result = run("build", "-c", str(tmp_path / "qa2anki.yaml"))
    assert result.exit_code == 0, result.output


def test_brackets_inside_json_strings_are_not_nesting(everyday_dir: Path):
    record = {"question": "What is [[[[this]]]]?", "answer": 'Brackets "[[[[[[" and {{{{ in text.'}
    records = [record, {**record, "question": "Why?"}]
    (everyday_dir / "flat.json").write_text(json.dumps({"questions": records}))
    manifest(everyday_dir, ["flat.json"], limits="{nesting: 3}")
    result = run("build")
    assert result.exit_code == 0, result.output


def test_nuxt_payload_nested_too_deep_is_one_line_error(tmp_path: Path):
    (tmp_path / "payload.json").write_text("[" * 2000 + "]" * 2000)
    manifest(tmp_path, [{"path": "payload.json", "format": "nuxt-payload"}])
    one_error(qa2anki("build", cwd=tmp_path), "payload.json:1: ", "nested deeper than 200 levels")


@pytest.mark.parametrize("style", ["block", "flow"])
def test_yaml_nested_deeper_than_the_limit_is_one_line_error_with_line(tmp_path: Path, style: str):
    deep = ("\n" + "".join("  " * (level + 3) + f"k{level}:\n" for level in range(30)) + "  " * 33 + "x"
            if style == "block" else "[" * 30 + "1" + "]" * 30)
    text = f"questions:\n  - question: What is it?\n    answer: This.\n    extra: {deep}\n"
    (tmp_path / "deep.yaml").write_text(text)
    manifest(tmp_path, ["deep.yaml"], limits="{nesting: 20}")
    line = one_error(qa2anki("build", cwd=tmp_path), "deep.yaml:", "nested deeper than 20 levels")
    assert int(line.split(":")[2]) >= 4, line


LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


@pytest.mark.parametrize("records", [
    "questions:\n  - question: What?\n    answer: A\n    tags: *i\n  - question: Why?\n    answer: B\n",
    "questions:\n  What is it?: A\n  Why is it?: *i\n  How is it?: C\n  Who is it?: D\n  When is it?: E\n",
])
def test_yaml_alias_bomb_is_refused_at_once(tmp_path: Path, records: str):
    """Billion laughs: nine aliases of nine aliases... would expand to 387 million strings."""
    (tmp_path / "laughs.yaml").write_text(LAUGHS + records)
    done = qa2anki("build", "laughs.yaml", "-o", "out.apkg", cwd=tmp_path)
    one_error(done, "laughs.yaml", "aliases")
    assert outcome(done)[1] < 300


@pytest.mark.parametrize("name", ["big.json", "big.yaml"])
def test_a_number_with_thousands_of_digits_is_kept_as_text(tmp_path: Path, name: str):
    number = "9" * 5000
    if name.endswith(".json"):
        text = f'{{"questions": [{{"question": "What?", "answer": "A", "n": {number}}}]}}'
    else:
        text = f"questions:\n  - question: What?\n    answer: A\n    n: {number}\n"
    (tmp_path / name).write_text(text)
    done = qa2anki("build", name, "-o", "out.apkg", cwd=tmp_path)
    assert done.returncode == 0, outcome(done)
    assert "<p>A</p>" in answers(tmp_path / "out.apkg")


def test_a_limit_with_thousands_of_digits_is_a_manifest_error(everyday_dir: Path):
    manifest(everyday_dir, ["good.md"], limits=f"{{nesting: {'9' * 5000}}}")
    assert_one_line_error(run("build"), "qa2anki.yaml:1: ", "number too long")


# --- nesting: markdown lists, quotes and HTML ----------------------------------------------------


def test_a_list_nested_400_levels_is_flattened_with_a_warning_and_keeps_every_item(tmp_path: Path):
    (tmp_path / "deep.md").write_text(QUESTION + nested_list(400))
    done = qa2anki("build", "deep.md", "-o", "out.apkg", cwd=tmp_path)
    lines, _ = outcome(done)
    assert done.returncode == 0, lines
    warning = [line for line in lines if line.startswith("warning: deep.md:")]
    assert warning and "nested deeper than 200 levels" in warning[0], lines
    assert int(warning[0].split(":")[2]) == 5 + 200  # the first line beyond the limit
    text = answers(tmp_path / "out.apkg")
    assert all(re.search(rf"item {level}\s*<", text) for level in range(400))


def test_a_list_nested_deeper_than_limits_nesting_is_flattened_at_that_depth(everyday_dir: Path):
    (everyday_dir / "deep.md").write_text(QUESTION + nested_list(12))
    manifest(everyday_dir, ["deep.md"], limits="{nesting: 4}")
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "warning: deep.md:9: " in result.stderr and "nested deeper than 4 levels" in result.stderr
    text = answers(everyday_dir / "out.apkg")
    assert all(re.search(rf"item {level}\s*<", text) for level in range(12))
    assert text.count("<ul>") == 4


#: Deep markdown and HTML shapes, and the last words of each, which the deck must still hold.
SHAPES = {
    "list of 3000 levels": (QUESTION + nested_list(3000), "item 2999"),
    "quotes of 3000 levels": (QUESTION + "".join(">" * n + f" line {n}\n" for n in range(1, 3001)),
                              "line 3000"),
    "list and quote mixed": (QUESTION + "".join(" " * (2 * i) + ("- " if i % 2 else "> ") + f"x{i}\n"
                                                for i in range(1000)), "x999"),
    "one line of 5000 markers": (QUESTION + "- > " * 5000 + "last\n", "last"),
    "html divs 20000 levels": (QUESTION + "<div>" * 20_000 + "core" + "</div>" * 20_000 + "\n", "core"),
    "details 1000 levels": ("# Deep\n\n" + "".join(
        f"<details><summary>What is {level}?</summary>\n\nanswer {level}\n\n" for level in range(1000))
        + "</details>\n" * 1000, "answer 999"),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_deeply_nested_markdown_builds_without_a_traceback(tmp_path: Path, shape: str):
    text, last = SHAPES[shape]
    (tmp_path / "deep.md").write_text(text)
    done = qa2anki("build", "deep.md", "-o", "out.apkg", cwd=tmp_path)
    lines, peak = outcome(done)
    assert done.returncode == 0, lines
    assert peak < 800, peak
    assert last in answers(tmp_path / "out.apkg")


@pytest.mark.slow
def test_html_divs_nested_200000_levels_build(tmp_path: Path):
    (tmp_path / "deep.md").write_text(QUESTION + "<div>" * 200_000 + "core" + "</div>" * 200_000 + "\n")
    done = qa2anki("build", "deep.md", "-o", "out.apkg", cwd=tmp_path)
    assert done.returncode == 0, outcome(done)
    assert "core" in answers(tmp_path / "out.apkg")


def test_markdown_in_a_json_answer_is_flattened_too(tmp_path: Path):
    record = {"question": "What is nested?", "answer": nested_list(300)}
    (tmp_path / "deep.json").write_text(json.dumps({"questions": [record]}, indent=1))
    done = qa2anki("build", "deep.json", "-o", "out.apkg", cwd=tmp_path)
    lines, _ = outcome(done)
    assert done.returncode == 0, lines
    assert any("nested deeper than 200 levels" in line for line in lines), lines
    assert "item 299<" in answers(tmp_path / "out.apkg")


def test_the_renderer_alone_never_overflows_on_deep_markdown():
    html = Renderer().block(nested_list(1000))
    assert "item 999<" in html


# --- a full disk ---------------------------------------------------------------------------------


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str = "64k") -> Iterator[Path]:
    """A real, tiny tmpfs at ``folder`` (root only); skips where mounting is not allowed."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here to fill a disk: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def bigger_deck(folder: Path) -> None:
    """Enough questions that the deck's database no longer fits in 64 KB."""
    write_markdown(folder / "good.md", items=300)


def test_full_tmpdir_while_writing_the_deck_is_one_line_and_keeps_the_previous_deck(
        everyday_dir: Path, prior: Snapshot):
    bigger_deck(everyday_dir)
    with tiny_disk(everyday_dir.parent / "tmp") as tmp:
        done = qa2anki("build", "good.md", "-o", "out.apkg", cwd=everyday_dir, env={"TMPDIR": str(tmp)})
        one_error(done, "out.apkg: ", "cannot write deck: no space left")
        assert not list(tmp.iterdir())
    assert_untouched(everyday_dir, prior)


def test_full_disk_where_the_deck_goes_is_one_line_and_keeps_the_previous_deck(tmp_path: Path):
    (tmp_path / "good.md").write_text((DATA / "everyday" / "good.md").read_text())
    with tiny_disk(tmp_path / "decks", "128k") as decks:
        first = qa2anki("build", "good.md", "-o", "decks/out.apkg", cwd=tmp_path)
        assert first.returncode == 0, outcome(first)
        before = {path.name: path.read_bytes() for path in decks.iterdir()}  # the deck and its lock
        filler = decks / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as handle:
            handle.write(b"x" * 2**20)  # fills the disk to the last block
        bigger_deck(tmp_path)
        done = qa2anki("build", "good.md", "-o", "decks/out.apkg", cwd=tmp_path)
        one_error(done, "decks/out.apkg: ", "cannot write deck: no space left")
        filler.unlink()
        assert {path.name: path.read_bytes() for path in decks.iterdir()} == before


# --- other shapes per adapter ------------------------------------------------------------------


def test_a_csv_field_over_pythons_128kb_field_limit_is_read(tmp_path: Path):
    big = "x" * 2**20
    (tmp_path / "big.csv").write_text(f"question,answer\nWhat is big?,{big}\nWhat is small?,tiny\n")
    done = qa2anki("build", "big.csv", "-o", "out.apkg", cwd=tmp_path)
    assert done.returncode == 0, outcome(done)
    assert big in answers(tmp_path / "out.apkg")


@pytest.mark.slow
def test_a_csv_with_a_50mb_field_is_read(tmp_path: Path):
    big = "word " * (10 * 2**20)
    (tmp_path / "big.csv").write_text(f"question,answer\nWhat is big?,{big}\nWhy?,ok\n")
    done = qa2anki("build", "big.csv", "-o", "out.apkg", cwd=tmp_path)
    assert done.returncode == 0, outcome(done)
    with zipfile.ZipFile(tmp_path / "out.apkg") as deck:
        assert deck.getinfo("collection.anki2").file_size > 50 * 2**20


#: One line of markup that never closes: Python-Markdown (and a few of our own regexes) scanned
#: to the end of the text for each opener, so these took minutes (a 1 MB line, a day).
DENSE_LINES = {"unmatched [": "[" * 60_000, "unclosed ](": "[a](" * 50_000, "unclosed <a": "<a " * 60_000}


@pytest.mark.parametrize("shape", DENSE_LINES)
def test_a_line_dense_with_markup_that_never_closes_builds_and_keeps_its_text(tmp_path: Path, shape: str):
    (tmp_path / "dense.md").write_text(f"{QUESTION}{DENSE_LINES[shape]} the end\n\n## Q2. Why?\n\nBecause.\n")
    done = qa2anki("build", "dense.md", "-o", "out.apkg", cwd=tmp_path)
    lines, _ = outcome(done)
    assert done.returncode == 0, lines
    split = "warning: dense.md:5: a paragraph too long and dense"
    assert any(line.startswith(split) for line in lines), lines
    text = answers(tmp_path / "out.apkg")
    assert "the end" in text and "Because." in text


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["[", "[a](", "<a ", "`a", "![a](", "~~a "])
def test_a_1mb_line_of_dense_markup_builds(tmp_path: Path, unit: str):
    line = unit * (2**20 // len(unit))
    (tmp_path / "dense.md").write_text(f"{QUESTION}{line}\n\n## Q2. Why?\n\nBecause.\n")
    done = qa2anki("build", "dense.md", "-o", "out.apkg", cwd=tmp_path)
    assert done.returncode == 0, outcome(done)
    assert "Because." in answers(tmp_path / "out.apkg")


def test_a_1mb_line_of_markdown_builds(tmp_path: Path):
    (tmp_path / "line.md").write_text(QUESTION + "word " * 200_000 + "\n\n## Q2. Why?\n\nBecause.\n")
    done = qa2anki("build", "line.md", "-o", "out.apkg", cwd=tmp_path)
    assert done.returncode == 0, outcome(done)
    assert "Because." in answers(tmp_path / "out.apkg")
