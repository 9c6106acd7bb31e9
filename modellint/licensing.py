"""What a model card says about its licenses.

``declared`` reads the card's ``license`` (a Hub id, an SPDX expression, a list of either, or
``other`` with ``license_name`` / ``license_link``) against the knowledge base. Which license
covers which component (code, weights, data) is the checks' business (``checks/_terms.py``).
``license_expression`` is imported only for values that are not a plain id the knowledge base
knows, so most scans never pay for it.
"""

import functools
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from modellint.knowledge import KnowledgeBase, License, load_kb

# How a card value was understood.
HUB_ID = "hub-id"  # an id on the Hub's list
SPDX = "spdx"  # a valid SPDX id or expression (LicenseRef-... included)
ALIAS = "alias"  # recognised, but neither a Hub id nor SPDX (e.g. "llama-3.1", "Apache 2.0")
OTHER = "other"  # `license: other`, resolved or not through license_name / license_link
UNKNOWN = "unknown"  # `license: unknown`
INVALID = "invalid"  # not understood at all

COMPONENTS = ("code", "weights", "data")
_LICENSEREF = re.compile(r"^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")


class DeclaredLicense(NamedTuple):
    """One license value from the card, understood."""

    value: str  # the string as written in the card
    field: str  # the card field it came from: license | license_name | license_link
    form: str  # hub-id | spdx | alias | other | unknown | invalid
    license: License | None  # the knowledge-base record, when known
    expression: str | None = None  # the normalised SPDX expression this value belongs to
    error: str | None = None  # why an invalid value was not understood

    @property
    def id(self) -> str | None:
        return self.license.id if self.license else None


# A card names a few licenses; past this many only the first are judged (ML106 reports the list).
MAX_LICENSE_VALUES = 32


def card_license_values(metadata: Mapping[str, Any]) -> list[str]:
    """The card's `license` as a list of non-empty strings (a string or a list of strings)."""
    value = metadata.get("license")
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [v.strip() for v in values[:MAX_LICENSE_VALUES] if isinstance(v, str) and v.strip()]


def declared(facts: Any) -> list[DeclaredLicense]:
    """Parse the card's license fields; ``facts`` is a Facts (or anything with ``.metadata``)."""
    metadata = facts.metadata if hasattr(facts, "metadata") else facts
    out: list[DeclaredLicense] = []
    for value in card_license_values(metadata):
        out.extend(parse_value(value, metadata))
    return out


def parse_value(value: str, metadata: Mapping[str, Any] | None = None) -> list[DeclaredLicense]:
    """Understand one license value; ``metadata`` supplies license_name/license_link for `other`."""
    kb = load_kb()
    lic = kb.resolve(value)
    low = value.lower()
    if lic is not None and lic.id == "other" and low == "other":
        return [_other(value, metadata or {})]
    if lic is not None and lic.id == "unknown" and low == "unknown":
        return [DeclaredLicense(value, "license", UNKNOWN, lic)]
    if lic is not None and lic.kind != "meta":
        if lic.hub_id and low == lic.hub_id:
            return [DeclaredLicense(value, "license", HUB_ID, lic)]
        if lic.spdx and low == lic.spdx.lower():
            return [DeclaredLicense(value, "license", SPDX, lic, lic.spdx)]
    return _parse_expression(value, lic)


def _other(value: str, metadata: Mapping[str, Any]) -> DeclaredLicense:
    kb = load_kb()
    name = metadata.get("license_name")
    if isinstance(name, str) and name.strip():
        lic = kb.resolve(name)
        if lic is not None and lic.kind != "meta":
            return DeclaredLicense(name.strip(), "license_name", OTHER, lic)
    link = metadata.get("license_link")
    if isinstance(link, str) and link.strip():
        lic = license_from_link(link)
        if lic is not None:
            return DeclaredLicense(link.strip(), "license_link", OTHER, lic)
    return DeclaredLicense(value, "license", OTHER, None)


def named_beside(metadata: Mapping[str, Any]) -> License | None:
    """The license ``license_name`` names when ``license`` is a license of its own rather than
    ``other`` (``license: mit`` with ``license_name: microsoft-research-license``): a second
    statement of terms the card makes, which a reader cannot ignore. None when it names the same
    license, a family member of it, nothing known, or when ``license`` is ``other`` (where the name
    is the license)."""
    values = [v.lower() for v in card_license_values(metadata)]
    name = metadata.get("license_name")
    if not values or "other" in values or not isinstance(name, str) or not name.strip():
        return None
    kb = load_kb()
    named = kb.resolve(name)
    if named is None or named.kind == "meta":
        return None
    for value in values:
        own = kb.resolve(value)
        if own is not None and (own.id == named.id or "family" in (own.kind, named.kind)
                                and own.family == named.family):
            return None
    return named


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


def license_from_link(link: str) -> License | None:
    """A record whose text lives at ``link`` (its URL, or a file name such as MRL-0.1.md)."""
    kb = load_kb()
    bare = _bare_url(link)
    hit = _by_url(kb).get(bare)
    if hit is not None:
        return hit
    stem = re.sub(r"\.(md|txt|html?|pdf)$", "", bare.rsplit("/", 1)[-1])
    hit = kb.resolve(stem) if stem else None
    return hit if hit is not None and hit.kind != "meta" else None


@functools.lru_cache(maxsize=4)
def _by_url(kb: KnowledgeBase) -> dict[str, License]:
    """Records by their bare URL, the first in ``kb.all()`` order where two share one (built once
    per knowledge base: a card's links were each compared with every record's URL)."""
    found: dict[str, License] = {}
    for lic in kb.all():
        if lic.url:
            found.setdefault(_bare_url(lic.url), lic)
    return found


def _bare_url(url: str) -> str:
    """A URL compared without its scheme, case or trailing slash."""
    return url.strip().rstrip("/").lower().removeprefix("https://").removeprefix("http://")


@functools.lru_cache(maxsize=1)
def _spdx_licensing() -> Any:
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def _parse_expression(value: str, alias_hit: License | None) -> list[DeclaredLicense]:
    """Validate ``value`` as an SPDX expression; one DeclaredLicense per license in it."""
    kb = load_kb()
    licensing = _spdx_licensing()
    try:
        info = licensing.validate(value)
        bad = [s for s in info.invalid_symbols if not _LICENSEREF.match(s)]
        syntax = [e for e in info.errors if not e.startswith("Unknown license key")]
        if not syntax and not bad:
            expression = licensing.parse(value, simple=False)
            normal = info.normalized_expression or str(expression)
            keys = [s.key for s in licensing.license_symbols(expression, unique=True)]
            if keys:
                return [DeclaredLicense(value, "license", SPDX, kb.resolve(k), normal)
                        for k in keys]
        error = syntax[0] if syntax else f"unknown license id {bad[0]!r}" if bad else "empty"
    except Exception as exc:  # the parser raises several types on garbage; never crash a scan
        error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if alias_hit is not None and alias_hit.kind != "meta":
        return [DeclaredLicense(value, "license", ALIAS, alias_hit)]
    return [DeclaredLicense(value, "license", INVALID, None, error=error)]


__all__ = ["ALIAS", "HUB_ID", "INVALID", "OTHER", "SPDX", "UNKNOWN", "DeclaredLicense",
           "card_license_values", "declared", "license_from_link", "named_beside", "parse_value"]
