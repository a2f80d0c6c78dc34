"""Note identities: a GUID per card that survives rebuilds, so Anki keeps its review history."""

from __future__ import annotations

import hashlib

from .models import Card

GUID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def item_key(source: str, ref: str) -> str:
    """The stable identity of an item inside its source."""
    return f"{source}#{ref}"


def stable_guid(*parts: str) -> str:
    """A 10-character GUID derived from ``parts``; equal parts give equal GUIDs."""
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")
    chars = []
    for _ in range(10):
        digest, index = divmod(digest, len(GUID_ALPHABET))
        chars.append(GUID_ALPHABET[index])
    return "".join(chars)


def card_guid(deck: str, card: Card) -> str:
    """GUID of a card: from its first member's key, never from its text."""
    primary = card.primary
    return stable_guid("qa2anki", deck, item_key(primary.source, primary.ref))
