"""The words and marks Q&A sources use to label questions and answers, in many languages.

Question detection is language-independent where it can be: a question ends with a question
mark of any script, and a document's structure (numbering, a repeated answer label, runs of
sibling headings) says which headings are prompts. Words cannot be avoided for labels: a
line that starts ``Ответ:`` or ``答：`` is an answer only because of what the word means. Every
such word lives in :data:`LANGUAGES`, one row per language, so adding a language is adding a
row. Single letters (``Q``/``A``, ``P``/``R``) are labels only where a pair layout is checked.

Numbers come in many scripts too: ``１．`` (full-width), ``（3）``, ``第3题``, ``三、``;
:func:`number_value` turns each into plain decimal digits so refs read ``Q7`` however the
source wrote seven.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageLabels:
    """The labels one language writes before questions, answers and hidden answers."""

    language: str
    questions: tuple[str, ...]  # ``Question 3:``, ``Вопрос 3:``, ``问题3：``
    answers: tuple[str, ...]  # ``Answer:``, ``Ответ:``, ``答：``
    reveals: tuple[str, ...] = ()  # a collapsible answer's summary: ``Show answer``, ``查看答案``
    contents: tuple[str, ...] = ()  # a table of contents' heading: ``Contents``, ``目录``


#: One row per language. ``questions``/``answers`` are matched at the start of a line, before a
#: colon (or a number then a colon); ``reveals`` anywhere at the start or end of a summary.
LANGUAGES: tuple[LanguageLabels, ...] = (
    LanguageLabels("en", ("Question", "Ques", "Q"), ("Answer", "Ans", "A", "Expected answer", "Expected"),
                   ("answer", "answers", "ans", "solution", "solutions", "show", "hide", "click", "hint",
                    "output", "result", "explanation", "details", "more", "example", "code", "expand",
                    "see", "view", "reveal", "toggle"),
                   ("table of contents", "contents", "toc", "index")),
    LanguageLabels("zh", ("问题", "問題", "问", "問", "题目", "題目"),
                   ("参考答案", "答案", "回答", "解答", "答", "解析"),
                   ("答案", "参考答案", "查看答案", "点击查看", "展开", "解析", "查看解析", "回答", "解答"),
                   ("目录", "目錄")),
    LanguageLabels("ja", ("質問", "問題", "問"), ("回答", "解答", "答え", "答"),
                   ("答え", "回答", "解答", "解説", "答えを見る", "クリック"), ("目次",)),
    LanguageLabels("ko", ("질문", "문제"), ("답변", "정답", "답"),
                   ("답변", "정답", "보기", "펼치기"), ("목차",)),
    LanguageLabels("ru", ("Вопрос",), ("Ответ",), ("ответ", "показать", "решение", "пояснение"),
                   ("содержание", "оглавление")),
    LanguageLabels("uk", ("Питання", "Запитання"), ("Відповідь",), ("відповідь", "показати", "розв'язок"),
                   ("зміст",)),
    LanguageLabels("es", ("Pregunta", "P"), ("Respuesta", "R"), ("respuesta", "ver", "mostrar", "solución"),
                   ("índice", "contenido", "tabla de contenido", "tabla de contenidos")),
    LanguageLabels("pt", ("Pergunta", "Questão", "P"), ("Resposta", "R"), ("resposta", "ver", "mostrar"),
                   ("índice", "sumário", "conteúdo")),
    LanguageLabels("de", ("Frage", "F"), ("Antwort", "Lösung"), ("antwort", "lösung", "anzeigen"),
                   ("inhalt", "inhaltsverzeichnis")),
    LanguageLabels("fr", ("Question",), ("Réponse", "R"), ("réponse", "voir", "afficher", "solution"),
                   ("sommaire", "table des matières")),
    LanguageLabels("it", ("Domanda", "D"), ("Risposta", "R"), ("risposta", "mostra"), ("indice", "sommario")),
    LanguageLabels("pl", ("Pytanie",), ("Odpowiedź",), ("odpowiedź", "pokaż"), ("spis treści",)),
    LanguageLabels("nl", ("Vraag",), ("Antwoord",), ("antwoord", "toon", "bekijk"),
                   ("inhoud", "inhoudsopgave")),
    LanguageLabels("tr", ("Soru",), ("Cevap", "Yanıt", "Çözüm"), ("cevap", "yanıt", "çözüm", "göster"),
                   ("içindekiler",)),
    LanguageLabels("vi", ("Câu hỏi", "Câu"), ("Câu trả lời", "Trả lời", "Đáp án", "Lời giải"),
                   ("đáp án", "xem đáp án", "trả lời", "lời giải", "giải thích", "hiện"), ("mục lục",)),
    LanguageLabels("id", ("Pertanyaan", "Soal"), ("Jawaban", "Jawab", "Pembahasan"),
                   ("jawaban", "lihat", "tampilkan", "pembahasan"), ("daftar isi",)),
    LanguageLabels("fa", ("سوال", "سؤال", "پرسش"), ("پاسخ", "جواب"), ("پاسخ", "جواب", "نمایش"),
                   ("فهرست مطالب", "فهرست")),
    LanguageLabels("cs", ("Otázka",), ("Odpověď",), ("odpověď", "zobrazit"), ("obsah",)),
    LanguageLabels("sk", ("Otázka",), ("Odpoveď",), ("odpoveď", "zobraziť"), ("obsah",)),
    LanguageLabels("lt", ("Klausimas",), ("Atsakymas",), ("atsakymas", "rodyti"), ("turinys",)),
    LanguageLabels("lv", ("Jautājums",), ("Atbilde",), ("atbilde", "rādīt"), ("saturs",)),
    LanguageLabels("sv", ("Fråga",), ("Svar",), ("svar", "visa"), ("innehåll",)),
    LanguageLabels("da", ("Spørgsmål",), ("Svar",), ("svar", "vis"), ("indhold",)),
    LanguageLabels("no", ("Spørsmål",), ("Svar",), ("svar", "vis"), ("innhold",)),
    LanguageLabels("fi", ("Kysymys",), ("Vastaus",), ("vastaus", "näytä"), ("sisällys",)),
    LanguageLabels("hu", ("Kérdés",), ("Válasz",), ("válasz", "mutasd"), ("tartalom",)),
    LanguageLabels("ro", ("Întrebare",), ("Răspuns",), ("răspuns", "arată"), ("cuprins",)),
    LanguageLabels("el", ("Ερώτηση",), ("Απάντηση",), ("απάντηση", "εμφάνιση"), ("περιεχόμενα",)),
    LanguageLabels("he", ("שאלה",), ("תשובה",), ("תשובה", "הצג"), ("תוכן עניינים",)),
    LanguageLabels("hi", ("प्रश्न", "सवाल"), ("उत्तर", "जवाब"), ("उत्तर", "जवाब", "देखें"), ("विषय सूची",)),
    LanguageLabels("ar", ("السؤال", "سؤال"), ("الإجابة", "الجواب", "إجابة", "جواب"),
                   ("الإجابة", "الجواب", "إظهار", "عرض"), ("المحتويات", "الفهرس")),
)

#: Question marks of every script: Latin/Cyrillic ``?``, full-width ``？``, Arabic ``؟``, the
#: reversed, small and vertical forms. The Greek question mark (U+037E) is the same character as
#: the semicolon once text is normalised, so ``;`` asks only in Greek text (:func:`asks`).
QUESTION_MARKS = "?\uff1f\u061f\u2e2e\ufe56\ufe16"
_GREEK_QUESTION_MARKS = "\u037e;"
_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
#: What may follow a question mark at the end of a question: closing emphasis, quotes, brackets.
_CLOSERS = "*_`\"'”’»」』）)]】 \t"
COLON = "[:：]"
#: Full-width digits and CJK numerals (up to 99) as numbers.
_CJK_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
               "八": 8, "九": 9}
CJK_NUMBER = "[一二三四五六七八九十两〇零]{1,3}"


def _alternation(words: set[str]) -> str:
    """A regex alternation, longest first, so ``Answer`` is tried before ``A``."""
    return "|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w)))


def _unspaced(words: set[str]) -> set[str]:
    """The words of scripts written without spaces (CJK, kana): no word boundary to wait for."""
    return {word for word in words if any(ord(char) >= 0x2E80 for char in word)}


def _spaced(words: set[str]) -> set[str]:
    return words - _unspaced(words)


def _labels(field: str, *, letters: bool) -> set[str]:
    """Every language's ``field`` labels, as written and in capitals (``Answer``, ``ANSWER``);
    one-letter labels only with ``letters``."""
    words = {word for row in LANGUAGES for word in getattr(row, field) if letters or len(word) > 1}
    return words | {word.upper() for word in words}


#: Every language's question and answer words (not letters), lower case: table headers.
QUESTION_WORD_SET = frozenset(word.lower() for word in _labels("questions", letters=False))
ANSWER_WORD_SET = frozenset(word.lower() for word in _labels("answers", letters=False))
#: Question and answer labels of every language as regex alternations (``Question|Вопрос|问题…``);
#: the ``_ANY`` forms add the one-letter labels (``Q``, ``P``, ``F``, ``D``; ``A``, ``R``).
QUESTION_LABEL_WORDS = _alternation(_labels("questions", letters=False))
QUESTION_LABEL_ANY = _alternation(_labels("questions", letters=True))
ANSWER_LABEL_WORDS = _alternation(_labels("answers", letters=False))
ANSWER_LABEL_ANY = _alternation(_labels("answers", letters=True))
_REVEALS = {word for row in LANGUAGES for word in row.reveals}
#: A summary ending in an answer noun labels the answer too (``第 1 题的答案``, ``Показать ответ``).
#: (Each row's first reveal word is its noun for "answer".)
_ANSWER_NOUNS = {word.lower() for row in LANGUAGES
                 for word in (*row.answers, *row.reveals[:1]) if len(word) > 1}
_ANSWER_NOUNS |= {"answers", "solution", "solutions"}
REVEAL = re.compile(rf"^(?:(?:{_alternation(_spaced(_REVEALS))})(?![^\W\d_])"
                    rf"|{_alternation(_unspaced(_REVEALS))})", re.IGNORECASE)
REVEAL_END = re.compile(rf"(?:(?<![^\W\d_])(?:{_alternation(_spaced(_ANSWER_NOUNS))})"
                        rf"|{_alternation(_unspaced(_ANSWER_NOUNS))})$", re.IGNORECASE)
_ANSWER_START = re.compile(rf"^(?:(?:{_alternation(_spaced(_ANSWER_NOUNS))})(?![^\W\d_])"
                           rf"|{_alternation(_unspaced(_ANSWER_NOUNS))})", re.IGNORECASE)
#: Headings of a table of contents in every language (``Contents``, ``目录``, ``Оглавление``).
CONTENTS = _alternation({word for row in LANGUAGES for word in row.contents})


#: A tag after a question: ``[senior]``, ``(Easy)``, ``【必考】``.
TRAILING_TAG = re.compile(r"[\[(（【][^\[\]()（）【】]{1,20}[\])）】][ \t]*$")


def question_label_languages(label: str) -> frozenset[str]:
    """The languages that write ``label`` before a question (``Question``: en, fr; ``P``: es, pt)."""
    folded = label.casefold()
    return frozenset(row.language for row in LANGUAGES
                     if any(word.casefold() == folded for word in row.questions))


def asks(text: str) -> bool:
    """Whether ``text`` ends with a question mark of any script (``…?**``, ``什么是闭包？``), a
    trailing tag (``What is X? [Easy]``) aside, or opens one (``¿Qué es…``)."""
    stripped = TRAILING_TAG.sub("", text).rstrip(_CLOSERS)
    if not stripped:
        return False
    if stripped[-1] in _GREEK_QUESTION_MARKS:
        return bool(_GREEK.search(stripped))
    return stripped[-1] in QUESTION_MARKS or text.lstrip().startswith("¿")


#: The longest summary read as a label ("Show the answer to question 12").
_SHORT_SUMMARY = 60


def is_reveal_label(summary: str) -> bool:
    """A collapsible block's summary that labels the hidden answer instead of asking: one that
    starts with a reveal word (``Answer``, ``Show answer``, ``点击查看答案``) or, short and not
    asking, ends with a word for "answer" (``第 1 题的答案``, ``Показать ответ``)."""
    text = summary.strip().strip("*_:：.!！ ")
    if REVEAL.match(text):
        return True
    short = 0 < len(text) <= _SHORT_SUMMARY and len(text.split()) <= 5
    return short and not asks(text) and bool(REVEAL_END.search(text))


def names_answer(summary: str) -> bool:
    """A short summary that hides an answer, not an example or more detail: it starts or ends
    with a word for "answer" (``Answer 3``, ``Đáp án``, ``Xem đáp án``, ``Показать ответ``)."""
    text = summary.strip().strip("*_:：.!！ ")
    short = 0 < len(text) <= _SHORT_SUMMARY and len(text.split()) <= 5
    return short and not asks(text) and bool(_ANSWER_START.match(text) or REVEAL_END.search(text))


def number_value(number: str) -> str:
    """``"７"`` -> ``"7"``, ``"十二"`` -> ``"12"``: a number as plain decimal digits."""
    if number.isdigit():
        return str(int(number))  # int() reads every script's decimal digits
    return str(_cjk_number(number))


def _cjk_number(text: str) -> int:
    if "十" not in text:
        return int("".join(str(_CJK_DIGITS[char]) for char in text))
    tens, _, units = text.partition("十")
    return (_CJK_DIGITS[tens] if tens else 1) * 10 + (_CJK_DIGITS[units] if units else 0)


def fold(text: str) -> str:
    """``text`` without accents on Latin letters (``qué`` -> ``que``) and with full-width forms
    narrowed (``Ｑ１`` -> ``Q1``); other scripts are kept as written."""
    narrowed = unicodedata.normalize("NFKC", text)
    out = []
    for char in narrowed:
        base = unicodedata.normalize("NFD", char)
        out.append(base[0] if base[0].isascii() and all(unicodedata.combining(c) for c in base[1:]) else char)
    return "".join(out)


#: Words a question (or an interview prompt) starts with, in English.
QUESTION_WORDS = re.compile(
    r"^(what|how|why|when|where|which|who|whom|whose|is|are|can|could|should|would|will|do|does|"
    r"did|explain|describe|define|compare|list|name|give|tell|walk|contrast|differentiate|"
    r"distinguish|discuss|outline|summari[sz]e|implement|write|show)\b",
    re.IGNORECASE,
)
