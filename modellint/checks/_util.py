"""Small helpers shared by checks."""

from __future__ import annotations

from modellint.facts import Facts
from modellint.model import Location


def card_location(facts: Facts, key: str | None = None) -> Location:
    """Point at the card, at ``key``'s line in the front matter when it is there."""
    card = facts.card
    if card is None:
        return Location(None)
    if key and key in card.key_lines:
        return Location(card.path, card.key_lines[key])
    return Location(card.path, 1 if card.has_front_matter else None)


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://", "ftp://", "www."))


def repo_path(link: str) -> str | None:
    """The repo-relative path a `license_link` names (`./LICENSE`, `/LICENSE#terms` -> `LICENSE`),
    or None when it is a URL or an in-page anchor."""
    link = link.strip()
    if not link or is_url(link) or link.startswith(("mailto:", "#")):
        return None
    link = link.split("#", 1)[0].split("?", 1)[0]
    while link.startswith(("/", "./")):  # in any order: `/./LICENSE`, `.//LICENSE`
        link = link[1:] if link[0] == "/" else link[2:]
    return link


def root_license_files(facts: Facts):  # type: ignore[no-untyped-def]
    """License files that speak for the whole repo: at the root or in a top-level LICENSES/."""
    out = []
    for lf in facts.license_files:
        parts = lf.path.split("/")
        if len(parts) == 1 or (len(parts) == 2 and parts[0].lower() in ("licenses", "licences")):
            out.append(lf)
    return out
