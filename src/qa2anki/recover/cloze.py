"""Which term of an answer a cloze card hides.

A term is worth hiding when the answer is about it and nothing else on the card gives it away:

1. Candidates, by kind: code spans, words shaped like code (``exclude_unset``, ``APIRouter``,
   ``--reload``, ``/docs``, ``python-multipart``), numbers (status codes, versions), names
   (capitalised mid-sentence, acronyms), and last plain content words of the first sentence.
2. Never a stop word, never a term the rest of the card shows: every occurrence is hidden, and a
   term still visible after that (inside a longer word, or in code the highlighter splits) is
   refused, as is one whose longest part shows elsewhere (``multipart`` beside ``python-multipart``)
   unless that part is a word the whole deck uses.
3. The best is not the whole deck's topic (a term in more than 15% of its answers), is in the
   first sentence (what the answer is about), of the strongest kind, rarest in the deck; a plain
   word is one that follows an article, a preposition or a list comma and precedes no article
   (a noun, not a verb). A second term (``c2``) is hidden only when it is code-shaped too and first
   appears in another sentence: never more than two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .questions import opening_subject
from .text import ACRONYM, CAPITALISED, CODE_SPAN, IDENTIFIER, NUMBER, Answer, read_answer

#: Kinds, strongest first: the rank a candidate of each gets. The subject the first sentence opens
#: with ("A covering index holds …") is what the answer is about: it comes first.
_SUBJECT, _CODE, _IDENTIFIER, _NUMBER, _NAME, _WORD = range(6)
MAX_TERMS = 2
_TOPIC_SHARE = 0.15
_MAX_LENGTH = 40
_MIN_WORD = 5
#: What a cloze may not contain (Anki's cloze syntax, and characters HTML escapes).
_UNSAFE = re.compile(r"::|\{\{|\}\}|[<>&\"'\\|]")
_PLAIN_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_STOPWORDS = frozenset(
    "about above after again against along also although always among another anything around because "
    "before being below between beyond both cannot could does doing during each either every example "
    "first following further having however instead into itself later least might more most much must "
    "neither never often other others otherwise over perhaps quite rather really same should since "
    "something sometimes still such than that their them then there therefore these they thing things "
    "this those though through thus under unless until upon usually very what whatever when where "
    "whether which while whose will with within without would your yours typically commonly directly "
    "generally simply mostly mainly especially instance common allows enables provides returns makes "
    "using based used uses useful helps keeps gives takes works true false none null".split()
)

Frequency = Callable[[str], float]
#: A plain word where a noun stands: after an article, a preposition or a list's comma, and
#: before no article or pronoun (a word before one is a verb: "defines a route").
_NOUN = re.compile(
    r"(?:\b(?:a|an|the|of|and|or|in|on|at|by|for|from|with|without|into|across|between|per|over|under|"
    r"through|like|than|as)|,)\s+(?:[a-z]+\s+(?=[a-z]+(?<!s)\b))?"  # an adjective: then no verb's -s
    r"([a-z]{" + str(_MIN_WORD) + r",})\b(?![\w/-])"
    r"(?!\s+(?:a|an|the|it|them|its|your|their|this|that|these|those)\b)"
)


@dataclass(frozen=True)
class _Candidate:
    term: str
    kind: int
    sentence: int  # the first sentence it occurs in


def cloze_terms(answer: str, frequency: Frequency = lambda term: 0.0) -> tuple[str, ...]:
    """The terms to hide in ``answer`` (``c1`` first), at most two; () when none is safe."""
    parsed = read_answer(answer)
    candidates = [c for c in _candidates(parsed) if _hideable(c.term, parsed, frequency)]
    if not candidates:
        return ()
    candidates.sort(key=lambda c: (frequency(c.term) > _TOPIC_SHARE, c.kind != _SUBJECT, min(c.sentence, 1),
                                   c.kind, frequency(c.term), c.sentence))
    best = candidates[0]
    second = next(
        (c for c in candidates[1:] if _CODE <= c.kind <= _IDENTIFIER and best.kind <= _IDENTIFIER
         and frequency(c.term) <= _TOPIC_SHARE and c.sentence != best.sentence
         and not _overlap(c.term, best.term)),
        None,
    )
    terms = (best.term,) if second is None else (best.term, second.term)
    return terms[:MAX_TERMS]


def _candidates(answer: Answer) -> list[_Candidate]:
    found: dict[str, _Candidate] = {}
    subject = _subject_term(answer)
    if subject and _acceptable(subject):
        found[subject.lower()] = _Candidate(subject, _SUBJECT, 0)
    for index, sentence in enumerate(answer.sentences):
        for kind, terms in _terms_by_kind(sentence, first=index == 0):
            for term in terms:
                term = term.strip().rstrip(".,:;")
                if term and term.lower() not in found and _acceptable(term):
                    found[term.lower()] = _Candidate(term, kind, index)
    return list(found.values())


def _subject_term(answer: Answer) -> str:
    """The term the first sentence opens with, when it names something: its code ("`Content-Type`
    header"), a name, or a phrase of several words ("covering index"); not a lone plain noun."""
    subject = opening_subject(answer.sentences[0]) if answer.sentences else ""
    code = CODE_SPAN.search(subject)
    if code:
        return code.group(1)
    if len(subject.split()) > 1 or IDENTIFIER.fullmatch(subject) or CAPITALISED.fullmatch(subject):
        return subject
    return ""


def _terms_by_kind(sentence: str, first: bool) -> list[tuple[int, list[str]]]:
    without_code = CODE_SPAN.sub(" ", sentence)
    start = re.sub(r"\W+$", "", sentence.split(maxsplit=1)[0]) if sentence.split() else ""
    names = [n for n in CAPITALISED.findall(without_code) if n != start and not IDENTIFIER.fullmatch(n)]
    acronyms = [a for a in ACRONYM.findall(without_code) if len(a.rstrip("s")) >= 3]
    kinds = [
        (_CODE, CODE_SPAN.findall(sentence)),
        (_IDENTIFIER, IDENTIFIER.findall(without_code)),
        (_NUMBER, [n for n in NUMBER.findall(without_code) if _meaningful_number(n)]),
        (_NAME, names + acronyms),
    ]
    kinds.append((_WORD, _nouns(without_code)))
    return kinds


def _nouns(sentence: str) -> list[str]:
    """Plain words that stand where a noun does: after an article, a preposition or a list's comma."""
    found = _NOUN.findall(sentence)
    return [w for w in found if w not in _STOPWORDS and not w.endswith(("ly", "ed", "ing", "ier"))]


def _meaningful_number(number: str) -> bool:
    """A status code, a port, a version: not a bare small count ("2 ways")."""
    return "." in number or len(number) >= 3


def _acceptable(term: str) -> bool:
    return 2 <= len(term) <= _MAX_LENGTH and not _UNSAFE.search(term) and term.lower() not in _STOPWORDS


def _hideable(term: str, answer: Answer, frequency: Frequency) -> bool:
    """Whether hiding every occurrence of ``term`` leaves nothing on the card that shows it."""
    prose = answer.prose
    if not _spans(term, prose):
        return False  # only in code: a card hiding it there would show no prose about it
    plain = _PLAIN_IDENTIFIER.match(term) is not None
    if not plain and any(_spans(term, block) for block in answer.code):
        return False  # the highlighter splits it: it would stay readable in the code
    rest = _masked(term, " ".join([prose, *answer.code])).lower()
    if term.lower() in rest:
        return False
    longest = max(re.findall(r"[A-Za-z0-9]+", term), key=len, default="").lower()
    if len(longest) < _MIN_WORD or longest == term.lower() or frequency(longest) > _TOPIC_SHARE:
        return True  # no telling part, or one too common to tell ("response" of response_model)
    return not _spans(longest, rest, edge="a-z0-9")


def _spans(term: str, text: str, edge: str = r"\w-") -> list[tuple[int, int]]:
    """Where ``term`` stands whole in ``text``: not inside a longer word, name or call (plain
    string search; a compiled pattern per term would cost more than the search)."""
    around = re.compile(f"[{edge}]")
    found, start = [], text.find(term)
    while start >= 0:
        end = start + len(term)
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        call = not term.endswith(")") and text.startswith("()", end)
        if not (before and around.match(before)) and not (after and around.match(after)) and not call:
            found.append((start, end))
        start = text.find(term, start + 1)
    return found


def _masked(term: str, text: str) -> str:
    """``text`` with every whole occurrence of ``term`` blanked."""
    for start, end in reversed(_spans(term, text)):
        text = f"{text[:start]} {text[end:]}"
    return text


@lru_cache(maxsize=4096)
def occurrence_pattern(term: str) -> re.Pattern[str]:
    """Every place ``term`` stands as a whole (not inside a longer word or name): what the render
    stage wraps as ``{{cN::…}}``; the same places :func:`_spans` finds."""
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-]|\(\))" if not term.endswith(")")
                      else r"(?<![\w-])" + re.escape(term) + r"(?![\w-])")


def _overlap(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return a in b or b in a
