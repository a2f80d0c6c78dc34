"""Outputs that would overwrite inputs (issue 14): every path a build writes is checked against
every path it reads or writes before anything is written; a manifest's outputs stay in its
folder; a file qa2anki did not write is never replaced without --force.

After every refusal the whole project folder is byte for byte (and mtime for mtime) as it was.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import Result
from test_bad_input import assert_one_line_error, run

from qa2anki import ManifestError, OutputError, build, load_manifest, manifest_for_files
from qa2anki.manifest import DeckSpec, Manifest, SourceSpec

MANIFEST = "decks:\n  - name: Basics\n    output: decks/basics.apkg\n    sources: [good.md]\n"
OTHER = "  - name: Other\n    output: {}\n    sources: [bom_crlf.md]\n"

Tree = dict[str, tuple[bytes | str, int]]


def tree(folder: Path) -> Tree:
    """Every file and link under ``folder``: its bytes (or link target) and mtime."""
    state: Tree = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            state[str(path)] = (os.readlink(path), path.lstat().st_mtime_ns)
        elif path.is_file():
            state[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return state


@pytest.fixture
def project(everyday_dir: Path) -> Path:
    """``everyday`` with a manifest built once: decks/basics.apkg and qa2anki.lock exist."""
    (everyday_dir / "qa2anki.yaml").write_text(MANIFEST)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert (everyday_dir / "decks" / "basics.apkg").exists()
    assert (everyday_dir / "qa2anki.lock").exists()
    return everyday_dir


def refused(result: Result, before: Tree, folder: Path, prefix: str, *fragments: str) -> str:
    """One error line, exit 1, and every file under ``folder`` exactly as it was."""
    line = assert_one_line_error(result, prefix, *fragments)
    assert tree(folder) == before
    return line


def manifest(folder: Path, text: str, name: str = "qa2anki.yaml") -> None:
    (folder / name).write_text(text)


# --- a deck output that is another file of the build -----------------------------------------


def test_deck_output_equal_to_the_lockfile_is_refused_and_lockfile_untouched(project: Path):
    manifest(project, MANIFEST + "lockfile: decks/basics.apkg\n")
    before = tree(project.parent)
    line = refused(run("build"), before, project.parent, "qa2anki.yaml:", "lockfile", "decks/basics.apkg")
    assert "overwrite" in line


def test_deck_output_named_like_the_lockfile_is_refused(project: Path):
    """``output: qa2anki.lock`` once replaced the lockfile with the deck."""
    manifest(project, MANIFEST.replace("decks/basics.apkg", "qa2anki.lock"))
    before = tree(project.parent)
    refused(run("build"), before, project.parent, "qa2anki.yaml:3: ", "qa2anki.lock", ".apkg")


def test_lock_flag_equal_to_the_deck_output_is_refused(project: Path):
    before = tree(project.parent)
    refused(run("build", "good.md", "-o", "out.apkg", "--lock", "./out.apkg"), before, project.parent,
            "", "lockfile")
    refused(run("build", "--lock", "decks/../decks/basics.apkg"), before, project.parent, "", "lockfile")


def test_deck_output_equal_to_the_manifest_is_refused_and_manifest_untouched(project: Path):
    manifest(project, MANIFEST.replace("decks/basics.apkg", "self.apkg"), name="self.apkg")
    before = tree(project.parent)
    refused(run("build", "-c", "self.apkg"), before, project.parent, "self.apkg:3: ", "manifest")


def test_deck_output_equal_to_a_source_is_refused_and_source_untouched(project: Path):
    (project / "copy.apkg").write_bytes((project / "good.md").read_bytes())
    before = tree(project.parent)
    refused(run("build", "good.md", "copy.apkg", "-o", "./copy.apkg"), before, project.parent,
            "", "copy.apkg", "source")


def test_deck_output_hard_linked_to_a_source_is_refused(project: Path):
    os.link(project / "good.md", project / "linked.apkg")
    before = tree(project.parent)
    refused(run("build", "good.md", "-o", "linked.apkg"), before, project.parent, "", "linked.apkg", "source")


def test_deck_output_symlinked_to_a_source_is_refused(project: Path):
    (project / "decks" / "basics.apkg").unlink()
    (project / "decks" / "basics.apkg").symlink_to("../good.md")
    before = tree(project.parent)
    refused(run("build"), before, project.parent, "qa2anki.yaml:3: ", "source", "good.md")


def test_output_that_is_a_symlink_loop_is_replaced_by_the_deck_not_a_traceback(project: Path):
    (project / "loop.apkg").symlink_to("loop.apkg")
    manifest(project, MANIFEST.replace("decks/basics.apkg", "loop.apkg"))
    for args in (["build", "good.md", "-o", "loop.apkg"], ["build"]):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert not (project / "loop.apkg").is_symlink()
        (project / "loop.apkg").unlink()
        (project / "loop.apkg").symlink_to("loop.apkg")


def test_two_decks_writing_one_file_by_different_spellings_are_refused(project: Path):
    two = MANIFEST + OTHER.format("./decks/basics.apkg")
    manifest(project, two)
    before = tree(project.parent)
    refused(run("build"), before, project.parent, "qa2anki.yaml:5: ", "same file")


def test_two_decks_writing_one_file_through_a_symlink_are_refused(project: Path):
    (project / "decks" / "alias.apkg").symlink_to("basics.apkg")
    manifest(project, MANIFEST + OTHER.format("decks/alias.apkg"))
    before = tree(project.parent)
    refused(run("build"), before, project.parent, "qa2anki.yaml:5: ", "same file")


def test_two_decks_writing_one_file_through_a_hard_link_are_refused(project: Path):
    os.link(project / "decks" / "basics.apkg", project / "decks" / "alias.apkg")
    manifest(project, MANIFEST + OTHER.format("decks/alias.apkg"))
    before = tree(project.parent)
    refused(run("build"), before, project.parent, "qa2anki.yaml:", "decks/alias.apkg", "deck 'Basics'")


def test_library_refuses_two_decks_with_one_output_in_a_manifest_made_in_python(project: Path):
    """The manifest loader's own check is not the only guard: ``build`` checks what it is given."""
    decks = tuple(
        DeckSpec(name=name, output=Path(out), sources=(SourceSpec(Path("good.md")),))
        for name, out in (("A", "decks/x.apkg"), ("B", "./decks/x.apkg"))
    )
    before = tree(project.parent)
    with pytest.raises(OutputError, match="deck 'A'"):
        build(Manifest(decks=decks))
    assert tree(project.parent) == before


# --- --report and preview -o ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "what"),
    [
        ("good.md", "source"),
        ("qa2anki.yaml", "manifest"),
        ("qa2anki.lock", "lockfile"),
        ("./decks/basics.apkg", "deck 'Basics'"),
    ],
)
def test_report_path_equal_to_an_input_or_output_is_refused_and_it_is_untouched(
    project: Path, target: str, what: str
):
    before = tree(project.parent)
    refused(run("build", "--report", target), before, project.parent, "", "report", what)


def test_report_path_hard_linked_to_a_source_is_refused(project: Path):
    os.link(project / "good.md", project / "report.json")
    before = tree(project.parent)
    refused(run("build", "good.md", "-o", "out.apkg", "--report", "report.json"), before, project.parent,
            "", "report", "source")


def test_preview_path_equal_to_a_source_is_refused_and_source_untouched(project: Path):
    before = tree(project.parent)
    refused(run("preview", "good.md", "-o", "good.md"), before, project.parent, "", "preview", "source")
    refused(run("preview", "-o", "./qa2anki.yaml"), before, project.parent, "", "preview", "manifest")
    refused(run("preview", "-o", "qa2anki.lock"), before, project.parent, "", "preview", "lockfile")
    refused(run("preview", "-o", "decks/basics.apkg"), before, project.parent, "", "preview", "deck")


def test_normalize_output_hard_linked_to_a_source_is_refused(project: Path):
    (project / "out").mkdir()
    os.link(project / "good.md", project / "out" / "good.yaml")
    before = tree(project.parent)
    refused(run("normalize", "good.md", "-o", "out"), before, project.parent, "", "source")


# --- a deck must be an .apkg --------------------------------------------------------------------


def test_manifest_output_without_apkg_is_a_manifest_error_with_its_line(project: Path):
    manifest(project, MANIFEST.replace("decks/basics.apkg", "decks/basics.zip"))
    before = tree(project.parent)
    refused(run("build"), before, project.parent, "qa2anki.yaml:3: ", "'output'", ".apkg")
    with pytest.raises(ManifestError) as caught:
        load_manifest("qa2anki.yaml")
    assert caught.value.line == 3


def test_build_files_with_an_output_without_apkg_is_a_usage_error(project: Path):
    before = tree(project.parent)
    result = run("build", "good.md", "-o", "good.md")
    assert result.exit_code == 2, result.output
    assert ".apkg" in result.stderr and "Traceback" not in result.output
    assert tree(project.parent) == before
    with pytest.raises(OutputError, match=r"\.apkg"):
        build(manifest_for_files(["good.md"], "deck"))
    assert tree(project.parent) == before


# --- a manifest's outputs stay in its folder -------------------------------------------------------


@pytest.mark.parametrize("output", ["../x.apkg", "decks/../../x.apkg", "ABSOLUTE"])
def test_manifest_output_outside_its_folder_is_refused_and_allowed_with_allow_outside(
    project: Path, output: str
):
    output = str(project.parent / "x.apkg") if output == "ABSOLUTE" else output
    manifest(project, MANIFEST.replace("decks/basics.apkg", output))
    before = tree(project.parent)
    refused(run("build"), before, project.parent, "qa2anki.yaml:3: ", "'output'", "--allow-outside")
    result = run("build", "--allow-outside")
    assert result.exit_code == 0, result.output
    assert (project.parent / "x.apkg").exists()


def test_manifest_output_through_a_symlinked_folder_out_of_it_is_refused(project: Path):
    (project.parent / "elsewhere").mkdir()
    (project / "out").symlink_to(project.parent / "elsewhere")
    manifest(project, MANIFEST.replace("decks/basics.apkg", "out/basics.apkg"))
    before = tree(project.parent)
    refused(run("build"), before, project.parent, "qa2anki.yaml:3: ", "outside", "--allow-outside")


def test_manifest_lockfile_outside_its_folder_is_refused_and_allowed_with_allow_outside(project: Path):
    manifest(project, MANIFEST + "lockfile: ../.bashrc\n")
    (project.parent / ".bashrc").write_text("export PATH=~/bin:$PATH\n")
    before = tree(project.parent)
    refused(run("build"), before, project.parent, "qa2anki.yaml:5: ", "'lockfile'", "--allow-outside")
    manifest(project, MANIFEST + "lockfile: ../shared.lock\n")
    result = run("build", "--allow-outside")
    assert result.exit_code == 0, result.output
    assert (project.parent / "shared.lock").exists()


def test_files_named_on_the_command_line_may_write_anywhere(project: Path):
    """``build FILE -o OUT`` and ``--lock`` are the user's own choice of path."""
    result = run("build", "good.md", "-o", "../mine.apkg", "--lock", "../mine.lock")
    assert result.exit_code == 0, result.output
    assert (project.parent / "mine.apkg").exists() and (project.parent / "mine.lock").exists()


def test_library_refuses_outside_outputs_unless_allowed(project: Path):
    manifest(project, MANIFEST.replace("decks/basics.apkg", "../x.apkg"))
    with pytest.raises(OutputError, match="allow-outside"):
        build(load_manifest("qa2anki.yaml"))
    assert not (project.parent / "x.apkg").exists()
    build(load_manifest("qa2anki.yaml"), allow_outside=True)
    assert (project.parent / "x.apkg").exists()


# --- never replace a file qa2anki did not write, without --force -------------------------------


def _not_a_deck(path: Path) -> None:
    """A zip that is not an Anki package (the user's own archive, named .apkg by mistake)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("thesis.tex", "\\documentclass{article}\n")


@pytest.mark.parametrize("kind", ["text", "zip", "other anki"])
def test_existing_file_that_is_not_a_qa2anki_deck_is_refused_and_replaced_with_force(
    project: Path, kind: str
):
    deck = project / "decks" / "basics.apkg"
    if kind == "text":
        deck.write_text("my notes\n")
    elif kind == "zip":
        _not_a_deck(deck)
    else:  # an Anki package with someone else's note type
        data = deck.read_bytes()
        with zipfile.ZipFile(deck) as old:
            collection = old.read("collection.anki2").replace(b"qa2anki Q&A", b"Basic, mine")
        with zipfile.ZipFile(deck, "w") as new:
            new.writestr("collection.anki2", collection)
        assert deck.read_bytes() != data
    before = tree(project.parent)
    refused(run("build", "--no-cache"), before, project.parent, "decks/basics.apkg: ", "--force")
    refused(run("build", "good.md", "-o", "decks/basics.apkg"), before, project.parent,
            "decks/basics.apkg: ", "--force")
    result = run("build", "--force")
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(deck).read("collection.anki2").find(b"qa2anki Q&A") >= 0


def test_a_deck_qa2anki_wrote_is_replaced_without_force(project: Path):
    (project / "good.md").write_text((project / "good.md").read_text() + "\n## Q9. New?\n\nYes.\n")
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output


@pytest.mark.parametrize(
    ("name", "content", "command"),
    [
        ("data.json", '{"users": [1, 2, 3]}\n', ("build", "--report")),
        ("index.html", "<!DOCTYPE html>\n<html><body>My homepage</body></html>\n", ("preview", "-o")),
    ],
    ids=["report", "preview"],
)
def test_existing_file_qa2anki_did_not_write_is_refused_and_replaced_with_force(
    project: Path, name: str, content: str, command: tuple[str, str]
):
    target = project / name
    target.write_text(content)
    before = tree(project.parent)
    refused(run(*command, name), before, project.parent, f"{name}: ", "--force")
    result = run(*command, name, "--force")
    assert result.exit_code == 0, result.output
    assert "qa2anki" in target.read_text()
    again = run(*command, name)  # now it is ours: replaced without --force
    assert again.exit_code == 0, again.output


def test_a_report_written_before_the_marker_is_still_recognised(project: Path):
    old = {"cards": [], "dropped": [], "sources": [], "warnings": [], "decks": []}
    (project / "report.json").write_text(json.dumps(old, indent=2) + "\n")
    result = run("build", "--report", "report.json")
    assert result.exit_code == 0, result.output


def test_force_never_allows_overwriting_an_input(project: Path):
    before = tree(project.parent)
    refused(run("build", "--report", "good.md", "--force"), before, project.parent, "", "source")
    refused(run("preview", "-o", "good.md", "--force"), before, project.parent, "", "source")


def test_check_warns_of_an_output_a_plain_build_would_refuse(project: Path):
    manifest(project, MANIFEST.replace("decks/basics.apkg", "../elsewhere.apkg"))
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "warning: qa2anki.yaml:3: 'output' of deck 'Basics'" in result.output
    assert "--allow-outside" in result.output
    assert run("check", "--strict").exit_code == 1
