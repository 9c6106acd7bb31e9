"""Literal prefilters give exactly the results of the patterns they wrap, and skip text that
cannot match."""

from __future__ import annotations

import random
import re

import pytest

from modellint import prefilter
from modellint.prefilter import Prefiltered, _Plan, prefiltered


def warm(pattern: str, flags: int = 0) -> Prefiltered:
    wrapped = prefiltered(pattern, flags)
    for _ in range(prefilter.WARMUP):
        wrapped.search("")
    assert wrapped._plan is not None
    return wrapped


def same(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.span() == b.span() and a.groups() == b.groups() and a.groupdict() == b.groupdict()


def test_conditions_are_the_literal_runs_each_match_needs():
    plan = _Plan(re.compile(r"\boriginal\s+(?:model|page)\b|\bmirror\s+of\b", re.I))
    assert plan.conditions == (frozenset({"original", "mirror"}),)
    assert plan.alternatives == [(frozenset({"original"}), frozenset({"model", "page"})),
                                 (frozenset({"mirror"}),)]
    # Optional parts, classes and negative lookarounds need nothing; a repeat of at least one does.
    assert _Plan(re.compile(r"(?:abc)?\d+(?!xyz)")).conditions == ()
    assert _Plan(re.compile(r"(?:abc)+\d")).conditions == (frozenset({"abc"}),)
    # One alternative needing nothing makes the alternation need nothing.
    assert _Plan(re.compile(r"foo|\w+")).conditions == ()
    # Case-sensitive patterns keep their case; folding ones are lower-cased.
    assert _Plan(re.compile(r"NOTICE\b")).conditions == (frozenset({"NOTICE"}),)
    assert _Plan(re.compile(r"NOTICE\b", re.I)).conditions == (frozenset({"notice"}),)
    # A cased non-ASCII letter is not looked for (it breaks the run); an uncased one is.
    assert _Plan(re.compile(r"faça", re.I)).conditions == ()
    assert _Plan(re.compile(r"マージ|合并模型", re.I)).conditions == (frozenset({"マージ", "合并模型"}),)


def test_text_without_a_needle_is_not_searched():
    wrapped = warm(r"\bmerge\s+of\b|\bmergekit\b", re.I)
    assert wrapped._for("a fine-tuned model") is None
    assert wrapped.search("a fine-tuned model") is None
    assert list(wrapped.finditer("nothing here")) == []
    assert wrapped.findall("nothing here") == []
    assert wrapped.sub("X", "nothing here") == "nothing here"
    assert wrapped.search("Made with MergeKit.").group() == "MergeKit"


def test_only_the_alternatives_whose_needles_are_present_run_with_groups_kept():
    wrapped = warm(r"(?P<a>alpha)\s+one|(?P<b>beta)\s+two|(?P<c>gamma)\s+three", re.I)
    chosen = wrapped._for("the beta two")
    assert chosen is not None and chosen is not wrapped.pattern
    match = wrapped.search("the BETA two")
    assert match is not None and match.span() == (4, 12)
    assert match.group("b") == "BETA" and match.group("a") is None and match.lastgroup == "b"
    assert match.groups() == (None, "BETA", None)
    # The leftmost match wins across the alternatives that run, as in the whole pattern.
    text = "gamma three, then alpha one"
    assert same(wrapped.search(text), wrapped.pattern.search(text))


@pytest.mark.parametrize("text", [
    "ſource: https://x",  # LATIN SMALL LETTER LONG S matches s ignoring case
    "orıgınal model: here",  # dotless i matches i ignoring case
    "İNFO: https://x",  # dotted capital I lower-cases to two characters
    "built with merge\u212aIT",  # KELVIN SIGN lower-cases to k
])
def test_letters_that_match_ascii_ignoring_case_are_not_filtered_out(text):
    pattern = r"^\W{0,6}(?:model\s+info|info|source)\s{0,3}:\s{0,3}https?://|\boriginal\s+model\b|\bmergekit\b"
    wrapped = warm(pattern, re.I | re.M)
    assert same(wrapped.search(text), re.compile(pattern, re.I | re.M).search(text))
    assert wrapped.search(text) is not None


def test_inline_case_folding_in_a_case_sensitive_pattern():
    wrapped = warm(r"Apache (?i:license)|MIT")
    assert wrapped.search("Apache LICENSE").group() == "Apache LICENSE"
    assert wrapped.search("apache license") is None


def test_a_single_scan_never_parses_the_pattern():
    wrapped = prefiltered(r"\bmergekit\b", re.I)
    for _ in range(prefilter.WARMUP - 1):
        assert wrapped.search("mergekit") is not None
    assert wrapped._plan is None


def _patterns_in_use() -> list[Prefiltered]:
    from modellint.checks import _text, lineage, obligations

    found = [v for m in (_text, obligations) for v in vars(m).values() if isinstance(v, Prefiltered)]
    found += list(lineage._modification_markers())
    assert len(found) >= 7
    return found


def test_results_equal_the_patterns_on_text_built_from_their_literals():
    """Every prefiltered pattern modellint uses, on text made of its own literal runs in random
    case, order and company: search, finditer, findall and sub give what the pattern gives."""
    rng = random.Random(18)
    for wrapped in _patterns_in_use():
        pattern = wrapped.pattern
        for _ in range(prefilter.WARMUP):
            wrapped.search("")
        words = sorted({w for c in _plan(wrapped).conditions for w in c}
                       | {w for alt in _plan(wrapped).alternatives for c in alt for w in c})
        pieces = words + [" ", "\n", ": ", "https://x.org/y ", "[a](b) ", "of ", "the ", "from ",
                          "ſ", "ı", "K", "İ", "model ", "weights ", "\n## "]
        for _ in range(300):
            parts = [rng.choice(pieces) for _ in range(rng.randint(0, 12))]
            text = "".join(p.upper() if rng.random() < 0.2 else p for p in parts)
            assert same(wrapped.search(text), pattern.search(text)), (pattern.pattern, text)
            assert [m.span() for m in wrapped.finditer(text)] == [
                m.span() for m in pattern.finditer(text)]
            assert wrapped.findall(text) == pattern.findall(text)
            assert wrapped.sub("#", text) == pattern.sub("#", text)


def _plan(wrapped: Prefiltered) -> _Plan:
    assert wrapped._plan is not None
    return wrapped._plan
