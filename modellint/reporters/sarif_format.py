"""SARIF 2.1.0 for code scanning: rule metadata and docs from the specs, stable fingerprints."""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from modellint import __version__
from modellint.model import Finding, Report, Severity
from modellint.registry import Rule
from modellint.reporters._json import dump_indented

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_markdown(rule: Rule) -> str:
    docs = rule.docs
    parts = []
    for key, title in (("what", "What it does"), ("why", "Why it matters"),
                       ("example", "Example"), ("fix", "How to fix")):
        text = str(docs.get(key, "")).strip()
        if text:
            parts.append(f"## {title}\n\n{text}")
    refs = rule.references
    if refs:
        parts.append("## References\n\n" + "\n".join(f"- <{r}>" for r in refs))
    return "\n\n".join(parts)


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    desc: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": str(rule.docs.get("what", rule.summary)).strip()},
        "help": {"text": str(rule.docs.get("fix", rule.summary)).strip(),
                 "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["license-compliance"]},
    }
    if rule.references:
        desc["helpUri"] = rule.references[0]
    return desc


def fingerprint(f: Finding) -> str:
    """Stable across runs and line moves: code, target, path and message only."""
    key = "\x1f".join((f.code, f.target, f.path or "", f.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _artifact(target: str, path: str, local: bool) -> dict[str, Any]:
    """Code scanning wants paths from the repository root: prefix a local target's folder.
    A SARIF uri is a URI reference: a name's spaces, '#', '%', '?' and non-ASCII characters
    are percent-encoded (as UTF-8), or '#x' would be read as a fragment."""
    if not local or target in ("", ".", "./"):
        return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}
    folder = PurePosixPath(target.replace(os.sep, "/"))
    if folder.is_absolute():  # upload-sarif makes absolute file URIs relative to the checkout
        return {"uri": Path(target, path).resolve().as_uri()}  # as_uri percent-encodes
    return {"uri": quote(posixpath.normpath(str(folder / path)), safe="/"),
            "uriBaseId": "%SRCROOT%"}


def _result(f: Finding, index: dict[str, int], anchors: Mapping[str, str | None],
            local: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "partialFingerprints": {"modellint/v1": fingerprint(f)},
        "properties": {"target": f.target, "name": f.name},
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    path = f.path or anchors.get(f.target)
    if path:
        physical: dict[str, Any] = {"artifactLocation": _artifact(f.target, path, local)}
        physical["region"] = {"startLine": f.line or 1}
        result["locations"] = [{"physicalLocation": physical}]
        if f.path is None:
            result["properties"]["repositoryLevel"] = True
    if f.suppressed_by is not None:
        result["suppressions"] = [{
            "kind": "inSource" if f.suppressed_by == "card" else "external",
            "status": "accepted",
            "justification": f.suppression_reason or f.suppressed_by,
        }]
    return result


def report_sarif(report: Report, rules: Mapping[str, Rule]) -> dict[str, Any]:
    used = sorted({f.code for f in report.findings})
    descriptors = [_rule_descriptor(rules[c]) for c in sorted(rules)]
    index = {c: i for i, c in enumerate(sorted(rules))}
    for code in used:  # a finding from a rule outside the table still gets a descriptor
        if code not in index:
            index[code] = len(descriptors)
            descriptors.append({"id": code})
    anchors = {t.target: t.anchor for t in report.targets}
    local = {t.target for t in report.targets if t.kind in ("local", "git")}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "modellint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": "https://pypi.org/project/modellint/",
            "rules": descriptors,
        }},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The scanned repository"}}},
        "results": [_result(f, index, anchors, f.target in local) for f in report.findings],
        "invocations": [{
            "executionSuccessful": not report.errors,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": e.message},
                 "properties": {"kind": e.kind, "target": e.target}}
                for e in report.errors
            ],
        }],
        "properties": {"targets": [
            {"target": t.target, "kind": t.kind, "origin": t.origin, "revision": t.revision}
            for t in report.targets
        ]},
    }
    revs = [t for t in report.targets if t.revision and t.kind in ("hf", "hf-cache")]
    if revs:
        run["versionControlProvenance"] = [
            {"repositoryUri": t.origin, "revisionId": t.revision} for t in revs
        ]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report, rules: Mapping[str, Rule], out: TextIO, *, color: bool = False) -> None:
    dump_indented(report_sarif(report, rules), out, indent=2)
    out.write("\n")
