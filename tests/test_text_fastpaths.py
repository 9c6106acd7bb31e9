"""The faster forms in checks/_text.py give exactly what the plain ones give (speed work only)."""

from __future__ import annotations

import random
import sys

from modellint.checks import _text


def test_the_characters_that_lower_case_to_ascii_letters_are_known():
    found = {chr(c) for c in range(0x80, sys.maxunicode + 1)
             if any("a" <= x <= "z" for x in chr(c).lower())}
    assert found <= set(_text._LETTERS_FROM_ELSEWHERE)


def test_a_phrase_is_contained_as_the_normalized_texts_contain_it():
    rng = random.Random(402)
    pieces = ["Built", " with ", "Llama", "Acceptable", " Use ", "Policy", "**", "*", "_", "'", "\"", "`",
              "\u201c", "\u201d", "\u2019", "\u00a9", "(c)", " ", "\n", "\u00a0", "K", "\u212a", "\u0130",
              "i\u0307", "É", "attachment a", "\udc80", "-", ".", "ſ", "ı"]
    phrases = ["Built with Llama", "Acceptable Use Policy", "(c) Llama", "attachment a of use", "k",
               "i\u0307", "use policy.", "Use-Policy", "é", "llama ", ""]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        phrase = rng.choice(phrases)
        needle = _text.normalize(phrase).rstrip(" .,;:")
        assert _text.contains_phrase(text, phrase) == (bool(needle) and needle in _text.normalize(text)), \
            (text, phrase)
