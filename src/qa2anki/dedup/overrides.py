"""The manifest's ``merge:`` and ``keep_separate:`` lists, resolved to item indexes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath

from ..models import Diagnostic, Item


def item_keys(items: Sequence[Item]) -> dict[str, int]:
    """``file#ref`` -> index of the first item with that key.

    ``file`` is the source's path relative to the manifest, or its bare file name where no
    other source of the deck has that name (so overrides written before paths still work).
    """
    keys: dict[str, int] = {}
    sources = list(dict.fromkeys(item.source for item in items))
    names = Counter(PurePath(source).name for source in sources)
    for index, item in enumerate(items):
        keys.setdefault(f"{item.source}#{item.ref}", index)
        name = PurePath(item.source).name
        keys.setdefault(f"{name}#{item.ref}", index if names[name] == 1 else _AMBIGUOUS)
    return keys


_AMBIGUOUS = -1  # a bare file name that several sources of the deck have


def resolve_groups(
    groups: Sequence[Sequence[str]], keys: dict[str, int], what: str, diagnostics: list[Diagnostic]
) -> list[list[int]]:
    """Override groups as item indexes; an unknown ``file#ref`` is a warning, never an error."""
    resolved = []
    for group in groups:
        indexes = []
        for name in group:
            file, _, ref = name.partition("#")
            path = PurePath(file)
            key = next((k for k in (f"{path.as_posix()}#{ref}", f"{path.name}#{ref}") if k in keys), None)
            if key is not None and keys[key] == _AMBIGUOUS:
                diagnostics.append(
                    Diagnostic(
                        file,
                        None,
                        f"dedup {what}: several sources are named '{file}'; "
                        f"write the path, as in the build summary; '{name}' ignored",
                        ref=ref,
                    )
                )
            elif key is not None:
                indexes.append(keys[key])
            else:
                diagnostics.append(
                    Diagnostic(file, None, f"dedup {what}: no item '{name}' in this deck; ignored", ref=ref)
                )
        indexes = list(dict.fromkeys(indexes))
        if len(indexes) >= 2:
            resolved.append(indexes)
    return resolved


def pairs(group: Sequence[int]) -> list[tuple[int, int]]:
    return [(a, b) for n, a in enumerate(group) for b in group[n + 1 :]]


def override_warning(items: Sequence[Item], group: list[int], message: str) -> Diagnostic:
    names = ", ".join(f"{items[i].source}#{items[i].ref}" for i in group)
    return Diagnostic(items[group[0]].source, None, f"dedup merge group [{names}] {message}")
