"""safetensors: an 8-byte little-endian length, then a JSON header; and sharded indexes.

The header names every tensor (dtype, shape, byte offsets) and may carry ``__metadata__``, a flat
string-to-string map where trainers put ``modelspec.license``, ``license``, author and title.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modellint.weights._io import HeaderError

# The format's own limit; anything larger is a corrupt length, not a header.
MAX_HEADER = 100_000_000
# Headers larger than this are valid but not parsed: ~1 s of CPU and ~150 MB of objects at this
# size, and a real checkpoint's header is well under 1 MiB (a 1,000-tensor shard: ~100 KiB).
MAX_PARSED_HEADER = 16 * 1024 * 1024
MAX_INDEX = 32 * 1024 * 1024
MAX_KEYS = 64
MAX_VALUE = 1000

# __metadata__ keys worth keeping: licensing and provenance, not training logs.
_KEEP_PARTS = ("license", "licence", "author", "copyright")
_KEEP_EXACT = frozenset({"title", "name", "format", "source", "url", "homepage", "organization",
                         "base_model", "version", "description"})


def header_length(first: bytes, size: int) -> int:
    if size < 8 or len(first) < 8:
        raise HeaderError(f"truncated: {size} bytes, shorter than the 8-byte header length")
    n = int.from_bytes(first[:8], "little")
    if n > MAX_HEADER:
        raise HeaderError(f"header length {n} is over the {MAX_HEADER}-byte limit")
    if n > size - 8:
        raise HeaderError(f"truncated: header length {n} but only {size - 8} bytes follow")
    if n < 2:
        raise HeaderError(f"header length {n} is too small for a JSON object")
    return n


def keep_metadata(meta: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in meta.items():
        if len(out) >= MAX_KEYS:
            break
        low = str(key).lower()
        if (low.startswith("modelspec.") or low in _KEEP_EXACT
                or any(k in low for k in _KEEP_PARTS)):
            out[str(key)] = str(value)[:MAX_VALUE]
    return out


def _json_object(raw: bytes, what: str, encoding: str) -> dict[str, Any]:
    from modellint import jsonsafe  # lone surrogates in names or metadata become U+FFFD

    try:
        value = jsonsafe.loads(raw.decode(encoding), max_depth=None)
    except (UnicodeDecodeError, ValueError) as exc:
        raise HeaderError(f"{what} is not valid JSON: {str(exc).splitlines()[0][:120]}") from None
    if not isinstance(value, dict):
        raise HeaderError(f"{what} is not a JSON object")
    return value


def parse_header(raw: bytes, size: int) -> tuple[dict[str, str], dict[str, Any]]:
    """Return (kept metadata, summary) or raise HeaderError."""
    header = _json_object(raw, "header", "utf-8")
    meta = header.pop("__metadata__", None) or {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise HeaderError("__metadata__ is not a string-to-string map")
    dtypes: dict[str, int] = {}
    params = 0
    data_end = 0
    for name, info in header.items():
        if not isinstance(info, dict):
            raise HeaderError(f"tensor {name[:80]!r} is not an object")
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if (not isinstance(dtype, str) or not isinstance(shape, list)
                or not all(isinstance(d, int) and d >= 0 for d in shape)
                or not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and o >= 0 for o in offsets)
                or offsets[0] > offsets[1]):
            raise HeaderError(f"tensor {name[:80]!r} has an invalid dtype, shape or data_offsets")
        dtypes[dtype] = dtypes.get(dtype, 0) + 1
        count = 1
        for d in shape:
            count *= d
        params += count
        data_end = max(data_end, offsets[1])
    body = size - 8 - len(raw)
    if data_end > body:
        raise HeaderError(f"truncated: tensor data ends at byte {data_end} of a {body}-byte body")
    summary = {"tensor_count": len(header), "dtypes": dict(sorted(dtypes.items())),
               "parameters": params, "header_bytes": len(raw)}
    if "format" in meta:
        summary["format"] = meta["format"][:40]
    return keep_metadata(meta), summary


def parse_index(raw: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    """A ``*.index.json``: ``weight_map`` tensor -> shard, and a ``metadata`` map."""
    index = _json_object(raw, "index", "utf-8-sig")
    weight_map = index.get("weight_map")
    if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
        raise HeaderError("index has no `weight_map` of tensor names to shard files")
    meta = index.get("metadata") or {}
    if not isinstance(meta, dict):
        raise HeaderError("index `metadata` is not an object")
    shards = sorted(set(weight_map.values()))
    summary: dict[str, Any] = {"tensor_count": len(weight_map), "shards": shards}
    total = meta.get("total_size")
    if isinstance(total, int):
        summary["total_size"] = total
    return keep_metadata(meta), summary
