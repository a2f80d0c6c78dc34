"""The floor: the least any tool must do to write N notes with highlighted code.

A minimal genanki script: highlight each answer's fenced code with pygments (one lexer and one
formatter reused), escape the prose, write the notes. No markdown, no repair, no dedup. The
benchmark reports qa2anki's time as a ratio to this.
"""

from __future__ import annotations

import html
import re
import sys
import time
from pathlib import Path

import genanki
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

FENCE = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)


def write_floor_deck(qa: list[tuple[str, str]], out: Path) -> float:
    """Write the floor deck; returns its wall time in seconds."""
    start = time.perf_counter()
    lexer, formatter = PythonLexer(), HtmlFormatter()
    model = genanki.Model(1607392319, "floor", fields=[{"name": "Q"}, {"name": "A"}],
                          templates=[{"name": "c", "qfmt": "{{Q}}", "afmt": "{{A}}"}])
    deck = genanki.Deck(2059400110, "floor")
    for index, (question, answer) in enumerate(qa):
        parts, last = [], 0
        for match in FENCE.finditer(answer):
            parts.append(html.escape(answer[last:match.start()]))
            parts.append(highlight(match.group(2), lexer, formatter))
            last = match.end()
        parts.append(html.escape(answer[last:]))
        deck.add_note(genanki.Note(model=model, fields=[html.escape(question), "".join(parts)],
                                   guid=f"floor{index}"))
    genanki.Package(deck).write_to_file(str(out))
    return time.perf_counter() - start


def main() -> None:
    """``python -m bench.floor QA.json OUT.apkg``: used to measure the floor in its own process."""
    import json

    qa = [tuple(pair) for pair in json.loads(Path(sys.argv[1]).read_text())]
    print(f"{write_floor_deck(qa, Path(sys.argv[2])):.4f}")


if __name__ == "__main__":
    main()
