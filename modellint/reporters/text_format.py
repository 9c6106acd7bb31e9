"""Readable output grouped by target and file, with a summary line; colour only on a terminal."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby
from typing import Any, TextIO

from modellint.model import Report, Severity
from modellint.printable import shown
from modellint.registry import Rule

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def picture_lines(picture: Any) -> list[str]:
    """One line per part the license picture speaks for: `weights: llama3.1 (card, LICENSE)`."""
    if picture is None:
        return []
    said: dict[str, list[str]] = {}  # "ids (sources)" -> the parts it describes
    dataset = getattr(picture, "kind", "model") == "dataset"
    for part in picture.parts:
        terms = picture.terms(part)
        main = part == ("data" if dataset else "weights")
        if part != "code" and not main and (terms.fallback or not terms.evidence):
            continue  # shown only where something speaks for them in particular
        ids = ", ".join(terms.ids) or "no license found"
        sources = ", ".join(dict.fromkeys(e.source for e in terms.evidence))
        said.setdefault(ids + (f" ({sources})" if sources else ""), []).append(part)
    lines = [f"{', '.join(parts)}: {text}" for text, parts in said.items()]
    for e in picture.inherited:
        lines.append(f"inherited: {e.id} ({e.source})")
    for e in picture.sources:
        lines.append(f"from sources: {e.id} ({e.source})")
    return lines


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False,
           quiet: bool = False) -> None:
    """``quiet`` (``-q``): only targets with findings, without their license lines, and no
    closing line; failures still go to stderr."""
    active = report.active()
    by_target = {t: list(group) for t, group in groupby(active, key=lambda f: f.target)}
    for info in report.targets:
        findings = by_target.pop(info.target, [])
        if quiet and not findings:
            continue
        rev = f" @ {info.revision}" if info.revision else ""
        out.write(_paint(shown(f"{info.target}{rev}"), "1", color) + "\n")
        for line in picture_lines(info.licenses) if not quiet else ():
            out.write(f"  {shown(line)}\n")
        _findings(findings, out, color)
    for leftover in by_target.values():  # findings of a target that has no info (not expected)
        _findings(leftover, out, color)
    if not quiet:
        _summary(report, out, color)


def _findings(findings: list[Any], out: TextIO, color: bool) -> None:
    for path, group in groupby(findings, key=lambda f: f.path):
        out.write(_paint(shown(path or "(repository)"), "1;4", color) + "\n")
        for f in group:
            line = f"{f.line:>4}" if f.line else "    "
            sev = _paint(f"{f.severity.value:<7}", _COLORS[f.severity], color)
            out.write(f"  {line}  {f.code} {sev} {shown(f.message)}  [{f.name}]\n")
    out.write("\n")


def _summary(report: Report, out: TextIO, color: bool) -> None:
    counts = report.counts()
    total = sum(counts.values())
    scanned = _plural(len(report.targets), "target")
    if total:
        parts = ", ".join(_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s])
        summary = f"Found {_plural(total, 'problem')} ({parts}) in {scanned}."
    elif not report.targets and report.errors:
        # "error" is a finding's severity in these lines; what stopped the run is a failure.
        summary = f"Nothing was linted: {_plural(len(report.errors), 'failure')} (on stderr)."
    else:
        summary = f"No problems found in {scanned}."
    suppressed = len(report.suppressed())
    if suppressed:
        summary += f" {suppressed} suppressed."
    if report.errors and report.targets:
        summary += (f" {_plural(len(report.errors), 'failure')} stopped part of the run "
                    "(on stderr).")
    out.write(_paint(summary, "1", color) + "\n")
