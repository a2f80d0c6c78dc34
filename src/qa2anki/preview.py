"""One self-contained HTML page showing every card as Anki will, to check a deck before import.

The page uses the note type's own templates and stylesheet, filled the way Anki fills them,
so what looks right here looks right in Anki. Each card sits in a ``.card`` element like the
body of an Anki card; the theme switch puts ``nightMode night_mode`` on it as Anki desktop and
AnkiDroid do, and narrow windows get the ``.mobile`` class phones set. Images are inlined as
data URIs; nothing is loaded from the network.

Formulas (``\\(…\\)``, ``\\[…\\]``) are typeset by Anki's own MathJax on every client. Here
they are typeset by a MathJax installed on this machine (Debian's ``libjs-mathjax``), loaded from
its file; without one the page says that the formulas show as TeX until Anki typesets them.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from .files import atomic_path
from .manifest import Manifest
from .models import RECOVERED_CLOZE, Note, location, note_fields
from .outputs import PREVIEW_MARKER, check_outputs
from .package import model_for, note_type, notetype_of
from .pipeline import build
from .report import BuildReport

_SECTION = re.compile(r"\{\{([#^])([^}]+)\}\}(.*?)\{\{/\2\}\}", re.DOTALL)
_FIELD = re.compile(r"\{\{([^#^/}][^}]*)\}\}")
_EMPTY_FIELD = re.compile(r"^(?:\s|&nbsp;|<br\s*/?>|<div>\s*</div>)*$")
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def fill_template(template: str, fields: Mapping[str, str]) -> str:
    """Anki's template language as our templates use it: ``{{Field}}`` inserts the field's HTML,
    ``{{#Field}}…{{/Field}}`` keeps its body only when the field is not empty, ``{{^…}}`` the reverse."""

    def present(name: str) -> bool:
        return not _EMPTY_FIELD.match(fields.get(name.strip(), ""))

    def section(match: re.Match[str]) -> str:
        wanted = match.group(1) == "#"
        return match.group(3) if present(match.group(2)) == wanted else ""

    previous = None
    while previous != template:  # sections first, on template text only (they may nest)
        previous, template = template, _SECTION.sub(section, template)
    # one pass inserts the fields, so a field holding "{{x}}" (Vue, Jinja) is shown, not expanded
    return _FIELD.sub(lambda m: fields.get(m.group(1).strip(), ""), template)


def card_sides(note: Note) -> tuple[str, str]:
    """The front and back HTML Anki shows for ``note`` (a cloze note: its first card)."""
    template = model_for(notetype_of(note)).templates[0]
    fields = dict(zip(note_fields(note.card.kind), note.fields, strict=True))
    if note.card.kind == RECOVERED_CLOZE:  # Anki's {{cloze:Text}}: c1 hidden in front, shown on the back
        hidden, shown = cloze_side(fields["Text"], False), cloze_side(fields["Text"], True)
        return (fill_template(template["qfmt"], {**fields, "cloze:Text": hidden}),
                fill_template(template["afmt"], {**fields, "cloze:Text": shown}))
    front = fill_template(template["qfmt"], fields)
    back = fill_template(template["afmt"], {**fields, "FrontSide": front})
    return front, back


_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)\}\}")


def cloze_side(text: str, revealed: bool, card: int = 1) -> str:
    """A cloze field as Anki shows card ``card``: its deletions hidden (or revealed), the others plain."""
    def show(match: re.Match[str]) -> str:
        if int(match.group(1)) != card:
            return match.group(2)
        return f'<span class="cloze">{match.group(2) if revealed else "[...]"}</span>'

    return _CLOZE.sub(show, text)


def inline_images(text: str, media: Mapping[str, bytes]) -> str:
    """Media references turned into data URIs, so the page needs no files beside it."""

    def data_uri(match: re.Match[str]) -> str:
        name = html.unescape(match.group(2))
        content = media.get(name)
        if content is None:
            return match.group(0)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        encoded = base64.b64encode(content).decode("ascii")
        return f"{match.group(1)}data:{kind};base64,{encoded}{match.group(3)}"

    return _IMG_SRC.sub(data_uri, text)


def _note_html(note: Note, media: Mapping[str, bytes]) -> str:
    front, back = card_sides(note)
    members = note.card.items
    where = ", ".join(f"{location(item.source, item.line, item.end_line)} #{item.ref}" for item in members)
    meta = html.escape(f"{note.deck}  ·  {' '.join(note.tags)}  ·  {where}")
    sides = "".join(
        f'<div class="pv-side"><div class="pv-label">{label}</div>'
        f'<div class="card">{inline_images(side, media)}</div></div>'
        for label, side in (("Front", front), ("Back", back))
    )
    return (
        f'<article class="pv-note"><div class="pv-meta">{meta}</div>'
        f'<div class="pv-sides">{sides}</div></article>'
    )


#: Where MathJax 2 is installed by distributions (Debian's libjs-mathjax first).
MATHJAX_PATHS = (Path("/usr/share/javascript/mathjax/MathJax.js"), Path("/usr/share/mathjax/MathJax.js"))
_MATH_DELIMITERS = re.compile(r"\\[(\[]")
#: MathJax configured as Anki configures it: only ``\\(…\\)`` and ``\\[…\\]``, never in code.
_MATHJAX_CONFIG = """<script type="text/x-mathjax-config">
MathJax.Hub.Config({tex2jax: {inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]],
  processEscapes: false, processEnvironments: false}, messageStyle: "none"});
</script>
<script src="%s?config=TeX-AMS_CHTML"></script>"""
_NO_MATHJAX = ('<p class="pv-math-note">Formulas show as TeX here; Anki typesets them. '
               "(Install MathJax 2, e.g. Debian's libjs-mathjax, to see them typeset in this preview.)</p>")


def local_mathjax() -> Path | None:
    """The MathJax 2 script installed on this machine, if any."""
    return next((path for path in MATHJAX_PATHS if path.is_file()), None)


def _math_parts(report: BuildReport, mathjax: Path | None) -> tuple[str, str]:
    """What the page needs for formulas: MathJax's scripts for the head, or a note for the header."""
    if not any(_MATH_DELIMITERS.search(field) for deck in report.decks for note in deck.notes
               for field in note.fields):
        return "", ""
    if mathjax is None:
        return "", _NO_MATHJAX
    return _MATHJAX_CONFIG % html.escape(mathjax.resolve().as_uri()), ""


def preview_html(report: BuildReport, mathjax: Path | None | Literal["auto"] = "auto") -> str:
    """The whole page for every deck of ``report``; ``mathjax`` is the MathJax script to typeset
    formulas with (by default the one installed here, see :func:`local_mathjax`)."""
    sections = []
    total = 0
    for deck in report.decks:
        notes = "\n".join(_note_html(note, deck.media) for note in deck.notes)
        total += len(deck.notes)
        sections.append(
            f'<section class="pv-deck"><h2>{html.escape(deck.name)} '
            f'<small>{len(deck.notes)} cards</small></h2>\n{notes}\n</section>'
        )
    title = " + ".join(deck.name for deck in report.decks) or "qa2anki"
    math_head, math_note = _math_parts(report, local_mathjax() if mathjax == "auto" else mathjax)
    return _PAGE.format(
        math_head=math_head,
        math_note=math_note,
        marker=PREVIEW_MARKER,
        title=html.escape(title),
        total=total,
        card_css=note_type().css,
        page_css=_PAGE_CSS,
        script=_SCRIPT,
        body="\n".join(sections),
    )


def preview_path(manifest: Manifest) -> Path:
    """``decks/<deck>-preview.html`` beside the deck's ``.apkg`` (one page for all decks)."""
    first = manifest.decks[0].output
    stem = first.stem if len(manifest.decks) == 1 else "qa2anki"
    return first.with_name(f"{stem}-preview.html")


def build_preview(
    manifest: Manifest, path: str | Path | None = None, *, force: bool = False
) -> tuple[BuildReport, Path]:
    """Build ``manifest`` without writing decks and write its preview page (``qa2anki preview``).

    The page (default :func:`preview_path`) is checked first: never a source, the manifest,
    the lockfile or a deck, and an existing file is replaced only if it is a preview page
    (or with ``force``).
    """
    target = Path(path) if path is not None else preview_path(manifest)
    check_outputs(manifest, decks=False, preview=target, force=force)
    report = build(manifest, write=False)
    return report, write_preview(report, target)


def write_preview(report: BuildReport, path: str | Path) -> Path:
    """Write the preview page for ``report`` to ``path`` (atomically) and return the path."""
    path = Path(path)
    with atomic_path(path) as temporary:
        temporary.write_text(preview_html(report), encoding="utf-8")
    return path


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{marker}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — qa2anki preview</title>
<style>
{card_css}
</style>
<style>
{page_css}
</style>
{math_head}
</head>
<body class="pv-page">
<header class="pv-header">
  <strong>{title}</strong> <span class="pv-count">{total} cards</span>
  <input id="pv-search" type="search" placeholder="Search cards…" aria-label="Search cards">
  <button id="pv-theme" type="button">Dark</button>
  {math_note}
</header>
<main>
{body}
</main>
<script>
{script}
</script>
</body>
</html>
"""

_PAGE_CSS = """
body.pv-page { margin: 0; font-family: system-ui, sans-serif; background: #eef1f4; color: #1f2328; }
body.pv-page.pv-dark { background: #111418; color: #e6edf3; }
.pv-header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 8px;
  align-items: center; padding: 8px 12px; background: inherit; border-bottom: 1px solid #8884; }
.pv-header input { flex: 1 1 12em; min-width: 0; font-size: 16px; padding: 4px 8px; }
.pv-header button { font-size: 16px; padding: 4px 12px; }
.pv-count { opacity: 0.7; font-size: 0.9em; }
main { padding: 8px; }
.pv-deck h2 { font-size: 1.1em; margin: 12px 4px; }
.pv-note { margin: 0 0 18px; }
.pv-meta { font-size: 12px; opacity: 0.65; margin: 0 4px 4px; overflow-wrap: anywhere; }
.pv-sides { display: grid; grid-template-columns: minmax(0, 1fr); gap: 8px; }
@media (min-width: 900px) { .pv-sides { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
.pv-side { min-width: 0; }
.pv-label { font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; opacity: 0.6;
  margin: 0 4px 2px; }
.pv-side > .card { border-radius: 8px; box-shadow: 0 1px 3px #0003; }
.pv-hidden { display: none; }
.pv-math-note { flex-basis: 100%; margin: 0; font-size: 0.85em; opacity: 0.75; }
"""

_SCRIPT = """
(function () {
  var cards = document.querySelectorAll('.card');
  var button = document.getElementById('pv-theme');
  function setDark(dark) {
    cards.forEach(function (card) {
      card.classList.toggle('nightMode', dark);
      card.classList.toggle('night_mode', dark);
    });
    document.body.classList.toggle('pv-dark', dark);
    button.textContent = dark ? 'Light' : 'Dark';
  }
  function setMobile() {
    var narrow = window.innerWidth < 600;
    cards.forEach(function (card) { card.classList.toggle('mobile', narrow); });
  }
  button.addEventListener('click', function () {
    setDark(!document.body.classList.contains('pv-dark'));
  });
  document.getElementById('pv-search').addEventListener('input', function (event) {
    var words = event.target.value.toLowerCase().split(/\\s+/).filter(Boolean);
    document.querySelectorAll('.pv-note').forEach(function (note) {
      var text = note.textContent.toLowerCase();
      var hit = words.every(function (word) { return text.indexOf(word) >= 0; });
      note.classList.toggle('pv-hidden', !hit);
    });
  });
  window.addEventListener('resize', setMobile);
  setMobile();
  setDark(window.location.hash === '#dark' ||
    (window.location.hash !== '#light' && window.matchMedia('(prefers-color-scheme: dark)').matches));
})();
"""
