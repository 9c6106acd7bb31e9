"""Reading the card's prose the way the rules need: phrase containment and use-policy wording."""

import re

from modellint.facts import Facts


def card_text(facts: Facts) -> str:
    """The card's prose plus its string metadata (gated cards keep terms in `extra_gated_prompt`)."""
    card = facts.card
    if card is None:
        return ""
    parts = [card.prose]
    for value in card.metadata.values():
        if isinstance(value, str):
            parts.append(value)
    return "\n".join(parts)


def normalize(text: str) -> str:
    """Lower case, one space between words, straight quotes: for phrase containment tests."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    text = re.sub(r"\u00a9|\(c\)", "(c)", text, flags=re.I)
    text = re.sub(r"[\"'`*_]", "", text)
    return " ".join(text.lower().split())


def contains_phrase(haystack: str, phrase: str) -> bool:
    needle = normalize(phrase).rstrip(" .,;:")
    return bool(needle) and needle in normalize(haystack)


# Wording that points users at a license's use policy (ML403, own and inherited parts alike).
_POLICY_MENTION = re.compile(
    r"\b(acceptable|prohibited|responsible)[\s-]+uses?\b|\busage[\s-]+policy\b"
    r"|\buse[\s-]+(based[\s-]+)?(policy|restrictions)\b|\brestrictions?[\s-]+on[\s-]+use\b"
    r"|\battachment\s+a\b",
    re.I,
)
_URL = re.compile(r"https?://\S+|\b[\w-]+(\.[\w-]+)+/\S*")


def references_use_policy(text: str, use_policy: str | None) -> bool:
    """Does ``text`` point at a use policy: policy wording, or the license's own policy by URL or
    by name (``use_policy`` as the knowledge base records it)?"""
    if _POLICY_MENTION.search(text):
        return True
    if not use_policy:
        return False
    lowered = text.lower()
    if use_policy.lower() in lowered:
        return True
    if any(_strip_url(m.group(0)) in lowered for m in _URL.finditer(use_policy)):
        return True
    return contains_phrase(text, _URL.sub("", use_policy))


def _strip_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.lower()).rstrip("/.),")
