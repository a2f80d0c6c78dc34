"""``qa2anki normalize``: each source rewritten in the common schema, after the repair stage.

The output is for people: one YAML file per source to read, diff and hand-edit, then build
from instead of the original. Answer-only units are kept (flagged) for deduplication to place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .adapters import UnsupportedFormatError, read_source
from .adapters.common_schema import dump
from .errors import OutputError
from .files import atomic_path
from .manifest import source_keys
from .models import Diagnostic
from .outputs import PathIndex
from .repair import repair_items


@dataclass(frozen=True)
class NormalizeResult:
    written: tuple[Path, ...]
    skipped: tuple[Diagnostic, ...]  # sources no adapter recognised, as for a build


def normalize_source(
    path: str | Path, format: str = "auto", options: Mapping[str, Any] | None = None, key: str | None = None
) -> str:
    """The common-schema YAML text for one source file (named on the command line: ``--format``
    names its format); ``key`` is the source it records."""
    result = read_source(path, format, options, key=key, named_by_flag=True)
    repaired = repair_items(result.items)
    return dump(result.source, result.format, repaired.items, result.dropped, title=result.title)


def normalize(sources: Sequence[str | Path], out_dir: str | Path, format: str = "auto") -> NormalizeResult:
    """Write ``OUT_DIR/<source stem>.yaml`` for every source it can read; nothing if one fails."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError("output must be a folder", file=str(out))
    texts: dict[Path, str] = {}
    skipped: list[Diagnostic] = []
    paths = [Path(s) for s in sources]
    keys = source_keys(paths, Path("."))  # as a build of these files would key them
    for source, target in _targets(paths, out).items():
        try:
            texts[target] = normalize_source(source, format, key=keys[os.path.abspath(source)])
        except UnsupportedFormatError as exc:
            skipped.append(Diagnostic(str(source), None, f"skipped: {exc.message}"))
    for target, text in texts.items():
        with atomic_path(target) as temporary:
            Path(temporary).write_text(text, encoding="utf-8")
    return NormalizeResult(tuple(texts), tuple(skipped))


def _targets(sources: list[Path], out: Path) -> dict[Path, Path]:
    """One output per source; equal stems get -2, -3…; never a path that is one of the sources
    (however spelled or linked)."""
    inputs = PathIndex()
    for source in sources:
        inputs.add(source, str(source))
    targets: dict[Path, Path] = {}
    taken: set[Path] = set()
    for source in sources:
        stem, n = source.stem, 1
        target = out / f"{stem}.yaml"
        while target in taken:
            n += 1
            target = out / f"{stem}-{n}.yaml"
        if inputs.find(target):
            raise OutputError("would overwrite a source; choose another output folder", file=str(target))
        taken.add(target)
        targets[source] = target
    return targets
