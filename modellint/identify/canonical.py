"""What the fingerprint index keeps of a canonical license text beyond its hashes.

Its own module, below both the index that stores it (``fingerprint``) and the code that works it
out from a reference text when fingerprints are built (``layout``, whose patterns a scan need not
compile). A record module: no ``from __future__ import annotations`` (see modellint/model.py).
"""

from typing import NamedTuple


class Layout(NamedTuple):
    """What the canonical text looks like beyond its hashes (token positions in that text)."""

    tokens: int = 0  # how many tokens the canonical text has
    optional: tuple[tuple[int, int], ...] = ()  # token ranges a faithful copy may leave out
    headings: tuple[tuple[int, str], ...] = ()  # (first token, heading) of each section
    names: tuple[int, ...] = ()  # tokens where the license names itself or its licensor
