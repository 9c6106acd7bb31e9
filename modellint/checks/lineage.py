"""Derivative checks: what a fine-tune, adapter, merge or quantization inherits from its bases.

Base licenses are resolved in the facts layer (``facts.lineage``); these checks only compare. The
compatibility table and the list of what documents a modification are data in ``rules/data/``.
"""

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from modellint.checks._restrictions import restrictions_passed_on
from modellint.checks._util import card_location, licensor_of, same_organisation
from modellint.facts import Facts
from modellint.facts.lineage import BaseModel
from modellint.model import Location, Violation
from modellint.prefilter import Prefiltered, prefiltered

# ---------------------------------------------------------------------------------------------
# Shared helpers


def kb():  # type: ignore[no-untyped-def]
    from modellint.knowledge import load_kb

    return load_kb()


def categories(record: Any) -> frozenset[str]:
    """Policy / compatibility categories of a knowledge-base License (None means unknown)."""
    if record is None:
        return frozenset({"unknown"})
    o = record.obligations
    out = set()
    if o.non_commercial or o.research_only:
        out.add("non-commercial")
    if o.use_restrictions:
        out.add("use-restricted")
    if o.share_alike or record.family == "copyleft":
        out.add("copyleft")
    if record.family in ("permissive", "public-domain"):
        out.add("permissive")
    if not record.spdx:
        out.add("custom")
    if record.id in ("unknown", "other") or record.kind in ("meta",):
        out.add("unknown")
    return frozenset(out)


def own_licenses(facts: Facts) -> list[tuple[str, Any]]:
    """The card's license value(s) as (value as written, knowledge-base record or None)."""
    return [(d.value, d.license) for d in facts.licenses.declared]


_SOURCES = {
    "hub": "the base's card on the Hub",
    "batch": "the base's card among this audit's targets",
    "index": "the base's card in the local card index",
    "local": "the base's card in its folder",
}


def _table_note(bases: list[BaseModel]) -> str:
    """Which source gave the bases' licenses (and what weaker evidence they rest on)."""
    notes = []
    sources = list(dict.fromkeys(b.source for b in bases if b.source and b.source != "table"))
    if sources:
        notes.append("base license from " + " and ".join(_SOURCES.get(s, s) for s in sources))
    used = [b for b in bases if b.source == "table"]
    if used:
        dates = ", ".join(sorted({b.table_as_of for b in used if b.table_as_of}))
        notes.append(f"base license taken from modellint's offline table of well-known models"
                     f"{', as of ' + dates if dates else ''}; the base card was not read")
    return f" ({'; '.join(notes)})" if notes else ""


def base_location(facts: Facts, base: BaseModel) -> Location:
    """Where a direct base is named (its card or config line); deeper bases: the card's `base_model`."""
    if base.depth == 1 and base.path:
        return Location(base.path, base.line)
    return card_location(facts, "base_model")


def _by_license(facts: Facts, declared_only: bool = True) -> dict[str, list[BaseModel]]:
    """Every resolved base license (any depth) -> the bases that carry it, direct bases first.
    Bases that only the card's prose or the repository's name names count only when
    ``declared_only`` is off (ML502); the duty rules judge declared lineage alone."""
    out: dict[str, list[BaseModel]] = {}
    for base in facts.lineage.bases:
        if declared_only and not base.declared:
            continue
        for lic in base.licenses:
            out.setdefault(lic, []).append(base)
    return out


def rests_on(base: BaseModel) -> str:
    """What a base that base_model does not declare rests on, for a finding's message."""
    said = f': "{base.said}"' if base.said and base.evidence != "name" else ""
    if base.evidence == "name":
        return f"inferred from the repository's name {base.said!r}" if base.said else \
            "inferred from the repository's name"
    where = f"line {base.line}" if base.line else "its text"
    if base.evidence == "license-statement":
        return f"the card says it is bound by that license, {where}{said}"
    return f"named in the card's prose, {where}{said}"


def _names(bases: list[BaseModel]) -> str:
    shown = []
    for b in bases:
        if not b.declared and b.depth == 1:
            label = b.model_id if b.family is None else f"{b.family} (family)"
            shown.append(f"{label} ({rests_on(b)}; not declared in base_model)")
        else:
            shown.append(b.model_id if b.depth == 1 else f"{b.model_id} (via {b.declared_in[5:]})")
    return ", ".join(shown)


# ---------------------------------------------------------------------------------------------
# Compatibility data


class CompatEntry(NamedTuple):
    """What a derivative of one license family may carry, and the clause that says so."""

    name: str
    ids: tuple[str, ...]
    families: tuple[str, ...]
    may_carry: tuple[str, ...]
    obligations: tuple[str, ...]
    clause: str


@lru_cache(maxsize=1)
def compatibility() -> tuple[CompatEntry, ...]:
    from modellint.rulesdata import rules_data

    return tuple(
        CompatEntry(e["name"], tuple(e.get("ids", ())), tuple(e.get("families", ())),
                    tuple(e["derivative_may_carry"]), tuple(e.get("obligations", ())),
                    " ".join(e["clause"].split()))
        for e in rules_data("compatibility.toml").get("entry", [])
    )


def compat_entry(record: Any) -> CompatEntry | None:
    entries = compatibility()
    for entry in entries:
        if record.id in entry.ids:
            return entry
    for entry in entries:
        if record.family in entry.families:
            return entry
    return None


def may_carry(entry: CompatEntry, base: Any, own: Any) -> bool:
    """May a derivative of a ``base``-licensed model carry the ``own`` license?"""
    for item in entry.may_carry:
        if item == "any":
            return True
        if item == "same" and own.id == base.id:
            return True
        if item.startswith("family:") and own.family == item[7:]:
            return True
        if item.startswith("category:") and item[9:] in categories(own):
            return True
        if item == own.id:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# ML502 base-license-incompatible


def base_license_incompatible(facts: Facts) -> Iterator[Violation]:
    if not facts.lineage.bases:
        return
    own = own_licenses(facts)
    known = [rec for _, rec in own if rec is not None and "unknown" not in categories(rec)]
    # `license: unknown` grants nothing: a base whose terms must travel with the derivative is
    # not honoured by it (ML107 reports the missing grant itself).
    grants_none = bool(own) and all(rec is not None and rec.id == "unknown" for _, rec in own)
    if not own or len(known) < len(own) and not known and not grants_none:
        return  # no usable own license: ML102 / ML103 speak for it
    base_kb = kb()
    where = card_location(facts, "license")
    declared = ", ".join(f"`{raw}`" for raw, _ in own)
    for lic_id, bases in _by_license(facts, declared_only=False).items():
        record = base_kb.resolve(lic_id)
        if record is None:
            continue
        entry = compat_entry(record)
        if entry is None or "any" in entry.may_carry or any(
                may_carry(entry, record, o) for o in known):
            continue
        if not entry.may_carry:
            what = "no derivative of it may be shared at all"
        else:
            what = f"a derivative must carry {_allowed_text(entry, record)}"
        ref = _clause_ref(entry)
        yield Violation(
            f"declared license {declared} breaks the terms of base model {_names(bases)}, licensed "
            f"`{record.id}`: {what} ({ref}){_table_note(bases)}",
            where, {"base_license": record.id, "bases": [b.model_id for b in bases],
                    "declared": [raw for raw, _ in own], "clause": entry.clause})


def superseded_licenses(facts: Facts) -> dict[str, tuple[Any, ...]]:
    """The card's own licenses that are another version of a declared base's license which the
    derivative must carry instead (`llama3` declared on a Llama 3.1 base), each with the base
    licenses that take its place. ML502 reports the wrong declaration; the duties the model owes
    are the base's, not a second set for the version the card names by mistake."""
    if not facts.lineage.bases:
        return {}
    base_kb = kb()
    bases = [rec for rec in (base_kb.resolve(lid) for lid in _by_license(facts)) if rec is not None]
    out: dict[str, tuple[Any, ...]] = {}
    for _, own in own_licenses(facts):
        if own is None or not own.family:
            continue
        for base in bases:
            entry = compat_entry(base)
            if (base.id != own.id and base.family == own.family and entry is not None
                    and not may_carry(entry, base, own)):
                out[own.id] = out.get(own.id, ()) + (base,)
    return out


def _clause_ref(entry: CompatEntry) -> str:
    """The clause's heading ("Section 1.b.i"): its text up to the first colon outside brackets,
    within the first 80 characters; "Section 4 (BigCode: section 7): ..." keeps its bracket."""
    depth = 0
    for i, ch in enumerate(entry.clause[:80]):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == ":" and depth == 0:
            return entry.clause[:i]
    return entry.name


def _allowed_text(entry: CompatEntry, record: Any) -> str:
    parts = []
    for item in entry.may_carry:
        if item == "same":
            parts.append(f"`{record.id}`")
        elif item.startswith("category:"):
            parts.append(f"a {item[9:]} license")
        elif item.startswith("family:"):
            parts.append(f"a {item[7:]}-family license")
        elif item != record.id:
            parts.append(f"`{item}`")
    return " or ".join(dict.fromkeys(parts))


# ---------------------------------------------------------------------------------------------
# ML503 derivative-name-rule

_DEFAULT_NAMING_RELATIONS = ("finetune", "merge", "adapter")
# Name parts that say which format or quantization a re-upload is, not what the model is.
_FORMAT_WORD = re.compile(
    r"^(gguf|ggml|gptq|awq|exl2|hqq|bnb|nf4|[2-8]bits?|int[248]|fp8|fp4|fp16|bf16|hf|quantized"
    r"|w[2-8]a(?:8|16)|q[2-8](?:_k)?(?:_[a-z0-9]{1,3})?|imatrix|i1|mlx|onnx)$", re.I | re.A)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _core(name: str) -> str:
    """A model name without its format and quantization words, squashed: `Llama-2-7b-chat-hf`
    and `Llama-2-7B-Chat-GGUF` both give `llama27bchat`."""
    words = re.split(r"[-_.\s]+", name)
    return _squash("".join(w for w in words if not _FORMAT_WORD.match(w)))


def keeps_base_name(name: str, bases: Iterable[BaseModel]) -> bool:
    """Does a re-upload keep the name of one of its direct bases (formats and quantization words
    aside): `Meta-Llama-3.1-8B-Instruct-GGUF` of `meta-llama/Meta-Llama-3.1-8B-Instruct`?"""
    mine = _core(name)
    for base in bases:
        theirs = _core(base.model_id.rsplit("/", 1)[-1])
        if theirs and theirs in mine:
            return True
    return False


def derivative_name_rule(facts: Facts, relations: list[str] | None = None) -> Iterator[Violation]:
    lineage = facts.lineage
    if not lineage.bases:
        return
    relations = list(relations) if relations is not None else list(_DEFAULT_NAMING_RELATIONS)
    name = (facts.model_name or "").rsplit("/", 1)[-1]
    quantized = lineage.relation == "quantized"
    if lineage.relation is not None and lineage.relation not in relations and not quantized:
        return
    if quantized and "quantized" not in relations and keeps_base_name(name, lineage.direct):
        return  # a re-upload in another format under its base's name creates no new model to name
    base_kb = kb()
    for lic_id, bases in _by_license(facts).items():
        record = base_kb.resolve(lic_id)
        prefix = record.obligations.name_prefix if record is not None else None
        if not prefix or _squash(name).startswith(_squash(prefix)):
            continue
        if licensor_of(facts, record, own=any(rec is not None and rec.id == record.id
                                              for _, rec in own_licenses(facts))):
            continue  # the holder names its own models as it likes
        shown = repr(name) if name else "(no name)"
        renamed = " (a quantization under a name of its own)" if quantized else ""
        yield Violation(
            f"model name {shown}{renamed} must begin with {prefix!r}: base model {_names(bases)} is "
            f"under `{record.id}`, which requires derivatives to be named so{_table_note(bases)}",
            Location(None), {"prefix": prefix, "name": name, "base_license": record.id})


# ---------------------------------------------------------------------------------------------
# ML501 modifications-undocumented


class _Markers(NamedTuple):
    sections: Prefiltered
    prose: tuple[Prefiltered, ...]
    recipe: Prefiltered
    notice: Prefiltered
    quantization: Prefiltered


@lru_cache(maxsize=1)
def _modification_markers() -> _Markers:
    from modellint.rulesdata import rules_data

    data = rules_data("modifications.toml")

    def group(key: str) -> Prefiltered:  # one alternation: a single compile instead of one each
        return prefiltered("|".join(f"(?:{p})" for p in data[key]), re.I)

    # The prose markers stay apart: each has few start words for the prefilter to look for, while
    # all of them together have too many, and the prose is long.
    prose = tuple(prefiltered(p, re.I) for p in data["prose_markers"])
    return _Markers(group("card_sections"), prose, group("card_markers"),
                    group("notice_markers"), group("quantization_markers"))


def documents_modifications(facts: Facts) -> bool:
    """Does the repository say how the model was made from its base: a section about it, prose
    saying so under any heading ("fine-tuned on X", "DPO'd from", "merged using"), a recipe shown
    in the card, a root CHANGELOG, or a NOTICE stating changes?"""
    markers = _modification_markers()
    card = facts.card
    if card is not None:
        if any(markers.sections.search(s.title) for s in card.sections):
            return True
        if any(p.search(card.prose) for p in markers.prose) or markers.recipe.search(card.prose):
            return True
        if card.code and markers.recipe.search(card.code):
            return True  # a merge recipe or training config shown as code
        if facts.lineage.relation == "quantized" and markers.quantization.search(card.prose):
            return True  # naming the quantization format says what was changed
    if any("/" not in c.path for c in facts.changelog_files):
        return True
    return any(nf.text and markers.notice.search(nf.text) for nf in facts.notice_files)


_RELATION_NOUN = {"finetune": "fine-tune", "quantized": "quantization", "merge": "merge",
                  "adapter": "adapter"}


def modifications_undocumented(facts: Facts) -> Iterator[Violation]:
    if not facts.lineage.bases:
        return
    base_kb = kb()
    own = {rec.id for _, rec in own_licenses(facts) if rec is not None}
    requiring = []
    for lic_id, bases in _by_license(facts).items():
        record = base_kb.resolve(lic_id)
        if record is None or not record.obligations.state_changes:
            continue
        if licensor_of(facts, record, own=record.id in own):
            continue  # the holder owes itself no statement of changes under its own terms
        # A maker changing its own model (Qwen's instruct model of Qwen's base, Stability's
        # TensorRT build of its SDXL) owes itself no statement either.
        bases = [b for b in bases if not same_organisation(facts, b.model_id)]
        if bases:
            requiring.append((record.id, bases))
    # Asked last: whether the card documents its changes runs patterns over the whole prose, and
    # most bases' licenses (or their holders) ask for no statement of changes.
    if not requiring or documents_modifications(facts):
        return
    lic_text = ", ".join(f"`{lic}`" for lic, _ in requiring)
    all_bases = [b for _, bases in requiring for b in bases]
    relation = _RELATION_NOUN.get(facts.lineage.relation or "", "derivative")
    yield Violation(
        f"this {relation} of {_names(list(dict.fromkeys(all_bases)))} does not say how it changed "
        f"the base, and the base license ({lic_text}) requires stating changes: say in the card "
        f"how the model was made (e.g. a 'Training', 'Fine-tuning', 'Quantization' or 'Merge "
        f"method' section, or a sentence such as \"fine-tuned on X with LoRA\"), or add a "
        f"CHANGELOG{_table_note(all_bases)}",
        base_location(facts, all_bases[0]), {"base_licenses": [lic for lic, _ in requiring]})


# ---------------------------------------------------------------------------------------------
# ML504 base-model-unresolved


def base_model_unresolved(facts: Facts) -> Iterator[Violation]:
    """Direct bases and, where a base names its own bases, ancestors whose license is unknown."""
    for base in facts.lineage.bases:
        if base.resolved or not base.declared:
            continue  # an undeclared base that cannot be resolved is ML506's to report
        child = base.declared_in.removeprefix("base:") if base.depth > 1 else None
        which = f"{base.model_id!r} (the base of {child!r})" if child else repr(base.model_id)
        yield Violation(
            f"the license of base model {which} could not be determined: {base.note}; "
            "inherited obligations were not checked",
            base_location(facts, base), {"base": base.model_id, "depth": base.depth})


# ---------------------------------------------------------------------------------------------
# ML403 use-policy-missing: the inherited part (the own-license part lives with ML403's check)


class InheritedRestriction(NamedTuple):
    """Use restrictions a base license passes down that the derivative does not carry."""

    license_id: str
    bases: tuple[BaseModel, ...]
    use_policy: str | None
    location: Location
    message: str


def inherited_use_restrictions(facts: Facts) -> list[InheritedRestriction]:
    """Use restrictions a base license passes down (RAIL Attachment A, Gemma prohibited use
    policy, DeepSeek Attachment A) that the derivative neither includes nor references.

    Empty when the derivative's own license already carries pass-through restrictions: ML403's
    own-license part judges those, and reporting them twice would be noise.
    """
    if not facts.lineage.bases:
        return []
    wrong_version = superseded_licenses(facts)
    own = [rec for _, rec in own_licenses(facts) if rec is not None and rec.id not in wrong_version]
    if any(rec.obligations.use_restrictions and rec.obligations.pass_through for rec in own):
        return []
    base_kb = kb()
    out = []
    for lic_id, bases in _by_license(facts).items():
        record = base_kb.resolve(lic_id)
        if record is None or not (record.obligations.use_restrictions
                                  and record.obligations.pass_through):
            continue
        if facts.identity.holds(record) or restrictions_passed_on(facts, record, inherited=True):
            continue
        policy = f" ({record.use_policy})" if record.use_policy else ""
        message = (
            f"base model {_names(bases)} is under `{record.id}`, whose use restrictions{policy} "
            "must pass to every derivative and its users; include them (e.g. a USE_POLICY.md or "
            f"the restrictions in the license) or reference them in the card{_table_note(bases)}")
        out.append(InheritedRestriction(record.id, tuple(bases), record.use_policy,
                                        base_location(facts, bases[0]), message))
    return out


# ---------------------------------------------------------------------------------------------
# ML506 base-model-undeclared


def base_model_undeclared(facts: Facts) -> Iterator[Violation]:
    """A base the card's prose or the repository's name makes evident, that ``base_model`` does
    not declare: the Hub's model tree, its license inheritance and every tool that reads the
    metadata miss it."""
    lineage = facts.lineage
    if not lineage.undeclared or facts.card is None or facts.card.metadata_error:
        return
    declared = lineage.declared_bases
    for m in lineage.undeclared:
        if m.kind == "name" and not _tags_agree(facts, m):
            continue  # a name alone is weak ("distilgpt2-stable-diffusion" is a prompt writer)
        if m.model_id and facts.identity.org == m.model_id.split("/", 1)[0].lower():
            continue  # a publisher's own lineage (SDXL Turbo from SDXL, both Stability's)
        base = next((b for b in lineage.bases if not b.declared and b.depth == 1
                     and (b.model_id == m.model_id or b.family == m.family and m.family)), None)
        lic = f", licensed `{base.licenses[0]}`" if base is not None and base.licenses else ""
        if m.model_id is not None:
            what, advice = m.model_id, f"`base_model: {m.model_id}`"
        else:
            fam = _family_hint(m.family)
            what = f"{m.family} (family)"
            advice = (f"the exact base's Hub id as `base_model` (for example `{fam}`)" if fam
                      else "the exact base's Hub id as `base_model`")
        rest = rests_on(BaseModel(what, "card-text", None, m.line, evidence=m.kind, said=m.text))
        if declared:
            listed = ", ".join(b.model_id for b in declared if b.depth == 1)
            message = (f"the card names {what} as a base ({rest}), but `base_model` lists only "
                       f"{listed}: when it is a parent (a merge lists all of its parents), add it")
        else:
            message = (f"this model is evidently a derivative of {what}{lic} ({rest}), but the "
                       f"card declares no `base_model`: the Hub builds its model tree, and tools "
                       f"their license inheritance, from `base_model` only; add {advice}")
        where = Location(facts.card.path, m.line) if m.line else card_location(facts, "base_model")
        yield Violation(message, where, {"base": m.model_id or m.family, "evidence": m.kind})


def _tags_agree(facts: Facts, mention: Any) -> bool:
    """Do the card's tags name the family the repository's name names (`stable-diffusion-xl`
    beside `...-sdxl`, `llama-3` beside `Llama-3-...`)?"""
    from modellint.facts.lineage_text import family_in

    tags = facts.metadata.get("tags")
    if not isinstance(tags, list):
        return False
    joined = " ".join(str(t) for t in tags[:200] if isinstance(t, str))
    found = family_in(joined, names_only=True)
    return found is not None and found[0].family == mention.family


def _family_hint(family: str | None) -> str | None:
    from modellint.facts.lineage_text import families

    return next((f.hub_id for f in families() if f.family == family and f.hub_id), None)
