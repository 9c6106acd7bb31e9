"""`modellint fix`: mend what a check reports, one small reviewable edit per finding.

Each fixer takes a finding (its code and structured ``data``), the facts of the scan (the license
picture above all) and a ``ChangeSet``, and either edits or says why it will not. Fixes are
mechanical: a NOTICE line the license prescribes, a display phrase, the Hub's spelling of an id,
`license_name` / `license_link` taken from an identified license file, a license text from where it
legitimately lives, a reference to a use policy, section skeletons marked for the author to fill.
What needs the author's decision (relicensing, renaming, choosing terms) is explained, never
applied. Only a working tree is edited: remote targets and git revisions are refused.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from modellint.edit import EditError
from modellint.fix.context import CARD, Context, NotFixed
from modellint.model import Finding


class Outcome(NamedTuple):
    """What became of one finding."""

    finding: Finding
    fixed: bool
    message: str  # what was done, or why not (and what the author should do)


def fix_findings(findings: list[Finding], ctx: Context) -> list[Outcome]:
    """Run the fixer of each finding, in order; every finding gets an outcome."""
    from modellint.fix.fixers import AUTHOR_DECISIONS, FIXERS

    out = []
    for finding in findings:
        fixer = FIXERS.get(finding.code)
        if fixer is None:
            why = AUTHOR_DECISIONS.get(finding.code, "no automatic fix for this rule")
            out.append(Outcome(finding, False, _fill(why, finding.data)))
            continue
        try:
            out.append(Outcome(finding, True, fixer(finding, ctx)))
        except NotFixed as exc:
            out.append(Outcome(finding, False, str(exc)))
        except EditError as exc:
            out.append(Outcome(finding, False, f"not edited: {exc}"))
    return out


class _Data(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "?"


def _fill(template: str, data: Any) -> str:
    try:
        return template.format_map(_Data(data or {}))
    except (ValueError, IndexError):
        return template


__all__ = ["CARD", "Context", "NotFixed", "Outcome", "fix_findings"]
