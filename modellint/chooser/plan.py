"""Turn a chosen license into edits: card front matter, LICENSE, NOTICE and card sections.

What gets written follows from the record of the chosen license (and of the base models' licenses):
the Hub id, or `license: other` with `license_name` and `license_link`; the license text from a
legitimate source (``texts``); a NOTICE when the terms ask for one; a "License" section that says
what the license covers (and, for a software license, that it covers the weights); an "Outputs"
section when the license is silent on outputs; the display phrase a base's terms ask for; and
skeletons, marked for the author to fill, for the modifications and training-data sections that a
reviewer looks for.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from modellint.chooser.questions import Answers
from modellint.chooser.texts import PLACEHOLDER_MARK, LicenseText, is_license, with_copyright
from modellint.edit import ChangeSet
from modellint.edit.card import CardDoc
from modellint.knowledge import License

CARD = "README.md"
TO_FILL = "*To be written by the authors (left by modellint):"


class Plan(NamedTuple):
    changes: ChangeSet
    messages: tuple[str, ...]  # what was done and why, one line each
    placeholder: bool  # the license text is a placeholder


def skeleton(what: str) -> str:
    return f"{TO_FILL} {what}*"


def plan_init(root: str, facts: Any, lic: License, answers: Answers, text: LicenseText | None,
              inherited: list[License]) -> Plan:
    """The edits that release the repository at ``root`` under ``lic``. ``text`` is None when a
    license file in the repository already holds the license; ``inherited`` are the base models'
    license records whose duties reach this derivative."""
    changes = ChangeSet(root)
    messages: list[str] = []
    card = CardDoc(changes.read(CARD) or "")
    license_path = _license_path(facts, lic)

    # Front matter
    old = card.get("license")
    if lic.hub_id:
        card.set("license", lic.hub_id)
        for key in ("license_name", "license_link"):
            if card.get(key) is not None:
                card.remove(key)
    else:
        card.set("license", "other")
        card.set("license_name", lic.id, after="license")
        card.set("license_link", license_path, after="license_name")
    if old is not None and str(old) != str(card.get("license")):
        new = lic.hub_id or f"other ({lic.id})"
        messages.append(f"{CARD}: license changes from {old} to {new}")

    # License text
    placeholder = False
    if text is not None:
        body = with_copyright(text.text, lic, answers.holder)
        changes.write(license_path, body, f"the text of {lic.id}, from {text.source}")
        messages.append(f"{license_path}: the text of {lic.id}, from {text.source}")
        placeholder = text.placeholder
    else:
        messages.append(f"{license_path}: already holds {lic.id}; kept")

    # NOTICE where the terms ask for one (the chosen license, or a base's inherited terms)
    for record in [lic, *inherited]:
        wanted = record.obligations.notice_text
        if record.obligations.notice_file and wanted:
            _add_notice(changes, wanted, record.id, messages)

    # Card body
    _license_section(card, lic, inherited, license_path, messages)
    if lic.outputs == "silent" and not _has_section(card, r"\boutputs?\b"):
        statement = ("The authors claim no rights in the outputs generated with this model; "
                     "whoever generates them is responsible for how they are used."
                     if answers.outputs_free else
                     "Outputs generated with this model may be used only as the license allows.")
        card.append_section("Outputs", statement)
        messages.append(f"{CARD}: an Outputs section ({lic.id} says nothing about outputs)")
    for record in [lic, *inherited]:
        phrase = record.obligations.display_phrase
        if phrase and phrase.split('"')[0].strip().lower() not in card.body.lower():
            shown = phrase.split('"')[0].strip()
            card.add_paragraph_under_title(f"**{shown}**")
            messages.append(f"{CARD}: displays \"{shown}\" ({record.id} requires it)")
    changes_owed = [r.id for r in [lic, *inherited] if r.obligations.state_changes]
    if facts.lineage.bases and changes_owed and not _has_section(
            card, r"modif|fine[- ]?tun|train|changes?\b|quanti[sz]|merge"):
        card.append_section("Modifications", skeleton(
            "how this model was changed from its base model(s): the training data and method, "
            "and which files differ."))
        messages.append(f"{CARD}: a Modifications section to fill ({', '.join(changes_owed)} "
                        "asks modified copies to say what changed)")
    if not _declares_data(card):
        what = ("the datasets the model was trained on, with their licenses"
                if "training-data" not in answers.release else
                "the training data released with the model, and its license")
        card.append_section("Training data", skeleton(what + "."))
        messages.append(f"{CARD}: a Training data section to fill (data information)")
    changes.write(CARD, card.render(), f"declare {lic.id}")
    return Plan(changes, tuple(messages), placeholder)


def _license_path(facts: Any, lic: License) -> str:
    """Where the text goes: the root license file that holds it or a placeholder, else LICENSE."""
    for lf in facts.license_files:
        if "/" in lf.path or lf.scope == "code":
            continue
        if lf.text and (lf.text.startswith(PLACEHOLDER_MARK) or is_license(lf.text, lic)):
            return str(lf.path)
    return "LICENSE"


def existing_text(facts: Any, lic: License) -> bool:
    """Does a root license file already hold ``lic`` (so that no text needs writing)?"""
    return any(lf.text and "/" not in lf.path and not lf.text.startswith(PLACEHOLDER_MARK)
               and is_license(lf.text, lic) for lf in facts.license_files)


def _add_notice(changes: ChangeSet, wanted: str, lic_id: str, messages: list[str]) -> None:
    current = changes.read("NOTICE")
    flat = " ".join(wanted.split())
    if current is not None and flat in " ".join(current.split()):
        return
    text = (current.rstrip("\n") + "\n\n" if current and current.strip() else "") + wanted + "\n"
    changes.write("NOTICE", text, f"the notice {lic_id} requires")
    messages.append(f"NOTICE: the notice {lic_id} requires")


def _license_section(card: CardDoc, lic: License, inherited: list[License], path: str,
                     messages: list[str]) -> None:
    if _has_section(card, r"^licen[cs]e"):
        return
    covered = [c for c in ("weights", "architecture", "code", "data", "documentation")
               if c in lic.grants]
    lines = [f"This model is released under the {lic.name} (`{lic.id}`); the full text is in "
             f"[{path}]({path})."]
    if lic.kind == "software":
        lines.append(f"The model weights are licensed under the {lic.name}, as is the code.")
    elif covered:
        lines.append(f"The license covers the model's {', '.join(covered)}.")
    for record in [lic, *inherited]:
        if record.obligations.use_restrictions and record.use_policy:
            lines.append(f"Use of the model is subject to the use restrictions of {record.id}: "
                         f"{record.use_policy}.")
    card.append_section("License", " ".join(dict.fromkeys(lines)))
    messages.append(f"{CARD}: a License section saying what {lic.id} covers")


def _has_section(card: CardDoc, pattern: str) -> bool:
    import re

    rx = re.compile(pattern, re.I)
    return any(rx.search(title) for _, _, title in card.headings())


def _declares_data(card: CardDoc) -> bool:
    datasets = card.get("datasets")
    if isinstance(datasets, str) and datasets.strip():
        return True
    if isinstance(datasets, list) and any(isinstance(d, str) and d.strip() for d in datasets):
        return True
    return _has_section(card, r"\b(train(ing)?|pre-?train(ing)?)[\s-]*(data|dataset|corpus)|^\s*data(sets?)?\s*$")


__all__ = ["CARD", "TO_FILL", "Plan", "existing_text", "plan_init", "skeleton"]
