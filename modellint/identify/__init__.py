"""License identification: which licenses a text holds, where, and how sure.

Methods, strongest first:
- ``spdx-tag``: an ``SPDX-License-Identifier:`` line;
- ``fingerprint``: shingle similarity with the shipped fingerprints of known license texts (model
  licenses and common software ones). A text that is not an exact copy is compared with the
  canonical text of each license it may be (siblings built from one template included), and the
  one it differs from least wins; the differences come back as ``changes`` (passages added,
  removed or replaced, with the restriction kinds they add), ``modified=True`` for an edited
  copy, and ``candidates`` when the text may be more than one license (never full confidence);
- ``detector``: licenseclassifier's SPDX templates, for the long tail, run on license files
  that no fingerprint explains exactly (it costs ~70 ms to load, so common texts must not need it);
- ``phrase``: the knowledge base's distinctive phrases;
- ``mention``: a license named in prose ("licensed under the Llama 3.1 Community License"), for
  NOTICE files, card sections, and license files that hold no known text;
- ``filename``: the file's name, when its text cannot be read (PDF, git-lfs pointer).
Precision comes first: a file is never given a license on weak evidence.
"""

import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, NamedTuple

from modellint.identify.canonical import Change

if TYPE_CHECKING:
    from modellint.identify.compare import FileView
    from modellint.identify.fingerprint import Entry, FingerprintMatch

_SPDX_TAG = re.compile(r"SPDX-License-Identifier:[ \t]{0,64}([^\n\r*]{1,400})", re.M)

# Texts past this many characters are matched on their start only (license files are far smaller).
MAX_IDENTIFY_CHARS = 512 * 1024
# The SPDX template detector runs on license files that fingerprints do not explain at all, when
# they have at least this many tokens (shorter ones hold no full license text).
DETECTOR_MIN_TOKENS = 40
# An altered copy this close to its license, with no rival, is not worth the SPDX templates'
# second opinion (~3-30 ms a text): only weaker or contested matches get it.
DETECTOR_BELOW = 0.9
# Phrase evidence counts only in texts this long (a full license, not a pointer or an index).
PHRASE_MIN_TOKENS = 300
# A license file that holds no known text may still only point at a license by name.
MENTION_MAX_CHARS_IN_LICENSE_FILE = 4000
# Confidence of a text that follows a known license's template under another name: named by the
# text itself (a license the knowledge base knows) or not (then below the rules' threshold).
RENAMED_KNOWN = 0.7
RENAMED_UNKNOWN = 0.45
# A rival whose differences are at most this much (share, or shingles) larger stays a candidate.
RIVAL_MARGIN = 0.25
RIVAL_SLACK = 3  # shingles
# Around a matched region of a NOTICE or card, where the license's first and last words may be.
EDGE_TOKENS = 64


class IdentifiedLicense(NamedTuple):
    """A license found in a text, with confidence, span and method."""

    id: str  # knowledge-base id where known, else the SPDX id or expression
    confidence: float  # 0..1
    start: int  # character span in the text that matched
    end: int
    method: str  # spdx-tag | fingerprint | detector | phrase | mention | filename
    modified: bool = False  # close to the license's text but altered (fingerprint only)
    # The licenses the text may be, when it is not sure (the reported id first); empty when sure.
    candidates: tuple[str, ...] = ()
    # What differs from the license's canonical text (fingerprint only): passages added,
    # removed or replaced, with their spans in the text.
    changes: tuple[Change, ...] = ()
    # Restriction kinds the text adds to the license's own terms, from its changes:
    # non-commercial | research-only | field-of-use | condition (a duty added, such as an
    # acknowledgment) | patent-grant-removed.
    restrictions: tuple[str, ...] = ()


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
    from modellint.identify.names import find_mentions
    from modellint.identify.tokens import Tokens, shingle_hashes

    found = list(_spdx_tags(text))
    tokens = Tokens(text)
    if not tokens.words:
        return tuple(found)
    hashes = shingle_hashes(tokens.words)
    taken: list[tuple[int, int]] = [_token_range(tokens, f.start, f.end) for f in found]
    matches = load_index().match(tokens, hashes)
    view = None
    inexact = []
    for k, m in enumerate(matches):
        if view is None:
            from modellint.identify.compare import FileView

            view = FileView(text, tokens, hashes)
        lo = matches[k - 1].last + 1 if k else 0
        hi = matches[k + 1].first - 1 if k + 1 < len(matches) else len(tokens) - 1
        if not license_file:  # a NOTICE or a card: only the license's own edges
            lo, hi = max(lo, m.first - EDGE_TOKENS), min(hi, m.last + EDGE_TOKENS)
        ident = _decide(m, view, lo, hi)
        found.append(ident)
        taken.append((m.first, m.last))
        if ident.candidates or (ident.modified and ident.confidence < DETECTOR_BELOW):
            inexact.append((len(found) - 1, m))

    if license_file and len(tokens) >= DETECTOR_MIN_TOKENS:
        if not taken:
            found.extend(_detector(text, tokens, taken))
        elif inexact:
            _prefer_detector(text, tokens, found, inexact)

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


def _decide(m: "FingerprintMatch", view: "FileView", lo: int, hi: int) -> IdentifiedLicense:
    """Which of the licenses a matched region may be it is, by the passages that differ.

    Every candidate (the sampled best and the rivals holding most of the same region) is
    measured with set operations; only the winner of an inexact region is aligned word by word.
    """
    from modellint.identify.compare import compare, estimate, grow

    start, end = view.tokens.char_span(m.first, m.last)
    novel, missing = estimate(m.entry, view, *grow(m.entry, view, m.first, m.last, lo, hi))
    measured = [(novel + missing, 0, m.entry)]
    if novel or missing:  # not the sampled best word for word: measure its rivals too
        for k, e in enumerate(m.rivals(), 1):
            novel, missing = estimate(e, view, *grow(e, view, m.first, m.last, lo, hi))
            measured.append((novel + missing, k, e))
    measured.sort(key=lambda x: (x[0], x[1]))
    size, _, entry = measured[0]
    lid = _entry_id(entry)
    close = tuple(dict.fromkeys(
        i for i in (_entry_id(e) for s, _, e in measured[1:]
                    if s <= size + max(RIVAL_SLACK, RIVAL_MARGIN * size)) if i != lid))
    best = compare(entry, view, m.first, m.last, lo, hi)
    if best.exact:
        return IdentifiedLicense(lid, 1.0, start, end, "fingerprint",
                                 candidates=(lid, *close) if close else ())
    restrictions = tuple(dict.fromkeys(k for c in best.changes for k in c.restrictions))
    if best.renames:  # the text names itself otherwise: another license from this template
        named = _named_in_changes(view, best.changes, lid)
        if named is not None:
            return IdentifiedLicense(named, RENAMED_KNOWN, start, end, "fingerprint",
                                     candidates=tuple(dict.fromkeys((named, lid, *close))),
                                     changes=best.changes)
        return IdentifiedLicense(lid, min(RENAMED_UNKNOWN, best.similarity), start, end,
                                 "fingerprint", True, (lid, *close), best.changes)
    confidence = best.similarity
    if close:
        confidence = min(confidence, RENAMED_KNOWN)
    return IdentifiedLicense(lid, confidence, start, end, "fingerprint", True,
                             (lid, *close) if close else (), best.changes, restrictions)


def _entry_id(e: "Entry") -> str:
    from modellint.identify.names import canonical_id

    return canonical_id(e.id, e.scancode, e.spdx) or e.id


def _named_in_changes(view: "FileView", changes: tuple[Change, ...], lid: str) -> str | None:
    """A known license other than ``lid`` that the renamed passages name."""
    from modellint.identify.names import find_mentions
    from modellint.identify.tokens import Tokens

    for c in changes:
        passage = view.text[max(0, c.start - 200):c.end + 200]
        for other, _, _ in find_mentions(Tokens(passage).joined()):
            if other != lid:
                return other
    return None


def _prefer_detector(text: str, tokens, found: list[IdentifiedLicense],  # type: ignore[no-untyped-def]
                     inexact: list) -> None:
    """For regions fingerprints match only inexactly, licenseclassifier's templates (which know
    each SPDX license's optional and variable parts) may name another license outright."""
    detected = _detector(text, tokens, [])
    for k, _ in inexact:
        ident = found[k]
        for d in detected:
            inter = min(d.end, ident.end) - max(d.start, ident.start)
            if inter <= 0.8 * (ident.end - ident.start) or d.id == ident.id:
                continue
            found[k] = d._replace(candidates=(d.id, ident.id) if ident.candidates else ())
            break


def _by_phrases(joined: str, tokens) -> IdentifiedLicense | None:  # type: ignore[no-untyped-def]
    """The one license whose knowledge-base phrases a full text holds, for licenses without a
    fingerprint. One of the phrases must name the license; shared phrases make ties: then
    nothing is claimed."""
    from modellint.identify.names import fingerprinted_ids, kb_phrases

    scored = []
    for lid, phrases, need, naming in kb_phrases():
        if lid in fingerprinted_ids():
            continue  # its fingerprint did not match, so the text is not it
        found = [(i, len(p.split()), named) for i, p, named in
                 ((_token_index(joined, p), p, named) for p, named in zip(phrases, naming, strict=True))
                 if i >= 0]
        # Phrases any license may hold ("research purposes") never name one alone: at least one
        # must carry the license's own name.
        if len(found) >= need and any(named for _, _, named in found):
            scored.append((len(found), lid, [(i, n) for i, n, _ in found]))
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
        # The closing `-->` or `*/` and the spaces around it are cut in code: searched for with
        # a pattern, a run of tabs before the end costs every start position the whole run.
        value = m.group(1).rstrip(" \t")
        for closer in ("-->", "*/"):
            if value.endswith(closer):
                value = value[: -len(closer)].rstrip(" \t")
                break
        lead = len(value) - len(value.lstrip(" \t\"'`("))
        value = value.strip(" \t\"'`()")
        if not value:
            continue
        lid = value
        if " " not in value:  # a single id: name it as the knowledge base does
            from modellint.identify.names import canonical_id

            lid = canonical_id(value) or value
        first = m.start(1) + lead
        out.append(IdentifiedLicense(lid, 1.0, first, first + len(value), "spdx-tag"))
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
