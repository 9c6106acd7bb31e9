"""SPDX 3.0.1 AI-BOM (JSON-LD): the document is built in modellint/export/spdx3.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from modellint.model import Report
from modellint.registry import Rule


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    from modellint.export.spdx3 import spdx_json

    out.write(spdx_json(report))
    out.write("\n")
