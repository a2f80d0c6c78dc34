"""Documents modelled on real public files people bring, each checked against its answer key.

Every ``tests/data/realworld/FAMILY/NAME.EXT`` has a sibling ``NAME.expected.yaml``. The keys are
those of :mod:`test_generality` plus:

- ``models`` (required): the public file the document is modelled on, ``repo`` and ``path``;
  the document is written anew in its layout (headings, labels, markup, traps), never copied.
- ``prompts``: per item, text its ``prompt`` (what the front shows under the question: a quiz's
  code, options, table) must contain; ``prompt_absent``: text it must not contain.
- ``guids``: per item, the identity the source gave the note.
- ``pending``: the family (another helper's work) the document still fails on; until that lands
  the document is an expected failure; once it passes, a warning asks to remove the mark.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_generality import check_document

from conftest import DATA
from qa2anki.adapters import read_source

CORPUS = DATA / "realworld"
KEY_SUFFIX = ".expected.yaml"
DOCUMENTS = sorted(
    p for p in CORPUS.rglob("*") if p.is_file() and not p.name.endswith(KEY_SUFFIX)
    and p.name != "README.md"
)


def _key_path(document: Path) -> Path:
    return document.with_name(document.stem + KEY_SUFFIX)


def _key(document: Path) -> dict[str, Any]:
    return yaml.safe_load(_key_path(document).read_text(encoding="utf-8"))


def test_every_document_has_a_key_naming_what_it_models():
    missing = [p.name for p in DOCUMENTS if not _key_path(p).exists()]
    assert not missing
    for document in DOCUMENTS:
        models = _key(document).get("models") or {}
        assert models.get("repo") and models.get("path"), document.name


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_document_matches_its_answer_key(document: Path):
    key = _key(document)
    if key.get("pending"):
        try:
            _check(document, key)
        except AssertionError as failure:
            pytest.xfail(f"pending: {key['pending']} ({str(failure)[:200]})")
        warnings.warn(f"{document.name} now matches its key: remove 'pending'", stacklevel=1)
        return
    _check(document, key)


def _check(document: Path, key: dict[str, Any]) -> None:
    check_document(document, key)
    items = read_source(document).items
    for position, texts in (key.get("prompts") or {}).items():
        for text in texts:
            assert text in items[position].prompt, (text, items[position].prompt)
    for position, texts in (key.get("prompt_absent") or {}).items():
        for text in texts:
            assert text not in items[position].prompt, (text, items[position].prompt)
    for position, guid in (key.get("guids") or {}).items():
        assert items[position].guid == guid
