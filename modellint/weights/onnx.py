"""ONNX: the top level of a ModelProto, read off the protobuf wire format by hand.

The graph (field 7) holds the weights and can be gigabytes; it is skipped by its length prefix.
Only the small fields are read: ir_version (1), producer_name (2), producer_version (3),
domain (4), model_version (5), doc_string (6), opset_import (8) and metadata_props (14), where
exporters put ``model_license`` and ``model_author``.
"""

from __future__ import annotations

from typing import Any

from modellint.weights._io import HeaderError, OverBudget, RangeReader

MAX_READ = 16 * 1024 * 1024
MAX_FIELDS = 10_000
MAX_STRING = 1024 * 1024  # longer small-field strings are skipped, not kept
MAX_PROPS = 64
MAX_VALUE = 1000
# Fields read from one small sub-message (a key/value pair, an opset id hold two): a 1 MiB entry
# of one-byte fields must not cost a million Python-level reads.
MAX_SUBFIELDS = 16

VARINT, I64, LEN, I32 = 0, 1, 2, 5
_STRINGS = {2: "producer_name", 3: "producer_version", 4: "domain", 6: "doc_string"}
_VARINTS = {1: "ir_version", 5: "model_version"}
GRAPH, OPSET, PROPS = 7, 8, 14


def _varint(reader: RangeReader) -> int:
    value = shift = 0
    for _ in range(10):
        (byte,) = reader.read(1)
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value
        shift += 7
    raise HeaderError(f"varint longer than 10 bytes at offset {reader.pos}")


def _skip(reader: RangeReader, wire: int) -> None:
    if wire == VARINT:
        _varint(reader)
    elif wire == I64:
        reader.skip(8)
    elif wire == I32:
        reader.skip(4)
    elif wire == LEN:
        reader.skip(_varint(reader))
    else:
        raise HeaderError(f"unsupported protobuf wire type {wire} at offset {reader.pos}")


def _fields(data: bytes) -> list[tuple[int, Any]]:
    """Fields of a small, fully read sub-message (key/value pairs, opset ids)."""
    # Everything is already in the buffer, so the reader never reaches for a snapshot.
    sub = RangeReader(None, "", len(data), data, len(data))  # type: ignore[arg-type]
    out: list[tuple[int, Any]] = []
    while sub.remaining and len(out) < MAX_SUBFIELDS:
        tag = _varint(sub)
        number, wire = tag >> 3, tag & 7
        if wire == LEN:
            out.append((number, sub.read(_varint(sub))))
        elif wire == VARINT:
            out.append((number, _varint(sub)))
        else:
            _skip(sub, wire)
    return out


def parse(reader: RangeReader) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    meta: dict[str, Any] = {}
    props: dict[str, str] = {}
    opsets: dict[str, int] = {}
    summary: dict[str, Any] = {}
    note = None
    seen_core = False
    try:
        for _ in range(MAX_FIELDS):
            if not reader.remaining:
                break
            start = reader.pos
            tag = _varint(reader)
            number, wire = tag >> 3, tag & 7
            if number == 0:
                raise HeaderError(f"protobuf field number 0 at offset {start}: not an ONNX model")
            expected = VARINT if number in _VARINTS else LEN if (
                number in _STRINGS or number in (GRAPH, OPSET, PROPS)) else None
            if expected is not None and wire != expected:
                raise HeaderError(f"field {number} has wire type {wire} at offset {start}: "
                                  "not an ONNX model")
            if number in _VARINTS:
                summary[_VARINTS[number]] = _varint(reader)
                seen_core = seen_core or number == 1
            elif wire != LEN:
                _skip(reader, wire)
            else:
                length = _varint(reader)
                if length > reader.remaining:
                    raise HeaderError(f"truncated: field {number} at offset {start} declares "
                                      f"{length} bytes, {reader.remaining} remain")
                if number == GRAPH:
                    seen_core = True
                    summary["graph_bytes"] = length
                    reader.skip(length)
                elif number in _STRINGS and length <= MAX_STRING:
                    text = reader.read(length).decode("utf-8", "replace")
                    meta[_STRINGS[number]] = text[:MAX_VALUE]
                elif number == PROPS and length <= MAX_STRING and len(props) < MAX_PROPS:
                    entry = dict(_fields(reader.read(length)))
                    key, value = entry.get(1, b""), entry.get(2, b"")
                    if isinstance(key, bytes) and isinstance(value, bytes):
                        props[key.decode("utf-8", "replace")] = \
                            value.decode("utf-8", "replace")[:MAX_VALUE]
                elif number == OPSET and length <= 4096:
                    entry = dict(_fields(reader.read(length)))
                    domain = entry.get(1, b"")
                    version = entry.get(2)
                    if isinstance(domain, bytes) and isinstance(version, int):
                        opsets[domain.decode("utf-8", "replace") or "ai.onnx"] = version
                else:
                    reader.skip(length)
        else:
            if reader.remaining:
                note = f"stopped after {MAX_FIELDS} top-level fields"
    except OverBudget:
        note = f"stopped at the {MAX_READ // 1024} KiB read limit for non-graph fields"
    if not seen_core and note is None:
        raise HeaderError("no ir_version and no graph: not an ONNX model")
    if opsets:
        summary["opsets"] = dict(sorted(opsets.items()))
    meta.update(props)
    return meta, summary, note
