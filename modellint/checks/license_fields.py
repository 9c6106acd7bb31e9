"""Checks on what the card's license fields say together: no license, a family instead of a
license, fields that contradict each other, and names the knowledge base does not know."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from modellint.checks._util import card_location, main_part, subject
from modellint.facts import Facts
from modellint.model import Violation

# A Hub model page (or its file tree), not a file: https://huggingface.co/org/name[/tree/main]
_MODEL_PAGE = re.compile(
    r"^https?://(?:www\.)?huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/|api/)"
    r"(?P<id>[\w.-]{1,96}/[\w.-]{1,96})(?:/tree/[\w.-]{1,96})?/?(?:[#?][^\s]{0,200})?$", re.I | re.A)
# Words in a license's name that announce non-commercial or research-only terms.
_RESTRICTIVE_NAME = re.compile(
    r"(?:^|[-_\s.])(?:nc|non-?commercial|research|noncommercial|academic|eval(?:uation)?)"
    r"(?:$|[-_\s.])", re.I | re.A)


def _usable(facts: Facts) -> bool:
    return facts.card is not None and not facts.card.metadata_error


# ---------------------------------------------------------------------------------------------
# ML107 license-unknown


def license_unknown(facts: Facts) -> Iterator[Violation]:
    if not _usable(facts):
        return
    from modellint.licensing import UNKNOWN

    if not any(d.form == UNKNOWN for d in facts.licenses.declared):
        return
    found = _other_evidence(facts)
    what = subject(facts)
    hint = (f"; {found} names a license: declare it in the card" if found
            else ": declare the license the dataset is released under (within the terms of the "
                 "data it comes from)" if facts.is_dataset
            else ": declare the license the model is released under (the base model's, for a "
                 "derivative)")
    yield Violation(
        "`license: unknown` grants no license: without one, nobody may use, copy, modify or "
        f"share the {what}{hint}", card_location(facts, "license"), {"license": "unknown"})


def _other_evidence(facts: Facts) -> str | None:
    """Where else the repository names a license for the model (a license file, a card line)."""
    for e in facts.licenses.evidence:
        if e.kind in ("license-file", "card-text") and e.license is not None \
                and e.component in (main_part(facts), "repository"):
            return f"{e.source} (`{e.license.id}`)"
    return None


# ---------------------------------------------------------------------------------------------
# ML108 license-family-ambiguous


def license_family_ambiguous(facts: Facts) -> Iterator[Violation]:
    if not _usable(facts):
        return
    from modellint.knowledge import load_kb

    kb = load_kb()
    for d in facts.licenses.declared:
        lic = d.license
        if lic is None or lic.kind != "family":
            continue
        members = _members(lic, kb)
        shown = ", ".join(f"`{m}`" for m in members[:6])
        more = f"one of {shown}{', ...' if len(members) > 6 else ''}" if members else \
            "the exact license and version"
        yield Violation(
            f"`license: {d.value}` names the {lic.name}, not one license: its members differ in "
            f"what they allow (commercial use, derivatives, use restrictions), so nobody can tell "
            f"which terms apply; declare {more}", card_location(facts, "license"),
            {"license": lic.id, "members": members})


def _members(family: Any, kb: Any) -> list[str]:
    """Hub ids of the licenses a family id stands for (``cc`` -> ``cc-by-4.0``, ...)."""
    out = []
    for lic in kb.all():
        if lic.kind == "family" or not lic.hub_id or lic.family != family.family:
            continue
        if family.family == "rail" or lic.id.startswith(family.id + "-"):
            out.append(lic.hub_id)
    return sorted(out, key=_newest_first)


def _newest_first(hub_id: str) -> tuple[float, str]:
    """Latest versions first (`cc-by-4.0` before `cc-by-2.0`): those are the ones to pick."""
    m = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)$", hub_id)  # starts a digit run: linear
    return (-float(m.group(1)) if m else 0.0, hub_id)


# ---------------------------------------------------------------------------------------------
# ML109 license-fields-contradictory


def license_fields_contradictory(facts: Facts) -> Iterator[Violation]:
    if not _usable(facts):
        return
    from modellint.licensing import named_beside

    card = facts.card
    assert card is not None
    meta = card.metadata
    declared = [d for d in facts.licenses.declared if d.license is not None]
    shown = ", ".join(d.value for d in facts.licenses.declared) or "nothing"
    beside = named_beside(meta)
    if beside is not None:
        strict = _strictness(beside)
        yield Violation(
            f"`license: {shown}` but `license_name: {str(meta['license_name']).strip()}` names "
            f"another license, the {beside.name}: the card states two sets of terms"
            f"{strict}; declare `license: other` with that name, or drop the name that does "
            "not apply", card_location(facts, "license_name"),
            {"license": [d.value for d in facts.licenses.declared], "license_name": beside.id})
    link = meta.get("license_link")
    if not isinstance(link, str) or not link.strip():
        return
    link = link.strip()
    page = _MODEL_PAGE.match(link)
    if page is not None:
        yield Violation(
            f"`license_link` points at the model page of {page.group('id')}, not at a license "
            "text: link the license file itself (`.../blob/main/LICENSE`) or the license's own "
            "page", card_location(facts, "license_link"), {"link": link})
        return
    from modellint.facts.picture import same_license
    from modellint.licensing import license_from_link

    linked = license_from_link(link)
    if linked is None or not declared:
        return
    named = [d.license for d in declared] + ([beside] if beside is not None else [])
    if any(same_license(linked, lic) for lic in named):
        return
    yield Violation(
        f"`license_link` points at the text of the {linked.name} (`{linked.id}`), but the card "
        f"declares `{shown}`: the link and the license disagree{_strictness(linked)}",
        card_location(facts, "license_link"), {"link": link, "linked": linked.id})


def _strictness(lic: Any) -> str:
    ob = lic.obligations
    if ob.research_only or ob.non_commercial:
        what = "research use only" if ob.research_only else "no commercial use"
        return f", and that one allows {what}: until the card says which governs, users must " \
               "assume the stricter"
    if ob.use_restrictions:
        return ", and that one restricts use: until the card says which governs, users must " \
               "assume the stricter"
    return ""


# ---------------------------------------------------------------------------------------------
# ML110 license-name-unrecognized


def license_name_unrecognized(facts: Facts) -> Iterator[Violation]:
    if not _usable(facts):
        return
    card = facts.card
    assert card is not None
    name = card.metadata.get("license_name")
    if not isinstance(name, str) or not name.strip():
        return
    from modellint.knowledge import load_kb
    from modellint.licensing import is_url

    name = name.strip()
    kb = load_kb()
    if is_url(name) or kb.resolve(name) is not None:
        return
    shown = name if len(name) <= 80 else name[:79] + "…"
    if not _core(name):
        # "license", "model-license", "Community License Agreement": a placeholder, not a name.
        yield Violation(
            f"`license_name: {shown}` names no license (only generic words): readers and tools "
            "cannot tell which terms apply; write the license's own short name (e.g. "
            "`acme-model-license`)", card_location(facts, "license_name"),
            {"license_name": name, "suggestion": None})
        return
    hint = _closest(name, kb)
    warn = (": its name suggests non-commercial or research-only terms, so read them before "
            "any use" if _RESTRICTIVE_NAME.search(name) else "")
    yield Violation(
        f"`license_name: {shown}` is not a license modellint knows, so no rule can check its "
        f"terms{warn}{hint}", card_location(facts, "license_name"),
        {"license_name": name, "suggestion": hint.split("`")[1] if hint else None})


def _closest(name: str, kb: Any) -> str:
    """A did-you-mean against the knowledge base's ids and aliases, for names that differ only in
    spelling or punctuation (`tongyi-qianwen-licence`). Generic words ("license", "community",
    "model") are left out of the comparison: they make unrelated licenses look alike
    (`baichuan2-community-license` is not the Yi community license)."""
    import difflib

    wanted = _core(name)
    if len(wanted) < 3:
        return ""
    keys: dict[str, str] = {}
    for key in kb.keys():
        core = _core(key)
        if len(core) >= 3 and len(key) <= 60:
            keys.setdefault(core, key)
    close = difflib.get_close_matches(wanted, list(keys), n=1, cutoff=0.88)
    if not close:
        return ""
    lic = kb.resolve(keys[close[0]])
    return f" (did you mean `{lic.id}`, {lic.name}?)" if lic is not None else ""


_GENERIC = frozenset({"license", "licence", "licenses", "agreement", "community", "model", "models",
                      "terms", "of", "use", "the", "and", "for"})


def _core(name: str) -> str:
    words = re.split(r"[^a-z0-9.]+", name.lower())
    return "-".join(w for w in words if w and w not in _GENERIC)
