"""Target text made safe to print: control characters, escape sequences and bidi controls shown
as escapes, never sent raw.

A finding's message carries values from the target (a card's license, a file name, a base
model id). Printed raw, a newline in one forges extra finding lines (and in GitHub's log, a
``::error`` or ``::add-mask::`` command), an escape sequence rewrites the terminal, a bidi
override reorders what the reader sees (CVE-2021-42574), and a lone surrogate cannot be written
to a UTF-8 stream at all. ``shown`` keeps every other character as it is.
"""

import re

# C0 and C1 controls and DEL, the Unicode line and paragraph separators, bidi embeddings,
# overrides, isolates and marks, and lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _escape(match: "re.Match[str]") -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` with its unsafe characters escaped (``\\n``, ``\\x1b``, ``\\u202e``...)."""
    if text.isprintable():  # the common case: no control, separator or format character at all
        return text
    return _UNSAFE.sub(_escape, text)
