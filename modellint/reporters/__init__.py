"""Reporters turn a Report into text. They format; they never decide anything."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Protocol, TextIO

from modellint.model import Finding, Report
from modellint.registry import Rule

FORMATS = ("text", "concise", "json", "sarif", "github", "summary", "cyclonedx", "cyclonedx-1.7",
           "cyclonedx-1.6", "spdx3", "openness")
# Format name -> (module, function) where they are not `<name>_format.render`.
_RENDERERS = {"cyclonedx-1.7": ("cyclonedx", "render"), "cyclonedx-1.6": ("cyclonedx", "render_1_6")}


class Render(Protocol):
    def __call__(self, report: Report, rules: Mapping[str, Rule], out: TextIO, *,
                 color: bool = False) -> None: ...


def get(fmt: str) -> Render:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    name, function = _RENDERERS.get(fmt, (fmt, "render"))
    module = importlib.import_module(f"modellint.reporters.{name}_format")
    return getattr(module, function)  # type: ignore[no-any-return]


def commits(report: Report) -> list[tuple[str, str]]:
    """(target, resolved commit) for each target read at a commit (a Hub repository, a cache
    snapshot, a git revision); not the git index, not a working tree."""
    return [(t.target, t.revision) for t in report.targets
            if t.revision and t.revision != "index"]


def display_path(finding: Finding) -> str:
    """A path a person can open: the finding's path under its target (repo-level: the target)."""
    base = finding.target
    if base in (".", "./", ""):
        return finding.path or "."
    sep = "" if base.endswith("/") else "/"
    return f"{base}{sep}{finding.path}" if finding.path else base
