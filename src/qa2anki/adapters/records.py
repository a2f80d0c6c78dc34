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
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..errors import SourceError
from ..models import Diagnostic, Dropped, Item, Skipped, SourceResult
from ..nesting import json_too_deep, yaml_too_deep
from ._text.anki_notes import AnkiNote, NoteType, read_notes, shared_deck_depth
from ._text.card_tables import AnkiHeader, anki_header, column_heads, column_names, headerless_names
from ._text.json_text import Damaged, is_json, load_json, loads, looks_like_payload, salvage_array
from ._text.record_fields import (
    KeyedRecord,
    LineLocator,
    Locator,
    Span,
    choose_keys,
    find_items,
    has_records,
    is_standalone_record,
    require_items,
)
from ._text.regions import skipped_regions
from ._text.yaml_text import load_yaml, parse_yaml, yaml_comments
from .base import Adapter

# --------------------------------------------------------------------------- YAML

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
    tree, _ = load_yaml(text, source)
    result = _result(tree, source, options, "yaml", YamlLocator(text))
    return replace(result, skipped=_with_comments(result.skipped, source, text))


class YamlLocator:
    """Lines of records and fields as the loader marked them."""

    def __init__(self, text: str):
        _, self.lines, self.ends, _ = parse_yaml(text)

    def record(self, record: Mapping[str, Any]) -> tuple[int | None, int | None]:
        key = _line_key(record)
        return self.lines.get(key), self.ends.get(key)

    def field(self, mapping: Mapping[str, Any], key: Any, within: Mapping[str, Any] | None) -> Span | None:
        start, end = self.lines.get((id(mapping), key)), self.ends.get((id(mapping), key))
        return (start, end) if start is not None and end is not None else None


#: A YAML comment line (or a ``%`` directive): text the loader reads as nothing.


def _with_comments(skipped: tuple[Skipped, ...], source: str, text: str) -> tuple[Skipped, ...]:
    """``skipped`` and the file's comment lines."""
    comments = [(index, "comment") for index in yaml_comments(text)]
    return tuple(sorted(skipped + skipped_regions(source, text.split("\n"), comments), key=lambda s: s.line))


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
        salvaged = salvage_array(head)
        if salvaged is not None and has_records(salvaged[0]):
            return 0.9  # an array of records with a damaged one: read, and the damage reported
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
        salvaged = salvage_array(text)
        if salvaged is not None:
            return _with_damaged(_result(salvaged[0], source, options, "json", JsonLocator(text)),
                                 salvaged[1])
        lines = json_lines(text)
        if lines is None:
            raise
        where = {id(record): line for record, line in lines}
        return _result([r for r, _ in lines], source, options, "json",
                       LineLocator(lambda r: where.get(id(r))), one_line=True)
    return _result(tree, source, options, "json", JsonLocator(text))


def _with_damaged(result: SourceResult, damaged: list[Damaged]) -> SourceResult:
    """``result`` with each element of the array that did not parse dropped, and said why."""
    return replace(
        result,
        dropped=result.dropped + tuple(Dropped(result.source, f"line-{d.line}", d.line, "not-valid-json",
                                               "", d.end_line) for d in damaged),
        diagnostics=result.diagnostics + tuple(
            Diagnostic(result.source, d.line, f"{d.message}; this record is left out, the others are read")
            for d in damaged),
    )


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


class JsonLocator:
    """Lines of records and fields in pretty-printed JSON (a one-line file has no lines to tell),
    found by searching the text in document order, the order the walker meets them."""

    def __init__(self, text: str):
        self.text = text
        self.pretty = text.count("\n") >= 2
        self.cursor = 0
        self.decoder = json.JSONDecoder()
        self.spans: dict[int, list[int]] = {}  # id(record) -> [start, end, search cursor] offsets

    def record(self, record: Mapping[str, Any]) -> tuple[int | None, int | None]:
        """The first and last line of a record: its ``{`` (or its key, for an entry keyed by its
        question) through the end of its value."""
        value = next((v for v in record.values() if isinstance(v, str) and v), None)
        if not self.pretty or value is None:
            return None, None
        for encoded in (json.dumps(value, ensure_ascii=False), json.dumps(value)):
            found = self.text.find(encoded, self.cursor)
            if found < 0:
                continue
            keyed = isinstance(record, KeyedRecord)
            start = found if keyed else self._opening(record, found)
            end = self._entry_end(found + len(encoded)) if keyed else self._value_end(start)
            self.cursor = max(found + len(encoded), end if end is not None else 0)
            self.spans[id(record)] = [start, end if end is not None else found + len(encoded), start]
            return self._line(start), self._line(end - 1) if end is not None else None
        return None, None

    def field(self, mapping: Mapping[str, Any], key: Any, within: Mapping[str, Any] | None) -> Span | None:
        """The lines of ``"key": value``: searched inside the record ``within``, or ahead in the
        document for a field of a mapping that holds records."""
        if not self.pretty:
            return None
        bounds = self.spans.get(id(within)) if within is not None else None
        start, stop = (bounds[2], bounds[1]) if bounds else (self.cursor, len(self.text))
        for encoded in dict.fromkeys((json.dumps(str(key), ensure_ascii=False), json.dumps(str(key)))):
            match = re.compile(re.escape(encoded) + r"\s*:\s*").search(self.text, start, stop)
            end = self._value_end(match.end()) if match else None
            if match and end is not None:
                if bounds:
                    bounds[2] = end
                else:
                    self.cursor = end
                return self._line(match.start()), self._line(end - 1)
        return None

    def _opening(self, record: Mapping[str, Any], found: int) -> int:
        """The ``{`` of the object that is ``record``, before its first string value at ``found``."""
        start = self.text.rfind("{", 0, found)
        candidate = start
        for _ in range(MAX_OPENING_TRIES):
            if candidate < 0:
                break
            try:
                if self.decoder.raw_decode(self.text, candidate)[0] == record:
                    return candidate
            except ValueError:
                pass
            candidate = self.text.rfind("{", 0, candidate)
        return start

    def _value_end(self, start: int) -> int | None:
        try:
            return self.decoder.raw_decode(self.text, start)[1]
        except (ValueError, RecursionError):
            return None

    def _entry_end(self, after_key: int) -> int | None:
        colon = re.compile(r"\s*:\s*").match(self.text, after_key)
        return self._value_end(colon.end()) if colon else None

    def _line(self, offset: int) -> int:
        return bisect_right(self._newlines, offset - 1) + 1

    @functools.cached_property
    def _newlines(self) -> list[int]:
        return [match.start() for match in re.finditer("\n", self.text)]


#: How many ``{`` back from a record's first value are tried for its own opening brace.
MAX_OPENING_TRIES = 8


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


@dataclass(frozen=True)
class _CellLocator:
    """A row's lines, and the line of one of its cells: found by its text within the row, when
    that text stands on one line of it (a cell no card shows is then reported as skipped)."""

    starts: dict[int, int]  # record id -> first line
    ends: dict[int, int]  # first line -> last line of the row
    text: list[str]

    def record(self, record: Mapping[str, Any]) -> tuple[int | None, int | None]:
        first = self.starts.get(id(record))
        return first, self.ends.get(first) if first is not None else None

    def field(self, mapping: Mapping[str, Any], key: Any, within: Mapping[str, Any] | None) -> Span | None:
        first, last = self.record(within if within is not None else mapping)
        value = str(mapping.get(key) or "").strip()
        if first is None or not value or "\n" in value:
            return None
        holding = [n for n in range(first, (last or first) + 1) if value in self.text[n - 1]]
        return (holding[0], holding[0]) if len(holding) == 1 else None


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
    text = _uncommented_header(text)
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


#: A header row written as a comment (``#front;back;tags``), as exporters do for Anki, which
#: skips ``#`` lines: field names only, never Anki's ``#key:value`` directives nor a heading.
COMMENTED_HEADER = re.compile(r"#[ \t]?(?P<names>[\w ()/-]{1,40}(?:[;,\t|][\w ()/-]{1,40})+)[ \t]*\r?")


def _uncommented_header(text: str) -> str:
    """``text`` with a commented header row made a plain one (the ``#`` turned into a space)."""
    first, _, rest = text.partition("\n")
    if not COMMENTED_HEADER.fullmatch(first):
        return text
    return " " + first[1:] + ("\n" + rest if rest or text.endswith("\n") else "")


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
    header = column_heads([cell.strip() for cell in rows[0][1]])
    width = len(header)
    body = rows[1:-1] if sample_only and len(rows) > 2 else rows[1:]
    exact = sum(1 for _, row in body if _width(row, width) == width)
    wider = sum(1 for _, row in body if _width(row, width) > width)  # an unquoted delimiter: _fold_overflow
    if exact + wider < 0.8 * len(body) or exact < wider:
        return None
    records = [_record(header, row) for _, row in rows[1:]]
    keys = choose_keys(records, options)
    if not keys:
        return None
    notes = _fold_overflow(header, rows[1:], records, keys.answer, delimiter)
    return records, {id(r): line for r, (line, _) in zip(records, rows[1:], strict=True)}, notes


def _width(row: list[str], width: int) -> int:
    """A row's cells, blank ones beyond the header's ``width`` aside (a sheet's stray column)."""
    filled = len(row)
    while filled > width and not row[filled - 1].strip():
        filled -= 1
    return filled


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
    if head.startswith(("{", "[", "|", "<", "---")) or (
            head.startswith("#") and not COMMENTED_HEADER.fullmatch(head.partition("\n")[0])):
        return 0.0
    return 0.85 if _table(text, {}, sample_only=True) else 0.0


def read_csv(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    anki = anki_header(text.lstrip("\ufeff"))
    if anki is not None and not (options.get("question") or options.get("answer")):
        exported = _anki_export(text.lstrip("\ufeff"), anki, source)
        if exported is not None:  # its "#separator:tab" lines say how to read it: a header
            entries: list[Item | Dropped] = [*exported.items, *exported.dropped]
            starts = [entry.line for entry in entries if entry.line]
            header = skipped_regions(source, text.split("\n"),
                                     ((index, "header") for index in range(min(starts, default=1) - 1)))
            return replace(exported, skipped=header + exported.skipped)
    table = _table(text, options)
    if table is None:
        named = {k: options[k] for k in ("question", "answer") if options.get(k)}
        first_line = text.lstrip("\ufeff").split("\n", 1)[0][:120]
        raise SourceError(
            f"no header row naming the question and answer columns{f' {named}' if named else ''} "
            f"(first line: {first_line!r}); name them in the manifest, "
            "e.g. options: {question: Q, answer: A}",
            file=source, line=1,
        )
    records, lines, notes = table
    text_lines = text.split("\n")
    spans = _row_spans(lines, text_lines)
    result = _result(records, source, options, "csv", _CellLocator(lines, spans, text_lines))
    first = min(lines.values(), default=1)
    header = skipped_regions(source, text_lines, ((index, "header") for index in range(first - 1)))
    return replace(
        result,
        items=tuple(replace(item, end_line=spans.get(item.line or 0)) for item in result.items),
        dropped=tuple(replace(entry, end_line=spans.get(entry.line or 0)) for entry in result.dropped),
        skipped=header + result.skipped,
        diagnostics=result.diagnostics + tuple(Diagnostic(source, line, message) for line, message in notes),
    )


def _row_spans(lines: dict[int, int], text_lines: list[str]) -> dict[int, int]:
    """Each record's first line -> its last: a row runs to the next one (a quoted cell may hold
    line breaks), blank lines after it aside."""
    starts = sorted(set(lines.values()))
    spans = {}
    for start, following in zip(starts, [*starts[1:], len(text_lines) + 1], strict=True):
        end = following - 1
        while end > start and not text_lines[end - 1].strip():
            end -= 1
        spans[start] = end
    return spans


# --------------------------------------------------------------------------- shared


def _result(tree: Any, source: str, options: Mapping[str, Any], format: str, locator: Locator,
            one_line: bool = False) -> SourceResult:
    """The items ``tree`` holds; ``one_line``: each record is the one line it starts on."""
    found = find_items(tree, source, options, locator=locator)
    require_items(found, source, options, tree)
    if one_line:
        found.items = [replace(item, end_line=item.line) for item in found.items]
        found.dropped = [replace(entry, end_line=entry.line) for entry in found.dropped]
    return SourceResult(source, format, tuple(found.items), tuple(found.dropped),
                        tuple(found.diagnostics), skipped=tuple(found.skipped))


YAML_ADAPTER = Adapter("yaml", "YAML records with question and answer fields", sniff_yaml, read_yaml,
                       too_deep=yaml_too_deep)
JSON_ADAPTER = Adapter("json", "JSON records with question and answer fields", sniff_json, read_json,
                       too_deep=json_too_deep)
CSV_ADAPTER = Adapter("csv", "CSV or TSV table with a header row naming question and answer columns",
                      sniff_csv, read_csv)
