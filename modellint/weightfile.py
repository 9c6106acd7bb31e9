"""What a weight file's header says, as one record.

Below both the header readers that build it (``modellint.weights``) and the facts that hold it
(``modellint.facts``), so that neither imports the other for it. Like every record module, this
one does without ``from __future__ import annotations`` (see modellint/model.py).
"""

from collections.abc import Mapping
from typing import Any, NamedTuple

from modellint.model import EMPTY_MAPPING
from modellint.snapshot import LfsPointer


class WeightFile(NamedTuple):
    """A weight file as learned from its header, without loading it."""

    path: str
    format: str
    size: int  # on-disk size, or the size a git-lfs pointer declares
    lfs: LfsPointer | None = None
    inspected: bool = False  # True when the header was read
    metadata: Mapping[str, Any] = EMPTY_MAPPING  # license/provenance keys found
    summary: Mapping[str, Any] = EMPTY_MAPPING  # tensor count, dtypes, ...
    note: str | None = None  # why it was not inspected (lfs pointer, pickle format, ...)
    error: str | None = None  # header invalid: feeds ML902
