"""Multiple-choice records: where a row keeps its options, and which of them its answer names.

Options sit in columns (``a``..``d``, ``A``..``E``, ``option_1``.., ``option1``, ``opt_a``,
``answer1``..) or in one field holding a list or mapping (``choices: [...]``,
``options: {a: …}``, ``answers: [...]`` beside a field naming the correct one). The answer is
a letter, an option's number, the option's text, several of those, or a flag on each option.
Numbers count from 0 or from 1, and the data decides: the way of counting that puts more
answers on an option wins (an answer of 0 counts from 0, one equal to the number of options from
1); failing that the field names decide
(``answer_index`` counts from 0, ``option_1`` from 1), or the source's ``index_base`` option;
otherwise the questions are dropped and the user is told how to say which.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .choices import (
    AMBIGUOUS,
    NO_ANSWER,
    UNKNOWN_OPTION,
    Choice,
    Option,
    by_label,
    by_text,
    letters,
    normal_text,
    resolve,
)

#: ``a``, ``option_1``, ``option1``, ``opt_a``, ``choice_b``, ``answer1``: one option's column.
OPTION_COLUMN = re.compile(
    r"(?P<stem>option|opt|choice|alternative|alt|answer|ans|response)?[\s_.-]*(?P<suffix>[a-h]|\d)"
)
#: Words naming a field that holds every option of a question.
OPTION_LISTS = frozenset({"options", "choices", "alternatives", "variants", "option", "choice"})
#: ``answers: [...]`` is a question's options only beside a field naming the correct one.
ANSWER_LISTS = frozenset({"answers"})
#: Words naming the field that says which option is correct, best first.
CORRECT_WORDS = (("correct", "right"), ("answer", "ans"), ("solution", "key"))
#: Words of a field saying an option (an object in a list) is the correct one.
FLAG_KEYS = ("correct", "is_correct", "iscorrect", "isright", "right", "is_answer", "isanswer")
#: Where an option object keeps its text.
OPTION_TEXT_KEYS = ("text", "option", "label", "value", "answer", "choice", "content", "body")
INDEX_WORDS = frozenset({"index", "idx"})


@dataclass(frozen=True)
class ChoiceFields:
    """Where a collection's records keep their options and their answer."""

    columns: tuple[str, ...] = ()  # lowered option columns, in order
    listed: str = ""  # lowered key of a list or mapping of options
    correct: str = ""  # lowered key naming the correct option(s); "" when none does
    first: int | None = None  # what numbered columns start at (option_1: 1); None for letters

    @property
    def keys(self) -> frozenset[str]:
        return frozenset({*self.columns, self.listed} - {""})


#: How a collection's answers name options: numbers counting from 0 or 1, "text" (numbers that
#: are option texts), "apart" (the correct text is kept apart from the other options), or None.
Numbering = str | int | None
APART = "apart"


def choice_fields(records: Sequence[Mapping[str, Any]], lowered: Sequence[Mapping[str, str]],
                  skip: str, named_answer: str = "") -> ChoiceFields | None:
    """The option fields most of ``records`` fill (``skip`` is the question's field), or None."""
    names = list(dict.fromkeys(key for low in lowered for key in low if key != skip))
    columns, first = _option_columns(records, lowered, names)
    listed = "" if columns else _option_list(records, lowered, names)
    if not columns and not listed:
        return None
    taken = {skip, *columns, listed}
    correct = (named_answer if named_answer and named_answer in names
               else _correct_field(records, lowered, names, taken))
    if listed and _words(listed) & ANSWER_LISTS and not (correct or _flagged(records, lowered, listed)):
        return None  # several answers to an open question, not options to pick from
    return ChoiceFields(tuple(columns), listed, correct, first)


def _words(key: str) -> set[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key)
    return {word for word in re.split(r"[^a-z0-9]+", spaced.lower()) if word}


def _filled(records: Sequence[Mapping[str, Any]], lowered: Sequence[Mapping[str, str]], key: str) -> int:
    return sum(1 for r, low in zip(records, lowered, strict=True) if key in low and _scalar_text(r[low[key]]))


def _option_columns(records: Sequence[Mapping[str, Any]], lowered: Sequence[Mapping[str, str]],
                    names: list[str]) -> tuple[list[str], int | None]:
    """The largest group of columns that count options from ``a``, 0 or 1 (two at least)."""
    groups: dict[str, dict[str, str]] = {}
    for name in names:
        match = OPTION_COLUMN.fullmatch(name)
        if match:
            groups.setdefault(match.group("stem") or "", {})[match.group("suffix")] = name
    best: tuple[list[str], int | None] = ([], None)
    for suffixes in groups.values():
        ordered, first = _counted(suffixes)
        filled = [name for name in ordered if 2 * _filled(records, lowered, name) >= len(records)]
        if len(ordered) >= 2 and len(filled) >= 2 and len(ordered) > len(best[0]):
            best = (ordered, first)
    return best


def _counted(suffixes: Mapping[str, str]) -> tuple[list[str], int | None]:
    """Columns in order when their suffixes count up from ``a``, 0 or 1 without a gap."""
    for start, sequence in (("a", "abcdefgh"), ("0", "0123456789"), ("1", "123456789")):
        run = []
        for suffix in sequence[sequence.index(start):]:
            if suffix not in suffixes:
                break
            run.append(suffixes[suffix])
        if len(run) == len(suffixes):
            return run, None if start == "a" else int(start)
    return [], None


def _option_list(records: Sequence[Mapping[str, Any]], lowered: Sequence[Mapping[str, str]],
                 names: list[str]) -> str:
    for name in names:
        if not _words(name) & (OPTION_LISTS | ANSWER_LISTS):
            continue
        holding = sum(1 for r, low in zip(records, lowered, strict=True)
                      if name in low and len(_raw_options(r[low[name]])) >= 2)
        if 2 * holding >= len(records):
            return name
    return ""


def _correct_field(records: Sequence[Mapping[str, Any]], lowered: Sequence[Mapping[str, str]],
                   names: list[str], taken: set[str]) -> str:
    originals = {name: str(original) for low in lowered for name, original in low.items()}
    for words in CORRECT_WORDS:
        for name in names:
            answered = _answered(records, lowered, name)
            named = _words(originals.get(name, name))  # ``answerKey``: the words of its own case
            if name not in taken and named & set(words) and 2 * answered >= len(records):
                return name
    return ""


def _answered(records: Sequence[Mapping[str, Any]], lowered: Sequence[Mapping[str, str]], key: str) -> int:
    return sum(1 for r, low in zip(records, lowered, strict=True)
               if key in low and isinstance(r[low[key]], (str, int, float, list)))


def _flagged(records: Sequence[Mapping[str, Any]], lowered: Sequence[Mapping[str, str]], key: str) -> bool:
    return any(key in low and any(_flag(option) is not None for option in _raw_options(r[low[key]]))
               for r, low in zip(records, lowered, strict=True))


# --- one record ------------------------------------------------------------------------------------


def options_of(fields: ChoiceFields, record: Mapping[str, Any], low: Mapping[str, str]) -> list[Option]:
    """The record's options, labelled A, B, … (a mapping's own keys label its options)."""
    if fields.columns:
        labels = letters(len(fields.columns))
        return [_option(label, text) for label, column in zip(labels, fields.columns, strict=True)
                if column in low and (text := _scalar_text(record[low[column]]))]
    value = record.get(low.get(fields.listed, fields.listed))
    raw = _raw_options(value)
    columnar = _columnar(value)
    if columnar is not None:
        labels = [label.strip().upper() for label in columnar[0]]
    else:
        labels = [str(key).strip().upper() for key in value] if isinstance(value, dict) else letters(len(raw))
    return [_option(label, text) for label, option in zip(labels, raw, strict=True)
            if (text := _option_text(option))]


def _option(label: str, text: str) -> Option:
    """An option shown as ``B. text``; a record's ``<div>`` is text to show, not a tag (a quiz on
    HTML lists tags as options), unless the text marks its code itself with backticks."""
    shown = text if "`" in text else text.replace("<", "&lt;")
    return Option(label, text, f"{label}. {shown}")


def flagged_choice(fields: ChoiceFields, record: Mapping[str, Any], low: Mapping[str, str]) -> Choice | None:
    """The options an option list marks as correct (``{"text": …, "correct": true}``), if any."""
    if not fields.listed:
        return None
    raw = _raw_options(record.get(low.get(fields.listed, fields.listed)))
    picked = tuple(i for i, option in enumerate(o for o in raw if _option_text(o)) if _flag(option))
    return Choice(picked) if picked else None


def _columnar(value: Any) -> tuple[list[str], list[Any]] | None:
    """Labels and texts of options given as two parallel lists (``{"text": [...], "label": [...]}``,
    as data sets exported from tables keep them), else None."""
    if not isinstance(value, dict):
        return None
    low = {str(key).lower(): key for key in value}
    labels = next((value[low[k]] for k in ("label", "labels") if k in low), None)
    texts = next((value[low[k]] for k in ("text", "texts") if k in low), None)
    if not (isinstance(labels, list) and isinstance(texts, list) and len(labels) == len(texts)):
        return None
    if not all(isinstance(label, (str, int)) and str(label).strip() for label in labels):
        return None
    return [str(label) for label in labels], texts


def _raw_options(value: Any) -> list[Any]:
    if (columnar := _columnar(value)) is not None:
        return columnar[1]
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, str):  # "Paris|Rome|Oslo" or "Paris;Rome;Oslo" in one cell
        separator = "|" if "|" in value else ";"
        parts = [part.strip() for part in value.split(separator)]
        return parts if len(parts) >= 2 else []
    return list(value) if isinstance(value, list) else []


def _option_text(option: Any) -> str:
    if isinstance(option, dict):
        low = {str(key).lower(): key for key in option}
        return next((_scalar_text(option[low[k]]) for k in OPTION_TEXT_KEYS if k in low), "")
    return _scalar_text(option)


def flag_fields(fields: ChoiceFields, record: Mapping[str, Any], low: Mapping[str, str]
                ) -> list[tuple[Mapping[str, Any], Any]]:
    """``(option, key)`` of each flag marking an option right or wrong: read, not shown."""
    if not fields.listed:
        return []
    found: list[tuple[Mapping[str, Any], Any]] = []
    for option in _raw_options(record.get(low.get(fields.listed, fields.listed))):
        if isinstance(option, dict):
            squeezed = {re.sub(r"[^a-z]", "", str(key).lower()): key for key in option}
            found += [(option, squeezed[key]) for key in (k.replace("_", "") for k in FLAG_KEYS)
                      if key in squeezed]
    return found


def _flag(option: Any) -> bool | None:
    if not isinstance(option, dict):
        return None
    low = {re.sub(r"[^a-z]", "", str(key).lower()): key for key in option}
    for key in FLAG_KEYS:
        flag = option.get(low.get(key.replace("_", ""), ""))
        if isinstance(flag, bool):
            return flag
    return None


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


# --- answers -----------------------------------------------------------------------------------


def numbering(answers: Sequence[tuple[Any, Sequence[Option]]], fields: ChoiceFields,
              options: Mapping[str, Any]) -> Numbering:
    """How a collection's answers name its options (see the module's docstring)."""
    if _kept_apart(answers):
        return APART
    numeric = [(number, listed) for value, listed in answers for number in _numbers(value)]
    if not numeric:
        return None
    if all(any(normal_text(o.text) == str(n) for o in listed) for n, listed in numeric):
        return "text"
    stated = options.get("index_base")
    if stated in (0, 1, "0", "1"):
        return int(stated)
    fits = {base: sum(base <= n < len(listed) + base for n, listed in numeric) for base in (0, 1)}
    if fits[0] != fits[1]:  # a 0 somewhere, or the last option's number: the data says
        return 0 if fits[0] > fits[1] else 1
    if _words(fields.correct) & INDEX_WORDS:
        return 0
    return fields.first


def _kept_apart(answers: Sequence[tuple[Any, Sequence[Option]]]) -> bool:
    """``correct_answer: Jupiter`` beside ``choice_1..3`` holding only the wrong ones: every answer
    is a text, none is among its record's options, and some are words, not numbers. A number
    among them (``correct_answer: "150"`` beside ``["200", "100", "155"]``) is then a text kept
    apart too, unless one of its record's options reads the same."""
    texts = [(_scalar_text(value), listed) for value, listed in answers]
    worded = [(text, listed) for text, listed in texts if not _numbers(text)]
    numeric = [(text, listed) for text, listed in texts if _numbers(text)]
    return bool(worded) and all(
        len(text.strip("().")) > 1 and not isinstance(resolve(text, listed), Choice)
        for text, listed in worded) and not any(
        by_text(text, listed) is not None for text, listed in numeric)


def with_answer(value: Any, listed: Sequence[Option]) -> list[Option]:
    """The options with the correct one kept apart put among them, all in alphabetical order (so
    the correct one is not always first), relabelled A, B, …"""
    texts = sorted({_scalar_text(value), *(option.text for option in listed)}, key=_reading_order)
    return [_option(label, text) for label, text in zip(letters(len(texts)), texts, strict=True)]


def _reading_order(text: str) -> list[tuple[int, str]]:
    """An option's place in a sorted list as a reader expects it: entities decoded, numbers by
    value (``55°C`` before ``100°C``, ``343`` before ``2187``)."""
    parts = re.split(r"(\d+)", normal_text(html.unescape(text)))
    return [(int(part), "") if part.isdigit() else (-1, part) for part in parts if part]


def _numbers(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return [int(value)]
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,3}(?:\s*[,;|]\s*\d{1,3})*\s*", value):
        return [int(n) for n in re.findall(r"\d+", value)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return []


def resolve_answer(value: Any, listed: Sequence[Option], counting: Numbering) -> Choice | str:
    """The options a record's answer names, or why it names none."""
    if isinstance(value, list):
        return _union([resolve_answer(v, listed, counting) for v in value])
    if counting == APART:  # the answer's own text, put among the options (a number is a text too)
        index = by_text(_scalar_text(value), listed)
        return Choice((index,)) if index is not None else UNKNOWN_OPTION
    numbers = _numbers(value)
    if numbers:
        return _union([_by_number(n, listed, counting) for n in numbers])
    text = _scalar_text(value)
    if not text:
        return NO_ANSWER
    resolved = resolve(text, listed)
    return _several_texts(text, listed) or resolved if resolved == UNKNOWN_OPTION else resolved


def _several_texts(text: str, listed: Sequence[Option]) -> Choice | None:
    """The options an answer lists by their texts (``Red;Blue``, ``Red, Blue`` for a checkbox
    question), when every part is one option's text; else None."""
    for separator in (";", "|", "\n", ","):
        parts = [part.strip() for part in text.split(separator) if part.strip()]
        if len(parts) < 2:
            continue
        picked = [by_text(part, listed) for part in parts]
        if all(index is not None for index in picked):
            return Choice(tuple(dict.fromkeys(index for index in picked if index is not None)))
    return None


def _by_number(number: int, listed: Sequence[Option], counting: Numbering) -> Choice | str:
    if any(option.label.isdigit() for option in listed):  # a mapping keyed 1, 2, …: its own labels
        index = by_label(str(number), listed)
    elif counting == "text":
        index = by_text(str(number), listed)
    elif counting in (0, 1):
        position = number - int(counting)  # the label keeps its place when a column is left empty
        index = by_label(letters(position + 1)[-1], listed) if position >= 0 else None
    else:
        return AMBIGUOUS
    return Choice((index,)) if index is not None else UNKNOWN_OPTION


def _union(choices: Sequence[Choice | str]) -> Choice | str:
    failed = next((c for c in choices if isinstance(c, str)), None)
    if failed is not None or not choices:
        return failed or NO_ANSWER
    picked = tuple(dict.fromkeys(i for c in choices if isinstance(c, Choice) for i in c.picked))
    return Choice(picked)
