"""The licenses that apply to a repository, as the obligation rules see them.

Two sources: the card's declared license(s), and the licenses identified in the top-level
license files. Each found license keeps where it was found, so a finding can point there, and
the part it covers (the file's scope: code, weights, data, or None for the whole repository).
"""

import re
from typing import NamedTuple

from modellint.checks._util import card_location, repo_path, root_license_files
from modellint.facts import Facts, TextFile
from modellint.knowledge import License, load_kb
from modellint.model import Location

# Identifications below this confidence are hints, not evidence enough to demand anything.
MIN_CONFIDENCE = 0.5
# Evidence that can match several versions of one family at once (shared phrases, names).
_WEAK_METHODS = frozenset({"phrase", "mention", "filename"})
# Card values that say "no license given" rather than naming one.
_NON_VALUES = frozenset({"", "unknown", "none", "n/a", "noassertion"})


class Found(NamedTuple):
    """One license found in the card or in a license file."""

    value: str  # the raw value: card id or the identifier's id
    license: License | None  # the knowledge-base record, None when unknown
    origin: str  # "card" | "file"
    location: Location
    scope: str | None = None  # code | weights | data | None (everything)

    @property
    def covers_model(self) -> bool:
        return self.scope in (None, "weights")


def card_licenses(facts: Facts) -> list[Found]:
    """The card's declared licenses, resolved against the knowledge base."""
    card = facts.card
    if card is None or card.metadata_error:
        return []
    from modellint.licensing import declared

    scope = _card_scope(facts)
    where = card_location(facts, "license")
    out = []
    for item in declared(facts):
        value = (item.value or "").strip()
        if value.lower() in _NON_VALUES:
            continue
        lic = item.license
        if lic is not None and lic.kind == "meta":
            lic = None  # `other` / `unknown` name no terms
        out.append(Found(value, lic, "card", where, scope))
    return out


def _card_scope(facts: Facts) -> str | None:
    """A card whose `license_link` names a code-only license file speaks for the code only."""
    link = facts.metadata.get("license_link")
    if not isinstance(link, str):
        return None
    path = repo_path(link)
    for lf in facts.license_files:
        if lf.path == path and lf.scope == "code":
            return "code"
    return None


def file_licenses(lf: TextFile) -> list[Found]:
    """The licenses identified in one license file, on the best evidence the file offers.

    Only the top confidence tier counts: when an SPDX tag or a full-text fingerprint names a
    license, weaker phrase hits in the same file are echoes, not more licenses. Within one family
    a tie between phrase-level matches keeps the earliest: phrases shared by every Llama version ("Built with Llama")
    must not turn one Llama 3.1 agreement into five agreements with five notices.
    """
    kb = load_kb()
    idents = [i for i in lf.licenses if i.confidence >= MIN_CONFIDENCE]
    if not idents:
        return []
    top = max(i.confidence for i in idents)
    idents = sorted((i for i in idents if i.confidence >= top - 1e-9), key=lambda i: i.start)
    out: list[Found] = []
    seen: set[str] = set()
    for ident in idents:
        lic = kb.resolve(ident.id)
        if lic is not None and lic.kind == "meta":
            lic = None
        weak = ident.method in _WEAK_METHODS and lic is not None and lic.kind != "family"
        key = f"family:{lic.family}" if weak else (lic.id if lic else ident.id.lower())  # type: ignore[union-attr]
        if key in seen:
            continue
        seen.add(key)
        out.append(Found(ident.id, lic, "file", Location(lf.path, _line_of(lf.text, ident.start)),
                         lf.scope))
    return out


def _line_of(text: str | None, offset: int) -> int | None:
    if text is None or offset < 0:
        return None
    return text.count("\n", 0, offset) + 1


def repo_file_licenses(facts: Facts) -> list[Found]:
    out: list[Found] = []
    for lf in root_license_files(facts):
        out.extend(file_licenses(lf))
    return out


def all_licenses(facts: Facts) -> list[Found]:
    return card_licenses(facts) + repo_file_licenses(facts)


def model_licenses(facts: Facts) -> list[Found]:
    """Licenses that cover the model (weights): card ones and unscoped / model-scoped files."""
    return [f for f in all_licenses(facts) if f.covers_model]


def inherited_licenses(facts: Facts) -> list[Found]:
    """Base-model licenses whose distribution duties bind a derivative (notice file, display
    phrase), pointing at the card's ``base_model`` line."""
    from modellint.checks.lineage import inherited_licenses as base_licenses

    where = card_location(facts, "base_model")
    return [Found(record.id, record, "base", where, "weights") for record, _ in base_licenses(facts)]


def distinct_known(found: list[Found]) -> list[Found]:
    """First occurrence of each known license, in order (card before files)."""
    out: list[Found] = []
    seen: set[str] = set()
    for f in found:
        if f.license is not None and f.license.id not in seen:
            seen.add(f.license.id)
            out.append(f)
    return out


def same_license(a: License, b: License) -> bool:
    """Equal records, or a family id (``openrail``, ``cc``) against one of its members."""
    if a.id == b.id:
        return True
    if a.kind == "family" or b.kind == "family":
        return a.family == b.family
    return False


def card_text(facts: Facts) -> str:
    """The card's body plus its string metadata (gated cards keep terms in `extra_gated_prompt`)."""
    card = facts.card
    if card is None:
        return ""
    parts = [card.body]
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
