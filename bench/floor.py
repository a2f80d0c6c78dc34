"""The floors: the least a tool must do to write N notes with highlighted code.

Two minimal genanki scripts, each reusing one lexer and one formatter:

- **bare**: highlight each answer's fenced code with pygments and escape the prose. No
  markdown, no repair, no dedup.
- **naive**: what a first script would do: Python-Markdown with its ``fenced_code`` and
  ``codehilite`` (pygments) extensions, one converter reused.

The benchmark reports qa2anki's time as a ratio to each.
"""

from __future__ import annotations

import html
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import genanki
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

FENCE = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)


def _bare() -> Callable[[str], str]:
    lexer, formatter = PythonLexer(), HtmlFormatter()

    def render(answer: str) -> str:
        parts, last = [], 0
        for match in FENCE.finditer(answer):
            parts.append(html.escape(answer[last:match.start()]))
            parts.append(highlight(match.group(2), lexer, formatter))
            last = match.end()
        parts.append(html.escape(answer[last:]))
        return "".join(parts)

    return render


def _naive() -> Callable[[str], str]:
    import markdown  # the anki package (a test dependency) brings it

    converter = markdown.Markdown(extensions=["fenced_code", "codehilite"])

    def render(answer: str) -> str:
        converter.reset()
        return converter.convert(answer)

    return render


FLOORS = {"bare": _bare, "naive": _naive}


def write_floor_deck(qa: list[tuple[str, str]], out: Path, kind: str = "bare") -> float:
    """Write the floor deck; returns its wall time in seconds."""
    start = time.perf_counter()
    render = FLOORS[kind]()
    model = genanki.Model(1607392319, "floor", fields=[{"name": "Q"}, {"name": "A"}],
                          templates=[{"name": "c", "qfmt": "{{Q}}", "afmt": "{{A}}"}])
    deck = genanki.Deck(2059400110, "floor")
    for index, (question, answer) in enumerate(qa):
        deck.add_note(genanki.Note(model=model, fields=[html.escape(question), render(answer)],
                                   guid=f"floor{index}"))
    genanki.Package(deck).write_to_file(str(out))
    return time.perf_counter() - start


def main() -> None:
    """``python -m bench.floor QA.json OUT.apkg [bare|naive]``: one floor in its own process."""
    import json

    qa = [tuple(pair) for pair in json.loads(Path(sys.argv[1]).read_text())]
    kind = sys.argv[3] if len(sys.argv) > 3 else "bare"
    print(f"{write_floor_deck(qa, Path(sys.argv[2]), kind):.4f}")


if __name__ == "__main__":
    main()
