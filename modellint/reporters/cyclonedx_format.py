"""CycloneDX ML-BOM (JSON): the document is built in modellint/export/cyclonedx.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from modellint.model import Report
from modellint.registry import Rule


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False,
           version: str = "1.7") -> None:
    from modellint.export.cyclonedx import bom_json

    out.write(bom_json(report, version))
    out.write("\n")


def render_1_6(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    render(report, rules, out, color=color, version="1.6")
