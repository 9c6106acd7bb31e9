"""Readable output grouped by target and file, with a summary line; colour only on a terminal."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby
from typing import TextIO

from modellint.model import Report, Severity
from modellint.registry import Rule

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    active = report.active()
    infos = {t.target: t for t in report.targets}
    many = len(report.targets) > 1
    for target, in_target in groupby(active, key=lambda f: f.target):
        info = infos.get(target)
        if many or (info and info.revision):
            rev = f" @ {info.revision}" if info and info.revision else ""
            out.write(_paint(f"{target}{rev}", "1", color) + "\n")
        for path, group in groupby(in_target, key=lambda f: f.path):
            out.write(_paint(path or "(repository)", "1;4", color) + "\n")
            for f in group:
                line = f"{f.line:>4}" if f.line else "    "
                sev = _paint(f"{f.severity.value:<7}", _COLORS[f.severity], color)
                out.write(f"  {line}  {f.code} {sev} {f.message}  [{f.name}]\n")
        out.write("\n")
    counts = report.counts()
    total = sum(counts.values())
    scanned = _plural(len(report.targets), "target")
    if total:
        parts = ", ".join(_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s])
        summary = f"Found {_plural(total, 'problem')} ({parts}) in {scanned}."
    elif not report.targets and report.errors:
        summary = "Nothing was linted."
    else:
        summary = f"No problems found in {scanned}."
    suppressed = len(report.suppressed())
    if suppressed:
        summary += f" {suppressed} suppressed."
    if report.errors:
        summary += f" {_plural(len(report.errors), 'error')} stopped part of the run (on stderr)."
    out.write(_paint(summary, "1", color) + "\n")
