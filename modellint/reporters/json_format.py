"""Versioned JSON report; the schema is modellint/schemas/report.schema.json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TextIO

from modellint import __version__
from modellint.model import Finding, Report
from modellint.registry import Rule
from modellint.reporters._json import dump_indented

SCHEMA_VERSION = 1


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


def report_json(report: Report) -> dict[str, Any]:
    counts = report.counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "modellint", "version": __version__},
        "targets": [
            {"target": t.target, "kind": t.kind, "origin": t.origin, "revision": t.revision,
             "name": t.name, "repo_id": t.repo_id, "repo_type": t.repo_type or "model",
             "licenses": t.licenses.to_json() if t.licenses is not None else None}
            for t in report.targets
        ],
        "summary": {**counts, "suppressed": len(report.suppressed()), "errors": len(report.errors)},
        "findings": [finding_json(f) for f in report.findings],
        "errors": [
            {"kind": e.kind, "message": e.message, "target": e.target, "code": e.code}
            for e in report.errors
        ],
    }


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    dump_indented(report_json(report), out, indent=2, default=str)
    out.write("\n")
