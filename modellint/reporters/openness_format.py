"""The openness report: per target, the parts the Open Source AI Definition 1.0 and the Model
Openness Framework ask for, what the repository holds of each, under which terms, and the MOF class
it reaches, with the reasons. The judgement is modellint/openness.py's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from modellint.model import Report
from modellint.registry import Rule

_MARK = {"open": "open", "restricted": "NOT OPEN", "unjudged": "unjudged", "missing": "missing"}


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    from modellint.openness import assess

    for n, target in enumerate(report.targets):
        if n:
            out.write("\n")
        result = assess(target)
        at = target.revision if target.revision and target.revision != "index" else None
        who = (f" ({target.repo_id}{' @ ' + at[:12] if at else ''})" if target.repo_id
               else f" (@ {at[:12]})" if at else "")
        out.write(f"{_printable(target.target)}{_printable(who)}\n")
        out.write(f"  Open Source AI Definition 1.0: {'met' if result.osaid_met else 'not met'}"
                  " (as far as the repository shows)\n")
        for part in result.osaid:
            _part(out, part)
        best = result.mof_class
        out.write(f"  Model Openness Framework: {best + ' reached' if best else 'no class reached'}\n")
        for cls in result.mof:
            state = ("reached" if cls.reached else
                     "reachable if the unjudged terms are open" if cls.pending else "not reached")
            out.write(f"    {cls.name}: {state}\n")
            for part in cls.parts:
                _part(out, part, indent="      ")
    failed = [e for e in report.errors if e.target]
    for e in failed:
        out.write(f"\n{_printable(e.target or '')}: not assessed: {_printable(e.message)}\n")


def _part(out: TextIO, part, indent: str = "    ") -> None:  # type: ignore[no-untyped-def]
    terms = f" [{', '.join(part.licenses)}]" if part.licenses else ""
    why = f": {part.reason}" if part.reason and part.status != "missing" else ""
    out.write(f"{indent}{_MARK[part.status]:<9} {part.name} - {_printable(part.found)}{_printable(terms)}"
              f"{_printable(why)}\n")
