"""What a license file changed in the canonical text it matched: passages added, removed or
replaced, with where they are, and what kind of restriction an added passage imposes.

The comparison aligns the file's shingle hashes with the license's full sequence of shingle
hashes (no license text is shipped). A passage counts only when it changes words: layout,
markdown, quotes and reflowed lines give the same tokens; a copyright line, a link's address,
the license's optional parts (title, appendix on how to apply it) and a placeholder filled in
(``<year>``, ``[name of copyright owner]``) are not changes.

Exact copies are recognised with set operations only; ``difflib`` is imported (and the full
alignment run) only for a text that differs, so common texts stay cheap.
"""


import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from modellint.identify.canonical import COPYRIGHT_LINE, Change
from modellint.identify.tokens import SHINGLE, Tokens

if TYPE_CHECKING:
    from modellint.identify.fingerprint import Entry

FILLED_IN_TOKENS = 12  # an optional part replaced by at most this much is a filled-in blank
ENUMERATOR_TOKENS = 2  # "(a)" for "1.": list markers restyled are not changes
SNAP_TOKENS = 1  # a passage takes in its line's first word when only that lies before it
HEADING_TOKENS = 4  # a heading line restyled ("Section I" / "一、定义") is not a change
# A passage before or after the license longer than this is another document (a use policy, a
# README, another license), not an edit of this one.
OUTSIDE_MAX_TOKENS = 120
OUTSIDE_CONDITION_TOKENS = 60  # an added duty (not a use restriction) is a sentence or two

@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(copyright line, rights line, link address, list marker); all linear."""
    return (re.compile(COPYRIGHT_LINE, re.I),
            re.compile(r"^[ \t#*>-]{0,40}all rights reserved\.?[ \t]{0,10}$", re.I | re.M),
            re.compile(r"\]\([^()\s]{0,2000}\)"),
            re.compile(r"^(?:\d{1,3}|[a-z]|[ivx]{1,5})$"))


class Comparison(NamedTuple):
    exact: bool
    similarity: float  # 1.0 for an exact copy
    changes: tuple[Change, ...] = ()

    @property
    def renames(self) -> bool:
        """A change replaces the license's own name: the template under another name (a
        sibling license, perhaps with clauses of its own), not an edited copy."""
        return any(c.renames for c in self.changes)

    @property
    def size(self) -> int:
        return sum(c.words + c.removed_words for c in self.changes)


class FileView:
    """A text's tokens, shingle hashes and the tokens that never count as changes."""

    __slots__ = ("text", "tokens", "hashes", "_neutral")

    def __init__(self, text: str, tokens: Tokens, hashes: list[int]) -> None:
        self.text = text
        self.tokens = tokens
        self.hashes = hashes
        self._neutral: bytearray | None = None

    @property
    def neutral(self) -> bytearray:
        """1 for each token that never counts as a change (built when a text differs)."""
        if self._neutral is None:
            self._neutral = _neutral_mask(self.text, self.tokens)
        return self._neutral


def grow(entry: "Entry", view: FileView, first: int, last: int, lo: int, hi: int
         ) -> tuple[int, int]:
    """The matched region widened, within lo..hi, over the license's own shingles around it
    (a region starts and ends at sampled shingles, not at the license's first and last words)."""
    hashes, full = view.hashes, entry.full
    while first > lo and hashes[first - 1] in full:
        first -= 1
    j = last - SHINGLE + 2  # the first shingle past the region
    while j + SHINGLE - 1 <= hi and j < len(hashes) and hashes[j] in full:
        j += 1
    return first, max(last, j + SHINGLE - 2)


def estimate(entry: "Entry", view: FileView, first: int, last: int) -> tuple[int, int]:
    """(shingles of tokens first..last foreign to the license, the license's required shingles
    missing from them): both 0 for an exact copy. Set operations only."""
    hashes = view.hashes
    stop = max(first, last - SHINGLE + 2)
    region = hashes[first:stop]
    full = entry.full
    novel = 0
    if not full.issuperset(region):
        neutral = view.neutral
        novel = sum(1 for j in range(first, stop)
                    if hashes[j] not in full and not any(neutral[j:j + SHINGLE]))
    return novel, len(entry.required.difference(region))


def compare(entry: "Entry", view: FileView, first: int, last: int,
            lo: int | None = None, hi: int | None = None) -> Comparison:
    """Compare tokens first..last of a text with ``entry``'s canonical text. Tokens lo..hi
    around them (up to the neighbouring licenses) may hold the license's start and end; other
    passages there count only when they restrict use (a preamble or a pointer is not a change)."""
    lo = first if lo is None else min(lo, first)
    hi = last if hi is None else max(hi, last)
    if not entry.sequence():
        return Comparison(True, 1.0)
    first, last = grow(entry, view, first, last, lo, hi)
    novel, missing = estimate(entry, view, first, last)
    outside = [c for c in (_outside(view, lo, first - 1), _outside(view, last + 1, hi))
               if c is not None]
    if not novel and not missing and not outside:
        return Comparison(True, 1.0)
    changes = _align(entry, view, lo, hi)
    changes.sort(key=lambda c: c.start)
    if not changes:
        return Comparison(True, 1.0)
    optional = entry.optional_mask()
    required = len(optional) - sum(optional)
    removed = sum(c.removed_words for c in changes)
    added = sum(c.words for c in changes)
    similarity = max(0.0, 1.0 - (removed + added) / max(1, required + added))
    return Comparison(False, round(similarity, 3), tuple(changes))


def _align(entry: "Entry", view: FileView, lo: int, hi: int) -> list[Change]:
    from difflib import SequenceMatcher

    seq = entry.sequence()
    region = view.hashes[lo:max(lo, hi - SHINGLE + 2)]
    ops = SequenceMatcher(None, seq, region, autojunk=False).get_opcodes()
    optional = entry.optional_mask()
    names = frozenset(entry.layout.names)
    from modellint.identify.names import canonical_id, own_words

    own = own_words(canonical_id(entry.id, entry.scancode, entry.spdx) or entry.id, entry.names)
    headings = entry.layout.headings
    out = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            continue
        pre = k > 0 and ops[k - 1][0] == "equal"
        post = k + 1 < len(ops) and ops[k + 1][0] == "equal"
        ca, cb = i1 + (SHINGLE - 1 if pre else 0), i2 - 1 + (0 if post else SHINGLE - 1)
        fa = lo + j1 + (SHINGLE - 1 if pre else 0)
        fb = min(hi, lo + j2 - 1 + (0 if post else SHINGLE - 1))
        cb = min(cb, len(optional) - 1)
        removed = sum(1 for i in range(ca, cb + 1) if not optional[i])
        kept = [i for i in range(fa, fb + 1) if not view.neutral[i]]
        if kept and not removed and (not pre or not post):
            # Text before the license starts or after it ends: a title, a preamble, another
            # document. It counts only when it restricts use.
            edge = _outside(view, fa, fb)
            if edge is not None:
                out.append(edge)
            kept = []
        # The license's own name replaced by other words: what was replaced is mostly the name
        # (not a sentence that mentions it), it was not merely cut, and the new words do not
        # keep it (a later version that still says "Gemma" is not another license).
        named = sum(1 for i in range(ca, cb + 1) if i in names)
        renames = (bool(kept) and named * 2 >= max(1, cb - ca + 1)
                   and not own.intersection(view.tokens.words[i] for i in kept))
        if not renames and _trivial(view, kept, removed, ca, cb, optional):
            continue
        if not kept and not removed:
            continue
        kind = "removed" if not kept else "added" if not removed else "changed"
        words = 0
        if kept:
            start, end = _passage(view, kept[0], kept[-1])
            words = _tokens_in(view, start, end)
        elif fa < len(view.tokens):  # where the text goes on after the removed passage
            start = end = view.tokens.starts[fa]
        else:
            start = end = len(view.text)
        sections = tuple(h for i, h in headings if ca <= i <= cb)
        out.append(Change(kind, start, end, words, removed, sections,
                          restrictions(view.tokens.words[i] for i in kept)
                          + _removed_grants(sections), renames))
    return out


def _trivial(view: FileView, kept: list[int], removed: int, ca: int, cb: int,
             optional: bytearray) -> bool:
    """A filled-in optional part, list markers or a heading restyled."""
    if removed == 0 and cb >= ca and len(kept) <= FILLED_IN_TOKENS:
        return True  # the license's optional part (or nothing) replaced by a few words
    words = view.tokens.words
    if (removed <= ENUMERATOR_TOKENS and len(kept) <= ENUMERATOR_TOKENS
            and all(_patterns()[3].match(words[i]) and _starts_line(view, i) for i in kept)):
        return True
    # A heading worded or numbered another way ("Section I Definitions" / "一、定义"): a short
    # line of its own that limits nothing.
    return (removed <= ENUMERATOR_TOKENS and 0 < len(kept) <= HEADING_TOKENS
            and all(_line_tokens(view, i) <= HEADING_TOKENS + 2 for i in kept)
            and not any(w in " " + " ".join(words[i] for i in kept) + " " for w in _LIMITING))


def _another_document(view: FileView, first: int, last: int) -> bool:
    """The passage has a separator line or a short license title ("LICENSE FOR pix2pix", "BSD
    License"): it starts another document (the next license of a third-party file)."""
    start, end = view.tokens.char_span(first, last)
    for line in view.text[start:end].split("\n"):
        bare = line.strip()
        if len(bare) >= 5 and len(set(bare)) == 1 and bare[0] in "-=*_#~":
            return True
        words = bare.lower().split()
        if 0 < len(words) <= 6 and any(w.strip(":#*") in ("license", "licence") for w in words):
            return True
    return False


def _passage(view: FileView, first: int, last: int) -> tuple[int, int]:
    """Characters of tokens first..last with their closing punctuation, taking in the line's
    first word when only that lies before them (an alignment may give a shared "The" to
    either side of an inserted sentence)."""
    from bisect import bisect_left

    text, starts = view.text, view.tokens.starts
    start, end = view.tokens.char_span(first, last)
    a = text.rfind("\n", 0, start) + 1
    if bisect_left(starts, start) - bisect_left(starts, a) <= SNAP_TOKENS:
        start = a + len(text[a:start]) - len(text[a:start].lstrip(" \t#*>-"))
    while end < len(text) and text[end] in ".;:!?)\"'”’":
        end += 1
    return start, end


def _tokens_in(view: FileView, start: int, end: int) -> int:
    from bisect import bisect_left

    return bisect_left(view.tokens.starts, end) - bisect_left(view.tokens.starts, start)


def _line_tokens(view: FileView, i: int) -> int:
    """How many tokens the line holding token i has."""
    from bisect import bisect_left

    text, start = view.text, view.tokens.starts[i]
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", start)
    b = len(text) if b < 0 else b
    return bisect_left(view.tokens.starts, b) - bisect_left(view.tokens.starts, a)


def _starts_line(view: FileView, i: int) -> bool:
    text, start = view.text, view.tokens.starts[i]
    line = text.rfind("\n", 0, start) + 1
    return not text[line:start].strip(" \t#*>-(")


def _outside(view: FileView, a: int, b: int) -> Change | None:
    """A passage before or after the license (tokens a..b) that restricts its use, as an
    addition."""
    if b < a or b - a + 1 > 4 * OUTSIDE_MAX_TOKENS:
        return None
    kept = [i for i in range(a, b + 1) if not view.neutral[i]]
    if not kept or len(kept) > OUTSIDE_MAX_TOKENS:
        return None
    kinds = restrictions(view.tokens.words[i] for i in kept)
    if not kinds or (kinds == ("condition",) and len(kept) > OUTSIDE_CONDITION_TOKENS):
        return None
    if _another_document(view, kept[0], kept[-1]):
        return None
    start, end = _passage(view, kept[0], kept[-1])
    return Change("added", start, end, _tokens_in(view, start, end), 0, (), kinds)


# --- restriction kinds ----------------------------------------------------------------------
# Phrases are matched on normalised tokens (" non commercial " ...), so no regex runs on the text.
_LIMITING = (" not ", " no ", " never ", " only ", " solely ", " exclusively ", " prohibited ",
             " forbidden ", " non ", " nor ", " cannot ", " without ", " except ", " limited to ",
             " restricted to ", " must be used for ", " shall be used for ")
_NON_COMMERCIAL = (" non commercial ", " noncommercial ", " commercial ", " commercially ",
                   " for profit ", " monetize ", " monetise ", " sell ", " resale ")
_RESEARCH = (" research ", " academic ", " evaluation purposes ", " educational ")
_USE_VERBS = (" not be used ", " not use ", " only be used ", " be used only ", " be used for ",
              " not be deployed ", " restricted to ", " limited to ", " prohibited ",
              " may not be ", " shall not be ", " must not be ", " solely for ",
              " exclusively for ", " only for ")
_FIELDS = (" military ", " weapon ", " weapons ", " surveillance ", " evil ", " medical ",
           " clinical ", " biometric ", " nuclear ", " law enforcement ", " field of use ",
           " fields of use ", " advertising ", " political ", " gambling ", " in the field ",
           " purpose of ", " good ")


# A duty or term a passage adds without limiting use as such: an acknowledgment to retain, a
# condition on redistribution, rights granted back.
_CONDITIONS = (" must ", " shall ", " is required ", " are required ", " required to ",
               " acknowledgment ", " acknowledgement ", " provided that ", " hereby grant ",
               " you agree ", " on condition ")


def restrictions(words: Iterable[str]) -> tuple[str, ...]:
    """Kinds of restriction a passage imposes: non-commercial, research-only, field-of-use;
    else ``condition`` for a duty or term it adds."""
    joined = " " + " ".join(words) + " "
    if not any(w in joined for w in _LIMITING):
        return ("condition",) if any(w in joined for w in _CONDITIONS) else ()
    kinds = []
    commercial = any(w in joined for w in _NON_COMMERCIAL)
    research = any(w in joined for w in _RESEARCH) and any(
        w in joined for w in (" only ", " solely ", " exclusively ", " limited to "))
    if commercial:
        kinds.append("non-commercial")
    if research:
        kinds.append("research-only")
    if any(w in joined for w in _USE_VERBS) and (
            any(w in joined for w in _FIELDS) or not (commercial or research)):
        kinds.append("field-of-use")
    if not kinds and any(w in joined for w in _CONDITIONS):
        kinds.append("condition")
    return tuple(kinds)


def _removed_grants(sections: tuple[str, ...]) -> tuple[str, ...]:
    return ("patent-grant-removed",) if any("patent" in s.lower() for s in sections) else ()


def _neutral_mask(text: str, tokens: Tokens) -> bytearray:
    """1 for each token of a copyright or rights line, or of a link's address."""
    from bisect import bisect_left, bisect_right

    copyright_line, rights_line, link_target, _ = _patterns()
    mask = bytearray(len(tokens) + SHINGLE)
    spans = []
    for line_start, line in _line_starts(text):
        if copyright_line.match(line):
            spans.append((line_start, line_start + len(line)))
    spans += [(m.start(), m.end()) for m in rights_line.finditer(text)]
    spans += [(m.start(), m.end()) for m in link_target.finditer(text)]
    for start, end in spans:
        a, b = bisect_left(tokens.ends, start + 1), bisect_right(tokens.starts, end - 1)
        mask[a:b] = b"\x01" * max(0, b - a)
    return mask


def _line_starts(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for line in text.split("\n"):
        if line[:60].lstrip(" \t#*>-")[:1] in ("C", "c", "(", "©"):
            out.append((start, line))
        start += len(line) + 1
    return out
