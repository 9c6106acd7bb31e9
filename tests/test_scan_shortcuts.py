"""The faster forms of the prose scans give exactly what the plain forms give.

The card statements and lineage scans find literal words with ``str.find`` and cut out, or match
patterns at, only the places found (``statements._units``, ``lineage_text.matches_from``,
``lineage_text.family_in``'s needles). Each is checked here against the plain form it replaced,
kept below as the reference: on texts built to hit the edges (blank and list lines, walls of
text, "İ" which lowers to two characters), and on the real cards when they are available.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from modellint.facts import lineage_text, statements
from modellint.facts.lineage_text import families, family_in

# ---- the plain forms ----


def plain_units(prose: str, first_line: int) -> Iterator[tuple[str, int]]:
    """Every paragraph / list item / table row / heading, with the line it starts on."""
    unit: list[str] = []
    start = first_line
    for offset, raw in enumerate(prose.split("\n")):
        line = raw.strip()
        lineno = first_line + offset
        block = bool(statements._BLOCK_START.match(raw))
        if not line or block:
            if unit:
                yield " ".join(unit), start
                unit = []
            if line:
                unit, start = [line], lineno
            continue
        if not unit:
            start = lineno
        unit.append(line)
        if len(unit) > 40:
            yield " ".join(unit), start
            unit = []
    if unit:
        yield " ".join(unit), start


def plain_statement_units(prose: str, first_line: int) -> list[tuple[str, int]]:
    return [(text, line) for text, line in plain_units(prose, first_line)
            if re.search("|".join(statements._HINT_WORDS), text.lower())]


def plain_family_in(text: str, names_only: bool = False) -> tuple[object, int, int] | None:
    low = re.sub(r"[\s_-]+", lambda m: "-" * len(m.group(0)), text.lower())
    best = None
    for fam in families():
        if names_only and not fam.in_names:
            continue
        m = fam.pattern.search(low)
        if m and fam.case and not text.startswith(fam.case, m.start()):
            continue
        if m and (best is None or m.start() < best[1]):
            best = (fam, m.start(), m.end())
    return best


SCANNED = [(statements._VERB, statements._VERB_STARTS),
           (lineage_text._RELATION, lineage_text._RELATION_STARTS),
           (lineage_text._NOUN, lineage_text._NOUN_STARTS),
           (lineage_text._LICENSE_OF, lineage_text._LICENSE_OF_STARTS)]


def spans(matches: object) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]  # type: ignore[attr-defined]


def check_text(prose: str) -> None:
    assert list(statements._units(prose, 7)) == plain_statement_units(prose, 7), prose[:200]
    for line in prose.split("\n")[:400]:
        line = line[:4000]
        for pattern, starts in SCANNED:
            assert spans(lineage_text.matches_from(pattern, starts, line, line.lower())) == spans(
                pattern.finditer(line)), line
    # A last line holding "İ" makes the lower-cased prose longer: each line is then scanned on
    # its own, as lines were before (the starts found over the whole prose are not used).
    assert lineage_text.prose_mentions(prose + "\nİ", 3) == lineage_text.prose_mentions(prose, 3)
    for at in range(0, min(len(prose), 20000), 97):
        window = prose[at:at + 160]
        assert family_in(window) == plain_family_in(window), window
        assert family_in(window, True) == plain_family_in(window, True), window


WALL = " ".join(f"word{n}" for n in range(30))
EDGES = [
    "",
    "licensed under MIT",
    "\n\n  \nThe code is released under Apache 2.0\n",
    "# License\nThe model is\nlicensed under MIT.\n- code: under Apache\n* weights: CC-BY\n",
    "text\n" * 39 + "available here\n" + "text\n" * 3 + "released\n",
    "\n".join(f"line {n} {'shared' if n % 17 == 0 else ''}" for n in range(200)),
    "\n".join(f"{'- ' if n % 45 == 0 else ''}{WALL} {'under' if n % 13 == 0 else ''}" for n in range(300)),
    "İstanbul model, licensed under MIT\nİİ released under Apache\n",
    "a\n\n   \n1. provided as is\n2) \u3000subject to terms\n> quoted, published\n|table| under |\n",
    "Fine-tuned from Llama 2 7B; a Llama-3 fine-tune. İ based on Mistral-7B. QLoRA adapter for "
    "gemma_2. Must comply with the license of Llama2. further pre-trained from Qwen 2.5 72B\n",
    "merge of SDXL turbo and stable diffusion xl 1.0, sd-2.1 ... Codestral-22B Falcon_7b phi-3.5\n",
    "LLaMA-13b and llama-1 and LLaMA 1 and Code Llama 3 and open-llama-3 FLUX.1 [dev] flux schnell\n",
    "Licenced under A; RELEASED publicly under B; available to C; Distributed by D; provided as "
    "E; published with F; covered by G; governed by H; shared under I; offered as J; subject to "
    "K; under L; complies with M; compliance with N; terms apply; restrictions still applies; "
    "the license applies; licence still apply; the Llama 2 Community License governs it\n",
    # a paragraph whose only statement is in its second piece of 41 lines
    "\n".join(f"{WALL} {'licensed under MIT' if n == 60 else ''}" for n in range(90)),
    "Quantized versions of A, quantisation of B, quants of C, GGUF format model files for D, ggml "
    "quants of E, GPTQ version of F, AWQ weights for G, EXL2 quants for H, MLX conversion of I; a "
    "merge of J, merged from K, merged with L, LoRA for M, QLoRA adapter of N, adapters for O, "
    "fine-tuned version of P, finetuned from Q, fine tuning on top of R, fine-tunes of S, further "
    "trained from T, continued pretraining of U, pre-trained from V, trained on top of W, "
    "initialized from X, initialised with Y, derived from Z, based on AA, built upon BB, built on "
    "top of CC. It complies with DD, is subject to EE, governed by FF, bound by GG, inherits HH "
    "and follows II. A Mistral-7B fine-tune.\n",
]


@pytest.mark.parametrize("prose", EDGES)
def test_shortcuts_on_edge_texts(prose):
    check_text(prose)


def test_shortcuts_on_real_cards():
    from tests.conftest import shared_path

    cards = sorted(shared_path("hf-cards", "cards").iterdir())
    for path in cards[::40]:
        check_text(path.read_text(encoding="utf-8", errors="replace"))


def test_family_needles():
    from modellint.facts.lineage_text import SPACES, _needles

    assert sorted(SPACES) == [chr(c) for c in range(0x110000) if chr(c).isspace()]
    # Every family is looked for only in text holding one of its needles.
    assert all(_needles(fam.pattern) for fam in families())
    assert _needles(re.compile(r"(?<![a-z])(?:pali)?gemma-?2|code-?llama(?!x)", re.A)) == {
        "gemma", "llama"}
    assert _needles(re.compile(r"sd-?xl-?1\.0|x+yz", re.A)) == {"1.0", "yz"}
    assert _needles(re.compile("(?i)llama")) is None
    assert _needles(re.compile("llama", re.I)) is None
    assert _needles(re.compile("a?|b")) is None


def plain_find_mentions(joined: str) -> list[tuple[str, int, int]]:
    """Every name of the table looked for in turn, longest first."""
    from bisect import bisect_right

    from modellint.identify.names import name_table

    found = []
    claimed = bytearray(len(joined))
    spaces = [i for i, c in enumerate(joined) if c == " "]
    for norm, lid in name_table():
        needle = f" {norm} "
        at = joined.find(needle)
        while at >= 0:
            end = at + len(needle)
            if claimed.find(1, at, end) < 0:
                claimed[at:end] = b"\x01" * (end - at)
                first = bisect_right(spaces, at) - 1
                found.append((lid, first, first + len(norm.split()) - 1))
            at = joined.find(needle, end - 1)
    return found


def test_license_names_found_as_before():
    from modellint.identify.names import find_mentions, name_table
    from modellint.identify.tokens import Tokens

    texts = ["", "under the CreativeML OpenRAIL-M license and the Apache License, Version 2.0",
             " ".join(norm for norm, _ in name_table()[::3]),
             "the the gnu general public license gnu general public license v3 " * 50]
    try:
        from tests.conftest import shared_path

        texts += [p.read_text(errors="replace") for p in sorted(
            shared_path("license-texts").rglob("*"))[::5] if p.is_file()][:60]
    except pytest.skip.Exception:
        pass
    for text in texts:
        joined = Tokens(text).joined()
        assert find_mentions(joined) == plain_find_mentions(joined)
    assert find_mentions(" the apache license version 2 0 ")  # the texts do name licenses


def test_statements_same_without_the_name_heads():
    """Words that begin no known name are not looked up: the statements found are the same."""
    from modellint.facts.picture import _namer

    texts = [*EDGES, "The model is Apache-2.0 licensed; code: MIT. Released under the Llama 3.1 "
             "Community License Agreement; the data is CC BY-NC 4.0, made available under "
             "[Open RAIL-M](https://huggingface.co/spaces/CompVis/stable-diffusion-license).\n"]
    try:
        from tests.conftest import shared_path

        cards = sorted(shared_path("hf-cards", "cards").iterdir())[::60]
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in cards]
    except pytest.skip.Exception:
        pass
    namer = _namer(["LICENSE", "MODEL_LICENSE"])
    assert namer.heads
    found = 0
    for text in texts:
        fast = statements.find_statements(text, 1, namer)
        assert fast == statements.find_statements(text, 1, namer._replace(heads=None))
        found += len(fast)
    assert found > 3


def test_tail_read_backwards():
    """_tail_start (one match on the reversed text) finds what _TAIL_CHUNKS.search finds."""
    import random

    rnd = random.Random(18)
    pieces = ["a", "é", "_", ".", "+", " ", "-", "\t", ",", "\u3000", "1", "\n", "x" * 39, "y" * 41,
              "   ", "----", "MIT", "Apache-2.0"]
    for _ in range(20000):
        tail = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 25)))[-60:]
        m = statements._TAIL_CHUNKS.search(tail)
        assert statements._tail_start(tail) == (None if m is None else m.start()), repr(tail)


def test_lowered_keeps_the_last_text():
    text = "The Code Is MIT" + "x" * 50
    assert lineage_text.lowered(text) == text.lower()
    assert lineage_text.lowered(text) is lineage_text.lowered(text)
    other = "".join(["The Code Is MIT", "x" * 50])  # equal, but another string
    assert lineage_text.lowered(other) == text.lower()
    assert lineage_text.lowered("ÀB") == "àb"
