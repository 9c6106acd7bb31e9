"""GGUF v2/v3: magic, version, tensor and KV counts, then typed key/value pairs.

Only ``general.*`` values are kept (license, name, authors, base models, sources). Everything
else, above all the tokenizer vocabulary, is skipped by length without being kept in memory;
fixed-width arrays are skipped by arithmetic, string arrays by walking their length prefixes.
"""

from __future__ import annotations

from typing import Any

from modellint.weights._io import HeaderError, OverBudget, RangeReader

MAGIC = b"GGUF"
MAX_READ = 16 * 1024 * 1024
MAX_KVS = 4096
MAX_KEY = 65535  # the format's limit for key names
MAX_STRING = 64 * 1024 * 1024  # a single string longer than this is corruption
KEEP_STRING = 64 * 1024  # general.* strings up to this size are read and kept
KEEP_ARRAY = 64  # general.* arrays up to this many elements are kept
MAX_VALUE = 1000
MIN_KV_BYTES = 8 + 4 + 1  # key length, value type, smallest value
MIN_TENSOR_BYTES = 8 + 4 + 8 + 4 + 8  # name length, n_dims, one dim, type, offset
MAX_TENSORS = 1_000_000  # more tensor entries than any model has: corruption
MAX_DIMS = 8  # ggml tensors have up to 4 dimensions
MAX_TENSOR_NAME = 65535
DEFAULT_ALIGNMENT = 32
# ggml tensor types whose storage is certain: type id -> (elements per block, bytes per block).
# Other types (newer or intermediate quantisations) count only by their offset, so the size
# check below can miss a file cut inside its last tensor but never flags a whole one.
_BLOCKS = {
    0: (1, 4), 1: (1, 2), 30: (1, 2),  # F32, F16, BF16
    2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34),  # Q4_0 Q4_1 Q5_0 Q5_1 Q8_0
    10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210),  # Q2_K-Q6_K
    24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8),  # I8 I16 I32 I64 F64
}

STRING, ARRAY = 8, 9
# value type -> (struct code, width)
_SCALARS = {0: ("<B", 1), 1: ("<b", 1), 2: ("<H", 2), 3: ("<h", 2), 4: ("<I", 4), 5: ("<i", 4),
            6: ("<f", 4), 7: ("<?", 1), 10: ("<Q", 8), 11: ("<q", 8), 12: ("<d", 8)}
_MAX_DEPTH = 3
KEEP_NESTED = 65536  # arrays of arrays are rare and small in practice


class Unsupported(Exception):
    """A GGUF this reader does not handle (big-endian, version 1): a note, not an error."""


def parse(reader: RangeReader) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """Return (general.* metadata, summary, note) or raise HeaderError / Unsupported."""
    if reader.size < 4 or reader.read(4) != MAGIC:
        raise HeaderError("missing GGUF magic")
    raw_version = reader.read(4)
    version = int.from_bytes(raw_version, "little")
    if version not in (1, 2, 3) and int.from_bytes(raw_version, "big") in (1, 2, 3):
        raise Unsupported(f"big-endian GGUF v{int.from_bytes(raw_version, 'big')}: not inspected")
    if version == 1:
        raise Unsupported("GGUF version 1 (32-bit counts): not inspected")
    if version not in (2, 3):
        raise HeaderError(f"unknown GGUF version {version}")
    tensor_count, kv_count = reader.unpack("<QQ", 16)
    if kv_count * MIN_KV_BYTES > reader.remaining:
        raise HeaderError(f"{kv_count} metadata entries cannot fit in a {reader.size}-byte file")
    if tensor_count * MIN_TENSOR_BYTES > reader.remaining:
        raise HeaderError(f"{tensor_count} tensors cannot fit in a {reader.size}-byte file")
    meta: dict[str, Any] = {}
    summary: dict[str, Any] = {"version": version, "tensor_count": tensor_count,
                               "kv_count": kv_count}
    note = None
    done = 0
    try:
        for done in range(min(kv_count, MAX_KVS)):  # noqa: B007 - ``done`` is reported
            key = _string(reader, MAX_KEY, "key")
            if key is None:
                raise HeaderError(f"metadata key at offset {reader.pos} is longer than {MAX_KEY}")
            (vtype,) = reader.unpack("<I", 4)
            keep = key.startswith("general.")
            value = _value(reader, vtype, keep, 0)
            if keep and value is not None:
                meta[key] = value
        else:
            done = min(kv_count, MAX_KVS)
            if kv_count > MAX_KVS:
                note = f"stopped after {MAX_KVS} of {kv_count} metadata entries"
    except OverBudget:
        note = f"stopped at the {MAX_READ // 1024} KiB read limit: {done} of {kv_count} read"
    summary["kv_read"] = done
    if note is None and tensor_count:
        note = _check_tensor_data(reader, tensor_count, meta, summary)
    return meta, summary, note


def _check_tensor_data(reader: RangeReader, tensor_count: int, meta: dict[str, Any],
                       summary: dict[str, Any]) -> str | None:
    """Read the tensor table that follows the metadata and raise HeaderError when the file is
    too short for the tensor data it describes (an upload cut off after its header). Returns a
    note when the table is too large to read within the budget."""
    if tensor_count > MAX_TENSORS:
        raise HeaderError(f"{tensor_count} tensors: more than any model has")
    end = 0  # bytes the tensor data needs, as far as the table tells
    try:
        for _ in range(tensor_count):
            (n,) = reader.unpack("<Q", 8)
            if n > MAX_TENSOR_NAME or n > reader.remaining:
                raise HeaderError(f"tensor name of {n} bytes at offset {reader.pos - 8}")
            reader.skip(n)
            (n_dims,) = reader.unpack("<I", 4)
            if n_dims > MAX_DIMS:
                raise HeaderError(f"tensor with {n_dims} dimensions at offset {reader.pos - 4}")
            dims = reader.unpack(f"<{n_dims}Q", 8 * n_dims) if n_dims else ()
            ggml_type, offset = reader.unpack("<IQ", 12)
            elements = 1
            for d in dims:
                elements *= d
            block, block_bytes = _BLOCKS.get(ggml_type, (1, 0))
            end = max(end, offset + -(-elements // block) * block_bytes)
    except OverBudget:
        return f"tensor table larger than the {MAX_READ // 1024} KiB read limit: data size not checked"
    alignment = meta.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0:
        alignment = DEFAULT_ALIGNMENT
    data_start = -(-reader.pos // alignment) * alignment
    summary["data_bytes"] = end
    if data_start + end > reader.size:
        raise HeaderError(f"truncated: the tensor table needs {data_start + end} bytes of data "
                          f"and header, the file has {reader.size}")
    return None


def _string(reader: RangeReader, keep_limit: int, what: str = "string") -> str | None:
    (n,) = reader.unpack("<Q", 8)
    if n > MAX_STRING or n > reader.remaining:
        raise HeaderError(f"{what} of {n} bytes at offset {reader.pos - 8} runs past the end")
    if n > keep_limit:
        reader.skip(n)
        return None
    return reader.read(n).decode("utf-8", "replace")


def _value(reader: RangeReader, vtype: int, keep: bool, depth: int) -> Any:
    if vtype in _SCALARS:
        code, width = _SCALARS[vtype]
        if not keep:
            reader.skip(width)
            return None
        return reader.unpack(code, width)[0]
    if vtype == STRING:
        text = _string(reader, KEEP_STRING if keep else -1)  # -1: skipped whatever its length
        return None if text is None else text[:MAX_VALUE]
    if vtype == ARRAY:
        if depth >= _MAX_DEPTH:
            raise HeaderError(f"arrays nested deeper than {_MAX_DEPTH} at offset {reader.pos}")
        etype, count = reader.unpack("<IQ", 12)
        if etype in _SCALARS:
            width = _SCALARS[etype][1]
            if count * width > reader.remaining:
                raise HeaderError(f"array of {count} elements runs past the end")
            if keep and count <= KEEP_ARRAY:
                return [_value(reader, etype, True, depth + 1) for _ in range(count)]
            reader.skip(count * width)
            return None
        if etype == STRING:
            if count * 8 > reader.remaining:
                raise HeaderError(f"array of {count} strings runs past the end")
            if keep and count <= KEEP_ARRAY:
                return [_value(reader, etype, True, depth + 1) for _ in range(count)]
            reader.skip_prefixed(count, "<Q", MAX_STRING)
            return None
        if etype == ARRAY:
            if count > KEEP_NESTED or count * 12 > reader.remaining:
                raise HeaderError(f"array of {count} arrays at offset {reader.pos - 12}")
            for _ in range(count):
                _value(reader, ARRAY, False, depth + 1)
            return None
        raise HeaderError(f"unknown array element type {etype} at offset {reader.pos - 12}")
    raise HeaderError(f"unknown value type {vtype} at offset {reader.pos - 4}")
