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
    assert wrapped._for("a fine-tuned model")[0] is None
    assert wrapped.search("a fine-tuned model") is None
    assert list(wrapped.finditer("nothing here")) == []
    assert wrapped.findall("nothing here") == []
    assert wrapped.sub("X", "nothing here") == "nothing here"
    assert wrapped.search("Made with MergeKit.").group() == "MergeKit"


def test_only_the_alternatives_whose_needles_are_present_run_with_groups_kept():
    wrapped = warm(r"(?P<a>alpha)\s+one|(?P<b>beta)\s+two|(?P<c>gamma)\s+three", re.I)
    chosen = wrapped._for("the beta two")[0]
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
    for markers in lineage._modification_markers():  # a group, or a tuple of them (prose)
        found += markers if isinstance(markers, tuple) else [markers]
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


# ---- starts: the pattern is tried only where a match can start ----------------------------------

def test_starts_are_the_strings_every_match_begins_with():
    assert _Plan(re.compile(r"\boriginal\s+model\b|\bmirror\s+of\b", re.I)).starts == (
        "mirror", "original")
    # An optional part: a match starts with it or with what follows it.
    assert _Plan(re.compile(r"\b(?:(?:pre|post)-?)?train(?:ed|ing)\b", re.I)).starts == (
        "post", "pre", "train")
    # Zero-width items (\b, ^, lookarounds) are skipped; a single-character set gives its characters.
    assert _Plan(re.compile(r"(?<=x)^(?=y)[ab]c", re.M)).starts == ("a", "b")
    # A string another one starts with is not looked for twice.
    assert _Plan(re.compile(r"\bmerge\s+of\b|\bmerged\b|\bmergekit\b")).starts == ("merge",)
    # Case-sensitive patterns keep their case; a cased non-ASCII letter ends the string when folding.
    assert _Plan(re.compile(r"NOTICE\b")).starts == ("NOTICE",)
    assert _Plan(re.compile(r"Faça\b", re.I)).starts == ("fa",)
    assert _Plan(re.compile(r"マージ|合并模型", re.I)).starts == ("マージ", "合并模型")
    # A match that may start with anything, or be empty, is searched as it is.
    for pattern in (r"\bfoo|\w+bar", r"(?:abc)?\d", r"x?", r"\W{0,6}source:", r".x"):
        assert _Plan(re.compile(pattern)).starts == (), pattern
    # From a line's start, a bounded run before strings: the line starts that far before them.
    plan = _Plan(re.compile(r"^\W{0,6}(?:model\s+info|source)\s{0,3}:", re.M))
    assert (plan.starts, plan.back) == (("model", "source"), 6)
    plan = _Plan(re.compile(r"^[\s>]{0,8}\s{0,2}(?:training\s+)?data:", re.M | re.I))
    assert (plan.starts, plan.back) == (("data:", "training"), 10)
    assert _Plan(re.compile(r"^\W{0,30}source:", re.M)).back == -1  # too far back
    assert _Plan(re.compile(r"^\W*source:", re.M)).back == -1


_SCANNED = [
    (r"\b(?:(?:pre|post|re)-?)?(?:train(?:ed|ing)|fine-?\s?tun(?:ed|ing))\b[^.\n]{0,40}?\bon\s+", re.I),
    (r"\boriginal\s+(?:model|page)\s{0,3}[:(]|\bmirror\s+of\b", 0),
    (r"(?<!based )\bon\s+(?P<what>\w+)", re.I),
    (r"\b(?:weights|checkpoints?)\s+(?:from|of)\s+(?:the\s+)?\[", 0),
    (r"(?i:\b(?:a|this)\s+(?:mix|merge)\s+of\s+)[A-Z\[]", 0),
    (r"\bsource\b|\bsınıf\b|straße", re.I),
    (r"マージ|合并模型|\bmerge\b", re.I),
    (r"\bk\w{0,3}|\bs\w{0,3}|\bi\w{0,3}", re.I),
    # From a line's start: a bounded run of no literal start, then the strings.
    (r"^\W{0,6}(?:model\s+info|source)\s{0,3}[:：]\s{0,3}https?://", re.M),
    (r"^\W{0,6}(?:model\s+info|source)\s{0,3}[:：]\s{0,3}https?://", re.M | re.I),
    (r"^[\s>*|-]{0,8}(?:\*\*)?\s{0,2}(?:training\s+)?(?:data(?:sets?)?|corpus)(?:\*\*)?\s{0,2}:"
     r"\s{0,4}(?P<obj>\S.{0,20})$", re.M | re.I),
    (r"\A\s{0,3}data\b", re.I),
]
_PIECES = ["trained on ", "pre-trained ", "Fine-Tuned ", "fine tuning ", "on ", "based on ",
           "original model: ", "Original Page(", "mirror of ", "weights of [", "checkpoint from the [",
           "a mix of ", "A MERGE OF ", "Model", " ", "\n", ". ", "x", "retrain", "source", "SOURCE",
           "ſource", "ſ", "ı", "İ", "\u212a", "K", "sınıf", "STRASSE", "straße", "マージ", "合并模型",
           "é", "data", "on_", "_on ", "[", "(", "1", "source: https://x", "Model Info：http://y",
           "- ", "  ", "\n\n", "# ", "> ", "**Dataset:** ", " - Training CORPUS: x", "data: ", ": "]


def _text(rng: random.Random) -> str:
    parts = [rng.choice(_PIECES) for _ in range(rng.randint(10, 80))]
    return "".join(p.upper() if rng.random() < 0.15 else p for p in parts)


@pytest.mark.parametrize(("pattern", "flags"), _SCANNED)
def test_scanning_the_starts_gives_what_search_and_finditer_give(pattern, flags):
    """Including \\b and lookbehinds at the start, IGNORECASE, non-ASCII text and the characters
    that match ASCII letters ignoring case without lower-casing to them."""
    rng = random.Random(305)
    wrapped = warm(pattern, flags)
    compiled = re.compile(pattern, flags)
    assert _plan(wrapped).starts
    scanned = 0
    for _ in range(400):
        text = _text(rng)
        scanned += len(text) >= prefilter.MIN_SCAN
        pos = rng.randint(0, len(text))
        endpos = rng.randint(pos, len(text))
        for args in ((), (pos,), (pos, endpos), (pos, len(text) + 5)):
            assert same(wrapped.search(text, *args), compiled.search(text, *args)), (text, args)
            got = [(m.span(), m.groups()) for m in wrapped.finditer(text, *args)]
            assert got == [(m.span(), m.groups()) for m in compiled.finditer(text, *args)], (text, args)
    assert scanned > 300


def test_a_match_is_tried_only_where_a_start_is():
    wrapped = warm(r"\bmirror\s+of\b", re.I)
    text = "x" * 500 + " Mirror of y " + "z" * 500
    tried: list[int] = []

    class Spy:
        def match(self, string: str, pos: int, *end: int) -> re.Match[str] | None:
            tried.append(pos)
            return wrapped.pattern.match(string, pos, *end)

    found = list(prefilter._matches(Spy(), text, text.lower(), _plan(wrapped).starts, None, -1,  # type: ignore[arg-type]
                                    0, len(text), ()))
    assert tried == [501] and [m.span() for m in found] == [(501, 510)]


def test_text_characters_matching_an_ascii_letter_ignoring_case_lower_to_it():
    """What the scan of lower-cased text relies on, over every code point: a character that
    matches an ASCII character ignoring case lower-cases to that character's lower case (one
    character), except those the scan leaves to the pattern (``_UNFOLDED``)."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for code in range(128):
        char = chr(code)
        for found in re.findall(re.escape(char), everything, re.I):
            assert found.lower() == char.lower() or found in prefilter._UNFOLDED, (char, found)
    assert [c for c in everything if len(c.lower()) != 1] == ["\u0130"]


def test_from_a_line_start_only_the_line_starts_near_a_string_are_tried():
    wrapped = warm(r"^\W{0,6}source\s{0,3}:\s{0,3}https?://", re.M)
    text = "line\n" * 100 + "- source: https://x\n" + "## source\n" + "line\n" * 100
    tried: list[int] = []

    class Spy:
        def match(self, string: str, pos: int, *end: int) -> re.Match[str] | None:
            tried.append(pos)
            return wrapped.pattern.match(string, pos, *end)

    plan = _plan(wrapped)
    found = list(prefilter._matches(Spy(), text, text, plan.starts, plan.finder, plan.back,  # type: ignore[arg-type]
                                    0, len(text), ()))
    assert tried == [500, 520] and [m.span() for m in found] == [(500, 518)]


def find_loops(words: tuple[str, ...], text: str) -> dict[str, list[int]]:
    """What WordScan replaces: a str.find loop per word."""
    out = {}
    for word in words:
        found, at = [], text.find(word)
        while at >= 0:
            found.append(at)
            at = text.find(word, at + 1)
        out[word] = found
    return out


WORD_SETS = [
    ("quant", "gptq", "awq", "exl2", "mlx", "adapter", "compl", "parent model", "derived",
     "governed", "base", "built", "bound", "model base", "ggml", "merge", "original model", "tun"),
    ("qq", "qqq", "aqa", "q", "xq", "qx", "zz", "jaj"),  # overlapping, self-overlapping, one letter
    ("base", "based", "base model", "model base", "b", "bb"),  # one pivot place, several words
    ("the", "and", "e e", "--", "データ"),  # no pivot at all: found with str.find
]
TEXTS = [
    "",
    "q",
    "qqqq xqx aqaqa jajaj zzz bbb based base model base",
    "GPTQ and AWQ quants of a model base: gptqawq exl2mlx, derived/governed, built-bound.",
    "parent model\nmodel base\tmodel  base original model merge ggml-merge",
    "İstanbul q\u212a data データ base\u017f quant — ünïcödé gptq",
]


@pytest.mark.parametrize("words", WORD_SETS)
def test_a_word_scan_finds_what_a_find_loop_per_word_finds(words):
    scan = prefilter.WordScan(words, commonest="e")
    rng = random.Random(7)
    letters = "qxjzbpvg aeu-\n" + "".join(sorted(set("".join(words))))
    texts = TEXTS + ["".join(rng.choice(letters) for _ in range(rng.randint(0, 300)))
                     for _ in range(300)]
    texts += [" ".join(rng.choice(words) for _ in range(20)) for _ in range(50)]
    for text in texts:
        assert scan.places(text) == find_loops(words, text), text
    assert prefilter.WordScan(words).places(texts[3]) == find_loops(words, texts[3])


def test_a_word_scan_finds_rare_characters_with_one_pattern():
    scan = prefilter.WordScan(("quant", "gptq", "awq", "lora", "tun"))
    assert scan.plain == ("lora", "tun")  # common letters only: str.find
    assert scan.pattern is not None and scan.pattern.pattern.startswith("q(?:")
    assert scan.places("gptq awq quant") == {"quant": [9], "gptq": [0], "awq": [5], "lora": [],
                                             "tun": []}
