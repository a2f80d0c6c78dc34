"""Text extracted from a PDF (pdftotext, a viewer's copy): its page chrome and its broken words.

Every page of a PDF repeats a running header and footer ("Interview Guide 2024", "Page 3 of 12",
a bare page number); extracted as text they land in the middle of answers. They are found by the
page structure alone, never by their words:

- with form feeds (``\\f``, pdftotext's page breaks), a line is chrome when the same line (digits
  aside) opens or closes half the pages or more, two pages at least;
- without them, a *page counter* is a short line recurring three times or more, far apart, whose
  number goes up by one from page to page ("Page 3 of 12", "- 7 -", "7"); a line that recurs
  as often beside the counters, the same each time, is the header or footer that comes with it.

:func:`page_view` gives the lines an adapter reads without that chrome, with the map back to the
source's line numbers. It also marks the words a line end broke with a hyphen (``inter-`` /
``face``): the hyphen becomes a soft hyphen, which :func:`unwrap` removes when it joins the wrapped
lines. The rule is conservative about real hyphens: a split is joined unless the document writes
the hyphenated word on one line elsewhere (``read-only``), and a hyphen before a capital, a digit
or code is always kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

from .codetext import code_language
from .models import SourceResult

FORM_FEED = "\f"
SOFT_HYPHEN = "\u00ad"
#: Lines of a page's top and bottom searched for chrome, when form feeds mark the pages.
EDGE_LINES = 2
#: Fewest lines between two page counters: closer than that they are a list, not pages.
MIN_PAGE_LINES = 8
#: Most words a header, footer or page counter has.
CHROME_WORDS = 10
#: Fewest pages a counter is seen on without form feeds.
MIN_PAGES = 3
#: Most non-blank lines between a page counter and the header or footer beside it.
COMPANION_REACH = 3
_DIGITS = re.compile(r"\d+")
#: A word broken at a line end: letters, then the hyphen.
_BROKEN_END = re.compile(r"(?<![\w-])(?P<head>[^\W\d_]{2,})-$")
#: A line ending inside a hyphenated word (``e-`` / ``mail``): it goes on without a space.
_HYPHEN_END = re.compile(r"(?<![\w-])[^\W\d_]+-$")
_BROKEN_START = re.compile(r"(?P<tail>[^\W\d_]+)")
#: A line of code: indented like a code block, or ending like a statement or a block.
_CODE_MARKS = re.compile(r"^(?: {4}|\t)|[;{}]\s*$")


@dataclass(frozen=True)
class PageView:
    """The lines to read (chrome out, broken words marked) and where each came from."""

    lines: tuple[str, ...]
    origin: tuple[int, ...]  # 0-based source line of each view line
    chrome: tuple[int, ...]  # 0-based source lines of the page chrome
    paged: bool = False  # laid out in pages: running headers, footers or page numbers found

    def source_line(self, line: int | None) -> int | None:
        """The 1-based source line of 1-based view line ``line``."""
        if line is None or not self.origin:
            return line
        return self.origin[min(max(line, 1), len(self.origin)) - 1] + 1


def page_view(lines: list[str], numbering: Collection[int] = (), controls: Collection[int] = ()) -> PageView:
    """``lines`` without their page chrome and the blank margins around it; a page break inside
    a sentence joins its two halves, one between paragraphs leaves a blank line. ``numbering``:
    the lines that number the document's own questions ("Q7."), which count up like pages do;
    ``controls``: lines of a site's own controls ("Listen", "Top highlight"), left out too."""
    paged = chrome_lines(lines, numbering)
    chrome = paged | set(controls)
    if not chrome and not any(FORM_FEED in line for line in lines):
        return PageView(tuple(mark_broken_words(lines)), tuple(range(len(lines))), ())
    kept: list[int] = []
    index = 0
    while index < len(lines):
        if index not in chrome:
            kept.append(index)
            index += 1
            continue
        end = index  # the chrome with the blank margins around it
        while end < len(lines) and (end in chrome or not _text(lines[end])):
            end += 1
        margin = [index]
        while kept and not _text(lines[kept[-1]]):
            margin.append(kept.pop())
        if kept and end < len(lines) and not _sentence_goes_on(lines[kept[-1]]):
            kept.append(min(margin))  # a blank line between the paragraphs
        index = end
    view = [lines[i].replace(FORM_FEED, "") if i not in chrome else "" for i in kept]
    return PageView(tuple(mark_broken_words(view)), tuple(kept), tuple(sorted(chrome)), bool(paged))


def _text(line: str) -> str:
    return line.replace(FORM_FEED, "").strip()


def _sentence_goes_on(line: str) -> bool:
    """A page ended inside a sentence: no end mark, or a word broken with a hyphen."""
    return not re.search(r"[.!?:;。！？：]['\")\]]*$", line.rstrip())


def chrome_lines(lines: list[str], numbering: Collection[int] = ()) -> set[int]:
    """The 0-based indices of the running headers, footers and page numbers of ``lines``; none
    of ``numbering`` (see :func:`page_view`)."""
    if any(FORM_FEED in line for line in lines):
        return _edge_chrome(lines) - set(numbering)
    counters = _page_counters(lines, set(numbering))
    return counters | _companions(lines, counters) if counters else set()


def _key(line: str) -> str:
    """A line as pages repeat it: digits aside, spacing aside."""
    return " ".join(_DIGITS.sub("#", _text(line)).split())


def _chrome_shaped(line: str) -> bool:
    text = _text(line)
    return bool(text) and len(text.split()) <= CHROME_WORDS and len(text) <= 80


def _edge_chrome(lines: list[str]) -> set[int]:
    """Lines at the top or bottom of half the pages or more (two at least), the same each time."""
    pages: list[list[int]] = [[]]
    for index, line in enumerate(lines):
        if FORM_FEED in line and pages[-1]:
            pages.append([])
        if _text(line):
            pages[-1].append(index)
    pages = [page for page in pages if page]
    places: dict[str, set[int]] = defaultdict(set)
    seen_on: dict[str, set[int]] = defaultdict(set)
    for number, page in enumerate(pages):
        for index in {*page[:EDGE_LINES], *page[-EDGE_LINES:]}:
            if _chrome_shaped(lines[index]):
                places[_key(lines[index])].add(index)
                seen_on[_key(lines[index])].add(number)
    needed = max(2, (len(pages) + 1) // 2)
    return {index for key, found in places.items() if len(seen_on[key]) >= needed
            and _repeated(lines, sorted(found)) for index in found}


def _repeated(lines: list[str], places: list[int]) -> bool:
    """The same line each time, or one whose number counts the pages."""
    texts = [_text(lines[index]) for index in places]
    return len(set(texts)) == 1 or _counts_pages([_DIGITS.findall(text) for text in texts])


def _page_counters(lines: list[str], numbering: set[int]) -> set[int]:
    """Short lines recurring far apart whose number goes up one page at a time."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        if index not in numbering and _chrome_shaped(line) and "#" in _key(line) and line == line.lstrip():
            by_key[_key(line)].append(index)
    found: set[int] = set()
    for places in by_key.values():
        if len(places) >= MIN_PAGES and _far_apart(places) and _counts_pages(
                [_DIGITS.findall(_text(lines[i])) for i in places]):
            found.update(places)
    return found


def _far_apart(places: list[int]) -> bool:
    return all(b - a >= MIN_PAGE_LINES for a, b in zip(places, places[1:], strict=False))


def _counts_pages(numbers: list[list[str]]) -> bool:
    """One number of the line goes up from each page to the next, by one at most steps."""
    for position in range(len(numbers[0])):
        values = [int(found[position]) for found in numbers]
        steps = [b - a for a, b in zip(values, values[1:], strict=False)]
        if all(step >= 1 for step in steps) and sum(step == 1 for step in steps) * 2 > len(steps):
            return True
    return False


def _companions(lines: list[str], counters: set[int]) -> set[int]:
    """Lines repeated word for word beside the page counters: the header or footer with them."""
    near: dict[str, list[int]] = defaultdict(list)
    for counter in counters:
        for index in _neighbours(lines, counter):
            if index not in counters and _chrome_shaped(lines[index]):
                near[_text(lines[index])].append(index)
    found: set[int] = set()
    for text, places in near.items():
        if len(set(places)) * 2 >= len(counters) and len(set(places)) >= 2:
            found.update(i for i, line in enumerate(lines) if _text(line) == text)
    return found


def _neighbours(lines: list[str], index: int) -> list[int]:
    """The non-blank lines within reach above and below line ``index``."""
    out: list[int] = []
    for step in (-1, 1):
        cursor, count = index + step, 0
        while 0 <= cursor < len(lines) and count < COMPANION_REACH:
            if _text(lines[cursor]):
                out.append(cursor)
                count += 1
            cursor += step
    return out


#: Most characters of a line's end searched for a broken word (a line may be one huge token).
WORD_TAIL = 64
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
_PUNCTUATION = "\"'“”‘’()[]{}<>.,;:!?…"


def _broken_end(line: str) -> re.Match[str] | None:
    text = line.rstrip()
    return _BROKEN_END.search(text[-WORD_TAIL:]) if text.endswith("-") else None


def _hyphenated_words(lines: list[str]) -> set[str]:
    """The hyphenated words the document writes on one line ("read-only"), case-folded."""
    tokens = (token for line in lines if "-" in line for token in line.split() if "-" in token)
    words = (token.strip(_PUNCTUATION) for token in tokens)
    return {word.casefold() for word in words if _HYPHENATED.fullmatch(word)}


def mark_broken_words(lines: list[str]) -> list[str]:
    """Lines whose last word a line end broke with a hyphen get a soft hyphen there instead,
    unless the document writes that hyphenated word on one line elsewhere."""
    written = _hyphenated_words(lines)
    out = list(lines)
    for index in range(len(lines) - 1):
        head = _broken_end(lines[index])
        following = lines[index + 1].strip()
        tail = _BROKEN_START.match(following)
        if not head or not tail or not following[0].islower():
            continue
        if any(_CODE_MARKS.search(line) or code_language(line) for line in lines[index:index + 2]):
            continue  # code keeps what its author wrote
        if f"{head.group('head')}-{tail.group('tail')}".casefold() in written:
            continue  # "read-only" is hyphenated on purpose
        out[index] = lines[index].rstrip()[:-1] + SOFT_HYPHEN
    return out


def unwrap(parts: list[str]) -> str:
    """Hard-wrapped lines as one line: a word broken at a line end is whole again, a hyphenated
    word split at its hyphen keeps the hyphen."""
    text = ""
    for part in parts:
        if not text:
            text = part
        elif text.endswith(SOFT_HYPHEN):
            text = text[:-1] + part
        elif text.endswith("-") and _HYPHEN_END.search(text[-WORD_TAIL:]) and part[:1].islower():
            text += part
        else:
            text += " " + part
    return text.replace(SOFT_HYPHEN, "-")


def restore_lines(result: SourceResult, view: PageView, source_lines: list[str]) -> SourceResult:
    """``result`` read from ``view.lines``, with its line numbers those of the source, and the
    page chrome reported as skipped."""
    from .adapters._text.regions import skipped_regions  # the adapters' package imports this module

    at = view.source_line
    items = tuple(replace(item, line=at(item.line), end_line=at(item.end_line)) for item in result.items)
    dropped = tuple(replace(entry, line=at(entry.line), end_line=at(entry.end_line))
                    for entry in result.dropped)
    diagnostics = tuple(replace(note, line=at(note.line), message=_source_line_numbers(note.message, at))
                        for note in result.diagnostics)
    skipped = tuple(replace(region, line=at(region.line) or region.line,
                            end_line=at(region.end_line) or region.end_line) for region in result.skipped)
    chrome = skipped_regions(result.source, source_lines, [(index, "page-chrome") for index in view.chrome])
    return replace(result, items=items, dropped=dropped, diagnostics=diagnostics,
                   skipped=tuple(sorted((*skipped, *chrome), key=lambda region: region.line)))



#: "line 7", "lines 7-9" in a message: the line numbers the adapter wrote, of the lines it read.
_LINES_MENTIONED = re.compile(r"\b(?P<word>lines?) (?P<first>\d+)(?:-(?P<last>\d+))?\b")


def _source_line_numbers(message: str, at: Callable[[int | None], int | None]) -> str:
    """``message`` with the line numbers it mentions those of the source."""
    def source(match: re.Match[str]) -> str:
        first = at(int(match.group("first")))
        if match.group("last") is None:
            return f"{match.group('word')} {first}"
        return f"{match.group('word')} {first}-{at(int(match.group('last')))}"
    return _LINES_MENTIONED.sub(source, message)
