"""Card checks: is there a card, and do its licensing fields say something usable (the same for a
model card and a dataset card; the messages say which)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from modellint.checks._util import card_location, card_noun, repo_path
from modellint.facts import Facts
from modellint.licensing import MAX_LICENSE_VALUES, card_license_values
from modellint.model import Location, Violation


def card_missing(facts: Facts) -> Iterator[Violation]:
    if facts.card is None:
        yield Violation(f"no {card_noun(facts)}: add a README.md with YAML front matter at the "
                        "repository root", Location(None))


def card_license_missing(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None or card.metadata_error:
        return  # ML101 / ML106 already speak for these
    if not card_license_values(card.metadata):
        where = card_location(facts, "license")
        if "license" in card.key_lines:
            yield Violation(f"the {card_noun(facts)}'s `license` field is empty", where)
        else:
            yield Violation(f"the {card_noun(facts)} has no `license` in its front matter", where)


def license_other_unnamed(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None or card.metadata_error:
        return
    if "other" not in (v.lower() for v in card_license_values(card.metadata)):
        return
    missing = [k for k in ("license_name", "license_link")
               if not (isinstance(card.metadata.get(k), str) and card.metadata[k].strip())]
    if missing:
        fields = " and ".join(f"`{m}`" for m in missing)
        yield Violation(f"`license: other` without {fields}: name the license and link to its text",
                        card_location(facts, "license"), {"missing": missing})


def license_link_broken(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None or card.metadata_error:
        return
    link = card.metadata.get("license_link")
    if not isinstance(link, str):
        return
    path = repo_path(link)
    if path is None or not path:
        return
    if facts_has_path(facts, path):
        return
    lowered = {f.path.lower(): f.path for f in facts.files}
    hint = f" (the repository has {lowered[path.lower()]!r}: paths are case-sensitive on the Hub)" \
        if path.lower() in lowered else ""
    yield Violation(f"`license_link` points to {link!r}, which is not in the repository{hint}",
                    card_location(facts, "license_link"), {"link": link})


def facts_has_path(facts: Facts, path: str) -> bool:
    if any(f.path == path for f in facts.files):
        return True
    prefix = path.rstrip("/") + "/"
    return any(f.path.startswith(prefix) for f in facts.files)


_RELATIONS = ("adapter", "merge", "quantized", "finetune")
# field -> (accepted description, predicate)
_FIELD_TYPES: dict[str, tuple[str, Any]] = {
    "license": ("a license id or a list of ids",
                lambda v: isinstance(v, str) or (isinstance(v, list) and v
                                                 and all(isinstance(x, str) for x in v))),
    "license_name": ("a string", lambda v: isinstance(v, str)),
    "license_link": ("a string (a URL or a repository path)", lambda v: isinstance(v, str)),
    "base_model": ("a model id or a list of model ids",
                   lambda v: isinstance(v, str) or (isinstance(v, list)
                                                    and all(isinstance(x, str) for x in v))),
    "base_model_relation": (f"one of {', '.join(_RELATIONS)}",
                            lambda v: isinstance(v, str) and v.strip().lower() in _RELATIONS),
    "datasets": ("a dataset id or a list of dataset ids",
                 lambda v: isinstance(v, str) or (isinstance(v, list)
                                                  and all(isinstance(x, str) for x in v))),
}


def card_metadata_invalid(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None:
        return
    if card.metadata_error:
        yield Violation(f"{card_noun(facts)} front matter: {card.metadata_error}",
                        Location(card.path, card.metadata_error_line))
        return
    licenses = card.metadata.get("license")
    if isinstance(licenses, list) and len(licenses) > MAX_LICENSE_VALUES:
        yield Violation(f"`license` lists {len(licenses)} entries; only the first {MAX_LICENSE_VALUES} "
                        f"are checked (a {card_noun(facts)} names the few licenses that apply)",
                        card_location(facts, "license"), {"field": "license", "entries": len(licenses)})
    for key, (wanted, ok) in _FIELD_TYPES.items():
        if key not in card.metadata:
            continue
        value = card.metadata[key]
        if value is None:
            continue  # an empty field is "missing", which ML102 and friends report
        if not ok(value):
            shown = repr(value) if len(repr(value)) <= 60 else type(value).__name__
            yield Violation(f"`{key}` should be {wanted}, not {shown}",
                            card_location(facts, key), {"field": key})
