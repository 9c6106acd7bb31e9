"""The layout of a canonical license text, recorded when its fingerprint is built.

A faithful copy of a license may leave out its title, fill in or drop its copyright line and
placeholders, and drop an appendix that only explains how to apply it; none of that changes the
terms. Headings let a removed section be named; the places where the license names itself tell a
sibling (the same template under another name) from an edited copy. Only token positions and the
headings' first few words are kept, never the text.

These patterns run on reference texts when fingerprints are built, not on scanned files; they are
linear all the same (no nested quantifiers, bounded repeats).
"""

from __future__ import annotations

import re

from modellint.identify import canonical
from modellint.identify.canonical import Layout
from modellint.identify.tokens import GENERIC, Tokens, normalise_phrase

HEADING_WORDS = 8  # a heading longer than this is a sentence, not a heading
TITLE_TOKENS = 40  # the optional title block at the start is at most this long
_TITLE_LINE_TOKENS = 12

COPYRIGHT_LINE = re.compile(canonical.COPYRIGHT_LINE, re.I)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_PLACEHOLDER = re.compile(r"<[^<>\n]{1,60}>|\[[^\[\]\n]{1,60}\]|\{[^{}\n]{1,60}\}")
_APPENDIX = re.compile(r"^[ \t#*]{0,40}(?:(?:appendix[:.]?\s{0,4})?how to apply\b|exhibit a\b)", re.I)
# Creative Commons texts wrap the legal code in notes that are not part of it: the "not a law
# firm" disclaimer (and, for 4.0, the considerations) before it, the "Creative Commons Notice"
# after it. Copies often leave them out.
_CC_HEAD_END = re.compile(r"^[ \t]{0,40}(?:(?:creative commons )?(?:[a-z-]{1,40} ){0,6}"
                          r"[0-9.]{1,4} (?:international |unported )?(?:public )?licen[cs]e"
                          r"|license)[ \t]{0,10}$", re.I)
_CC_LAW_FIRM = re.compile(r"is not a law firm", re.I)
_CC_TAIL = re.compile(r"^[ \t#*]{0,40}(?:creative commons notice\b|creative commons is not a "
                      r"party to)", re.I)
_END_OF_TERMS = re.compile(r"^[ \t#*]{0,40}end of terms and conditions\b", re.I)
_NUMBERED = re.compile(
    r"^[ \t#*>-]{0,40}((?:section|article)\s{1,4})?((?:\d{1,2}(?:\.\d{1,2}){0,2}|[ivx]{1,5}|[a-z])[.)]"
    r"|\d{1,2}\s)\s{0,4}([^\n]{1,200})", re.I)
def layout_of(text: str, tokens: Tokens, names: tuple[str, ...] = ()) -> Layout:
    """Optional ranges, headings and self-name positions of a canonical text."""
    lines = _lines(text)
    optional: list[tuple[int, int]] = []
    headings: list[tuple[int, str]] = []
    title_end = _title_end(text, tokens)
    appendix_from = None
    for k, (start, end, line) in enumerate(lines):
        first, last = _token_span(tokens, start, end)
        if first > last:
            continue
        if COPYRIGHT_LINE.match(line):
            optional.append((first, last))
        if appendix_from is None and _APPENDIX.match(line):
            appendix_from = first
            previous = next((lines[j] for j in range(k - 1, -1, -1) if lines[j][2].strip()), None)
            if previous and _END_OF_TERMS.match(previous[2]):
                appendix_from = _token_span(tokens, previous[0], previous[1])[0]
        heading = _heading(line)
        if heading:
            headings.append((first, heading))
    if title_end >= 0:
        optional.append((0, title_end))
    optional += _cc_notes(text, lines, tokens)
    if appendix_from is not None:
        optional.append((appendix_from, len(tokens) - 1))
    for m in _PLACEHOLDER.finditer(text):
        first, last = _token_span(tokens, m.start(), m.end())
        if first <= last:
            optional.append((first, last))
    optional += _holder_slots(tokens.words)
    return Layout(len(tokens), tuple(_merge(optional)), tuple(headings),
                  tuple(name_positions(tokens.words, names)))


def _cc_notes(text: str, lines: list[tuple[int, int, str]], tokens: Tokens
              ) -> list[tuple[int, int]]:
    """Token ranges of a Creative Commons text's notes around its legal code."""
    out = []
    law_firm = _CC_LAW_FIRM.search(text)
    if law_firm and law_firm.start() < len(text) // 3:
        for start, _end, line in lines:
            if start > law_firm.start() and _CC_HEAD_END.match(line):
                out.append((0, _token_span(tokens, start, start)[0] - 1))
                break
    for start, _end, line in lines:
        if start > len(text) // 2 and _CC_TAIL.match(line):
            out.append((_token_span(tokens, start, start + 1)[0], len(tokens) - 1))
            break
    return [r for r in out if r[0] <= r[1]]


def _title_end(text: str, tokens: Tokens) -> int:
    """The last token of the title block: the leading paragraphs of at most a few words each."""
    end = -1
    start = 0
    for gap in [*_BLANK_LINE.finditer(text), None]:
        stop = gap.start() if gap else len(text)
        first, last = _token_span(tokens, start, stop)
        start = gap.end() if gap else stop
        if first > last:
            continue
        if last - first + 1 > _TITLE_LINE_TOKENS or last >= TITLE_TOKENS:
            break
        end = last
    return end


# Who the license names as the rights holder is a blank its users fill in ("Neither the name of
# the copyright holder nor ..." becomes "Neither the name of NVIDIA CORPORATION nor ..."), as the
# SPDX templates of BSD-style licenses say.
_HOLDER_SLOTS = (("the", "copyright", "holders", "and", "contributors"),
                 ("the", "copyright", "holder", "or", "contributors"),
                 ("copyright", "holders", "and", "contributors"),
                 ("copyright", "holder", "or", "contributors"),
                 ("the", "copyright", "holders"), ("the", "copyright", "holder"),
                 ("the", "copyright", "owner"), ("copyright", "holders"), ("copyright", "holder"),
                 ("copyright", "owner"), ("the", "regents"), ("the", "authors"), ("the", "author"),
                 ("the", "organization"), ("organization",), ("the", "university"))


def _holder_slots(words: list[str]) -> list[tuple[int, int]]:
    out = []
    i = 0
    while i < len(words):
        for slot in _HOLDER_SLOTS:
            if tuple(words[i:i + len(slot)]) == slot:
                # "the name of <holder>": the "of" goes with the blank ("the name Facebook").
                named = i >= 2 and words[i - 2:i] == ["name", "of"]
                out.append((i - 1 if named else i, i + len(slot) - 1))
                i += len(slot) - 1
                break
        i += 1
    return out


def name_positions(words: list[str], names: tuple[str, ...]) -> list[int]:
    """Token positions where one of ``names`` (its distinctive words) occurs in ``words``."""
    cores: set[tuple[str, ...]] = set()
    for name in names:
        parts = normalise_phrase(name).split()
        # Versions and shared words are not the name: "Creative Commons Attribution 4.0" has
        # none of its own (CC siblings differ by clauses), "ChatGLM-6B License" has "chatglm 6b".
        while parts and (parts[0] in GENERIC or parts[0].isdigit()):
            parts.pop(0)
        while parts and (parts[-1] in GENERIC or parts[-1].isdigit()):
            parts.pop()
        if parts and any(p not in GENERIC and not p.isdigit() and len(p) > 1 for p in parts):
            cores.add(tuple(parts))
            if len(parts[0]) >= 4 and not parts[0].isdigit():
                cores.add((parts[0],))
    found: set[int] = set()
    for core in cores:
        n = len(core)
        for i in range(len(words) - n + 1):
            if words[i] == core[0] and tuple(words[i:i + n]) == core:
                found.update(range(i, i + n))
    return sorted(found)


def _heading(line: str) -> str | None:
    stripped = line.strip().lstrip("#*>- \t").rstrip("*: \t")
    if not stripped:
        return None
    m = _NUMBERED.match(line)
    if m:
        body = m.group(3).strip().lstrip("*_ ").rstrip("*_ ")
        head = body.split(". ", 1)[0].rstrip(".:*_ ")
        words = head.split()
        if 0 < len(words) <= HEADING_WORDS and any(c.isalpha() for c in head):
            number = (m.group(1) or "") + m.group(2).strip()
            return f"{number} {head}".strip()
        return None
    words = stripped.split()
    letters = [c for c in stripped if c.isalpha()]
    if 0 < len(words) <= HEADING_WORDS and letters and all(c.isupper() for c in letters):
        return stripped
    return None


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    start = 0
    for line in text.split("\n"):
        out.append((start, start + len(line), line))
        start += len(line) + 1
    return out


def _token_span(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    from bisect import bisect_left, bisect_right

    return bisect_left(tokens.ends, start + 1), bisect_right(tokens.starts, end - 1) - 1


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
