"""Choose an indentation level for every logical line of Python whose indentation was lost.

A bounded beam search walks the lines once. Each step may stay in the current block or close
some of the open ones; the grammar of blocks (a header needs a body, ``else`` needs its ``if``,
a decorator needs its ``def``) prunes, and small costs rank what is left by how code is usually
written: a ``return`` ends its block, a function without ``self`` is not a method, code that
calls a function is not inside it. The caller checks the winners with the real parser.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from .pylines import CLAUSE_FOLLOWS, COMPOUND, METHOD_DECORATORS, NESTED_CLASSES, Line, Row

BEAM_WIDTH = 24
INDENT = "    "
CONTROL = frozenset({"if", "elif", "else", "for", "while", "with", "try", "except", "finally", "else-try"})
LOOPS = frozenset({"for", "while"})


class Frame(NamedTuple):
    kind: str  # the head of the line that opened the block ("else-try" for try's else)
    name: str = ""  # what a def or class binds
    inline: bool = False  # the body sat on the header's own line: nothing may be indented under it


class _State(NamedTuple):
    frames: tuple[Frame, ...] = ()
    pending: bool = False  # the previous line opened a block that still needs its body
    after_terminal: bool = False
    after_decorator: bool = False

    @property
    def top(self) -> int:
        """The deepest level the next line may take."""
        if self.frames and self.frames[-1].inline:
            return len(self.frames) - 1
        return len(self.frames)


def layouts(lines: list[Line], limit: int = 6) -> list[tuple[float, tuple[int, ...]]]:
    """The cheapest indentation levels for the code lines, best first (levels for every line)."""
    code = [index for index, line in enumerate(lines) if line.is_code]
    decorators = _decorators_above(lines, code)
    beam: dict[_State, tuple[float, tuple[int, ...]]] = {_State(): (0.0, ())}
    defined: set[str] = set()
    for position, index in enumerate(code):
        following = lines[code[position + 1]] if position + 1 < len(code) else None
        defined.add(lines[index].defines)
        ends_function = _leaves_definitions(following, defined)
        line = lines[index]
        grown: dict[_State, tuple[float, tuple[int, ...]]] = {}
        for state, (cost, levels) in beam.items():
            moves = _moves(state, line, decorators.get(index, frozenset()), ends_function)
            for level, step_cost, new_state in moves:
                total = cost + step_cost
                known = grown.get(new_state)
                if known is None or total < known[0]:
                    grown[new_state] = (total, levels + (level,))
        if not grown:
            return []
        beam = dict(sorted(grown.items(), key=lambda kv: kv[1][0])[:BEAM_WIDTH])
    finished = sorted(
        (cost, levels)
        for state, (cost, levels) in beam.items()
        if not state.pending and not state.after_decorator
    )
    return [(cost, _spread(lines, code, levels)) for cost, levels in finished[:limit]]


def render(lines: list[Line], levels: tuple[int, ...]) -> str:
    """The text of the lines at their levels, four spaces a level."""
    out: list[str] = []
    for line, level in zip(lines, levels, strict=True):
        out.extend(_row_text(row, level) for row in line.rows)
    return "\n".join(out)


def _row_text(row: Row, level: int) -> str:
    if row.steps is None or not row.text:
        return row.text
    return INDENT * (level + row.steps) + row.text


def _spread(lines: list[Line], code: list[int], levels: tuple[int, ...]) -> tuple[int, ...]:
    """Levels for every line: comments and blanks take the level of the next code line."""
    by_index = dict(zip(code, levels, strict=True))
    result = [0] * len(lines)
    following = 0
    for index in range(len(lines) - 1, -1, -1):
        if index in by_index:
            following = by_index[index]
        result[index] = following
    trailing = max(code) if code else -1
    for index in range(trailing + 1, len(lines)):
        result[index] = by_index[trailing] if trailing >= 0 else 0
    return tuple(result)


def _decorators_above(lines: list[Line], code: list[int]) -> dict[int, frozenset[str]]:
    """For each def line, the names used in the decorators right above it."""
    found: dict[int, frozenset[str]] = {}
    names: set[str] = set()
    for index in code:
        line = lines[index]
        if line.is_decorator:
            names |= line.decorator_names
            continue
        if line.head == "def":
            found[index] = frozenset(names)
        names = set()
    return found


def _moves(
    state: _State, line: Line, decorators: frozenset[str], ends_function: bool
) -> Iterator[tuple[int, float, _State]]:
    """Every level the line may take from this state, with its cost and the state after it."""
    if state.after_decorator and not (line.is_decorator or line.head in ("def", "class")):
        return
    if state.pending or state.after_decorator:
        candidates = [state.top]
        if state.pending and line.clause:
            return
    else:
        candidates = list(range(state.top, -1, -1))
    for level in candidates:
        frames = state.frames[:level]
        if line.clause:
            if level >= len(state.frames) or not _clause_fits(line.clause, state.frames[level].kind):
                continue
            cost = 0.5 * sum(
                1 for f in state.frames[level + 1 :] if _clause_fits(line.clause, f.kind) and not f.inline
            )
            follows_except = line.clause == "else" and state.frames[level].kind == "except"
            kind = "else-try" if follows_except else line.clause
        else:
            cost = _closing_cost(state, line, level, ends_function)
            kind = line.head
        cost += _placement_cost(frames, line, decorators)
        if line.head in COMPOUND:
            frames = frames + (Frame(kind, line.defines, inline=not line.opens),)
        yield level, cost, _State(frames, line.opens, line.terminal, line.is_decorator)


def _leaves_definitions(following: Line | None, defined: set[str]) -> bool:
    """Whether the next line clearly stands outside the functions before it."""
    if following is None or following.head in ("def", "class", "@"):
        return True
    return bool(following.names & defined)


def _clause_fits(clause: str, frame_kind: str) -> bool:
    return frame_kind in CLAUSE_FOLLOWS[clause]


def _closing_cost(state: _State, line: Line, level: int, ends_function: bool) -> float:
    """What closing ``top - level`` blocks costs: free after a return, dear otherwise."""
    closed = state.top - level
    if state.pending or state.after_decorator:
        return 0.0
    if state.after_terminal:
        # a definition after a return usually starts afresh at module or class level
        extra = 0.2 if line.head in ("def", "class", "@") else 0.7
        return 3.0 if closed == 0 else extra * (closed - 1)
    if ends_function and line.head == "return" and _in_control_of_function(state.frames[: state.top]):
        # a function's last return, after a branch's last statement, usually returns from the function
        stays_in_control = level > 0 and state.frames[level - 1].kind in CONTROL
        return (0.6 if stays_in_control else 0.0) + 0.4 * closed
    return 0.8 * closed + _return_in_loop_cost(state, line, level)


def _return_in_loop_cost(state: _State, line: Line, level: int) -> float:
    """A return as a loop's (or finally's) last statement would end the loop at once: rare."""
    enclosing = state.frames[level - 1].kind if level > 0 else ""
    return 0.6 if line.head == "return" and enclosing in ("for", "while", "finally") else 0.0


def _in_control_of_function(frames: tuple[Frame, ...]) -> bool:
    return bool(frames) and frames[-1].kind in CONTROL and any(f.kind == "def" for f in frames)


def _placement_cost(frames: tuple[Frame, ...], line: Line, decorators: frozenset[str]) -> float:
    """How unusual the line is where it stands, whatever the previous line was."""
    cost = 0.0
    enclosing = frames[-1].kind if frames else ""
    if line.head == "def":
        method_like = line.first_param in ("self", "cls") or bool(decorators & METHOD_DECORATORS)
        cost += _def_cost(enclosing, method_like)
    elif line.head == "class":
        nested_ok = line.defines in NESTED_CLASSES
        cost += {"": 0.0, "class": 0.0 if nested_ok else 1.5}.get(enclosing, 2.5)
    elif line.annotated_field and enclosing != "class":
        cost += 0.5
    for frame in frames:
        if frame.kind in ("def", "class") and frame.name and frame.name in line.names:
            cost += 3.0  # code that uses a function or class is rarely inside it
    if line.head == "return" and not any(f.kind == "def" for f in frames):
        cost += 5.0
    if line.head in ("break", "continue") and not any(f.kind in LOOPS for f in frames):
        cost += 5.0
    return cost


def _def_cost(enclosing: str, method_like: bool) -> float:
    """Functions live at module level, methods in classes; nested functions are the exception."""
    if enclosing == "":
        return 2.0 if method_like else 0.0
    if enclosing == "class":
        return 0.0 if method_like else 2.5
    if enclosing == "def":
        return 1.5 + (2.0 if method_like else 0.0)
    return 2.5
