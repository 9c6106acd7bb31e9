"""How a text relates to the canonical text of a license: what the fingerprint index keeps of
that text beyond its hashes (``Layout``), and one difference of a file from it (``Change``).

Below the modules that share them: the index (``fingerprint``), the code that works a layout out
when fingerprints are built (``layout``, whose patterns a scan need not compile), the comparison
of a file with its license (``compare``) and the identification results (``modellint.identify``),
so that none imports another for them. A record module: no ``from __future__ import
annotations`` (see modellint/model.py).
"""

from typing import NamedTuple


class Layout(NamedTuple):
    """What the canonical text looks like beyond its hashes (token positions in that text)."""

    tokens: int = 0  # how many tokens the canonical text has
    optional: tuple[tuple[int, int], ...] = ()  # token ranges a faithful copy may leave out
    headings: tuple[tuple[int, str], ...] = ()  # (first token, heading) of each section
    names: tuple[int, ...] = ()  # tokens where the license names itself or its licensor


class Change(NamedTuple):
    """One difference between a file and the canonical text of the license it holds."""

    kind: str  # added | removed | changed
    start: int  # characters of the file's passage (for removed: where the passage would be)
    end: int
    words: int  # words of the file's passage (0 for removed)
    removed_words: int  # words of the license's text that the passage removed or replaced
    sections: tuple[str, ...] = ()  # headings of the license's sections removed or replaced
    restrictions: tuple[str, ...] = ()  # kinds of restriction the file's passage adds
    renames: bool = False  # the passage replaces the license's own name


# "Copyright (c) 2024 Acme", "Copyright [yyyy] [name]", "(c) 2023 ...", "© ...": not "Copyright
# notice". Compiled where used (compare, layout), on first use.
COPYRIGHT_LINE = (r"^[ \t#*>-]{0,40}(?:copyright[ \t]{0,4}(?:\(c\)|©|\d|<|\[|\{)"
                  r"|\(c\)[ \t]{0,4}\d|©)")
