"""Versioned JSON report; the schema is modellint/schemas/report.schema.json."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from modellint import __version__
from modellint.model import Finding, Report, TargetInfo
from modellint.registry import Rule
from modellint.reporters._json import Raw, dump_indented, indented

SCHEMA_VERSION = 1
ITEM_LEVEL = 2  # where a target or a finding sits: {"targets": [ {...} ]}


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity.value,
        "message": f.message,
        "path": f.path,
        "line": f.line,
        "target": f.target,
        "data": dict(f.data),
        "suppressed": None if f.suppressed_by is None
        else {"by": f.suppressed_by, "reason": f.suppression_reason},
    }


def target_json(t: TargetInfo) -> dict[str, Any]:
    return {"target": t.target, "kind": t.kind, "origin": t.origin, "revision": t.revision,
            "name": t.name, "repo_id": t.repo_id, "repo_type": t.repo_type or "model",
            "licenses": t.licenses.to_json() if t.licenses is not None else None}


def target_pieces(info: TargetInfo | None, findings: Iterable[Finding]) -> tuple[str, ...]:
    """One target's entry (empty when it could not be opened) and its findings' entries, as the
    report writes them: an audit's workers render these in parallel (``prerender``)."""
    head = (indented(target_json(info), ITEM_LEVEL, default=str),) if info is not None else ()
    return head + tuple(indented(finding_json(f), ITEM_LEVEL, default=str) for f in findings)


def report_json(report: Report) -> dict[str, Any]:
    counts = report.counts()
    ready = report.rendered  # id of a target or finding -> its entry, rendered by a worker

    def target(t: TargetInfo) -> Any:
        text = ready.get(id(t)) if ready else None
        return Raw(text) if text is not None else target_json(t)

    def finding(f: Finding) -> Any:
        text = ready.get(id(f)) if ready else None
        return Raw(text) if text is not None else finding_json(f)

    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "modellint", "version": __version__},
        "targets": [target(t) for t in report.targets],
        "summary": {**counts, "suppressed": len(report.suppressed()), "errors": len(report.errors)},
        "findings": [finding(f) for f in report.findings],
        "errors": [
            {"kind": e.kind, "message": e.message, "target": e.target, "code": e.code}
            for e in report.errors
        ],
    }


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    dump_indented(report_json(report), out, indent=2, default=str)
    out.write("\n")
