"""A minimal devalue flattener for tests: the inverse of qa2anki's decoder for plain JSON trees."""

from __future__ import annotations

import json
from typing import Any


def flatten(tree: Any, wrap: dict[int, str] | None = None) -> list[Any]:
    """``tree`` as devalue's array; ``wrap`` maps id(container) -> a Nuxt wrapper name to put around it."""
    values: list[Any] = []
    index_of: dict[int, int] = {}
    wrap = wrap or {}

    def add(node: Any) -> int:
        if isinstance(node, (dict, list)) and id(node) in index_of:
            return index_of[id(node)]
        if isinstance(node, (dict, list)) and id(node) in wrap:
            at = len(values)
            values.append(None)
            index_of[id(node)] = at
            values[at] = [wrap[id(node)], _container(node)]
            return at
        if isinstance(node, (dict, list)):
            return _container(node)
        values.append(node)
        return len(values) - 1

    def _container(node: Any) -> int:
        at = len(values)
        values.append(None)
        index_of.setdefault(id(node), at)
        if isinstance(node, dict):
            values[at] = {key: add(value) for key, value in node.items()}
        else:
            values[at] = [add(value) for value in node]
        return at

    add(tree)
    return values


def payload_text(tree: Any, wrap: dict[int, str] | None = None) -> str:
    return json.dumps(flatten(tree, wrap), separators=(",", ":"), ensure_ascii=False)
