"""Structured records: YAML, JSON and CSV/TSV files of questions and answers.

The three formats differ only in how text becomes a tree and where a record's line is; finding
the records (key names, nesting, categories, extra fields) is shared in :mod:`.qa_records`.
Almost any text parses as YAML and many texts hold commas, so the sniffs claim a file only
when a real collection of question/answer records is in it.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import yaml

from ..errors import SourceError
from ..models import Diagnostic, SourceResult
from ..nesting import expands_beyond, expansion_budget, json_too_deep, yaml_too_deep
from ._anki_notes import AnkiNote, NoteType, read_notes, shared_deck_depth
from .base import Adapter
from .card_tables import AnkiHeader, anki_header, column_names, headerless_names
from .json_text import is_json, load_json, loads
from .nuxt_payload import looks_like_payload
from .qa_records import KeyedRecord, choose_keys, find_items, has_records, is_standalone_record, require_items

# --------------------------------------------------------------------------- YAML

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKey(yaml.MarkedYAMLError):
    """YAML silently keeps the last of two equal keys; for records that would lose an item."""


class LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that remembers the 1-based line of every mapping and refuses duplicate keys."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.lines: dict[Any, int] = {}  # id(mapping), or (id(mapping), key), -> line

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise DuplicateKey(None, None, f"duplicate key '{key_node.value}'", key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def _construct_map(loader: LineLoader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data: dict[Any, Any] = {}
    loader.lines[id(data)] = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))
    for key_node, _ in node.value:  # each key's line too: a mapping keyed by questions needs them
        if isinstance(key_node, yaml.ScalarNode):
            loader.lines[(id(data), key_node.value)] = key_node.start_mark.line + 1


def _construct_int(loader: LineLoader, node: yaml.ScalarNode) -> int | str:
    """An integer, or its digits as text when Python refuses to convert that many (over 4,300)."""
    try:
        return loader.construct_yaml_int(node)  # type: ignore[no-any-return]
    except ValueError:
        return str(loader.construct_scalar(node))


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@functools.lru_cache(maxsize=4)
def _parse_yaml(text: str) -> tuple[Any, dict[Any, int]]:
    """Parsed once for both sniff and read (a large file takes seconds); callers must not mutate it.

    A stream of several documents (``---`` between records) reads as the list of its documents.
    """
    loader = LineLoader(text.lstrip("\ufeff"))
    try:
        documents = []
        while loader.check_data():
            documents.append(loader.get_data())
        return (documents[0] if len(documents) == 1 else documents or None), loader.lines
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
        tree, lines = _parse_yaml(text)
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
YAML_KEY_LINE = re.compile(r"^[ \t]*(?:-[ \t]+)?[\w\"'.?!()/,-][\w\"' .?!()/,-]*:(?:\s|$)", re.MULTILINE)
#: A list item opening with a question key: what a damaged YAML record file still shows.
YAML_RECORD_START = re.compile(
    r"^[ \t]*-[ \t]+[\"']?(?:question|q|prompt|front)[\"']?[ \t]*:", re.MULTILINE | re.IGNORECASE
)


def sniff_yaml(text: str) -> float:
    if not YAML_KEY_LINE.search(text):
        return 0.0
    try:
        tree, _ = load_yaml(text, "<sniff>", expand=False)
    except SourceError:  # damaged: claim it when it plainly is a record list, so read says where
        return 0.35 if len(YAML_RECORD_START.findall(text)) >= 2 else 0.0
    if not isinstance(tree, (dict, list)):
        return 0.0
    if has_records(tree):
        return 0.5 if is_json(text) else 0.85
    return 0.4 if isinstance(tree, dict) and is_standalone_record(tree) else 0.0


def read_yaml(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    tree, lines = load_yaml(text, source)
    return _result(tree, source, options, "yaml", lambda record: lines.get(_line_key(record)))


def _line_key(record: Mapping[str, Any]) -> Any:
    """Where a record's line is filed: its mapping, or the key of an entry keyed by its question."""
    return (id(record.parent), record.key) if isinstance(record, KeyedRecord) else id(record)


# --------------------------------------------------------------------------- JSON


def sniff_json(text: str) -> float:
    head = text.lstrip("\ufeff \t\n")
    if not head.startswith(("{", "[")):
        return 0.0
    try:
        tree = loads(head)
    except ValueError:
        lines = json_lines(head)
        if lines is not None:
            return 0.9 if has_records([record for record, _ in lines]) else 0.0
        return 0.35 if re.match(r'[\[{]\s*[\[{"]', head) else 0.0  # damaged JSON: read says where
    if looks_like_payload(tree):
        return 0.05
    if has_records(tree):
        return 0.9
    return 0.35 if isinstance(tree, (dict, list)) and tree else 0.0


def read_json(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    try:
        tree = load_json(text, source)
    except SourceError:
        lines = json_lines(text)
        if lines is None:
            raise
        where = {id(record): line for record, line in lines}
        return _result([r for r, _ in lines], source, options, "json", lambda r: where.get(id(r)))
    return _result(tree, source, options, "json", _json_line_finder(text))


def json_lines(text: str) -> list[tuple[Any, int]] | None:
    """JSON Lines (one object per line) with each object's line, or None if the text is not that."""
    out: list[tuple[Any, int]] = []
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = loads(line)
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        out.append((value, number))
    return out if len(out) >= 2 else None


def _json_line_finder(text: str) -> Callable[[Mapping[str, Any]], int | None]:
    """Best effort: the line of the ``{`` before a record's first string value, in document order."""
    if text.count("\n") < 2:
        return lambda record: None
    cursor = 0

    def line_of(record: Mapping[str, Any]) -> int | None:
        nonlocal cursor
        value = next((v for v in record.values() if isinstance(v, str) and v), None)
        if value is None:
            return None
        for encoded in (json.dumps(value, ensure_ascii=False), json.dumps(value)):
            found = text.find(encoded, cursor)
            if found >= 0:
                cursor = found + len(encoded)
                start = found if isinstance(record, KeyedRecord) else text.rfind("{", 0, found)
                return text.count("\n", 0, max(start, 0)) + 1
        return None

    return line_of


# --------------------------------------------------------------------------- CSV / TSV

DELIMITERS = ",\t;"
SNIFF_LINES = 60
#: Python's csv refuses fields over 128 KB; a long answer is legitimate, and a source's size
#: is bounded by ``limits.source_mb`` already, so any field that fits in a source is read.
csv.field_size_limit(2**31 - 1)


def _dialects(sample: str) -> list[type[csv.Dialect] | csv.Dialect]:
    """The sniffed dialect first, then the common ones, so a bad guess is not the last word."""
    out: list[type[csv.Dialect] | csv.Dialect] = []
    try:
        out.append(csv.Sniffer().sniff(sample, delimiters=DELIMITERS))
    except csv.Error:
        pass
    return out + [csv.excel, csv.excel_tab, _Semicolon]


class _Semicolon(csv.excel):
    delimiter = ";"


def _rows(text: str, dialect: Any) -> list[tuple[int, list[str]]]:
    """Each non-blank CSV record with the line it starts on."""
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((start, row))
        start = reader.line_num + 1
    return rows


#: Records, the line of each (by record id), and notes (line, message) on rows read with repairs.
Table = tuple[list[dict[str, str]], dict[int, int], list[tuple[int, str]]]


def _table(text: str, options: Mapping[str, Any], sample_only: bool = False) -> Table | None:
    """Rows as records keyed by the header, under the first dialect whose header names Q and A columns."""
    text = text.lstrip("\ufeff")
    anki = anki_header(text)
    if anki is not None:
        return _anki_table(text, anki, options)
    sample = "\n".join(text.split("\n")[:SNIFF_LINES]) if sample_only else text
    for dialect in _dialects(sample):
        try:
            rows = _rows(sample, dialect)
        except csv.Error:
            continue
        for rows_below_title in _after_title_rows(rows):
            if table := _header_table(rows_below_title, options, sample_only, _delimiter(dialect)):
                return table
    return None if options.get("question") else _headerless_table(sample, options)


#: Most rows a spreadsheet export puts above its header (a title, a date), one cell each.
MAX_TITLE_ROWS = 4


Rows = list[tuple[int, list[str]]]  # (line, cells)


def _after_title_rows(rows: Rows) -> list[Rows]:
    """The rows, then the rows below each leading one-cell row (a sheet's title above its header)."""
    out = [rows]
    for skip in range(1, MAX_TITLE_ROWS + 1):
        if skip >= len(rows) or sum(1 for cell in rows[skip - 1][1] if cell.strip()) > 1:
            break
        out.append(rows[skip:])
    return out


def _delimiter(dialect: Any) -> str:
    return str(getattr(dialect, "delimiter", ","))


def _header_table(
    rows: Rows, options: Mapping[str, Any], sample_only: bool, delimiter: str = ","
) -> Table | None:
    """Records keyed by the first row, if it names question and answer columns the rows fill."""
    if len(rows) < 2 or len(rows[0][1]) < 2:
        return None
    header = [cell.strip() for cell in rows[0][1]]
    width = len(header)
    body = rows[1:-1] if sample_only and len(rows) > 2 else rows[1:]
    exact = sum(1 for _, row in body if len(row) == width)
    wider = sum(1 for _, row in body if len(row) > width)  # an unquoted delimiter: _fold_overflow
    if exact + wider < 0.8 * len(body) or exact < wider:
        return None
    records = [_record(header, row) for _, row in rows[1:]]
    keys = choose_keys(records, options)
    if not keys:
        return None
    notes = _fold_overflow(header, rows[1:], records, keys.answer, delimiter)
    return records, {id(r): line for r, (line, _) in zip(records, rows[1:], strict=True)}, notes


def _fold_overflow(header: list[str], rows: Rows, records: list[dict[str, str]], answer: str,
                   delimiter: str) -> list[tuple[int, str]]:
    """Put the cells of a row beyond the header back into its answer, and say so for each row.

    An unquoted delimiter in the last column splits it ("Y is one, two and three"): when the
    answer is the last column its cells are joined back with the delimiter; otherwise the extra
    cells are kept after the answer. Nothing is discarded unreported.
    """
    notes: list[tuple[int, str]] = []
    column = next((name for name in header if name.lower() == answer), None)
    if column is None:
        return notes
    width = len(header)
    for record, (line, row) in zip(records, rows, strict=True):
        extra = [cell for cell in row[width:] if cell.strip()]
        if not extra:
            continue
        if header[-1] == column:
            record[column] = delimiter.join(row[width - 1:]).strip()
            notes.append((line, f"row has {len(row)} cells for {width} columns: an unquoted "
                                f"{delimiter!r} in the answer? the cells are joined back into the answer"))
        else:
            kept = delimiter.join(extra).strip()
            record[column] = f"{record[column]}\n\n{kept}" if record[column] else kept
            notes.append((line, f"row has {len(row)} cells for {width} columns; the extra text is kept "
                                "at the end of the answer (quote cells that hold the delimiter)"))
    return notes


#: Delimiters of a headerless card table; a comma only counts when every row starts quoted.
HEADERLESS_DELIMITERS = ("\t", ";", ",")


def _headerless_table(text: str, options: Mapping[str, Any]) -> Table | None:
    """Rows with no header row: front, back[, tags] (Quizlet exports, hand-made import files)."""
    raw_lines = text.split("\n")
    for delimiter in HEADERLESS_DELIMITERS:
        try:
            rows = _rows(text, type("Headerless", (csv.excel,), {"delimiter": delimiter}))
        except csv.Error:
            continue
        if delimiter != "\t" and not all(raw_lines[line - 1].lstrip().startswith('"') for line, _ in rows):
            continue
        names = headerless_names([row for _, row in rows])
        if names:
            return _named_records(names, rows, options)
    return None


def _named_records(
    names: list[str], rows: list[tuple[int, list[str]]], options: Mapping[str, Any]
) -> Table | None:
    records = [_record(names, row) for _, row in rows]
    if not records or not choose_keys(records, options):
        return None
    return records, {id(r): line for r, (line, _) in zip(records, rows, strict=True)}, []


def _anki_table(text: str, anki: AnkiHeader, options: Mapping[str, Any]) -> Table | None:
    """An Anki plain-text export: rows below the ``#`` header, columns named by it."""
    body = "\n" * anki.header_lines + text.split("\n", anki.header_lines)[-1]
    try:
        rows = _rows(body, type("AnkiExport", (csv.excel,), {"delimiter": anki.delimiter}))
    except csv.Error:
        return None
    return _named_records(column_names(anki, max((len(row) for _, row in rows), default=0)), rows, options)


def _anki_export(text: str, anki: AnkiHeader, source: str) -> SourceResult | None:
    """An Anki plain-text export read as Anki notes: its guid, deck, note type and tags columns
    used as such, the other columns as the note's fields (see :mod:`._anki_notes`)."""
    body = "\n" * anki.header_lines + text.split("\n", anki.header_lines)[-1]
    try:
        rows = _spanned_rows(body, type("AnkiExport", (csv.excel,), {"delimiter": anki.delimiter}))
    except csv.Error:
        return None
    if not rows:
        return None
    decks = [_deck_path(_cell(row, anki, "deck")) for _, _, row in rows]
    shared = shared_deck_depth(decks)
    notes = [_export_note(anki, first, last, row, deck[shared:])
             for (first, last, row), deck in zip(rows, decks, strict=True)]
    return read_notes(notes, source, "csv")


def _deck_path(name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in name.split("::") if part.strip())


def _cell(row: list[str], anki: AnkiHeader, key: str) -> str:
    column = next((column for column, name in anki.special.items() if name == key), None)
    if column is not None and column < len(row):
        return row[column].strip()
    return anki.defaults.get(key, "")


def _export_note(anki: AnkiHeader, first: int, last: int, row: list[str], deck: tuple[str, ...]) -> AnkiNote:
    columns = [column for column in range(len(row)) if column not in anki.special]
    names = tuple(anki.names.get(column, "") for column in columns) if any(
        column in anki.names for column in columns) else ()
    guid = _cell(row, anki, "guid")
    return AnkiNote(
        fields=tuple(row[column] for column in columns),
        note_type=NoteType(_cell(row, anki, "notetype"), names),
        guid=guid, ref=guid, tags=tuple(_cell(row, anki, "tags").split()), deck=deck,
        line=first, end_line=last, html=anki.html,
    )


def _spanned_rows(text: str, dialect: Any) -> list[tuple[int, int, list[str]]]:
    """Each non-blank CSV record with its first and last line (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[tuple[int, int, list[str]]] = []
    start = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((start, reader.line_num, row))
        start = reader.line_num + 1
    return rows


def _record(header: list[str], row: list[str]) -> dict[str, str]:
    """A row keyed by the header; missing cells are empty (cells beyond it: :func:`_fold_overflow`)."""
    cells = [cell.strip() for cell in row] + [""] * (len(header) - len(row))
    return dict(zip(header, cells[: len(header)], strict=True))


def sniff_csv(text: str) -> float:
    head = text.lstrip("\ufeff \t\n")
    anki = anki_header(head)
    if anki is not None:  # Anki's export says what it is; its rows are notes, whatever the columns
        return 0.85 if head.split("\n", anki.header_lines)[-1].strip() else 0.0
    if head.startswith(("{", "[", "#", "|", "<", "---")):
        return 0.0
    return 0.85 if _table(text, {}, sample_only=True) else 0.0


def read_csv(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    anki = anki_header(text.lstrip("\ufeff"))
    if anki is not None and not (options.get("question") or options.get("answer")):
        exported = _anki_export(text.lstrip("\ufeff"), anki, source)
        if exported is not None:
            return exported
    table = _table(text, options)
    if table is None:
        named = {k: options[k] for k in ("question", "answer") if options.get(k)}
        header = text.lstrip("\ufeff").split("\n", 1)[0][:120]
        raise SourceError(
            f"no header row naming the question and answer columns{f' {named}' if named else ''} "
            f"(first line: {header!r}); name them in the manifest, e.g. options: {{question: Q, answer: A}}",
            file=source, line=1,
        )
    records, lines, notes = table
    result = _result(records, source, options, "csv", lambda record: lines.get(id(record)))
    return replace(result, diagnostics=result.diagnostics + tuple(
        Diagnostic(source, line, message) for line, message in notes))


# --------------------------------------------------------------------------- shared


def _result(tree: Any, source: str, options: Mapping[str, Any], format: str,
            line_of: Callable[[Mapping[str, Any]], int | None]) -> SourceResult:
    found = find_items(tree, source, options, line_of)
    require_items(found, source, options, tree)
    return SourceResult(source, format, tuple(found.items), tuple(found.dropped))


YAML_ADAPTER = Adapter("yaml", "YAML records with question and answer fields", sniff_yaml, read_yaml,
                       too_deep=yaml_too_deep)
JSON_ADAPTER = Adapter("json", "JSON records with question and answer fields", sniff_json, read_json,
                       too_deep=json_too_deep)
CSV_ADAPTER = Adapter("csv", "CSV or TSV table with a header row naming question and answer columns",
                      sniff_csv, read_csv)
