"""Quiz questions and long questions in markdown: what the front must show, and the answer.

A quiz question is followed by what the learner needs to answer it (code, a table) and its
options, then the answer: a ticked checkbox (``- [x] …``), or a label naming an option
(``#### Answer: D`` in a collapsed ``<details>``, ``> **Answer: B.**``, ``**Answer:** C``,
``Correct answer: 2``). The options are read from markdown-it's list items (their markers and
first paragraphs) and from lines that open with an option label (``A)``, ``(b)``, ``C.``,
``**D.**``, ``1:``); a run of them must count up from A (or 1). The front keeps the source's markdown, with
ticks turned into letters so it does not give the answer away; the back names the correct
option by label and text, then explains.

A question whose heading is only its title (``## Question 1: Docker tags``) states the rest
below it, before an explicit answer label: those lines are part of the question.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ...qalabels import names_answer
from .._text.choices import AMBIGUOUS, NO_ANSWER, UNKNOWN_OPTION, Choice, Option, back, letters, resolve
from .layouts import ANY_TAG, DETAILS_OPEN, SUMMARY, Anchor, plain_question, summary_text
from .outline import LIST_MARKER, ListItem, Outline, trim_block

#: ``A)``, ``(b)``, ``C.``, ``D:`` (text may follow a colon at once), ``**A.**``, ``**D. whole line**``,
#: ``1:``, ``2)`` (a number only with a colon or parenthesis: ``1.`` is an ordered list's marker).
OPTION_LABEL = re.compile(
    r"^(?P<bold>\*\*|__)?(?:\((?P<paren>[A-Za-z])\)|(?P<letter>[A-Za-z])(?:[.)]|[ \t]*:)"
    r"|(?P<number>[1-9][0-9]?)(?:\)|[ \t]*:))"
    r"(?P<close>\*\*|__)?(?:[ \t]+|(?=`)|$)(?P<text>.*)$",
    re.DOTALL,
)
TASK = re.compile(r"^\[(?P<tick>[ xX])\][ \t]+")  # what the tasklists plugin reads as a checkbox
WRAPPED = re.compile(r"^(\*\*|__)(?P<inner>[^*_].*?)\1$", re.DOTALL)
#: A line stating the answer: ``Answer: D``, ``**Answer:** C``, ``> **Answer: B.**``, ``#### Answer``,
#: ``_Answer:_``, ``Correct answer: 2``, ``The correct answer is Option D``.
STATEMENT = re.compile(
    r"^(?P<quote>(?:[ \t]*>)*)[ \t]*(?P<heading>#{1,6}[ \t]+)?(?P<open>\*\*|__|\*|_)?[ \t]*"
    r"(?P<label>(?:the[ \t]+)?(?:(?:correct|right)[ \t]+)?(?:answers?|ans|solution)"
    r"|correct[ \t]+(?:option|choice))"
    r"(?P<sep>[ \t]*[:：]|[ \t]+is\b|[ \t]+[—–-](?=[ \t]))?[ \t]*(?P<close>\*\*|__|\*|_)?(?P<value>.*)$",
    re.IGNORECASE,
)
#: ``B (Correct Answer) - because …``: the option's label, then a note that it is the correct one.
MARKED_CORRECT = re.compile(
    r"^[*_]*(?P<refs>[A-Za-z](?:\s*(?:,|and|&)\s*[A-Za-z])*)[*_]*\s*"
    r"\((?:the\s+)?(?:correct|right)(?:\s+(?:answer|option|choice))?\)[*_]*\s*[—–:-]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
#: A one-word line between the options and the answer (``Feedback``, ``**Solution**``): a label
#: of what follows, not part of the question.
LABEL_LINE = re.compile(r"^[ \t]*[*_]*[A-Za-z]+[*_]*[ \t]*:?[ \t]*$")
#: Tags of the lines that only wrap a collapsed answer: ``<details>``, ``<summary>…</summary>``, ``<p>``.
WRAPPER_TAGS = frozenset({"details", "summary", "p", "br", "b", "strong", "em", "i"})
TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
#: A collapsed block's summary that hides the answer (not an example or more detail):
#: ``Answer``, ``Solution``, ``Show answer``, ``Click to see the solution``.
ANSWER_SUMMARY = re.compile(
    r"^(?:(?:show|reveal|view|see|check|click(?:\s+(?:here|to\s+\w+))?)\s+(?:the\s+)?)?"
    r"(?:answers?|ans|solutions?)\b",
    re.IGNORECASE,
)
#: Fewest answered quiz questions that make a document a quiz (then unanswered ones are dropped).
QUIZ_DOCUMENT = 2


@dataclass(frozen=True)
class QuizItem:
    """A question read as a quiz (or a long question): the front's extra markdown and the back."""

    prompt: str
    answer: str
    quiz: bool  # options and a resolved answer; False for a long question split at its label


@dataclass(frozen=True)
class Unanswered:
    """A quiz question that makes no card, and why: no-answer, unknown-option, ambiguous-answer."""

    reason: str
    #: False for options with no answer and no label saying so: a quiz only in a document whose
    #: other questions are answered quizzes (a list of a) … b) … may be an ordinary answer).
    certain: bool = True


@dataclass(frozen=True)
class _Candidate:
    """A line that may open an option."""

    line: int
    kind: str  # label, task, plain
    label: str  # the letter, for kind label
    text: str  # the option's own text (after its label or tick)
    ticked: bool
    emphasised: bool  # the whole text in bold: some quizzes mark the correct option so
    item_end: int | None  # the list item's end, for list items


@dataclass(frozen=True)
class _Run:
    options: tuple[_Candidate, ...]
    end: int  # first line after the last option's content


@dataclass(frozen=True)
class _Marker:
    line: int  # where the answer starts (the statement, or the <details> holding it)
    value: str  # what it says the answer is ("" when it names nothing)
    value_line: int | None  # the line the value is on
    strong: bool  # an explicit label (``Answer:``, formatted, or collapsed): it may split a question


def read_quiz(outline: Outline, start: int, end: int, dedent: int = 0,
              skip: Collection[int] = frozenset()) -> QuizItem | Unanswered | None:
    """The quiz (or long question) in lines ``start``..``end`` below a question, or None when
    they are an ordinary answer."""
    skip = frozenset(skip)
    label = _marker(outline, start, end, skip, weak=False)  # options come before the answer
    run = _option_run(outline, start, label.line if label else end, skip)
    if run is not None and any(option.ticked for option in run.options):
        return _picked_quiz(outline, start, end, dedent, skip, run, "ticked")
    marker = _marker(outline, run.end if run else start, end, skip, weak=run is not None)
    if run is None:
        return _long_question(outline, start, end, dedent, skip, marker)
    if marker is None:
        return _picked_quiz(outline, start, end, dedent, skip, run, "emphasised")
    return _labelled_quiz(outline, start, end, dedent, skip, run, marker)


def find_list_quizzes(outline: Outline) -> list[Anchor]:
    """``1. Which …?`` numbered list items that hold their own options and answer (``- A. …``
    nested under the question, then ``Correct Answer: C`` or a ticked box): each is a question
    when at least :data:`QUIZ_DOCUMENT` of them are answered quizzes, so a numbered list of
    steps or points is never read as questions. An item holding such questions is not one."""
    read = {line: quiz for line, item in outline.list_items.items()
            if item.marker in ".)" and item.text.strip() and line not in outline.code_lines
            and (quiz := read_quiz(outline, _item_body(item), item.end, outline.item_indents[line]))}
    answered = {line for line, quiz in read.items() if isinstance(quiz, QuizItem) and quiz.quiz}
    if len(answered) < QUIZ_DOCUMENT:
        return []
    asked = [line for line, quiz in read.items() if line in answered or isinstance(quiz, Unanswered)]
    return [_item_anchor(outline, outline.list_items[line]) for line in sorted(asked)
            if not any(line < other < outline.list_items[line].end for other in answered)]


def _item_body(item: ListItem) -> int:
    """The first line after the item's opening paragraph (the question)."""
    return item.line + item.text.count("\n") + 1


def _item_anchor(outline: Outline, item: ListItem) -> Anchor:
    question = plain_question(" ".join(item.text.split()))
    return Anchor("item", item.line, question, item.number, _item_body(item), end=item.end,
                  dedent=outline.item_indents[item.line])


def quiz_from_key(outline: Outline, start: int, end: int, dedent: int, skip: Collection[int],
                  value: str, explanation: str) -> QuizItem | Unanswered | None:
    """The quiz in lines ``start``..``end`` answered by a key elsewhere in the document (``value``
    names the option, ``explanation`` follows it on the back); None when they hold no options."""
    skip = frozenset(skip)
    run = _option_run(outline, start, end, skip)
    if run is None:
        return None
    options = _options(outline, run, dedent, skip)
    choice = resolve(value, options)
    if isinstance(choice, str):
        return Unanswered(choice)
    front = outline.markdown(start, run.end, dedent, skip, _front_lines(outline, run))
    after = outline.markdown(run.end, end, dedent, skip)
    return QuizItem(front, back(options, choice, "\n\n".join(p for p in (after, explanation) if p)), True)


def stated_answer(outline: Outline, start: int, end: int, dedent: int, skip: Collection[int]
                  ) -> tuple[str, str] | None:
    """``(value, explanation)`` when lines ``start``..``end`` open with an explicit answer label
    naming something (``**Answer: b) merge**`` then ``**Explanation:** …``), else None."""
    skip = frozenset(skip)
    marker = _marker(outline, start, end, skip, weak=False)
    if marker is None or not marker.strong or not marker.value:
        return None
    if any(outline.lines[i].strip() for i in range(start, marker.line) if i not in skip):
        return None
    used = _wrapper_lines(outline, marker.line, end) | {marker.line}
    used |= {marker.value_line} if marker.value_line is not None else set()
    return marker.value, outline.markdown(marker.line, end, dedent, skip | used)


def is_answer_heading(text: str) -> bool:
    """``#### Answer: D``: a heading that states an answer (inside it), not a section."""
    statement = _statement(text)
    return statement is not None and bool(statement[0])


# --- options ---------------------------------------------------------------------------------


def _option_run(outline: Outline, start: int, end: int, skip: frozenset[int]) -> _Run | None:
    """The first run of two or more options (counting up from A, or ticks, or a plain list)."""
    candidates = [c for i in range(start, end) if i not in skip and (c := _candidate(outline, i))]
    runs: list[list[_Candidate]] = []
    for candidate in candidates:
        if runs and _continues(outline, runs[-1], candidate):
            runs[-1].append(candidate)
        elif _opens_run(candidate):
            runs.append([candidate])
    for options in runs:
        if len(options) >= 2 and not _asks_each(options):
            return _Run(tuple(options), _run_end(outline, options, end))
    return None


def _candidate(outline: Outline, line: int) -> _Candidate | None:
    if line in outline.code_lines:
        return None
    item = outline.list_items.get(line)
    if item is not None:
        return _item_candidate(line, item.text, item.end, item.marker in "-*+")
    text = outline.lines[line].strip()
    return _labelled(line, text, None) if text else None


def _item_candidate(line: int, text: str, item_end: int, bullet: bool) -> _Candidate | None:
    tick = TASK.match(text)
    if tick:
        body, emphasised = _unemphasised(text[tick.end():])
        return _Candidate(line, "task", "", body, tick.group("tick") != " ", emphasised, item_end)
    labelled = _labelled(line, text, item_end)
    if labelled or not bullet or not text.strip():
        return labelled
    body, emphasised = _unemphasised(text)
    return _Candidate(line, "plain", "", body, False, emphasised, item_end)


def _labelled(line: int, text: str, item_end: int | None) -> _Candidate | None:
    first = text.split("\n", 1)[0]
    match = OPTION_LABEL.match(first)
    if not match:
        return None
    body = match.group("text")
    bold, close = match.group("bold"), match.group("close")
    if bold and not close:
        if not body.endswith(bold):
            return None  # "**A**ppend …": emphasis, not a label
        body = f"{bold}{body}"
    body, emphasised = _unemphasised(body.strip())
    label = (match.group("paren") or match.group("letter") or match.group("number")).upper()
    return _Candidate(line, "label", label, body, False, emphasised, item_end)


def _unemphasised(text: str) -> tuple[str, bool]:
    """An option's text without bold wrapped round all of it, and whether it was so wrapped."""
    wrapped = WRAPPED.match(text.strip())
    return (wrapped.group("inner").strip(), True) if wrapped else (text.strip(), False)


def _opens_run(candidate: _Candidate) -> bool:
    return candidate.kind != "label" or candidate.label in ("A", "1")


def _next_label(run: list[_Candidate]) -> str:
    """The label the option after ``run`` must carry: the letters or numbers count up."""
    return str(len(run) + 1) if run[0].label.isdigit() else letters(len(run) + 1)[-1]


def _continues(outline: Outline, run: list[_Candidate], candidate: _Candidate) -> bool:
    previous = run[-1]
    if candidate.kind != previous.kind:
        return False
    if candidate.kind == "label" and candidate.label != _next_label(run):
        return False
    return _only_option_between(outline, previous, candidate.line)


def _only_option_between(outline: Outline, option: _Candidate, stop: int) -> bool:
    """Whether every line between an option and the next is blank, code, or the option's own
    continuation (its list item, or the rest of its paragraph)."""
    in_paragraph = option.item_end is None
    for line in range(option.line + 1, stop):
        if not outline.lines[line].strip():
            in_paragraph = False
        elif not (in_paragraph or line in outline.code_lines
                  or (option.item_end is not None and line < option.item_end)):
            return False
    return True


def _asks_each(options: Sequence[_Candidate]) -> bool:
    """Sub-questions (``a) What is the key?``) are part of the question, not options to pick."""
    return sum(option.text.rstrip("*_ ").endswith("?") for option in options) * 2 > len(options)


def _run_end(outline: Outline, options: Sequence[_Candidate], end: int) -> int:
    """Where the last option's content ends; when code blocks follow every option (an option
    that is a label above its snippet), the code after the last option is its snippet too."""
    last = options[-1]
    stop = _paragraph_end(outline, last.line, end)
    if last.item_end is not None:  # its code samples, not an explanation indented under it
        stop = _code_below(outline, stop, min(last.item_end, end))
    stop = min(_trim_end(outline, last.line, stop), end)
    snippets = all(_has_code(outline, a.line, b.line) for a, b in zip(options, options[1:], strict=False))
    if snippets:
        following = _next_nonblank(outline, stop, end)
        if following is not None and following in outline.code_lines:
            stop = following
            while stop < end and stop in outline.code_lines:
                stop += 1
    return stop


def _code_below(outline: Outline, line: int, end: int) -> int:
    """Past the code blocks (and blank lines) from ``line``, up to ``end``."""
    stop = line
    while line < end and (not outline.lines[line].strip() or line in outline.code_lines):
        line += 1
        if line - 1 in outline.code_lines:
            stop = line
    return stop


def _paragraph_end(outline: Outline, line: int, end: int) -> int:
    while line < end and outline.lines[line].strip():
        line += 1
    return line


def _trim_end(outline: Outline, start: int, stop: int) -> int:
    while stop > start + 1 and not outline.lines[stop - 1].strip():
        stop -= 1
    return stop


def _has_code(outline: Outline, start: int, stop: int) -> bool:
    return any(line in outline.code_lines for line in range(start, stop))


def _next_nonblank(outline: Outline, line: int, end: int) -> int | None:
    return next((i for i in range(line, end) if outline.lines[i].strip()), None)


# --- the answer's label ------------------------------------------------------------------------


def _marker(outline: Outline, start: int, end: int, skip: frozenset[int], weak: bool) -> _Marker | None:
    """The first answer label at or after ``start``: a statement line, or a collapsed answer.
    ``weak`` admits ``The correct answer is …`` (after options only)."""
    for line in range(start, end):
        if line in outline.code_lines or line in skip:
            continue
        raw = outline.lines[line]
        if DETAILS_OPEN.search(raw) and _answer_summary(outline, line, end):
            value, value_line = _value_below(outline, line + 1, end)
            return _Marker(line, value, value_line, True)
        statement = _statement(raw)
        if statement is None:
            continue
        value, strong = statement
        if not strong and not weak:
            continue
        if value:
            return _Marker(line, value, line, strong)
        below, below_line = _value_below(outline, line + 1, end)
        return _Marker(line, below, below_line, strong)
    return None


def _answer_summary(outline: Outline, line: int, end: int) -> bool:
    chunk = "\n".join(outline.lines[line:min(end, line + 3)])
    summary = SUMMARY.search(chunk)
    return summary is not None and _hides_answer(summary_text(summary.group("question")))


def _hides_answer(text: str) -> bool:
    """``Answer``, ``Show the solution``, or a word for "answer" in any language (``Đáp án``)."""
    return bool(ANSWER_SUMMARY.match(text)) or names_answer(text)


def _statement(raw: str) -> tuple[str, bool] | None:
    """``(value, strong)`` when ``raw`` states the answer; strong labels may split a question."""
    text = ANY_TAG.sub("", raw).strip()
    marked = MARKED_CORRECT.match(text)
    if marked:
        return f"{marked.group('refs')}. {marked.group('rest')}".strip(), True
    match = STATEMENT.match(text)
    if not match:
        return None
    value = match.group("value").strip()
    formatted = bool(match.group("quote") or match.group("heading") or match.group("open"))
    sep = (match.group("sep") or "").strip()
    if not sep and value:
        return None  # "Answers vary…": a sentence, not a label
    opened = match.group("open")
    if opened and not match.group("close") and opened in value:  # "**Answer: B.** Because …"
        before, _, after = value.partition(opened)
        value = f"{before.strip()} {after.strip()}".strip()
    return value, sep in (":", "：") or formatted


def _value_below(outline: Outline, start: int, end: int) -> tuple[str, int | None]:
    """A label standing alone names the answer on the next line of text (a nested statement,
    ``#### Answer: D`` in a collapsed block, or a bare reference such as ``B``)."""
    for line in range(start, end):
        raw = outline.lines[line]
        if line in outline.code_lines:
            return "", None
        if not raw.strip() or _is_wrapper(raw):
            continue
        statement = _statement(raw)
        if statement is not None:
            if statement[0]:
                return statement[0], line
            continue
        text = ANY_TAG.sub("", raw).strip().lstrip(">").strip()
        return (text, line) if _is_reference(text) else ("", None)
    return "", None


def _is_reference(text: str) -> bool:
    """``B``, ``(c)``, ``2``, ``A, C``, ``**D.**``: a line that only names options."""
    return bool(re.fullmatch(r"[*_`(]*(?:[A-Za-z]|\d{1,2})(?:\s*[,&/]\s*[A-Za-z])*[)*_`.:]*", text))


# --- building the item -----------------------------------------------------------------------


def _labelled_quiz(outline: Outline, start: int, end: int, dedent: int, skip: frozenset[int],
                   run: _Run, marker: _Marker) -> QuizItem | Unanswered:
    """Options, then an answer label: the front runs up to the label, the back follows it."""
    wrappers = _wrapper_lines(outline, marker.line, end) | {marker.line}
    used = wrappers | ({marker.value_line} if marker.value_line is not None else set())
    explanation = outline.markdown(marker.line, end, dedent, skip | used)
    if not marker.value:
        if explanation:  # "**Answer:**" above the author's own answer: a long question, not a pick
            return _split(outline, start, marker.line, end, dedent, skip, wrappers)
        return Unanswered(NO_ANSWER)
    options = _options(outline, run, dedent, skip)
    choice = resolve(marker.value, options)
    if isinstance(choice, str):
        return Unanswered(choice)
    labels = frozenset(i for i in range(run.end, marker.line) if LABEL_LINE.match(outline.lines[i]))
    front = outline.markdown(start, marker.line, dedent, skip | labels, _front_lines(outline, run))
    return QuizItem(front, back(options, choice, explanation), True)


def _picked_quiz(outline: Outline, start: int, end: int, dedent: int, skip: frozenset[int],
                 run: _Run, mark: str) -> QuizItem | Unanswered | None:
    """Options marked in place: ticked, or (with no label anywhere) the only ones in bold."""
    picked = [i for i, option in enumerate(run.options) if getattr(option, mark)]
    if mark == "emphasised" and len(picked) == len(run.options):
        picked = []
    if not picked:
        return None if run.options[0].kind == "plain" else Unanswered(NO_ANSWER, certain=False)
    options = _options(outline, run, dedent, skip)
    front = outline.markdown(start, run.end, dedent, skip, _front_lines(outline, run))
    explanation = outline.markdown(run.end, end, dedent, skip)
    return QuizItem(front, back(options, Choice(tuple(picked)), explanation), True)


def _long_question(outline: Outline, start: int, end: int, dedent: int, skip: frozenset[int],
                   marker: _Marker | None) -> QuizItem | Unanswered | None:
    """Lines above an explicit answer label belong to the question."""
    if marker is None or not marker.strong:
        return None
    if not any(outline.lines[i].strip() for i in range(start, marker.line) if i not in skip):
        return None  # the label opens the answer: an ordinary answer
    wrappers = _wrapper_lines(outline, marker.line, end) | {marker.line}
    return _split(outline, start, marker.line, end, dedent, skip, wrappers, marker.value)


def _split(outline: Outline, start: int, label: int, end: int, dedent: int, skip: frozenset[int],
           wrappers: Collection[int], lead: str = "") -> QuizItem | Unanswered:
    front = outline.markdown(start, label, dedent, skip)
    after = outline.markdown(label, end, dedent, skip | frozenset(wrappers))
    answer = trim_block("\n\n".join(part for part in (lead, after) if part))
    return QuizItem(front, answer, False) if answer else Unanswered(NO_ANSWER)


def _wrapper_lines(outline: Outline, start: int, end: int) -> frozenset[int]:
    """The collapsed block's own tag lines around an answer (``<details>``, ``<p>``, ``</details>``)."""
    return frozenset(i for i in range(start, end)
                     if i not in outline.code_lines and _is_wrapper(outline.lines[i]))


def _is_wrapper(line: str) -> bool:
    """Only wrapping tags, with at most an answer label (``<summary><b>Answer</b></summary>``)."""
    tags = TAG_NAME.findall(line)
    if not tags or any(tag.lower() not in WRAPPER_TAGS for tag in tags):
        return False
    text = ANY_TAG.sub("", line).strip()
    return not text or (len(text.split()) <= 5 and _hides_answer(text))


def _options(outline: Outline, run: _Run, dedent: int, skip: frozenset[int]) -> list[Option]:
    """Each option with its label and, for the back, its markdown as the front shows it."""
    labels = letters(len(run.options))
    stops = [option.line for option in run.options[1:]] + [run.end]
    out = []
    for option, label, stop in zip(run.options, labels, stops, strict=True):
        first = _shown_first_line(outline, option, label)
        indent = outline.item_indents.get(option.line, 0) if option.item_end is not None else 0
        padded = " " * indent + first
        shown = outline.markdown(option.line, _trim_end(outline, option.line, stop), indent, skip,
                                 {option.line: padded})
        out.append(Option(option.label or label, option.text, shown))
    return out


def _shown_first_line(outline: Outline, option: _Candidate, label: str) -> str:
    """The option's first line without its list marker, as the front shows it: a tick or a plain
    bullet becomes its letter, and bold marking the answer goes."""
    line = outline.lines[option.line]
    marker = LIST_MARKER.match(line) if option.item_end is not None else None
    rest = (line[marker.end():] if marker else line).strip()
    if option.kind == "task":
        rest = TASK.sub("", rest, count=1)
    if option.emphasised:
        plain = _without_emphasis_around(rest, option.text)
        rest = plain if plain != rest or option.kind != "label" else f"{option.label}. {option.text}"
    return rest if option.kind == "label" else f"{label}. {rest}"


def _without_emphasis_around(line: str, text: str) -> str:
    for mark in ("**", "__"):
        if f"{mark}{text}{mark}" in line:
            return line.replace(f"{mark}{text}{mark}", text, 1)
    return line


def _front_lines(outline: Outline, run: _Run) -> dict[int, str]:
    """Option lines as the front shows them: no tick and no bold to give the answer away."""
    labels = letters(len(run.options))
    replaced = {}
    for option, label in zip(run.options, labels, strict=True):
        if option.kind == "label" and not option.emphasised:
            continue
        line = outline.lines[option.line]
        marker = LIST_MARKER.match(line) if option.item_end is not None else None
        lead = line[:marker.end()] if marker else line[:len(line) - len(line.lstrip())]
        replaced[option.line] = lead + _shown_first_line(outline, option, label)
    return replaced


__all__ = ["AMBIGUOUS", "NO_ANSWER", "UNKNOWN_OPTION", "QuizItem", "Unanswered", "find_list_quizzes",
           "quiz_from_key", "read_quiz", "stated_answer"]
