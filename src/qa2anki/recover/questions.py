"""The question an answer states, read off its first sentence's grammar.

Only shapes that say plainly what they answer are read; anything else is left to a cloze:

========================================  ==================================================
the answer starts …                       the question
========================================  ==================================================
``X is a/an/the …``, ``X are …s that …``  What is X? / What are X?
``X is built on …``, ``X was created by`` What is X built on? / Who created X?
``X lets you …``, ``X allows …``          What does X do?
``X uses Y for Z`` / ``X provides …``     What does X use for Z? / What does X provide?
``Use X to Y`` / ``Use X for Y``          How do you Y? / What do you use for Y?
``You need X to Y``                       What do you need to Y?
``Install X. It is required for Y``       Which package is required for Y?
``Yes. You can …`` / ``X does not …``     Can you …? / Does X …?
``A …, while B …``                        What is the difference between A and B?
========================================  ==================================================

X must be a noun phrase (a code span, a name, or a few plain words after an article), never a
pronoun: "It creates …" does not say what "it" is, unless the page's heading (the item's topic)
does. The verbs are general English; no rule knows a document's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .text import read_answer, strip_asides

#: Words that cannot open a subject: pronouns, quantifiers, prepositions and conjunctions.
_NOT_SUBJECT = frozenset(
    "it its they them their this these that those there here each every any all some most many only if "
    "when with in on for by as to from at of into whatever whichever both either neither you your we our i "
    "one another such no not also then so but and or because since after before while although though "
    "unlike instead internally typically usually often always never just even what which who how why "
    "where yes example note see first last under over through during within without via across "
    "against out up down back away together below above following".split()
)
_AUXILIARY = frozenset(
    "is are was were be been being am can cannot could will would should must may might do does did "
    "has have had not".split()
)
_ARTICLES = frozenset({"a", "an", "the"})
#: Nouns that name a remark about the subject, not a second subject ("A common use is …").
_REMARKS = frozenset(
    "use uses way ways example examples reason reasons problem problems benefit benefits advantage "
    "advantages drawback drawbacks difference result results rule rules tip catch downside upside "
    "alternative option case cases pattern trick idea point goal purpose".split()
)
#: Verbs a subject's sentence may open with, in their plain form; "What does X <verb>?" asks for
#: the object. General English, picked for sentences that state what a thing does.
_TRANSITIVE = frozenset(
    "provide support require add store control define use return create generate validate convert handle "
    "manage run include contain set select force adapt produce describe ensure keep offer implement wrap "
    "expose isolate accept check parse serialize register mount read send receive track limit prevent "
    "protect improve reduce cache load map hold specify determine represent measure combine separate "
    "replace extend encode decode transform trigger schedule execute inject resolve declare need".split()
)
#: Verbs whose object is a whole purpose ("lets you …"): the question asks what the thing does.
_PURPOSE = frozenset("let allow enable help make".split())
_ASKS_FOR_MORE = frozenset({"require", "need"})  # specific even when the subject is the page's topic
_IMPERATIVE = frozenset(
    "use call run add pass install set create define declare mount raise return register combine "
    "put include wrap apply enable import".split()
)
_WORD = re.compile(r"`[^`]+`|[\w'][\w.\-/+#']*(?:\(\))?|[/@-][\w.\-/{}]+")
_QUESTION = re.compile(r"^(?:What|How|Which|Who|Why|When|Where|Can|Does|Do|Is|Are|Will|Should) \S.*\?$")

#: How common a term is in the deck (0..1 of answers holding it); a subject the whole page is
#: about ("FastAPI" in a FastAPI page) makes "What does FastAPI provide?" ask nothing in particular.
Frequency = Callable[[str], float]
_TOPIC_SHARE = 0.15


def recovered_question(
    answer: str,
    *,
    topic: str = "",
    frequency: Frequency = lambda term: 0.0,
    lowercase: frozenset[str] = frozenset(),
    names: frozenset[str] = frozenset(),
) -> str:
    """The question ``answer`` plainly answers, or "" when its words do not say.

    ``topic`` is the item's heading (it may name what a pronoun stands for); ``lowercase`` holds the
    words the deck writes in lower case mid-sentence ("Middleware" opening a sentence is a common
    noun) and ``names`` those it capitalises there ("Uvicorn" is a name), in lower case.
    """
    sentences = read_answer(answer).sentences
    if not sentences:
        return ""
    reader = _Reader(sentences, topic, frequency, lowercase, names)
    for rule in (reader.yes_no, reader.comparison, reader.requirement, reader.imperative, reader.statement):
        question = rule()
        if question and well_formed(question):
            return question
    return ""


def well_formed(question: str) -> bool:
    """A question we would show: opens as a question, ends with ``?``, brackets balanced, 3-30 words."""
    words = question.split()
    if not 3 <= len(words) <= 30 or not _QUESTION.match(question) or re.search(r"[.!?:;]\s", question):
        return False
    if question.count("`") % 2:
        return False
    return all(question.count(o) == question.count(c) for o, c in ("()", "[]", "{}"))


class _Reader:
    """The rules, over one answer's sentences."""

    def __init__(
        self,
        sentences: tuple[str, ...],
        topic: str,
        frequency: Frequency,
        lowercase: frozenset[str],
        names: frozenset[str],
    ):
        self.sentences = sentences
        self.first = strip_asides(sentences[0])
        self.topic = topic
        self.frequency = frequency
        self.lowercase = lowercase
        self.names = names

    # -- the rules, most specific first ----------------------------------------------------------

    def yes_no(self) -> str:
        """"Yes. You can …" -> "Can you …?"; "X does not …" -> "Does X …?"."""
        reply = re.match(r"^(?:Yes|No)\b[.,!]?\s*(?P<rest>.*)$", self.sentences[0])
        if reply:
            rest = strip_asides(reply.group("rest") or (self.sentences[1] if len(self.sentences) > 1 else ""))
            return self._modal_question(rest, affirmed=True)
        return self._modal_question(self.first, affirmed=False)

    def _modal_question(self, sentence: str, affirmed: bool) -> str:
        words = sentence.split()
        if affirmed and words and words[0].lower() in _IMPERATIVE and len(words) >= 2:
            return f"Can you {words[0].lower()} {' '.join(words[1:])}?"
        match = re.match(
            r"^(?P<subject>.+?)\s+(?P<modal>can|cannot|can't|could|should|will|must|does|do|is|are)"
            r"(?P<negation>\s+not|n't)?\s+(?P<rest>.+)$", sentence
        )
        if not match or not (affirmed or match.group("negation") or match.group("modal") == "cannot"):
            return ""
        modal = match.group("modal")
        if modal in ("do", "does") and not match.group("negation"):
            return ""  # "X does Y" is emphasis, not a statement to ask back
        if modal in ("is", "are") and not match.group("negation"):
            return ""  # "X is Y" is a definition: the statement rule asks it better
        subject = "you" if match.group("subject") == "You" else self._subject(match.group("subject"))
        if not subject:
            return ""
        modal = {"cannot": "can", "can't": "can"}.get(modal, modal)
        return f"{modal.capitalize()} {subject} {match.group('rest')}?"

    def comparison(self) -> str:
        """"A …, while B …", "A …; B …" or two sentences side by side ("`A` checks …. `B` runs …",
        "An image is …. A container is …") -> "What is the difference between A and B?"."""
        sentence = self.sentences[0]
        unlike = re.match(r"^Unlike (?P<a>[^,]+), (?P<b>.+)$", sentence)
        contrast = re.split(r",?\s+(?:while|whereas)\s+|;\s+(?:while|whereas)\s+", sentence, maxsplit=1)
        if unlike:
            first, second = self._subject(unlike.group("a")), self._opening(unlike.group("b"))[0]
        elif len(contrast) == 2:
            first = self._opening(contrast[0])[0]
            second = self._opening(contrast[1], head=first.split()[-1] if first else "")[0]
        else:
            first, second = self._side_by_side()
        if not first or not second or first.lower() == second.lower():
            return ""
        return f"What is the difference between {first} and {second}?"

    def _side_by_side(self) -> tuple[str, str]:
        """Two clauses (split by ``;``, or the first two sentences) opening alike: both with code,
        or both with a noun phrase and the same verb."""
        clauses = re.split(r";\s+", self.sentences[0], maxsplit=1)
        if len(clauses) < 2:
            if len(self.sentences) < 2:
                return "", ""
            clauses = [self.sentences[0], self.sentences[1]]
        (first, verb), (second, other_verb) = self._opening(clauses[0]), self._opening(clauses[1])
        if not first or not second or second.split()[-1].lower() in _REMARKS:
            return "", ""
        both_code = first.startswith("`") and second.startswith("`")
        return (first, second) if both_code or (verb and verb == other_verb) else ("", "")

    def requirement(self) -> str:
        """"Install X. It is required for Y" / "You need X to Y" -> which package / what do you need."""
        need = re.match(
            r"^You (?:need|must install|have to install) (?P<what>.+?) (?P<to>to|for) (?P<goal>.+)$",
            self.first,
        )
        if need and self._is_goal(need.group("goal")):
            return f"What do you need {need.group('to')} {need.group('goal')}?"
        install = re.match(r"^(?:Install|Add) (?P<what>\S+)$", self.first)
        if not install or len(self.sentences) < 2:
            return ""
        required = re.match(r"^(?:It|This|This package|This dependency|That) is (?:required|needed) "
                            r"(?P<to>for|to) (?P<goal>.+)$", strip_asides(self.sentences[1]))
        if not required:
            return ""
        return f"Which package is required {required.group('to')} {required.group('goal')}?"

    def imperative(self) -> str:
        """"Use X to Y" -> "How do you Y?"; "Use X for Y" -> "What do you use for Y?"."""
        match = re.match(r"^(?P<verb>[A-Z][a-z]+) (?P<what>.+?) (?P<link>to|in order to|for) (?P<goal>.+)$",
                         self.first)
        if not match or match.group("verb").lower() not in _IMPERATIVE:
            return ""
        what, goal = match.group("what"), match.group("goal")
        if len(what.split()) > 8 or re.search(r"\b(?:but|then)\b|;", what) or not self._is_goal(goal):
            return ""
        if match.group("link") == "for":
            if match.group("verb") != "Use":
                return ""
            return f"What do you use for {goal}?"
        return f"How do you {goal}?"

    def statement(self) -> str:
        """"X is a …", "X is built on …", "X lets you …", "X provides …" -> what is / what does."""
        sentence = self.first
        passive = re.match(r"^(?P<subject>.+?) (?P<be>is|are) (?P<done>built|based) (?:on|upon) \S", sentence)
        if passive and self._subject(passive.group("subject")):
            subject = self._subject(passive.group("subject"))
            return f"What {passive.group('be')} {subject} {passive.group('done')} on?"
        author = re.match(r"^(?P<subject>.+?) (?:was|were) (?P<verb>[a-z]+ed) by \S", sentence)
        if author and self._subject(author.group("subject")):
            return f"Who {author.group('verb')} {self._subject(author.group('subject'))}?"
        used = re.match(r"^(?P<subject>.+?) (?P<be>is|are) (?:\w+ly )?used (?:to|for) \S", sentence)
        if used and self._subject(used.group("subject")):
            return f"What {used.group('be')} {self._subject(used.group('subject'))} used for?"
        definition = re.match(r"^(?P<subject>.+?) (?P<be>is|are) (?P<rest>.+)$", sentence)
        if definition and self._defines(definition.group("be"), definition.group("rest")):
            subject = self._subject(definition.group("subject"))
            if subject:
                return f"What {definition.group('be')} {subject}?"
        return self._verb_question(sentence)

    def _defines(self, be: str, rest: str) -> bool:
        """``is a …``, ``is one of …``, ``is code that …``, ``are assets such as …``: a definition."""
        if re.match(r"^(?:a|an|the|one of)\s", rest):
            return True
        return bool(re.match(r"^[a-z]+(?:\s+[a-z]+)?\s+(?:that|which|who|such as)\b", rest)) and (
            be == "are" or not rest.startswith(("not ", "also "))
        )

    def _verb_question(self, sentence: str) -> str:
        """"X provides …" -> "What does X provide?"; "X uses Y for Z" -> "What does X use for Z?"."""
        words = sentence.split()
        for size in range(1, min(6, len(words) - 1) + 1):
            subject_text, verb = " ".join(words[:size]), words[size]
            base, plural = _verb_base(verb)
            if not base:
                continue
            subject = self._subject(subject_text)
            if not subject:
                continue
            if plural and not _looks_plural(subject_text):
                continue
            does = "do" if plural else "does"
            rest = " ".join(words[size + 1:])
            if base not in _PURPOSE and not _opens_object(rest):
                return ""  # "X runs first": no object to ask for
            if base == "use":
                purpose = re.match(r"^.+? (?P<link>for|to) (?P<goal>.+)$", rest)
                if purpose and self._is_goal(purpose.group("goal")):
                    return f"What {does} {subject} use {purpose.group('link')} {purpose.group('goal')}?"
                return ""
            if base in _PURPOSE:
                return f"What {does} {subject} do?"
            if base not in _ASKS_FOR_MORE and self.frequency(_bare(subject_text)) > _TOPIC_SHARE:
                return ""
            return f"What {does} {subject} {base}?"
        return ""

    # -- noun phrases ----------------------------------------------------------------------------------

    def _subject(self, text: str) -> str:
        """``text`` as a question's subject, or "" if it is no noun phrase (or a pronoun)."""
        text = text.strip()
        words = _WORD.findall(text)
        if not words or " ".join(words) != " ".join(text.split()):
            return self._topic_for(text)
        lowered = [w.lower() for w in words]
        if lowered[0] in _NOT_SUBJECT or any(w in _AUXILIARY or w in _NOT_SUBJECT for w in lowered):
            return self._topic_for(text)
        if lowered[0] in _IMPERATIVE or any(_verb_base(w)[0] and not _verb_base(w)[1] for w in lowered[1:]):
            return ""  # "Create a route …", "A minimal app imports …": a verb, not a noun phrase
        content = [w for w in words if w.lower() not in _ARTICLES]
        named = any(_is_named(w) for w in content)
        if not content or len(content) > 4 or (not named and len(content) > 3):
            return ""
        if words[0].lower() in _ARTICLES and len(words) == 1:
            return ""
        first = words[0]
        common = not _is_named(first) and first.lower() not in self.names
        noun_form = re.search(r"(?:ing|tion|sion|ment|ness|ity|ance|ence)s?$", first.lower()) is not None
        if first.lower() in _ARTICLES or (common and (first.lower() in self.lowercase or len(words) > 1
                                                      or noun_form)):
            # capitalised only because it opens the sentence ("Middleware is …", "Static files are …")
            words[0] = first.lower()
        return " ".join(words)

    def _topic_for(self, text: str) -> str:
        """A pronoun subject ("It", "They") stands for the heading's topic, if there is a plain one."""
        if text.strip() not in ("It", "They", "This") or not self.topic:
            return ""
        topic = self.topic.strip().rstrip("?:.")
        words = _WORD.findall(topic)
        if not words or len(words) > 4 or words[0].lower() in _NOT_SUBJECT:
            return ""
        if any(w.lower() in _AUXILIARY for w in words):
            return ""
        return topic

    def _opening(self, clause: str, head: str = "") -> tuple[str, str]:
        """The noun phrase a clause opens with and the verb after it: a code span, or words up to a
        verb, or up to ``head`` (the noun it shares with the clause it is compared with: "path
        parameters" / "query parameters"); ("", "") when it opens with none."""
        words = clause.split()
        if len(words) >= 2 and re.fullmatch(r"`[^`]+`", words[0]):
            return words[0], words[1].lower()
        for size in range(min(5, len(words) - 1), 0, -1):
            following = words[size].lower()
            ends_at_head = bool(head) and words[size - 1].lower() == head.lower()
            verbish = following in _AUXILIARY or bool(_verb_base(following)[0])
            if ends_at_head or (verbish and not head):
                subject = self._subject(" ".join(words[:size]))
                if subject:
                    return subject, following
        return "", ""

    @staticmethod
    def _is_goal(goal: str) -> bool:
        """A purpose clause ("install FastAPI"), not a value ("True", "30 seconds", "the URL")."""
        words = goal.split()
        if not words or len(words) > 14 or re.search(r"[.!?:;]\s", goal):
            return False
        first = words[0]
        return first.isalpha() and first.islower() and first not in _ARTICLES and first not in (
            "example", "instance", "this", "that", "these", "those", "it", "them", "its", "your", "their"
        )


def opening_subject(sentence: str) -> str:
    """The noun phrase ``sentence`` opens with, as written and without its article ("covering
    index" of "A covering index holds …"), when a verb follows it; "" for a pronoun or none."""
    words = sentence.split()
    reader = _Reader((sentence,), "", lambda term: 0.0, frozenset(), frozenset())
    for size in range(min(5, len(words) - 1), 0, -1):
        following = words[size]
        verbish = following.lower() in _AUXILIARY or bool(_verb_base(following)[0]) or (
            re.fullmatch(r"[a-z]+[^s]s", following) is not None)  # "holds", "passes": a verb's -s
        if verbish and reader._subject(" ".join(words[:size])):
            kept = words[1:size] if words[0].lower() in _ARTICLES else words[:size]
            return " ".join(kept)
    return ""


def _opens_object(rest: str) -> bool:
    """Whether what follows a verb starts its object (a noun phrase), not an adverb or a clause."""
    following = rest.split(maxsplit=1)[0].lower().strip(",.") if rest.split() else ""
    if not following:
        return False
    return following in _ARTICLES or not (following in _NOT_SUBJECT or following in _AUXILIARY
                                          or following.endswith("ly"))


def _verb_base(word: str) -> tuple[str, bool]:
    """(the plain form, whether ``word`` was it already) for a listed verb; ("", False) otherwise."""
    word = word.lower()
    if word in _VERBS:
        return word, True
    return _THIRD_PERSON.get(word, ""), False


def _third_person(base: str) -> str:
    if re.search(r"[^aeiou]y$", base):
        return base[:-1] + "ies"
    if re.search(r"(?:s|sh|ch|x|z|o)$", base):
        return base + "es"
    return base + "s"


_VERBS = _TRANSITIVE | _PURPOSE
_THIRD_PERSON = {_third_person(base): base for base in _VERBS}


def _looks_plural(subject: str) -> bool:
    last = subject.split()[-1].strip("`")
    return last.endswith("s") and not last.endswith("ss")


def _is_named(word: str) -> bool:
    """A code span, or a word shaped like a name: inner capitals, digits, ``_ . / -`` inside, all caps."""
    if word.startswith("`"):
        return True
    core = word.strip("()")
    return bool(re.search(r"[a-z][A-Z]|[A-Z]{2}|\d|[_./]|\w-\w", core)) or core.isupper()


def _bare(text: str) -> str:
    words = [w.strip("`") for w in text.split() if w.lower() not in _ARTICLES]
    return " ".join(words)
