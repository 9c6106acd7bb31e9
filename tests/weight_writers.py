"""Tiny writers for the weight formats the header readers understand, used by the tests.

They emit only what a reader looks at (headers, a few bytes of tensor data), so every fixture is
built in a temp dir by the test that needs it.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any


def safetensors_bytes(metadata: Mapping[str, str] | None = None,
                      tensors: Mapping[str, tuple[str, list[int], int]] | None = None,
                      header: Any = None) -> bytes:
    """``tensors``: name -> (dtype, shape, data bytes). ``header`` overrides the JSON wholesale."""
    if header is None:
        header, offset = {}, 0
        if metadata is not None:
            header["__metadata__"] = dict(metadata)
        for name, (dtype, shape, nbytes) in (tensors or {"w": ("F16", [2, 2], 8)}).items():
            header[name] = {"dtype": dtype, "shape": shape,
                            "data_offsets": [offset, offset + nbytes]}
            offset += nbytes
    else:
        offset = 0
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"\0" * offset


GGUF_U32, GGUF_I32, GGUF_F32, GGUF_BOOL, GGUF_STRING, GGUF_ARRAY, GGUF_U64 = 4, 5, 6, 7, 8, 9, 10


def gguf_string(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def gguf_value(value: Any) -> bytes:
    """Encode type + payload: str -> string, bool -> bool, int -> u32, float -> f32,
    list[str] -> string array, list[int] -> i32 array."""
    if isinstance(value, str):
        return struct.pack("<I", GGUF_STRING) + gguf_string(value)
    if isinstance(value, bool):
        return struct.pack("<IB", GGUF_BOOL, value)
    if isinstance(value, int):
        return struct.pack("<II", GGUF_U32, value)
    if isinstance(value, float):
        return struct.pack("<If", GGUF_F32, value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return struct.pack("<IIQ", GGUF_ARRAY, GGUF_STRING, len(value)) + b"".join(
            gguf_string(v) for v in value)
    if isinstance(value, list):
        return struct.pack("<IIQ", GGUF_ARRAY, GGUF_I32, len(value)) + b"".join(
            struct.pack("<i", v) for v in value)
    raise TypeError(value)


GGUF_F32_TYPE, GGUF_Q4_0_TYPE = 0, 2


def gguf_bytes(kvs: Mapping[str, Any] | Iterable[tuple[str, Any]], *, version: int = 3,
               tensor_count: int = 0, tensors: Iterable[tuple[str, list[int], int, int]] | None = None,
               data: bool = True, big_endian: bool = False, pad: int = 64) -> bytes:
    """A GGUF file. ``tensors``: (name, dims, ggml type, data offset) entries of the tensor table
    (by default ``tensor_count`` one-element F32 tensors); their data follows, aligned to 32 bytes,
    unless ``data`` is False (a file cut off after its header)."""
    items = list(kvs.items()) if isinstance(kvs, Mapping) else list(kvs)
    table = list(tensors) if tensors is not None else [
        (f"t{i}", [1], GGUF_F32_TYPE, 32 * i) for i in range(tensor_count)]
    order = ">" if big_endian else "<"
    out = b"GGUF" + struct.pack(order + "I", version)
    out += struct.pack(order + "QQ", len(table), len(items))
    for key, value in items:
        out += gguf_string(key) + (value if isinstance(value, bytes) else gguf_value(value))
    sizes = {GGUF_F32_TYPE: (1, 4), GGUF_Q4_0_TYPE: (32, 18)}
    end = 0
    for name, dims, ggml_type, offset in table:
        out += gguf_string(name) + struct.pack(order + "I", len(dims))
        out += b"".join(struct.pack(order + "Q", d) for d in dims)
        out += struct.pack(order + "IQ", ggml_type, offset)
        elements = 1
        for d in dims:
            elements *= d
        block, nbytes = sizes.get(ggml_type, (1, 0))  # unknown types: by offset only
        end = max(end, offset + -(-elements // block) * nbytes)
    if table and data:
        out += b"\0" * (-len(out) % 32) + b"\0" * end
    return out + b"\0" * pad


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pb_field(number: int, value: int | bytes | str) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    raw = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(raw)) + raw


def onnx_bytes(*, ir_version: int = 8, producer_name: str | None = "pytorch",
               producer_version: str | None = "2.3", domain: str | None = None,
               model_version: int | None = None, doc_string: str | None = None,
               graph_bytes: int = 32, props: Mapping[str, str] | None = None,
               opsets: Mapping[str, int] | None = None) -> bytes:
    out = pb_field(1, ir_version)
    for number, value in ((2, producer_name), (3, producer_version), (4, domain)):
        if value is not None:
            out += pb_field(number, value)
    if model_version is not None:
        out += pb_field(5, model_version)
    if doc_string is not None:
        out += pb_field(6, doc_string)
    out += pb_field(7, b"\x0a\x00" + b"\x00" * max(0, graph_bytes - 2))  # opaque graph
    for domain_name, version in (opsets or {"": 17}).items():
        out += pb_field(8, pb_field(1, domain_name) + pb_field(2, version))
    for key, value in (props or {}).items():
        out += pb_field(14, pb_field(1, key) + pb_field(2, value))
    return out


def torch_zip_bytes(entries: Iterable[str] = ("archive/data.pkl", "archive/version",
                                              "archive/data/0"), comment: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        for name in entries:
            archive.writestr(name, b"\x80\x02}q\x00." if name.endswith(".pkl") else b"3\n")
        archive.comment = comment
    return buf.getvalue()


def zip_directory_bytes(entries: Iterable[tuple[bytes, int, int, bytes]],
                        count: int | None = None) -> bytes:
    """A zip written by hand, for the fields zipfile will not write: each entry is (raw name,
    general-purpose flags, uncompressed size as the central directory records it, extra field).
    Members hold no data; ``count`` overrides the entry count in the trailer."""
    local, directory = b"", b""
    items = list(entries)
    for name, flags, size, extra in items:
        offset = len(local)
        local += b"PK\x03\x04" + struct.pack("<5H3I2H", 20, flags, 0, 0, 0, 0, 0, 0,
                                              len(name), 0) + name
        directory += b"PK\x01\x02" + struct.pack("<6H3I5H2I", 20, 20, flags, 0, 0, 0, 0, 0, size,
                                                  len(name), len(extra), 0, 0, 0, 0, offset)
        directory += name + extra
    n = len(items) if count is None else count
    return local + directory + b"PK\x05\x06" + struct.pack("<4H2IH", 0, 0, n, n, len(directory),
                                                           len(local), 0)
