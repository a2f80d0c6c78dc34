"""One module per format, helpers apart: no format's reader imports another format's reader, so a
format can be added or changed on its own (the registry composes them)."""

from __future__ import annotations

import ast
from pathlib import Path

import qa2anki.adapters as adapters

PACKAGE = Path(adapters.__file__).parent


def _relative_imports(path: Path) -> set[str]:
    """The first part of every ``from .x import`` / ``from ..x import`` inside the adapters package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(PACKAGE).parts) - 1
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level and node.level <= depth + 1:
            module = (node.module or "").split(".")[0]
            names = [alias.name for alias in node.names] if not module else [module]
            inside = node.level - 1 == depth  # relative to the adapters package itself
            found |= {name for name in names if inside}
    return found


def test_no_format_module_imports_another_format():
    formats = {adapter.read.__module__.split(".")[2] for adapter in adapters.ADAPTERS.values()}
    assert formats >= {"markdown", "numbered_text", "answer_only", "records", "nuxt_payload"}
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "__init__.py":
            continue  # the registry: it imports every format, and is imported by none
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        others = _relative_imports(path) & (formats - {own})
        assert not others, f"{path.relative_to(PACKAGE)} imports {sorted(others)}"


def test_shared_helpers_live_apart_from_the_formats():
    top = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "base"}
    formats = {adapter.read.__module__.split(".")[2] for adapter in adapters.ADAPTERS.values()}
    assert top <= formats, f"helpers at the top of adapters/: {sorted(top - formats)}"
    assert (PACKAGE / "_text").is_dir() and (PACKAGE / "markdown" / "__init__.py").is_file()
