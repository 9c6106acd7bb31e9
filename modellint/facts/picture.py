"""The license picture: which terms govern each part of the repository, and on what evidence.

A reviewer reads a model repository as one picture: "the weights are under the Llama 3.1 agreement
(card and LICENSE say so), the code under Apache-2.0 (LICENSE-CODE), and the base model's terms
come along". This module builds that picture once per target, during fact extraction, from:

- ``card``: the card's ``license`` (with ``license_name`` / ``license_link`` for ``other``), parsed
  once; its part is the part of the license file ``license_link`` names, else the whole repository;
- ``license-file``: the licenses identified in the root license files (best evidence tier only),
  each file speaking for the part its name gives (LICENSE-CODE, MODEL_LICENSE), the part a card
  statement gives it ("the weights are under MODEL_LICENSE"), or, in the split layout of a
  software LICENSE beside a model license for the weights, the code;
- ``card-text``: statements in the card's prose ("The code and model are released under Apache 2.0");
- ``notice``: licenses a root NOTICE names (shown, never governing);
- ``weight-metadata``: licenses embedded in weight headers (shown; compared with the card);
- ``base-model``: the licenses of the base models (inherited duties; kept apart from the own terms);
- ``source-dataset``: a dataset's source datasets' licenses (kept apart as well).

A dataset repository has no weights and no outputs: its parts are the data (which the card's
license and the repository's license files speak for), the code (a loading script) and the
documentation.

Each part (component) is governed by the evidence that speaks for it; where nothing narrower is
said, the whole repository's terms apply (``fallback``). Data is never governed by a model's
license unless something says so, and outputs follow the weights' terms. Disagreements between
the card and the files, and between files for the same part, are recorded as conflicts.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from modellint.classify import at_top, in_top_licenses_dir
from modellint.facts.statements import Namer, Statement
from modellint.knowledge import load_kb
from modellint.licensing import DeclaredLicense

COMPONENTS = ("weights", "code", "data", "outputs", "documentation")
DATASET_COMPONENTS = ("data", "code", "documentation")
REPOSITORY = "repository"
# Identifications below this confidence are hints, not evidence.
MIN_CONFIDENCE = 0.5
# Evidence that can match several versions of one family at once (shared phrases, names).
_WEAK_METHODS = frozenset({"phrase", "mention", "filename"})
# Card values that say "no license given" rather than naming one.
NON_VALUES = frozenset({"", "unknown", "none", "n/a", "noassertion"})
# Only generically named files say "this is THE license of this part": a file named after a
# license ("Tongyi Qianwen LICENSE AGREEMENT") usually covers another model or component.
_GENERIC_NAME = re.compile(
    r"^(licen[cs]es?|copying|model|weights?|code|software|source|data|dataset|agreement|terms"
    r"|[-_. ])+(\.(md|txt|rst|markdown|html))?$", re.I)
# Values in weight headers that name no license.
_PLACEHOLDERS = frozenset({"other", "unknown", "none", "n/a", "na", "see license", "custom"})


class Evidence(NamedTuple):
    """One piece of evidence about a license: what, where, for which part, how sure."""

    kind: str  # card | license-file | card-text | notice | weight-metadata | base-model | source-dataset
    component: str  # the part it speaks for: weights, code, data, outputs, documentation, repository
    value: str  # as written (card value, identified id, embedded value, base license)
    license: Any  # the knowledge-base License, or None when unknown
    path: str | None
    line: int | None
    method: str | None = None  # hub-id/spdx/alias/other; spdx-tag/fingerprint/...; statement; hub/table
    confidence: float = 1.0
    detail: str | None = None  # the card field, statement, embedded key or base model

    @property
    def id(self) -> str:
        return str(self.license.id) if self.license is not None else self.value.strip().lower()

    @property
    def source(self) -> str:
        """How a person names where it came from: 'card', 'LICENSE-CODE', 'base x/y'."""
        if self.kind == "card":
            return "card"
        if self.kind == "card-text":
            return f"card line {self.line}" if self.line else "card text"
        if self.kind == "base-model":
            return f"base {self.detail}" if self.detail else "base model"
        if self.kind == "source-dataset":
            return f"source {self.detail}" if self.detail else "source dataset"
        return self.path or self.kind


class Terms(NamedTuple):
    """The terms that govern one part."""

    component: str
    licenses: tuple[Any, ...] = ()  # knowledge-base records, distinct, in evidence order
    unknown: tuple[str, ...] = ()  # license values the knowledge base does not know
    evidence: tuple[Evidence, ...] = ()  # the evidence that governs it
    fallback: str | None = None  # the part whose terms apply because nothing narrower was said

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(lic.id for lic in self.licenses) + self.unknown

    @property
    def known(self) -> bool:
        """Every license governing it is known (and there is at least one)."""
        return bool(self.licenses) and not self.unknown


class Conflict(NamedTuple):
    """Evidence that disagrees with other evidence about the same part."""

    kind: str  # card-file | file-file | licenses-folder | embedded
    component: str
    evidence: tuple[Evidence, ...]  # what disagrees (one file's licenses, or one embedded value)
    against: tuple[Evidence, ...]  # what it disagrees with


class LicensePicture(NamedTuple):
    """Per component, the licenses that govern it and the evidence; built once per target."""

    declared: tuple[DeclaredLicense, ...] = ()  # the card's license values, understood
    card_component: str = REPOSITORY  # the part the card's license speaks for
    evidence: tuple[Evidence, ...] = ()  # all evidence, inherited included
    components: Mapping[str, Terms] = {}
    conflicts: tuple[Conflict, ...] = ()
    statements: tuple[Statement, ...] = ()  # license statements in the card's prose
    file_components: Mapping[str, str] = {}  # license file -> the part it speaks for
    kind: str = "model"  # what the repository is: "model" or "dataset"

    @property
    def parts(self) -> tuple[str, ...]:
        """The parts this kind of repository has (a dataset has no weights, nor outputs)."""
        return DATASET_COMPONENTS if self.kind == "dataset" else COMPONENTS

    def terms(self, component: str) -> Terms:
        return self.components.get(component) or Terms(component)

    def governing(self, *components: str) -> tuple[Any, ...]:
        """Distinct knowledge-base records governing any of ``components`` (all when none given)."""
        out: dict[str, Any] = {}
        for component in components or (REPOSITORY, *self.parts):
            for lic in self.terms(component).licenses:
                out.setdefault(lic.id, lic)
        return tuple(out.values())

    def of_kind(self, *kinds: str) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.kind in kinds)

    @property
    def inherited(self) -> tuple[Evidence, ...]:
        """Base-model licenses (known or not), one per license, with the bases carrying each."""
        return self.of_kind("base-model")

    @property
    def sources(self) -> tuple[Evidence, ...]:
        """A dataset's source datasets' licenses (known or not), one per license."""
        return self.of_kind("source-dataset")

    @property
    def card(self) -> tuple[Evidence, ...]:
        return self.of_kind("card")

    def to_json(self) -> dict[str, Any]:
        """The ``licenses`` block of reports and ``modellint facts``: component -> ids, evidence."""
        # One dict per piece of evidence, however many parts list it: the report writer writes
        # an object it meets again from its first text (reporters/_json.py).
        made: dict[int, dict[str, Any]] = {}  # by identity: the picture holds each one

        def entry(e: Evidence) -> dict[str, Any]:
            found = made.get(id(e))
            if found is None:
                found = made[id(e)] = evidence_json(e)
            return found

        return {
            "components": {
                name: {"licenses": list(t.ids), "fallback": t.fallback,
                       "evidence": [entry(e) for e in t.evidence]}
                for name, t in self.components.items()
            },
            "inherited": [entry(e) for e in self.inherited],
            "conflicts": [
                {"kind": c.kind, "component": c.component,
                 "evidence": [entry(e) for e in c.evidence],
                 "against": [entry(e) for e in c.against]}
                for c in self.conflicts
            ],
            "evidence": [entry(e) for e in self.evidence if e.kind != "base-model"],
        }


def evidence_json(e: Evidence) -> dict[str, Any]:
    return {"kind": e.kind, "component": e.component, "license": e.id,
            "known": e.license is not None, "value": e.value, "path": e.path, "line": e.line,
            "method": e.method, "confidence": round(e.confidence, 3), "detail": e.detail}


# ---------------------------------------------------------------------------------------------
# Building the picture


class Inputs(NamedTuple):
    """What the picture is built from (all already extracted)."""

    card: Any  # facts.card.Card or None
    license_files: Sequence[Any]  # facts.text.TextFile (role license)
    notice_files: Sequence[Any]
    # (path, format, key, value): the license metadata weight headers carry, in judging order
    embedded: Sequence[tuple[str, str, str, str]]
    lineage: Any  # facts.lineage.Lineage
    kind: str = "model"  # "dataset": the data is the part the card's license speaks for
    sources: Sequence[Any] = ()  # a dataset's source datasets (facts.dataset.DatasetRef)


def build(inputs: Inputs) -> LicensePicture:
    kb = load_kb()
    card = inputs.card
    usable_card = card is not None and not card.metadata_error
    declared = _declared(card) if usable_card else ()
    roots = [lf for lf in inputs.license_files if _is_root(lf.path)]
    file_found = {lf.path: _file_evidence(lf, kb) for lf in roots}
    statements = _statements(card, [lf.path for lf in roots]) if usable_card else ()

    file_part = _file_components(roots, file_found, statements, declared)
    file_evidence = [e._replace(component=file_part[path]) for path, found in file_found.items()
                     for e in found]
    card_part = _card_component(card, declared, file_part, statements, file_evidence)
    card_evidence = _card_evidence(card, declared, card_part) if usable_card else []
    text_evidence = _statement_evidence(card, statements, file_found, kb)
    notice_evidence = _notice_evidence(inputs.notice_files, kb)
    embedded = _embedded_evidence(inputs.embedded, kb)
    inherited = _inherited_evidence(card, inputs.lineage, kb) + _source_evidence(
        card, inputs.sources, kb)

    governing = card_evidence + file_evidence + text_evidence
    components = (_dataset_components(governing) if inputs.kind == "dataset"
                  else _components(governing, embedded))
    main = "data" if inputs.kind == "dataset" else "weights"
    conflicts = _conflicts(card_evidence, roots, file_found, file_part, main) + _embedded_conflicts(
        card, declared, card_evidence, embedded, kb)
    return LicensePicture(
        declared=tuple(declared),
        card_component=card_part,
        evidence=tuple(card_evidence + file_evidence + text_evidence + notice_evidence + embedded
                       + inherited),
        components=components,
        conflicts=tuple(conflicts),
        statements=statements,
        file_components=file_part,
        kind=inputs.kind,
    )


def _is_root(path: str) -> bool:
    """License files that speak for the whole repo: at the root or in a top-level LICENSES/ (a
    model folder's inherited `../../LICENSE` is the top of its repository)."""
    return at_top(path) or in_top_licenses_dir(path)


def _declared(card: Any) -> tuple[DeclaredLicense, ...]:
    from modellint.licensing import declared

    return tuple(declared(card.metadata))


def _card_line(card: Any, key: str) -> int | None:
    if key in card.key_lines:
        return int(card.key_lines[key])
    return card.front_line if card.has_front_matter else None


def _card_evidence(card: Any, declared: Sequence[DeclaredLicense], part: str) -> list[Evidence]:
    out = []
    line = _card_line(card, "license")
    for d in declared:
        value = (d.value or "").strip()
        if value.lower() in NON_VALUES:
            continue
        lic = d.license if d.license is not None and d.license.kind != "meta" else None
        out.append(Evidence("card", part, value, lic, card.path, line, d.form, 1.0, d.field))
    from modellint.licensing import named_beside

    beside = named_beside(card.metadata)
    if beside is not None:
        # `license: mit` with `license_name: microsoft-research-license`: the card states both;
        # the stricter terms must not drop out of the picture (ML109 reports the contradiction).
        out.append(Evidence("card", part, str(card.metadata["license_name"]).strip(), beside,
                            card.path, _card_line(card, "license_name"), "license-name", 1.0,
                            "license_name"))
    return out


def _file_evidence(lf: Any, kb: Any) -> list[Evidence]:
    """The licenses identified in one license file, on the best evidence the file offers.

    Only the top confidence tier counts: when an SPDX tag or a full-text fingerprint names a
    license, weaker phrase hits in the same file are echoes, not more licenses. Within one family
    a tie between phrase-level matches keeps the earliest: phrases shared by every Llama version
    ("Built with Llama") must not turn one Llama 3.1 agreement into five agreements."""
    idents = [i for i in lf.licenses if i.confidence >= MIN_CONFIDENCE]
    if not idents:
        return []
    top = max(i.confidence for i in idents)
    idents = sorted((i for i in idents if i.confidence >= top - 1e-9), key=lambda i: i.start)
    out: list[Evidence] = []
    seen: set[str] = set()
    for ident in idents:
        lic = kb.resolve(ident.id)
        if lic is not None and lic.kind == "meta":
            lic = None
        weak = ident.method in _WEAK_METHODS and lic is not None and lic.kind != "family"
        key = f"family:{lic.family}" if weak else (lic.id if lic else ident.id.lower())
        if key in seen:
            continue
        seen.add(key)
        detail = None
        if lic is not None and ident.restrictions:
            lic, detail = as_altered(lic, ident.restrictions)
        out.append(Evidence("license-file", lf.scope or REPOSITORY, ident.id, lic, lf.path,
                            _line_of(lf.text, ident.start), ident.method, ident.confidence,
                            detail))
    return out


# ---- altered license texts (the identification's `restrictions`) ------------------------------
# A license file that is a known license with a restriction added (or its patent section cut) is
# governed by the text as it stands: every rule reads the record below, which keeps the license's
# id (the card and the file still name the same license; ML204 reports the alteration) but carries
# the added restriction in its obligations.

def as_altered(lic: Any, restrictions: Sequence[str]) -> tuple[Any, str]:
    """The knowledge-base record as the altered text has it, and how it was altered."""
    ob = lic.obligations
    if "non-commercial" in restrictions:
        ob = ob._replace(non_commercial=True)
    if "research-only" in restrictions:
        ob = ob._replace(research_only=True)
    if "field-of-use" in restrictions:
        ob = ob._replace(use_restrictions=True)
    rights = lic.rights
    if "patent-grant-removed" in restrictions:
        rights = tuple(r for r in rights if r != "patent")
    what = ", ".join(restrictions)
    altered = lic._replace(obligations=ob, rights=rights,
                           name=f"{lic.name} (altered: {what})")
    return altered, f"altered text: {what}"


def _line_of(text: str | None, offset: int) -> int | None:
    if text is None or offset < 0:
        return None
    return text.count("\n", 0, offset) + 1


def _statements(card: Any, license_paths: list[str]) -> tuple[Statement, ...]:
    if card is None or not card.prose:
        return ()
    from modellint.facts.statements import find_statements

    return find_statements(card.prose, card.body_line, _namer(license_paths))


def _namer(license_paths: list[str]) -> Namer:
    resolve, from_link, mentions = _namer_functions(load_kb())
    return Namer(resolve, from_link, mentions, license_paths, _name_heads())


@lru_cache(maxsize=1)
def _namer_functions(kb: Any) -> tuple[Any, Any, Any]:
    """The knowledge base's lookups a Namer holds, made once per knowledge base (making them
    for every card, imports included, cost as much as a small card's statement scan)."""
    from modellint.identify.names import find_mentions
    from modellint.identify.tokens import Tokens
    from modellint.licensing import license_from_link

    def resolve(value: str) -> str | None:
        lic = kb.resolve(value)
        return lic.id if lic is not None and lic.kind != "meta" else None

    def from_link(url: str) -> str | None:
        lic = license_from_link(url)
        return lic.id if lic is not None else None

    def mentions(text: str) -> list[str]:
        return [lid for lid, _, _ in find_mentions(Tokens(text).joined())]

    return resolve, from_link, mentions


@lru_cache(maxsize=1)
def _name_heads() -> frozenset[str]:
    """The first words (up to a space or hyphen) of the names the knowledge base resolves; a
    "LicenseRef-..." value is resolved by what follows its prefix."""
    return frozenset({re.split("[ -]", key, maxsplit=1)[0] for key in load_kb().keys()} | {"licenseref"})


def _file_components(roots: Sequence[Any], found: Mapping[str, list[Evidence]],
                     statements: Sequence[Statement], declared: Sequence[DeclaredLicense]
                     ) -> dict[str, str]:
    """The part each root license file speaks for: its name's (LICENSE-CODE), else the one card
    statements give it, else, beside a model license for the weights, the code when it holds only
    software licenses (the split layout: LICENSE for the code, MODEL_LICENSE for the weights).
    A file a model folder inherits from its repository's top (`../../LICENSE`) that the folder's
    own card contradicts speaks for the repository's code: the card governs its model."""
    parts: dict[str, str] = {}
    for lf in roots:
        part = lf.scope
        if part is None:
            said = {c for st in statements if lf.path in st.files for c in st.components}
            said.discard(REPOSITORY)
            if len(said) == 1:
                part = said.pop()
        parts[lf.path] = part or REPOSITORY
    weights_ids = {e.id for path, part in parts.items() if part == "weights" for e in found[path]}
    weights_ids |= {lid for st in statements if "weights" in st.components and not st.files
                    for lid in st.license_ids if len(st.components) == 1}
    has_code_file = any(part == "code" for part in parts.values())
    if weights_ids and not has_code_file:
        for lf in roots:
            evidence = found[lf.path]
            if (parts[lf.path] == REPOSITORY and at_top(lf.path) and evidence
                    and all(e.license is not None and e.license.kind == "software" for e in evidence)
                    and not weights_ids.intersection(e.id for e in evidence)):
                parts[lf.path] = "code"
    own = {d.license.id for d in declared if d.license is not None and d.license.kind != "meta"}
    for lf in roots:
        if (own and lf.path.startswith("../") and parts[lf.path] == REPOSITORY and found[lf.path]
                and not own.intersection(e.id for e in found[lf.path])):
            parts[lf.path] = "code"
    return parts


def _card_component(card: Any, declared: Sequence[DeclaredLicense], file_part: Mapping[str, str],
                    statements: Sequence[Statement], file_evidence: Sequence[Evidence]) -> str:
    """The part the card's license speaks for: the part of the license file ``license_link``
    names; else the code, when the card's own prose gives its license to the code alone while
    other evidence gives the weights different terms; else the whole repository."""
    if card is None or card.metadata_error:
        return REPOSITORY
    from modellint.licensing import repo_path

    link = card.metadata.get("license_link")
    if isinstance(link, str):
        path = repo_path(link)
        if path is not None and path in file_part:
            return file_part[path] if file_part[path] != REPOSITORY else REPOSITORY
    own = {d.license.id for d in declared if d.license is not None and d.license.kind != "meta"}
    if not own:
        return REPOSITORY
    naming = [st for st in statements if own.intersection(st.license_ids)]
    weights_other = any(
        e.component == "weights" and e.license is not None and e.license.id not in own
        for e in file_evidence) or any(
        "weights" in st.components and st.license_ids and not own.intersection(st.license_ids)
        for st in statements)
    if naming and all(st.components == ("code",) for st in naming) and weights_other:
        return "code"
    return REPOSITORY


def _statement_evidence(card: Any, statements: Sequence[Statement],
                        file_found: Mapping[str, list[Evidence]], kb: Any) -> list[Evidence]:
    out: list[Evidence] = []
    for st in statements:
        licenses = [(lid, kb.get(lid)) for lid in st.license_ids]
        # A statement naming a license file speaks for what that file holds.
        for path in st.files:
            licenses.extend((e.value, e.license) for e in file_found.get(path, ()))
        for component in st.components:
            for value, lic in dict.fromkeys(licenses):
                out.append(Evidence("card-text", component, value, lic, card.path, st.line,
                                    st.form, 0.8, st.text))
            if not licenses and st.defers_to_base:
                out.append(Evidence("card-text", component, "", None, card.path, st.line,
                                    "defers-to-base", 0.8, st.text))
    return out


def _notice_evidence(notice_files: Sequence[Any], kb: Any) -> list[Evidence]:
    out = []
    for nf in notice_files:
        if not at_top(nf.path):
            continue
        for ident in nf.licenses:
            lic = kb.resolve(ident.id)
            out.append(Evidence("notice", REPOSITORY, ident.id, lic if lic is None or lic.kind != "meta"
                                else None, nf.path, _line_of(nf.text, ident.start), ident.method,
                                ident.confidence))
    return out


def _embedded_evidence(embedded: Sequence[tuple[str, str, str, str]], kb: Any) -> list[Evidence]:
    """The first key naming an actual license in each weight file's header."""
    out: list[Evidence] = []
    judged: set[str] = set()
    for path, fmt, key, value in embedded:
        low = value.lower()
        if path in judged or low in _PLACEHOLDERS or low.startswith(("http://", "https://")):
            continue
        judged.add(path)
        out.append(Evidence("weight-metadata", "weights", value, _resolve_value(value, kb), path,
                            None, fmt, 1.0, key))
    return out


def _inherited_evidence(card: Any, lineage: Any, kb: Any) -> list[Evidence]:
    """Every resolved base license (any depth), once, with the bases that carry it."""
    by_license: dict[str, list[Any]] = {}
    for base in lineage.bases:
        if not getattr(base, "declared", True):
            continue  # a base only the prose or the name names: ML502 / ML506 speak for it
        for lic in base.licenses:
            by_license.setdefault(lic, []).append(base)
    out = []
    for lic_id, bases in by_license.items():
        record = kb.resolve(lic_id)
        first = bases[0]
        if first.depth == 1 and first.path:
            path, line = first.path, first.line
        elif card is not None:
            path, line = card.path, _card_line(card, "base_model")
        else:
            path, line = None, None
        out.append(Evidence("base-model", "weights", lic_id,
                            record if record is not None and record.kind != "meta" else None,
                            path, line, first.source, 1.0,
                            ", ".join(dict.fromkeys(b.model_id for b in bases))))
    return out


def _source_evidence(card: Any, sources: Sequence[Any], kb: Any) -> list[Evidence]:
    """Every source dataset's license, once, with the sources that carry it."""
    by_license: dict[str, list[Any]] = {}
    for ref in sources:
        for lic in ref.licenses:
            by_license.setdefault(lic, []).append(ref)
    out = []
    for lic_id, refs in by_license.items():
        record = kb.resolve(lic_id)
        first = refs[0]
        out.append(Evidence("source-dataset", "data", lic_id,
                            record if record is not None and record.kind != "meta" else None,
                            first.path, first.line, first.source, 1.0,
                            ", ".join(dict.fromkeys(r.dataset_id or r.value for r in refs))))
    return out


def _dataset_components(governing: Sequence[Evidence]) -> dict[str, Terms]:
    """A dataset's parts: the card's license and the repository's license files speak for the
    data (beside a data-scoped file, as the card speaks for a model's weights); the code and the
    documentation take the repository's terms unless something speaks for them."""
    by_part: dict[str, list[Evidence]] = {}
    for e in governing:
        by_part.setdefault(e.component, []).append(e)
    repository = _terms(REPOSITORY, by_part.get(REPOSITORY, []))
    out = {REPOSITORY: repository}
    for part in DATASET_COMPONENTS:
        own = list(by_part.get(part, []))
        if part == "data":
            narrower = any(e.kind == "license-file" for e in own)
            own = own + [e for e in by_part.get(REPOSITORY, []) if e.kind == "card" or not narrower]
            out[part] = _terms(part, own)
        elif own and _names_license(own):
            terms = _terms(part, own)
            support = [e for e in repository.evidence if e not in own and e.license is not None
                       and e.license in terms.licenses]
            out[part] = terms._replace(evidence=terms.evidence + tuple(support))
        else:
            out[part] = repository._replace(component=part, evidence=tuple(own) + repository.evidence,
                                            fallback=REPOSITORY)
    return out


def _components(governing: Sequence[Evidence], embedded: Sequence[Evidence]) -> dict[str, Terms]:
    by_part: dict[str, list[Evidence]] = {}
    for e in governing:
        by_part.setdefault(e.component, []).append(e)
    repository = _terms(REPOSITORY, by_part.get(REPOSITORY, []))
    out = {REPOSITORY: repository}
    for part in COMPONENTS:
        own = list(by_part.get(part, []))
        if part == "weights":
            # The card's license is the model's on the Hub: it speaks for the weights beside
            # anything narrower (a disagreement is a conflict, and both sets of duties apply).
            # Whole-repository files and statements do too, unless a file speaks for the weights.
            narrower = any(e.kind == "license-file" for e in own)
            own = own + [e for e in by_part.get(REPOSITORY, []) if e.kind == "card" or not narrower]
        if part == "data" or own and _names_license(own):
            terms = _terms(part, own)
            # Whole-repository evidence naming the same terms supports what governs the part.
            support = [e for e in repository.evidence if e not in own and e.license is not None
                       and e.license in terms.licenses]
            out[part] = terms._replace(evidence=terms.evidence + tuple(support))
        elif part == "outputs":
            weights = out["weights"]
            out[part] = weights._replace(component=part, evidence=tuple(own) + weights.evidence,
                                         fallback="weights")
        elif part == "weights" and not repository.evidence and embedded:
            # Nothing but the weight headers speaks for the weights: they are the evidence left.
            out[part] = _terms(part, list(own) + list(embedded))
        else:
            out[part] = repository._replace(component=part, evidence=tuple(own) + repository.evidence,
                                            fallback=REPOSITORY)
    return out


def _names_license(evidence: Iterable[Evidence]) -> bool:
    return any(e.license is not None or e.value for e in evidence)


def _terms(part: str, evidence: Sequence[Evidence]) -> Terms:
    known: dict[str, Any] = {}
    unknown: list[str] = []
    for e in evidence:
        if e.license is not None:
            # The file's text as altered outranks the same license named elsewhere: its terms
            # are the ones in force.
            if e.license.id not in known or (e.detail or "").startswith("altered text"):
                known[e.license.id] = e.license
        elif e.value and e.value not in unknown:
            unknown.append(e.value)
    return Terms(part, tuple(known.values()), tuple(unknown), tuple(evidence))


# ---------------------------------------------------------------------------------------------
# Conflicts


def same_license(a: Any, b: Any) -> bool:
    """Equal records, or a family id (``openrail``, ``cc``) against one of its members."""
    if a.id == b.id:
        return True
    if a.kind == "family" or b.kind == "family":
        return bool(a.family == b.family)
    return False


def _agrees(found: Sequence[Evidence], licenses: Sequence[Any]) -> bool:
    return any(e.license is not None and same_license(e.license, lic)
               for e in found for lic in licenses)


def _conflicts(card_evidence: Sequence[Evidence], roots: Sequence[Any],
               file_found: Mapping[str, list[Evidence]], file_part: Mapping[str, str],
               main: str = "weights") -> list[Conflict]:
    """License files that disagree with the card about the model (a dataset's data: ``main``),
    or with each other about the same part (when the card does not decide it)."""
    card_model = [e for e in card_evidence if e.license is not None
                  and e.component in (REPOSITORY, main)]
    card_known = [e.license for e in card_model]
    groups: dict[str, list[list[Evidence]]] = {}
    licenses_dir: list[list[Evidence]] = []
    for lf in roots:
        found = [e._replace(component=file_part[lf.path]) for e in file_found[lf.path]
                 if e.license is not None]
        if not found:
            continue  # an unidentified text is ML203's business
        if not at_top(lf.path):
            licenses_dir.append(found)  # REUSE-style folder: its files differ on purpose
            continue
        groups.setdefault(file_part[lf.path], []).append(found)
    out: list[Conflict] = []
    checked: set[str] = set()
    if card_known:
        for part in (REPOSITORY, main):
            for found in groups.get(part, []):
                if not _agrees(found, card_known):
                    out.append(Conflict("card-file", part, tuple(found), tuple(card_model)))
        if licenses_dir and not any(_agrees(found, card_known) for found in licenses_dir):
            out.append(Conflict("licenses-folder", REPOSITORY, tuple(licenses_dir[0]),
                                tuple(card_model)))
        checked = {REPOSITORY, main}
    for part, files in groups.items():
        files = [found for found in files if _GENERIC_NAME.match(_name(found[0].path))]
        if part in checked or len(files) < 2:
            continue
        first = files[0]
        for other in files[1:]:
            if not _agrees(other, [e.license for e in first]):
                out.append(Conflict("file-file", part, tuple(other), tuple(first)))
    return out


def _name(path: str | None) -> str:
    return (path or "").rsplit("/", 1)[-1]


# ---- weight metadata against the card ----


def _squash(value: str) -> str:
    return re.sub(r"[^a-z0-9+]", "", value.lower())


def _resolve_value(value: str, kb: Any) -> Any:
    # Cards and converters often drop the trailing "Agreement" of a license's full name.
    lic = kb.resolve(value) or (kb.resolve(value + " Agreement")
                                if value.lower().endswith("license") else None)
    return lic if lic is not None and lic.kind != "meta" else None


def _key(value: str, kb: Any) -> str:
    """One comparable key per license: the KB id when known, else the squashed text, so
    `Apache-2.0`, `apache-2.0` and `apache 2.0` agree."""
    lic = kb.resolve(value) or (kb.resolve(value + " Agreement")
                                if value.lower().endswith("license") else None)
    return f"kb:{lic.id.lower()}" if lic is not None else _squash(value)


def _symbols(value: str) -> list[str]:
    """The license ids of an SPDX expression (`MIT OR Apache-2.0`), or [] when it is not one."""
    if not any(op in value for op in (" ", "(")):
        return [value]
    from license_expression import ExpressionError

    from modellint.licensing import _spdx_licensing

    try:
        parsed = _spdx_licensing().parse(value, validate=False)
    except (ExpressionError, TypeError, ValueError, RecursionError):
        return []
    return [str(s.key) for s in getattr(parsed, "symbols", ())] if parsed is not None else []


def _embedded_conflicts(card: Any, declared: Sequence[DeclaredLicense],
                        card_evidence: Sequence[Evidence], embedded: Sequence[Evidence],
                        kb: Any) -> list[Conflict]:
    """Weight headers whose license is not one the card declares (as written, by id, or as a
    member of a declared SPDX expression)."""
    if card is None or card.metadata_error or not embedded:
        return []
    from modellint.licensing import card_license_values

    values = card_license_values(card.metadata)
    if not values:
        return []  # ML102 speaks for a card without a license
    name = card.metadata.get("license_name")
    if any(v.lower() == "other" for v in values) and isinstance(name, str) and name.strip():
        values.append(name.strip())
    direct = {_key(v, kb) for v in values}
    with_symbols = direct | {f"kb:{d.license.id.lower()}" for d in declared if d.license is not None}
    out = []
    for e in embedded:
        if _key(e.value, kb) in direct:
            continue
        symbols = _symbols(e.value)
        if symbols and all(_key(s, kb) in with_symbols for s in symbols):
            continue
        out.append(Conflict("embedded", "weights", (e,), tuple(card_evidence)))
    return out
