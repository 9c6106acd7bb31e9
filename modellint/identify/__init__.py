"""License identification from file text.

This first form reads ``SPDX-License-Identifier`` tags only; the knowledge base and a text
detector extend it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*([^\n\r*]+?)\s*(?:-->|\*/)?\s*$", re.M)


@dataclass(frozen=True)
class IdentifiedLicense:
    id: str  # knowledge-base id where known, else the SPDX id or expression
    confidence: float  # 0..1
    start: int  # character span in the text that matched
    end: int
    method: str  # spdx-tag | fingerprint | phrase | detector | filename


def identify_file(path: str, text: str | None) -> tuple[IdentifiedLicense, ...]:
    if not text:
        return ()
    found = []
    for m in _SPDX_TAG.finditer(text):
        found.append(IdentifiedLicense(m.group(1), 1.0, m.start(1), m.end(1), "spdx-tag"))
    return tuple(found)
