"""Openness: which parts of a release the Open Source AI Definition and the Model Openness Framework
ask for are there, under which terms, and whether those terms are open.

One judgement serves two users: the openness report (``--format openness``) and the
``open-source-ai`` profile, whose policy allows the category ``open``, which ``open_for`` decides
(``checks/policy.py``). Which licenses count as open for which kind of material (code, parameters,
data, documentation) is data: ``rules/data/openness.toml``, with its sources.

modellint sees one repository. A part the OSAID or the MOF asks for that lives elsewhere (training
code in another repository, a paper on arXiv, a dataset on the Hub) is reported as named or missing,
never assumed open: the class a release reaches is the class its repository shows.
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

KINDS = ("code", "parameters", "data", "documentation")
# A policy component -> the kind of material it is.
COMPONENT_KIND = {"code": "code", "weights": "parameters", "data": "data",
                  "documentation": "documentation", "outputs": "data"}
OPEN = "open"
RESTRICTED = "restricted"  # released, under terms that are not open
UNJUDGED = "unjudged"  # released or named, under terms modellint cannot see or does not know
MISSING = "missing"

_TRAIN = re.compile(r"(^|[/_.-])(train(ing)?|fine[-_]?tun(e|ing)|finetun(e|ing)|sft|pretrain(ing)?)"
                    r"([/_.-]|$)", re.I | re.A)
_EVAL = re.compile(r"(^|[/_.-])(eval(uate|uation)?|bench(mark)?s?)([/_.-]|$)", re.I | re.A)
_PREP = re.compile(r"(^|[/_.-])(pre[-_]?process(ing)?|prepare|preparation|clean(ing)?|filter(ing)?|"
                   r"dedup(lication)?)([/_.-]|$)", re.I | re.A)
_CHECKPOINT = re.compile(r"(^|/)(checkpoint|ckpt|step|epoch|iter)[-_]?\d+(/|$)", re.I | re.A)


def _table() -> Mapping[str, Any]:
    from modellint.rulesdata import rules_data

    return rules_data("openness.toml")


def open_for(kind: str, record: Any) -> str | None:
    """None when ``record`` (a knowledge-base License, or None for an unknown one) is open for
    ``kind`` of material; else why not."""
    if record is None:
        return "its terms are unknown to modellint"
    o = record.obligations
    if o.non_commercial or o.research_only:
        return "it forbids commercial use"
    if o.use_restrictions:
        return "it restricts how the material may be used"
    if o.no_derivatives:
        return "it forbids sharing modified versions"
    table = _table()
    groups = table["accepts"].get(kind, [])
    if any(record.id in table["groups"].get(group, ()) for group in groups):
        return None
    return f"it is not on the open licenses for {kind} ({', '.join(groups)})"


def is_open(component: str, record: Any) -> bool:
    """For the policy: is ``record`` open terms for a component (weights, code, data)?"""
    return open_for(COMPONENT_KIND.get(component, component), record) is None


class Part(NamedTuple):
    """One part of a release as the OSAID or the MOF lists it."""

    name: str
    status: str  # open | restricted | unjudged | missing
    found: str  # what was found, or "not found in the repository"
    licenses: tuple[str, ...] = ()  # the terms (knowledge-base ids, or values as written)
    reason: str = ""  # why it is not open, when it is not


class ClassResult(NamedTuple):
    name: str  # "Class III (Open Model)"
    reached: bool
    pending: bool  # every part is there and none is restricted, but some terms are unjudged
    parts: tuple[Part, ...]


class Openness(NamedTuple):
    target: str
    osaid: tuple[Part, ...]
    osaid_met: bool
    mof: tuple[ClassResult, ...]  # Class III, II, I

    @property
    def mof_class(self) -> str | None:
        """The highest MOF class the repository shows in full (Class I is the highest)."""
        reached = [c.name for c in self.mof if c.reached]
        return reached[-1] if reached else None


def _judge(kind: str, licenses: Sequence[tuple[str, Any]]) -> tuple[str, str]:
    """(status, reason) of material of ``kind`` under ``licenses`` [(id, record or None)]."""
    if not licenses:
        return UNJUDGED, "no license is stated for it"
    reasons: list[str] = []
    unknown: list[str] = []
    for lid, record in licenses:
        why = open_for(kind, record)
        if why is None:
            continue
        (unknown if record is None else reasons).append(f"{lid}: {why}")
    if reasons:
        return RESTRICTED, "; ".join(reasons + unknown)
    if unknown:
        return UNJUDGED, "; ".join(unknown)
    return OPEN, ""


def _terms(picture: Any, part: str, inherited: bool = False) -> list[tuple[str, Any]]:
    if picture is None:
        return []
    terms = picture.terms(part)
    out = [(lic.id, lic) for lic in terms.licenses] + [(value, None) for value in terms.unknown]
    if inherited:
        out += [(e.id, e.license) for e in picture.inherited if e.id not in {i for i, _ in out}]
    return out


def _part(name: str, kind: str, found: str | None, licenses: Sequence[tuple[str, Any]]) -> Part:
    if not found:
        return Part(name, MISSING, "not found in the repository")
    status, reason = _judge(kind, licenses)
    return Part(name, status, found, tuple(dict.fromkeys(lid for lid, _ in licenses)), reason)


def _named(name: str, found: str | None) -> Part:
    """A part that lives outside the repository: named, its terms unseen."""
    if not found:
        return Part(name, MISSING, "not found in the repository or named by the card")
    return Part(name, UNJUDGED, found, (), "it is outside the repository: its terms are not judged")


def _files(inventory: Any, part: str, pattern: re.Pattern[str] | None = None) -> list[str]:
    return [f.path for f in inventory.files if f.part == part and (pattern is None or pattern.search(f.path))]


def _shown(paths: list[str]) -> str | None:
    if not paths:
        return None
    more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
    return ", ".join(paths[:3]) + more


def assess(target: Any) -> Openness:
    """The openness of one report target (``TargetInfo`` with its picture and inventory)."""
    from modellint.export.inventory import Inventory
    from modellint.knowledge import load_kb

    inv = target.inventory or Inventory()
    picture = target.licenses
    card = inv.card
    kb = load_kb()
    library = card.library_name if card is not None else None
    lib_license = _table()["libraries"].get(library) if library else None
    lib_terms = [(lib_license, kb.get(lib_license))] if lib_license else (
        [(f"the {library} library's license", None)] if library else [])

    weights = _files(inv, "weights")
    final = [p for p in weights if not _CHECKPOINT.search(p)]
    intermediate = [p for p in weights if _CHECKPOINT.search(p)]
    code = _files(inv, "code")
    training = _files(inv, "code", _TRAIN)
    evaluation_code = _files(inv, "code", _EVAL)
    preprocessing = _files(inv, "code", _PREP)
    inference = [p for p in code if p not in training + evaluation_code + preprocessing]
    data_files = _files(inv, "data")
    documents = _files(inv, "documentation")
    eval_data = _files(inv, "data", _EVAL)
    sections = card.sections if card is not None else {}
    datasets = card.datasets if card is not None else ()
    papers = card.papers if card is not None else ()
    config = card is not None and (card.model_type or card.architectures)

    parameters = _part("parameters (final weights)", "parameters", _shown(final),
                       _terms(picture, "weights", inherited=True))
    code_terms = _terms(picture, "code")
    docs = _terms(picture, "documentation")
    card_found = "the model card" if card is not None else None
    data_info = ", ".join(x for x in (
        f"datasets named: {', '.join(datasets[:5])}" if datasets else "",
        "a training-data section" if "training" in sections else "") if x) or None
    if code:
        architecture = _part("model architecture", "code", _shown(code), code_terms)
    elif config and library:
        architecture = _part("model architecture", "code",
                             f"config.json, implemented by the {library} library", lib_terms)
    else:
        architecture = _part("model architecture", "code", None, [])
    inference_part = (_part("inference code", "code", _shown(inference), code_terms) if inference
                      else _part("inference code", "code", f"the {library} library", lib_terms)
                      if library else _part("inference code", "code", None, []))

    osaid = (
        parameters._replace(name="parameters"),
        _part("code", "code", f"training code: {_shown(training)}; inference: {inference_part.found}",
              code_terms + (lib_terms if not inference else []))
        if training else Part("code", MISSING, "no training code in the repository"
                              + (f" (inference: {inference_part.found})"
                                 if inference_part.status != MISSING else "")),
        _part("data information", "documentation", data_info, docs),
    )
    osaid_met = all(p.status == OPEN for p in osaid)

    class_three = (
        architecture,
        parameters,
        _part("technical report", "documentation", _shown(documents), docs) if documents
        else _named("technical report", ", ".join(f"arXiv:{p}" for p in papers[:3]) or None),
        _part("evaluation results", "documentation",
              "model-index results" if card is not None and card.metrics
              else "an evaluation section" if "evaluation" in sections else None, docs),
        _part("model card", "documentation", card_found, docs),
        _part("data card", "documentation", data_info, docs),
    )
    class_two = (
        _part("training code", "code", _shown(training), code_terms),
        inference_part,
        _part("evaluation code", "code", _shown(evaluation_code), code_terms),
        _part("evaluation data", "data", _shown(eval_data), _terms(picture, "data")),
        _part("supporting libraries and tools", "code", f"the {library} library" if library else None,
              lib_terms),
    )
    class_one = (
        _named("research paper", ", ".join(f"arXiv:{p}" for p in papers[:3]) or None),
        _part("datasets", "data", _shown([p for p in data_files if p not in eval_data]),
              _terms(picture, "data")) if data_files
        else _named("datasets", ", ".join(datasets[:5]) or None),
        _part("data preprocessing code", "code", _shown(preprocessing), code_terms),
        _part("parameters (intermediate checkpoints)", "parameters", _shown(intermediate),
              _terms(picture, "weights", inherited=True)),
    )
    mof: list[ClassResult] = []
    required: tuple[Part, ...] = ()
    for name, parts in (("Class III (Open Model)", class_three), ("Class II (Open Tooling)", class_two),
                        ("Class I (Open Science)", class_one)):
        required = required + parts
        reached = all(p.status == OPEN for p in required) and (not mof or mof[-1].reached)
        pending = (not reached and all(p.status in (OPEN, UNJUDGED) for p in required)
                   and any(p.status == UNJUDGED for p in required))
        mof.append(ClassResult(name, reached, pending, parts))
    return Openness(target.target, osaid, osaid_met, tuple(mof))
