"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from modellint.model import Report, Severity
from modellint.printable import shown
from modellint.registry import Rule
from modellint.reporters import commits, display_path

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    # Escaped first (no raw newline can start a `::add-mask::` or `::error` command, no escape
    # sequence reaches the log), then encoded as the workflow command syntax requires.
    return shown(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    # A repository-level finding is anchored where SARIF anchors it (the card, else the root
    # license file: see runner._anchor), line 1, so GitHub shows it on a file of the pull request
    # rather than only in the run's summary; its title names the target it is about. Hub
    # targets' files are not in the checkout: their annotations name the file in the title alone.
    anchors = {t.target: t.anchor for t in report.targets}
    local = {t.target for t in report.targets if t.kind in ("local", "git")}
    # "." says nothing in a CI log: the repository's own name does (its Hub id, else its folder's).
    names = {t.target: t.repo_id or t.name or t.target if t.target in ("", ".", "./")
             else t.target for t in report.targets}
    for f in report.active():
        props = []
        path = f.path or (anchors.get(f.target) if f.target in local else None)
        if path:
            props.append(f"file={_prop(display_path(f._replace(path=path)))}")
            props.append(f"line={f.line or 1}")
        title = f"{f.code} {f.name}"
        if f.path is None:
            title += f" ({names.get(f.target, f.target)})"
        props.append(f"title={_prop(title)}")
        out.write(f"::{_LEVEL[f.severity]} {','.join(props)}::{_data(f.message)}\n")
    for target, commit in commits(report):  # clean runs too: the log says what was linted
        out.write(f"::notice title=modellint::{_data(f'{target} linted at commit {commit}')}\n")
    for err in report.errors:
        message = f"{err.target}: {err.message}" if err.target else err.message
        out.write(f"::error title=modellint::{_data(message)}\n")
