"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from modellint.model import Report, Severity
from modellint.printable import shown
from modellint.registry import Rule
from modellint.reporters import display_path

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    # Escaped first (no raw newline can start a `::add-mask::` or `::error` command, no escape
    # sequence reaches the log), then encoded as the workflow command syntax requires.
    return shown(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    for f in report.active():
        props = []
        if f.path:
            props.append(f"file={_prop(display_path(f))}")
            if f.line:
                props.append(f"line={f.line}")
        props.append(f"title={_prop(f'{f.code} {f.name}')}")
        out.write(f"::{_LEVEL[f.severity]} {','.join(props)}::{_data(f.message)}\n")
    for err in report.errors:
        out.write(f"::error title=modellint::{_data(err.message)}\n")
