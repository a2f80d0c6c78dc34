"""Obsidian notes with flashcards in the spaced-repetition plugin's syntax.

Cards live inside ordinary notes, between prose that is no card:

- ``Question::Answer`` on one line; ``Question:::Answer`` is the plugin's reversible card,
  kept here as one card, front to back (a diagnostic says so);
- a block of lines with ``?`` (``??``: reversible) alone on a line between the question and
  the answer; the block ends at a blank line outside code fences, or after the plugin's
  ``<!--SR:…-->`` scheduling comment. A ``?`` with blank lines around it joins the paragraph
  above to the block below, as writers mean it;
- a paragraph with ``==highlights==``: a cloze card, the highlights hidden on the front.

A tag line (``#flashcards/topic/sub``) files the cards below it (until the next tag line)
under that deck path, the topic; other tags on it become the cards' tags. A tag at the start
of a card's line applies to that card only. Without a deck path a card's topic is the
heading above it. Scheduling comments, front matter, tag lines, headings and prose are
reported as skipped regions, never lost silently. Wikilinks show their text; an answer that
is only an embedded note (``![[Note#Part]]``) is dropped: its text lives in another file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from mdit_py_plugins.front_matter import front_matter_plugin

from ..gfm import github_markdown
from ..models import Diagnostic, Dropped, Item, Skipped, SourceResult
from ._text.refs import RefAllocator, slug
from ._text.regions import skipped_regions
from .base import Adapter

DECK_TAGS = ("flashcards", "flashcard")
MULTI_SEPARATORS = ("?", "??")
SR_COMMENT = re.compile(r"<!--SR:[^<>\n]{0,200}?-->")
HTML_COMMENT = re.compile(r"<!--(?:[^-]|-(?!->)){0,2000}?-->")
TAG = re.compile(r"#[^\s#]+")
TAG_LINE = re.compile(r"[ \t]*#[^\s#]+(?:[ \t]+#[^\s#]+)*[ \t]*")
LEADING_TAGS = re.compile(r"^[ \t]*((?:#[^\s#]+[ \t]+)+)(?=\S)")
HIGHLIGHT = re.compile(r"==(?=[^\s=])((?:[^=\n]|=(?!=)){1,2000}?)(?<=\S)==")
EMBED = re.compile(r"!\[\[([^\[\]|\n]{1,500})(?:\|[^\[\]\n]{0,500})?\]\]")
WIKILINK = re.compile(r"\[\[([^\[\]|\n]{1,500})(?:\|([^\[\]\n]{0,500}))?\]\]")
BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".avif", ".svg")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
BACKTICKS = re.compile(r"`+")

_PARSER = github_markdown(inline=False).use(front_matter_plugin)


@dataclass(frozen=True)
class _Context:
    """What the lines above a block say about its cards."""

    deck: tuple[str, ...] = ()  # the flashcards tag's path below ``#flashcards``
    tags: tuple[str, ...] = ()  # the last tag line's other tags
    heading: str = ""
    note_tags: tuple[str, ...] = ()  # the front matter's: every card of the note has them


@dataclass(frozen=True)
class _Block:
    start: int  # 0-based, first line
    end: int  # exclusive
    context: _Context
    joined: bool  # only blank lines (no heading or tag line) separate it from the block above


@dataclass
class _Note:
    """One note's lines and what reading them found."""

    lines: list[str]
    source: str
    code: set[int] = field(default_factory=set)
    headings: dict[int, str] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # line -> reason
    used: set[int] = field(default_factory=set)  # lines on a card or dropped
    reversible: list[int] = field(default_factory=list)
    refs: RefAllocator = field(default_factory=RefAllocator)


def sniff(text: str) -> float:
    """Sure when a note tagged for flashcards (or carrying the plugin's scheduling comments)
    holds several cards."""
    tagged = re.search(r"(?:^|\s)#flashcards?(?:/|\s|$)", text, re.MULTILINE) or "<!--SR:" in text or (
        re.search(r"^tags:.*\bflashcards?\b", text[:2000], re.MULTILINE))
    if not tagged:
        return 0.0
    cards = len(re.findall(r"^[ \t]*\?\??[ \t]*$", text, re.MULTILINE))
    cards += len(re.findall(r"^(?![ \t]*[|>])[^\n`]*?\S[ \t]*:::?[ \t]*\S", text, re.MULTILINE))
    return 0.95 if cards >= 2 else 0.6 if cards == 1 else 0.0


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    note = _Note(text.split("\n"), source)
    start, context = _structure(note, text)
    blocks = _blocks(note, start, context)
    _cards(note, blocks)
    diagnostics = []
    if note.reversible:
        diagnostics.append(Diagnostic(
            source, note.reversible[0] + 1, f"{len(note.reversible)} reversible cards (::: or ??) kept as "
            "one card each, front to back: qa2anki makes no reverse cards", severity="info"))
    return SourceResult(source, "obsidian-cards", tuple(note.items), tuple(note.dropped),
                        tuple(diagnostics), _skipped_regions(note))


# --- structure ---------------------------------------------------------------------------------


def _structure(note: _Note, text: str) -> tuple[int, _Context]:
    """Parse once with markdown-it: fence and heading lines; the front matter's tags, if any."""
    start, context = 0, _Context()
    for index, token in enumerate(tokens := _PARSER.parse(text)):
        if not token.map:
            continue
        if token.type == "front_matter":
            start = token.map[1]
            note.skipped.update(dict.fromkeys(range(token.map[0], start), "front-matter"))
            context = _tags_context(_yaml_tags(token.content), context)
            context = replace(context, note_tags=context.tags, tags=())
        elif token.type == "fence":
            note.code.update(range(*token.map))
        elif token.type == "heading_open" and note.lines[token.map[0]].lstrip().startswith("#"):
            note.headings[token.map[0]] = HTML_COMMENT.sub("", tokens[index + 1].content).strip()
    return start, context


def _yaml_tags(front_matter: str) -> list[str]:
    try:
        data = yaml.safe_load(front_matter)
    except yaml.YAMLError:
        return []
    tags = data.get("tags") if isinstance(data, dict) else None
    if isinstance(tags, str):
        tags = re.split(r"[,\s]+", tags)
    return [f"#{str(tag).lstrip('#')}" for tag in tags or [] if str(tag).strip()]


def _tags_context(tags: list[str], context: _Context) -> _Context:
    """A tag line's tags: the deck path of its flashcards tag, the rest as the cards' tags."""
    deck: tuple[str, ...] | None = None
    other = []
    for tag in tags:
        parts = [part for part in tag.lstrip("#").split("/") if part]
        if parts and parts[0].casefold() in DECK_TAGS:
            deck = deck if deck is not None else tuple(parts[1:])
        elif parts:
            other.append("::".join(parts))
    if deck is None and not other:
        return context
    return replace(context, deck=context.deck if deck is None else deck, tags=tuple(other) or context.tags)


def _blocks(note: _Note, start: int, context: _Context) -> list[_Block]:
    """Runs of lines between blank lines, headings and tag lines (blank lines inside a fence do not
    end a run; a scheduling comment does), each with what the lines above say."""
    blocks: list[_Block] = []
    index, joined = start, False
    lines = note.lines
    while index < len(lines):
        line = lines[index]
        if index in note.headings:
            note.skipped[index] = "section-title"
            context, joined = replace(context, heading=note.headings[index]), False
        elif index not in note.code and TAG_LINE.fullmatch(line):
            note.skipped[index] = "tags"
            context, joined = _tags_context(TAG.findall(line), context), False
        elif line.strip() or index in note.code:
            end = _block_end(note, index)
            blocks.append(_Block(index, end, context, joined and bool(blocks)))
            index, joined = end, True
            continue
        index += 1
    return blocks


def _block_end(note: _Note, start: int) -> int:
    index = start
    while index < len(note.lines):
        line = note.lines[index]
        if index not in note.code and (not line.strip() or index in note.headings
                                       or TAG_LINE.fullmatch(line)):
            break
        index += 1
        if SR_COMMENT.fullmatch(line.strip()):
            break
    return index


# --- cards ------------------------------------------------------------------------------------


def _cards(note: _Note, blocks: list[_Block]) -> None:
    consumed: set[int] = set()
    for position, block in enumerate(blocks):
        if position in consumed:
            continue
        separator = next((i for i in range(block.start, block.end) if _is_separator(note, i)), None)
        if separator is not None:
            consumed |= _multiline(note, blocks, position, separator)
        else:
            _single_lines(note, block)


def _multiline(note: _Note, blocks: list[_Block], position: int, separator: int) -> set[int]:
    """The card a ``?`` line makes; the blocks it took besides its own."""
    block, taken = blocks[position], set()
    question_start, answer_end = block.start, block.end
    above = blocks[position - 1] if position > 0 else None
    if question_start == separator and block.joined and above and _is_prose(note, above):
        question_start = blocks[position - 1].start  # its question is the paragraph above
    following = blocks[position + 1] if position + 1 < len(blocks) else None
    if separator == block.end - 1 and following and following.joined and not _has_separator(note, following):
        answer_end, taken = following.end, {position + 1}  # its answer is the block below
    if note.lines[separator].strip() == "??":
        note.reversible.append(separator)
    question_lines = [i for i in range(question_start, separator) if note.lines[i].strip() or i in note.code]
    answer_lines = [i for i in range(separator + 1, answer_end)]
    _multiline_card(note, block.context, question_lines, answer_lines, question_start, answer_end - 1)
    for index in range(question_start, answer_end):
        note.skipped.pop(index, None)
    return taken


def _has_separator(note: _Note, block: _Block) -> bool:
    return any(_is_separator(note, i) for i in range(block.start, block.end))


def _is_separator(note: _Note, index: int) -> bool:
    return index not in note.code and note.lines[index].strip() in MULTI_SEPARATORS


def _is_prose(note: _Note, block: _Block) -> bool:
    """A block still free to be a question: no card was made of its lines."""
    return not any(i in note.used for i in range(block.start, block.end)) and not _has_separator(note, block)


def _single_lines(note: _Note, block: _Block) -> None:
    """``Q::A`` lines, each a card (a scheduling comment below it belongs to it); other lines are a
    cloze card when they highlight, else notes."""
    rest: list[int] = []
    index = block.start
    while index < block.end:
        split = None if index in note.code else _inline_split(note.lines[index])
        if split is None:
            rest.append(index)
            index += 1
            continue
        commented = index + 1 < block.end and SR_COMMENT.fullmatch(note.lines[index + 1].strip())
        end = index + 1 if commented else index
        _inline_card(note, block.context, index, end, split)
        index = end + 1
    if rest and not any(i in note.used for i in range(block.start, block.end)) and _highlights(note, rest):
        _cloze(note, block.context, rest)
        return
    for line in rest:
        comment = HTML_COMMENT.fullmatch(note.lines[line].strip())
        note.skipped.setdefault(line, "comment" if comment else "notes")


def _inline_split(line: str) -> tuple[str, str, bool] | None:
    """(question, answer, reversible) of a ``Q::A`` line; None when the line is no such card."""
    if line.lstrip().startswith(("|", ">", "<!--")):
        return None
    at = _masked(line).find("::")
    if at < 0:
        return None
    reversible = line.startswith(":::", at)
    width = 3 if reversible else 2
    return line[:at], line[at + width:], reversible


def _inline_card(note: _Note, context: _Context, line: int, end: int,
                 split: tuple[str, str, bool]) -> None:
    question, answer, reversible = split
    own_tags = LEADING_TAGS.match(question)
    if own_tags:
        context = _tags_context(TAG.findall(own_tags.group(1)), context)
        question = question[own_tags.end():]
    if reversible:
        note.reversible.append(line)
    _keep(note, context, _text([question]), _text([SR_COMMENT.sub("", answer)]), "", line, end,
          {"reversible": "yes"} if reversible else {})


def _highlights(note: _Note, lines: list[int]) -> bool:
    return any(HIGHLIGHT.search(_masked(note.lines[i])) for i in lines if i not in note.code)


def _cloze(note: _Note, context: _Context, lines: list[int]) -> None:
    text = _text([note.lines[i] for i in lines], highlight=False)
    question = _outside_code(text, lambda part: HIGHLIGHT.sub("[...]", part))
    answer = _outside_code(text, lambda part: HIGHLIGHT.sub(r"**\1**", part))
    _keep(note, context, question, answer, "", lines[0], lines[-1], {"cloze": "yes"})


def _multiline_card(note: _Note, context: _Context, question_lines: list[int], answer_lines: list[int],
         first: int, last: int) -> None:
    """A multi-line card: code in the question is its prompt (shown on the front)."""
    fence = next((i for i in question_lines if i in note.code), None)
    asked = [i for i in question_lines if fence is None or i < fence]
    prompt = [i for i in question_lines if fence is not None and i >= fence]
    if not asked:
        asked, prompt = question_lines, []
    question_tags = LEADING_TAGS.match(note.lines[asked[0]]) if asked else None
    lines = [note.lines[i] for i in asked]
    if question_tags:
        context = _tags_context(TAG.findall(question_tags.group(1)), context)
        lines[0] = lines[0][question_tags.end():]
    answer = [note.lines[i] for i in answer_lines if not SR_COMMENT.fullmatch(note.lines[i].strip())]
    _keep(note, context, _text(lines), _text([SR_COMMENT.sub("", line) for line in answer]),
          _text([note.lines[i] for i in prompt]), first, last, {})


def _keep(note: _Note, context: _Context, question: str, answer: str, prompt: str, first: int, last: int,
          meta: dict[str, str]) -> None:
    note.used.update(range(first, last + 1))
    ref = note.refs(slug(question))
    if not question:
        note.dropped.append(Dropped(note.source, ref, first + 1, "no-question", "", end_line=last + 1))
        return
    if not answer:
        reason = "embedded-note" if EMBED.search(_joined(note, first, last)) else "empty-answer"
        note.dropped.append(Dropped(note.source, ref, first + 1, reason, question, end_line=last + 1))
        return
    parts = [*context.deck, *([context.heading] if context.heading else [])]
    if parts:
        meta = {"topic": parts[0], **({"subtopic": "/".join(parts[1:])} if parts[1:] else {}), **meta}
    tags = tuple(dict.fromkeys(context.note_tags + context.tags))
    note.items.append(Item(question=question, answer=answer, source=note.source, ref=ref, line=first + 1,
                           end_line=last + 1, meta=meta, tags=tags, prompt=prompt))


def _joined(note: _Note, first: int, last: int) -> str:
    return "\n".join(note.lines[first:last + 1])


# --- text -------------------------------------------------------------------------------------


def _text(lines: list[str], highlight: bool = True) -> str:
    """Card markdown from note lines: wikilinks as their text, note embeds named (an answer that is
    nothing else comes out empty), image embeds as images, highlights marked, block ids gone."""
    text = "\n".join(BLOCK_ID.sub("", line.rstrip()) for line in lines).strip("\n")
    text = _outside_code(text, lambda part: _obsidian_markup(part, highlight))
    return text.strip()


def _obsidian_markup(text: str, highlight: bool) -> str:
    if not EMBED.sub("", text).strip() and not any(
            m.group(1).lower().endswith(IMAGE_SUFFIXES) for m in EMBED.finditer(text)):
        return ""  # nothing but embedded notes: the text is elsewhere
    text = EMBED.sub(_embed, text)
    text = WIKILINK.sub(lambda m: (m.group(2) or m.group(1).replace("#", " › ")).strip(), text)
    return HIGHLIGHT.sub(r"<mark>\1</mark>", text) if highlight else text


def _embed(match: re.Match[str]) -> str:
    target = match.group(1).strip()
    if target.lower().endswith(IMAGE_SUFFIXES):
        return f"![{target}]({target.replace(' ', '%20')})"
    return f"*{target.replace('#', ' › ')}*"


def _outside_code(text: str, change) -> str:  # type: ignore[no-untyped-def]
    """``change`` applied to the text outside fences and code spans."""
    out: list[str] = []
    prose: list[str] = []
    fence = ""
    for line in text.split("\n"):
        marker = FENCE.match(line)
        if fence or marker:
            if prose:
                out.append(_outside_spans("\n".join(prose), change))
                prose = []
            out.append(line)
            if marker and (not fence or marker.group(1).startswith(fence)):
                fence = "" if fence else marker.group(1)
            continue
        prose.append(line)
    if prose:
        out.append(_outside_spans("\n".join(prose), change))
    return "\n".join(out)


def _outside_spans(text: str, change) -> str:  # type: ignore[no-untyped-def]
    parts, last = [], 0
    for start, end in _code_spans(text):
        parts.append(change(text[last:start]) if start > last else "")
        parts.append(text[start:end])
        last = end
    parts.append(change(text[last:]) if last < len(text) else "")
    return "".join(parts)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text``'s code spans are, as CommonMark pairs backtick runs: a run closes at the next
    run of the same length; one with none is literal. Linear in the runs, however they nest."""
    runs = [(match.start(), match.end()) for match in BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans, index = [], 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        later = bisect_right(same, index)
        if later < len(same):
            spans.append((start, runs[same[later]][1]))
            index = same[later] + 1
        else:
            index += 1
    return spans


def _masked(line: str) -> str:
    """``line`` with its code spans blanked, so nothing inside them reads as card syntax."""
    out, last = [], 0
    for start, end in _code_spans(line):
        out += [line[last:start], "\0" * (end - start)]
        last = end
    return "".join([*out, line[last:]])


def _skipped_regions(note: _Note) -> tuple[Skipped, ...]:
    """Lines on no card, merged into regions of one reason (blank lines between are part of them)."""
    marks = ((line, note.skipped[line]) for line in sorted(set(note.skipped) - note.used))
    return skipped_regions(note.source, note.lines, marks)


ADAPTER = Adapter(
    name="obsidian-cards",
    summary="Obsidian notes with spaced-repetition flashcards: Q::A lines, ? blocks, ==cloze==, #flashcards",
    sniff=sniff,
    read=read,
)
