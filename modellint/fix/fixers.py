"""One fixer per rule that has a mechanical fix; explanations for those that need the author.

A fixer reads the finding's ``data`` (what the check found: the license, the notice text, the
phrases) and the license picture, edits through the context, and returns one line saying what it
did; it raises ``NotFixed`` with what the author should do instead when the fix is not mechanical
after all (no legitimate license text reachable, a guess between ids). Skeleton sections carry a
visible marker: they satisfy the rule's heading test and tell the author what to write.
"""

from __future__ import annotations

import re
from typing import Any

from modellint.fix.context import Context, Fixer, NotFixed
from modellint.model import Finding

TO_FILL = "*To be written by the authors (left by modellint fix):"


def _skeleton(what: str) -> str:
    return f"{TO_FILL} {what}*"


def _has_section(card: Any, pattern: str) -> bool:
    rx = re.compile(pattern, re.I)
    return any(rx.search(title) for _, _, title in card.headings())


# ---- ML401 notice-missing --------------------------------------------------------------------


def notice_missing(finding: Finding, ctx: Context) -> str:
    text = finding.data.get("notice_text")
    lic = finding.data.get("license")
    if not text:
        raise NotFixed(f"{lic} asks distributors to pass on the upstream NOTICE; modellint does not "
                       "know its text: copy the NOTICE file of the work you build on")
    path = finding.path if finding.path and finding.path.split("/")[-1].upper().startswith(
        "NOTICE") else "NOTICE"
    current = ctx.changes.read(path)
    if current is not None and " ".join(text.split()) in " ".join(current.split()):
        return f"{path} already holds the notice"
    body = (current.rstrip("\n") + "\n\n" if current and current.strip() else "") + text + "\n"
    ctx.changes.write(path, body, f"the notice {lic} requires")
    verb = "added the notice" if current else "wrote NOTICE with the notice"
    return f"{verb} {lic} requires: \"{text}\""


# ---- ML402 attribution-missing ---------------------------------------------------------------


def attribution_missing(finding: Finding, ctx: Context) -> str:
    phrases = finding.data.get("phrases") or []
    if not phrases:
        raise NotFixed("the finding does not say which phrase to display")
    card = ctx.card()
    card.add_paragraph_under_title(f"**{phrases[0]}**")
    ctx.save_card(f"display {phrases[0]!r}")
    return f"displays \"{phrases[0]}\" under the title ({finding.data.get('license')})"


# ---- ML103 card-license-unknown: the Hub's spelling of a known license ------------------------


def card_license_unknown(finding: Finding, ctx: Context) -> str:
    from modellint.knowledge import load_kb
    from modellint.licensing import ALIAS

    value = finding.data.get("value")
    declared = next((d for d in ctx.facts.licenses.declared
                     if d.value == value and d.form == ALIAS and d.license is not None), None)
    if declared is None:
        suggestion = finding.data.get("suggestion")
        hint = f" (perhaps `{suggestion}`)" if suggestion else ""
        raise NotFixed(f"`{value}` names no license modellint knows{hint}: which license you meant "
                       "is your decision; write its Hub id or SPDX id")
    lic = load_kb().get(declared.license.id) or declared.license
    card = ctx.card()
    replacement = lic.hub_id or ("other" if not lic.spdx else lic.spdx)
    current = card.get("license")
    if isinstance(current, list):
        for n, item in enumerate(current):
            if item == value:
                current[n] = replacement
        card.mark_dirty("license")
    else:
        card.set("license", replacement)
    extra = ""
    if replacement == "other":
        card.set("license_name", lic.id, after="license")
        path = _license_file_of(ctx, lic.id)
        if path:
            card.set("license_link", path, after="license_name")
        extra = f" with license_name: {lic.id}" + (f" and license_link: {path}" if path else "")
    ctx.save_card(f"the Hub's id for {lic.id}")
    return f"`license: {value}` becomes `{replacement}`{extra} ({lic.name})"


def _license_file_of(ctx: Context, lic_id: str) -> str | None:
    for e in ctx.facts.licenses.of_kind("license-file"):
        if e.license is not None and e.license.id == lic_id and e.path and "/" not in e.path:
            return str(e.path)
    return None


# ---- ML104 license-other-unnamed -------------------------------------------------------------


def license_other_unnamed(finding: Finding, ctx: Context) -> str:
    known = [e for e in ctx.facts.licenses.of_kind("license-file")
             if e.license is not None and e.path and "/" not in e.path]
    ids = list(dict.fromkeys(e.license.id for e in known))
    if len(ids) != 1:
        found = f" (the license files hold {', '.join(ids)})" if ids else ""
        raise NotFixed("no single license file names the terms" + found + ": set license_name "
                       "and license_link to the license you chose")
    evidence = known[0]
    card = ctx.card()
    missing = finding.data.get("missing") or ["license_name", "license_link"]
    done = []
    if "license_name" in missing and not card.get("license_name"):
        card.set("license_name", ids[0], after="license")
        done.append(f"license_name: {ids[0]}")
    if "license_link" in missing and not card.get("license_link"):
        card.set("license_link", evidence.path, after="license_name" if card.get("license_name")
                 is not None else "license")
        done.append(f"license_link: {evidence.path}")
    ctx.save_card("name the license")
    return f"{', '.join(done)} (identified in {evidence.path})"


# ---- ML105 license-link-broken ----------------------------------------------------------------


def license_link_broken(finding: Finding, ctx: Context) -> str:
    link = finding.data.get("link")
    declared = {e.license.id for e in ctx.facts.licenses.card if e.license is not None}
    files = [e.path for e in ctx.facts.licenses.of_kind("license-file")
             if e.path and "/" not in e.path and e.license is not None and e.license.id in declared]
    files = list(dict.fromkeys(files))
    if len(files) != 1:
        held = f" ({', '.join(files)} hold it)" if files else ""
        raise NotFixed(f"no single license file holds the declared license{held}: point "
                       "license_link at its text, or add the file")
    card = ctx.card()
    card.set("license_link", files[0])
    ctx.save_card("license_link to the license file")
    return f"`license_link: {link}` becomes `{files[0]}`, the file that holds {', '.join(sorted(declared))}"


# ---- ML506 base-model-undeclared -------------------------------------------------------------


def base_model_undeclared(finding: Finding, ctx: Context) -> str:
    base = str(finding.data.get("base") or "")
    card = ctx.card()
    if "/" not in base:
        raise NotFixed(f"the card names the {base} family, not a model: which exact base it is "
                       "is yours to say (its Hub id as `base_model`)")
    if card.get("base_model"):
        raise NotFixed(f"`base_model` already lists other bases: add {base} if it is a parent too "
                       "(a merge lists all of its parents); that is your call")
    card.set("base_model", base, after="license" if card.get("license") is not None else None)
    ctx.save_card(f"declare the base model {base}")
    return f"`base_model: {base}` (the card names it as the base)"


# ---- ML201 license-file-missing: the text from where it legitimately lives -------------------


def license_file_missing(finding: Finding, ctx: Context) -> str:
    from modellint.chooser.texts import find_text

    declared = [e.license for e in ctx.facts.licenses.card if e.license is not None]
    needing = [lic for lic in declared if lic.obligations.license_copy]
    if len(needing) != 1:
        raise NotFixed("the card names no single license whose text to write: declare one "
                       "(modellint init helps choose)")
    lic = needing[0]
    bases = [b.model_id for b in ctx.facts.lineage.direct if lic.id in b.licenses]
    try:
        text = find_text(lic, bases, ctx.offline, ctx.license_file)
    except ValueError as exc:
        raise NotFixed(str(exc)) from None
    if text.placeholder:
        raise NotFixed(f"no legitimate source of the {lic.id} text was reachable"
                       + (f" (published at {lic.url})" if lic.url else "")
                       + ": rerun with --license-file FILE, or online for a base model's copy")
    from modellint.chooser.texts import with_copyright

    ctx.changes.write("LICENSE", with_copyright(text.text, lic, ""), f"the text of {lic.id}")
    return f"wrote LICENSE: the text of {lic.id}, from {text.source}"


# ---- ML403 use-policy-missing ----------------------------------------------------------------


def use_policy_missing(finding: Finding, ctx: Context) -> str:
    from modellint.knowledge import load_kb

    lic = load_kb().get(str(finding.data.get("license")))
    if lic is None or not lic.use_policy:
        raise NotFixed("modellint does not know where this license's use policy lives: include "
                       "it (USE_POLICY.md) or link to it in the card")
    card = ctx.card()
    card.append_section("Use policy", f"Use of this model is subject to the use restrictions of "
                                      f"{lic.name}: {lic.use_policy}.")
    ctx.save_card(f"reference the use policy of {lic.id}")
    return f"a Use policy section referencing {lic.use_policy}"


# ---- Section skeletons: ML501, ML305, ML306 --------------------------------------------------


def modifications_undocumented(finding: Finding, ctx: Context) -> str:
    card = ctx.card()
    card.append_section("Modifications", _skeleton(
        "how this model was changed from its base model(s): the training data and method "
        "(fine-tuning, merge, quantization), and which files differ."))
    ctx.save_card("modifications section")
    licenses = ", ".join(finding.data.get("base_licenses") or [])
    return f"a Modifications section to fill ({licenses} asks to state changes)"


def training_data_undocumented(finding: Finding, ctx: Context) -> str:
    card = ctx.card()
    card.append_section("Training data", _skeleton(
        "the datasets the model was trained on, with their licenses (or list them under "
        "`datasets` in the front matter)."))
    ctx.save_card("training data section")
    return "a Training data section to fill"


def outputs_terms_unaddressed(finding: Finding, ctx: Context) -> str:
    card = ctx.card()
    card.append_section("Outputs", _skeleton(
        "what rights, if any, you claim in what the model generates, and who is responsible "
        "for its use."))
    ctx.save_card("outputs section")
    return "an Outputs section to fill (your stance on generated outputs)"


FIXERS: dict[str, Fixer] = {
    "ML103": card_license_unknown,
    "ML104": license_other_unnamed,
    "ML105": license_link_broken,
    "ML201": license_file_missing,
    "ML305": training_data_undocumented,
    "ML306": outputs_terms_unaddressed,
    "ML401": notice_missing,
    "ML402": attribution_missing,
    "ML403": use_policy_missing,
    "ML501": modifications_undocumented,
    "ML506": base_model_undeclared,
}

# What the author decides, and how: shown for findings that have no mechanical fix; `{key}` is
# filled from the finding's data.
AUTHOR_DECISIONS: dict[str, str] = {
    "ML101": "the card is yours to write: `modellint init` starts one with a license",
    "ML102": "choosing a license is your decision: `modellint init` recommends one",
    "ML202": "which license is right is your decision: make the card and the license files agree",
    "ML204": "an altered license text: restore the original, or name the terms as your own",
    "ML301": "say in the card that the weights are under this license, or choose a model "
             "license (`modellint init`): relicensing is your decision",
    "ML302": "add a license for the weights and declare it: your decision",
    "ML404": "non-commercial terms are a choice, not a mistake: nothing to fix unless you relicense",
    "ML502": "relicensing is your decision: the derivative must carry {base_license} "
             "(`modellint init --license {base_license}` writes what that takes)",
    "ML503": "renaming the model is your decision: a name that begins with {prefix!r}",
    "ML504": "say where the base model's license is written, or run online",
    "ML505": "document the weight change in the card, a CHANGELOG or the NOTICE",
}


__all__ = ["AUTHOR_DECISIONS", "FIXERS", "TO_FILL"]
