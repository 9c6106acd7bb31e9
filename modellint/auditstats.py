"""Figures of a whole audit, gathered in one pass over its outcomes with bounded memory.

Counters only (licenses per component, findings per rule and severity, derivatives and conflicts
per relation, conflict pairs); the per-target rows and lineage edges that the HTML report shows are
kept up to a cap, and the report says when it stopped keeping them. The HTML report and the
supply-chain figures in tests/benchmarks/ read these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from modellint.outcome import TargetOutcome

MAX_ROWS = 20_000  # targets listed one by one in the HTML table
MAX_FINDINGS_PER_ROW = 100
MAX_EDGES = 400  # lineage edges drawn
NO_LICENSE = ("(none)", "(no card)")
CONFLICT_CODE = "ML502"
OTHER_UNNAMED_CODE = "ML104"


class Row(NamedTuple):
    target: str
    declared: str
    licenses: str  # "component: id, id; ..."
    relation: str | None
    bases: tuple[str, ...]
    error: int
    warning: int
    info: int
    failed: str | None
    findings: tuple[tuple[str, str, str, str | None, int | None], ...]  # code, sev, msg, path, line
    notes: tuple[str, ...]
    revision: str | None = None  # the commit linted (Hub, cache snapshot, git revision)


class AuditStats:
    def __init__(self, max_rows: int = MAX_ROWS, max_edges: int = MAX_EDGES) -> None:
        self.max_rows = max_rows
        self.max_edges = max_edges
        self.targets = 0
        self.failed = 0
        self.with_card = 0
        self.no_license = 0  # with a card, but no license in its metadata
        self.other = 0  # declared `other`
        self.other_unnamed = 0  # `other` without license_name or license_link (ML104)
        self.severity: Counter[str] = Counter()
        self.suppressed = 0
        self.by_rule: Counter[tuple[str, str]] = Counter()  # (code, severity) -> active findings
        self.rule_names: dict[str, str] = {}
        self.licenses: Counter[tuple[str, str]] = Counter()  # (component, license) -> targets
        self.declared: Counter[str] = Counter()
        self.derivatives: Counter[str] = Counter()  # relation -> derivatives
        self.conflicts: Counter[str] = Counter()  # relation -> derivatives with ML502
        self.pairs: Counter[tuple[str, str]] = Counter()  # (derivative license, base license)
        self.edges: list[tuple[str, str, str, bool]] = []  # (base, derivative, relation, conflict)
        self.edges_dropped = 0
        self.rows: list[Row] = []
        self.rows_dropped = 0
        self.notes = 0  # targets audited from partial information (gated, ...)

    def add(self, o: TargetOutcome) -> None:
        self.targets += 1
        if o.failed:
            self.failed += 1
        if o.notes:
            self.notes += 1
        declared = o.declared
        if o.info is not None and declared != "(no card)":
            self.with_card += 1
            if declared == "(none)":
                self.no_license += 1
        if o.info is not None:
            self.declared[declared] += 1
        active = [f for f in o.findings if f.suppressed_by is None]
        self.suppressed += len(o.findings) - len(active)
        codes = set()
        for f in active:
            self.severity[f.severity.value] += 1
            self.by_rule[(f.code, f.severity.value)] += 1
            self.rule_names.setdefault(f.code, f.name)
            codes.add(f.code)
        if declared.split(" (", 1)[0].strip().lower() == "other":
            self.other += 1
            if OTHER_UNNAMED_CODE in codes:
                self.other_unnamed += 1
        for component, lic in {(r.component, r.license) for r in o.licenses}:
            self.licenses[(component, lic)] += 1
        direct = [b for b in o.bases if b.depth == 1]
        conflict = CONFLICT_CODE in codes
        if direct:
            relation = o.relation or "unspecified"
            self.derivatives[relation] += 1
            if conflict:
                self.conflicts[relation] += 1
            for f in active:
                if f.code == CONFLICT_CODE:
                    own = ", ".join(str(v) for v in f.data.get("declared", ())) or declared
                    self.pairs[(own.lower(), str(f.data.get("base_license", "?")))] += 1
            name = (o.info.repo_id or o.info.name) if o.info is not None else None
            for b in direct:
                if len(self.edges) < self.max_edges:
                    self.edges.append((b.model_id, name or o.target, relation, conflict))
                else:
                    self.edges_dropped += 1
        if len(self.rows) < self.max_rows:
            counts = o.counts()
            self.rows.append(Row(
                o.target, declared, license_text(o), o.relation,
                tuple(b.model_id for b in direct), counts["error"], counts["warning"],
                counts["info"], o.failed,
                tuple((f.code, f.severity.value, f.message, f.path, f.line)
                      for f in active[:MAX_FINDINGS_PER_ROW]),
                o.notes,
                o.info.revision if o.info is not None and o.info.revision != "index" else None))
        else:
            self.rows_dropped += 1

    def add_all(self, outcomes: Iterable[TargetOutcome]) -> AuditStats:
        for o in outcomes:
            self.add(o)
        return self

    def components(self) -> dict[str, list[tuple[str, int]]]:
        """Per component, (license, targets) from the most common."""
        out: dict[str, list[tuple[str, int]]] = {}
        for (component, lic), n in self.licenses.most_common():
            out.setdefault(component, []).append((lic, n))
        return out

    def summary(self) -> dict[str, Any]:
        """The audit's figures as JSON-friendly data (what the HTML draws)."""
        return {
            "targets": self.targets, "failed": self.failed, "with_card": self.with_card,
            "no_license": self.no_license, "other": self.other,
            "other_unnamed": self.other_unnamed, "partial": self.notes,
            "findings": {s: self.severity.get(s, 0) for s in ("error", "warning", "info")},
            "suppressed": self.suppressed,
            "rules": [{"code": code, "name": self.rule_names.get(code, ""),
                       "error": self.by_rule.get((code, "error"), 0),
                       "warning": self.by_rule.get((code, "warning"), 0),
                       "info": self.by_rule.get((code, "info"), 0)}
                      for code in sorted({c for c, _ in self.by_rule})],
            "components": {c: [{"license": lic, "targets": n} for lic, n in rows]
                           for c, rows in sorted(self.components().items())},
            "relations": [{"relation": r, "derivatives": n, "conflicts": self.conflicts.get(r, 0)}
                          for r, n in self.derivatives.most_common()],
            "pairs": [{"derivative": d, "base": b, "count": n}
                      for (d, b), n in self.pairs.most_common(20)],
            "edges": [{"base": b, "model": m, "relation": r, "conflict": c}
                      for b, m, r, c in self.edges],
            "edges_dropped": self.edges_dropped,
            "rows_dropped": self.rows_dropped,
        }


def license_text(o: TargetOutcome) -> str:
    per: dict[str, list[str]] = {}
    for r in o.licenses:
        per.setdefault(r.component, []).append(r.license)
    return "; ".join(f"{c}: {', '.join(v)}" for c, v in sorted(per.items()))
