"""The common schema as a file (``format: qa2anki``): one source's items as hand-editable YAML.

``qa2anki normalize`` writes it; building from it gives the same cards as building from the
original, because each item keeps its source name and ref (a card's identity). Multi-line
answers are block scalars (``|``) so a diff or an edit touches only the lines that changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from ..errors import SourceError
from ..models import ANSWER_ONLY, Dropped, Item, Skipped, SourceResult
from ..nesting import yaml_too_deep
from ._text.regions import skipped_regions
from ._text.yaml_text import load_yaml, yaml_comments, yaml_spans
from .base import Adapter

SCHEMA_VERSION = 1
HEADER = (
    "# qa2anki common schema: the items of one source. Edit freely and build from this file\n"
    "# (format: qa2anki). Keep 'source' and each 'ref': together they are the card's identity,\n"
    "# which keeps its review history in Anki.\n"
)
MARKER = re.compile(r"^qa2anki:[ \t]*\d+[ \t]*$", re.MULTILINE)


#: What a literal block cannot hold exactly: whitespace-only lines (read back as empty), a trailing
#: blank, characters YAML does not print, and line breaks other than "\n".
NOT_BLOCK_SAFE = re.compile(
    r"^[ \t]+$|[ \t]\Z|[^\x09\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]",
    re.MULTILINE,
)
#: Line breaks PyYAML would fold to spaces in a plain scalar: such text is written double-quoted.
OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text, quotes only where a block could not be exact.

    PyYAML also refuses a block for a line ending in a space (common in code); a literal block
    keeps such lines as they are, so we allow it.
    """

    def analyze_scalar(self, scalar: str):  # type: ignore[no-untyped-def]
        analysis = super().analyze_scalar(scalar)
        if "\n" in scalar and not analysis.allow_block and not NOT_BLOCK_SAFE.search(scalar):
            analysis.allow_block = True
        return analysis


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if OTHER_BREAKS.search(text) else "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def dump(
    source: str, format: str, items: Iterable[Item], dropped: Iterable[Dropped] = (), title: str = ""
) -> str:
    """The YAML text of one source's items (and what it dropped, for the record); ``title`` is
    the document's own title, which cards name the source by."""
    document: dict[str, Any] = {"qa2anki": SCHEMA_VERSION, "source": source, "format": format}
    if title:
        document["title"] = title
    document["items"] = [_item_fields(item) for item in items]
    dropped = list(dropped)
    if dropped:
        document["dropped"] = [
            {"ref": d.ref, "line": d.line, **_end(d.end_line), "reason": d.reason, "question": d.question}
            for d in dropped
        ]
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000)
    return HEADER + body


def _item_fields(item: Item) -> dict[str, Any]:
    prompt = {"prompt": item.prompt} if item.prompt else {}  # a quiz's code and options
    return {
        "question": item.question,
        **prompt,
        "answer": item.answer,
        "ref": item.ref,
        "line": item.line,
        **_end(item.end_line),
        "meta": {str(k): str(v) for k, v in item.meta.items()},
        "tags": list(item.tags),
        "flags": sorted(item.flags),
    }


ITEM_FIELDS = frozenset({"question", "prompt", "answer", "ref", "line", "end_line", "meta", "tags", "flags"})


def _end(end_line: int | None) -> dict[str, int]:
    """The last source line, when the adapter knows it (older files have none)."""
    return {} if end_line is None else {"end_line": end_line}


def sniff(text: str) -> float:
    return 0.99 if MARKER.search(text[:2000]) else 0.0


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    tree, lines = load_yaml(text, source)
    if not isinstance(tree, dict) or "items" not in tree or not isinstance(tree["items"], list):
        raise SourceError("a qa2anki file is a mapping with an 'items' list", file=source, line=1)
    origin = str(tree.get("source") or source)
    items = tuple(_item(entry, origin, source, lines) for entry in tree["items"])
    dropped = tuple(
        Dropped(origin, str(d.get("ref", "")), d.get("line"), str(d.get("reason", "")),
                str(d.get("question") or ""), _int(d.get("end_line")))
        for d in tree.get("dropped") or () if isinstance(d, dict)
    )
    title = " ".join(str(tree.get("title") or "").split())
    skipped = _passed_over(tree, text, source)
    return SourceResult(origin, ADAPTER.name, items, dropped, skipped=skipped, title=title)


def _passed_over(tree: dict[str, Any], text: str, source: str) -> tuple[Skipped, ...]:
    """This file's own lines that are no card text: comments, the schema's fields, each item's
    ``line`` and ``flags``, and the list of what the original source dropped (its items' and
    dropped entries' lines are the original's, not this file's)."""
    lines = text.split("\n")
    starts, ends = yaml_spans(text)
    marks = [(index, "comment") for index in yaml_comments(text)]
    fields = [(tree, key, "document-field") for key in tree if key not in ("items", "dropped")]
    fields += [(tree, "dropped", "dropped-list")] if "dropped" in tree else []
    fields += [(entry, key, "markup") for entry in tree["items"] if isinstance(entry, dict)
               for key in ("line", "end_line", "flags") if key in entry]
    for mapping, key, reason in fields:
        first, last = starts.get((id(mapping), key)), ends.get((id(mapping), key))
        if first is not None and last is not None:
            marks += [(index, reason) for index in range(first - 1, last)]
    return skipped_regions(source, lines, marks)


def _item(entry: Any, origin: str, file: str, lines: dict[int, int]) -> Item:
    line = lines.get(id(entry)) if isinstance(entry, dict) else None

    def fail(message: str) -> SourceError:
        return SourceError(message, file=file, line=line)

    if not isinstance(entry, dict):
        raise fail("each entry under 'items' must be a mapping with question and answer")
    unknown = set(entry) - ITEM_FIELDS
    if unknown:
        raise fail(f"unknown field(s) {', '.join(sorted(map(str, unknown)))} in an item")
    question, answer = entry.get("question"), entry.get("answer")
    flags = frozenset(str(f) for f in entry.get("flags") or ())
    if not isinstance(answer, str) or not answer.strip():
        raise fail("an item needs a non-empty 'answer'")
    if not isinstance(question, str) or (not question.strip() and ANSWER_ONLY not in flags):
        raise fail("an item needs a 'question' (or the flag answer-only)")
    meta, tags, prompt = entry.get("meta") or {}, entry.get("tags") or [], entry.get("prompt") or ""
    if not isinstance(meta, dict) or not isinstance(tags, list):
        raise fail("'meta' must be a mapping and 'tags' a list")
    if not isinstance(prompt, str):
        raise fail("'prompt' must be text (markdown shown under the question)")
    ref = str(entry.get("ref") or "").strip()
    if not ref:
        raise fail("an item needs a 'ref' (its identity in the source)")
    return Item(
        question=question, answer=answer, source=origin, ref=ref,
        line=_int(entry.get("line")),
        meta={str(k): str(v) for k, v in meta.items()},
        tags=tuple(str(t) for t in tags), flags=flags, prompt=prompt, end_line=_int(entry.get("end_line")),
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


ADAPTER = Adapter(
    name="qa2anki",
    summary="qa2anki common schema (YAML written by 'qa2anki normalize')",
    sniff=sniff,
    read=read,
    too_deep=yaml_too_deep,
)
