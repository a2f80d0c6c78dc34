"""Chat transcripts as questions and answers: each asking turn answered by the next turn.

Fine-tune and chat data sets keep a conversation as a list of turns, each a mapping naming its
speaker (OpenAI's ``{"role": "user", "content": …}``, ShareGPT's ``{"from": "human", "value":
…}``). A user's turn followed at once by the assistant's is one question and its answer; the
system prompt sets the scene for every exchange and is no card. Roles are read by their usual
names; a list whose speakers are not all known is no conversation (it is left to the record
walker), so a transcript is never half read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Where a turn names its speaker, and where it keeps its text.
ROLE_KEYS = ("role", "from", "speaker", "author", "sender")
TURN_TEXT_KEYS = ("content", "value", "text", "message", "parts")
#: Speakers by what their turns do.
ASKING_ROLES = frozenset({"user", "human", "prompter", "question", "customer", "client", "student",
                          "questioner", "interviewer"})
ANSWERING_ROLES = frozenset({"assistant", "gpt", "bot", "model", "chatgpt", "ai", "answer", "agent",
                             "bard", "claude", "gemini", "tutor", "teacher", "expert", "interviewee"})
SETTING_ROLES = frozenset({"system", "developer", "instruction", "context"})
#: Record fields that hold a conversation; any field holding a list of turns counts too.
ASK, ANSWER, SETTING = "ask", "answer", "setting"


@dataclass(frozen=True)
class Turn:
    """One turn: the mapping it is written as, what it does (ask, answer, setting), its text."""

    mapping: Mapping[str, Any]
    does: str
    text: str


@dataclass(frozen=True)
class Exchange:
    """An asking turn and the turn answering it (None when none follows), with the exchange
    before it in the same conversation (context for a follow-up question), if any."""

    question: Turn
    answer: Turn | None
    earlier: tuple[Turn, Turn] | None = None


def turns_of(value: Any) -> list[Turn] | None:
    """The turns of a conversation, or None when ``value`` is no list of speaker-named turns
    with a question or an answer among them (a transcript cut short after its question is
    still one: its question is reported unanswered)."""
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        return None
    turns = [_turn(mapping) for mapping in value]
    known = [turn for turn in turns if turn is not None]
    if len(known) < len(turns) or not ({ASK, ANSWER} & {turn.does for turn in known}):
        return None
    return known


def _turn(mapping: Mapping[str, Any]) -> Turn | None:
    low = {str(key).lower(): key for key in mapping}
    role = next((mapping[low[k]] for k in ROLE_KEYS if k in low and isinstance(mapping[low[k]], str)), None)
    text_key = next((low[k] for k in TURN_TEXT_KEYS if k in low), None)
    if role is None or text_key is None:
        return None
    does = _does(role)
    return Turn(mapping, does, turn_text(mapping[text_key])) if does else None


def _does(role: str) -> str:
    name = role.strip().lower()
    if name in ASKING_ROLES:
        return ASK
    if name in ANSWERING_ROLES:
        return ANSWER
    return SETTING if name in SETTING_ROLES else ""


def turn_text(value: Any) -> str:
    """A turn's text: a string, or the text parts of a list of parts (``[{"type": "text",
    "text": …}]``) one paragraph each."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        parts = [turn_text(part.get("text", "") if isinstance(part, dict) else part) for part in value]
        return "\n\n".join(part for part in parts if part)
    return ""


def conversation_key(record: Mapping[str, Any]) -> Any:
    """The key of the record's field holding a conversation, or None."""
    return next((key for key, value in record.items() if turns_of(value) is not None), None)


def exchanges(turns: list[Turn]) -> list[Exchange]:
    """Each asking turn with the turn right after it when that one answers; an asking turn
    followed by another question (or by nothing) is an exchange without an answer."""
    out: list[Exchange] = []
    earlier: tuple[Turn, Turn] | None = None
    for index, turn in enumerate(turns):
        if turn.does != ASK:
            continue
        following = turns[index + 1] if index + 1 < len(turns) else None
        answer = following if following is not None and following.does == ANSWER else None
        out.append(Exchange(turn, answer, earlier))
        if answer is not None:
            earlier = (turn, answer)
    return out


def unasked(turns: list[Turn]) -> list[Turn]:
    """Answering turns no question precedes (a greeting the assistant opens with)."""
    return [turn for index, turn in enumerate(turns)
            if turn.does == ANSWER and (index == 0 or turns[index - 1].does != ASK)]


def context_of(exchange: Exchange) -> str:
    """What a follow-up question is asked after: the exchange before it, for the front."""
    if exchange.earlier is None:
        return ""
    question, answer = exchange.earlier
    return f"**Earlier question:** {question.text}\n\n**Earlier answer:** {answer.text}"
