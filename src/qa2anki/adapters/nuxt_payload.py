"""Nuxt prerender payloads (``_payload.json``): JSON arrays in devalue's flattened form.

devalue writes every value once into one top-level array; objects and arrays hold indexes into
it, ``["Date", iso]``, ``["Set", i…]``, ``["Map", k, v…]`` and friends mark special values, and
negative indexes stand for ``undefined``, holes, NaN and the infinities. Nuxt adds reviver
wrappers such as ``["ShallowReactive", i]`` and ``["Ref", i]``. We decode it generically
(written here rather than taken from PyPI's ``nuxt-payload``: that package is AGPL, prints debug
output, and does not decode Date/Set/Map/BigInt or negative indexes), then find the Q&A records
by shape with :mod:`.qa_records`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import SourceError
from ..models import SourceResult
from ..nesting import expands_beyond, expansion_budget, json_too_deep
from ._text.json_text import load_json, loads, looks_like_payload
from ._text.record_fields import find_items, require_items
from .base import Adapter

#: devalue's negative indexes (``HOLE``, -2, is an array gap: read as None).
SPECIAL_INDEXES: dict[int, Any] = {
    -1: None, -2: None, -3: math.nan, -4: math.inf, -5: -math.inf, -6: -0.0,
}
EMPTY_REFS = frozenset({"EmptyRef", "EmptyShallowRef"})
#: Tags whose argument is a literal, not an index.
LITERAL_FORMS: dict[str, Callable[[list[Any]], Any]] = {
    "Date": lambda form: form[1],
    "BigInt": lambda form: int(form[1]),
    "RegExp": lambda form: f"/{form[1]}/{form[2] if len(form) > 2 else ''}",
    "Object": lambda form: form[1],
    "URL": lambda form: form[1],
    "URLSearchParams": lambda form: form[1],
    "ArrayBuffer": lambda form: form[1],
}
PAYLOAD_START = re.compile(r'^\s*\[\s*(\{\s*"[^"]*"\s*:\s*-?\d+|\[\s*"[A-Za-z]+"\s*,\s*-?\d+)')


class DevalueError(ValueError):
    """The array is not valid devalue (a bad index, an unknown form, a cycle of wrappers)."""


def unflatten(values: Any) -> Any:
    """The value devalue flattened into ``values`` (its parsed JSON), shared references kept.

    Containers are created before they are filled, so cycles come back as cycles; the work is
    a queue, not recursion, so deep nesting cannot overflow the stack.
    """
    if isinstance(values, int) and not isinstance(values, bool):
        if values in SPECIAL_INDEXES:
            return SPECIAL_INDEXES[values]
        raise DevalueError(f"a bare number ({values}) is not a devalue payload")
    if not isinstance(values, list) or not values:
        raise DevalueError("a devalue payload is a non-empty JSON array")
    return _Unflattener(values).run()


class _Unflattener:
    def __init__(self, values: list[Any]):
        self.values = values
        self.done: dict[int, Any] = {}
        self.resolving: set[int] = set()
        self.fills: list[Callable[[], None]] = []

    def run(self) -> Any:
        root = self.value(0)
        while self.fills:
            self.fills.pop()()
        return root

    def value(self, index: Any) -> Any:
        if isinstance(index, bool) or not isinstance(index, int):
            raise DevalueError(f"expected an index, found {json.dumps(index)[:40]}")
        if index < 0:
            if index not in SPECIAL_INDEXES:
                raise DevalueError(f"unknown special index {index}")
            return SPECIAL_INDEXES[index]
        if index >= len(self.values):
            raise DevalueError(f"index {index} is out of range (the payload has {len(self.values)} values)")
        if index in self.done:
            return self.done[index]
        if index in self.resolving:
            raise DevalueError(f"value {index} refers to itself through wrappers only")
        self.resolving.add(index)
        self.done[index] = self._decode(self.values[index], index)
        self.resolving.discard(index)
        return self.done[index]

    def _decode(self, raw: Any, index: int) -> Any:
        if isinstance(raw, dict):
            return self._later({}, lambda out: out.update((k, self.value(v)) for k, v in raw.items()))
        if not isinstance(raw, list):
            return raw
        if not raw or not isinstance(raw[0], str):
            return self._later([], lambda out: out.extend(self.value(v) for v in raw))
        return self._form(raw[0], raw, index)

    def _form(self, tag: str, form: list[Any], index: int) -> Any:
        if tag in LITERAL_FORMS and len(form) >= 2:
            try:
                return LITERAL_FORMS[tag](form)
            except (TypeError, ValueError):
                raise DevalueError(f"bad '{tag}' value at index {index}") from None
        if tag == "Set":
            return self._later([], lambda out: out.extend(self.value(v) for v in form[1:]))
        if tag == "Map":
            return self._map(form[1:])
        if tag == "null":
            pairs = form[1:]
            return self._later({}, lambda out: out.update(
                (pairs[i], self.value(pairs[i + 1])) for i in range(0, len(pairs) - 1, 2)))
        if tag in EMPTY_REFS and len(form) == 2:
            return _empty_ref(self.value(form[1]))
        if len(form) == 2:  # a Nuxt wrapper, a typed array, or an app's own reviver: the value inside
            return self.value(form[1])
        raise DevalueError(f"unknown form '{tag}' at index {index}")

    def _map(self, pairs: list[Any]) -> Any:
        """A Map whose keys are all plain values reads as a dict; otherwise as [key, value] pairs."""
        plain = all(
            isinstance(k, int) and (k < 0 or not isinstance(self.values[k], (dict, list)))
            for k in pairs[::2] if isinstance(k, int) and k < len(self.values)
        )
        if plain:
            return self._later({}, lambda out: out.update(
                (self.value(pairs[i]), self.value(pairs[i + 1])) for i in range(0, len(pairs) - 1, 2)))
        return self._later([], lambda out: out.extend(
            [self.value(pairs[i]), self.value(pairs[i + 1])] for i in range(0, len(pairs) - 1, 2)))

    def _later(self, container: Any, fill: Callable[[Any], None]) -> Any:
        self.fills.append(lambda: fill(container))
        return container


def _empty_ref(text: Any) -> Any:
    if text == "_" or not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_payload(text: str, source: str) -> Any:
    """The decoded payload, or a :class:`SourceError` naming the line and column of the damage."""
    values = load_json(text, source)
    try:
        tree = unflatten(values)
    except DevalueError as exc:
        raise SourceError(f"not a valid Nuxt payload: {exc}", file=source) from None
    if expands_beyond(tree, expansion_budget(text)):
        raise SourceError(
            f"shared values repeat into more than {expansion_budget(text):,} values; "
            "refusing to expand them", file=source,
        )
    return tree


def sniff(text: str) -> float:
    head = text.lstrip("\ufeff \t\n")
    if not head.startswith("["):
        return 0.0
    try:
        values = loads(head)
    except ValueError:
        return 0.6 if PAYLOAD_START.match(head) else 0.0  # damaged: claim it so the error says why
    return 0.95 if looks_like_payload(values) else 0.05


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    tree = parse_payload(text, source)
    found = find_items(tree, source, options)
    require_items(found, source, options, tree)
    return SourceResult(source, ADAPTER.name, tuple(found.items), tuple(found.dropped))


ADAPTER = Adapter(
    name="nuxt-payload",
    summary="Nuxt prerender payload (devalue-encoded JSON array)",
    sniff=sniff,
    read=read,
    too_deep=json_too_deep,
)
