"""Multiple-choice questions, whatever the source: which options an answer names, and the card.

A quiz's options belong on the front (the learner must see them to answer) and its back names
the correct option by its label *and* its text, then explains. An answer is a label (``B``,
``(b)``, ``2``), several (``A, C``), or an option's own text. An answer that names no option of
the question is never guessed at: the question is dropped with the reason, since a card whose
back shows the wrong option is worse than no card.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass

NO_ANSWER = "no-answer"
UNKNOWN_OPTION = "unknown-option"
AMBIGUOUS = "ambiguous-answer"

#: One reference to an option: a letter or a number, maybe in parentheses.
_REF = r"\(?(?:[A-Za-z]|\d{1,2})\)?"
#: ``B``, ``(b)``, ``Option D``, ``A, C``, ``A and C``, ``2``, ``B.`` / ``B)`` / ``B:`` then the rest.
REFERENCES = re.compile(
    rf"^(?:options?\s+|choices?\s+)?(?P<refs>{_REF}(?:\s*(?:,|&|/|;|\||\band\b)\s*{_REF})*)"
    r"(?P<sep>[.):]?)(?P<rest>(?:\s.*|[—–,;-].*)?)$",
    re.IGNORECASE | re.DOTALL,
)
_ONE_REF = re.compile(r"[A-Za-z]|\d{1,2}")
#: ``CE``, ``ABD.``: capital letters run together name several options (``Correct Answer: CE``).
_JOINED_LABELS = re.compile(r"(?P<refs>[A-Z]{2,26})\.?")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")
_TRAILING_PUNCTUATION = " .;:,!"
_WRAPPED = re.compile(r"^(\*\*|__|\*|_|`)(.+)\1$", re.DOTALL)
_EMPHASISED_LEAD = re.compile(r"^(\*\*|__|\*|_)([^*_\n]{1,12}?)\1")


@dataclass(frozen=True)
class Option:
    """One choice as the front shows it: its label (``B``, ``2``) and its text (markdown)."""

    label: str
    text: str
    shown: str = ""  # the option as written (label included), for the back; "" -> "B. text"

    @property
    def as_shown(self) -> str:
        return self.shown or f"{self.label}. {self.text}"


@dataclass(frozen=True)
class Choice:
    """What an answer names: the options (indexes, in order) and any text after the reference."""

    picked: tuple[int, ...]
    rest: str = ""


def letters(count: int) -> list[str]:
    """``A``, ``B``, … for ``count`` options (``AA`` … past ``Z``)."""
    alphabet = string.ascii_uppercase
    return [alphabet[i] if i < 26 else alphabet[i // 26 - 1] + alphabet[i % 26] for i in range(count)]


def normal_text(text: str) -> str:
    """An option's text compared loosely: no emphasis or backticks, spacing or case."""
    return " ".join(_EMPHASIS.sub("", text).split()).casefold().strip(_TRAILING_PUNCTUATION)


def by_label(label: str, options: Sequence[Option]) -> int | None:
    """The option labelled ``label`` (case apart); a number names the n-th option when the
    options carry letters."""
    wanted = label.strip("()").upper()
    for index, option in enumerate(options):
        if option.label.upper() == wanted:
            return index
    if wanted.isdigit() and not any(option.label.isdigit() for option in options):
        position = int(wanted) - 1
        return position if 0 <= position < len(options) else None
    return None


def by_text(text: str, options: Sequence[Option]) -> int | None:
    """The one option whose text is ``text`` (loosely compared), else None."""
    wanted = normal_text(text)
    found = [i for i, option in enumerate(options) if wanted and normal_text(option.text) == wanted]
    return found[0] if len(found) == 1 else None


def resolve(value: str, options: Sequence[Option]) -> Choice | str:
    """The options ``value`` names, or why it names none (:data:`UNKNOWN_OPTION`,
    :data:`AMBIGUOUS`). References are tried first, then the options' texts."""
    value = _unwrapped(value)
    if not value:
        return NO_ANSWER
    textual = by_text(value, options)
    joined = _joined_labels(value, options)
    if joined is not None:
        return AMBIGUOUS if textual is not None else Choice(joined)  # "AC": A and C, or "AC"?
    references = _references(value)
    if references is None:
        return Choice((textual,)) if textual is not None else UNKNOWN_OPTION
    labels, rest = references
    picked = [by_label(label, options) for label in labels]
    if any(index is None for index in picked):
        return Choice((textual,)) if textual is not None else UNKNOWN_OPTION
    chosen = tuple(dict.fromkeys(index for index in picked if index is not None))
    if _names_another(rest, chosen, options):
        return UNKNOWN_OPTION  # "B) Paris" where B reads "Rome": label and text disagree
    if textual is not None and not rest and (textual,) != chosen and value.isdigit():
        return AMBIGUOUS  # "2" among options 1, 2, 4, 8: the second, or the one reading "2"?
    return Choice(chosen, _rest_beyond(rest, [options[i] for i in chosen]))


def opens_with_reference(value: str) -> bool:
    """Whether ``value`` opens by naming options (``B``, ``**C** — because …``, ``A, D``), not
    with words."""
    value = _unwrapped(value)
    return _joined_labels_match(value) or _references(value) is not None


def _joined_labels_match(value: str) -> bool:
    return bool(_JOINED_LABELS.fullmatch(value))


def _unwrapped(value: str) -> str:
    """``**B.**`` -> ``B.``; ``**B.** text`` -> ``B. text``; ``` `B` ``` -> ``B``."""
    value = value.strip()
    while wrapped := _WRAPPED.match(value):
        value = wrapped.group(2).strip()
    return _EMPHASISED_LEAD.sub(r"\2", value)


def _joined_labels(value: str, options: Sequence[Option]) -> tuple[int, ...] | None:
    """The options named by letters run together (``CE``), in order and each an option's label;
    None when ``value`` is no such run (``DC``, ``AWS``, ``AE`` among four options)."""
    match = _JOINED_LABELS.fullmatch(value)
    if not match:
        return None
    refs = match.group("refs")
    if list(refs) != sorted(set(refs)):
        return None
    picked = [by_label(letter, options) for letter in refs]
    return None if None in picked else tuple(index for index in picked if index is not None)


def _references(value: str) -> tuple[list[str], str] | None:
    """The labels ``value`` opens with and the text after them, or None when it opens with words.

    ``A closure is …`` is no reference to option A: a lone letter followed by a lower-case
    word (other than ``and``/``or``) starts a sentence.
    """
    match = REFERENCES.match(value)
    if not match:
        return None
    refs = _ONE_REF.findall(re.sub(r"\band\b", " ", match.group("refs"), flags=re.IGNORECASE))  # not a, n, d
    rest = match.group("rest")
    if len(refs) == 1 and not match.group("sep") and re.match(r"\s+(?!(?:and|or)\b)[a-z]", rest):
        return None
    if "(" in match.group("refs") and ")" not in match.group("refs"):
        return None
    return refs, rest.strip()


def _names_another(rest: str, chosen: Sequence[int], options: Sequence[Option]) -> bool:
    text = normal_text(rest.lstrip("—–-:,; "))
    return bool(text) and any(normal_text(option.text) == text
                              for index, option in enumerate(options) if index not in chosen)


def _rest_beyond(rest: str, chosen: Sequence[Option]) -> str:
    """What an answer says after its reference, unless that only repeats the option's text."""
    text = rest.lstrip("—–-:,; ").strip()
    if not text or any(normal_text(text) == normal_text(option.text) for option in chosen):
        return ""
    return text


def back(options: Sequence[Option], choice: Choice, explanation: str = "") -> str:
    """The back of a quiz card: the correct option(s) as shown, then what the answer says."""
    parts = [options[index].as_shown for index in choice.picked]
    parts += [text for text in (choice.rest, explanation.strip()) if text]
    return "\n\n".join(parts)


def option_list(options: Sequence[Option]) -> str:
    """Options as a markdown list for the front: ``- A. text`` (continuation lines indented)."""
    lines = []
    for option in options:
        first, *more = option.as_shown.split("\n")
        lines.append(f"- {first}")
        lines.extend(f"  {line}" if line.strip() else "" for line in more)
    return "\n".join(lines)
