"""The manifest (``qa2anki.yaml``): which decks to build from which sources.

Validated against a small schema while the YAML nodes still carry line numbers, so a typo
is reported as ``qa2anki.yaml:7: unknown key 'sorces' (did you mean 'sources'?)``.
"""

from __future__ import annotations

import dataclasses
import difflib
import glob
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .defaults import DEFAULT_MANIFEST
from .errors import ManifestError, SourceError
from .models import DROP_REASONS
from .plaintext import plain_text

SUBDECK_MODES = ("flat", "source", "topic")


@dataclass(frozen=True)
class SourceSpec:
    """One source file of a deck and how to read it."""

    path: Path
    format: str = "auto"
    tags: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    #: The source's name in items, the lockfile, media and reports: its path relative to the
    #: manifest's folder (the current folder for files named on the command line), so two
    #: ``README.md`` in different folders never share an identity. "": the file's name.
    key: str = ""
    #: Named on the command line (``build FILE...``): ``--format`` names its format, not a manifest.
    named_by_flag: bool = False
    #: Whether its answer-only units no question claims become recovered cards (see qa2anki.recover).
    recover: bool = True
    #: What cards call it (the manifest's ``name:``); "": the document's own title, else its file.
    title: str = ""
    #: Where the manifest names it (file, line) and the path or pattern as written there.
    declared: tuple[str, int] | None = None
    written: str = ""
    #: Reasons (``models.DROP_REASONS``) its items may be dropped for as notes, not warnings.
    accept_dropped: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.key or self.path.name


@dataclass(frozen=True)
class DedupSpec:
    """How eagerly to merge questions, and the user's overrides by ``file#ref``."""

    threshold: float | None = None  # None: the dedup stage's default
    keep_separate: tuple[tuple[str, ...], ...] = ()
    merge: tuple[tuple[str, ...], ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class DeckSpec:
    """One ``.apkg`` to write."""

    name: str
    output: Path
    sources: tuple[SourceSpec, ...]
    tags: tuple[str, ...] = ()
    subdecks: str = "flat"
    dedup: DedupSpec = DedupSpec()
    output_line: int | None = None  # the manifest line naming the output; None if not from a manifest
    recover: bool = True  # False: no source of the deck gets recovered cards
    code_wrap: bool = True  # False: long code lines scroll sideways on phones instead of wrapping

    def recovers(self, source: str) -> bool:
        """Whether units of ``source`` (a SourceSpec name) may become recovered cards."""
        return self.recover and all(spec.recover for spec in self.sources if spec.name == source)


@dataclass(frozen=True)
class Limits:
    """Bounds on what one build reads, so runaway or hostile input fails fast and clearly.

    Set under ``limits:`` in the manifest; each error that hits one names the key that raises it.
    """

    source_mb: float = 100.0  # the largest source file read
    image_mb: float = 10.0  # the largest image packed into a deck
    nesting: int = 200  # the deepest nesting read (JSON/YAML containers, markdown lists and quotes)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Manifest:
    """Everything a build needs to know; ``root`` anchors relative paths."""

    decks: tuple[DeckSpec, ...]
    root: Path = Path(".")
    path: Path | None = None  # None when built from files named on the command line
    lockfile: Path | None = None
    limits: Limits = Limits()
    lockfile_line: int | None = None  # the manifest's 'lockfile:' line; None if not from the manifest


# --- schema -------------------------------------------------------------------------------

_TOP_KEYS = ("decks", "lockfile", "limits")
_LIMIT_KEYS = ("source_mb", "image_mb", "nesting")
_DECK_KEYS = ("name", "output", "sources", "tags", "subdecks", "dedup", "recover", "code_wrap")
_SOURCE_KEYS = ("path", "name", "format", "tags", "options", "recover", "accept_dropped")
_DEDUP_KEYS = ("threshold", "keep_separate", "merge", "enabled")


def load_manifest(path: str | Path = DEFAULT_MANIFEST) -> Manifest:
    """Read and validate a manifest file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ManifestError(
            "manifest not found (create one, pass --config, or name source files)", file=str(path)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read manifest: {exc}", file=str(path)) from None
    return parse_manifest(text, path)


def parse_manifest(text: str, path: Path) -> Manifest:
    """Validate manifest text; ``path`` names it in errors and anchors relative paths."""
    reader = _NodeReader(str(path))
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None
    if root is None:
        raise ManifestError("manifest is empty (it needs a 'decks:' list)", file=str(path))
    top = reader.mapping(root, _TOP_KEYS, "manifest")
    if "decks" not in top:
        raise ManifestError("missing 'decks:' list", file=str(path), line=1)
    limits = reader.limits(top["limits"]) if "limits" in top else Limits()
    base = path.parent
    decks_node = top["decks"]
    decks = keyed_sources(
        tuple(reader.deck(node, base) for node in reader.sequence(decks_node, "decks")), base
    )
    if not decks:
        reader.fail(decks_node, "'decks' is empty: list at least one deck")
    _check_unique_names(decks, reader, decks_node)
    lockfile = base / reader.scalar(top["lockfile"], str, "lockfile") if "lockfile" in top else None
    lockfile_line = top["lockfile"].start_mark.line + 1 if "lockfile" in top else None
    return Manifest(
        decks=decks, root=base, path=path, lockfile=lockfile, limits=limits, lockfile_line=lockfile_line
    )


def _yaml_error(exc: yaml.YAMLError, path: Path) -> ManifestError:
    """YAML's complaint with its line, and where the construct it was reading began."""
    mark = getattr(exc, "problem_mark", None)
    message = f"invalid YAML: {getattr(exc, 'problem', None) or exc}"
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark and (mark is None or context_mark.line != mark.line):
        message += f" ({context} on line {context_mark.line + 1})"
    return ManifestError(message, file=str(path), line=mark.line + 1 if mark else None)


def _check_unique_names(decks: tuple[DeckSpec, ...], reader: _NodeReader, node: Any) -> None:
    seen: dict[str, int] = {}
    for index, deck in enumerate(decks):
        key = deck.name.casefold()
        if key in seen:
            reader.fail(node.value[index], f"duplicate deck name '{deck.name}'")
        seen[key] = index
    outputs: dict[Path, str] = {}
    for index, deck in enumerate(decks):
        resolved = Path(os.path.realpath(deck.output))  # resolve() raises on a symlink loop
        if resolved in outputs:
            reader.fail(
                node.value[index],
                f"deck '{deck.name}' writes to the same file as '{outputs[resolved]}'",
            )
        outputs[resolved] = deck.name


class _NodeReader:
    """Turns YAML nodes into typed values, failing with the node's line."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, node: Any, message: str) -> None:
        raise ManifestError(message, file=self.file, line=node.start_mark.line + 1)

    def mapping(self, node: Any, allowed: tuple[str, ...], what: str) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.fail(
                    key_node,
                    f"unknown key '{key}' in {what}{suggestion}; valid keys: {', '.join(allowed)}",
                )
            if key in out:
                self.fail(key_node, f"key '{key}' given twice in {what}")
            out[key] = value_node
        return out

    def sequence(self, node: Any, what: str) -> list[Any]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"'{what}' must be a list")
        return list(node.value)

    def scalar(self, node: Any, kind: type, what: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"'{what}' must be a single value")
        value = self.plain(node)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            wanted = {str: "a non-empty text", bool: "true or false"}.get(kind, f"a {kind.__name__}")
            self.fail(node, f"'{what}' must be {wanted}")
        return value

    def drop_reasons(self, node: Any) -> frozenset[str]:
        reasons = self.strings(node, "accept_dropped")
        for reason in reasons:
            if reason not in DROP_REASONS:
                close = difflib.get_close_matches(reason, DROP_REASONS, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                known = ", ".join(DROP_REASONS)
                self.fail(node, f"accept_dropped: unknown reason '{reason}'; {hint}known: {known}")
        return frozenset(reasons)

    def strings(self, node: Any, what: str) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode):
            return (self.scalar(node, str, what),)
        return tuple(self.scalar(item, str, what) for item in self.sequence(node, what))

    def plain(self, node: Any) -> Any:
        """The Python value of a node, built directly (a serialise-and-reload round trip
        fails on odd but valid YAML such as an empty key)."""
        loader = yaml.SafeLoader("")
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or node.start_mark
            raise ManifestError(
                f"invalid value: {getattr(exc, 'problem', None) or exc}", file=self.file, line=mark.line + 1
            ) from None
        except ValueError:  # Python refuses int() of more than 4,300 digits
            raise ManifestError(
                "invalid value: a number too long to read", file=self.file, line=node.start_mark.line + 1
            ) from None
        finally:
            loader.dispose()

    def deck(self, node: Any, base: Path) -> DeckSpec:
        keys = self.mapping(node, _DECK_KEYS, "deck")
        for required in ("name", "sources"):
            if required not in keys:
                self.fail(node, f"deck is missing '{required}:'")
        name = plain_text(self.scalar(keys["name"], str, "name"))  # clients may show it as HTML
        if not name:
            self.fail(keys["name"], "deck name has no text once markup is removed (names are plain text)")
        output = keys.get("output")
        out_path = base / (self.scalar(output, str, "output") if output else default_output(name))
        if not out_path.name.lower().endswith(".apkg"):
            self.fail(output, f"'output' {out_path} is not an .apkg file (the only kind Anki imports)")
        subdecks = self.scalar(keys["subdecks"], str, "subdecks") if "subdecks" in keys else "flat"
        if subdecks not in SUBDECK_MODES:
            self.fail(keys["subdecks"], f"'subdecks' must be one of: {', '.join(SUBDECK_MODES)}")
        sources = tuple(
            spec
            for source_node in self.sequence(keys["sources"], "sources")
            for spec in self.source(source_node, base)
        )
        if not sources:
            self.fail(keys["sources"], f"deck '{name}' lists no sources")
        return DeckSpec(
            name=name,
            output=out_path,
            sources=sources,
            tags=self.strings(keys["tags"], "tags") if "tags" in keys else (),
            subdecks=subdecks,
            dedup=self.dedup(keys["dedup"]) if "dedup" in keys else DedupSpec(),
            output_line=(output or keys["name"]).start_mark.line + 1,
            recover=self.scalar(keys["recover"], bool, "recover") if "recover" in keys else True,
            code_wrap=self.scalar(keys["code_wrap"], bool, "code_wrap") if "code_wrap" in keys else True,
        )

    def source(self, node: Any, base: Path) -> list[SourceSpec]:
        if isinstance(node, yaml.ScalarNode):
            keys = {"path": node}
        else:
            keys = self.mapping(node, _SOURCE_KEYS, "source")
        if "path" not in keys:
            self.fail(node, "source is missing 'path:'")
        raw = self.scalar(keys["path"], str, "path")
        options = self.plain(keys["options"]) if "options" in keys else {}
        if not isinstance(options, dict):
            self.fail(keys["options"], "'options' must be a mapping")
        common = SourceSpec(
            path=Path(raw),
            format=self.scalar(keys["format"], str, "format") if "format" in keys else "auto",
            tags=self.strings(keys["tags"], "tags") if "tags" in keys else (),
            options=options,
            recover=self.scalar(keys["recover"], bool, "recover") if "recover" in keys else True,
            title=" ".join(self.scalar(keys["name"], str, "name").split()) if "name" in keys else "",
            accept_dropped=self.drop_reasons(keys["accept_dropped"]) if "accept_dropped" in keys
            else frozenset(),
            declared=(self.file, keys["path"].start_mark.line + 1),
            written=raw,
        )
        return [dataclasses.replace(common, path=path) for path in _expand(base, raw)]

    def dedup(self, node: Any) -> DedupSpec:
        keys = self.mapping(node, _DEDUP_KEYS, "dedup")
        threshold = None
        if "threshold" in keys:
            threshold = self.scalar(keys["threshold"], float, "threshold")
            if not 0.0 < threshold <= 1.0:
                self.fail(keys["threshold"], "'threshold' must be between 0 and 1")
        return DedupSpec(
            threshold=threshold,
            keep_separate=self.groups(keys.get("keep_separate"), "keep_separate"),
            merge=self.groups(keys.get("merge"), "merge"),
            enabled=self.scalar(keys["enabled"], bool, "enabled") if "enabled" in keys else True,
        )

    def limits(self, node: Any) -> Limits:
        keys = self.mapping(node, _LIMIT_KEYS, "limits")
        values: dict[str, Any] = {}
        for key, value_node in keys.items():
            kind = int if key == "nesting" else float
            value = self.scalar(value_node, kind, key)
            if value <= 0:
                self.fail(value_node, f"'{key}' must be greater than 0")
            values[key] = value
        return Limits(**values)

    def groups(self, node: Any, what: str) -> tuple[tuple[str, ...], ...]:
        if node is None:
            return ()
        groups = tuple(self.strings(group, what) for group in self.sequence(node, what))
        for group, group_node in zip(groups, node.value, strict=True):
            if len(group) < 2:
                self.fail(group_node, f"each '{what}' entry lists at least two 'file#ref' items")
            for ref in group:
                if "#" not in ref:
                    self.fail(group_node, f"'{ref}' is not of the form 'file#ref'")
        return groups


def missing_source(spec: SourceSpec) -> SourceError | None:
    """The error for a source the manifest names that is not there, at the manifest's line:
    a path with no file, or a pattern that matches none. None when it is there (or came from
    the command line, whose missing files are named as typed)."""
    if spec.declared is None or spec.path.is_file():
        return None
    if _is_pattern(spec.written):
        return SourceError(f"'{spec.written}' matches no file", file=spec.declared[0], line=spec.declared[1])
    what = "is a folder, not a file" if spec.path.is_dir() else "no such file"
    return SourceError(f"source '{spec.written}': {what}", file=spec.declared[0], line=spec.declared[1])


def _is_pattern(raw: str) -> bool:
    return any(ch in raw for ch in "*?[")


def _expand(base: Path, raw: str) -> list[Path]:
    """A glob pattern lists every match, sorted; a plain path stays as written."""
    if _is_pattern(raw):
        matches = sorted(Path(p) for p in glob.glob(str(base / raw), recursive=True))
        return [p for p in matches if p.is_file()] or [base / raw]
    return [base / raw]


def keyed_sources(decks: tuple[DeckSpec, ...], root: Path) -> tuple[DeckSpec, ...]:
    """The decks with every source's :attr:`SourceSpec.key` set (see :func:`source_keys`)."""
    keys = source_keys([spec.path for deck in decks for spec in deck.sources], root)
    return tuple(
        dataclasses.replace(
            deck,
            sources=tuple(dataclasses.replace(s, key=keys[os.path.abspath(s.path)]) for s in deck.sources),
        )
        for deck in decks
    )


def source_keys(paths: list[Path], root: Path) -> dict[str, str]:
    """Absolute path -> the source's key: its path below ``root``, with ``/`` separators.

    A source outside ``root`` is keyed by the shortest end of its path that no other source's
    key is (its file name, or ``python/README.md``): a key never climbs out with ``../`` nor
    carries the user's home folder into a shared deck, and moving the project keeps it.
    """
    here = os.path.abspath(root)
    absolute = list(dict.fromkeys(os.path.abspath(path) for path in paths))
    keys: dict[str, str] = {}
    outside: list[str] = []
    for path in absolute:
        if _inside(path, here):
            keys[path] = Path(os.path.relpath(path, here)).as_posix()
        else:
            outside.append(path)
    taken = set(keys.values())
    for path in outside:
        parts = Path(path).parts
        others = [Path(other).parts for other in outside if other != path]
        size = 1
        while size < len(parts) and (
            "/".join(parts[-size:]) in taken or any(other[-size:] == parts[-size:] for other in others)
        ):
            size += 1
        keys[path] = "/".join(part for part in parts[-size:] if part != os.sep)
        taken.add(keys[path])
    return keys


def _inside(path: str, folder: str) -> bool:
    """Whether absolute ``path`` lies in ``folder`` (paths on another drive never do)."""
    try:
        return os.path.commonpath([folder, path]) == folder
    except ValueError:
        return False


def default_output(deck_name: str) -> str:
    """``decks/<slug>.apkg`` for a deck that names no output."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in deck_name.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"decks/{slug or 'deck'}.apkg"


def manifest_for_files(
    files: list[str | Path],
    output: str | Path,
    deck_name: str = "qa2anki",
    format: str = "auto",
    options: Mapping[str, Any] | None = None,
) -> Manifest:
    """The one-deck manifest that ``qa2anki build FILE... -o OUT`` implies; every file is read as
    ``format`` with ``options`` (``--format``, ``--option``), as a manifest's ``format:`` and
    ``options:`` would."""
    sources = tuple(SourceSpec(path=Path(f), format=format, options=dict(options or {}), named_by_flag=True)
                    for f in files)
    deck = DeckSpec(name=plain_text(deck_name) or "qa2anki", output=Path(output), sources=sources)
    return Manifest(decks=keyed_sources((deck,), Path(".")), root=Path("."), path=None)


def with_source_mb(manifest: Manifest, source_mb: float | None) -> Manifest:
    """``manifest`` reading sources of up to ``source_mb`` (``--max-source-mb``); None keeps its own."""
    if source_mb is None:
        return manifest
    return dataclasses.replace(manifest, limits=dataclasses.replace(manifest.limits, source_mb=source_mb))
