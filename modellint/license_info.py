"""`modellint license ID`: one knowledge-base record in plain words, or as JSON."""

from __future__ import annotations

import textwrap
from typing import Any

from modellint.knowledge import License

_OUTPUTS = {
    "silent": "the license says nothing about outputs",
    "no-claim": "the licensor claims no rights in outputs",
    "restricted": "the license restricts what outputs may be used for",
    "licensed": "outputs are themselves under the license",
}
_KINDS = {"software": "software license", "model": "model license", "data": "data license",
          "content": "content license", "family": "license family (name the exact license)",
          "meta": "placeholder value, not a license"}


def owed(lic: License) -> list[str]:
    """What a redistributor owes, one plain sentence per duty."""
    ob = lic.obligations
    out = []
    if ob.license_copy:
        out.append("Give every recipient a copy of the license "
                   "(or, where it allows, a link to it).")
    if ob.notice_file:
        line = "Ship a NOTICE text file with every copy"
        out.append(line + (f', containing exactly:\n"{ob.notice_text}"' if ob.notice_text else "."))
    elif ob.notice_text:
        out.append(f'Keep this notice with every copy: "{ob.notice_text}"')
    out.append("Mark modified files and say that you changed them." if ob.state_changes
               else "No duty to mark changes.")
    if ob.display_phrase:
        out.append(f'Display "{ob.display_phrase}" where the model or a product using it '
                   "is offered.")
    if ob.name_prefix:
        out.append(f'Names of models built with it must begin with "{ob.name_prefix}".')
    if ob.use_restrictions:
        policy = f" ({lic.use_policy})" if lic.use_policy else ""
        out.append(f"Use restrictions apply{policy}"
                   + ("; they must be passed on to everyone you give the model to."
                      if ob.pass_through else "."))
    if ob.share_alike:
        out.append("Share-alike: adapted versions you share must stay under the same terms.")
    if ob.no_derivatives:
        out.append("No derivatives: adapted versions may not be shared.")
    if ob.research_only:
        out.append("Research use only.")
    elif ob.non_commercial:
        out.append("Non-commercial use only.")
    if ob.user_threshold:
        out.append(f"Above {ob.user_threshold} a separate license from the licensor is needed.")
    return out


def describe(lic: License, width: int = 88) -> str:
    def para(label: str, text: str) -> str:
        return textwrap.fill(text, width, initial_indent=f"{label}: ",
                             subsequent_indent=" " * (len(label) + 2))

    ids = [f"Hub id: {lic.hub_id or 'none (use license: other)'}", f"SPDX: {lic.spdx or 'none'}",
           f"ScanCode: {lic.scancode or 'none'}"]
    lines = [f"{lic.id}: {lic.name}", f"{_KINDS[lic.kind]}, family {lic.family}. " + "; ".join(ids)]
    if lic.aliases:
        lines.append(para("Also written as", ", ".join(lic.aliases)))
    lines += ["", textwrap.fill(lic.summary, width), ""]
    covers = ", ".join(sorted(lic.grants)) if lic.grants else "nothing named"
    lines.append(f"Covers: {covers}")
    lines += ["", "What a redistributor owes:"]
    for item in owed(lic):
        sentence, _, verbatim = item.partition("\n")
        lines.append(textwrap.fill(sentence, width, initial_indent="  - ",
                                   subsequent_indent="    "))
        if verbatim:  # the exact text to copy: never re-wrapped
            lines.append(f"      {verbatim}")
    lines.append("")
    lines.append(para("Hosted use", lic.hosted_note or "nothing specific."))
    outputs = _OUTPUTS[lic.outputs] + (f". {lic.outputs_note}" if lic.outputs_note else ".")
    lines.append(para("Outputs", outputs))
    if lic.notes:
        lines.append(para("Notes", lic.notes))
    lines.append(para("Verified", "yes" if lic.verified else
                      "no: parts of this record come from secondary sources; read the license"))
    if lic.url:
        lines.append(f"Text: {lic.url}")
    lines.append(para("Sources", "; ".join(lic.sources)))
    return "\n".join(lines)


def to_json(lic: License) -> dict[str, Any]:
    data = lic._asdict()
    data.pop("path", None)
    data["obligations"] = lic.obligations._asdict()
    data["identify"] = lic.identify._asdict()
    data["grants"] = sorted(lic.grants)
    data["owed"] = owed(lic)
    return data
