"""Anki notes, however they were exported, as items: which field asks, which answers, what else.

CrowdAnki's ``deck.json``, ``.apkg`` packages and the "Notes in Plain Text" export all hold
notes as a list of fields of a note type. The note type says which field is the question: by
the field's name (Front/Back, Question/Answer, the same in other languages), else by which
fields its first card's front and back templates show, else the note's first two non-empty
fields are taken. Fields the front shows besides the question become the item's prompt;
fields that name a topic or level become meta; every other non-empty field is kept on the
back under its name. Nothing of a note is dropped unreported.

Fields are HTML. Markdown would read ``*``, ``_``, backslashes (MathJax's ``\\(``) or a leading
``1.`` inside them as markup, and split paragraphs around a ``<div>``, so a field holding such
text or block elements is wrapped in one ``<div>``: markdown passes an HTML block through as
written and the sanitizer then checks it.

Cloze notes (``{{c1::…}}``) become one card: the front shows every deletion hidden (``[...]``,
or its hint), the back the text with the deletions in bold. Anki makes one card per deletion
number; a note with several numbers asks them all at once here, and a diagnostic says so.
Sounds (``[sound:…]``) are left out with a diagnostic: qa2anki packs images only.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote as quote_url
from urllib.parse import unquote

from ...media import PACKAGE_MEDIA
from ...models import Diagnostic, Dropped, Item, SourceResult
from .record_fields import META_KEYS
from .refs import RefAllocator, slug

#: Field names that mark the question or the answer, compared case-folded; several languages.
QUESTION_NAMES = frozenset({
    "front", "question", "q", "prompt", "term", "word", "expression", "vocabulary", "concept",
    "frage", "vorderseite", "pregunta", "anverso",
    "frente", "recto", "domanda", "fronte", "pergunta", "vraag", "voorkant", "pytanie", "przód",
    "вопрос", "лицевая сторона", "问题", "問題", "问", "問", "正面", "题目", "題目", "質問", "表",
    "表面", "질문", "앞면", "soru", "câu hỏi", "mặt trước",
})
ANSWER_NAMES = frozenset({
    "back", "answer", "a", "response", "solution", "definition", "meaning", "translation",
    "antwort", "rückseite",
    "respuesta", "reverso", "réponse", "reponse", "verso", "risposta", "retro", "resposta",
    "antwoord", "achterkant", "odpowiedź", "tył", "ответ", "оборотная сторона", "答案", "答",
    "回答", "背面", "解答", "答え", "裏", "裏面", "답", "대답", "뒷면", "cevap", "câu trả lời", "mặt sau",
})
#: The text field of a cloze note type ("Text", then "Extra" or "Back Extra" on the back).
CLOZE_TEXT_NAMES = frozenset({"text", "texte", "texto", "testo", "tekst", "текст", "文本", "テキスト"})
#: Field names stating meta rather than content: the record adapters' vocabulary.
META_NAMES = {key: name for name, keys in META_KEYS.items() for key in keys}
#: Template references that show no field of the note.
SPECIAL_REFERENCES = frozenset({"frontside", "tags", "deck", "subdeck", "card", "cardflag", "type", "cardid"})

TEMPLATE_REFERENCE = re.compile(r"\{\{([^#^/!{}][^{}]*)\}\}")
CLOZE = re.compile(r"\{\{c(\d+)::((?:(?!\{\{|\}\}).)*?)(?:::((?:(?!\{\{|\}\}).)*?))?\}\}", re.DOTALL)
SOUND = re.compile(r"\[sound:([^\[\]]*)\]")
IMAGE_SOURCE = re.compile(r"""(<img\b[^<>]{0,2000}?\bsrc\s*=\s*)(["']?)([^"'\s<>]+)\2""", re.IGNORECASE)
TAG = re.compile(r"<[^<>]*>")
BLOCK_TAG = re.compile(
    r"<(?:div|p|pre|ul|ol|li|dl|table|h[1-6]|blockquote|hr|details|section|figure)\b", re.IGNORECASE)
#: Characters markdown would read as markup inside a field's text (outside its tags).
MARKDOWN_ACTIVE = re.compile(
    r"[\\`*_\[\]~|$]|^[ \t]*(?:[#>+=-]|\d{1,9}[.)](?:\s|$))|^(?: {4}|\t)", re.MULTILINE)
#: Passes that unwrap nested deletions (``{{c1::a {{c2::b}}}}``), innermost first.
MAX_CLOZE_DEPTH = 8


@dataclass(frozen=True)
class NoteType:
    """A note type as far as reading needs it: field names and what its first card shows."""

    name: str = ""
    fields: tuple[str, ...] = ()
    front: tuple[str, ...] = ()  # field names the first card's front template shows, in order
    back: tuple[str, ...] = ()  # field names its back template shows
    cloze: bool = False
    #: Field names any card template shows; a field none shows (a switch such as "Add Reverse")
    #: is no content. Empty: the templates are unknown, every field counts.
    shown: frozenset[str] = frozenset()

    @classmethod
    def from_templates(cls, name: str, fields: Sequence[str], templates: Sequence[tuple[str, str]],
                       cloze: bool = False) -> NoteType:
        """``templates``: (front, back) template text of each card type, in order."""
        front, back = templates[0] if templates else ("", "")
        shown = frozenset(name for pair in templates for side in pair for name in template_fields(side))
        return cls(name, tuple(fields), template_fields(front), template_fields(back),
                   cloze or "{{cloze:" in front, shown)


def note_type_of_model(model: Mapping[str, Any]) -> NoteType:
    """A note type from Anki's model JSON (``col.models`` of schema 11, CrowdAnki's ``note_models``):
    ``name``, ``flds`` and ``tmpls`` (each with its ``ord``), ``type`` 1 for cloze."""
    fields = [str(f.get("name", "")) for f in _by_ord(model.get("flds"))]
    templates = [(str(t.get("qfmt", "")), str(t.get("afmt", ""))) for t in _by_ord(model.get("tmpls"))]
    cloze = model.get("type") == 1
    return NoteType.from_templates(str(model.get("name", "")), fields, templates, cloze=cloze)


def _by_ord(entries: Any) -> list[Mapping[str, Any]]:
    listed = [entry for entry in entries or [] if isinstance(entry, dict)]
    return sorted(listed, key=lambda entry: entry["ord"] if isinstance(entry.get("ord"), int) else 0)


def template_fields(template: str) -> tuple[str, ...]:
    """The field names a card template shows, in order (``{{Front}}``, ``{{text:Back}}``)."""
    names: dict[str, None] = {}
    for match in TEMPLATE_REFERENCE.finditer(template):
        name = match.group(1).split(":")[-1].strip()
        if name and name.casefold() not in SPECIAL_REFERENCES:
            names.setdefault(name, None)
    return tuple(names)


@dataclass(frozen=True)
class AnkiNote:
    """One note as a source holds it."""

    fields: tuple[str, ...]
    note_type: NoteType
    ref: str = ""  # its id in the source (the GUID, a note id); "": from its first field's text
    guid: str = ""
    tags: tuple[str, ...] = ()
    deck: tuple[str, ...] = ()  # its deck path below the source's own deck
    line: int | None = None
    end_line: int | None = None
    html: bool = True  # False: plain text fields (a plain-text export with ``#html:false``)
    media_folder: str = ""  # where relative image sources live, beside the source ("media/")
    packaged_media: frozenset[str] = frozenset()  # image names the source package itself holds


@dataclass(frozen=True)
class _Roles:
    question: int | None  # field index; None: the note's first non-empty field
    answer: int | None  # None: the note's next non-empty field
    front: frozenset[int] = frozenset()  # other fields the front shows


@lru_cache(maxsize=256)
def _roles(note_type: NoteType) -> _Roles:
    names = [name.strip().casefold() for name in note_type.fields]
    index = {name: position for position, name in reversed(list(enumerate(note_type.fields)))}
    front = [index[name] for name in note_type.front if name in index]
    back = [index[name] for name in note_type.back if name in index and index[name] not in front]
    if note_type.cloze:
        question = _first(names, CLOZE_TEXT_NAMES)
        question = question if question is not None else (front[0] if front else 0)
        return _Roles(question, None, frozenset(front) - {question})
    question = _first(names, QUESTION_NAMES)
    if question is None and front:
        question = front[0]
    answer = _first(names, ANSWER_NAMES, skip=question)
    if answer is None and question is not None:
        answer = next((i for i in back if i != question), None)
    return _Roles(question, answer, frozenset(front) - {question, answer})


def _first(names: list[str], wanted: frozenset[str], skip: int | None = None) -> int | None:
    return next((i for i, name in enumerate(names) if name in wanted and i != skip), None)


@dataclass
class _Reader:
    source: str
    items: list[Item] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    refs: RefAllocator = field(default_factory=RefAllocator)

    def read(self, note: AnkiNote) -> None:
        ref = self.refs(note.ref or slug(next((_plain(f) for f in note.fields if _plain(f)), "")))
        texts = [_field_html(text, note) for text in note.fields]
        self._report_sounds(note, ref)
        if _is_cloze(note, texts):
            self._cloze(note, ref, texts)
        else:
            self._basic(note, ref, texts)

    def _basic(self, note: AnkiNote, ref: str, texts: list[str]) -> None:
        roles = _roles(note.note_type)
        filled = [i for i, text in enumerate(texts) if _has_content(text)]
        question = roles.question if roles.question is not None else (filled[0] if filled else None)
        answer = roles.answer
        if answer is None:
            answer = next((i for i in filled if i != question and i not in roles.front), None)
        if question is None or question >= len(texts) or not _has_content(texts[question]):
            self._drop(note, ref, "no-question", "")
            return
        used = {question} | ({answer} if answer is not None else set())
        extras = [i for i in filled if i not in used]
        prompt = [i for i in extras if i in roles.front]
        back = [texts[answer]] if answer is not None and answer < len(texts) and answer in filled else []
        meta, labelled = self._meta_and_rest(note, [i for i in extras if i not in roles.front])
        back += [_labelled(_name(note, i), texts[i]) for i in labelled]
        if not back:
            self._drop(note, ref, "empty-answer", texts[question])
            return
        self._keep(note, ref, texts[question], "".join(back), meta,
                   prompt="".join(_labelled(_name(note, i), texts[i]) for i in prompt))

    def _cloze(self, note: AnkiNote, ref: str, texts: list[str]) -> None:
        roles = _roles(note.note_type)
        text_index = roles.question if roles.question is not None and roles.question < len(texts) else 0
        text = texts[text_index]
        numbers = {number for number, _, _ in CLOZE.findall(text)}
        if not numbers:
            self._drop(note, ref, "empty-cloze", text)
            return
        extras = [i for i, other in enumerate(texts) if i != text_index and _has_content(other)]
        meta, labelled = self._meta_and_rest(note, extras)
        back = [_labelled(_name(note, i), texts[i]) for i in labelled]
        answer = "".join([_unclozed(text, _revealed), *back])
        if len(numbers) > 1:
            self.diagnostics.append(Diagnostic(
                self.source, note.line, f"cloze note with {len(numbers)} deletion numbers: one card "
                "asks them all at once (Anki makes one card per number)", ref=ref, severity="info"))
        self._keep(note, ref, _unclozed(text, _hidden), answer, meta)

    def _meta_and_rest(self, note: AnkiNote, indexes: list[int]) -> tuple[dict[str, str], list[int]]:
        """Fields that state meta (a topic, a level) or that no template shows go to meta; the
        rest are content for the back."""
        meta: dict[str, str] = {}
        rest: list[int] = []
        shown = note.note_type.shown
        for i in indexes:
            name = _name(note, i)
            key = META_NAMES.get(name.strip().casefold())
            text = _plain(note.fields[i])
            if key and text and len(text) <= 80:
                meta.setdefault(key, text)
            elif shown and name and name not in shown:
                meta.setdefault(name, text)
            else:
                rest.append(i)
        return meta, rest

    def _keep(self, note: AnkiNote, ref: str, question: str, answer: str, meta: dict[str, str],
              prompt: str = "") -> None:
        if note.deck:
            meta = {"topic": note.deck[0], **({"subtopic": "/".join(note.deck[1:])} if note.deck[1:] else {}),
                    **meta}
        if note.note_type.name:
            meta["notetype"] = note.note_type.name
        if not _plain(question) and "<img" in question.lower():
            self.diagnostics.append(Diagnostic(
                self.source, note.line, "the question is only an image: if the image is not found, "
                "the card's front is empty", ref=ref))
        self.items.append(Item(
            question=as_markdown(question), answer=as_markdown(answer), source=self.source, ref=ref,
            line=note.line, end_line=note.end_line, meta=meta, tags=note.tags, guid=note.guid,
            prompt=as_markdown(prompt) if prompt else "",
        ))

    def _drop(self, note: AnkiNote, ref: str, reason: str, question: str) -> None:
        self.dropped.append(Dropped(self.source, ref, note.line, reason, _plain(question)[:200],
                                    end_line=note.end_line))

    def _report_sounds(self, note: AnkiNote, ref: str) -> None:
        sounds = [name for text in note.fields for name in SOUND.findall(text)]
        if sounds:
            listed = ", ".join(f"[sound:{name}]" for name in sounds[:3]) + (" ..." if len(sounds) > 3 else "")
            self.diagnostics.append(Diagnostic(
                self.source, note.line, f"{listed} left out: qa2anki packs images, not sounds", ref=ref))


def read_notes(notes: Iterable[AnkiNote], source: str, format: str) -> SourceResult:
    """Every note as an item, or as a dropped entry saying why it makes no card."""
    reader = _Reader(source)
    for note in notes:
        reader.read(note)
    return SourceResult(source, format, tuple(reader.items), tuple(reader.dropped), tuple(reader.diagnostics))


def shared_deck_depth(paths: Sequence[tuple[str, ...]]) -> int:
    """How many leading deck names every non-empty path shares: the exported deck itself, which
    is no topic (the manifest names the deck); what lies below it is."""
    paths = [path for path in paths if path]
    if not paths:
        return 0
    shortest = min(map(len, paths))
    common = 0
    while common < shortest and all(path[common] == paths[0][common] for path in paths):
        common += 1
    return common


def _name(note: AnkiNote, index: int) -> str:
    """The field's name; "" when the source names none (a plain-text export without ``#columns``)."""
    names = note.note_type.fields
    return names[index] if index < len(names) and names[index].strip() else ""


def _is_cloze(note: AnkiNote, texts: list[str]) -> bool:
    """A cloze note type, or a note of unknown templates whose first field holds deletions."""
    if note.note_type.cloze:
        return True
    unknown = not note.note_type.front or "cloze" in note.note_type.name.casefold()
    return unknown and bool(texts) and bool(CLOZE.search(texts[0]))


def _field_html(text: str, note: AnkiNote) -> str:
    """A field as HTML: plain text escaped, sounds left out, images pointed at the media folder."""
    text = str(text or "")
    if not note.html:
        text = html.escape(text, quote=False).replace("\n", "<br>")
    text = SOUND.sub("", text)
    if note.media_folder:
        text = IMAGE_SOURCE.sub(lambda m: _in_media_folder(m, note.media_folder), text)
    if note.packaged_media:
        text = IMAGE_SOURCE.sub(lambda m: _in_package(m, note.packaged_media), text)
    return text.strip()


def _in_package(match: re.Match[str], names: frozenset[str]) -> str:
    """An image the package holds, named as such for the media stage (see :mod:`qa2anki.media`)."""
    name = html.unescape(unquote(match.group(3)))
    if name not in names:
        return match.group(0)
    quote = match.group(2) or '"'
    return f"{match.group(1)}{quote}{PACKAGE_MEDIA}{quote_url(name)}{quote}"


def _in_media_folder(match: re.Match[str], folder: str) -> str:
    src = match.group(3)
    if re.match(r"[a-z][a-z0-9+.-]*:|/|\.\./", src, re.IGNORECASE) or src.startswith(folder):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{folder}{src}{match.group(2)}"


def _has_content(text: str) -> bool:
    return bool(_plain(text)) or "<img" in text.lower()


def _plain(text: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def _labelled(name: str, text: str) -> str:
    """A field on the back under its name (an unnamed field as it is: "Field 2" would be noise)."""
    if not name:
        return f"<div>{text}</div>"
    return f"<div><b>{html.escape(name, quote=False)}:</b> {text}</div>"


def _hidden(match: re.Match[str]) -> str:
    hint = match.group(3)
    return f'<span class="cloze">[{hint.strip() if hint and hint.strip() else "..."}]</span>'


def _revealed(match: re.Match[str]) -> str:
    return f'<b class="cloze">{match.group(2)}</b>'


def _unclozed(text: str, replace) -> str:  # type: ignore[no-untyped-def]
    """Every deletion replaced, nested ones innermost first."""
    for _ in range(MAX_CLOZE_DEPTH):
        replaced = CLOZE.sub(replace, text)
        if replaced == text:
            break
        text = replaced
    return text


#: A line break followed by blank lines (spaces only): where an HTML block would end.
BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def as_markdown(field_html: str) -> str:
    """A field's HTML as answer markdown that renders to the same HTML.

    A field whose text markdown would read as markup (see :data:`MARKDOWN_ACTIVE`), or that
    holds block elements markdown would split paragraphs around, is wrapped in a ``<div>``,
    which markdown passes through as an HTML block; other fields are left as they are. An HTML
    block ends at a blank line, so the wrapped field's blank lines (in a ``<pre>``, say) are
    written as the line break's character reference, which shows the same.
    """
    text = field_html.strip()
    if not text or ("\n" not in text and not BLOCK_TAG.search(text)
                    and not MARKDOWN_ACTIVE.search(TAG.sub("", text))):
        return text
    kept = BLANK_LINES.sub(lambda run: "\n" + "&#10;" * (run.group().count("\n") - 1), text)
    return f"<div>{kept}</div>"
