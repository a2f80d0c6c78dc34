"""Every line of a markdown source accounted for: on a card, dropped with a reason, or skipped.

Lines no item spans are reported as :class:`~qa2anki.models.Skipped` regions, named by what
they are in the document's structure, not by their words: front matter, the title, a table of
contents (links into the page, or a list repeating the questions), the heading of a section
over questions, the text before the first question (``intro``) and after the last
(``page-chrome``: a README's contributing and license part, a footer). A heading between
questions that is neither a question nor a section over questions holds text that may have
been meant as a card: it is :class:`~qa2anki.models.Dropped` as ``not-a-question``, so the
user sees it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ...models import Dropped, Skipped
from ...qalabels import asks
from .._text.refs import slug
from .layouts import plain_question
from .outline import LIST_MARKER, THEMATIC_BREAK, Heading, Outline

NOT_A_QUESTION = "not-a-question"
#: A line no structure explains: left out of the regions, so coverage reports it as lost.
LOST = ""


@dataclass(frozen=True)
class Accounted:
    """What the adapter made of the document, in 0-based inclusive line ranges."""

    spans: Sequence[tuple[int, int]]  # items and dropped items, sorted
    question_lines: Sequence[int]  # first lines of every question found, sorted
    navigation: Collection[int]  # links into the page, lists repeating the questions
    title: int | None  # the document's title heading
    asides: Collection[int] = frozenset()  # text after a quoted answer, outside the quote


def unaccounted(source: str, outline: Outline, accounted: Accounted) -> tuple[list[Skipped], list[Dropped]]:
    """The regions no item spans, skipped with a reason, and the headings between questions
    that made no card, dropped as ``not-a-question``."""
    lines = [i for i, text in enumerate(outline.lines) if text.strip() and not _spanned(accounted.spans, i)]
    reasons = {line: _reason(line, outline, accounted) for line in lines}
    sections = _unasked_headings(source, outline, lines, reasons)
    taken = {line for entry in sections for line in _lines_of(entry)}
    dropped = sections + _unanswered_items(source, outline, reasons, taken)
    taken |= {line for entry in dropped for line in _lines_of(entry)}
    kept = [line for line in lines if line not in taken and reasons[line] != LOST]
    return _regions(source, kept, reasons, accounted.spans), dropped


def _spanned(spans: Sequence[tuple[int, int]], line: int) -> bool:
    index = bisect_right(spans, (line, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= line <= spans[index][1]


def _reason(line: int, outline: Outline, accounted: Accounted) -> str:
    questions = accounted.question_lines
    heading = outline.heading_lines.get(line)
    if line in outline.front_matter:
        return "front-matter"
    if line in accounted.navigation or heading is not None and _over_navigation(outline, heading, accounted):
        return "table-of-contents"
    if line == accounted.title:
        return "title"
    if line in accounted.asides:
        return "aside"
    if heading is not None and _over_questions(outline, heading, questions):
        return "section-title"
    if not questions or line < questions[0]:
        return "intro"
    if line > questions[-1]:
        return "page-chrome"
    if heading is not None:
        return NOT_A_QUESTION
    return "intro" if _introduces_section(outline, line, questions) else LOST


def _introduces_section(outline: Outline, line: int, questions: Sequence[int]) -> bool:
    """Text under a section heading, before the section's first question (``## Networking`` /
    ``Questions about the stack below.``); other text between answers is on no card and not
    known to be anything else, so it stays unaccounted for the user to see."""
    above = [h for h in outline.headings if h.line < line]
    if not above:
        return False
    heading = above[-1]
    return _over_questions(outline, heading, questions) and \
        bisect_right(questions, heading.line) == bisect_right(questions, line)


def _over_navigation(outline: Outline, heading: Heading, accounted: Accounted) -> bool:
    """A heading whose section holds only links into the page (and sub-headings): ``## Contents``."""
    scope = range(heading.end, outline.next_heading(heading.line, heading.level))
    text = [i for i in scope if outline.lines[i].strip() and i not in outline.heading_lines
            and not THEMATIC_BREAK.match(outline.lines[i])]
    return bool(text) and all(i in accounted.navigation for i in text)


def _over_questions(outline: Outline, heading: Heading, questions: Sequence[int]) -> bool:
    scope = outline.next_heading(heading.line, heading.level)
    return bisect_left(questions, scope) > bisect_right(questions, heading.line)


def _unasked_headings(source: str, outline: Outline, lines: list[int], reasons: dict[int, str]
                      ) -> list[Dropped]:
    """A heading between questions that asks nothing and holds none, with the text under it."""
    dropped = []
    for line in lines:
        if reasons[line] != NOT_A_QUESTION:
            continue
        heading = outline.heading_lines[line]
        end = _last_unspanned(outline, heading, lines)
        text = plain_question(heading.text)
        dropped.append(Dropped(source, slug(text), line + 1, NOT_A_QUESTION, text, end + 1))
    return dropped


def _unanswered_items(source: str, outline: Outline, reasons: dict[int, str], reported: Collection[int]
                      ) -> list[Dropped]:
    """A list item between answers that asks (``- How is performance measured?``) and has no
    answer: a question the document lists without answering, reported as ``no-answer``; one
    inside a section already dropped as ``not-a-question`` is reported with that section, once."""
    dropped = []
    for line, reason in reasons.items():
        if reason != LOST or line not in outline.item_indents or line in reported:
            continue
        text = plain_question(LIST_MARKER.sub("", outline.lines[line], count=1).strip())
        if asks(text):
            dropped.append(Dropped(source, slug(text), line + 1, "no-answer", text, line + 1))
    return dropped


def _last_unspanned(outline: Outline, heading: Heading, lines: list[int]) -> int:
    """The last unspanned line of the heading's own text (up to the next heading)."""
    stop = outline.next_heading(heading.line)
    index = bisect_left(lines, stop) - 1
    return max(heading.line, lines[index]) if index >= 0 else heading.line


def _regions(source: str, lines: list[int], reasons: dict[int, str],
             spans: Sequence[tuple[int, int]]) -> list[Skipped]:
    """Lines with one reason and no item between them (blank lines aside), as regions."""
    regions: list[Skipped] = []
    for line in lines:
        reason = "intro" if reasons[line] == NOT_A_QUESTION else reasons[line]
        last = regions[-1] if regions else None
        if last and last.reason == reason and not _span_between(spans, last.end_line - 1, line):
            regions[-1] = Skipped(source, last.line, line + 1, reason)
        else:
            regions.append(Skipped(source, line + 1, line + 1, reason))
    return regions


def _span_between(spans: Sequence[tuple[int, int]], after: int, before: int) -> bool:
    index = bisect_right(spans, (after, float("inf")))
    return index < len(spans) and spans[index][0] < before


def _lines_of(entry: Dropped) -> range:
    """The 0-based lines a dropped entry spans (none if it has no line)."""
    if entry.line is None:
        return range(0)
    return range(entry.line - 1, entry.end_line or entry.line)
