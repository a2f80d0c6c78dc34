"""One set of markdown rules for reading sources and rendering cards: CommonMark as GitHub
reads it (tables, strikethrough) plus the math delimiters of :mod:`.math_spans`.

The markdown reader decides from these rules which lines are code, lists or math, and the
renderer turns answers into HTML with the same rules, so the two never disagree about what
an answer holds. markdown-it-py is the engine for both: it reports each block's source lines
(the reader needs them) and renders an answer in less than half the time Python-Markdown took
with the preprocessors that made it read like GitHub (see docs/performance.md).
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from .math_spans import add_math_rules

#: How deep markdown-it descends into lists and quotes by default (CommonMark's preset): enough
#: for a document's structure, and it bounds the parser's recursion on any input.
STRUCTURE_NESTING = 20


def github_markdown(inline: bool = True, record_math: bool = False,
                    max_nesting: int = STRUCTURE_NESTING) -> MarkdownIt:
    """A parser with GitHub's block and inline rules and math; ``inline=False`` for the block
    structure only (a third of the time, when only lines are wanted); ``record_math`` to
    remember where each formula is (see :func:`.math_spans.math_spans`).

    markdown-it stops parsing past ``max_nesting`` levels and drops what follows, so a renderer
    sets it above the depth its text was flattened to (see :mod:`.nesting`).
    """
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": max_nesting, "xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    add_math_rules(md, record=record_math)
    if not inline:
        md.disable(["inline", "text_join"])
    return md
