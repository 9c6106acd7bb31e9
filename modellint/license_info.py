"""`modellint license ID`: one knowledge-base record in plain words, or as JSON."""

from __future__ import annotations

import textwrap
from typing import Any

from modellint.knowledge import COMPONENTS, License

_OUTPUTS = {
    "silent": "the license says nothing about outputs",
    "no-claim": "the license makes no claim on outputs",
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


# ---- two records side by side (`modellint license --compare A B`) -----------------------------

_LANGUAGES = {"en": "English", "zh": "Chinese", "fr": "French", "de": "German", "ja": "Japanese"}
_LABEL = 20  # width of the row labels


def commercial(lic: License) -> str:
    """Whether the license allows commercial use, in a few words."""
    ob = lic.obligations
    if ob.research_only:
        return "no: research use only"
    if ob.non_commercial:
        return "no: non-commercial use only"
    if ob.user_threshold:
        return f"yes, up to {ob.user_threshold}; beyond that a separate license"
    return "yes"


def restrictions(lic: License) -> str:
    ob = lic.obligations
    if not ob.use_restrictions:
        return "none beyond the law"
    policy = f" ({lic.use_policy})" if lic.use_policy else ""
    return f"yes{policy}" + ("; they must be passed on" if ob.pass_through else "")


def language(lic: License) -> str:
    if not lic.languages:
        return "not recorded"
    names = " and ".join(_LANGUAGES.get(code, code) for code in lic.languages)
    return names + (f". {lic.language_note}" if lic.language_note else "")


Row = tuple[str, "str | tuple[str, ...]"]


def comparison_rows(lic: License) -> list[Row]:
    """(label, value) rows that ``compare`` sets side by side, the same labels for every record;
    a value is a sentence or a list of items (the duties)."""
    ids = f"Hub: {lic.hub_id or 'none (license: other)'}; SPDX: {lic.spdx or 'none'}"
    rows: list[Row] = [("License", f"{lic.id}: {lic.name}"), ("Kind", _KINDS[lic.kind]),
                       ("Ids", ids)]
    for component in COMPONENTS:
        if component != "outputs":
            rows.append((f"Covers {component}", "yes" if component in lic.grants else "not named"))
    rows += [
        ("IP rights", ", ".join(lic.rights) if lic.rights else "not recorded"),
        ("Patents", lic.patent_note or "not recorded"),
        ("Commercial use", commercial(lic)),
        ("Use limits", restrictions(lic)),
        ("Duties", tuple(item.replace("\n", " ") for item in owed(lic))),
        ("Hosted use", lic.hosted_note or "nothing specific"),
        ("Outputs", lic.outputs_note or _OUTPUTS[lic.outputs]),
        ("Language", language(lic)),
        ("Governing law", lic.governing_law or "not recorded"),
        ("Verified", "yes" if lic.verified else "no: partly from secondary sources"),
        ("Sources", "; ".join(lic.sources)),
    ]
    return rows


def compare(first: License, second: License, width: int = 100) -> str:
    """Two records side by side; rows whose values differ are marked with ``*``."""
    column = max(20, (width - _LABEL - 6) // 2)
    lines = [f"{'':{_LABEL + 3}}{first.id:<{column}} | {second.id}", ""]
    for (label, a), (_, b) in zip(comparison_rows(first), comparison_rows(second), strict=True):
        left = _cell(a, column)
        right = _cell(b, column)
        mark = "*" if a != b else " "
        for n in range(max(len(left), len(right))):
            head = f"{mark} {label:<{_LABEL}} " if n == 0 else " " * (_LABEL + 3)
            cell = left[n] if n < len(left) else ""
            other = right[n] if n < len(right) else ""
            lines.append(f"{head}{cell:<{column}} | {other}".rstrip())
    lines += ["", "* the two licenses differ on this row. Records are modellint's summaries; "
              "read the licenses before relying on them."]
    return "\n".join(lines)


def _cell(value: str | tuple[str, ...], width: int) -> list[str]:
    """A cell's lines: a sentence wrapped, or a list with one item per line."""
    if isinstance(value, str):
        return textwrap.wrap(value, width) or [""]
    out: list[str] = []
    for item in value:
        out.extend(textwrap.wrap(item, width, initial_indent="- ", subsequent_indent="  "))
    return out or ["none"]


def compare_json(first: License, second: License) -> dict[str, Any]:
    pairs = zip(comparison_rows(first), comparison_rows(second), strict=True)
    differ = [label for (label, a), (_, b) in pairs if a != b]
    return {"licenses": [to_json(first), to_json(second)], "differences": differ}
