"""Text-similarity matching against shipped license fingerprints.

``fingerprints.json`` (built by ``tests/benchmarks/build_fingerprints.py``) holds, per license, a
sample of its shingle hashes: those whose low bits are zero modulo a power of two chosen so each
license keeps a few hundred. The input side is hashed in full, so the share of a license's sample
found in a text estimates how much of that license the text contains, and the text's own hashes
that pass the same modulus estimate how much it adds.

To say exactly what a text changed, each license also has its full sequence of shingle hashes
(``sequences.bin``, read only for the licenses a text matched), which token ranges of its text are
optional (a title, a copyright line, an appendix on how to apply it), where its section headings
start (with the heading, a few words, to name a removed section) and where the license names
itself. No license text is shipped.
"""

import base64
import json
import os
import sys
from array import array
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

from modellint.identify.canonical import Layout
from modellint.identify.tokens import SHINGLE, Tokens, shingle_hashes

DATA = os.path.join(os.path.dirname(__file__), "fingerprints.json")
SEQUENCES = os.path.join(os.path.dirname(__file__), "sequences.bin")

MIN_CONTAINMENT = 0.40  # below this a text does not hold the license, not even altered
MIN_SCORE = 0.35  # containment x (1 - extra): the region must also be mostly this license
EXACT_CONTAINMENT = 0.90  # at or above (with few additions) the text is the license
MAX_EXACT_EXTRA = 0.10  # share of the matched region's sampled shingles foreign to the license
MIN_HITS = 6  # a match rests on at least this many distinct sampled shingles
MAX_MATCHES = 16  # bound on licenses reported for one text
SETS_AFTER = 4  # texts matched before each license's sample is kept as a set
RIVAL_CONTAINMENT = 0.6  # a license holding this much of a matched region competes for it


TARGET_SAMPLE = 256  # sampled hashes kept per license, at most


class Entry:
    """A license's fingerprint: sampled shingle hashes of its canonical text."""

    __slots__ = ("id", "scancode", "spdx", "names", "modulus", "order", "_hashes", "_layout",
                 "_span", "_sequence", "_full", "_required")

    def __init__(self, lid: str, scancode: str | None, spdx: str | None, names: tuple[str, ...],
                 modulus: int, order: Sequence[int], layout: Layout | None = None,
                 span: tuple[int, int, int] | None = None, sequence: Sequence[int] | None = None
                 ) -> None:
        self.id = lid
        self.scancode = scancode
        self.spdx = spdx
        self.names = names
        self.modulus = modulus
        self.order = order  # distinct sampled hashes, in the order the license text first has them
        self._hashes: frozenset[int] | None = None
        self._layout = layout
        # (byte offset, hash count, layout bytes) of the full sequence in sequences.bin
        self._span = span
        self._sequence = sequence
        self._full: frozenset[int] | None = None
        self._required: frozenset[int] | None = None

    def sequence(self) -> Sequence[int]:
        """Every shingle hash of the canonical text, in order (empty when not shipped)."""
        if self._sequence is None:
            self._load()
        return self._sequence or ()

    @property
    def layout(self) -> Layout:
        if self._layout is None:
            self._load()
        return self._layout or Layout()

    @layout.setter
    def layout(self, value: Layout) -> None:
        self._layout = value

    def _load(self) -> None:
        if self._span is None:
            self._sequence, self._layout = self._sequence or (), self._layout or Layout()
            return
        sequence, layout = _read_sequence(self._span)
        if self._sequence is None:
            self._sequence = sequence
        if self._layout is None:
            self._layout = layout

    @property
    def full(self) -> frozenset[int]:
        """All shingle hashes of the canonical text."""
        if self._full is None:
            self._full = frozenset(self.sequence())
        return self._full

    @property
    def required(self) -> frozenset[int]:
        """Shingle hashes made only of tokens a faithful copy must keep."""
        if self._required is None:
            optional = self.optional_mask()
            seq = self.sequence()
            self._required = frozenset(
                h for i, h in enumerate(seq) if not any(optional[i:i + SHINGLE]))
        return self._required

    def optional_mask(self) -> bytearray:
        """One byte per canonical token: 1 where the token is optional."""
        mask = bytearray(max(self.layout.tokens, len(self.sequence()) + SHINGLE - 1))
        for a, b in self.layout.optional:
            mask[a:b + 1] = b"\x01" * (min(b, len(mask) - 1) - a + 1)
        return mask

    @property
    def hashes(self) -> frozenset[int]:
        """The sample as a set; built on first use (only licenses a text may hold need it)."""
        if self._hashes is None:
            self._hashes = frozenset(self.order)
        return self._hashes

    def __repr__(self) -> str:
        return f"Entry({self.id!r}, modulus={self.modulus}, sample={len(self.order)})"

    @classmethod
    def from_text(cls, lid: str, text: str, scancode: str | None = None,
                  spdx: str | None = None, names: tuple[str, ...] = ()) -> "Entry":
        """Fingerprint a license text: its shingle hashes that are zero modulo a power of two
        chosen so that at most TARGET_SAMPLE remain, the full sequence and the layout."""
        from modellint.identify.layout import layout_of

        tokens = Tokens(text)
        sequence = shingle_hashes(tokens.words)
        ordered = list(dict.fromkeys(sequence))
        modulus = 1
        while len(ordered) / modulus > TARGET_SAMPLE:
            modulus *= 2
        sample = tuple(h for h in ordered if not h & (modulus - 1))
        return cls(lid, scancode, spdx, names, modulus, sample,
                   layout_of(text, tokens, names), sequence=array("I", sequence))


class FingerprintMatch(NamedTuple):
    """A region of a text that matches one license's fingerprint."""

    entry: Entry
    first: int  # token positions of the matched region (inclusive)
    last: int
    containment: float  # share of the license's sample present in the region
    extra: float  # share of the region's comparable shingles not in the license
    # (likely licenses, positions of their hashes) from the matching, to find rivals on demand
    context: tuple = ()

    def rivals(self) -> tuple[Entry, ...]:
        """Licenses other than this one that hold enough of its region to be what it is:
        siblings built from the same template, to be told apart by the passages that differ."""
        if not self.context:
            return ()
        likely, where = self.context
        out = []
        for _, e, common in likely:
            if e is self.entry:
                continue
            inside = 0
            for h in common:
                ps = where[h]
                if ps[0] <= self.last and ps[-1] >= self.first and any(
                        self.first <= p <= self.last for p in ps):
                    inside += 1
            if inside >= MIN_HITS and inside >= RIVAL_CONTAINMENT * len(e.order):
                out.append(e)
        return tuple(out)

    @property
    def modified(self) -> bool:
        return self.containment < EXACT_CONTAINMENT or self.extra > MAX_EXACT_EXTRA

    @property
    def confidence(self) -> float:
        return round(min(self.containment, 1.0 - self.extra), 3)

    @property
    def score(self) -> float:
        return self.containment * (1.0 - self.extra)


class Index:
    # No hash -> licenses postings table: building one for ~10k hashes cost ~4 ms per run, more
    # than a scan's matching. C-speed set intersections find the few licenses that can match.
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.known = frozenset(chain.from_iterable(e.order for e in entries))
        self.texts = 0  # texts matched so far

    def match(self, tokens: Tokens, hashes: list[int]) -> list[FingerprintMatch]:
        """Licenses held in the text, best first taken, each region claimed once."""
        present = self.known.intersection(hashes)
        if len(present) < MIN_HITS:
            return []
        # A scan matches one or two license files: walking each license's sample costs less than
        # building a set of it. Past a few texts (an audit) the sets, built once, are cheaper.
        self.texts += 1
        use_sets = self.texts > SETS_AFTER
        likely = []  # licenses whose sampled shingles the text holds enough of to match at all
        for i, e in enumerate(self.entries):
            common = e.hashes & present if use_sets else present.intersection(e.order)
            if len(common) >= MIN_HITS and len(common) >= MIN_CONTAINMENT * len(e.order):
                likely.append((i, e, common))
        if not likely:
            return []
        wanted = frozenset().union(*(common for _, _, common in likely))
        where: dict[int, list[int]] = {}  # wanted hash -> its positions in the text
        for pos, h in enumerate(hashes):
            if h in wanted:
                where.setdefault(h, []).append(pos)
        hits = []  # (first position, license, [(position, rank)] by position)
        for i, e, common in likely:
            rank = {h: r for r, h in enumerate(e.order) if h in common}
            positions = sorted((pos, rank[h]) for h in common for pos in where[h])
            hits.append((positions[0][0], i, positions))
        hits.sort()  # as a scan of the text finds them: by first hit, then license order
        candidates = {i: v for _, i, v in hits}
        found: list[FingerprintMatch] = []
        regions: dict[int, FingerprintMatch | None] = {}  # best region per candidate, while valid
        while candidates and len(found) < MAX_MATCHES:
            best: FingerprintMatch | None = None
            for i in list(candidates):
                if i not in regions:
                    regions[i] = self._best_region(i, candidates[i], hashes)
                m = regions[i]
                if m is None:
                    del candidates[i]
                elif best is None or m.score > best.score:
                    best = m
            if best is None:
                break
            found.append(best)
            a, b = best.first, best.last
            for i, positions in candidates.items():  # the claimed region is no longer free
                free = [pr for pr in positions if not a <= pr[0] <= b]
                if len(free) != len(positions):
                    candidates[i] = free
                    regions.pop(i, None)
        context = (likely, where)
        found = [m._replace(context=context) for m in found]
        found.sort(key=lambda m: m.first)
        return found

    def _best_region(self, i: int, positions: list[tuple[int, int]], hashes: list[int]
                     ) -> FingerprintMatch | None:
        """The best-scoring region of hits for license i, or None when every region is weak.

        Hits split into regions at long gaps, and where the license starts over: its
        shingles' order jumps back to its opening and stays back for the next few hits (a
        single repeated phrase does not count). Two copies of a license make two regions."""
        e = self.entries[i]
        size = len(e.order)
        if len(positions) < MIN_HITS:
            return None
        gap = max(100, 16 * e.modulus)  # room for an inserted paragraph
        regions: list[list[tuple[int, int]]] = [[positions[0]]]
        top = positions[0][1]
        for k in range(1, len(positions)):
            pr = positions[k]
            current = regions[-1]
            back = top - size // 4
            restart = (pr[1] < back and pr[1] < 0.15 * size and len(current) >= 0.2 * size
                       and all(r < back for _, r in positions[k + 1:k + 4]))
            if pr[0] - current[-1][0] > gap or restart:
                regions.append([pr])
                top = pr[1]
            else:
                current.append(pr)
                top = max(top, pr[1])
        best = None
        for region in regions:
            distinct = len({hashes[p] for p, _ in region})
            containment = distinct / size
            if distinct < MIN_HITS or containment < MIN_CONTAINMENT:
                continue
            first, last = region[0][0], region[-1][0]
            m = FingerprintMatch(e, first, last + SHINGLE - 1, round(containment, 4),
                                 _extra(e, hashes, first, last))
            if m.score >= MIN_SCORE and (best is None or m.score > best.score):
                best = m
        return best


def _extra(e: Entry, hashes: list[int], first: int, last: int) -> float:
    mask = e.modulus - 1
    region = {h for h in hashes[first:last + 1] if not h & mask}
    if not region:
        return 0.0
    return round(len(region - e.hashes) / len(region), 4)


def _read_sequence(span: tuple[int, int, int]) -> tuple[array, Layout]:
    """A license's full hash sequence and layout, read from sequences.bin only when needed."""
    offset, count, layout_size = span
    values = array("I")
    with open(SEQUENCES, "rb") as fh:
        fh.seek(offset)
        values.frombytes(fh.read(count * 4))
        lay = json.loads(fh.read(layout_size) or b"{}")
    if sys.byteorder == "big":  # stored little-endian
        values.byteswap()
    layout = Layout(int(lay.get("tokens", 0)),
                    tuple((int(a), int(b)) for a, b in lay.get("optional", ())),
                    tuple((int(i), str(h)) for i, h in lay.get("headings", ())),
                    tuple(int(i) for i in lay.get("names", ())))
    return values, layout


def layout_json(layout: Layout) -> bytes:
    """A layout as stored in sequences.bin (written by the fingerprint builder)."""
    return json.dumps({"tokens": layout.tokens, "optional": layout.optional,
                       "headings": layout.headings, "names": layout.names},
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@lru_cache(maxsize=1)
def load_index() -> Index:
    with open(DATA, encoding="utf-8") as fh:
        raw = json.load(fh)
    entries = []
    for item in raw["licenses"]:
        values = array("I")
        values.frombytes(base64.b64decode(item["hashes"]))
        if sys.byteorder == "big":  # stored little-endian
            values.byteswap()
        span = item.get("sequence")
        entries.append(Entry(item["id"], item.get("scancode"), item.get("spdx"),
                             tuple(item.get("names", ())), int(item["modulus"]), values,
                             span=(int(span[0]), int(span[1]), int(span[2])) if span else None))
    return Index(entries)
