"""Lay out damaged samples in languages other than Python.

Only what the language's own syntax makes certain is restored: JSON is re-printed from its
parse, shell keeps one command a line where a prompt or a ``\\`` continuation shows a line break,
a Dockerfile takes one instruction a line, SQL starts each clause on its own line, brace languages
break after ``;`` and braces. Where the structure cannot be known (flattened YAML) the sample
is reported as unrepaired rather than guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

SHELLS = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session", "terminal"})
BRACE_LANGUAGES = frozenset(
    {"javascript", "js", "typescript", "ts", "java", "c", "cpp", "c++", "csharp", "cs", "css", "php",
     "kotlin", "rust", "go", "swift", "scala", "jsx", "tsx"}
)  # fmt: skip
DOCKER_INSTRUCTIONS = (
    "FROM", "RUN", "COPY", "ADD", "WORKDIR", "ENV", "EXPOSE", "CMD", "ENTRYPOINT", "ARG", "LABEL",
    "USER", "VOLUME", "HEALTHCHECK", "SHELL", "ONBUILD", "STOPSIGNAL", "MAINTAINER",
)  # fmt: skip
SQL_CLAUSES = (
    "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "OFFSET", "UNION ALL", "UNION",
    "VALUES", "SET", "INSERT INTO", "UPDATE", "DELETE FROM", "RETURNING", "ON CONFLICT",
    "LEFT JOIN", "RIGHT JOIN", "INNER JOIN", "OUTER JOIN", "FULL JOIN", "CROSS JOIN", "JOIN",
)  # fmt: skip
_QUOTED = re.compile(r"""'(?:\\.|[^\\'])*'|"(?:\\.|[^\\"])*"|`[^`]*`""")


def relayout(code: str, language: str, damage: str) -> str | None:
    """The sample laid out for its language, or None when its structure cannot be known."""
    language = language.lower()
    if language == "json":
        return _json(code)
    handler = _HANDLERS.get(language)
    if handler is None and language in SHELLS:
        handler = _shell
    if handler is None and language in BRACE_LANGUAGES:
        handler = _braces
    if handler is None:
        return None
    if damage == "dedented" and handler is not _braces:
        return code  # indentation carries no meaning in these languages
    return handler(code)


def _json(code: str) -> str | None:
    try:
        return json.dumps(json.loads(code), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None


def _outside_quotes(code: str, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> str:
    """Apply a substitution only to the parts of the text that are not quoted strings."""
    out: list[str] = []
    last = 0
    for quoted in _QUOTED.finditer(code):
        out.append(pattern.sub(replace, code[last : quoted.start()]))
        out.append(quoted.group())
        last = quoted.end()
    out.append(pattern.sub(replace, code[last:]))
    return "".join(out)


_SHELL_CONTINUATION = re.compile(r"[ \t]+\\[ \t]+")
_SHELL_PROMPT = re.compile(r"[ \t]+(?=\$[ \t])")


def _shell(code: str) -> str:
    """A ``\\`` followed by a space was a line continuation; a ``$`` prompt began a new command."""
    text = _outside_quotes(code.strip(), _SHELL_CONTINUATION, lambda m: " \\\n    ")
    return _outside_quotes(text, _SHELL_PROMPT, lambda m: "\n")


_DOCKER = re.compile(rf"[ \t]+(?=(?:{'|'.join(DOCKER_INSTRUCTIONS)})[ \t])")


def _dockerfile(code: str) -> str:
    text = _outside_quotes(code.strip(), _SHELL_CONTINUATION, lambda m: " \\\n    ")
    return _outside_bracketed(text, _DOCKER, "\n", "[]")


def _outside_bracketed(text: str, pattern: re.Pattern[str], replacement: str, brackets: str) -> str:
    """Substitute only where the match is outside quotes and the given brackets (``"[]"``, ``"()"``)."""
    masked = _QUOTED.sub(lambda m: "\0" * len(m.group()), text)
    depth = 0
    cuts: list[int] = []
    for index, char in enumerate(masked):
        depth += (char == brackets[0]) - (char == brackets[1])
        if depth == 0 and pattern.match(masked, index) and (index == 0 or masked[index - 1] not in " \t"):
            cuts.append(index)
    out: list[str] = []
    last = 0
    for cut in cuts:
        match = pattern.match(masked, cut)
        assert match is not None
        out.append(text[last:cut])
        out.append(replacement)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


_SQL_ALTERNATIVES = "|".join(clause.replace(" ", r"[ \t]+") for clause in SQL_CLAUSES)
_SQL = re.compile(rf"(?<!DELETE)(?<!delete)[ \t]+(?=(?:{_SQL_ALTERNATIVES})\b)", re.IGNORECASE)
_SQL_STATEMENT_END = re.compile(r";[ \t]+")


def _sql(code: str) -> str:
    text = _outside_quotes(code.strip(), _SQL_STATEMENT_END, lambda m: ";\n\n")
    return _outside_bracketed(text, _SQL, "\n", "()")  # subqueries stay on their line


def _braces(code: str) -> str:
    """Break after ``;`` (outside parentheses), after ``{`` and around ``}``; indent by brace depth."""
    masked = _QUOTED.sub(lambda m: "\0" * len(m.group()), code.strip())
    lines: list[str] = []
    current: list[str] = []
    depth = parens = 0
    source = code.strip()

    def flush(level: int) -> None:
        row = "".join(current).strip()
        if row:
            lines.append("    " * max(level, 0) + row)
        current.clear()

    for index, char in enumerate(masked):
        real = source[index]
        if char in "([":
            parens += 1
        elif char in ")]":
            parens = max(parens - 1, 0)
        if char == "}" and parens == 0:
            flush(depth)
            depth -= 1
            current.append(real)
            if not _CLOSER_CONTINUES.match(masked, index + 1):
                flush(depth)
            continue
        current.append(real)
        if char == "{" and parens == 0:
            flush(depth)
            depth += 1
        elif char == ";" and parens == 0:
            flush(depth)
    flush(depth)
    return "\n".join(_join_closers(lines))


_CLOSER_CONTINUES = re.compile(r"\s*(?:[;,)\]]|(?:else|catch|finally|while)\b)")


def _join_closers(lines: list[str]) -> list[str]:
    """``}`` followed by ``;``, ``,`` or ``)`` belongs on the closing line."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() == "}" and line.strip()[:1] in (";", ",", ")"):
            out[-1] = out[-1] + line.strip()
        else:
            out.append(line)
    return out


_HANDLERS: dict[str, Callable[[str], str]] = {
    "dockerfile": _dockerfile,
    "docker": _dockerfile,
    "sql": _sql,
    "postgresql": _sql,
    "mysql": _sql,
    "sqlite": _sql,
}
