"""Weight files: what can be learned without loading them.

Headers are read through the snapshot's bounded reads only (HTTP Range requests on the Hub):
one 64 KiB read from the start, more only when the header says so and within hard caps. Nothing
is ever unpickled, imported or executed. Only struct/json here: this runs on every local scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from modellint.classify import PICKLE_FORMATS
from modellint.snapshot import FileEntry, FileReadError, Snapshot
from modellint.weightfile import WeightFile
from modellint.weights._io import FIRST_READ, HeaderError, OverBudget, RangeReader

# Metadata keys that carry a license id or name, per format, in the order they are judged.
LICENSE_KEYS = {
    "safetensors": ("modelspec.license", "license"),
    "gguf": ("general.license", "general.license.name"),
    "onnx": ("model_license", "license"),
    "weights-index": ("license", "modelspec.license"),
}


# Header bytes parsed for one target, all weight files together: parsing costs CPU in proportion
# (a 90 MB safetensors header is ~5 s and ~1 GB of objects), and a repository may hold hundreds
# of shards. A real checkpoint's headers are a few MiB in all.
HEADER_BUDGET = 64 * 1024 * 1024


class HeaderBudget:
    """Header bytes left to parse for one target."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = HEADER_BUDGET if limit is None else limit
        self.spent = 0

    def left(self) -> int:
        return max(0, self.limit - self.spent)

    def take(self, n: int) -> None:
        self.spent += n

    def note(self) -> str:
        return (f"header not inspected: the {self.limit // (1024 * 1024)} MiB of weight headers "
                "modellint parses per repository are spent")


def inspect_weight(snapshot: Snapshot, entry: FileEntry, fmt: str,
                   budget: HeaderBudget | None = None) -> WeightFile:
    """Describe one weight file; raises FileReadError only when it cannot be read at all."""
    if entry.lfs is not None:
        return WeightFile(entry.path, fmt, entry.lfs.size, lfs=entry.lfs,
                          note="git-lfs pointer: header not available locally")
    if fmt not in ("safetensors", "gguf", "onnx") and fmt not in PICKLE_FORMATS:
        return WeightFile(entry.path, fmt, entry.size, note="header not inspected")
    budget = budget or HeaderBudget()
    if budget.left() < FIRST_READ:
        return WeightFile(entry.path, fmt, entry.size, note=budget.note())
    first = snapshot.read_bytes(entry.path, FIRST_READ)
    try:
        return _inspect(snapshot, entry, fmt, first, budget)
    except HeaderError as exc:
        return WeightFile(entry.path, fmt, entry.size, error=str(exc))
    except FileReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser bug must cost one file, not the scan
        return WeightFile(entry.path, fmt, entry.size,
                          error=f"header could not be parsed ({type(exc).__name__}: {exc})")


def _inspect(snapshot: Snapshot, entry: FileEntry, fmt: str, first: bytes,
             budget: HeaderBudget) -> WeightFile:
    size = entry.size
    if fmt == "safetensors":
        from modellint.weights import safetensors

        n = safetensors.header_length(first, size)
        if n > safetensors.MAX_PARSED_HEADER:
            return WeightFile(entry.path, fmt, size, note=(
                f"header of {n} bytes: over the {safetensors.MAX_PARSED_HEADER // (1024 * 1024)} "
                "MiB modellint parses; not inspected"))
        if n > budget.left():
            return WeightFile(entry.path, fmt, size, note=budget.note())
        budget.take(max(len(first), 8 + n))
        raw = first[8:8 + n]
        if len(raw) < n:
            raw += snapshot.read_range(entry.path, len(first), 8 + n)
            if len(raw) < n:
                raise HeaderError(f"truncated: header length {n}, file ends at {8 + len(raw)}")
        meta, summary = safetensors.parse_header(raw, size)
        return WeightFile(entry.path, fmt, size, inspected=True, metadata=meta, summary=summary)
    if fmt == "gguf":
        from modellint.weights import gguf

        reader = RangeReader(snapshot, entry.path, size, first, gguf.MAX_READ)
        try:
            meta, summary, note = gguf.parse(reader)
        except gguf.Unsupported as exc:
            return WeightFile(entry.path, fmt, size, note=str(exc))
        except OverBudget:
            raise HeaderError("header larger than the read budget") from None
        finally:
            budget.take(reader.fetched)
        return WeightFile(entry.path, fmt, size, inspected=True, metadata=meta, summary=summary,
                          note=note)
    if fmt == "onnx":
        from modellint.weights import onnx

        reader = RangeReader(snapshot, entry.path, size, first, onnx.MAX_READ)
        try:
            meta, summary, note = onnx.parse(reader)
        finally:
            budget.take(reader.fetched)
        return WeightFile(entry.path, fmt, size, inspected=True, metadata=meta, summary=summary,
                          note=note)
    from modellint.weights import pickles

    budget.take(len(first))
    if not first:
        raise HeaderError("empty file")
    kind = pickles.sniff(first)
    if kind == "zip":
        summary = pickles.list_zip(snapshot, entry.path, size, first)
        return WeightFile(entry.path, fmt, size, inspected=True, summary=summary,
                          note=pickles.NOTE)
    return WeightFile(entry.path, fmt, size, summary={"container": kind}, note=pickles.NOTE)


def inspect_index(snapshot: Snapshot, entry: FileEntry) -> WeightFile:
    """A sharded checkpoint's ``*.index.json``: shard list, missing shards, its metadata."""
    from modellint.weights import safetensors

    fmt = "weights-index"
    if entry.lfs is not None:
        return WeightFile(entry.path, fmt, entry.lfs.size, lfs=entry.lfs,
                          note="git-lfs pointer: index not available locally")
    if entry.size > safetensors.MAX_INDEX:
        return WeightFile(entry.path, fmt, entry.size,
                          error=f"index of {entry.size} bytes is over the "
                                f"{safetensors.MAX_INDEX}-byte limit")
    raw = snapshot.read_bytes(entry.path, safetensors.MAX_INDEX)
    try:
        meta, summary = safetensors.parse_index(raw)
    except HeaderError as exc:
        return WeightFile(entry.path, fmt, entry.size, error=str(exc))
    folder = entry.path.rpartition("/")[0]
    prefix = folder + "/" if folder else ""
    if snapshot.listing_gap:
        return WeightFile(entry.path, fmt, entry.size, inspected=True, metadata=meta,
                          summary=summary, note=f"shards not checked: {snapshot.listing_gap}")
    skipped = {p.path for p in snapshot.problems}  # links out, unreadable...: ML901 says why
    missing = [s for s in summary["shards"]
               if snapshot.file(prefix + s) is None and prefix + s not in skipped]
    if missing:
        summary["missing_shards"] = missing
    return WeightFile(entry.path, fmt, entry.size, inspected=True, metadata=meta, summary=summary)


def embedded_licenses(wf: WeightFile) -> Iterator[tuple[str, str]]:
    """(key, value) pairs of license metadata a weight file carries, in judging order."""
    for key in LICENSE_KEYS.get(wf.format, ()):
        value: Any = wf.metadata.get(key)
        if isinstance(value, str) and value.strip():
            yield key, value.strip()
