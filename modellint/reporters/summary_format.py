"""One line per target (license, findings by severity), for audits of many models.

Rows follow the targets in the order they were asked for (``Report.requested``); a target that
failed before it could be scanned shows dashes, and its error is listed under the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from modellint.model import Report, TargetInfo
from modellint.printable import shown
from modellint.registry import Rule

HEADER = ("target", "license", "error", "warning", "info")
TARGET_WIDTH, LICENSE_WIDTH = 60, 30


def license_cell(info: TargetInfo | None) -> str:
    """The card's license as written; ``-`` for a target that was not scanned."""
    if info is None:
        return "-"
    if info.card_license is None:
        return "(no card)"
    return ", ".join(info.card_license) or "(none)"


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    infos = {t.target: t for t in report.targets}
    requested = report.requested or [t.target for t in report.targets]
    table = [HEADER]
    failed: list[tuple[str, str]] = []
    clean = 0
    for target in requested:
        info = infos.get(target)
        if info is None:
            error = next((e.message for e in report.errors if e.target == target), "not scanned")
            failed.append((target, error))
            table.append((target, "-", "-", "-", "-"))
            continue
        counts = report.counts(target)
        clean += not any(counts.values())
        # hf://org/name@commit is how a target names a revision (12 hex digits: unambiguous).
        at = f"@{info.revision[:12]}" if info.revision and info.revision != "index" else ""
        table.append((target + at, license_cell(info), str(counts["error"]), str(counts["warning"]),
                      str(counts["info"])))
    tw = min(max(len(shown(row[0])) for row in table), TARGET_WIDTH)
    lw = min(max(len(shown(row[1])) for row in table), LICENSE_WIDTH)
    for row in table:
        out.write(f"{_cut(shown(row[0]), tw):<{tw}}  {_cut(shown(row[1]), lw):<{lw}}  "
                  f"{row[2]:>5}  {row[3]:>7}  {row[4]:>4}\n")
    out.write(f"\n{len(requested)} targets: {clean} clean, "
              f"{len(requested) - clean - len(failed)} with findings, {len(failed)} failed.\n")
    for target, error in failed:
        out.write(f"failed: {shown(target)}: {shown(error)}\n")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
