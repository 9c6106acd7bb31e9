"""License obligations: mismatches, weights coverage, notices, attributions, use policies.

Every check here reads the license picture (``facts.licenses``): which terms govern which part,
on what evidence, and where evidence disagrees. None re-derives it, and none guesses at a license
the knowledge base does not know: unknown licenses are other rules' business (ML103, ML203).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from modellint.checks._data import (
    documents_training_data,
    says_it_trains_nothing,
    trains_nothing_by_metadata,
)
from modellint.checks._restrictions import restrictions_passed_on
from modellint.checks._text import contains_phrase, contains_words, links
from modellint.checks._util import card_location, generates_content, licensor_of, main_part, subject
from modellint.checks.lineage import inherited_use_restrictions, superseded_licenses
from modellint.classify import at_top
from modellint.facts import Facts
from modellint.facts.picture import Evidence, Terms
from modellint.model import Location, Violation
from modellint.prefilter import prefiltered

# ---- shared -------------------------------------------------------------------------------------


def where(evidence: Sequence[Evidence]) -> Location:
    """Point at the strongest evidence: the card's license line, else the first file or line."""
    for kind in ("card", "license-file", "card-text", "base-model"):
        for e in evidence:
            if e.kind == kind:
                return Location(e.path, e.line)
    return Location(evidence[0].path, evidence[0].line) if evidence else Location(None)


def _ids(evidence: Iterable[Evidence]) -> str:
    return ", ".join(dict.fromkeys(e.license.id for e in evidence if e.license is not None))


def _first(evidence: Sequence[Evidence], lic: Any) -> Evidence:
    """The strongest evidence for ``lic``: the card, else a license file, else a card line."""
    hits = [e for e in evidence if e.license is not None and e.license.id == lic.id]
    order = ("card", "license-file", "card-text")
    return min(hits, key=lambda e: order.index(e.kind) if e.kind in order else len(order))


# ---- ML202 license-mismatch ---------------------------------------------------------------------

_CONFLICTS_ML202 = ("card-file", "licenses-folder", "file-file")


def license_mismatch(facts: Facts) -> Iterator[Violation]:
    for c in facts.licenses.conflicts:
        if c.kind not in _CONFLICTS_ML202:
            continue
        first = c.evidence[0]
        if c.kind == "file-file":
            other = f"{c.against[0].path} ({_ids(c.against)}) covers the same part"
        else:
            other = f"the card declares {_ids(c.against)}"
        yield Violation(f"{first.path} holds {_ids(c.evidence)}, but {other}",
                        Location(first.path, first.line),
                        {"identified": [e.license.id for e in c.evidence if e.license is not None],
                         "component": c.component})


# ---- ML301 / ML302 weights coverage -------------------------------------------------------------

# Software licenses whose grant reads on any work without conditions tied to "source code".
_PLAIN_GRANT_FAMILIES = frozenset({"permissive", "public-domain"})


def software_license_on_weights(facts: Facts) -> Iterator[Violation]:
    """Weights under software licenses only, where nobody has said the terms are the model's, or
    where the terms' conditions are written for source and object code (see the spec's docs)."""
    if not facts.weights:
        return
    weights = facts.licenses.terms("weights")
    if not weights.known:
        return
    if not all(lic.kind == "software" and "weights" not in lic.grants for lic in weights.licenses):
        return
    if any(e.kind == "card-text" and e.license is not None for e in weights.evidence):
        return  # the card's prose says the model (or everything) is under these terms
    declared = any(e.kind == "card" for e in weights.evidence)
    source_bound = [lic for lic in weights.licenses if lic.family not in _PLAIN_GRANT_FAMILIES]
    if declared and not source_bound:
        return  # the card declares the model's license, and its grant reads on the weights as is
    names = ", ".join(weights.ids)
    count = f"{len(facts.weights)} weight file(s)"
    if source_bound:
        which = ", ".join(lic.id for lic in source_bound)
        message = (f"{count} are under {which}, whose conditions are written for source and object "
                   "code: say in the card that the model is licensed under these terms and what "
                   "they ask of whoever shares the weights, or use a model license (e.g. "
                   "OpenMDW-1.0, OpenAtom Model License 1.0)")
    else:
        files = ", ".join(dict.fromkeys(e.path for e in weights.evidence
                                        if e.kind == "license-file" and e.path))
        message = (f"{count} are covered only by {names} from {files or 'a license file'}, a "
                   "software license the card does not declare for the model: declare the model's "
                   "license in the card (`license:`) and say that it covers the weights, or use a "
                   "model license (e.g. OpenMDW-1.0, OpenAtom Model License 1.0)")
    yield Violation(message, where(weights.evidence), {"licenses": list(weights.ids)})


def weights_unlicensed(facts: Facts) -> Iterator[Violation]:
    if not facts.weights:
        return
    picture = facts.licenses
    code = picture.terms("code")
    if picture.terms("weights").evidence or not any(e.kind == "license-file" for e in code.evidence):
        return
    files = sorted({e.path for e in code.evidence if e.kind == "license-file" and e.path})
    first = sorted(w.path for w in facts.weights)[0]
    yield Violation(
        f"{len(facts.weights)} weight file(s) but the only license files ({', '.join(files)}) are "
        "scoped to the code: add a license for the weights (e.g. LICENSE-MODEL) and declare it in "
        "the card", Location(first), {"license_files": files})


# ---- ML305 training data ------------------------------------------------------------------------

def training_data_undocumented(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None or card.metadata_error:
        return
    # trains_nothing's two parts, the data the card documents between them: cheapest and most
    # often decisive first (all three are pure, so the order only changes the time).
    if (trains_nothing_by_metadata(facts) or documents_training_data(card)
            or says_it_trains_nothing(facts)):
        return
    yield Violation("the card lists no `datasets` and does not say what the model was trained on "
                    "(no training-data section, no data named in its prose)", card_location(facts))


# ---- ML306 outputs ------------------------------------------------------------------------------

_OUTPUT_SECTION = (r"\boutputs?\b", r"\bgenerated\s+content\b")
_OUTPUT_WORD = r"\b(outputs?|generated (text|content|images?|code|audio|video))\b"
_CLAIM_WORD = r"\b(own|owns|owned|ownership|rights?|claims?|licen[cs]ed?|copyright|belongs?|responsib\w*)\b"
_OUTPUT_SENTENCE = prefiltered(
    rf"{_OUTPUT_WORD}[^.\n]{{0,100}}?{_CLAIM_WORD}|{_CLAIM_WORD}[^.\n]{{0,100}}?{_OUTPUT_WORD}", re.I)


def outputs_terms_unaddressed(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None or card.metadata_error:
        return
    outputs = facts.licenses.terms("outputs")
    if not outputs.known or any(lic.outputs != "silent" for lic in outputs.licenses):
        return
    generative = generates_content(facts)  # asked first: it reads metadata, not the prose
    if generative is None:
        return  # an embedding model or a classifier generates no content to hold rights in
    if card.section(*_OUTPUT_SECTION) is not None or _OUTPUT_SENTENCE.search(card.prose):
        return
    yield Violation(f"{', '.join(outputs.ids)} says nothing about rights in generated outputs and the "
                    f"card does not either: add an 'Outputs' section (a generative model: "
                    f"{generative})", where(outputs.evidence), {"generative": generative})


# ---- ML401 notice-missing -----------------------------------------------------------------------

# "see NOTICE", "the NOTICE file": the card itself says the work carries a NOTICE.
_NOTICE_MENTION = re.compile(r"\bNOTICE(\.txt|\.md)?\b(?!\s*:)")


def notice_missing(facts: Facts) -> Iterator[Violation]:
    notices = [nf for nf in facts.notice_files if at_top(nf.path)]
    picture = facts.licenses
    for evidence, lic in owed(facts, picture.governing(), _own_evidence(facts)):
        ob = lic.obligations
        if ob.notice_if_upstream and not ob.notice_file:
            if not notices and facts.card and _mentions_a_notice_here(facts):
                yield Violation(f"the card mentions a NOTICE file, which {lic.id} requires "
                                "distributors to pass on, but the repository has none",
                                _at(evidence), {"license": lic.id})
            continue
        if not ob.notice_file:
            continue
        text = " ".join(ob.notice_text.split()) if ob.notice_text else None
        if not notices:
            wanted = f' saying "{text}"' if text else ""
            yield Violation(f"{_whose(evidence, lic)} requires a NOTICE text file{wanted}; the "
                            "repository has none", _at(evidence), {"license": lic.id, "notice_text": text})
        elif text and not any(nf.text and contains_phrase(nf.text, text) for nf in notices):
            yield Violation(f'{notices[0].path} lacks the notice {lic.id} requires: "{text}"',
                            Location(notices[0].path), {"license": lic.id, "notice_text": text})


def _mentions_a_notice_here(facts: Facts) -> bool:
    """Does the card speak of a NOTICE that this repository should hold? A link to the NOTICE of
    the licensor's own project ("Copyright OpenSearch Contributors. See [NOTICE](https://github.com/
    opensearch-project/...)" in an opensearch-project repository) is the licensor's notice where
    it lives, not an upstream NOTICE missing here."""
    prose = facts.card.prose if facts.card else ""
    if "NOTICE" not in prose:
        return False  # every mention holds the word, in capitals: no need to list the links
    elsewhere: list[tuple[int, int]] = []
    for text, target, offset in links(prose):
        if "NOTICE" in text + target and _own_project(facts, target):
            elsewhere.append((offset, offset + len(text) + len(target) + 4))
    return any(not any(a <= m.start() < b for a, b in elsewhere)
               for m in _NOTICE_MENTION.finditer(prose))


_PROJECT_OWNER = re.compile(
    r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co|hf\.co|bitbucket\.org)/"
    r"([\w.-]{1,100})/", re.I)


def _own_project(facts: Facts, target: str) -> bool:
    """Is ``target`` a page of the repository's own organisation's project (same owner)?"""
    org = facts.identity.org
    m = _PROJECT_OWNER.match(target)
    if org is None or m is None:
        return False
    squash = re.compile(r"[^a-z0-9]")
    return squash.sub("", m.group(1).lower()) == squash.sub("", org)


# ---- ML402 attribution-missing ------------------------------------------------------------------


def attribution_missing(facts: Facts) -> Iterator[Violation]:
    if facts.card is None or facts.card.metadata_error:
        return
    prose = facts.card.prose
    about = " ".join(str(x) for x in (facts.model_name, facts.card.title,
                                      facts.metadata.get("base_model")) if x).lower()
    weights = facts.licenses.terms("weights")
    for evidence, lic in owed(facts, weights.licenses, weights.evidence):
        ob = lic.obligations
        if not ob.display_phrase:
            continue
        if ob.display_only_for and ob.display_only_for.lower() not in about:
            continue  # the duty is tied to one model line ("Built on NVIDIA Cosmos")
        choices = _alternatives(ob.display_phrase)
        choices += [alt for alt in ob.display_alternatives if alt not in choices]
        if any(contains_words(prose, choice) for choice in choices):
            continue
        wanted = " or ".join(f'"{c}"' for c in choices)
        yield Violation(f"{_whose(evidence, lic)} requires displaying {wanted}; the card does not",
                        _at(evidence), {"license": lic.id, "phrases": choices})


def _own_evidence(facts: Facts) -> tuple[Evidence, ...]:
    """The evidence of every part's governing terms, in order (card before files)."""
    picture = facts.licenses
    seen: dict[tuple[Any, ...], Evidence] = {}
    for part in picture.components:
        for e in picture.terms(part).evidence:
            seen.setdefault((e.kind, e.path, e.line, e.id), e)
    return tuple(seen.values())


def owed(facts: Facts, own: Sequence[Any], own_evidence: Sequence[Evidence]
         ) -> list[tuple[Evidence, Any]]:
    """(evidence, license) for each license whose redistribution duties fall on this repository:
    its own terms, then those it inherits from its base models. A licensor's release owes none
    under its own terms, not even where its bases carry the same terms (Meta's instruct model on
    Meta's base); a base under other terms still binds it. The licensor is known from the
    configuration (``licensor = true``, for its own terms) or from the repository's identity: a
    Hub repository (or a clone of one) of an organisation the license record names as its holder.
    An own license that is the wrong version of a base's (`llama3` declared on a Llama 3.1 base)
    owes nothing of its own: ML502 reports the declaration, and the base's duties apply."""
    own_ids = {lic.id for lic in own}
    wrong_version = superseded_licenses(facts)
    out: dict[str, tuple[Evidence, Any]] = {}
    for lic in own:
        if lic.id not in wrong_version:
            out.setdefault(lic.id, (_first(own_evidence, lic), lic))
    for e in facts.licenses.inherited:
        if e.license is not None:
            out.setdefault(e.license.id, (e, e.license))
    return [(e, lic) for lic_id, (e, lic) in out.items()
            if not licensor_of(facts, lic, own=lic_id in own_ids)]


def _at(evidence: Evidence) -> Location:
    return Location(evidence.path, evidence.line)


def _whose(evidence: Evidence, lic: Any) -> str:
    return f"{lic.id}, the base model's license," if evidence.kind == "base-model" else lic.id


def _alternatives(phrase: str) -> list[str]:
    """A display phrase may offer choices: 'Built with Qwen" or "Improved using Qwen'."""
    parts = re.split(r'\||"\s*or\s*"|\s/\s', phrase)  # no leading \s*: quadratic on spaces
    return [p.strip().strip('"').strip() for p in parts if p.strip().strip('"').strip()]


# ---- ML403 use-policy-missing -------------------------------------------------------------------


def use_policy_missing(facts: Facts) -> Iterator[Violation]:
    reported: set[str] = set()
    weights = facts.licenses.terms("weights")
    wrong_version = superseded_licenses(facts)
    # An own license that is the wrong version of a base's gives way to the base's (ML502 says so).
    terms: list[tuple[Any, Evidence]] = []
    for lic in weights.licenses:
        if lic.id not in wrong_version:
            terms.append((lic, _first(weights.evidence, lic)))
            continue
        for base in wrong_version[lic.id]:
            inherited = [e for e in facts.licenses.inherited if e.license is not None
                         and e.license.id == base.id]
            terms.append((base, inherited[0] if inherited else _first(weights.evidence, lic)))
    for lic, evidence in terms:
        if (lic.id in reported or not lic.obligations.use_restrictions
                or licensor_of(facts, lic, own=evidence.kind != "base-model")
                or restrictions_passed_on(facts, lic, inherited=evidence.kind == "base-model")):
            continue
        reported.add(lic.id)
        policy = lic.use_policy or "its use restrictions"
        yield Violation(f"{_whose(evidence, lic)} restricts use ({policy}), but the repository "
                        "neither includes the policy nor references it in the card", _at(evidence),
                        {"license": lic.id, "inherited": evidence.kind == "base-model"})
    for item in inherited_use_restrictions(facts):
        if item.license_id not in reported:
            reported.add(item.license_id)
            yield Violation(item.message, item.location, {"license": item.license_id,
                                                          "inherited": True})


# ---- ML404 noncommercial-license ----------------------------------------------------------------


def noncommercial_license(facts: Facts) -> Iterator[Violation]:
    weights: Terms = facts.licenses.terms(main_part(facts))  # a dataset's data
    for lic in weights.licenses:
        ob = lic.obligations
        if ob.non_commercial or ob.research_only:
            what = "research use only" if ob.research_only else "no commercial use"
            yield Violation(f"{lic.id} allows {what}: the {subject(facts)} cannot be used in "
                            "commercial products or services", _at(_first(weights.evidence, lic)),
                            {"license": lic.id})
