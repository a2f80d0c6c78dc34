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
from collections.abc import Mapping
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
from ..models import DEDENTED, FLATTENED, Diagnostic, Dropped, Item, SourceResult, damaged_fence
from .base import Adapter
from .markdown_layouts import QUESTION_WORDS
from .pagetext import (
    dedented_page_lines,
    ends_sentence,
    escape_markdown,
    is_furniture,
    is_placeholder,
    line_range,
    starts_sentence,
)
from .refs import RefAllocator
from .regions import skipped_regions

MARKER = re.compile(
    r"(?:(?P<prefix>q(?:uestion)?\.?|#(?=\d))\s*(?:no\.?\s*|#\s*)?(?P<qnum>\d{1,4})(?P<qsep>[.:)]|\s*[-–—])?"
    r"|(?P<num>\d{1,4})(?P<sep>[.:)]))(?:\s+(?P<rest>\S.*))?",  # matched on a right-stripped line
    re.IGNORECASE,
)
LEVEL = level_pattern(r"(?:level|difficulty|seniority)\s*[:\-–]\s*")
#: A level stated after the question on its line: ``[Easy]``, ``(Level: Hard)``, ``- Senior``.
QUESTION_LEVEL = re.compile(
    rf"(?:[\[(]\s*(?:(?:level|difficulty)\s*:?\s*)?(?P<bracketed>{LEVEL_WORD})\s*[\])]"
    rf"|\s[-–—|]\s*(?P<dashed>{LEVEL_WORD}))\s*$",
    re.IGNORECASE,
)
ANSWER_LABEL = re.compile(
    r"\s*(?:(?:answer|ans|a|solution|explanation)\s*[:.)\-–](?:\s+|$)|(?:answer|solution)\s*$)", re.IGNORECASE
)
COPY_BUTTON = re.compile(r"copy(?: code)?|copied!?", re.IGNORECASE)
BULLET = re.compile(r"(?P<indent>[ \t]*)(?P<glyph>[•◦▪▫‣●○■□∙·*–-])[ \t]+(?P<text>\S.*)")
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


def find_markers(lines: list[str]) -> list[Marker]:
    """Every line that could start a question, unindented: ``Q7.``, ``Question 7:``, ``7.``."""
    markers = []
    for index, line in enumerate(lines):
        match = MARKER.fullmatch(line.rstrip())
        if not match or (match.group("rest") or "").startswith("["):
            continue
        prefix = (match.group("prefix") or "").lower()
        separator = (match.group("qsep") or match.group("sep") or "").strip()
        number = int(match.group("qnum") or match.group("num"))
        markers.append(Marker(index, number, (prefix, separator), match.group("rest") or ""))
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
    """
    asked = [m for m in markers if _asks_question(m.rest or _next_text(lines, m.index))]
    parents: list[int | None] = []
    scores: list[float] = []
    best_by_number: dict[int, Chain] = {}
    best: Chain | None = None
    for position, marker in enumerate(asked):
        weight = _marker_weight(lines, marker)
        options: list[tuple[float, int | None]] = [(weight, None)]
        if (previous := best_by_number.get(marker.number - 1)) is not None:
            options.append((previous[0] + weight, previous[1]))
        if best is not None and marker.number == 1 and section_heading(lines, marker.index) is not None \
                and (marker.rest or _next_text(lines, marker.index)).rstrip().endswith("?"):
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
    return chain[::-1]


def _asks_question(text: str) -> bool:
    return text.rstrip().endswith("?") or bool(QUESTION_WORDS.match(text))


def _marker_weight(lines: list[str], marker: Marker) -> float:
    """A question's marker usually follows a blank line and asks with ``?``; a list item less so."""
    after_blank = marker.index == 0 or not lines[marker.index - 1].strip()
    question_mark = (marker.rest or _next_text(lines, marker.index)).rstrip().endswith("?")
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
    text = lines[index].strip()
    if (len(text.split()) > HEADING_WORDS or text != lines[index].rstrip() or ends_sentence(text)
            or text.endswith((",", ";")) or BULLET.fullmatch(text) or code_language(text)
            or text.lower() in LANGUAGE_NAMES or is_furniture(text) or is_placeholder(text)
            or not text[0].isupper() or re.search(r"[=(){}\[\];<>]", text)):
        return None
    return index


def split_block(lines: list[str], marker: Marker, end: int) -> Block:
    """The question, level and answer lines of the block from ``marker`` to line ``end``."""
    position = marker.index + 1
    question = marker.rest.strip()
    if question and not ends_sentence(question):  # a long question wrapped onto the next line(s)
        following = [line.strip() for line in lines[position:min(position + 2, end)]]
        for count in range(1, len(following) + 1):
            if not following[count - 1]:
                break
            if following[count - 1].endswith("?"):
                question = " ".join([question, *following[:count]])
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
        question = " ".join(parts)
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
            blocks.append(escape_markdown(" ".join(paragraph)))
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
        following = _next_nonblank(lines, index + 1)
        if following is not None and COPY_BUTTON.fullmatch(lines[following].strip()):
            following = _next_nonblank(lines, following + 1)  # the code box's button, copied along
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
        if item:
            flush_paragraph()
            marker = item.groupdict().get("glyph") or item.group("number") + "."
            bullets.append((item.group("indent").expandtabs(4), marker, item.group("text")))
        elif bullets and len(line) - len(line.lstrip()) > len(bullets[-1][0]):
            indent, marker, text = bullets[-1]
            bullets[-1] = (indent, marker, f"{text} {line.strip()}")
        elif _is_code(line) or INDENTED_CODE.match(line) and not paragraph:
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


def _tab_table(lines: list[str], start: int) -> tuple[str, int] | None:
    """A table the page copy turned into tab-separated lines, as a markdown table (first row the
    header), with the index after it; None unless two or more lines have the same tab count."""
    width = lines[start].strip().count("\t")
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


def _take_code(lines: list[str], start: int) -> tuple[str, int]:
    """The code sample from ``start``: through blank lines while more code follows, up to prose."""
    end = _end_of_code_run(lines, start + 1)
    while (following := _next_nonblank(lines, end)) is not None and (
        lines[following].startswith((" ", "\t")) and not BULLET.fullmatch(lines[following])
        or _is_code(lines[following])
    ):
        end = _end_of_code_run(lines, following + 1)
    return textwrap.dedent("\n".join(line.rstrip() for line in lines[start:end])), end


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
        lead = marker if marker[0].isdigit() else "-"
        out.append(f"{'    ' * depth}{lead} {escape_markdown(text)}")
    return "\n".join(out)


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    lines = dedented_page_lines(text)
    markers = question_markers(lines)
    if not markers:
        return SourceResult(source, "numbered-text", (), (), (Diagnostic(
            source, None, "no numbered questions found (lines like 'Q1.', 'Question 1' or '1. What…?'); "
            "is 'format: numbered-text' right for this file?"),))
    diagnostics = _furniture_notes(source, lines, 0, markers[0].index if markers else len(lines),
                                   "page text before the first question")
    items: list[Item] = []
    dropped: list[Dropped] = []
    blocks = [
        split_block(lines, marker, following.index if following else len(lines))
        for marker, following in zip(markers, [*markers[1:], None], strict=True)
    ]
    if blocks:
        blocks[-1], footer_notes = _trim_footer(source, lines, blocks[-1])
        diagnostics += footer_notes
        blocks = with_sections(lines, blocks)
    unique_ref = RefAllocator()
    asked_later = {block.question for block in blocks if any(line.strip() for line in block.answer_lines)}
    contents: list[int] = []
    for block in blocks:
        line_number = block.marker.index + 1
        last = block_end(block)
        answer = answer_markdown(list(block.answer_lines))
        if not answer and block.question in asked_later:
            contents.append(line_number)  # a table-of-contents entry: the question comes later
            continue
        ref = unique_ref(f"Q{block.marker.number}")
        if not block.question.strip():
            dropped.append(Dropped(source, ref, line_number, "no-question", end_line=last))
        elif not answer:
            dropped.append(Dropped(source, ref, line_number, "no-answer", block.question, last))
        elif is_placeholder("\n".join(block.answer_lines)):
            dropped.append(Dropped(source, ref, line_number, "placeholder", block.question, last))
        else:
            tags = tuple(tag.strip() for tag in dict(block.facts).get("tags", "").split(",") if tag.strip())
            items.append(Item(block.question, answer, source, ref, line_number, block_meta(block), tags,
                              end_line=last))
    if contents:
        diagnostics.append(Diagnostic(
            source, contents[0], f"table of contents ({line_range(contents[0], contents[-1])}) repeats "
            "questions asked below; skipped", severity="info"))
    skipped = skipped_regions(source, lines, _passed_over(lines, blocks, set(contents)))
    return SourceResult(source, "numbered-text", tuple(items), tuple(dropped), tuple(diagnostics), skipped)


def block_end(block: Block) -> int:
    """The last line of the block, 1-based (its marker's line when it holds nothing else)."""
    return max(block.answer_start + len(block.answer_lines), block.marker.index + 1)


def _passed_over(lines: list[str], blocks: list[Block], contents: set[int]) -> list[tuple[int, str]]:
    """``(line, reason)`` for the page text no question reads: the intro above the first question,
    a table of contents, answer labels and copy buttons, section headings, the page footer."""
    marks = [(index, "intro") for index in range(blocks[0].marker.index)]
    if (heading := section_heading(lines, blocks[0].marker.index)) is not None:
        marks.append((heading, "section-title"))
    for block, following in zip(blocks, [*blocks[1:], None], strict=True):
        stop = block.answer_start + len(block.answer_lines)
        if block.marker.index + 1 in contents:
            marks += [(index, "table-of-contents") for index in range(block.marker.index, stop)]
        for index in range(block.marker.index + 1, stop):
            text = lines[index].strip()
            if ANSWER_LABEL.fullmatch(text) or COPY_BUTTON.fullmatch(text):
                marks.append((index, "markup" if ANSWER_LABEL.fullmatch(text) else "page-chrome"))
        after = following.marker.index if following else len(lines)
        marks += [(index, "section-title" if following else "page-chrome") for index in range(stop, after)]
    return marks


def with_sections(lines: list[str], blocks: list[Block]) -> list[Block]:
    """Blocks under the section heading above them; a heading ending an answer is cut from it.

    A page has sections only if a heading stands between two questions: a lone line above the
    first question is the page's title, not a section.
    """
    inner = [_heading_after(lines, block) if following else None
             for block, following in zip(blocks, [*blocks[1:], None], strict=True)]
    if not any(heading is not None for heading in inner):
        return blocks
    first = section_heading(lines, blocks[0].marker.index)
    section = lines[first].strip() if first is not None else ""
    out = []
    for block, heading in zip(blocks, inner, strict=True):
        if heading is None:
            out.append(replace(block, section=section))
            continue
        answer = block.answer_lines[: heading - block.answer_start]
        out.append(replace(block, section=section, answer_lines=answer))
        section = lines[heading].strip()
    return out


def _heading_after(lines: list[str], block: Block) -> int | None:
    """A section heading ending the block's answer lines (with answer text above it)."""
    heading = section_heading(lines, block.answer_start + len(block.answer_lines))
    if heading is not None and heading > block.answer_start and any(
        line.strip() for line in lines[block.answer_start:heading]
    ):
        return heading
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


def _trim_footer(source: str, lines: list[str], block: Block) -> tuple[Block, list[Diagnostic]]:
    cut = trailing_furniture(list(block.answer_lines))
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


def sniff(text: str) -> float:
    lines = dedented_page_lines(text)
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
    if sum(1 for line in lines if re.match(r"#{1,6}\s", line)) >= 2 or _has_fences(lines):
        score /= 2  # markdown headings or fenced code: the markdown adapter's file
    return min(score, 0.9)


def _has_fences(lines: list[str]) -> bool:
    """A fenced code block (an opening and a closing fence line): written as markdown."""
    return sum(1 for line in lines if re.match(r"\s{0,3}(```|~~~)", line)) >= 2


ADAPTER = Adapter(
    name="numbered-text",
    summary="numbered Q&A copied from a web page (Q1. / question / level / answer)",
    sniff=sniff,
    read=read,
)
