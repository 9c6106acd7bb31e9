"""License identification: which licenses a text holds, where, and how sure.

Methods, strongest first:
- ``spdx-tag``: an ``SPDX-License-Identifier:`` line;
- ``fingerprint``: shingle similarity with the shipped fingerprints of known license texts (model
  licenses and common software ones); close but altered texts come back with ``modified=True``;
- ``detector``: licenseclassifier's SPDX templates, for the long tail, run only on license files
  that no fingerprint explains (it costs ~70 ms to load, so common texts must not need it);
- ``phrase``: the knowledge base's distinctive phrases;
- ``mention``: a license named in prose ("licensed under the Llama 3.1 Community License"), for
  NOTICE files, card sections, and license files that hold no known text;
- ``filename``: the file's name, when its text cannot be read (PDF, git-lfs pointer).
Precision comes first: a file is never given a license on weak evidence.
"""

import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

_SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*([^\n\r*]+?)\s*(?:-->|\*/)?\s*$", re.M)

# Texts past this many characters are matched on their start only (license files are far smaller).
MAX_IDENTIFY_CHARS = 512 * 1024
# The SPDX template detector runs on license files that fingerprints do not explain at all, when
# they have at least this many tokens (shorter ones hold no full license text).
DETECTOR_MIN_TOKENS = 40
# Phrase evidence counts only in texts this long (a full license, not a pointer or an index).
PHRASE_MIN_TOKENS = 300
# A license file that holds no known text may still only point at a license by name.
MENTION_MAX_CHARS_IN_LICENSE_FILE = 4000


class IdentifiedLicense(NamedTuple):
    """A license found in a text, with confidence, span and method."""

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
    from modellint.identify.names import canonical_id, find_mentions
    from modellint.identify.tokens import Tokens, shingle_hashes

    found = list(_spdx_tags(text))
    tokens = Tokens(text)
    if not tokens.words:
        return tuple(found)
    hashes = shingle_hashes(tokens.words)
    taken: list[tuple[int, int]] = [_token_range(tokens, f.start, f.end) for f in found]
    for m in load_index().match(tokens, hashes):
        e = m.entry
        start, end = tokens.char_span(m.first, m.last)
        lid = canonical_id(e.id, e.scancode, e.spdx) or e.id
        found.append(IdentifiedLicense(lid, m.confidence, start, end, "fingerprint", m.modified))
        taken.append((m.first, m.last))

    if license_file and not taken and len(tokens) >= DETECTOR_MIN_TOKENS:
        found.extend(_detector(text, tokens, taken))

    ids = {f.id for f in found}
    joined = tokens.joined()
    if license_file and not taken and len(tokens) >= PHRASE_MIN_TOKENS:
        phrased = _by_phrases(joined, tokens)
        if phrased is not None:
            found.append(phrased)
            ids.add(phrased.id)

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


def _by_phrases(joined: str, tokens) -> IdentifiedLicense | None:  # type: ignore[no-untyped-def]
    """The one license whose knowledge-base phrases a full text holds, for licenses without a
    fingerprint (e.g. Gemma). Shared phrases make ties: then nothing is claimed."""
    from modellint.identify.names import fingerprinted_ids, kb_phrases

    scored = []
    for lid, phrases, need in kb_phrases():
        if lid in fingerprinted_ids():
            continue  # its fingerprint did not match, so the text is not it
        hits = [(i, len(p.split())) for i, p in
                ((_token_index(joined, p), p) for p in phrases) if i >= 0]
        if len(hits) >= need:
            scored.append((len(hits), lid, hits))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    _, lid, hits = scored[0]
    first = min(i for i, _ in hits)
    last = max(i + n - 1 for i, n in hits)
    start, end = tokens.char_span(first, last)
    return IdentifiedLicense(lid, 0.8, start, end, "phrase")


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
    from modellint.identify.names import canonical_id

    out = []
    for m in scan(text).match:
        if m.is_url:
            continue
        first, last = _token_range(tokens, m.start, m.end)
        if last - first < 15 or _overlaps(first, last, taken):
            continue
        lid = canonical_id(m.id, m.id.lower()) or m.id
        out.append(IdentifiedLicense(lid, 0.9, m.start, m.end, "detector"))
        taken.append((first, last))
    return out


def _token_range(tokens, start: int, end: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """First and last token inside characters start..end (last < first when none is)."""
    return bisect_left(tokens.ends, start + 1), bisect_right(tokens.starts, end - 1) - 1


def _token_index(joined: str, phrase: str) -> int:
    from modellint.identify.tokens import token_at

    at = joined.find(f" {phrase} ")
    return -1 if at < 0 else token_at(joined, at)


def _overlaps(first: int, last: int, spans: list[tuple[int, int]]) -> bool:
    """True when most of first..last lies inside one of spans."""
    size = last - first + 1
    for a, b in spans:
        inter = min(last, b) - max(first, a) + 1
        if inter > 0 and inter * 2 >= size:
            return True
    return False
