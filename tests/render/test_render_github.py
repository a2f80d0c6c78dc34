"""Answers render the way GitHub renders their markdown: checked on the HTML's structure.

The skeleton keeps block and inline tags (``ol[li li]``) and drops text and pygments' spans,
so the checks hold whatever tokens the highlighter emits.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from htmlcheck import without_line_spans
from qa2anki.render import Renderer

KEPT = {"p", "ul", "ol", "li", "pre", "code", "table", "thead", "tbody", "tr", "th", "td",
        "blockquote", "details", "summary", "div", "h1", "h2", "h3", "h4", "h5", "h6", "br",
        "del", "strong", "em", "img", "a", "b", "hr"}
VOID = {"br", "img", "hr"}


class _Skeleton(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in KEPT:
            return
        named = dict(attrs)
        label = tag + (".highlight" if named.get("class") == "highlight" else "")
        label += f"@{named['start']}" if named.get("start") else ""
        if tag in VOID:
            self.stack[-1].append(label)
        else:
            self.stack.append([label])

    def handle_endtag(self, tag: str) -> None:
        if tag in KEPT and tag not in VOID:
            label, *children = self.stack.pop()
            self.stack[-1].append(f"{label}[{' '.join(children)}]" if children else label)


def skeleton(html: str) -> str:
    parser = _Skeleton()
    parser.feed(html)
    return " ".join(parser.stack[0])


@pytest.fixture(scope="module")
def render():
    renderer = Renderer()
    return lambda text: without_line_spans(renderer.block(text))  # GitHub's structure, not our line spans


CODE = "div.highlight[pre[code]]"
CASES = {
    "fence under a bold label": ("**Example:**\n```python\nx = 1\n```", f"p[strong] {CODE}"),
    "fence without a language": ("Run:\n```\nmake test\n```", f"p {CODE}"),
    "dash list under a label": ("**Steps:**\n- one\n- two", "p[strong] ul[li li]"),
    "2-space nested list": ("- a\n  - b\n    - c\n- d", "ul[li[ul[li[ul[li]]]] li]"),
    "4-space nested list": ("* a\n    * b\n* c", "ul[li[ul[li]] li]"),
    "ordered list keeps its start": ("3. three\n4. four", "ol@3[li li]"),
    "ordered list under a label": ("Order:\n1. first\n2. second", "p ol[li li]"),
    "1) markers": ("1) one\n2) two", "ol[li li]"),
    "numbers in wrapped prose": ("It shipped in\n2019. Then it grew.", "p"),
    "bullets under numbers, 3-space": ("1. one\n   - sub\n2. two", "ol[li[ul[li]] li]"),
    "table under a label": ("Compare:\n| A | B |\n|---|---|\n| 1 | 2 |",
                            "p table[thead[tr[th th]] tbody[tr[td td]]]"),
    "table without outer pipes under text": ("Compare:\nA | B\n--- | ---\n1 | 2",
                                             "p table[thead[tr[th th]] tbody[tr[td td]]]"),
    "delimiter row without its closing pipe": ("| A | B |\n|--- | ---\n| 1 | 2 |\n| 3 | 4 |",
                                               "table[thead[tr[th th]] tbody[tr[td td] tr[td td]]]"),
    "delimiter row without its opening pipe": ("Compare:\n| A | B\n--- | ---|\n| 1 | 2",
                                               "p table[thead[tr[th th]] tbody[tr[td td]]]"),
    "pipe-less table in a list item, then the next item": (
        "- compare:\n  A | B\n  --- | ---\n  1 | 2\n- next",
        "ul[li[table[thead[tr[th th]] tbody[tr[td td]]]] li]"),  # a tight list: no <p>
    "pipe-less dashes under text are a heading": ("Title | x\n---", "h2"),
    "pipe-less table in a fence stays code": ("```\nA | B\n--- | ---\n```", CODE),
    "inline code and emphasis": ("Use `x`, **bold**, *em* and ~~old~~.", "p[code strong em del]"),
    "details with markdown inside": ("<details>\n<summary>Show</summary>\n\n- x\n- y\n\n</details>",
                                     "details[summary ul[li li]]"),
    "details opened on one line": ("<details><summary>Code</summary>\n\n```js\nf()\n```\n</details>",
                                   f"details[summary {CODE}]"),
    "fence inside a list item": ("1. Install:\n   ```bash\n   pip install x\n   ```\n2. Run",
                                 f"ol[li[{CODE}] li]"),
    "indented code block": ("Like so:\n\n    def f():\n        pass\n\nDone.", "p pre[code] p"),
    "HTML block": ('<div align="center">\n<b>hi</b>\n</div>\n\nText', "div[b] p"),
    "two-space hard break": ("one  \ntwo", "p[br]"),
    "backslash hard break": ("one\\\ntwo", "p[br]"),
    "blockquote under a label": ("Note:\n> careful", "p blockquote[p]"),
    "image": ("![flow](img/flow.png)", "p[img]"),
    "list item with a continuation line": ("- one\n  more\n- two", "ul[li li]"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_renders_the_github_structure(render, case: str):
    source, expected = CASES[case]
    assert skeleton(render(source)) == expected


def test_code_with_hash_lines_and_rules_is_kept_verbatim(render):
    html = render("```bash\n# not a heading\n---\nls -la\n```")
    assert skeleton(html) == CODE
    text = html.replace('<span class="c1">', "").replace("</span>", "")
    assert "# not a heading\n---\n" in text
    assert "<h1>" not in html and "<hr" not in html


def test_table_in_a_fence_keeps_its_rows_as_written(render):
    html = render("Like so:\n```\nA | B\n--- | ---\n1 | 2\n```")
    assert "A | B\n--- | ---\n1 | 2" in html


def test_backslash_inside_code_is_not_a_break(render):
    html = render("```\nline \\\nnext\n```")
    assert "line \\\nnext" in html and "<br" not in html


def test_code_in_a_nested_list_item_stays_in_it(render):
    html = render("- outer\n  - inner:\n    ```py\n    x = 1\n    ```\n- last")
    assert f"ul[li[{CODE}]]" in skeleton(html)  # the inner list's item holds the code
    assert skeleton(html).endswith("li]")


def test_details_tags_in_indented_code_stay_code(render):
    html = render("HTML:\n\n    <details>\n    <summary>x</summary>\n    </details>\n")
    assert skeleton(html) == "p pre[code]"
    assert "&lt;details&gt;" in html
