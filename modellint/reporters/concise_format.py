"""``path:line: CODE severity message``, one finding per line, for editors and grep."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from modellint.model import Report
from modellint.printable import shown
from modellint.registry import Rule
from modellint.reporters import commits, display_path


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    # What was linted, when it was a commit: one `# TARGET @ COMMIT` line each, clean runs too
    # (a finding line never starts with '#').
    for target, commit in commits(report):
        out.write(f"# {shown(target)} @ {shown(commit)}\n")
    for f in report.active():
        where = display_path(f) + (f":{f.line}" if f.line else "")
        # A newline in a target's value must not forge another finding line.
        out.write(f"{shown(where)}: {f.code} {f.severity.value} {shown(f.message)}\n")
