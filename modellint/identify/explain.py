"""Identification results for people: which license a file holds, how sure, by which method, and
what differs from the canonical text (``modellint identify``, ML204's data)."""

from __future__ import annotations

from typing import Any

from modellint.identify import Change, IdentifiedLicense

PASSAGE_CHARS = 160  # a passage quoted in a message is cut to this many characters

_SURE = {"spdx-tag": "an SPDX-License-Identifier tag", "fingerprint": "the full text",
         "detector": "an SPDX template (licenseclassifier)", "phrase": "phrases of the text",
         "mention": "the license's name in the text", "filename": "the file's name"}
_KIND_MARK = {"added": "+", "removed": "-", "changed": "~"}


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def quote(text: str, c: Change) -> str:
    """A file's passage for a message: one line, printable, cut to PASSAGE_CHARS, in quotes."""
    passage = " ".join(text[c.start:c.end].split())
    passage = "".join(ch if ch.isprintable() else "?" for ch in passage)
    if len(passage) > PASSAGE_CHARS:
        passage = passage[:PASSAGE_CHARS - 1].rstrip() + "…"
    return f'"{passage}"'


def change_data(text: str, c: Change) -> dict[str, Any]:
    """A change as reports carry it: kind, lines, the file's passage, what it removed."""
    out: dict[str, Any] = {"kind": c.kind, "line": line_of(text, c.start),
                           "end_line": line_of(text, c.end), "words": c.words,
                           "removed_words": c.removed_words}
    if c.kind != "removed":
        out["passage"] = quote(text, c)[1:-1]
    if c.sections:
        out["sections"] = list(c.sections)
    if c.restrictions:
        out["restrictions"] = list(c.restrictions)
    if c.renames:
        out["renames"] = True
    return out


def verdict(lic: IdentifiedLicense) -> str:
    """exact | altered | renamed (a sibling under another name) | uncertain | found"""
    if any(c.renames for c in lic.changes):
        return "renamed"
    if lic.modified:
        return "altered"
    if lic.candidates and lic.confidence < 1.0:
        return "uncertain"
    if lic.method == "fingerprint" and lic.confidence == 1.0:
        return "exact"
    return "found"


def license_json(text: str | None, lic: IdentifiedLicense) -> dict[str, Any]:
    out: dict[str, Any] = {"id": lic.id, "name": _name(lic.id), "confidence": lic.confidence,
                           "method": lic.method, "verdict": verdict(lic)}
    if text is not None and lic.method != "filename":
        out["lines"] = [line_of(text, lic.start), line_of(text, max(lic.start, lic.end - 1))]
    if lic.candidates:
        out["candidates"] = list(lic.candidates)
    if lic.restrictions:
        out["restrictions"] = list(lic.restrictions)
    if text is not None and lic.changes:
        out["changes"] = [change_data(text, c) for c in lic.changes]
    return out


def describe(path: str, text: str | None, found: tuple[IdentifiedLicense, ...]) -> list[str]:
    """Lines saying what a file holds, for the terminal."""
    if not found:
        return [f"{path}: no license recognised"]
    lines = []
    for lic in found:
        name = _name(lic.id)
        head = f"{path}: {lic.id}" + (f" ({name})" if name else "")
        v = verdict(lic)
        sure = f"confidence {lic.confidence:.2f}, from {_SURE.get(lic.method, lic.method)}"
        where = ""
        if text is not None and lic.method != "filename":
            first, last = line_of(text, lic.start), line_of(text, max(lic.start, lic.end - 1))
            where = f", line {first}" if first == last else f", lines {first}-{last}"
        label = {"exact": "the license's text, unaltered", "altered": "altered",
                 "renamed": "its template under another name",
                 "uncertain": "not sure which", "found": ""}[v]
        lines.append(head + (f": {label}" if label else ""))
        lines.append(f"  {sure}{where}")
        others = [c for c in lic.candidates if c != lic.id]
        if others:
            lines.append(f"  may also be: {', '.join(others)}")
        if lic.restrictions:
            lines.append(f"  restrictions added: {', '.join(lic.restrictions)}")
        for c in lic.changes if text is not None else ():
            lines.append("  " + _change_line(text or "", c))
    return lines


def _change_line(text: str, c: Change) -> str:
    at = f"line {line_of(text, c.start)}"
    sections = ", ".join(f'"{s}"' for s in c.sections)
    if c.kind == "removed":
        what = f"section {sections}" if sections else "a passage"
        body = f"{what} removed ({c.removed_words} words)"
    elif c.kind == "added":
        body = f"added {quote(text, c)}"
    else:
        body = f"{quote(text, c)} replaces {c.removed_words} words" + (
            f" (section {sections})" if sections else "")
    tags = [k for k in c.restrictions] + (["renames the license"] if c.renames else [])
    return f"{_KIND_MARK[c.kind]} {at}: {body}" + (f" [{', '.join(tags)}]" if tags else "")


def _name(lid: str) -> str | None:
    from modellint.identify.names import knowledge_base

    kb = knowledge_base()
    lic = kb.resolve(lid) if kb is not None else None
    return lic.name if lic is not None else None
