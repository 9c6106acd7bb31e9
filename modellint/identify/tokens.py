"""Text normalisation for license matching: tokens with offsets, and shingle hashes.

Words are lower-cased runs of letters and digits; punctuation, markdown and layout vanish, so a
text re-wrapped, re-quoted or turned into markdown still yields the same tokens. Chinese, Japanese
and Korean characters become one token each, so their shingles are character n-grams.
"""

from __future__ import annotations

import functools
import re
import zlib

SHINGLE = 5  # tokens per shingle

# Words that every license shares: a license's own name is what remains.
GENERIC = frozenset(
    "a an and the of for to by in on v version license licence licenses agreement agreements "
    "terms conditions use community research non commercial noncommercial open public general "
    "source software model models material materials ai artificial intelligence data dataset "
    "international unported generic attribution sharealike share alike noderivatives no "
    "derivatives creative commons cc permissive free rail responsible m original".split())

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_FIRST = "\u3040"
# A text with no character from U+3040 up (license files, KB names with an en dash) holds no CJK
# character, so plain word runs are the same tokens. The CJK-aware pattern costs ~2 ms to
# compile, so it is only built for a text that may need it.
_WORD_TOKEN = re.compile(r"[^\W_]+")


@functools.cache
def _token_pattern() -> re.Pattern[str]:
    return re.compile(rf"[^\W_{_CJK}]+|[{_CJK}]")


# Spelling variants that carry no legal difference (an address's scheme included).
_EQUIVALENT = {"licence": "license", "licences": "licenses", "licensor's": "licensor",
               "https": "http"}


# HTML markup in a license page ("<p>", "</li>", "&quot;") is layout, not words. Only known tag
# names count: "<year>" and "<OWNER>" are a license's own placeholders.
_HTML_TAGS = ("a|b|br|blockquote|body|code|dd|div|dl|dt|em|h[1-6]|head|hr|html|i|img|li|link|meta|"
              "ol|p|pre|span|strong|sub|sup|table|tbody|td|th|thead|title|tr|tt|u|ul|var")


@functools.cache
def _markup() -> re.Pattern[str]:
    return re.compile(rf"</?(?:{_HTML_TAGS})(?:[ \t\n][^<>]{{0,300}})?/?>|&#?[a-z0-9]{{2,8}};",
                      re.I)


class Tokens:
    """A text's normalised tokens with their character spans."""

    __slots__ = ("words", "starts", "ends")

    def __init__(self, text: str) -> None:
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        skip: list[tuple[int, int]] = []
        if "</" in text or "&" in text:  # markup: its tags and entities are not words
            skip = [m.span() for m in _markup().finditer(text)]
        k = 0
        for m in _pattern_for(text).finditer(text):
            if skip:
                while k < len(skip) and skip[k][1] <= m.start():
                    k += 1
                if k < len(skip) and skip[k][0] <= m.start():
                    continue
            w = m.group().lower()
            words.append(_EQUIVALENT.get(w, w))
            starts.append(m.start())
            ends.append(m.end())
        self.words = words
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        return len(self.words)

    def joined(self) -> str:
        """The tokens as one space-separated string, padded, for phrase search."""
        return " " + " ".join(self.words) + " "

    def char_span(self, first: int, last: int) -> tuple[int, int]:
        """Characters covered by tokens first..last (inclusive)."""
        last = min(last, len(self.words) - 1)
        return self.starts[first], self.ends[last]


def token_at(joined: str, at: int) -> int:
    """The index of the token starting at character ``at + 1`` of a ``Tokens.joined()`` string
    (``at`` is the space before it)."""
    return joined.count(" ", 0, at + 1) - 1


def _pattern_for(text: str) -> re.Pattern[str]:
    no_cjk = not text or text.isascii() or max(text) < _CJK_FIRST
    return _WORD_TOKEN if no_cjk else _token_pattern()


def normalise_phrase(phrase: str) -> str:
    """The phrase's tokens joined by spaces (what ``Tokens(phrase).words`` holds, without spans)."""
    # Lower-cased once joined (no token holds a space, and case mapping never crosses one); the
    # spelling variants are looked up only in a phrase that holds one.
    low = " ".join(_pattern_for(phrase).findall(phrase)).lower()
    if any(variant in low for variant in _EQUIVALENT):
        return " ".join([_EQUIVALENT.get(w, w) for w in low.split(" ")])
    return low


def shingle_hashes(words: list[str]) -> list[int]:
    """32-bit hashes of every run of SHINGLE consecutive tokens (one per start position)."""
    n = len(words) - SHINGLE + 1
    if n <= 0:
        return [zlib.crc32(" ".join(words).encode())] if words else []
    crc = zlib.crc32
    return [crc(" ".join(words[i:i + SHINGLE]).encode()) for i in range(n)]
