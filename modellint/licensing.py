"""What a repository says about its licenses: the card's declared values, and which license
covers which component (code, weights, data).

``declared`` reads the card's ``license`` (a Hub id, an SPDX expression, a list of either, or
``other`` with ``license_name`` / ``license_link``). ``coverage`` adds scoped license files
(LICENSE-CODE, LICENSE-MODEL, ...) and README sentences such as "the code is MIT, the weights are
under the Llama 3.1 license". ``license_expression`` is imported only for values that are not a
plain id the knowledge base knows, so most scans never pay for it.
"""

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from modellint.knowledge import License, load_kb

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


def license_from_link(link: str) -> License | None:
    """A record whose text lives at ``link`` (its URL, or a file name such as MRL-0.1.md)."""
    kb = load_kb()
    link = link.strip()
    bare = link.rstrip("/").lower().removeprefix("https://").removeprefix("http://")
    for lic in kb.all():
        if lic.url and lic.url.lower().removeprefix("https://").removeprefix("http://") == bare:
            return lic
    stem = re.sub(r"\.(md|txt|html?|pdf)$", "", bare.rsplit("/", 1)[-1])
    hit = kb.resolve(stem) if stem else None
    return hit if hit is not None and hit.kind != "meta" else None


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


# ---- coverage: which license covers which component -----------------------------------------


class Statement(NamedTuple):
    """One piece of evidence that a license applies to a component (None = the whole repo)."""

    component: str | None
    license: License | None
    value: str  # the license as written (id, name, expression)
    source: str  # card-metadata | license-file | card-text
    path: str | None
    line: int | None = None


class Coverage(NamedTuple):
    """Which license covers each component (code, weights, data)."""

    statements: tuple[Statement, ...]

    def for_component(self, component: str) -> list[Statement]:
        """What covers ``component``: statements scoped to it, else the repository-wide ones."""
        scoped = [s for s in self.statements if s.component == component]
        return scoped or [s for s in self.statements if s.component is None]

    def scoped(self) -> dict[str, list[Statement]]:
        out: dict[str, list[Statement]] = {}
        for s in self.statements:
            if s.component:
                out.setdefault(s.component, []).append(s)
        return out


def coverage(facts: Any) -> Coverage:
    statements: list[Statement] = []
    card = facts.card
    card_path = card.path if card else None
    line = card.key_lines.get("license") if card else None
    for d in declared(facts):
        statements.append(Statement(None, d.license, d.value, "card-metadata", card_path, line))
    kb = load_kb()
    for lf in facts.license_files:
        for found in lf.licenses:
            statements.append(Statement(lf.scope, kb.resolve(found.id), found.id, "license-file",
                                        lf.path))
    if card is not None:
        statements.extend(_card_statements(card))
    return Coverage(tuple(statements))


# Words that name a component in prose, most specific first.
_COMPONENT_WORDS = (
    ("data", r"(?:training\s+)?data(?:sets?)?|corpus|corpora"),
    ("code", r"(?:source\s+)?code(?:base)?|scripts?|software|inference\s+code|repository\s+code"),
    ("weights", r"(?:model\s+)?weights|checkpoints?|parameters|the\s+models?\b"),
)
_COMPONENT_RE = [(c, re.compile(rf"\b(?:{p})\b", re.I)) for c, p in _COMPONENT_WORDS]
_CLAUSE_SPLIT = re.compile(r"(?<!\d)\.(?:\s+|$)|;|\n\s*\n|\n[-*] |,\s*(?:and|while|whereas|but)\s+"
                           r"|\s(?:while|whereas|but)\s", re.I)
# Keys too common as words, or meta values: never taken as a license mention in prose.
_PROSE_STOP = {"other", "unknown", "none", "noassertion", "cc", "bsd", "gpl", "data", "fdl", "ofl",
               "isc", "openatom", "qwen", "deepseek", "boost", "etalab", "expat", "freebsd", "lppl",
               "falcon-180b", "mrl", "mnpl"}


@functools.lru_cache(maxsize=1)
def _mention_re() -> re.Pattern[str]:
    keys: set[str] = set()
    for lic in load_kb().all():
        if lic.kind == "meta":
            continue
        keys.update(k for k in lic.ids if len(k) >= 3 and k not in _PROSE_STOP)
        keys.add(lic.name.lower())
    alternatives = sorted(keys, key=len, reverse=True)
    body = "|".join(re.escape(k).replace(r"\ ", r"[\s_-]+") for k in alternatives)
    return re.compile(rf"(?<![\w.-])(?:{body})(?![\w+-]|\.\d)", re.I)


def mentions(text: str) -> list[tuple[int, str, License]]:
    """License names and ids mentioned in a piece of prose: (offset, as written, record)."""
    kb = load_kb()
    out: list[tuple[int, str, License]] = []
    for m in _mention_re().finditer(text):
        lic = kb.resolve(re.sub(r"[\s_]+", " ", m.group(0)))
        if lic is None:
            lic = kb.resolve(re.sub(r"[\s_]+", "-", m.group(0)))
        if lic is not None and all(lic is not seen for _, _, seen in out):
            out.append((m.start(), m.group(0), lic))
    return out


def _card_statements(card: Any) -> Iterable[Statement]:
    section = card.section(r"^licen[cs](e|es|ing)\b", r"\blicen[cs](e|es|ing)\b")
    if section is None or not section.text:
        return []
    lines = card.body.splitlines()
    out = []
    for clause in _CLAUSE_SPLIT.split(section.text):
        if not clause or not clause.strip():
            continue
        found = mentions(clause)
        if not found:
            continue
        named = sorted((m.start(), c) for c, rx in _COMPONENT_RE for m in rx.finditer(clause))
        if not named:
            continue  # a license named without a component is the card's business, not a scope
        line = _line_of(clause, lines, card.body_line, section.line)
        for component, (value, lic) in _pair(named, found):
            out.append(Statement(component, lic, value, "card-text", card.path, line))
    return out


def _pair(named: list[tuple[int, str]], found: list[tuple[int, str, License]]
          ) -> list[tuple[str, tuple[str, License]]]:
    """Match components and licenses in one clause. One license covers every component named;
    with several, each license goes to the component named just before it ("the code is MIT,
    the weights are under X")."""
    components = list(dict.fromkeys(c for _, c in named))
    if len(found) == 1:
        return [(c, found[0][1:]) for c in components]
    pairs = []
    for start, value, lic in found:
        before = [c for pos, c in named if pos < start]
        pairs.append((before[-1] if before else named[0][1], (value, lic)))
    return pairs


def _line_of(clause: str, body_lines: list[str], body_line: int, after: int) -> int | None:
    probe = clause.strip().splitlines()[0][:40]
    for i, text in enumerate(body_lines):
        number = body_line + i
        if number > after and probe in text:
            return number
    return None


__all__ = ["ALIAS", "HUB_ID", "INVALID", "OTHER", "SPDX", "UNKNOWN", "Coverage", "DeclaredLicense",
           "Statement", "card_license_values", "coverage", "declared", "license_from_link",
           "mentions", "parse_value"]
