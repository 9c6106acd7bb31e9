"""Versioned JSON report; the schema is modellint/schemas/report.schema.json."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from modellint import __version__
from modellint.facts.picture import evidence_json
from modellint.model import Finding, Report, TargetInfo
from modellint.registry import Rule
from modellint.reporters._json import Raw, dump_indented, encode_basestring, flat_text, indented, scalar_text

SCHEMA_VERSION = 1
ITEM_LEVEL = 2  # where a target or a finding sits: {"targets": [ {...} ]}


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity.value,
        "message": f.message,
        "path": f.path,
        "line": f.line,
        "target": f.target,
        "data": dict(f.data),
        "suppressed": None if f.suppressed_by is None
        else {"by": f.suppressed_by, "reason": f.suppression_reason},
    }


def target_json(t: TargetInfo) -> dict[str, Any]:
    return {"target": t.target, "kind": t.kind, "origin": t.origin, "revision": t.revision,
            "name": t.name, "repo_id": t.repo_id, "repo_type": t.repo_type or "model",
            "licenses": t.licenses.to_json() if t.licenses is not None else None}


def target_pieces(info: TargetInfo | None, findings: Iterable[Finding]) -> tuple[str, ...]:
    """One target's entry (empty when it could not be opened) and its findings' entries, as the
    report writes them: an audit's workers render these in parallel (``prerender``)."""
    head = (indented(_target_entry(info), ITEM_LEVEL, default=str),) if info is not None else ()
    return head + tuple(map(_finding_text, findings))


def _finding_text(f: Finding) -> str:
    """``indented(finding_json(f), ITEM_LEVEL)``: its scalars by one call of the C encoder, then
    its two containers, which come last."""
    entry = finding_json(f)
    data, suppressed = entry.pop("data"), entry.pop("suppressed")
    head = flat_text(entry, ITEM_LEVEL)
    if head is None:
        return indented(finding_json(f), ITEM_LEVEL, default=str)
    inner = "\n" + " " * (2 * ITEM_LEVEL + 2)
    close = "\n" + " " * (2 * ITEM_LEVEL) + "}"
    return Raw(head[:-len(close)] + "," + inner + '"data": ' + _value_text(data, ITEM_LEVEL + 1)
               + "," + inner + '"suppressed": ' + _value_text(suppressed, ITEM_LEVEL + 1) + close)


def _value_text(value: Any, level: int) -> str:
    if not value and type(value) is dict:
        return "{}"
    return scalar_text(value) or flat_text(value, level) or indented(value, level, default=str)


def _target_entry(t: TargetInfo) -> dict[str, Any]:
    """``target_json(t)`` with its license picture already written where it goes."""
    entry = target_json(t._replace(licenses=None))
    if t.licenses is not None:
        entry["licenses"] = picture_text(t.licenses, ITEM_LEVEL + 1)
    return entry


def picture_text(picture: Any, level: int) -> Raw:
    """The text ``indented(picture.to_json(), level)`` gives, written from the picture itself:
    the block is most of a report, and each piece of evidence, listed under every part it speaks
    for, is written once (tests/test_json_writer.py holds the two to the same bytes)."""
    newline = ["\n" + " " * (2 * n) for n in range(level, level + 6)]  # at level + k
    written: dict[tuple[int, int], str] = {}

    def text_of(value: Any, k: int) -> str:
        """A value at level + k."""
        text = scalar_text(value)
        if text is not None:
            return text
        if type(value) is list and not value:
            return "[]"
        if type(value) is list and all(type(v) is str for v in value):
            inner = newline[k + 1]
            return "[" + inner + ("," + inner).join(map(encode_basestring, value)) + newline[k] + "]"
        return indented(value, level + k, default=str)

    def listed(items: Iterable[Any], k: int) -> str:
        """A list of evidence at level + k."""
        texts = []
        for e in items:
            text = written.get((id(e), k))
            if text is None:
                entry = evidence_json(e)
                text = written[(id(e), k)] = (flat_text(entry, level + k + 1)
                                              or indented(entry, level + k + 1, default=str))
            texts.append(text)
        if not texts:
            return "[]"
        return "[" + newline[k + 1] + ("," + newline[k + 1]).join(texts) + newline[k] + "]"

    def item(key: str, value: str, k: int, first: bool = False) -> str:
        return ("" if first else ",") + newline[k] + encode_basestring(key) + ": " + value

    parts: list[str] = []
    for name, terms in picture.components.items():
        fields = (item("licenses", text_of(list(terms.ids), 3), 3, True)
                  + item("fallback", text_of(terms.fallback, 3), 3)
                  + item("evidence", listed(terms.evidence, 3), 3))
        parts.append(item(name, "{" + fields + newline[2] + "}", 2, not parts))
    components = "{" + "".join(parts) + newline[1] + "}" if parts else "{}"
    conflicts = [
        "{" + item("kind", text_of(c.kind, 3), 3, True)
        + item("component", text_of(c.component, 3), 3)
        + item("evidence", listed(c.evidence, 3), 3)
        + item("against", listed(c.against, 3), 3) + newline[2] + "}"
        for c in picture.conflicts]
    conflict_list = ("[" + newline[2] + ("," + newline[2]).join(conflicts) + newline[1] + "]"
                     if conflicts else "[]")
    return Raw("{" + item("components", components, 1, True)
               + item("inherited", listed(picture.inherited, 1), 1)
               + item("conflicts", conflict_list, 1)
               + item("evidence", listed((e for e in picture.evidence if e.kind != "base-model"), 1), 1)
               + newline[0] + "}")


def report_json(report: Report) -> dict[str, Any]:
    counts = report.counts()
    ready = report.rendered  # id of a target or finding -> its entry, rendered by a worker

    def target(t: TargetInfo) -> Any:
        text = ready.get(id(t)) if ready else None
        return Raw(text) if text is not None else target_json(t)

    def finding(f: Finding) -> Any:
        text = ready.get(id(f)) if ready else None
        return Raw(text) if text is not None else finding_json(f)

    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "modellint", "version": __version__},
        "targets": [target(t) for t in report.targets],
        "summary": {**counts, "suppressed": len(report.suppressed()), "errors": len(report.errors)},
        "findings": [finding(f) for f in report.findings],
        "errors": [
            {"kind": e.kind, "message": e.message, "target": e.target, "code": e.code}
            for e in report.errors
        ],
    }


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    dump_indented(report_json(report), out, indent=2, default=str)
    out.write("\n")
