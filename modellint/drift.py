"""What changed between audits: ``modellint audit diff RUN_A RUN_B`` and ``audit history TARGET``.

Targets are matched by the target string. Findings are matched first exactly (code, path and
message); what is left is paired by code and path, and such a pair is a *changed* finding (the
message, line or severity moved); anything still unpaired is *new* (only in B) or *fixed* (only in
A). Licenses are compared per component, and a target's resolved commit says whether it moved.
The comparison streams target by target: neither run is held in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from modellint.model import Finding
from modellint.outcome import FALLBACK, LicenseRow
from modellint.store import RunInfo, Store, StoredTarget


class FindingChange(NamedTuple):
    before: Finding
    after: Finding


class LicenseChange(NamedTuple):
    component: str
    before: tuple[str, ...]
    after: tuple[str, ...]


class TargetDiff(NamedTuple):
    target: str
    before: StoredTarget | None  # None: only in run B
    after: StoredTarget | None  # None: only in run A
    new: tuple[Finding, ...] = ()
    fixed: tuple[Finding, ...] = ()
    changed: tuple[FindingChange, ...] = ()
    licenses: tuple[LicenseChange, ...] = ()

    @property
    def new_commit(self) -> bool:
        return (self.before is not None and self.after is not None
                and self.before.revision != self.after.revision
                and self.after.revision is not None)

    @property
    def status_changed(self) -> bool:
        return (self.before is not None and self.after is not None
                and self.before.status != self.after.status)

    @property
    def empty(self) -> bool:
        return (self.before is not None and self.after is not None and not self.new
                and not self.fixed and not self.changed and not self.licenses
                and not self.new_commit and not self.status_changed)


def _active(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.suppressed_by is None]


def compare_findings(before: list[Finding], after: list[Finding]
                     ) -> tuple[list[Finding], list[Finding], list[FindingChange]]:
    """(new, fixed, changed) between two lists of one target's findings."""
    def exact(f: Finding) -> tuple[Any, ...]:
        return (f.code, f.path, f.message)

    left: dict[tuple[Any, ...], list[Finding]] = defaultdict(list)
    for f in before:
        left[exact(f)].append(f)
    changed: list[FindingChange] = []
    unmatched: list[Finding] = []
    for f in after:
        bucket = left.get(exact(f))
        if bucket:
            old = bucket.pop(0)
            if (old.line, old.severity) != (f.line, f.severity):
                changed.append(FindingChange(old, f))
        else:
            unmatched.append(f)
    by_place: dict[tuple[Any, ...], list[Finding]] = defaultdict(list)
    for bucket in left.values():
        for f in bucket:
            by_place[(f.code, f.path)].append(f)
    new: list[Finding] = []
    for f in unmatched:
        bucket = by_place.get((f.code, f.path))
        if bucket:
            changed.append(FindingChange(bucket.pop(0), f))
        else:
            new.append(f)
    fixed = [f for bucket in by_place.values() for f in bucket]
    return new, fixed, changed


def compare_licenses(before: list[LicenseRow], after: list[LicenseRow]) -> list[LicenseChange]:
    def per_component(rows: list[LicenseRow]) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            if not any(e.startswith(FALLBACK) for e in r.evidence):  # said once, at its source
                out[r.component].append(r.license)
        return {c: tuple(sorted(set(v))) for c, v in out.items()}

    a, b = per_component(before), per_component(after)
    return [LicenseChange(c, a.get(c, ()), b.get(c, ())) for c in sorted(set(a) | set(b))
            if a.get(c, ()) != b.get(c, ())]


def diff_target(store: Store, before: StoredTarget | None, after: StoredTarget | None) -> TargetDiff:
    target = (after or before).target  # type: ignore[union-attr]
    if before is None or after is None:
        return TargetDiff(target, before, after)
    new, fixed, changed = compare_findings(_active(store.findings(before.id)),
                                           _active(store.findings(after.id)))
    licenses = compare_licenses(store.licenses(before.id), store.licenses(after.id))
    return TargetDiff(target, before, after, tuple(new), tuple(fixed), tuple(changed),
                      tuple(licenses))


def diff_runs(store: Store, run_a: int, run_b: int) -> Iterator[TargetDiff]:
    """Per target, in run B's order, then the targets only run A holds."""
    rows = store.query("SELECT b.id, a.id FROM targets b LEFT JOIN targets a "
                       "ON a.target = b.target AND a.run_id = ? WHERE b.run_id = ? "
                       "ORDER BY b.position, b.id", (run_a, run_b))
    by_id = _loader(store)
    for b_id, a_id in rows:
        yield diff_target(store, by_id(a_id) if a_id is not None else None, by_id(b_id))
    gone = store.query("SELECT a.id FROM targets a WHERE a.run_id = ? AND NOT EXISTS "
                       "(SELECT 1 FROM targets b WHERE b.run_id = ? AND b.target = a.target) "
                       "ORDER BY a.position, a.id", (run_a, run_b))
    for (a_id,) in gone:
        yield diff_target(store, by_id(a_id), None)


def _loader(store: Store) -> Any:
    return store.target


class DiffTotals(NamedTuple):
    compared: int
    added: int
    removed: int
    new: int
    fixed: int
    changed: int
    license_changes: int
    new_commits: int

    @property
    def anything(self) -> bool:
        return any(self[1:])


def totals(diffs: Iterable[TargetDiff]) -> DiffTotals:
    counts = [0] * 8
    for d in diffs:
        if d.before is None:
            counts[1] += 1
            continue
        if d.after is None:
            counts[2] += 1
            continue
        counts[0] += 1
        counts[3] += len(d.new)
        counts[4] += len(d.fixed)
        counts[5] += len(d.changed)
        counts[6] += len(d.licenses)
        counts[7] += int(d.new_commit)
    return DiffTotals(*counts)


# -- rendering ----------------------------------------------------------------------------------

def _where(f: Finding) -> str:
    if f.path is None:
        return "(repository)"
    return f"{f.path}:{f.line}" if f.line else f.path


def _short(revision: str | None) -> str:
    return revision[:12] if revision else "-"


def _licenses(values: tuple[str, ...]) -> str:
    return ", ".join(values) if values else "(none)"


def render_diff_text(store: Store, a: RunInfo, b: RunInfo, out: Any, clean: Any) -> DiffTotals:
    """Write the diff of two runs; returns the totals. ``clean`` makes target text printable."""
    out.write(f"audit diff: run {a.id} ({a.started}) -> run {b.id} ({b.started})\n")

    def shown(diffs: Iterable[TargetDiff]) -> Iterator[TargetDiff]:
        for d in diffs:
            yield d
            if d.empty:
                continue
            out.write(f"\n{clean(d.target)}\n")
            if d.before is None:
                out.write(f"  added in run {b.id}\n")
                continue
            if d.after is None:
                out.write(f"  not in run {b.id}\n")
                continue
            if d.new_commit:
                out.write(f"  new commit: {_short(d.before.revision)} -> {_short(d.after.revision)}\n")
            if d.status_changed:
                out.write(f"  status: {d.before.status} -> {d.after.status}\n")
            for lc in d.licenses:
                out.write(f"  license {lc.component}: {clean(_licenses(lc.before))} -> "
                          f"{clean(_licenses(lc.after))}\n")
            for f in d.new:
                out.write(f"  + {f.code} {f.severity.value} {clean(_where(f))}: {clean(f.message)}\n")
            for f in d.fixed:
                out.write(f"  - {f.code} {f.severity.value} {clean(_where(f))}: {clean(f.message)}\n")
            for c in d.changed:
                severity = (c.after.severity.value if c.before.severity == c.after.severity
                            else f"{c.before.severity.value}->{c.after.severity.value}")
                out.write(f"  ~ {c.after.code} {severity} {clean(_where(c.after))}: "
                          f"{clean(c.after.message)}\n")
                if c.before.message != c.after.message:
                    out.write(f"      was: {clean(c.before.message)}\n")

    t = totals(shown(diff_runs(store, a.id, b.id)))
    out.write(f"\n{t.compared} targets compared, {t.added} added, {t.removed} removed: "
              f"{t.new} new, {t.fixed} fixed, {t.changed} changed findings; "
              f"{t.license_changes} license changes; {t.new_commits} new commits.\n")
    return t


def finding_json(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "severity": f.severity.value, "message": f.message, "path": f.path,
            "line": f.line}


def diff_json(store: Store, a: RunInfo, b: RunInfo) -> dict[str, Any]:
    targets = []

    def kept(diffs: Iterable[TargetDiff]) -> Iterator[TargetDiff]:
        for d in diffs:
            yield d
            if not d.empty:
                targets.append(_diff_entry(d))

    t = totals(kept(diff_runs(store, a.id, b.id)))
    return {"run_a": a.id, "run_b": b.id, "totals": t._asdict(), "targets": targets}


def _diff_entry(d: TargetDiff) -> dict[str, Any]:
    entry: dict[str, Any] = {"target": d.target,
                             "status": "added" if d.before is None
                             else "removed" if d.after is None else "compared"}
    if d.before is not None and d.after is not None:
        entry.update({
            "commit": {"before": d.before.revision, "after": d.after.revision,
                       "new": d.new_commit},
            "licenses": [{"component": lc.component, "before": list(lc.before),
                          "after": list(lc.after)} for lc in d.licenses],
            "new": [finding_json(f) for f in d.new],
            "fixed": [finding_json(f) for f in d.fixed],
            "changed": [{"before": finding_json(c.before), "after": finding_json(c.after)}
                        for c in d.changed],
        })
    return entry


def history_rows(store: Store, target: str) -> list[tuple[RunInfo, StoredTarget, list[LicenseRow]]]:
    runs = {r.id: r for r in store.runs()}
    return [(runs[s.run_id], s, store.licenses(s.id)) for s in store.target_history(target)]


def _license_text(rows: list[LicenseRow]) -> str:
    per: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if not any(e.startswith(FALLBACK) for e in r.evidence):
            per[r.component].append(r.license)
    return "; ".join(f"{c}: {', '.join(sorted(v))}" for c, v in sorted(per.items())) or "(none)"


def render_history_text(store: Store, target: str, out: Any, clean: Any) -> int:
    rows = history_rows(store, target)
    if not rows:
        return 0
    out.write(f"history of {clean(target)}: {len(rows)} run(s)\n\n")
    header = ("run", "date", "commit", "error", "warning", "info", "licenses")
    table = [header]
    previous = None
    notes: list[str] = []
    for run, stored, licenses in rows:
        table.append((str(run.id), run.started, _short(stored.revision), str(stored.errors),
                      str(stored.warnings), str(stored.infos), clean(_license_text(licenses))))
        if previous is not None:
            d = diff_target(store, previous, stored)
            changes = []
            if d.new_commit:
                changes.append(f"new commit {_short(stored.revision)}")
            changes.extend(f"{lc.component} license {_licenses(lc.before)} -> {_licenses(lc.after)}"
                           for lc in d.licenses)
            if d.new:
                changes.append(f"{len(d.new)} new finding(s) ({', '.join(sorted({f.code for f in d.new}))})")
            if d.fixed:
                changes.append(f"{len(d.fixed)} fixed ({', '.join(sorted({f.code for f in d.fixed}))})")
            if d.changed:
                changes.append(f"{len(d.changed)} changed")
            if changes:
                notes.append(f"run {run.id}: " + "; ".join(clean(c) for c in changes))
        previous = stored
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    for row in table:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True))
                  + "  " + row[-1] + "\n")
    if notes:
        out.write("\nchanges:\n" + "".join(f"  {n}\n" for n in notes))
    return len(rows)


def history_json(store: Store, target: str) -> dict[str, Any]:
    entries = []
    for run, stored, licenses in history_rows(store, target):
        entries.append({
            "run": run.id, "started": run.started, "target": stored.target,
            "revision": stored.revision, "status": stored.status, "declared": stored.declared,
            "counts": {"error": stored.errors, "warning": stored.warnings, "info": stored.infos},
            "licenses": [{"component": r.component, "license": r.license,
                          "evidence": list(r.evidence)} for r in licenses],
            "findings": [finding_json(f) for f in _active(store.findings(stored.id))],
        })
    return {"target": target, "runs": entries}
