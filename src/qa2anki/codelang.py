"""Name the language of a code block that came without one, so it can be highlighted.

Cheap, specific checks run first (JSON that parses, shell commands and prompts, Dockerfile
instructions, SQL statements, Python that parses and looks like Python, YAML mappings, brace
languages); pygments' own guess is trusted only for the few lexers whose guess is reliable.
Anything that reads like prose gets no label: a wrong label is worse than none.
"""

from __future__ import annotations

import ast
import json
import re

import yaml
from pygments.lexers import guess_lexer
from pygments.util import ClassNotFound

SHELL_COMMANDS = frozenset(
    {"pip", "pip3", "python", "python3", "uvicorn", "gunicorn", "hypercorn", "docker", "docker-compose",
     "curl", "wget", "git", "npm", "npx", "yarn", "pnpm", "node", "cd", "ls", "mkdir", "rm", "cp", "mv",
     "cat", "echo", "export", "source", "sudo", "apt", "apt-get", "brew", "poetry", "pipenv", "conda",
     "uv", "pytest", "kubectl", "helm", "alembic", "celery", "redis-cli", "psql", "mysql", "make",
     "chmod", "chown", "ssh", "scp", "tar", "grep", "sed", "awk", "http", "fastapi", "django-admin",
     "flask", "virtualenv", "venv", "touch", "set", "env", "nohup", "systemctl", "openssl", "ab", "wrk",
     "locust", "mypy", "ruff", "black", "flake8", "pre-commit", "tox", "nox", "hatch", "twine"}
)  # fmt: skip
_PROMPT = re.compile(r"^\s*(?:\$|>|PS>|#)\s+\S")
_DOCKER_LINE = re.compile(
    r"^\s*(?:FROM|RUN|COPY|ADD|WORKDIR|ENV|EXPOSE|CMD|ENTRYPOINT|ARG|LABEL|USER|VOLUME|HEALTHCHECK)\s"
)
_SQL_START = re.compile(r"^\s*(?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX|VIEW)|"
                        r"ALTER\s+TABLE|DROP\s+TABLE|WITH\s+\w+\s+AS)\b", re.IGNORECASE)  # fmt: skip
_SQL_BODY = re.compile(r"\b(?:FROM|INTO|TABLE|SET|VALUES|WHERE|INDEX|VIEW)\b", re.IGNORECASE)
_PYTHON_MARKS = re.compile(
    r"^\s*(?:(?:async\s+)?def\s+\w+\s*\(|class\s+\w+\s*[(:]|import\s+\w|from\s+[\w.]+\s+import\s|@[\w.]+|"
    r"(?:if|elif|while|for|with|try|except|else|finally)\b.*:\s*(?:#.*)?$|return\b|raise\b|yield\b|"
    r"print\(|[\w.\[\]\"']+\s*(?::\s*[\w\[\], |.]+)?\s*=\s*\S)",
    re.MULTILINE,
)
_STRONG_PYTHON = re.compile(
    r"^\s*(?:(?:async\s+)?def\s+\w+\s*\(.*\)\s*(?:->.*)?:|class\s+\w+.*:|import\s+\w[\w.]*\s*$|"
    r"from\s+[\w.]+\s+import\s+\w)",
    re.MULTILINE,
)
_YAML_LINE = re.compile(r"^\s*(?:-\s+)?[\w.\-\"']+:(?:\s.*)?$")
_BRACE_LANGUAGE = re.compile(
    r"\b(?:const|let|var)\s+\w+\s*=|\bfunction\s*\w*\s*\(|=>|console\.\w+\(|\bfetch\("
)
_HTML = re.compile(
    r"^\s*<(?:!DOCTYPE\s+html|html|head|body|div|span|p|a|ul|ol|li|table|form|input|button|script|style"
    r"|h[1-6]|template|section|nav|img|link|meta)\b",
    re.IGNORECASE,
)
_HTTP = re.compile(r"^\s*(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+\S+\s+HTTP/\d", re.MULTILINE)
#: pygments lexers whose guess is specific enough to trust.
TRUSTED_GUESSES = frozenset({"html", "xml", "http", "diff", "nginx", "ini", "toml", "docker", "makefile"})
UNLABELLED = frozenset({"", "text", "plain", "plaintext", "txt", "none"})


def guess_language(code: str) -> str | None:
    """A language label for the block (a pygments alias), or None when it is not clearly code."""
    text = code.strip()
    if not text or _reads_like_prose(text):
        return None
    for check in (_json, _http, _html, _shell, _dockerfile, _sql, _python, _yaml, _brace_language):
        label = check(text)
        if label:
            return label
    return _pygments_guess(text)


def _reads_like_prose(text: str) -> bool:
    """Sentences of ordinary words, with hardly any of the punctuation code is made of."""
    words = text.split()
    if len(words) < 6:
        return False
    symbols = sum(text.count(c) for c in "(){}[]=<>;:_/\\$#@\"'`|")
    plain = sum(1 for w in words if re.fullmatch(r"[A-Za-z][a-z]*[,.;:!?]?", w))
    sentences = bool(re.search(r"[a-z]\.(\s|$)", text))
    return plain / len(words) > 0.7 and symbols / len(words) < 0.25 and sentences


def _json(text: str) -> str | None:
    if text[0] not in "{[":
        return None
    try:
        json.loads(text)
    except ValueError:
        return None
    return "json"


def _html(text: str) -> str | None:
    return "html" if _HTML.match(text) and text.rstrip().endswith(">") else None


def _http(text: str) -> str | None:
    return "http" if _HTTP.match(text) else None


def _shell(text: str) -> str | None:
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#!")]
    commands = sum(1 for line in lines if _PROMPT.match(line) or _first_word(line) in SHELL_COMMANDS)
    if commands and commands * 2 >= len(lines) and not _parses_as_python(text):
        return "bash"
    return None


def _first_word(line: str) -> str:
    word = line.strip().split(maxsplit=1)[0] if line.strip() else ""
    return word


def _dockerfile(text: str) -> str | None:
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    hits = sum(1 for line in lines if _DOCKER_LINE.match(line))
    return "dockerfile" if hits >= 2 and hits * 2 >= len(lines) else None


def _sql(text: str) -> str | None:
    return "sql" if _SQL_START.match(text) and _SQL_BODY.search(text) else None


def _python(text: str) -> str | None:
    marks = len(_PYTHON_MARKS.findall(text))
    if marks and _parses_as_python(text):
        return "python"
    if len(_STRONG_PYTHON.findall(text)) >= 2:
        return "python"  # damaged (dedented) Python that no longer parses
    return None


def _parses_as_python(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _yaml(text: str) -> str | None:
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) < 2 or sum(1 for line in lines if _YAML_LINE.match(line)) * 2 < len(lines):
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return "yaml" if isinstance(data, dict | list) else None


def _brace_language(text: str) -> str | None:
    return "javascript" if _BRACE_LANGUAGE.search(text) and re.search(r"[;{}]", text) else None


def _pygments_guess(text: str) -> str | None:
    try:
        lexer = guess_lexer(text)
    except (ClassNotFound, ValueError):
        return None
    return next((alias for alias in lexer.aliases if alias in TRUSTED_GUESSES), None)
