"""License ids for bills of materials: valid ones, from the license picture.

Exporters today write Hub ids (``llama3.1``) where an SPDX id belongs, or ``unknown`` as an id, and
the whole document fails validation. Here every license the picture names gets an id that parses
as an SPDX license expression:

- the SPDX id of a knowledge-base record that has one (``Apache-2.0``, ``OpenMDW-1.0``);
- ``LicenseRef-scancode-<key>`` for a record ScanCode's license database knows (the id that
  license-expression and ScanCode-based tools use for licenses the SPDX list lacks);
- ``LicenseRef-modellint-<id>`` for other records and for values the knowledge base does not know
  (``license: my-license``, ``license: other`` with no name). Documents define every LicenseRef they
  use (SPDX 3: a licensing text element; CycloneDX: a named license with its URL).

Which parts (weights, code, data...) the licenses govern, and whether the card declares them or the
files show them, comes from the picture: ``declared`` is what the card (front matter and prose)
and the weight headers say, ``concluded`` what modellint identified in the license files.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

_REF_CHARS = re.compile(r"[^A-Za-z0-9.-]+")
MAX_REF = 64
DECLARING = ("card", "card-text", "weight-metadata")
CONCLUDING = ("license-file",)


class LicenseEntry(NamedTuple):
    """One license as a document names it."""

    key: str  # an SPDX id or a LicenseRef- id
    name: str  # what a person calls it
    url: str | None = None
    record: str | None = None  # the knowledge-base id, when known
    note: str = ""  # for a LicenseRef: what it stands for, and where its text is
    # The record's SPDX id even where license-expression's list is older than it (OpenMDW-1.0):
    # CycloneDX checks ids against its own copy of the SPDX list.
    spdx: str | None = None

    @property
    def is_ref(self) -> bool:
        return self.key.startswith("LicenseRef-")


class PartLicenses(NamedTuple):
    """The licenses of one part, as declared and as concluded."""

    part: str
    declared: tuple[LicenseEntry, ...] = ()
    concluded: tuple[LicenseEntry, ...] = ()
    expression: str | None = None  # the card's own SPDX expression, when it wrote a compound one

    def all(self) -> tuple[LicenseEntry, ...]:
        return tuple({e.key: e for e in self.declared + self.concluded}.values())


def clean_url(url: str | None) -> str | None:
    """A record's URL as one token (multi-line TOML strings keep their newlines), or None."""
    url = (url or "").strip()
    return url if url and not any(c.isspace() for c in url) else None


def _ref(text: str) -> str:
    slug = _REF_CHARS.sub("-", text.replace("+", "-plus")).strip("-.")
    return slug[:MAX_REF].rstrip("-.") or "unnamed"


class LicenseIndex:
    """Assigns each license one key for a whole document, and remembers what each LicenseRef
    stands for so that the document can define it."""

    def __init__(self) -> None:
        self._by_record: dict[str, LicenseEntry] = {}
        self._by_value: dict[str, LicenseEntry] = {}
        self._keys: dict[str, LicenseEntry] = {}

    @property
    def entries(self) -> list[LicenseEntry]:
        return list(self._keys.values())

    @property
    def refs(self) -> list[LicenseEntry]:
        return [e for e in self._keys.values() if e.is_ref]

    def _claim(self, entry: LicenseEntry) -> LicenseEntry:
        key, n = entry.key, 2
        while key in self._keys and self._keys[key] != entry:
            key = f"{entry.key}-{n}"
            n += 1
        entry = entry._replace(key=key)
        self._keys[key] = entry
        return entry

    def of_record(self, record: Any, where: str | None = None) -> LicenseEntry:
        hit = self._by_record.get(record.id)
        if hit is not None:
            return hit
        url = clean_url(record.url)
        if record.spdx and is_spdx_id(record.spdx):
            entry = LicenseEntry(record.spdx, record.name, url, record.id, "", record.spdx)
        else:
            key = (f"LicenseRef-scancode-{_ref(record.scancode)}" if record.scancode
                   else f"LicenseRef-modellint-{_ref(record.id)}")
            where_text = f"; the copy in this release is {where}" if where else ""
            text = f"its text is published at {url}" if url else "see the publisher"
            note = (f"The {record.name} (modellint knowledge-base id {record.id!r}); {text}{where_text}."
                    " modellint does not reproduce license texts.")
            entry = LicenseEntry(key, record.name, url, record.id, note, record.spdx)
        entry = self._claim(entry)
        self._by_record[record.id] = entry
        return entry

    def of_value(self, value: str, source: str) -> LicenseEntry:
        """A license the knowledge base does not know, as ``source`` names it."""
        shown = " ".join(value.split())[:200] or "(empty)"
        hit = self._by_value.get(shown.lower())
        if hit is not None:
            return hit
        if shown.lower() == "other":
            note = (f"{source} gives the license as 'other' without naming it; its terms are "
                    "unknown to modellint.")
            name = "other (unnamed license)"
        else:
            note = f"{source} names the license {shown!r}; modellint does not know its terms."
            name = shown
        entry = self._claim(LicenseEntry(f"LicenseRef-modellint-{_ref(shown)}", name, None, None, note))
        self._by_value[shown.lower()] = entry
        return entry

    def of_evidence(self, e: Any) -> LicenseEntry:
        if e.license is not None:
            return self.of_record(e.license, e.path if e.kind == "license-file" else None)
        return self.of_value(e.value, _source(e))

    def of_base_license(self, value: str, base: str) -> LicenseEntry:
        from modellint.knowledge import load_kb

        record = load_kb().resolve(value)
        if record is not None and record.kind != "meta":
            return self.of_record(record)
        return self.of_value(value, f"The card of base model {base}")

    def part(self, picture: Any, part: str) -> PartLicenses:
        """The declared and concluded licenses of one part of the picture."""
        terms = picture.terms(part)
        declared = _unique(self.of_evidence(e) for e in terms.evidence
                           if e.kind in DECLARING and (e.license is not None or e.value))
        concluded = _unique(self.of_evidence(e) for e in terms.evidence
                            if e.kind in CONCLUDING and (e.license is not None or e.value))
        return PartLicenses(part, declared, concluded, _card_expression(picture, terms, self))


def _source(e: Any) -> str:
    if e.kind == "card":
        return f"The card's `{e.detail or 'license'}`"
    if e.kind == "card-text":
        return f"The card (line {e.line})" if e.line else "The card's text"
    if e.kind == "weight-metadata":
        return f"The header of {e.path}"
    return e.path or e.kind


def _unique(entries: Iterable[LicenseEntry]) -> tuple[LicenseEntry, ...]:
    return tuple({e.key: e for e in entries}.values())


def _card_expression(picture: Any, terms: Any, index: LicenseIndex) -> str | None:
    """The card's compound SPDX expression (``MIT OR Apache-2.0``) with this document's keys,
    when the card wrote one and it governs this part."""
    if not any(e.kind == "card" for e in terms.evidence):
        return None
    expressions = {d.expression for d in picture.declared if d.expression}
    if len(expressions) != 1:
        return None
    expression = expressions.pop()
    if not any(op in expression.upper() for op in (" OR ", " AND ", " WITH ")):
        return None
    return rekey(expression, index, picture.declared)


def rekey(expression: str, index: LicenseIndex, declared: Sequence[Any]) -> str | None:
    """``expression`` with each license symbol replaced by this document's key for it, or None
    when it does not parse."""
    from license_expression import ExpressionError, LicenseSymbol

    from modellint.knowledge import load_kb
    from modellint.licensing import _spdx_licensing

    licensing = _spdx_licensing()
    try:
        parsed = licensing.parse(expression, validate=False)
        if parsed is None:
            return None
        substitutions = {}
        for symbol in licensing.license_symbols(parsed, unique=True):
            key = str(symbol.key)
            record = next((d.license for d in declared if d.license is not None
                           and d.value.lower() == key.lower()), None) or load_kb().resolve(key)
            entry = (index.of_record(record) if record is not None and record.kind != "meta"
                     else index.of_value(key, "The card's `license`"))
            substitutions[symbol] = LicenseSymbol(entry.key)
        return str(parsed.subs(substitutions))
    except (ExpressionError, TypeError, ValueError, RecursionError):
        return None


def is_spdx_id(value: str) -> bool:
    """Is ``value`` an id of the SPDX license list (as license-expression knows it)?"""
    from modellint.licensing import _spdx_licensing

    licensing = _spdx_licensing()
    try:
        info = licensing.validate(value)
    except Exception:  # noqa: BLE001 - the parser raises several types on odd input
        return False
    return not info.errors and not info.invalid_symbols and value.strip() == str(value)


def expression_of(entries: Sequence[LicenseEntry]) -> str | None:
    """All of ``entries`` apply: ``A AND B`` (one entry: itself)."""
    keys = list(dict.fromkeys(e.key for e in entries))
    if not keys:
        return None
    return " AND ".join(keys) if len(keys) > 1 else keys[0]
