"""Name the language of a whole code block that came without one, so it can be highlighted.

The line-level recognisers the scraped-text adapters use (:mod:`qa2anki.codetext`) do most of
the work; this module adds what only a whole block shows (an HTTP request, a YAML mapping that
parses) and pygments' guess for the few lexers whose guess is reliable. Anything that reads like
prose gets no label: a wrong label is worse than none.
"""

from __future__ import annotations

import re

import yaml
from pygments.lexers import find_lexer_class_by_name

from ..codetext import guess_language as vote_language
from ..codetext import looks_like_prose

_HTTP = re.compile(r"^\s*(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+\S+\s+HTTP/\d")
_YAML_LINE = re.compile(r"^\s*(?:-\s+)?[\w.\-\"']+:(?:\s.*)?$")
#: pygments lexers whose guess is specific enough to trust.
TRUSTED_GUESSES = frozenset({"html", "xml", "http", "diff", "nginx", "ini", "toml", "docker", "makefile"})
#: How sure a trusted lexer must be (pygments' ``analyse_text`` scale, 0.0-1.0).
MIN_GUESS_SCORE = 0.3
#: Fence info strings that name no language.
UNLABELLED = frozenset({"", "text", "plain", "plaintext", "txt", "none"})


def guess_language(code: str) -> str | None:
    """A language label for the block (a pygments alias), or None when it is not clearly code."""
    text = code.strip()
    if not text or all(looks_like_prose(line) for line in text.splitlines() if line.strip()):
        return None
    if _HTTP.match(text):
        return "http"
    voted = vote_language(text.splitlines())
    if voted != "text":
        return voted
    return _yaml(text) or _pygments_guess(text)


def _yaml(text: str) -> str | None:
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) < 2 or sum(1 for line in lines if _YAML_LINE.match(line)) * 2 < len(lines):
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return "yaml" if isinstance(data, dict | list) else None


def _pygments_guess(text: str) -> str | None:
    """Ask only the trusted lexers: pygments' ``guess_lexer`` asks all 500+ (half a second)."""
    best, best_score = None, MIN_GUESS_SCORE
    for alias in sorted(TRUSTED_GUESSES):
        score = find_lexer_class_by_name(alias).analyse_text(text)
        if score > best_score:
            best, best_score = alias, score
    return best
