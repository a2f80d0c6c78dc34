"""YAML read with its lines: every mapping's first and last line, its comments, duplicate keys
refused, aliases expanded within bounds. The ``yaml`` format and the common schema both read it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml

from ...errors import SourceError
from ...nesting import expands_beyond, expansion_budget

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKey(yaml.MarkedYAMLError):
    """YAML silently keeps the last of two equal keys; for records that would lose an item."""


class LineLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader that remembers the 1-based line of every mapping and refuses duplicate keys."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.lines: dict[Any, int] = {}  # id(mapping), or (id(mapping), key), -> line
        self.ends: dict[Any, int] = {}  # the same -> the last line of the mapping or the key's value
        self.text_lines: set[int] = set()  # lines inside a text value (a ``#`` there is no comment)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise DuplicateKey(None, None, f"duplicate key '{key_node.value}'", key_node.start_mark)
                seen.add(key_node.value)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)
        return mapping


def _construct_map(loader: LineLoader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data: dict[Any, Any] = {}
    loader.lines[id(data)] = node.start_mark.line + 1
    loader.ends[id(data)] = max((_last_line(value) for _, value in node.value),
                                default=node.start_mark.line + 1)
    yield data
    data.update(loader.construct_mapping(node))
    for key_node, value_node in node.value:  # each key's lines too: a mapping keyed by questions needs them
        if isinstance(key_node, yaml.ScalarNode):
            loader.lines[(id(data), key_node.value)] = key_node.start_mark.line + 1
            loader.ends[(id(data), key_node.value)] = _last_line(value_node)
        if isinstance(value_node, yaml.ScalarNode):
            loader.text_lines.update(range(value_node.start_mark.line + 1, _last_line(value_node) + 1))


def _last_line(node: yaml.Node) -> int:
    """The 1-based last line of a node (its end mark is just past it, perhaps on the next line)."""
    end = node.end_mark
    return max(end.line + 1 if end.column else end.line, node.start_mark.line + 1)


def _construct_int(loader: LineLoader, node: yaml.ScalarNode) -> int | str:
    """An integer, or its digits as text when Python refuses to convert that many (over 4,300)."""
    try:
        return loader.construct_yaml_int(node)  # type: ignore[no-any-return]
    except ValueError:
        return str(loader.construct_scalar(node))


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@functools.lru_cache(maxsize=4)
def parse_yaml(text: str) -> tuple[Any, dict[Any, int], dict[Any, int], set[int]]:
    """Parsed once for both sniff and read (a large file takes seconds); callers must not mutate it.

    A stream of several documents (``---`` between records) reads as the list of its documents.
    """
    loader = LineLoader(text.lstrip("\ufeff"))
    try:
        documents = []
        while loader.check_data():
            documents.append(loader.get_data())
        tree = documents[0] if len(documents) == 1 else documents or None
        return tree, loader.lines, loader.ends, loader.text_lines
    finally:
        loader.dispose()


#: An anchor (``&name``): only then can aliases make a tree bigger than its text.
YAML_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]")
YAML_ALIAS = re.compile(r"(?:^|[\s\[{,])\*[^\s\[\]{},]", re.MULTILINE)


def load_yaml(text: str, source: str, expand: bool = True) -> tuple[Any, dict[Any, int]]:
    """The YAML tree and the line of each mapping in it; a clear error for broken YAML, and (when
    it is to be ``expand`` ed into items) for aliases of aliases that would expand to billions of
    values ("billion laughs"). Sniffing only walks each shared value once, so it skips that check
    and claims the file, for reading to say what is wrong."""
    try:
        tree, lines, _, _ = parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        where = f" at column {mark.column + 1}" if mark else ""
        raise SourceError(f"not valid YAML{where}: {exc.problem or exc.context}", file=source,
                          line=line) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"not valid YAML: {exc}", file=source) from None
    if expand and YAML_ANCHOR.search(text) and expands_beyond(tree, expansion_budget(text)):
        alias = YAML_ALIAS.search(text)
        raise SourceError(
            "aliases (*name) repeat anchored values into more than "
            f"{expansion_budget(text):,} values; refusing to expand them",
            file=source, line=text.count("\n", 0, alias.start()) + 1 if alias else None,
        )
    return tree, lines


#: The key starts with a non-space so the indent and the key cannot share spaces: with
#: ``^\s*`` before a class holding a space, a deeply indented line backtracked quadratically.


YAML_COMMENT = re.compile(r"^[ \t]*(?:#|%)")


def yaml_spans(text: str) -> tuple[dict[Any, int], dict[Any, int]]:
    """The first and last line of each mapping (by id) and of each ``(id(mapping), key)`` entry
    in ``text``, once :func:`load_yaml` has read it."""
    _, starts, ends, _ = parse_yaml(text)
    return starts, ends


def yaml_comments(text: str) -> list[int]:
    """The 0-based lines of ``text`` that are YAML comments (not ``#`` lines inside a text value),
    once :func:`load_yaml` has read it."""
    inside = parse_yaml(text)[3]
    return [index for index, line in enumerate(text.split("\n"))
            if YAML_COMMENT.match(line) and index + 1 not in inside]
