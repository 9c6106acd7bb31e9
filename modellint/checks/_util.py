"""Small helpers shared by checks."""

from __future__ import annotations

from typing import Any

from modellint.facts import Facts
from modellint.licensing import is_url, repo_path  # noqa: F401 - re-exported for checks
from modellint.model import Location


def card_location(facts: Facts, key: str | None = None) -> Location:
    """Point at the card, at ``key``'s line in the front matter when it is there."""
    card = facts.card
    if card is None:
        return Location(None)
    if key and key in card.key_lines:
        return Location(card.path, card.key_lines[key])
    return Location(card.path, 1 if card.has_front_matter else None)


def root_license_files(facts: Facts):  # type: ignore[no-untyped-def]
    """License files that speak for the whole repo: at the root or in a top-level LICENSES/."""
    out = []
    for lf in facts.license_files:
        parts = lf.path.split("/")
        if len(parts) == 1 or (len(parts) == 2 and parts[0].lower() in ("licenses", "licences")):
            out.append(lf)
    return out


def licensor_of(facts: Facts, lic: Any, own: bool) -> bool:
    """Is this repository the license holder's own release under ``lic``: ``licensor = true`` in
    the configuration (for its own terms, ``own``), or a repository of an organisation among the
    record's ``holders`` (known from the Hub id, a clone's ``origin`` or the ``repo-id`` setting)?
    The holder owes itself none of the duties it puts on redistributors."""
    return (own and facts.identity.licensor) or facts.identity.holds(lic)


def same_organisation(facts: Facts, model_id: str) -> bool:
    """Is ``model_id`` (a base model) a model of this repository's own organisation? Its maker
    changing its own model owes itself no statement of changes."""
    org = facts.identity.org
    return org is not None and "/" in model_id and model_id.split("/", 1)[0].lower() == org
