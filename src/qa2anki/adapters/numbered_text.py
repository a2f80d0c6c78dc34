"""Numbered Q&A copied from a web page as plain text.

Each question starts with a numbering line (``Q1.``, ``Q1:``, ``Question 1``, ``1.``), the question
on that line or the next, an optional level line (Junior/Mid/Senior, Easy/Medium/Hard,
Beginner/Intermediate/Advanced), then the answer: paragraphs, ``•`` bullets nested by
indentation, and code samples under a line naming their language. The page copy flattens a code
sample onto one line; such samples are fenced and marked for the repair stage. Filler answers
(lorem ipsum) are dropped as ``placeholder``; the page intro and a trailing footer are not items
and are reported as ``info`` diagnostics.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..codetext import (
    LANGUAGE_NAMES,
    code_language,
    guess_language,
    language_label,
    looks_flattened,
    looks_like_prose,
    lost_python_indentation,
    plain_fence,
)
from ..levels import LEVEL_WORD, level_pattern
from ..models import (
    DEDENTED,
    FLATTENED,
    PLAIN_TEXT,
    Diagnostic,
    Dropped,
    Item,
    Skipped,
    SourceResult,
    damaged_fence,
)
from ..pagechrome import PageView, page_view, restore_lines, unwrap
from ..qalabels import ANSWER_LABEL_WORDS, QUESTION_LABEL_WORDS, QUESTION_WORDS, asks
from ._text.codebox import NOTE, CodeBox, box_end, code_box
from ._text.page_lines import (
    dedented_page_lines,
    ends_sentence,
    escape_markdown,
    is_furniture,
    is_hashtag_line,
    is_placeholder,
    is_site_control,
    line_range,
    starts_sentence,
)
from ._text.refs import RefAllocator
from .base import Adapter

#: ``Q7.``, ``Question 7:``, ``Question 7 :`` (French spacing), a thread's ``7/`` and ``7/12``,
#: ``Вопрос 7:``, ``问题7：``, ``第7题``, ``7.``, ``７．``, ``7、``, ``7 -``, ``۷-``; the question
#: after a space, or directly when it is in a script other than ASCII (``7、什么是闭包？``).
MARKER = re.compile(
    rf"(?:(?P<prefix>(?:{QUESTION_LABEL_WORDS}|q)\.?|#(?=\d)|第)\s*(?:no\.?\s*|#\s*)?(?P<qnum>\d{{1,4}})"
    r"(?P<qsep>[.:)：．、]|\s*[-–—:]|(?<=第\d)[题題问問道]|(?<=第\d\d)[题題问問道])?"
    r"|(?P<num>\d{1,4})(?P<sep>[.:)：．、]|[ \t]?[-–](?=[ \t])|/(?=\d{0,3}(?:[ \t]|$)))(?:(?<=/)\d{1,3})?)"
    # matched on a right-stripped line; after a full-width separator any text may follow at once
    r"(?:\s+(?P<rest>\S.*)|(?P<tight>[^\x00-\x7f\d０-９\s].*|(?<=[、．：])[^\d０-９\s].*))?",
    re.IGNORECASE,
)
LEVEL = level_pattern(r"(?:level|difficulty|seniority)\s*[:\-–]\s*")
#: A level stated after the question on its line: ``[Easy]``, ``(Level: Hard)``, ``- Senior``.
QUESTION_LEVEL = re.compile(
    rf"(?:[\[(]\s*(?:(?:level|difficulty)\s*:?\s*)?(?P<bracketed>{LEVEL_WORD})\s*[\])]"
    rf"|\s[-–—|]\s*(?P<dashed>{LEVEL_WORD}))\s*$",
    re.IGNORECASE,
)
#: ``Answer:``, ``A.``, ``Ответ:``, ``Respuesta:``, ``R:``, ``答：`` (labels of every language: qalabels).
ANSWER_LABEL = re.compile(
    rf"\s*(?:(?:answer|ans|a|r|solution|explanation|{ANSWER_LABEL_WORDS})\s*(?:[:.)\-–](?:\s+|$)|：\s*)"
    rf"|(?:answer|solution|{ANSWER_LABEL_WORDS})\s*$)", re.IGNORECASE
)
#: A bullet: ``•``, ``◦``, ``-``…; the Symbol and Wingdings glyphs a PDF's text keeps (``\uf0b7``,
#: ``\uf0a7``); Word's second-level ``o`` when a tab or a run of spaces follows it.
BULLET = re.compile(
    r"(?P<indent>[ \t]*)(?P<glyph>[•◦▪▫‣●○■□∙·*–\uf0a7\uf0a8\uf0b7\uf076\uf0d8\uf0fc-](?=[ \t])|o(?=\t| {2}))"
    r"[ \t]+(?P<text>\S.*)"
)
#: A line indented like a code block (four spaces or a tab), outside a list and a paragraph.
INDENTED_CODE = re.compile(r"(?: {4}|\t)\s*\S")
ORDERED = re.compile(r"(?P<indent>[ \t]*)(?P<number>\d{1,3})[.)][ \t]+(?P<text>\S.*)")


@dataclass(frozen=True)
class Marker:
    index: int  # 0-based line index
    number: int
    style: tuple[str, str]  # (prefix, separator): every question of a page is numbered alike
    rest: str  # the question when it shares the numbering line


@dataclass(frozen=True)
class Block:
    marker: Marker
    question: str
    level: str
    answer_start: int  # 0-based index of the first answer line
    answer_lines: tuple[str, ...]
    section: str = ""  # the page section heading the question stands under
    facts: tuple[tuple[str, str], ...] = ()  # topic, tags stated on a line under the question


#: Full-width and CJK separators number alike with their ASCII forms (``7、`` among ``8.``).
_SAME_SEPARATOR = {"．": ".", "、": ".", "：": ":", "）": ")"}


def find_markers(lines: list[str]) -> list[Marker]:
    """Every line that could start a question, unindented: ``Q7.``, ``Question 7:``, ``7.``."""
    markers = []
    for index, line in enumerate(lines):
        match = MARKER.fullmatch(line.rstrip())
        if not match:
            continue
        rest = match.group("rest") or match.group("tight") or ""
        if rest.startswith("["):
            continue
        prefix = (match.group("prefix") or "").lower()
        separator = _SAME_SEPARATOR.get(sep := (match.group("qsep") or match.group("sep") or "").strip(), sep)
        number = int(match.group("qnum") or match.group("num"))
        markers.append(Marker(index, number, (prefix, separator), rest))
    return markers


def question_markers(lines: list[str]) -> list[Marker]:
    """The markers that number this page's questions: the dominant style, in sequence when bare."""
    candidates = find_markers(lines)
    by_style: dict[tuple[str, str], list[Marker]] = {}
    for marker in candidates:
        by_style.setdefault(marker.style, []).append(marker)
    if not by_style:
        return []
    style = max(by_style, key=lambda key: len(by_style[key]) * (2 if key[0] else 1))
    if style[0]:
        return by_style[style]
    accepted = numbered_sequence(lines, by_style[style])
    return accepted if len(accepted) >= 2 else []


#: A run of markers so far: (score, index of its last marker among the question-like ones).
Chain = tuple[float, int]


def numbered_sequence(lines: list[str], markers: list[Marker]) -> list[Marker]:
    """The best-supported run of question markers numbered 1, 2, 3… among bare ``N.`` lines.

    An answer's own numbered list ("1. What happens…? 2. What is late binding?") also looks like
    questions, so markers are not taken greedily: of all runs where each marker is the one before
    plus one (or a 1 under a section heading: numbering restarts per section), the one with the
    most weight wins; a marker weighs more after a blank line and when it asks with ``?``.
    A marker that does not ask ("2. 解释一下事件循环", "5. Назовите…") weighs little: it bridges
    asking ones or continues them, but never starts the run, nor ends it as page furniture
    ("9. Conclusion").
    """
    asking = {m.index for m in markers if _asks_question(m.rest or _next_text(lines, m.index))}
    asked = [m for m in markers if m.index in asking or _after_blank(lines, m.index)]
    parents: list[int | None] = []
    scores: list[float] = []
    best_by_number: dict[int, Chain] = {}
    best: Chain | None = None
    for position, marker in enumerate(asked):
        weight = _marker_weight(lines, marker) if marker.index in asking else BRIDGE_WEIGHT
        options: list[tuple[float, int | None]] = [(weight, None)]
        if (previous := best_by_number.get(marker.number - 1)) is not None:
            options.append((previous[0] + weight, previous[1]))
        if best is not None and marker.number == 1 and section_heading(lines, marker.index) is not None \
                and asks(marker.rest or _next_text(lines, marker.index)):
            options.append((best[0] + weight, best[1]))
        score, parent = max(options, key=lambda option: option[0])
        scores.append(score)
        parents.append(parent)
        if marker.number not in best_by_number or score > best_by_number[marker.number][0]:
            best_by_number[marker.number] = (score, position)
        if best is None or score > best[0]:
            best = (score, position)
    chain: list[Marker] = []
    cursor = best[1] if best is not None else None
    while cursor is not None:
        chain.append(asked[cursor])
        cursor = parents[cursor]
    chain.reverse()
    while chain and chain[0].index not in asking:
        chain.pop(0)  # "1. Introduction" before the questions
    while chain and chain[-1].index not in asking and is_furniture(
            chain[-1].rest or _next_text(lines, chain[-1].index)):
        chain.pop()  # "9. Conclusion" after them
    return chain


#: What a numbered line that does not ask weighs in a run of questions: enough to bridge two
#: asking ones, too little for an answer's own numbered list to outweigh the questions.
BRIDGE_WEIGHT = 0.1


def _after_blank(lines: list[str], index: int) -> bool:
    return index == 0 or not lines[index - 1].strip()


def _asks_question(text: str) -> bool:
    return asks(text) or bool(QUESTION_WORDS.match(text))


def _marker_weight(lines: list[str], marker: Marker) -> float:
    """A question's marker usually follows a blank line and asks with ``?``; a list item less so."""
    after_blank = marker.index == 0 or not lines[marker.index - 1].strip()
    question_mark = asks(marker.rest or _next_text(lines, marker.index))
    return 1.0 + 0.5 * after_blank + 0.25 * question_mark


def _next_text(lines: list[str], index: int) -> str:
    for line in lines[index + 1: index + 4]:
        if line.strip():
            return line.strip()
    return ""


#: The most words a section heading between questions has ("Advanced Python Interview Questions").
HEADING_WORDS = 10


def section_heading(lines: list[str], end: int) -> int | None:
    """The index of a section heading right above line ``end``: the last non-blank line, standing
    alone between blank lines, short, and neither a sentence, a list item, code nor a label."""
    index = end - 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    if index < 0 or index == end - 1 or (index > 0 and lines[index - 1].strip()):
        return None
    text = section_name(lines[index])  # "🔹 Decorators" is headed "Decorators"
    if (not text or len(text.split()) > HEADING_WORDS or not lines[index].rstrip().endswith(text)
            or lines[index][:1].isspace() or ends_sentence(text)
            or text.endswith((",", ";")) or BULLET.fullmatch(text) or code_language(text)
            or text.lower() in LANGUAGE_NAMES or is_furniture(text) or is_placeholder(text)
            or not _capitalised(text) or re.search(r"[=(){}\[\];<>]", text)):
        return None
    return index


def section_name(line: str) -> str:
    """A heading line without the symbols decorating its start (``🔹``, ``■``, ``—``)."""
    text = line.strip()
    start = next((i for i, char in enumerate(text) if char.isalnum()), len(text))
    return text[start:] if not any(char.isdigit() for char in text[:start]) else text


def _capitalised(text: str) -> bool:
    """Starts with a capital, or is written in a script without case (``基础``, ``js简答题``):
    such headings have no capital to show."""
    return text[0].isupper() or any(char.isalpha() and char.lower() == char.upper() for char in text)


def split_block(lines: list[str], marker: Marker, end: int) -> Block:
    """The question, level and answer lines of the block from ``marker`` to line ``end``."""
    position = marker.index + 1
    question = marker.rest.strip()
    if question and not ends_sentence(question):  # a long question wrapped onto the next line(s)
        following = [line.strip() for line in lines[position:min(position + 2, end)]]
        for count in range(1, len(following) + 1):
            if not following[count - 1]:
                break
            if asks(following[count - 1]):
                question = unwrap([question, *following[:count]])
                position += count
                break
    if not question:
        parts: list[str] = []
        while position < end and not lines[position].strip():
            position += 1
        while position < end and lines[position].strip() and not LEVEL.fullmatch(lines[position].strip()):
            if parts and (ends_sentence(parts[-1]) or starts_sentence(lines[position])):
                break  # the question ended; an answer follows without a blank line
            parts.append(lines[position].strip())
            position += 1
        question = unwrap(parts)
    level = ""
    question = question.rstrip()  # no whitespace run for the level search to rescan
    if tail := QUESTION_LEVEL.search(question):  # "What is X? [Easy]", "What is X? - Senior"
        question, level = question[: tail.start()].rstrip(), tail.group("bracketed") or tail.group("dashed")
    probe = position
    while probe < end and not lines[probe].strip():
        probe += 1
    facts: dict[str, str] = {}
    if probe < end and (match := LEVEL.fullmatch(lines[probe].strip())):
        level, position = match.group("level"), probe + 1
    elif probe < end and (facts := facts_line(lines[probe])):  # "Difficulty: Hard | Topic: Hooks"
        level, position = facts.pop("level", level), probe + 1
    answer = list(lines[position:end])
    first = _next_nonblank(answer, 0)
    if first is not None and (label := ANSWER_LABEL.match(answer[first])):
        answer[first] = answer[first][label.end():]  # "Answer: X is..." -> "X is..."
    else:  # the label below the question's own code sample ("What does this print?")
        answer = [line for line in answer if not ANSWER_LABEL.fullmatch(line.strip())] \
            if sum(1 for line in answer if ANSWER_LABEL.fullmatch(line.strip())) == 1 else answer
    return Block(marker, question, level, position, tuple(answer), facts=tuple(facts.items()))


def trailing_furniture(lines: list[str]) -> int:
    """Where page furniture starts at the end of ``lines`` (``len(lines)`` when there is none).

    Furniture starts at the first navigation/footer/sign-off line ("Related posts", "Share this",
    "Thanks for reading", "© 2026") after which the page holds only furniture and short
    unindented lines (link titles, share buttons): no bullets, code or paragraph-long text, so
    real answer text is never taken.
    """
    cut = len(lines)
    for index in range(len(lines) - 1, -1, -1):  # from the end, while only footer lines follow
        if is_furniture(lines[index]):
            cut = index
        elif not _footer_line(lines[index]):
            break
    return cut


#: Fewest signs that the page's footer has begun: footer lines ("Written by", "Responses (3)")
#: or lines of the page's header repeated (the author, "Follow", the claps and response counts).
FOOTER_SIGNS = 2
#: Most words of a header line a footer repeats (an author, a counter, a button).
HEADER_LINE_WORDS = 6
#: Most words of a tag a blog lists under the article ("Frontend Development").
TAG_WORDS = 3


def page_header(lines: list[str], first_question: int) -> set[str]:
    """The short lines of the page above its first question: byline, counters, buttons."""
    return {line.strip() for line in lines[:first_question]
            if line.strip() and len(line.split()) <= HEADER_LINE_WORDS}


def page_footer(answer: list[str], header: set[str]) -> int:
    """Where a blog's footer starts in the last answer (``len(answer)`` when it has none): at the
    first of two or more signs (a footer line, a header line repeated), with the article's tags
    stacked right above it; answer text must come before it."""
    signs = [offset for offset, line in enumerate(answer) if is_furniture(line) or line.strip() in header]
    if len(signs) < FOOTER_SIGNS or not any(line.strip() for line in answer[:signs[0]]):
        return len(answer)
    return _tags_above(answer, signs[0])


def _tags_above(answer: list[str], start: int) -> int:
    """The start of a run of two or more tag lines ("React", "Frontend Development") right above
    ``start`` (blank lines between allowed), else ``start``."""
    end = start
    while end > 0 and not answer[end - 1].strip():
        end -= 1
    top = end
    while top > 0 and _tag_line(answer[top - 1]):
        top -= 1
    return top if end - top >= 2 and any(line.strip() for line in answer[:top]) else start


def _tag_line(line: str) -> bool:
    text = line.strip()
    return (bool(text) and len(text.split()) <= TAG_WORDS and text == line.rstrip()
            and not ends_sentence(text) and not BULLET.fullmatch(text) and code_language(text) is None
            and not text.endswith((",", ";")))


#: The most words a link title in a page footer ("Related posts" entries) usually has.
FOOTER_TITLE_WORDS = 12


def _footer_line(line: str) -> bool:
    text = line.strip()
    if not text or is_furniture(text):
        return True
    return (len(text.split()) <= FOOTER_TITLE_WORDS and text == line.rstrip()
            and not BULLET.fullmatch(line) and code_language(text) is None)


def answer_markdown(lines: list[str]) -> str:
    """Scraped answer lines as markdown: paragraphs, nested lists and fenced code."""
    blocks: list[str] = []
    paragraph: list[str] = []
    bullets: list[tuple[str, str, str]] = []  # (indent, glyph or number, text)

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(escape_markdown(unwrap(paragraph)))
            paragraph.clear()

    def flush_bullets() -> None:
        if bullets:
            blocks.append(_list_markdown(bullets))
            bullets.clear()

    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        if not line.strip():
            flush_paragraph()
            index += 1
            continue
        if box := code_box(lines, index):  # "python" / "Copy code" / the code, from a chat or blog
            flush_paragraph()
            flush_bullets()
            code, index = _take_box(lines, box)
            blocks.append(code_fence(code, box.language or guess_language(code.splitlines())))
            continue
        if NOTE.fullmatch(line.strip()):  # "Use code with caution." under a chat's code box
            index += 1
            continue
        following = _next_nonblank(lines, index + 1)
        if display := _display_math(lines, index):
            flush_paragraph()
            flush_bullets()
            blocks.append(display[0])
            index = display[1]
            continue
        label = language_label(line, lines[following] if following is not None else "")
        if label and following is not None and not BULLET.fullmatch(lines[following]):
            flush_paragraph()
            flush_bullets()
            code, index = _take_code(lines, following)
            blocks.append(code_fence(code, label))
            continue
        if table := _tab_table(lines, index):
            flush_paragraph()
            flush_bullets()
            blocks.append(table[0])
            index = table[1]
            continue
        item = BULLET.fullmatch(line) or ORDERED.fullmatch(line)
        if emoji_item(line) and not item:
            flush_paragraph()  # "👉 Use None as the default": the emoji stays, it may mean yes or no
            bullets.append((line[: len(line) - len(line.lstrip())].expandtabs(4), EMOJI, line.strip()))
        elif item:
            flush_paragraph()
            marker = item.groupdict().get("glyph") or item.group("number") + "."
            bullets.append((item.group("indent").expandtabs(4), marker, item.group("text")))
        elif bullets and len(line) - len(line.lstrip()) > len(bullets[-1][0]):
            indent, marker, text = bullets[-1]
            bullets[-1] = (indent, marker, unwrap([text, line.strip()]))
        elif _is_code(line) or INDENTED_CODE.match(line) and not paragraph or _decorates(lines, index):
            flush_paragraph()
            flush_bullets()
            code, index = _take_code(lines, index)
            blocks.append(code_fence(code, guess_language(code.splitlines())))
            continue
        else:
            flush_bullets()
            if paragraph and (ends_sentence(paragraph[-1]) or starts_sentence(line)):
                flush_paragraph()
            paragraph.append(line.strip())
        index += 1
    flush_paragraph()
    flush_bullets()
    return "\n\n".join(blocks)


#: Display math standing on its own lines: the opening and the closing delimiter.
DISPLAY_MATH = {"\\[": "\\]", "$$": "$$"}


#: The marker of list items led by an emoji ("✅ …", "❌ …"): one level, whatever the emoji.
EMOJI = "emoji"


def emoji_item(line: str) -> bool:
    """A line led by an emoji (a symbol, maybe with its variation selector) and a space: a
    social post's list item."""
    text = line.lstrip()
    symbol = text[:1]
    rest = text[1:].lstrip("\ufe0f\u200d")
    return bool(symbol) and unicodedata.category(symbol) == "So" and rest[:1] in (" ", "\t") \
        and bool(rest.strip())


def _display_math(lines: list[str], start: int) -> tuple[str, int] | None:
    """A formula on lines of its own (``\\[`` … ``\\]``, ``$$`` … ``$$``), kept as written so
    its lines stay together and its TeX is not escaped; with the line after it."""
    first = lines[start].strip()
    closer = next((c for o, c in DISPLAY_MATH.items() if first.startswith(o)), None)
    if closer is None:
        return None
    for end in range(start, len(lines)):
        text = lines[end].strip()
        if not text:
            return None
        if text.endswith(closer) and (end > start or len(text) > 2 * len(closer)):
            return "\n".join(line.strip() for line in lines[start:end + 1]), end + 1
    return None


def _tab_table(lines: list[str], start: int) -> tuple[str, int] | None:
    """A table the page copy turned into tab-separated lines, as a markdown table (first row the
    header), with the index after it; None unless two or more lines have the same tab count."""
    width = lines[start].strip().count("\t")
    if BULLET.fullmatch(lines[start]):
        return None  # "o<TAB>points": a bullet, the tab after its glyph
    end = start
    while end < len(lines) and lines[end].strip() and lines[end].strip().count("\t") == width:
        end += 1
    if width == 0 or end - start < 2:
        return None
    rows = [[escape_markdown(cell.strip()).replace("|", "\\|") for cell in line.strip().split("\t")]
            for line in lines[start:end]]
    table = [rows[0], ["---"] * (width + 1), *rows[1:]]
    return "\n".join(f"| {' | '.join(row)} |" for row in table), end


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def _is_code(line: str) -> bool:
    """A line of code outside a labelled sample: code, and with code punctuation to be sure."""
    return code_language(line) is not None and bool(re.search(r"[()\[\]{}=]", line))


#: A decorator or annotation line: ``@retry``, ``@app.get("/")``, ``@Override``.
DECORATOR = re.compile(r"@[A-Za-z_][\w.]*(?:\(.*\))?")


def _decorates(lines: list[str], index: int) -> bool:
    """A decorator standing on its line right above a line of code."""
    return bool(DECORATOR.fullmatch(lines[index].strip())) and index + 1 < len(lines) \
        and code_language(lines[index + 1]) is not None


def _take_code(lines: list[str], start: int) -> tuple[str, int]:
    """The code sample from ``start``: through blank lines while more code follows, up to prose."""
    end = _end_of_code_run(lines, start + 1)
    while (following := _next_nonblank(lines, end)) is not None and (
        lines[following].startswith((" ", "\t")) and not BULLET.fullmatch(lines[following])
        or _is_code(lines[following])
    ):
        end = _end_of_code_run(lines, following + 1)
    return textwrap.dedent("\n".join(line.rstrip() for line in lines[start:end])), end


def _take_box(lines: list[str], box: CodeBox) -> tuple[str, int]:
    """A copied code box's code, indentation as written, and the index after it."""
    end = box_end(lines, box.start)
    return textwrap.dedent("\n".join(line.rstrip() for line in lines[box.start:end])), end


def _end_of_code_run(lines: list[str], index: int) -> int:
    """The end of a run of non-blank code lines; an unindented sentence ends it early."""
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        if line == line.lstrip() and code_language(line) is None and looks_like_prose(line):
            break
        index += 1
    return index


def code_fence(code: str, language: str) -> str:
    """A fenced block; marked for the repair stage when the page flattened or dedented it."""
    if looks_flattened(code, language):
        return damaged_fence(code, language, FLATTENED)
    if language == "python" and lost_python_indentation(code.splitlines()):
        return damaged_fence(code, language, DEDENTED)
    return plain_fence(code, language)


def _list_markdown(bullets: list[tuple[str, str, str]]) -> str:
    """Bullets nested by indentation (or, when all share one indentation, by glyph)."""
    indents = sorted({indent for indent, _, _ in bullets}, key=len)
    glyphs = list(dict.fromkeys(marker for _, marker, _ in bullets if not marker[0].isdigit()))
    out = []
    for indent, marker, text in bullets:
        if len(indents) > 1:
            depth = indents.index(indent)
        else:
            depth = glyphs.index(marker) if marker in glyphs else 0
        lead = marker if marker[0].isdigit() else "-"  # an emoji item keeps its emoji in its text
        out.append(f"{'    ' * depth}{lead} {escape_markdown(text)}")
    return "\n".join(out)


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    """The page's questions; a PDF's running headers, footers and page numbers are read past."""
    lines = dedented_page_lines(text)
    view = _page_view(lines)
    return restore_lines(_read_lines(list(view.lines), source), view, lines)


def _page_view(lines: list[str]) -> PageView:
    """The lines to read: without a PDF's page chrome, nor the copied site's own controls."""
    return page_view(lines, [marker.index for marker in find_markers(lines)],
                     [index for index, line in enumerate(lines) if is_site_control(line)
                      or is_hashtag_line(line)])


#: Fewest questions, all asking with a question mark, before a closing post is told apart.
CLOSING_AFTER = 3


def closing_post(lines: list[str], markers: list[Marker]) -> tuple[list[Marker], Marker | None]:
    """The questions, and the numbered post after them that asks nothing ("8/ That's a wrap!",
    "9. Conclusion") on a page whose questions all ask: it and what follows are no answer."""
    def asking(marker: Marker) -> bool:  # an imperative ("Explain the GIL.") asks too
        return _asks_question(marker.rest or _next_text(lines, marker.index))

    if len(markers) > CLOSING_AFTER and not asking(markers[-1]) and all(map(asking, markers[:-1])):
        return markers[:-1], markers[-1]
    if len(markers) < CLOSING_AFTER or not all(map(asking, markers)):
        return markers, None
    last = markers[-1]
    following = (marker for marker in find_markers(lines) if marker.index > last.index)
    return markers, next((marker for marker in following if marker.style == last.style
                          and marker.number == last.number + 1 and _after_blank(lines, marker.index)
                          and not asking(marker)), None)


def _read_lines(lines: list[str], source: str) -> SourceResult:
    markers = question_markers(lines)
    if not markers:
        return SourceResult(source, "numbered-text", (), (), (Diagnostic(
            source, None, "no numbered questions found (lines like 'Q1.', 'Question 1' or '1. What…?'); "
            "is 'format: numbered-text' right for this file?"),))
    diagnostics = _furniture_notes(source, lines, 0, markers[0].index if markers else len(lines),
                                   "page text before the first question")
    items: list[Item] = []
    dropped: list[Dropped] = []
    markers, closing = closing_post(lines, markers)
    end = closing.index if closing else len(lines)
    blocks = [
        split_block(lines, marker, following.index if following else end)
        for marker, following in zip(markers, [*markers[1:], None], strict=True)
    ]
    diagnostics += _furniture_notes(source, lines, end, len(lines), "page text after the last answer")
    if blocks:
        header = page_header(lines, markers[0].index)
        blocks[-1], footer_notes = _trim_footer(source, lines, blocks[-1], header)
        diagnostics += footer_notes
        blocks = with_sections(lines, blocks)
        blocks, section_notes = trim_trailing_section(source, lines, blocks)
        diagnostics += section_notes
    unique_ref = RefAllocator()
    asked_later = {block.question for block in blocks if any(line.strip() for line in block.answer_lines)}
    contents: list[int] = []
    for block in blocks:
        line_number = block.marker.index + 1
        answer = answer_markdown(list(block.answer_lines))
        if not answer and block.question in asked_later or contents_entry(lines, block):
            contents.extend(range(line_number, _end_line(lines, block) + 1))  # the question comes later
            continue
        ref = unique_ref(f"Q{block.marker.number}")
        last = _end_line(lines, block)
        if not block.question.strip():
            dropped.append(Dropped(source, ref, line_number, "no-question", end_line=last))
        elif not answer:
            dropped.append(Dropped(source, ref, line_number, "no-answer", block.question, last))
        elif is_placeholder("\n".join(block.answer_lines)):
            dropped.append(Dropped(source, ref, line_number, "placeholder", block.question, last))
        else:
            tags = tuple(tag.strip() for tag in dict(block.facts).get("tags", "").split(",") if tag.strip())
            items.append(Item(block.question, answer, source, ref, line_number, block_meta(block), tags,
                              flags=frozenset({PLAIN_TEXT}), end_line=last))
    if contents:
        diagnostics.append(Diagnostic(
            source, contents[0], f"table of contents ({line_range(contents[0], contents[-1])}) repeats "
            "questions asked below; skipped", severity="info"))
    skipped = _skipped(source, lines, [*items, *dropped], contents)
    return SourceResult(source, "numbered-text", tuple(items), tuple(dropped), tuple(diagnostics), skipped)


#: A contents entry's end: dot leaders and a page number ("What is GAC? ........ 98").
LEADER_PAGE = re.compile(r".*?(?:(?:\s?\.){4,}|\s?…+)\s*\d{1,4}")
#: Most lines a contents entry wraps onto.
CONTENTS_ENTRY_LINES = 3


def contents_entry(lines: list[str], block: Block) -> bool:
    """A numbered line of a document's contents: a few lines ending in dot leaders and a page
    number, with nothing else under it."""
    filled = [line.strip() for line in lines[block.marker.index:_end_line(lines, block)] if line.strip()]
    return len(filled) <= CONTENTS_ENTRY_LINES and bool(LEADER_PAGE.fullmatch(filled[-1]))


def _end_line(lines: list[str], block: Block) -> int:
    """The last non-blank source line (1-based) of the block's question and answer."""
    end = block.answer_start + len(block.answer_lines)
    return next((i + 1 for i in range(end - 1, block.marker.index, -1) if lines[i].strip()),
                block.marker.index + 1)


def _skipped(source: str, lines: list[str], spanned: list[Item | Dropped], contents: list[int]
             ) -> tuple[Skipped, ...]:
    """The lines no item spans: the page before the first question, its footer after the last,
    the table of contents, and section headings between questions."""
    covered = {i for entry in spanned
               for i in range((entry.line or 1) - 1, entry.end_line or entry.line or 0)}
    first = min((entry.line or 1 for entry in spanned), default=len(lines) + 1)
    regions: list[Skipped] = []
    for index, line in enumerate(lines):
        if not line.strip() or index in covered:
            continue
        reason = ("table-of-contents" if index + 1 in contents else "intro" if index + 1 < first
                  else "section-title" if any(index < (entry.line or 0) - 1 for entry in spanned)
                  else "page-chrome")
        last = regions[-1] if regions else None
        if last and last.reason == reason and not covered.intersection(range(last.end_line, index)):
            regions[-1] = Skipped(source, last.line, index + 1, reason)
        else:
            regions.append(Skipped(source, index + 1, index + 1, reason))
    return tuple(regions)


def with_sections(lines: list[str], blocks: list[Block]) -> list[Block]:
    """Blocks under the section heading above them; a heading ending an answer is cut from it.

    A page has sections only if a heading stands between two questions: a lone line above the
    first question is the page's title, not a section. A heading stands alone between blank
    lines; a page copied without blank lines ("…the answer ends.\nAdvanced Level\n7. What…")
    has them too, when its Title Case lines stand right above questions two times or more.
    """
    following = [*blocks[1:], None]
    inner = [_heading_after(lines, block, section_heading) if after else None
             for block, after in zip(blocks, following, strict=True)]
    first = section_heading(lines, blocks[0].marker.index)
    titled = [_heading_after(lines, block, title_above) if after else None
              for block, after in zip(blocks, following, strict=True)]
    first_title = title_above(lines, blocks[0].marker.index)
    if sum(title is not None for title in [first_title, *titled]) >= 2:  # the page's own pattern
        inner = [heading or title for heading, title in zip(inner, titled, strict=True)]
        first = first if first is not None else first_title
    if not any(heading is not None for heading in inner):
        return blocks
    section = section_name(lines[first]) if first is not None else ""
    out = []
    for block, heading in zip(blocks, inner, strict=True):
        if heading is None:
            out.append(replace(block, section=section))
            continue
        cut = _titles_start(lines, heading, block.answer_start) - block.answer_start
        out.append(replace(block, section=section, answer_lines=block.answer_lines[:cut]))
        section = section_name(lines[heading])
    return out


def _heading_after(lines: list[str], block: Block, find: Callable[[list[str], int], int | None]
                   ) -> int | None:
    """A section heading (as ``find`` sees them) ending the block's answer lines, with answer
    text above it."""
    heading = find(lines, block.answer_start + len(block.answer_lines))
    if heading is not None and heading > block.answer_start and any(
        line.strip() for line in lines[block.answer_start:_titles_start(lines, heading, block.answer_start)]
    ):
        return heading
    return None


def title_above(lines: list[str], end: int) -> int | None:
    """The index of a title line right above line ``end`` (blank lines between allowed)."""
    index = end - 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    return index if index >= 0 and is_title_line(lines[index]) else None


def _titles_start(lines: list[str], heading: int, floor: int) -> int:
    """The first of the title lines stacked right above ``heading`` ("Part II" over "Advanced")."""
    while heading - 1 > floor and is_title_line(lines[heading - 1]):
        heading -= 1
    return heading


def is_title_line(line: str) -> bool:
    """A line that can title a section: unindented, short, Title Case, no end mark, no code."""
    text = line.strip()
    words = text.split()
    if not words or text != line.rstrip() or len(words) > HEADING_WORDS or not text[0].isupper():
        return False
    if ends_sentence(text) or text.endswith((",", ";")) or re.search(r"[=(){}\[\];<>]", text):
        return False
    if any(word[0].isalpha() and word[0].islower() and len(word) > 3 for word in words):
        return False  # a sentence's words: "Use modules for reuse"
    return not (BULLET.fullmatch(text) or MARKER.fullmatch(text) or code_language(text)
                or text.lower() in LANGUAGE_NAMES or is_placeholder(text) or NOTE.fullmatch(text))


def trim_trailing_section(source: str, lines: list[str], blocks: list[Block]
                          ) -> tuple[list[Block], list[Diagnostic]]:
    """Page text after the last answer: a section under a title of its own ("Contributing",
    "License") on a page whose titles stand between answers and never inside one, or a closing
    question to the reader standing alone ("Would you like more questions on X?")."""
    last = blocks[-1]
    cut = _closing_question(last.answer_lines)
    if any(block.section for block in blocks) and not any(
            is_title_line(line) for block in blocks[:-1] for line in block.answer_lines):
        cut = next((offset for offset, line in enumerate(last.answer_lines) if is_title_line(line)
                    and any(text.strip() for text in last.answer_lines[:offset])), cut)
    if cut is None:
        return blocks, []
    start, end = last.answer_start + cut, last.answer_start + len(last.answer_lines)
    notes = _furniture_notes(source, lines, start, end, "page text after the last answer")
    return [*blocks[:-1], replace(last, answer_lines=last.answer_lines[:cut])], notes


def _closing_question(answer: tuple[str, ...]) -> int | None:
    """The offset of a last paragraph that is one unindented line asking the reader something,
    after a blank line and answer text."""
    filled = [offset for offset, line in enumerate(answer) if line.strip()]
    if len(filled) < 2:
        return None
    offset = filled[-1]
    line = answer[offset]
    if line.rstrip().endswith("?") and line == line.lstrip() and not answer[offset - 1].strip() \
            and code_language(line) is None and not BULLET.fullmatch(line):
        return offset
    return None


#: Labels of a question's facts line, by the meta key they fill.
FACT_LABELS = {
    "level": "level", "difficulty": "level", "seniority": "level",
    "topic": "topic", "category": "topic", "subject": "topic", "section": "topic",
    "tags": "tags", "tag": "tags",
}
FACT = re.compile(rf"(?P<label>{'|'.join(FACT_LABELS)})\s*[:\-–]\s*(?P<value>\S.*)", re.IGNORECASE)


#: Between the facts of a line: a spaced ``|``, ``·``, ``•``, ``/`` or a ``;`` (no ``\s*`` on the left,
#: which rescans a long whitespace run at every position).
FACT_SEPARATOR = re.compile(r"(?<=\s)[|·•/](?=\s)|;")


def facts_line(line: str) -> dict[str, str]:
    """``Difficulty: Hard | Topic: Hooks · Tags: state, effects`` as meta; ``{}`` unless every part
    of the line is such a labelled fact (or a bare level word)."""
    facts: dict[str, str] = {}
    for part in map(str.strip, FACT_SEPARATOR.split(line.strip())):
        if (bare := LEVEL.fullmatch(part)) and "level" not in facts:
            facts["level"] = bare.group("level")
        elif fact := FACT.fullmatch(part):
            facts[FACT_LABELS[fact.group("label").lower()]] = fact.group("value").strip()
        else:
            return {}
    return facts


def block_meta(block: Block) -> dict[str, str]:
    """The level stated for the question, else one its section heading names ("Advanced ..."), and
    the topic and tags of its facts line (under the section's topic, when there is one)."""
    facts = dict(block.facts)
    meta = {"topic": block.section} if block.section else {}
    if "topic" in facts:
        meta["subtopic" if block.section else "topic"] = facts["topic"]
    level = block.level or section_level(block.section)
    if level:
        meta["level"] = level
    return meta


def section_level(heading: str) -> str:
    """The level a section heading names with its first or last word ("Advanced Python",
    "Questions for Seniors" is not one); a level word inside the heading ("Tips for Senior
    Engineers' Teams") or inside another word ("Middleware") names none."""
    words = heading.strip().rstrip(":").split()
    for candidate in (words[:2], words[:1], words[-2:], words[-1:]):
        if candidate and (match := LEVEL.fullmatch(" ".join(candidate))):
            return match.group("level")
    return ""


def _trim_footer(source: str, lines: list[str], block: Block, header: set[str]
                 ) -> tuple[Block, list[Diagnostic]]:
    answer = list(block.answer_lines)
    cut = min(trailing_furniture(answer), page_footer(answer, header))
    if cut == len(block.answer_lines):
        return block, []
    start = block.answer_start + cut
    notes = _furniture_notes(source, lines, start, block.answer_start + len(block.answer_lines),
                             "page footer after the last answer")
    return replace(block, answer_lines=block.answer_lines[:cut]), notes


def _furniture_notes(source: str, lines: list[str], start: int, end: int, what: str) -> list[Diagnostic]:
    """An ``info`` note for page text that is neither question nor answer (nothing goes unreported)."""
    numbers = [index + 1 for index in range(start, end) if lines[index].strip()]
    if not numbers:
        return []
    return [Diagnostic(source, numbers[0], f"{what} ({line_range(numbers[0], numbers[-1])}) is not a "
                       "question; skipped", severity="info")]


#: How sure a numbered page is once its page chrome shows it was laid out in pages (a PDF's
#: text): surer than markdown's numbered lists, which such text also looks like.
PAGED_CONFIDENCE = 0.95


def sniff(text: str) -> float:
    view = _page_view(dedented_page_lines(text))
    lines = list(view.lines)
    markers = question_markers(lines)
    if len(markers) < 2:
        return 0.0
    ends = [marker.index for marker in markers[1:]] + [len(lines)]
    answered = sum(
        1 for marker, end in zip(markers, ends, strict=True)
        if any(line.strip() for line in split_block(lines, marker, end).answer_lines)
    )
    if answered < 2:
        return 0.0
    score = 0.5 + 0.4 * answered / len(markers)
    if not markers[0].style[0]:
        score -= 0.2  # bare "1." numbering is weaker evidence than "Q1."
    if sum(1 for line in lines if re.match(r"#{1,6}\s", line)) >= 2 or _has_fences(lines) \
            or _bold_questions(markers) or _has_details(lines):
        score /= 2  # markdown headings, fenced code, bold questions or collapsed answers: markdown
    elif view.paged:
        return PAGED_CONFIDENCE
    return min(score, 0.9)


def _bold_questions(markers: list[Marker]) -> bool:
    """Most numbered questions wrapped in bold (``1. **What is X?**``): written as markdown."""
    bold = sum(1 for marker in markers if re.match(r"(\*\*|__)\S", marker.rest or ""))
    return bold * 2 > len(markers)


def _has_details(lines: list[str]) -> bool:
    """A ``<details>`` block opening a line: a collapsed answer only markdown (HTML) shows."""
    return any(re.match(r"\s*<details\b", line, re.IGNORECASE) for line in lines)


def _has_fences(lines: list[str]) -> bool:
    """A fenced code block (an opening and a closing fence line): written as markdown."""
    return sum(1 for line in lines if re.match(r"\s{0,3}(```|~~~)", line)) >= 2


ADAPTER = Adapter(
    name="numbered-text",
    summary="numbered Q&A copied from a web page (Q1. / question / level / answer)",
    sniff=sniff,
    read=read,
)
