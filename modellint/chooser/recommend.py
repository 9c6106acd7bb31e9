"""Weigh candidate licenses against the publisher's answers and the base models' terms.

Pure: everything comes from the knowledge-base records (what each license grants, the rights it
names, its duties, hosted-use and output terms, languages) and the compatibility table that ML502
uses, so a reason printed for a license can be checked in `modellint license ID`. A base model
whose terms bind derivatives narrows the candidates to what those terms allow (a Llama or Gemma
derivative keeps its base's license); answers then rank what is left.
"""

from typing import Any, NamedTuple

from modellint.chooser.questions import Answers
from modellint.knowledge import KnowledgeBase, License

# The licenses `init` weighs when no base model decides: model licenses first (written for
# weights), then software licenses with a statement on weights, a content license, the RAIL
# family for use restrictions, and a non-commercial license. Order breaks ties.
CANDIDATES = ("openmdw-1.0", "openatom-model-license-1.0", "openmdw-1.1", "apache-2.0", "mit",
              "cc-by-4.0", "bigscience-openrail-m", "creativeml-openrail-m", "cc-by-nc-4.0")


class BaseTerms(NamedTuple):
    """A base model as the chooser sees it: its id and its license record (None: unknown)."""

    model_id: str
    license: License | None
    raw: tuple[str, ...] = ()  # the license values as found, when no record matched


class Fit(NamedTuple):
    """How one candidate meets the answers."""

    license: License
    reasons: tuple[str, ...]  # what speaks for it
    tradeoffs: tuple[str, ...]  # what it costs or lacks against the answers
    conflicts: tuple[str, ...]  # answers it cannot meet at all
    forced_by: tuple[str, ...] = ()  # base models whose terms make it the only choice
    caveats: tuple[str, ...] = ()  # facts worth knowing that no answer asked about (ids, tooling)


class Recommendation(NamedTuple):
    best: Fit | None
    alternatives: tuple[Fit, ...]
    notes: tuple[str, ...]  # about the bases: what they impose, what is unknown
    blocked: tuple[str, ...] = ()  # why no license can be recommended (base terms conflict)


def recommend(answers: Answers, bases: list[BaseTerms], kb: KnowledgeBase,
              wanted: str | None = None) -> Recommendation:
    """The best candidate for ``answers`` given ``bases``; ``wanted`` (an id) is weighed the same
    way and, when the bases allow it, becomes the choice whatever its rank."""
    from modellint.checks.lineage import compat_entry, may_carry

    notes: list[str] = []
    pool: dict[str, License] = {}
    for lic_id in CANDIDATES:
        record = kb.get(lic_id)
        if record is not None:
            pool[record.id] = record
    forced: dict[str, list[str]] = {}  # license id -> bases that require it
    rules: list[tuple[Any, License, str]] = []  # (compatibility entry, base license, base id)
    for base in bases:
        if base.license is None:
            written = ", ".join(base.raw) if base.raw else "no license found"
            notes.append(f"The license of base model {base.model_id} is not known ({written}): "
                         "read its terms before relying on this recommendation, which assumes "
                         "they let you choose.")
            continue
        entry = compat_entry(base.license)
        if entry is None:
            notes.append(f"Base model {base.model_id} is under {base.license.id}, which lets a "
                         "derivative carry a license of its own choosing.")
            continue
        rules.append((entry, base.license, base.model_id))
        if "same" in entry.may_carry:
            pool.setdefault(base.license.id, base.license)
        notes.append(f"Base model {base.model_id} is under {base.license.id}: {entry.clause}")
        if tuple(entry.may_carry) == ("same",):
            forced.setdefault(base.license.id, []).append(base.model_id)
    if wanted is not None:
        record = kb.resolve(wanted)
        if record is not None:
            pool.setdefault(record.id, record)

    allowed = {lid: lic for lid, lic in pool.items()
               if all(may_carry(entry, base, lic) for entry, base, _ in rules)}
    if len(forced) > 1:
        names = "; ".join(f"{', '.join(ids)} requires {lid}" for lid, ids in forced.items())
        return Recommendation(None, (), tuple(notes), (
            f"The base models' terms cannot be met together ({names}): a derivative of them "
            "cannot be shared under any one license. Ask the licensors, or drop a base.",))
    if not allowed:
        blockers = ", ".join(f"{mid} ({base.id})" for _, base, mid in rules)
        return Recommendation(None, (), tuple(notes), (
            f"No license lets you share a derivative of {blockers}: its terms allow no "
            "redistributed derivative (or none among the candidates).",))

    fits = [_fit(lic, answers, tuple(forced.get(lid, ()))) for lid, lic in allowed.items()]
    order = {lid: n for n, lid in enumerate(CANDIDATES)}
    fits.sort(key=lambda f: (not f.forced_by, len(f.conflicts), len(f.tradeoffs),
                             len(f.caveats), order.get(f.license.id, -1)))
    if wanted is not None:
        chosen = next((f for f in fits if wanted.lower() in f.license.ids), None)
        if chosen is None:
            return Recommendation(None, tuple(fits[:3]), tuple(notes), (
                f"{wanted} is not allowed by the base models' terms or is not a known license.",))
        rest = [f for f in fits if f is not chosen]
        return Recommendation(chosen, tuple(rest[:3]), tuple(notes))
    return Recommendation(fits[0], tuple(fits[1:4]), tuple(notes))


def _fit(lic: License, a: Answers, forced_by: tuple[str, ...]) -> Fit:
    from modellint.license_info import commercial

    ob = lic.obligations
    reasons: list[str] = []
    costs: list[str] = []
    conflicts: list[str] = []
    if forced_by:
        reasons.append(f"Required by the terms of {', '.join(forced_by)}: a derivative keeps "
                       "this license.")

    covered = [c for c in ("weights", "architecture", "code", "data", "documentation")
               if c in lic.grants]
    if "weights" in lic.grants:
        reasons.append(f"Written for models: it names {', '.join(covered)} in its grant.")
    elif lic.kind == "software":
        note = "it does not name weights, so the card states that the weights are under it"
        if a.familiar:
            reasons.append(f"A widely known software license; {note}.")
        else:
            costs.append(f"A software license: {note}.")
    else:
        costs.append(f"A {lic.kind} license that does not name model weights in its grant.")
    if "training-data" in a.release:
        if "data" in lic.grants or "database" in lic.rights:
            reasons.append("Covers the training data you release"
                           + (" (database rights included)." if "database" in lic.rights else "."))
        else:
            costs.append("Does not name data: license the training data you release separately.")
    if a.familiar and lic.kind != "software":
        conflicts.append("Not Apache-2.0 or MIT, which you prefer.")

    verdict = commercial(lic)
    if a.commercial and verdict.startswith("no"):
        conflicts.append(f"Commercial use: {verdict}, but you want to allow it.")
    elif not a.commercial and not verdict.startswith("no"):
        conflicts.append("Allows commercial use, which you want to forbid.")
    elif not a.commercial:
        reasons.append(f"Commercial use: {verdict}.")
    elif ob.user_threshold:
        costs.append(f"Commercial use: {verdict}.")

    if a.restrict_use and not ob.use_restrictions:
        conflicts.append("Has no use restrictions, and you want to forbid some uses.")
    elif not a.restrict_use and ob.use_restrictions:
        conflicts.append("Imposes use restrictions that every user must pass on.")
    elif ob.use_restrictions:
        reasons.append(f"Use restrictions that bind everyone downstream ({lic.use_policy}).")

    if a.outputs_free and lic.outputs == "restricted":
        conflicts.append("Restricts what outputs may be used for.")
    elif a.outputs_free and lic.outputs == "no-claim":
        reasons.append(f"Outputs: {lic.outputs_note or 'no claim on them.'}")
    elif a.outputs_free:
        costs.append("Says nothing about outputs: the card must state that you claim none.")
    elif not a.outputs_free and not (ob.use_restrictions or lic.outputs == "restricted"):
        costs.append("Does not limit how outputs are used.")

    if a.hosted and lic.hosted in ("lighter", "as-distribution", "source-offer"):
        reasons.append(f"Hosted services: {lic.hosted_note}")
    elif a.hosted:
        costs.append("Does not address hosted services: they owe nothing, and the license does "
                     "not say so in words.")
    elif lic.hosted == "as-distribution":
        costs.append(f"Hosted services: {lic.hosted_note}")

    if a.changes and ob.state_changes:
        reasons.append("Modified copies must say what changed.")
    elif a.changes:
        costs.append("Does not ask modified copies to say what changed.")
    elif ob.state_changes:
        costs.append("Modified copies must say what changed (an extra duty for users).")

    if a.patents and "patent" in lic.rights:
        reasons.append(f"Patents: {lic.patent_note}" if lic.patent_note else "Grants patent rights.")
    elif a.patents:
        costs.append(f"Patents: {lic.patent_note}" if lic.patent_note else "No express patent grant.")
    if "trade-secret" in lic.rights:
        reasons.append("Also grants database and trade-secret rights embodied in the materials.")

    if a.bilingual and "zh" not in lic.languages:
        conflicts.append("Its text is not authoritative in Chinese.")
    elif a.bilingual:
        reasons.append(f"Language: Chinese and English. {lic.language_note or ''}".strip())
    caveats: list[str] = []
    if lic.governing_law and not lic.governing_law.startswith("none stated"):
        caveats.append(f"Governing law: {lic.governing_law}.")
    if not a.bilingual and len(lic.languages) > 1 and lic.language_note:
        caveats.append(f"Bilingual: {lic.language_note}")
    if not lic.hub_id:
        caveats.append("No Hub license id: the card says `license: other` with license_name and "
                       "license_link.")
    if not lic.spdx:
        caveats.append("No SPDX id yet, so SBOM and compliance tools may not recognise it.")
    if not lic.verified:
        caveats.append("Parts of modellint's record rest on secondary sources.")
    return Fit(lic, tuple(reasons), tuple(costs), tuple(conflicts), forced_by, tuple(caveats))


__all__ = ["CANDIDATES", "BaseTerms", "Fit", "Recommendation", "recommend"]
