"""Weight files: what can be learned without loading them.

This first form records format, size and git-lfs pointers; header readers extend it.
"""

from __future__ import annotations

from modellint.classify import PICKLE_FORMATS
from modellint.facts import WeightFile
from modellint.snapshot import FileEntry, Snapshot


def inspect_weight(snapshot: Snapshot, entry: FileEntry, fmt: str) -> WeightFile:
    if entry.lfs is not None:
        return WeightFile(entry.path, fmt, entry.lfs.size, lfs=entry.lfs,
                          note="git-lfs pointer: header not available locally")
    if fmt in PICKLE_FORMATS:
        return WeightFile(entry.path, fmt, entry.size,
                          note="pickle-based format: never unpickled; carries no license metadata")
    return WeightFile(entry.path, fmt, entry.size, note="header not inspected")
