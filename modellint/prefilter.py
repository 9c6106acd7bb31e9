"""Literal prefilters: skip a regular expression on text that holds none of the words it needs.

Python's regular-expression engine has no literal prefilter for a pattern that is a long
alternation under ``re.IGNORECASE``: it tries every alternative at every position of the text.
A rule's pattern run over a card's prose (5 KB on average) costs up to a millisecond that way,
while most cards hold none of the words any alternative starts or ends with.

``Prefiltered(pattern)`` wraps a compiled pattern with the same matching methods. From the
pattern's parse tree it derives, once, its *needles*: a set of literal strings at least one of
which every match contains (for each alternative the longest run of literal characters, or a
set from a group inside it). A text holding no needle cannot match, and the pattern is not run
on it. When a top-level alternative's needles are absent it cannot match either, so the pattern
runs with only the alternatives whose needles are present (the same program for those: their
order, flags and group numbers are kept). Results are those of the pattern itself, always.

Case: under ``re.IGNORECASE`` needles and text are compared lower-cased. A text character
matching an ASCII letter without ignoring case has that letter as its ``str.lower()``, except
three (U+0130, U+0131, U+017F, checked over every code point); a text holding one of them is
never filtered. Needle characters are ASCII or uncased (they match only themselves).

Starts: nor does it scan for the literal start of a pattern that begins with ``\b``, a lookaround,
an optional part or a case-insensitive alternation: ``search`` tries the pattern at every
position. From the same parse tree ``Prefiltered`` derives the strings every match starts with,
finds them with ``str.find`` (on the lower-cased text when folding) and tries the pattern with
``match(text, position)`` at each, in order: the first success is ``search``'s match (``\b`` and
lookbehinds see the text before the position, as in ``search``), and ``finditer`` goes on from
its end. Only a match's ``pos`` attribute differs: it is where the match was tried.

The needles are derived at the ``WARMUP``-th call, so that a single scan, which runs each
pattern once or twice, never pays for parsing the pattern (the batch does, once per process).
"""

from __future__ import annotations

import heapq
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

try:  # Python 3.11 and later
    from re import _compiler, _constants, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler  # type: ignore[no-redef]
    import sre_constants as _constants  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

import _sre

WARMUP = 4  # calls before the needles are derived
MIN_NEEDLE = 3  # a shorter needle says too little to be worth checking
MAX_NEEDLES = 64  # an alternation needing more than this many strings sets no condition
MAX_VARIANTS = 256  # patterns of fewer alternatives kept per pattern
MAX_CONDITIONS = 4  # conditions checked per sequence, the strongest
_UNFOLDED = ("\u0130", "\u0131", "\u017f")  # match i/s ignoring case but do not lower to them
MAX_STARTS = 48  # a pattern that may start with more strings than this is searched as it is
MAX_BACK = 16  # characters between a line's start and a start string, at most
MAX_EXTEND = 8  # strings a literal run may be extended into...
SHORT_RUN = 4  # ...when it is shorter than this
MIN_SCAN = 160  # shorter text is searched as it is: finding the starts would cost more

Needles = frozenset[str]  # a match holds at least one of them
Conditions = tuple[Needles, ...]  # a match meets each of them


def _iscased(char: str) -> bool:
    try:
        return bool(_sre.unicode_iscased(ord(char)))
    except AttributeError:  # pragma: no cover - an engine without it: treat all as cased
        return True


def _needle_char(code: int, fold: bool) -> str | None:
    """The character to look for, or None when it cannot be looked for as it stands."""
    char = chr(code)
    if not fold:
        return char
    if char.isascii():
        return char.lower()
    if not _iscased(char) and char.lower() == char:
        return char  # matched only by itself whatever the flags
    return None


def _strength(needles: Needles) -> tuple[int, int]:
    """How much a set of needles filters: longer strings, then fewer of them."""
    return (min(map(len, needles)), -len(needles))


def _sequence(items: Any, fold: bool) -> Conditions:
    """What a match of a sequence needs: each of its literal runs and its items' conditions."""
    found: list[Needles] = []
    run: list[str] = []

    def close() -> None:
        if len(run) >= MIN_NEEDLE:
            found.append(frozenset(["".join(run)]))
        run.clear()

    for op, av in items:
        if op is _constants.LITERAL:
            char = _needle_char(av, fold)
            if char is None:
                close()
            else:
                run.append(char)
            continue
        if op is _constants.AT:
            continue  # zero-width: the characters on either side stay adjacent
        close()
        found.extend(_item(op, av, fold))
    close()
    unique = sorted(set(found), key=_strength, reverse=True)
    return tuple(unique[:MAX_CONDITIONS])


def _item(op: Any, av: Any, fold: bool) -> Conditions:
    if op is _constants.SUBPATTERN:
        return _sequence(av[3], fold)  # inline flags: ``fold`` already holds for the whole
    if op is _constants.BRANCH:  # one of the alternatives' strongest needles
        union: set[str] = set()
        for alternative in av[1]:
            conditions = _sequence(alternative, fold)
            if not conditions:
                return ()
            union |= conditions[0]
        return (frozenset(union),) if len(union) <= MAX_NEEDLES else ()
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) or op.name == "POSSESSIVE_REPEAT":
        low, _high, sub = av
        return _sequence(sub, fold) if low >= 1 else ()
    if op.name == "ATOMIC_GROUP":
        return _sequence(av, fold)
    if op is _constants.ASSERT:
        return _sequence(av[1], fold)  # what a lookaround requires is in the text too
    return ()  # classes, any character, negative lookarounds, back references: no literal


def _starts(items: Any, fold: bool) -> frozenset[str] | None:
    """Strings that every non-empty match of a sequence starts with, or None: it may start with
    anything."""
    found: set[str] = set()
    for n, (op, av) in enumerate(items):
        if op is _constants.AT or op is _constants.ASSERT or op is _constants.ASSERT_NOT:
            continue  # zero-width (\b, ^, lookarounds): the match starts with what follows
        if op is _constants.LITERAL:
            run = []
            for op2, av2 in items[n:]:
                char = _needle_char(av2, fold) if op2 is _constants.LITERAL else None
                if char is None:
                    break
                run.append(char)
            if not run:
                return None
            prefix = "".join(run)
            # The parser writes pre|post as p(?:re|ost): a run too short to be looked for on its
            # own ("p" is everywhere) goes on into what must follow it.
            following = items[n + len(run):n + len(run) + 1]
            if len(run) < SHORT_RUN and len(following) and following.getwidth()[0] > 0:
                next_op, next_av = following[0]
                more = _item_starts(next_op, next_av, fold)
                if more and len(more) <= MAX_EXTEND:
                    found.update(prefix + string for string in more)
                    return frozenset(found)
            found.add(prefix)
            return frozenset(found)
        inner = _item_starts(op, av, fold)
        if inner is None:
            return None
        found |= inner
        if _parser.SubPattern(items.state, [(op, av)]).getwidth()[0] > 0:
            return frozenset(found)
        # an optional part: a match may also start with what follows it
    return frozenset(found)


def _item_starts(op: Any, av: Any, fold: bool) -> frozenset[str] | None:
    if op is _constants.SUBPATTERN:
        return _starts(av[3], fold)
    if op is _constants.BRANCH:
        strings: set[str] = set()
        for alternative in av[1]:
            starts = _starts(alternative, fold)
            if starts is None:
                return None
            strings |= starts
        return frozenset(strings)
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) or op.name == "POSSESSIVE_REPEAT":
        return _starts(av[2], fold)  # the first non-empty repetition starts the match
    if op.name == "ATOMIC_GROUP":
        return _starts(av, fold)
    if op is _constants.IN:  # a set of single characters, as (?:a|b) is parsed
        chars = [_needle_char(code, fold) if kind is _constants.LITERAL else None
                 for kind, code in av]
        if not chars or None in chars:
            return None
        return frozenset(c for c in chars if c is not None)
    return None  # classes, any character, back references: anything


def _pattern_starts(parsed: Any, fold: bool) -> tuple[str, ...]:
    """The strings every match of a parsed pattern starts with, none a prefix of another; ()
    when a match may start with anything (or be empty)."""
    if parsed.getwidth()[0] == 0:
        return ()  # an empty match may be anywhere
    starts = _starts(parsed, fold)
    if not starts or len(starts) > MAX_STARTS:
        return ()
    kept: list[str] = []
    for string in sorted(starts, key=len):  # "merge" finds every place "merged" could start
        if not any(string.startswith(shorter) for shorter in kept):
            kept.append(string)
    return tuple(sorted(kept))


_LINE_ANCHORS = (_constants.AT_BEGINNING_LINE, _constants.AT_BEGINNING,
                 _constants.AT_BEGINNING_STRING)


def _line_starts(parsed: Any, fold: bool) -> tuple[tuple[str, ...], int]:
    """For a pattern that starts at a line's start (``^``, ``\\A``), then takes at most ``back``
    characters of no literal start (such as ``\\W{0,6}``): the strings that follow, and
    ``back``; ((), -1) for any other pattern."""
    items = list(parsed)
    n = 0
    anchored = False
    while n < len(items) and items[n][0] in (_constants.AT, _constants.ASSERT,
                                             _constants.ASSERT_NOT):
        anchored = anchored or (items[n][0] is _constants.AT and items[n][1] in _LINE_ANCHORS)
        n += 1
    back = 0
    while anchored and n < len(items):
        rest = _parser.SubPattern(parsed.state, items[n:])
        if rest.getwidth()[0] > 0:
            starts = _pattern_starts(rest, fold)
            if starts:
                return starts, back
        back += _parser.SubPattern(parsed.state, items[n:n + 1]).getwidth()[1]
        if back > MAX_BACK:
            break
        n += 1
    return (), -1


def _holds(conditions: Conditions, text: str) -> bool:
    # Loops rather than all(any(...)): the generators cost more than the tests on most calls.
    for needles in conditions:
        for needle in needles:
            if needle in text:
                break
        else:
            return False
    return True


class _Plan:
    """What a pattern needs: conditions for the whole and for each top-level alternative."""

    __slots__ = ("fold", "conditions", "alternatives", "variants", "lock", "parsed", "branch",
                 "starts", "back", "finder", "scan_conditions")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.fold = bool(pattern.flags & re.IGNORECASE)
        self.conditions: Conditions = ()
        self.alternatives: list[Conditions] = []
        self.variants: dict[tuple[int, ...], re.Pattern[str]] = {}
        self.lock = threading.Lock()
        self.parsed: Any = None
        self.branch = -1
        self.starts: tuple[str, ...] = ()  # every match starts with one of them (): anywhere
        self.back = -1  # or, when >= 0, at a line's start at most this far before one of them
        self.finder: re.Pattern[str] | None = None  # those line starts (see _matches)
        self.scan_conditions: Conditions = ()  # the conditions a scan of the starts does not check
        if pattern.flags & re.VERBOSE or not isinstance(pattern.pattern, str):
            return
        try:
            parsed = _parser.parse(pattern.pattern, pattern.flags)
        except Exception:  # noqa: BLE001 - the pattern compiled; a parser quirk only costs speed
            return
        # Inline flags such as (?i) at the start are global: the parser records them.
        self.fold = self.fold or bool(parsed.state.flags & re.IGNORECASE) or _any_inline_fold(parsed)
        self.conditions = _sequence(parsed, self.fold)
        self.starts = _pattern_starts(parsed, self.fold)
        if not self.starts:
            self.starts, self.back = _line_starts(parsed, self.fold)
            if self.back >= 0:
                strings = "|".join(map(re.escape, self.starts))
                self.finder = re.compile(rf"\n(?=[\s\S]{{0,{self.back}}}?(?:{strings}))")
        # "One of the starts is in the text" is what the scan finds first: not checked twice.
        self.scan_conditions = tuple(c for c in self.conditions if c != frozenset(self.starts))
        # The top level is one alternation, maybe between anchors (the parser moves a prefix all
        # alternatives share, such as \b, in front of it): its alternatives can be picked.
        ops = [op for op, _av in parsed]
        if ops.count(_constants.BRANCH) == 1 and all(
                op in (_constants.BRANCH, _constants.AT) for op in ops):
            self.branch = ops.index(_constants.BRANCH)
            self.alternatives = [_sequence(alt, self.fold) for alt in parsed[self.branch][1][1]]
            self.parsed = parsed

    def variant(self, pattern: re.Pattern[str], present: tuple[int, ...]) -> re.Pattern[str]:
        """The pattern with only the top-level alternatives numbered ``present``."""
        found = self.variants.get(present)
        if found is not None:
            return found
        with self.lock:
            items = list(self.parsed)
            alternatives = items[self.branch][1][1]
            items[self.branch] = (_constants.BRANCH, (None, [alternatives[i] for i in present]))
            try:
                compiled = _compiler.compile(_parser.SubPattern(self.parsed.state, items),
                                             pattern.flags)
            except Exception:  # noqa: BLE001 - fall back to the whole pattern
                compiled = pattern
            if len(self.variants) < MAX_VARIANTS:
                self.variants[present] = compiled
            return compiled


def _any_inline_fold(parsed: Any) -> bool:
    stack = list(parsed)
    while stack:
        op, av = stack.pop()
        if op is _constants.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                return True
            stack.extend(av[3])
        elif op is _constants.BRANCH:
            for alt in av[1]:
                stack.extend(alt)
        elif isinstance(av, tuple) and av and isinstance(av[-1], _parser.SubPattern):
            stack.extend(av[-1])
        elif isinstance(av, _parser.SubPattern):
            stack.extend(av)
    return False


# ASCII letters and digits from the rarest in model cards' lower-cased prose to the commonest.
RARITY = "jqzx98765k43vy210wbfpugmdhclrsnoiate"


class WordScan:
    """Every place of each of several literal words in a text, as a ``str.find`` loop per word
    gives them, in fewer passes over the text.

    Each ``str.find`` pass reads the whole text; twenty words cost twenty passes. Here each word
    is found through its rarest character (its pivot, from ``RARITY``): one pattern finds, in a
    single pass, the places of those characters that have one of the words around them
    (``q(?:(?=uant)|(?<=gptq)|(?<=awq))``), and each such place is checked against its words. A
    word whose characters are all common, or that alone has its pivot, is found with
    ``str.find``. The pattern consumes the pivot character alone, so every word's every place is
    reported, overlapping ones included; lookarounds of literal text keep it linear.

    Characters up to ``commonest`` in ``RARITY`` may be pivots: the pattern is tried at every
    place of every pivot, so a common one costs more than the passes it saves (measured on the
    cards' prose: "g" for the lineage words, whose 25 passes become 9)."""

    def __init__(self, words: tuple[str, ...], commonest: str = "g") -> None:
        self.words = words
        by_pivot: dict[str, list[tuple[str, int]]] = {}
        plain: list[str] = []
        most = RARITY.index(commonest)
        for word in dict.fromkeys(words):
            ranks = [(RARITY.index(c), k) for k, c in enumerate(word) if c in RARITY]
            rank, k = min(ranks) if ranks else (len(RARITY), 0)
            if rank <= most:
                by_pivot.setdefault(word[k], []).append((word, k))
            else:
                plain.append(word)
        plain += [w for group in by_pivot.values() if len(group) == 1 for w, _ in group]
        self.plain = tuple(plain)
        self.pivots = {c: tuple(group) for c, group in by_pivot.items() if len(group) > 1}
        alternatives = [
            re.escape(c) + "(?:" + "|".join(
                (f"(?<={re.escape(word[:k + 1])})" if k else "")
                + (f"(?={re.escape(word[k + 1:])})" if k + 1 < len(word) else "")
                for word, k in group) + ")"
            for c, group in self.pivots.items()]
        self.pattern = re.compile("|".join(alternatives)) if alternatives else None

    def places(self, text: str) -> dict[str, list[int]]:
        """Each word's places in ``text``, in order."""
        out: dict[str, list[int]] = {}
        find = text.find
        for word in self.plain:
            found = []
            at = find(word)
            while at >= 0:
                found.append(at)
                at = find(word, at + 1)
            out[word] = found
        if self.pattern is not None:
            pivots = self.pivots
            for group in pivots.values():
                for word, _ in group:
                    out[word] = []
            startswith = text.startswith
            for m in self.pattern.finditer(text):
                at = m.start()
                for word, k in pivots[text[at]]:
                    if at >= k and startswith(word, at - k):
                        out[word].append(at - k)
        return {word: out[word] for word in self.words}


# The lower-cased form of the text last asked for: the lineage and statement scans and the
# rules of one target read the same prose, and lower-casing it is a tenth of a scan's cost.
_last: tuple[str, str] = ("", "")


def lowered(text: str) -> str:
    """``text.lower()``, kept for the last text asked (by identity)."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    low = text.lower()
    _last = (text, low)
    return low


# Whether the last text asked for holds one of _UNFOLDED: each folding pattern run on the same
# prose asks, and each answer for a non-ASCII text is three passes over it.
_last_unfolded: tuple[str, bool] = ("", False)


def unfolded(text: str) -> bool:
    """Does ``text`` hold a letter that matches an ASCII letter ignoring case but does not
    lower-case to it? Then places found in ``lowered(text)`` are not the text's places."""
    global _last_unfolded
    last = _last_unfolded
    if last[0] is text:
        return last[1]
    found = not text.isascii() and any(c in text for c in _UNFOLDED)
    _last_unfolded = (text, found)
    return found


def _matches(pattern: re.Pattern[str], text: str, hay: str, starts: tuple[str, ...],
             finder: re.Pattern[str] | None, back: int, pos: int, endpos: int,
             end: tuple[int, ...]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` in ``text[pos:endpos]``, as ``finditer`` gives them, tried only
    where one of ``starts`` is in ``hay`` (``text`` as the starts are written) or, with a
    ``finder``, at the line starts at most ``back`` characters before one."""
    match = pattern.match
    if finder is not None:
        floor = pos
        if pos == 0 and any(hay.find(string, 0, min(endpos, back + len(string))) >= 0
                            for string in starts):
            found = match(text, 0, *end)
            if found is not None:
                yield found
                floor = found.end()
        # The other line starts: the finder begins with a literal '\n' (the engine skips from
        # one to the next in C) and looks a few characters ahead for the strings.
        for near in finder.finditer(hay, max(pos - 1, 0), endpos):
            line = near.end()
            if line >= floor:
                found = match(text, line, *end)
                if found is not None:
                    yield found
                    floor = found.end()
        return
    find = hay.find
    if len(starts) == 1:
        string = starts[0]
        at = find(string, pos, endpos)
        while at >= 0:
            found = match(text, at, *end)
            if found is None:
                at = find(string, at + 1, endpos)
            else:
                yield found
                at = find(string, found.end(), endpos)  # matches are never empty
        return
    # Each string's next place in a heap: each string is looked for once over the text, in order.
    heap = [(at, k) for k, string in enumerate(starts) if (at := find(string, pos, endpos)) >= 0]
    heapq.heapify(heap)
    floor = pos  # where the next match may start: the end of the last
    while heap:
        at, k = heap[0]
        if at >= floor:
            found = match(text, at, *end)
            if found is not None:
                yield found
                floor = found.end()
        at = find(starts[k], max(at + 1, floor), endpos)
        if at < 0:
            heapq.heappop(heap)
        else:
            heapq.heapreplace(heap, (at, k))


class Prefiltered:
    """A compiled pattern that is not run on text holding none of its needles."""

    __slots__ = ("pattern", "_plan", "_calls", "flags", "groups", "groupindex")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.flags = pattern.flags
        self.groups = pattern.groups
        self.groupindex = pattern.groupindex
        self._plan: _Plan | None = None
        self._calls = 0

    def _for(self, text: str) -> tuple[re.Pattern[str] | None, str | None]:
        """The pattern to run on ``text`` (maybe fewer alternatives), or None: it cannot match;
        and the text to find the pattern's starts in (lowered when folding), or None: no scan."""
        plan = self._plan
        if plan is None:
            self._calls += 1
            if self._calls < WARMUP:
                return self.pattern, None
            plan = self._plan = _Plan(self.pattern)
        if not isinstance(text, str):
            return self.pattern, None
        scan = bool(plan.starts) and len(text) >= MIN_SCAN
        if not (plan.conditions or scan):
            return self.pattern, None
        hay = text
        if plan.fold:
            if unfolded(text):
                return self.pattern, None
            hay = lowered(text)
        if scan:  # the scan tries the pattern only where it can start: no alternative to leave out
            return (self.pattern, hay) if _holds(plan.scan_conditions, hay) else (None, None)
        if not _holds(plan.conditions, hay):
            return None, None
        if not plan.alternatives:
            return self.pattern, None
        present = tuple(i for i, conditions in enumerate(plan.alternatives)
                        if _holds(conditions, hay))
        if not present:
            return None, None
        if len(present) == len(plan.alternatives):
            return self.pattern, None
        return plan.variant(self.pattern, present), None

    def _scan(self, pattern: re.Pattern[str], text: str, hay: str | None,
              args: tuple[int, ...]) -> Iterator[re.Match[str]] | None:
        """``pattern.finditer(text, *args)`` tried only where a match can start, or None when
        the text is not scanned."""
        if hay is None or len(args) > 2:
            return None
        pos = args[0] if args else 0
        endpos = min(args[1], len(text)) if len(args) > 1 else len(text)
        if not 0 <= pos <= endpos:
            return None  # out-of-range positions: as the pattern treats them
        plan = self._plan
        assert plan is not None
        return _matches(pattern, text, hay, plan.starts, plan.finder, plan.back, pos, endpos,
                        args[1:])

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        pattern, hay = self._for(text)
        if pattern is None:
            return None
        found = self._scan(pattern, text, hay, args)
        return pattern.search(text, *args) if found is None else next(found, None)

    def match(self, text: str, *args: int) -> re.Match[str] | None:
        pattern = self._for(text)[0]
        return pattern.match(text, *args) if pattern is not None else None

    def fullmatch(self, text: str, *args: int) -> re.Match[str] | None:
        pattern = self._for(text)[0]
        return pattern.fullmatch(text, *args) if pattern is not None else None

    def finditer(self, text: str, *args: int) -> Iterator[re.Match[str]]:
        pattern, hay = self._for(text)
        if pattern is None:
            return iter(())
        found = self._scan(pattern, text, hay, args)
        return pattern.finditer(text, *args) if found is None else found

    def findall(self, text: str, *args: int) -> list[Any]:
        pattern = self._for(text)[0]
        return pattern.findall(text, *args) if pattern is not None else []

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        pattern = self._for(text)[0]
        return pattern.sub(repl, text, count) if pattern is not None else text

    def __repr__(self) -> str:
        return f"Prefiltered({self.pattern!r})"


def prefiltered(pattern: str, flags: int = 0) -> Prefiltered:
    """``re.compile(pattern, flags)``, not run on text holding none of its needles."""
    return Prefiltered(re.compile(pattern, flags))
