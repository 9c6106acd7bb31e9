"""License identification: which licenses a text holds, where, and how sure.

Methods, strongest first:
- ``spdx-tag``: an ``SPDX-License-Identifier:`` line;
- ``fingerprint``: shingle similarity with the shipped fingerprints of known license texts (model
  licenses and common software ones); close but altered texts come back with ``modified=True``;
- ``detector``: licenseclassifier's SPDX templates, for the long tail, run only on text the
  fingerprints left unexplained;
- ``phrase``: the knowledge base's distinctive phrases;
- ``mention``: a license named in prose ("licensed under the Llama 3.1 Community License"), for
  NOTICE files, card sections, and license files that hold no known text;
- ``filename``: the file's name, when its text cannot be read (PDF, git-lfs pointer).
Precision comes first: a file is never given a license on weak evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*([^\n\r*]+?)\s*(?:-->|\*/)?\s*$", re.M)

# Texts past this many characters are matched on their start only (license files are far smaller).
MAX_IDENTIFY_CHARS = 512 * 1024
# The SPDX template detector runs when at least this many tokens are not explained by fingerprints.
DETECTOR_MIN_UNEXPLAINED = 40
# A license file that holds no known text may still only point at a license by name.
MENTION_MAX_CHARS_IN_LICENSE_FILE = 4000


@dataclass(frozen=True)
class IdentifiedLicense:
    id: str  # knowledge-base id where known, else the SPDX id or expression
    confidence: float  # 0..1
    start: int  # character span in the text that matched
    end: int
    method: str  # spdx-tag | fingerprint | detector | phrase | mention | filename
    modified: bool = False  # close to the license's text but altered (fingerprint only)


def identify_file(path: str, text: str | None, role: str | None = None
                  ) -> tuple[IdentifiedLicense, ...]:
    """Licenses in one repository file. ``role`` is the file's role from ``classify``: policies
    and changelogs only speak about licenses, so only their SPDX tags count."""
    if text is None:
        from modellint.identify.names import from_file_name

        lid = from_file_name(path)
        return (IdentifiedLicense(lid, 0.5, 0, 0, "filename"),) if lid else ()
    if role in ("policy", "changelog"):
        return _spdx_tags(text)
    return identify_text(text, license_file=role in (None, "license"))


def identify_text(text: str, license_file: bool = False) -> tuple[IdentifiedLicense, ...]:
    """Licenses in a text: a license file's content (``license_file=True``), a NOTICE or a card's
    License section (mentions of license names count)."""
    if not text or not text.strip():
        return ()
    text = text[:MAX_IDENTIFY_CHARS]
    from modellint.identify.fingerprint import load_index
    from modellint.identify.names import canonical_id, find_mentions, kb_phrases
    from modellint.identify.tokens import Tokens, shingle_hashes

    found = list(_spdx_tags(text))
    tokens = Tokens(text)
    if not tokens.words:
        return tuple(found)
    hashes = shingle_hashes(tokens.words)
    taken: list[tuple[int, int]] = []  # token ranges already explained
    for m in load_index().match(tokens, hashes):
        e = m.entry
        start, end = tokens.char_span(m.first, m.last)
        lid = canonical_id(e.id, e.scancode, e.spdx) or e.id
        found.append(IdentifiedLicense(lid, m.confidence, start, end, "fingerprint", m.modified))
        taken.append((m.first, m.last))

    unexplained = len(tokens) - sum(b - a + 1 for a, b in taken)
    if unexplained >= DETECTOR_MIN_UNEXPLAINED:
        found.extend(_detector(text, tokens, taken))

    ids = {f.id for f in found}
    joined = tokens.joined()
    for lid, phrases, need in kb_phrases():
        if lid in ids:
            continue
        firsts = [_token_index(joined, p) for p in phrases]
        hits = [(i, len(p.split())) for i, p in zip(firsts, phrases, strict=True) if i >= 0
                and not _overlaps(i, i, taken)]
        if len(hits) >= need:
            first = min(i for i, _ in hits)
            last = max(i + n - 1 for i, n in hits)
            start, end = tokens.char_span(first, last)
            found.append(IdentifiedLicense(lid, 0.8, start, end, "phrase"))
            ids.add(lid)

    holds_text = any(f.method in ("fingerprint", "detector", "phrase") for f in found)
    if not license_file or (not holds_text and len(text) <= MENTION_MAX_CHARS_IN_LICENSE_FILE):
        for lid, first, last in find_mentions(joined):
            if lid in ids or _overlaps(first, last, taken):
                continue
            start, end = tokens.char_span(first, last)
            found.append(IdentifiedLicense(lid, 0.6, start, end, "mention"))
            ids.add(lid)
    found.sort(key=lambda f: (f.start, f.end))
    return tuple(found)


def _spdx_tags(text: str) -> tuple[IdentifiedLicense, ...]:
    out = []
    for m in _SPDX_TAG.finditer(text):
        value = m.group(1).strip()
        lid = value
        if " " not in value:  # a single id: name it as the knowledge base does
            from modellint.identify.names import canonical_id

            lid = canonical_id(value) or value
        out.append(IdentifiedLicense(lid, 1.0, m.start(1), m.start(1) + len(value), "spdx-tag"))
    return tuple(out)


def _detector(text: str, tokens, taken: list[tuple[int, int]]) -> list[IdentifiedLicense]:  # type: ignore[no-untyped-def]
    """licenseclassifier's template matches outside the regions fingerprints explained."""
    try:
        from licenseclassifier._engine import scan
    except ImportError:  # declared dependency; without it the long tail goes unrecognised
        return []
    from bisect import bisect_left, bisect_right

    from modellint.identify.names import canonical_id

    out = []
    for m in scan(text).match:
        if m.is_url:
            continue
        first = bisect_left(tokens.ends, m.start + 1)
        last = bisect_right(tokens.starts, m.end - 1) - 1
        if last - first < 15 or _overlaps(first, last, taken):
            continue
        lid = canonical_id(m.id, m.id.lower()) or m.id
        out.append(IdentifiedLicense(lid, 0.9, m.start, m.end, "detector"))
        taken.append((first, last))
    return out


def _token_index(joined: str, phrase: str) -> int:
    at = joined.find(f" {phrase} ")
    return -1 if at < 0 else joined.count(" ", 0, at + 1) - 1


def _overlaps(first: int, last: int, spans: list[tuple[int, int]]) -> bool:
    """True when most of first..last lies inside one of spans."""
    size = last - first + 1
    for a, b in spans:
        inter = min(last, b) - max(first, a) + 1
        if inter > 0 and inter * 2 >= size:
            return True
    return False
