"""Reading the card's prose the way the rules need: phrase containment and use-policy wording."""

import re

from modellint.facts import Facts
from modellint.prefilter import lowered, prefiltered


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


_UNQUOTED = re.compile("[\"'`*_\u201c\u201d\u2019]")  # quotes (curly too), code and emphasis marks


def normalize(text: str) -> str:
    """Lower case, one space between words, no quotes or emphasis marks, "(c)" for the copyright
    sign: for phrase containment tests. (Curly quotes are dropped as the straight ones are, in
    the same pass: cards are long.)"""
    text = _UNQUOTED.sub("", text.replace("\u00a9", "(c)"))
    return " ".join(text.lower().split())


# Not ASCII, yet lower-case to a string holding an ASCII letter (checked over every code point
# by the tests); and "©", which normalize() writes "(c)".
_LETTERS_FROM_ELSEWHERE = ("\u0130", "\u212a", "\u00a9")
_NOT_A_LETTER = bytes(c for c in range(256) if not 97 <= c <= 122)


def _letters(text: str) -> bytes:
    """The ASCII letters of ``text``, lower-cased, in order: all else dropped (in C, at once)."""
    return text.encode("utf-8", "surrogatepass").lower().translate(None, _NOT_A_LETTER)


def contains_phrase(haystack: str, phrase: str) -> bool:
    needle = normalize(phrase).rstrip(" .,;:")
    if not needle:
        return False
    # normalize() keeps each ASCII letter of a haystack without those few characters (lower-cased)
    # and makes none: where the haystack's letters do not hold the phrase's, neither does its
    # normalized text, and normalizing a whole card costs ten times this test.
    if not any(c in haystack for c in _LETTERS_FROM_ELSEWHERE) and _letters(needle) not in _letters(haystack):
        return False
    return needle in normalize(haystack)


_WORD = re.compile(r"[^\W\d_]+|\d+")  # a run of letters, or of digits


def words(text: str) -> str:
    """Text as its words, lower case, one space apart, a letter run and a digit run counted as two
    words: "Built with Meta-Llama3!" and "built with meta llama 3" give the same words."""
    return " ".join(_WORD.findall(lowered(text)))


def contains_words(haystack: str, phrase: str) -> bool:
    """Does ``haystack`` hold ``phrase``'s words in order, as whole words, whatever the spacing,
    case, punctuation or markup between them ("Built with Meta Llama3", "**Built-with-Llama**")?"""
    needle = words(phrase)
    if not needle:
        return False
    # Each word of ``words(haystack)`` is a piece of the lower-cased haystack: where one of the
    # phrase's words is missing, splitting the whole card into words would only confirm it.
    low = lowered(haystack)  # kept for words(haystack) below
    if not all(word in low for word in needle.split(" ")):
        return False
    return f" {needle} " in f" {words(haystack)} "


# Wording that points users at a license's use policy (ML403, own and inherited parts alike).
_POLICY_MENTION = prefiltered(
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
    low = lowered(text)  # as the policy wording's search left it
    if use_policy.lower() in low:
        return True
    if any(address in low for address in policy_addresses(use_policy)):
        return True
    return contains_phrase(text, _URL.sub("", use_policy))


def policy_addresses(use_policy: str | None) -> list[str]:
    """The addresses a knowledge-base ``use_policy`` gives, lower-cased, without scheme or www."""
    return [_strip_url(m.group(0)) for m in _URL.finditer(use_policy or "")]


def _strip_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.lower()).rstrip("/.),")


# A Markdown link: its text (one level of nested brackets allowed: "[FLUX.1 [dev]](...)") and
# target. Bracket runs and the target are bounded, and the pieces are separated by literal
# brackets, so a line of 20,000 "[" costs one failed step per character.
_MD_LINK = re.compile(
    r"\[([^\[\]\n]{0,200}(?:\[[^\[\]\n]{0,100}\][^\[\]\n]{0,200}){0,2})\]\(\s{0,4}<?([^()\s<>]{1,500})")
_BARE_URL = re.compile(r"https?://[^\s()<>\]\[\"'`]{1,500}")


def links(text: str) -> list[tuple[str, str, int]]:
    """(link text, target, offset) of every Markdown link and bare URL in ``text``."""
    matches = list(_MD_LINK.finditer(text))
    out = [(m.group(1), m.group(2), m.start()) for m in matches]
    covered = {m.start(2) for m in matches}
    out += [("", m.group(0).rstrip(".,;:"), m.start()) for m in _BARE_URL.finditer(text)
            if m.start() not in covered]
    return out


def _names_license(text: str, lic: object) -> bool:
    """Does ``text`` name ``lic`` (its id, name or an alias, or a name the identifier knows)?"""
    from modellint.facts.picture import same_license
    from modellint.identify.names import find_mentions
    from modellint.identify.tokens import Tokens
    from modellint.knowledge import load_kb

    text = text.strip(" *_`'\"")
    if not text:
        return False
    found = load_kb().resolve(text)
    if found is not None and found.kind != "meta" and same_license(found, lic):
        return True
    kb = load_kb()
    for lid, _, _ in find_mentions(Tokens(text).joined()):
        record = kb.get(lid)
        if record is not None and same_license(record, lic):
            return True
    return False


# A license document's name holds one of these (classify's license-name patterns each need one,
# in ASCII letters of either case): most links are not worth classifying.
_LICENSE_NAME_WORDS = ("licen", "copying", "terms", "eula")


def _is_license_document(target: str) -> bool:
    lower = target.lower()  # the name is part of the target: most targets hold none of the words
    if not any(word in lower for word in _LICENSE_NAME_WORDS):
        return False
    from modellint import classify as cls

    name = target.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    lower = name.lower()
    if not any(word in lower for word in _LICENSE_NAME_WORDS):
        return False
    return bool(name) and cls.classify(name).role == cls.LICENSE


def links_license(facts: Facts, lic: object) -> bool:
    """Does the card link the text of ``lic``: a ``license_link`` beside a declared license that
    is ``lic``, a link whose address is the license's own, or a link to a license document
    (``.../LICENSE``, ``LICENSE.md``) that the link's text or line names as ``lic``?"""
    from modellint.facts.picture import same_license
    from modellint.licensing import license_from_link, repo_path

    card = facts.card
    if card is None:
        return False
    link = card.metadata.get("license_link")
    if isinstance(link, str) and link.strip():
        path = repo_path(link)
        exists = path is None or any(f.path == path for f in facts.files)
        declared = [d.license for d in facts.licenses.declared if d.license is not None]
        if exists and any(same_license(d, lic) for d in declared):
            return True
    lines: list[str] = []  # the prose's, for the rare link to a license document
    for text, target, offset in links(card.prose):
        found = license_from_link(target)
        if found is not None and same_license(found, lic):
            return True
        if _is_license_document(target):
            lines = lines or card.prose.split("\n")
            line = lines[card.prose.count("\n", 0, offset)]
            if _names_license(text, lic) or _names_license(line, lic):
                return True
    return False
