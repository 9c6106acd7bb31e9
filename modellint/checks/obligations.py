"""License obligations: mismatches, weights coverage, notices, attributions, use policies.

Every check here reads the knowledge base through ``modellint.checks._terms`` and never guesses
at a license it does not know: unknown licenses are other rules' business (ML103, ML203).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from modellint.checks._terms import (
    Found,
    all_licenses,
    card_licenses,
    card_text,
    contains_phrase,
    distinct_known,
    file_licenses,
    inherited_licenses,
    model_licenses,
    references_use_policy,
    same_license,
)
from modellint.checks._util import card_location, root_license_files
from modellint.checks.lineage import inherited_use_restrictions
from modellint.facts import Facts
from modellint.knowledge import License
from modellint.model import Location, Violation

# ---- ML202 license-mismatch ------------------------------------------------------------------


def license_mismatch(facts: Facts) -> Iterator[Violation]:
    card_known = [f.license for f in card_licenses(facts) if f.license and f.covers_model]
    card_names = ", ".join(dict.fromkeys(lic.id for lic in card_known))
    groups: dict[str, list[list[Found]]] = {}  # scope -> per-file identified licenses
    licenses_dir: list[list[Found]] = []
    for lf in root_license_files(facts):
        found = [f for f in file_licenses(lf) if f.license is not None]
        if not found:
            continue  # unidentified text: ML203's business
        if "/" in lf.path:
            licenses_dir.append(found)  # REUSE-style folder: its files differ on purpose
            continue
        groups.setdefault(lf.scope or "all", []).append(found)

    if card_known:
        model_files = groups.get("all", []) + groups.get("weights", [])
        for found in model_files:
            if not _agrees(found, card_known):
                yield _mismatch(found, f"the card declares {card_names}")
        if licenses_dir and not any(_agrees(found, card_known) for found in licenses_dir):
            yield _mismatch(licenses_dir[0], f"the card declares {card_names}")
        checked_scopes = {"all", "weights"}
    else:
        checked_scopes = set()
    # Files that cover the same part must agree with each other (when the card did not decide).
    # Only generically named files say "this is THE license of this part": a file named after a
    # license ("Tongyi Qianwen LICENSE AGREEMENT") usually covers another model or component.
    for scope, files in groups.items():
        files = [found for found in files if _generic_name(found[0].location.path or "")]
        if scope in checked_scopes or len(files) < 2:
            continue
        first = files[0]
        for other in files[1:]:
            if not _agrees(other, [f.license for f in first if f.license]):
                yield _mismatch(other, f"{first[0].location.path} ({_ids(first)}) covers the same part")


_GENERIC_NAME = re.compile(
    r"^(licen[cs]es?|copying|model|weights?|code|software|source|data|dataset|agreement|terms"
    r"|[-_. ])+(\.(md|txt|rst|markdown|html))?$", re.I)


def _generic_name(path: str) -> bool:
    return bool(_GENERIC_NAME.match(path.rsplit("/", 1)[-1]))


def _agrees(found: list[Found], licenses: list[License]) -> bool:
    return any(f.license is not None and same_license(f.license, lic)
               for f in found for lic in licenses)


def _ids(found: list[Found]) -> str:
    return ", ".join(f.license.id for f in found if f.license)


def _mismatch(found: list[Found], other: str) -> Violation:
    where = found[0].location
    return Violation(f"{where.path} holds {_ids(found)}, but {other}", where,
                     {"identified": [f.license.id for f in found if f.license]})


# ---- ML301 / ML302 weights coverage ----------------------------------------------------------

# "the model weights are licensed under ...", "weights released under the MIT License"
_WEIGHTS_STATEMENT = re.compile(
    r"\b(weights?|parameters|checkpoints?)\b[^.\n]{0,80}?"
    r"\b(licen[cs]ed|released|available|distributed|provided|covered)\b[^.\n]{0,20}?\bunder\b",
    re.I,
)


def software_license_on_weights(facts: Facts) -> Iterator[Violation]:
    if not facts.weights:
        return
    found = model_licenses(facts)
    if not found or any(f.license is None for f in found):
        return
    if not all(f.license.kind == "software" and "weights" not in f.license.grants  # type: ignore[union-attr]
               for f in found):
        return
    if _WEIGHTS_STATEMENT.search(facts.card.body if facts.card else ""):
        return  # the licensor says in words that these terms cover the weights
    names = ", ".join(f.license.id for f in distinct_known(found))  # type: ignore[union-attr]
    yield Violation(
        f"{len(facts.weights)} weight file(s) are covered only by {names}, a software license with "
        "no grant for model parameters: use a model license (e.g. OpenMDW-1.0, OpenAtom Model "
        "License 1.0) or state in the card that the weights are licensed under these terms",
        found[0].location, {"licenses": names.split(", ")})


def weights_unlicensed(facts: Facts) -> Iterator[Violation]:
    if not facts.weights:
        return
    files = root_license_files(facts)
    if not files or any(lf.scope != "code" for lf in files):
        return
    if any(f.scope != "code" for f in card_licenses(facts)):
        return  # the card's license speaks for the model
    first = sorted(w.path for w in facts.weights)[0]
    names = ", ".join(lf.path for lf in files)
    yield Violation(
        f"{len(facts.weights)} weight file(s) but the only license files ({names}) are scoped to "
        "the code: add a license for the weights (e.g. LICENSE-MODEL) and declare it in the card",
        Location(first), {"license_files": [lf.path for lf in files]})


# ---- ML305 training data ---------------------------------------------------------------------

_DATA_SECTION = (
    r"\btrain(ing)?[\s-]*(data|dataset|datasets|corpus|corpora|set|mixture)\b",
    r"\bpre-?train(ing)?[\s-]*(data|dataset|corpus)\b",
    r"^\s*(the\s+)?(data|dataset|datasets)\s*$",
    r"\bdata\s*(sources?|information|card|collection)\b",
    r"\bdatasets?\s+used\b",
)


def training_data_undocumented(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None or card.metadata_error:
        return
    datasets = card.metadata.get("datasets")
    if isinstance(datasets, str) and datasets.strip():
        return
    if isinstance(datasets, list) and any(isinstance(d, str) and d.strip() for d in datasets):
        return
    if card.section(*_DATA_SECTION) is not None:
        return
    yield Violation("the card lists no `datasets` and has no training-data section: say what the "
                    "model was trained on", card_location(facts))


# ---- ML306 outputs ---------------------------------------------------------------------------

_OUTPUT_SECTION = (r"\boutputs?\b", r"\bgenerated\s+content\b")
_OUTPUT_WORD = r"\b(outputs?|generated (text|content|images?|code|audio|video))\b"
_CLAIM_WORD = r"\b(own|owns|owned|ownership|rights?|claims?|licen[cs]ed?|copyright|belongs?|responsib\w*)\b"
_OUTPUT_SENTENCE = re.compile(
    rf"{_OUTPUT_WORD}[^.\n]{{0,100}}?{_CLAIM_WORD}|{_CLAIM_WORD}[^.\n]{{0,100}}?{_OUTPUT_WORD}", re.I)


def outputs_terms_unaddressed(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None or card.metadata_error:
        return
    found = model_licenses(facts)
    if not found or any(f.license is None for f in found):
        return
    if any(f.license.outputs != "silent" for f in found):  # type: ignore[union-attr]
        return
    if card.section(*_OUTPUT_SECTION) is not None or _OUTPUT_SENTENCE.search(card.body):
        return
    names = ", ".join(f.license.id for f in distinct_known(found))  # type: ignore[union-attr]
    yield Violation(f"{names} says nothing about rights in generated outputs and the card does not "
                    "either: add an 'Outputs' section", found[0].location)


# ---- ML401 notice-missing --------------------------------------------------------------------

# "see NOTICE", "the NOTICE file": the card itself says the work carries a NOTICE.
_NOTICE_MENTION = re.compile(r"\bNOTICE(\.txt|\.md)?\b(?!\s*:)")


def notice_missing(facts: Facts, conditional: Iterable[str] = ("apache-2.0",),
                   licensor: bool = False) -> Iterator[Violation]:
    conditional = set(conditional)
    notices = [nf for nf in facts.notice_files if "/" not in nf.path]
    for found in _owed(facts, all_licenses(facts), inherited_licenses(facts), licensor):
        lic = found.license
        assert lic is not None
        if lic.id in conditional:
            if not notices and facts.card and _NOTICE_MENTION.search(facts.card.body):
                yield Violation(f"the card mentions a NOTICE file, which {lic.id} requires "
                                "distributors to pass on, but the repository has none",
                                found.location, {"license": lic.id})
            continue
        if not lic.obligations.notice_file:
            continue
        text = " ".join(lic.obligations.notice_text.split()) if lic.obligations.notice_text else None
        if not notices:
            wanted = f' saying "{text}"' if text else ""
            yield Violation(f"{_whose(found)} requires a NOTICE text file{wanted}; the repository has none",
                            found.location, {"license": lic.id, "notice_text": text})
        elif text and not any(nf.text and contains_phrase(nf.text, text) for nf in notices):
            yield Violation(f'{notices[0].path} lacks the notice {lic.id} requires: "{text}"',
                            Location(notices[0].path), {"license": lic.id, "notice_text": text})


# ---- ML402 attribution-missing ---------------------------------------------------------------


def attribution_missing(facts: Facts, alternatives: Mapping[str, list[str]] | None = None,
                        only_for: Mapping[str, str] | None = None,
                        licensor: bool = False) -> Iterator[Violation]:
    if facts.card is None or facts.card.metadata_error:
        return
    extra = {k.lower(): v for k, v in (alternatives or {}).items()}
    scoped = {k.lower(): v.lower() for k, v in (only_for or {}).items()}
    body = facts.card.body
    about = " ".join(str(x) for x in (facts.model_name, facts.card.title,
                                      facts.metadata.get("base_model")) if x).lower()
    for found in _owed(facts, model_licenses(facts), inherited_licenses(facts), licensor):
        phrase = found.license.obligations.display_phrase  # type: ignore[union-attr]
        if not phrase:
            continue
        word = scoped.get(phrase.lower())
        if word and word not in about:
            continue  # the duty is tied to one model line ("Built on NVIDIA Cosmos")
        choices = _alternatives(phrase)
        choices += [alt for alt in extra.get(phrase.lower(), []) if alt not in choices]
        if any(contains_phrase(body, choice) for choice in choices):
            continue
        wanted = " or ".join(f'"{c}"' for c in choices)
        yield Violation(f"{_whose(found)} requires displaying {wanted}; the card does not",
                        found.location, {"license": found.license.id, "phrases": choices})  # type: ignore[union-attr]


def _owed(facts: Facts, own: list[Found], inherited: list[Found], licensor: bool) -> list[Found]:
    """The licenses whose redistribution duties fall on this repository. A licensor's release
    owes none under its own terms, not even where its base models carry the same terms (Meta's
    instruct model on Meta's base); a base under other terms still binds it. The licensor is
    said so in the configuration (``licensor``), or known on the Hub: a repository of one of the
    organisations the license record names as its holder's."""
    found = distinct_known(own + inherited)
    held = {f.license.id for f in own if f.license is not None} if licensor else set()
    repo_id = facts.target.repo_id
    if repo_id and "/" in repo_id:
        org = repo_id.split("/", 1)[0].lower()
        held |= {f.license.id for f in found if f.license is not None and org in f.license.holders}
    return [f for f in found if f.license is not None and f.license.id not in held]


def _whose(found: Found) -> str:
    lic_id = found.license.id if found.license else found.value
    return f"{lic_id}, the base model's license," if found.origin == "base" else lic_id


def _alternatives(phrase: str) -> list[str]:
    """A display phrase may offer choices: 'Built with Qwen" or "Improved using Qwen'."""
    parts = re.split(r'\s*(?:\||"\s*or\s*"|\s/\s)\s*', phrase)
    return [p.strip(' "') for p in parts if p.strip(' "')]


# ---- ML403 use-policy-missing ----------------------------------------------------------------

# The restrictions written out inside a license file (RAIL / DeepSeek attachments).
_RESTRICTIONS_IN_TEXT = re.compile(r"\battachment\s+a\b|\buse\s+restrictions\b|\bprohibited\s+uses?\b",
                                   re.I)


def use_policy_missing(facts: Facts) -> Iterator[Violation]:
    if facts.policy_files:
        return  # the policy travels with the model
    text = card_text(facts)
    reported: set[str] = set()
    for found in distinct_known(model_licenses(facts)):
        lic = found.license
        assert lic is not None
        if (not lic.obligations.use_restrictions or _included(facts, lic)
                or references_use_policy(text, lic.use_policy)):
            continue
        reported.add(lic.id)
        policy = lic.use_policy or "its use restrictions"
        yield Violation(f"{lic.id} restricts use ({policy}), but the repository neither includes "
                        "the policy nor references it in the card", found.location,
                        {"license": lic.id, "inherited": False})
    for item in inherited_use_restrictions(facts):
        if item.license_id not in reported:
            reported.add(item.license_id)
            yield Violation(item.message, item.location, {"license": item.license_id,
                                                          "inherited": True})


def _included(facts: Facts, lic: License) -> bool:
    for lf in root_license_files(facts):
        if lf.text and any(f.license is not None and same_license(f.license, lic)
                           for f in file_licenses(lf)):
            if _RESTRICTIONS_IN_TEXT.search(lf.text):
                return True
    return False


# ---- ML404 noncommercial-license -------------------------------------------------------------


def noncommercial_license(facts: Facts) -> Iterator[Violation]:
    for found in distinct_known(model_licenses(facts)):
        ob = found.license.obligations  # type: ignore[union-attr]
        if ob.non_commercial or ob.research_only:
            what = "research use only" if ob.research_only else "no commercial use"
            yield Violation(f"{found.license.id} allows {what}: the model cannot be used in "  # type: ignore[union-attr]
                            "commercial products or services", found.location,
                            {"license": found.license.id})  # type: ignore[union-attr]
