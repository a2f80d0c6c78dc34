"""Issue 12, family 11: files named on the command line can say their format and options
(``--format``, ``--option KEY=VALUE``), as a manifest's ``format:`` and ``options:`` do."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qa2anki.adapters import ADAPTERS
from qa2anki.cli import main
from qa2anki.package import read_apkg_notes

#: A sheet whose columns no detection can name: "Term" and "Meaning" are not question/answer
#: words, and no term asks with "?".
GLOSSARY = ("Term;Meaning\nIdempotent;Doing it twice has the effect of doing it once.\n"
            "Latency;The time one request takes.\n")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("glossary.txt").write_text(GLOSSARY, encoding="utf-8")
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_build_reads_a_file_as_the_format_and_options_given(folder: Path):
    result = run("build", "glossary.txt", "--format", "csv", "--option", "question=Term",
                 "--option", "answer=Meaning", "-o", "g.apkg")
    assert result.exit_code == 0, result.output
    fronts = sorted(fields[0] for fields, _ in read_apkg_notes(folder / "g.apkg").values())
    assert len(fronts) == 2 and "Idempotent" in fronts[0] and "Latency" in fronts[1]


def test_without_format_the_error_names_the_flag_not_a_manifest(folder: Path):
    result = run("check", "glossary.txt")
    expected = ("warning: glossary.txt: skipped: no adapter recognises this file; "
                f"pass --format FORMAT (one of {', '.join(ADAPTERS)})")
    assert result.output.splitlines()[0] == expected
    assert "manifest" not in result.output


def test_in_a_manifest_the_error_names_format(folder: Path):
    Path("qa2anki.yaml").write_text("decks:\n  - name: G\n    output: g.apkg\n    sources: [glossary.txt]\n")
    result = run("check")
    assert "skipped: no adapter recognises this file (tried " in result.output
    assert "set 'format:' for it in the manifest" in result.output


def test_option_values_are_yaml_scalars(folder: Path):
    result = run("check", "glossary.txt", "--format", "csv", "--option", "question=3",
                 "--option", "answer=true")
    assert "{'question': 3, 'answer': True}" in result.output  # numbers and booleans, as YAML reads them
    assert result.exit_code == 1


def test_inspect_takes_options_too(folder: Path):
    result = run("inspect", "glossary.txt", "--format", "csv", "--option", "question=term",
                 "--option", "answer=meaning", "--items")
    assert result.exit_code == 0, result.output
    assert "  items:   2 " in result.output and "Idempotent" in result.output


@pytest.mark.parametrize("args", [["build", "--format", "csv"], ["check", "--option", "question=Term"],
                                  ["dups", "--format", "csv"]])
def test_format_and_option_go_with_files_not_a_manifest(folder: Path, args: list[str]):
    Path("qa2anki.yaml").write_text("decks:\n  - name: G\n    output: g.apkg\n    sources: [glossary.txt]\n")
    result = run(*args)
    assert result.exit_code == 2
    assert "--format and --option go with FILE arguments; in a manifest, set 'format:' and 'options:'" \
        in result.output


@pytest.mark.parametrize("option", ["question", "=Term"])
def test_an_option_without_a_key_and_value_is_a_usage_error(folder: Path, option: str):
    result = run("build", "glossary.txt", "--format", "csv", "--option", option, "-o", "g.apkg")
    assert result.exit_code == 2 and f"'{option}' is not KEY=VALUE" in result.output
    assert not (folder / "g.apkg").exists()


def test_an_unknown_format_lists_the_known_ones(folder: Path):
    result = run("build", "glossary.txt", "--format", "spreadsheet", "-o", "g.apkg")
    assert result.exit_code == 2
    assert "'spreadsheet' is not one of" in result.output and "'csv'" in result.output
