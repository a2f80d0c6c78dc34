"""Plain text copied from web pages: what the scraped-text adapters share.

A copied page is plain text, not markdown, so prose must be escaped before it becomes an answer;
it carries page furniture (an intro, links, a footer) that is neither question nor answer; and
some pages fill unwritten answers with placeholder text.
"""

from __future__ import annotations

import re
import textwrap

from ...math_spans import math_spans

_LOREM_WORDS = frozenset(
    "lorem ipsum dolor sit amet consectetur adipiscing adipisci elit sed do eiusmod tempor incididunt ut "
    "labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi "
    "aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum eu "
    "fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt "
    "mollit anim id est laborum nemo ipsam voluptatem quia voluptas aspernatur aut odit fugit "
    "consequuntur magni dolores eos ratione sequi nesciunt neque porro quisquam dolorem numquam eius "
    "modi tempora incidunt magnam aliquam quaerat".split()
)
_FILLER = re.compile(
    r"(?:tbd|tba|todo|coming soon|(?:the )?answer (?:is )?coming soon|content coming soon|"
    r"to be (?:added|written|completed|updated|done)|answer (?:pending|here)|placeholder(?: text)?|"
    r"(?:insert|write|add|your) (?:(?:your|the) )?answer here|n/?a|\.{3}|…|-+|sample text|dummy text|"
    r"stay tuned|work in progress|wip|under construction|check back (?:later|soon)|"
    r"(?:the )?answer will be (?:added|updated|written|posted)(?: soon| later)?|"
    r"(?:this )?(?:section|answer) (?:is )?(?:coming soon|under construction|being written))"
    r"[.!]*",
    re.IGNORECASE,
)
#: Page furniture: navigation, sharing, sign-ups, footers.  A line that starts with one of these
#: is furniture when it is short or not a sentence ("More ways to practice", "Share this post").
_NAV = re.compile(
    r"(?:related(?: posts| articles| questions| reading)?|share(?: this)?(?: post| article| page)?|"
    r"subscribe|newsletter|follow (?:us|me)|sign (?:up|in)|log ?in|back to top|next(?: post| article)?|"
    r"previous(?: post| article)?|read more|more (?:\w+ ){0,3}(?:questions|posts|articles|ways|resources|"
    r"guides|tutorials)|you (?:may|might) also like|recommended(?: for you)?|comments?|"
    r"leave a (?:reply|comment)|tags?:|categories:|posted (?:in|on)|about the author|written by|"
    r"privacy policy|terms(?: of (?:service|use))?|contact(?: us)?|table of contents|conclusion|"
    r"final thoughts|wrapping up|wrap-up|also read|see also|read next|must read|don't miss)\b",
    re.IGNORECASE,
)
#: Furniture wherever it appears in a line.
_FURNITURE_ANYWHERE = re.compile(
    r"©|\bcopyright\b|all rights reserved|get notified|\bsubscribe\b|sign up for|"
    r"join (?:our|the) (?:newsletter|community|list)|was this (?:helpful|useful)|"
    # sign-offs: the author talking to the reader once the questions are over
    r"thanks? (?:you )?for reading|happy (?:coding|learning|interviewing|hacking|studying|prepping)\b|"
    r"good luck (?:with|in|on) your|found this (?:post |article |list )?(?:useful|helpful)|"
    r"hope (?:this|these|you found)\b.{0,40}(?:help|useful)|leave a (?:comment|reply)",
    re.IGNORECASE,
)
#: Words that mark a page's own introduction: first person, talk about the page, links.
_INTRO = re.compile(
    r"(?<![\w/])(?:I|I'm|I've|I'd|me|[Mm]y)(?![\w/])|\b[Tt]his (?:list|guide|article|post|page|collection|"
    r"repo(?:sitory)?)\b|\b[Tt]hese questions\b|interview questions|[Ff]eel free|[Cc]ontributions?\b|"
    r"pull requests?|connect with|follow me|[Bb]elow (?:are|is|you(?:'ll| will) find)|"
    r"[Hh]ere are (?:the |some |\d+ )|[Ii]n this (?:article|post|guide|tutorial|blog)|"
    r"[Ll]et's (?:dive|get started|begin|look at (?:the|some))|"
    r"[Ww]e(?:'ll| will) (?:cover|look at|go through|walk through)",
)
_URL = re.compile(r"https?://\S+")
_URL_END = re.compile(r"https?://\S+$")
_SENTENCE_END = re.compile(r"[.!?:。！？：؟][\"'”’)\]」』）]*$")
#: A sentence starts with a capital, a digit, a quote or bracket, or a code name (``orm_mode``, ``jsonify``).
_SENTENCE_START = re.compile(r"[A-Z0-9\"'“‘(*\[`<@/{]|[a-z_]\w*(?:[_.]\w|[A-Z])")


#: Invisible direction marks a page copied from a right-to-left site leaves at line edges
#: (``\u200fسوال ۱:``): they would hide a numbering or a label at the start of the line.
_EDGE_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def page_lines(text: str) -> list[str]:
    """The text's lines, for text handed over in memory (a BOM or CR line ends may remain),
    without direction marks at their edges."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.strip(_EDGE_MARKS) for line in lines]


def dedented_page_lines(text: str) -> list[str]:
    """The page's lines without the indentation common to all non-blank ones (a page copied from
    an indented block keeps its shape but not its margin); one line per line of ``text``."""
    return page_lines(textwrap.dedent("\n".join(page_lines(text))))


def is_placeholder(text: str) -> bool:
    """Whether an answer is filler (lorem ipsum, "Coming soon", "TBD") rather than an answer."""
    plain = re.sub(r"\s+", " ", text).strip()
    sentences = [part for part in re.split(r"(?<=[.!?])\s+", plain) if part]
    if sentences and all(_FILLER.fullmatch(sentence) for sentence in sentences):
        return True  # "Coming soon!", "Answer coming soon. Stay tuned!"
    words = re.findall(r"[a-z]+", plain.lower())  # lorem ipsum runs on; "In 1937." is an answer
    return len(words) >= 3 and sum(word in _LOREM_WORDS for word in words) / len(words) >= 0.5


def is_furniture(line: str) -> bool:
    """Whether a line reads as page navigation or footer ("Related posts", "Share", "© 2026")."""
    text = line.strip()
    if not text or len(text.split()) > 20:
        return False
    if _FURNITURE_ANYWHERE.search(text):
        return True
    return bool(_NAV.match(text)) and (len(text.split()) <= 4 or not ends_sentence(text))


#: A site's own controls and labels, copied with an article (Medium, dev.to, LinkedIn): a whole
#: line of them is never the author's text.
_SITE_CONTROL = re.compile(
    r"(?:top highlight|listen|share|follow|following|member-only story|"
    r"press enter or click to view image in full size|\.\.\.\s?(?:see )?more|see more|"
    r"reply|repost|like|copy link|(?:\d+ )?(?:reactions?|comments?|reposts?))",
    re.IGNORECASE,
)


#: A line of hashtags closing a post: two or more, or LinkedIn's copied ``hashtag#python``.
_HASHTAGS = re.compile(r"(?:hashtag#\w+\s*)+|#[^\W\d]\w*(?:\s+#[^\W\d]\w*)+")


def is_hashtag_line(line: str) -> bool:
    """Whether a line is only a post's hashtags (never one ``#endif``: code keeps its lines)."""
    return bool(_HASHTAGS.fullmatch(line.strip()))


def is_site_control(line: str) -> bool:
    """Whether a line is a button or label of the site the text was copied from ("Listen",
    "Top highlight", "Reply", "12 comments")."""
    return bool(_SITE_CONTROL.fullmatch(line.strip()))


def is_intro(text: str) -> bool:
    """Whether a paragraph is the page talking about itself (first person, "this list", bare links).

    A sentence that merely contains a link is an answer; a few words around links are not.
    """
    if _INTRO.search(text):
        return True
    return bool(_URL.search(text)) and len(_URL.sub("", text).split()) <= 6


def ends_sentence(line: str) -> bool:
    """A sentence end mark, or a bare link: nothing continues a line that ends with a URL."""
    return bool(_SENTENCE_END.search(line.rstrip()) or _URL_END.search(line.rstrip()))


def starts_sentence(line: str) -> bool:
    return bool(_SENTENCE_START.match(line.lstrip()))


def escape_markdown(text: str) -> str:
    """Plain text as markdown that renders back to the same text.

    Formulas (``$…$``, ``\\(…\\)``; see :mod:`..math_spans`) are kept as written, for the
    renderer to find and typeset; the text around them is escaped.
    """
    pieces, last = [], 0
    for span in math_spans(text):
        pieces += [_escape_text(text[last:span.start]), text[span.start:span.end]]
        last = span.end
    pieces.append(_escape_text(text[last:]))
    return "".join(pieces)


def _escape_text(text: str) -> str:
    """``[`` is escaped and ``]`` is not: no link can open, and no ``\\[…\\]`` reads as math."""
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*")
    text = text.replace("[", "\\[")
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    text = text.replace("<", "&lt;")
    text = re.sub(r"^(\s*)(\d+)([.)])(?=\s|$)", r"\1\2\\\3", text)  # "1. x" is not a list item
    return re.sub(r"^(\s*)(#|>|[-+](?=\s|$))", r"\1\\\2", text)


def line_range(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}-{last}"
