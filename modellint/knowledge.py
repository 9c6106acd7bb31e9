"""The license knowledge base: one TOML record per license in ``rules/licenses/``.

Records say what a license covers and what a redistributor owes, in the linter's own words.
The loader is strict: a typo in a record is an error that names the file and the field, because
a silently dropped obligation would make every rule that relies on it quietly wrong.
"""

import functools
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from modellint.records import RecordError, read_records

KINDS = ("software", "model", "data", "content", "family", "meta")
COMPONENTS = ("code", "weights", "architecture", "data", "documentation", "outputs")
OUTPUTS = ("silent", "no-claim", "restricted", "licensed")
# Intellectual-property rights a grant can name; `other-ip` is a catch-all ("any other IP rights").
RIGHTS = ("copyright", "patent", "database", "trade-secret", "other-ip")
# What hosting the model as a service (API, web) triggers: nothing (`not-addressed`: duties attach to
# copies), the same duties as distribution, fewer duties than distribution, or a source offer.
HOSTED = ("not-addressed", "as-distribution", "lighter", "source-offer")
_LANG = re.compile(r"^[a-z]{2,3}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")


class KBError(Exception):
    """A knowledge-base record is invalid; the message names the file and the field."""


class Obligations(NamedTuple):
    """What a license asks of those who redistribute the model."""

    license_copy: bool = False  # give recipients a copy of the license
    # ...or, as the license allows, its address: Creative Commons 2.0-4.0 accept "the URI or
    # hyperlink" instead of the text, which a card declaring the license gives (the Hub links it).
    license_link_suffices: bool = False
    notice_file: bool = False  # keep a NOTICE-style file with the distribution
    notice_text: str | None = None  # the exact notice string the license asks for
    # A NOTICE received with the work must be passed on (Apache-2.0 section 4(d)): owed only
    # when upstream had one, which a card saying "see NOTICE" shows.
    notice_if_upstream: bool = False
    state_changes: bool = False  # modified files must say they were changed
    display_phrase: str | None = None  # e.g. "Built with Llama"
    # Other wordings the license accepts for the same display ("Improved using Qwen").
    display_alternatives: tuple[str, ...] = ()
    # The display is owed only for one model line: when this word is in the model's name, card
    # title or base model ("cosmos": the NVIDIA Open Model License asks it of Cosmos models).
    display_only_for: str | None = None
    name_prefix: str | None = None  # derivative model names must begin with this
    use_restrictions: bool = False  # a use policy or list of banned uses applies
    pass_through: bool = False  # those restrictions must be imposed on downstream users
    share_alike: bool = False  # derivatives must stay under the same (or compatible) terms
    no_derivatives: bool = False  # adapted versions may not be shared at all (CC ND)
    non_commercial: bool = False
    research_only: bool = False
    user_threshold: str | None = None  # e.g. "700 million monthly active users"


class Identification(NamedTuple):
    """Short phrases that recognise a license's text."""

    phrases: tuple[str, ...] = ()  # short distinctive phrases found in the license text
    min_phrases: int = 1  # how many must appear before the text counts as this license


class License(NamedTuple):
    """One license knowledge-base record."""

    id: str
    name: str
    summary: str
    hub_id: str | None
    spdx: str | None
    scancode: str | None
    aliases: tuple[str, ...]
    kind: str
    family: str
    grants: frozenset[str]
    obligations: Obligations
    outputs: str
    outputs_note: str | None
    hosted_note: str | None
    use_policy: str | None
    identify: Identification
    sources: tuple[str, ...] = ()
    verified: bool = True
    notes: str | None = None  # what is not verified, caveats
    url: str | None = None  # where the license text lives
    # Hub organisations of the license holder, lower-cased: their own repositories owe
    # themselves no redistribution duties under these terms (ML401, ML402).
    holders: tuple[str, ...] = ()
    # What the grant covers in law, for comparing licenses (`modellint license --compare`, init):
    # the IP rights it names, its patent terms, the languages of its official text and the law it
    # chooses. Empty where the record does not say (not "none").
    rights: tuple[str, ...] = ()
    hosted: str | None = None  # one of HOSTED; hosted_note says it in words
    patent_note: str | None = None
    languages: tuple[str, ...] = ()  # ISO 639 codes of the official text(s)
    language_note: str | None = None  # which text prevails, when there are several
    governing_law: str | None = None  # the law the license chooses, or "none stated"
    path: str = ""  # the record's file name

    def __repr__(self) -> str:
        return f"License(id={self.id!r})"

    @property
    def ids(self) -> tuple[str, ...]:
        """Every string this record answers to in ``KnowledgeBase.resolve``."""
        out = [self.id]
        for value in (self.hub_id, self.spdx, self.scancode):
            if value:
                out.append(value)
        if self.scancode:
            out.append(f"LicenseRef-scancode-{self.scancode}")
        out.extend(self.aliases)
        return tuple(dict.fromkeys(v.lower() for v in out))


class KnowledgeBase:
    def __init__(self, licenses: Iterable[License]) -> None:
        self._by_id: dict[str, License] = {}
        self._index: dict[str, License] = {}
        names: dict[str, License] = {}
        for lic in sorted(licenses, key=lambda x: x.id):
            if lic.id in self._by_id:
                raise KBError(f"{lic.path}: field 'id': {lic.id!r} is also the id of "
                              f"{self._by_id[lic.id].path}")
            self._by_id[lic.id] = lic
            for key in lic.ids:
                other = self._index.get(key)
                if other is not None and other is not lic:
                    raise KBError(f"{lic.path}: field 'aliases': {key!r} already names "
                                  f"{other.id} ({other.path})")
                self._index[key] = lic
            names.setdefault(_norm(lic.name), lic)
        for key, lic in names.items():  # full names are a fallback, never a conflict
            self._index.setdefault(key, lic)

    def get(self, license_id: str) -> License | None:
        return self._by_id.get(license_id)

    def resolve(self, value: str) -> License | None:
        """Find a record by id, Hub id, SPDX id, ScanCode key, LicenseRef, alias or full name."""
        if not isinstance(value, str):
            return None
        key = _norm(value)
        hit = self._index.get(key)
        if hit is None and key.startswith("licenseref-"):
            rest = key[len("licenseref-"):]
            hit = self._index.get(rest.removeprefix("scancode-")) or self._index.get(rest)
        return hit

    def all(self) -> list[License]:
        return list(self._by_id.values())

    def hub_ids(self) -> list[str]:
        return sorted(lic.hub_id for lic in self._by_id.values() if lic.hub_id)

    def keys(self) -> list[str]:
        """Every string resolve() answers to (for did-you-mean)."""
        return sorted(self._index)

    def __len__(self) -> int:
        return len(self._by_id)


def _norm(value: str) -> str:
    return " ".join(value.strip().lower().split())


# ---- loading --------------------------------------------------------------------------------

# field -> (type, required). Optional strings are simply left out of a record.
_TOP: dict[str, tuple[Any, bool]] = {
    "id": (str, True), "name": (str, True), "summary": (str, True), "hub_id": (str, False),
    "spdx": (str, False), "scancode": (str, False), "aliases": (list, False), "kind": (str, True),
    "family": (str, True), "grants": (list, True), "obligations": (dict, True),
    "outputs": (str, True), "outputs_note": (str, False), "hosted_note": (str, False),
    "use_policy": (str, False), "identify": (dict, False), "sources": (list, True),
    "verified": (bool, True), "notes": (str, False), "url": (str, False), "holders": (list, False),
    "rights": (list, False), "hosted": (str, False), "patent_note": (str, False),
    "languages": (list, False), "language_note": (str, False), "governing_law": (str, False),
}
_OBLIGATION_FIELDS = {f: (bool if isinstance(getattr(Obligations(), f), bool)
                          else list if isinstance(getattr(Obligations(), f), tuple) else str)
                      for f in Obligations._fields}
# Every record says yes or no to these; later additions default to no.
_REQUIRED_BOOLS = frozenset({
    "license_copy", "notice_file", "state_changes", "use_restrictions", "pass_through", "share_alike",
    "no_derivatives", "non_commercial", "research_only"})
_IDENTIFY: dict[str, Any] = {"phrases": list, "min_phrases": int}


def parse_record(data: Mapping[str, Any], where: str) -> License:
    """Build a License from one parsed TOML record; KBError names ``where`` and the field."""
    validate_record(data, where)
    return build_record(data, where)


def validate_record(data: Mapping[str, Any], where: str) -> None:
    """Raise KBError, naming ``where`` and the field, unless ``data`` is a valid record."""

    def fail(fld: str, message: str) -> KBError:
        return KBError(f"{where}: field {fld!r}: {message}")

    def check_table(table: Mapping[str, Any], spec: Mapping[str, Any], prefix: str) -> None:
        for key in table:
            if key not in spec:
                from modellint.suggest import did_you_mean

                raise fail(prefix + key, f"unknown field{did_you_mean(key, list(spec))}")

    def typed(table: Mapping[str, Any], key: str, kind: Any, required: bool,
              prefix: str = "") -> Any:
        if key not in table:
            if required:
                raise fail(prefix + key, "missing")
            return None
        value = table[key]
        # bool is an int in Python: keep `min_phrases = true` an error.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise fail(prefix + key, f"must be a {_TYPE_NAMES[kind]}, not {type(value).__name__}")
        if isinstance(value, str) and not value.strip():
            raise fail(prefix + key, "must not be empty")
        if kind is list:
            for item in value:
                if not isinstance(item, str) or not item.strip():
                    raise fail(prefix + key,
                               f"every entry must be a non-empty string, not {item!r}")
        return value

    check_table(data, _TOP, "")
    v = {key: typed(data, key, kind, req) for key, (kind, req) in _TOP.items()}
    for key in ("id", "hub_id", "scancode", "family"):
        if v[key] is not None and not _SLUG.match(v[key]):
            raise fail(key, f"{v[key]!r} is not a lowercase id")
    if v["kind"] not in KINDS:
        raise fail("kind", f"{v['kind']!r} is not one of {', '.join(KINDS)}")
    if v["outputs"] not in OUTPUTS:
        raise fail("outputs", f"{v['outputs']!r} is not one of {', '.join(OUTPUTS)}")
    bad = [g for g in v["grants"] if g not in COMPONENTS]
    if bad:
        raise fail("grants", f"{bad[0]!r} is not a component ({', '.join(COMPONENTS)})")
    bad = [r for r in v["rights"] or () if r not in RIGHTS]
    if bad:
        raise fail("rights", f"{bad[0]!r} is not one of {', '.join(RIGHTS)}")
    if v["hosted"] is not None and v["hosted"] not in HOSTED:
        raise fail("hosted", f"{v['hosted']!r} is not one of {', '.join(HOSTED)}")
    bad = [lang for lang in v["languages"] or () if not _LANG.match(lang)]
    if bad:
        raise fail("languages", f"{bad[0]!r} is not a lowercase ISO 639 code (en, zh)")
    if v["hub_id"] is not None and v["hub_id"] != v["id"]:
        raise fail("hub_id", f"a license with a Hub id uses it as its id ({v['hub_id']!r})")

    ob = v["obligations"]
    check_table(ob, _OBLIGATION_FIELDS, "obligations.")
    for key, kind in _OBLIGATION_FIELDS.items():  # bools are required, the others optional
        typed(ob, key, kind, kind is bool and key in _REQUIRED_BOOLS, "obligations.")

    ident_data = v["identify"] or {}
    check_table(ident_data, _IDENTIFY, "identify.")
    phrases = typed(ident_data, "phrases", list, False, "identify.") or []
    min_phrases = typed(ident_data, "min_phrases", int, False, "identify.") or 1
    if phrases and not 1 <= min_phrases <= len(phrases):
        raise fail("identify.min_phrases", f"must be between 1 and {len(phrases)}")
    for phrase in phrases:
        if len(phrase.split()) >= 12:
            raise fail("identify.phrases", f"{phrase[:40]!r}... is 12 words or more: keep it short")


def build_record(data: Mapping[str, Any], where: str) -> License:
    """A License from a record that ``validate_record`` accepts (it does not check again)."""
    get = data.get
    ob = data["obligations"]
    ident = get("identify") or {}
    return License(
        id=data["id"], name=data["name"], summary=" ".join(data["summary"].split()),
        hub_id=get("hub_id"), spdx=get("spdx"), scancode=get("scancode"),
        aliases=tuple(get("aliases") or ()), kind=data["kind"], family=data["family"],
        grants=frozenset(data["grants"]),
        obligations=Obligations(**{key: _obligation(ob, key) for key in _OBLIGATION_FIELDS}),
        outputs=data["outputs"], outputs_note=_flat(get("outputs_note")),
        hosted_note=_flat(get("hosted_note")), use_policy=get("use_policy"),
        identify=Identification(tuple(ident.get("phrases") or ()), ident.get("min_phrases") or 1),
        sources=tuple(data["sources"]), verified=data["verified"], notes=_flat(get("notes")),
        url=get("url"), holders=tuple(h.lower() for h in get("holders") or ()),
        rights=tuple(get("rights") or ()), hosted=get("hosted"), patent_note=_flat(get("patent_note")),
        languages=tuple(get("languages") or ()), language_note=_flat(get("language_note")),
        governing_law=_flat(get("governing_law")), path=where)


def _obligation(table: Mapping[str, Any], key: str) -> Any:
    value = table.get(key)
    if value is None:  # the field's default, read from the class (not a new Obligations each)
        return Obligations._field_defaults[key]
    return tuple(value) if isinstance(value, list) else value


_TYPE_NAMES = {str: "string", bool: "boolean", list: "list of strings", dict: "table",
               int: "integer"}


def _flat(text: str | None) -> str | None:
    return " ".join(text.split()) if text else text


def load_dir(directory: Any) -> KnowledgeBase:
    """Load every ``*.toml`` record in a directory (a path or an importlib Traversable)."""
    try:
        parsed = read_records(directory, check=_check_records)
    except RecordError as exc:
        raise KBError(f"licenses/{exc}") from None
    # The records passed _check_records, in this run or in the one that cached them (any edit
    # since would have made that copy stale): they are built without checking them again.
    return KnowledgeBase(build_record(data, f"licenses/{name}") for name, data in parsed.items())


def _check_records(parsed: Mapping[str, Any]) -> None:
    for name, data in parsed.items():
        where = f"licenses/{name}"
        lic = parse_record(data, where)
        if name != f"{lic.id}.toml":
            raise KBError(f"{where}: field 'id': {lic.id!r} must match the file name")


@functools.lru_cache(maxsize=1)
def load_kb() -> KnowledgeBase:
    """The built-in knowledge base, loaded once per process on first use."""
    from modellint.rulesdata import rules_data_dir

    return load_dir(os.path.join(rules_data_dir(), "licenses"))


__all__ = ["COMPONENTS", "HOSTED", "KINDS", "OUTPUTS", "RIGHTS", "Identification", "KBError",
           "KnowledgeBase", "License", "Obligations", "load_dir", "load_kb", "parse_record"]
