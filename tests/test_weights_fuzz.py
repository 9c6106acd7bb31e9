"""Property tests: truncated, oversized and random headers never escape as exceptions.

Each parser gets arbitrary bytes behind its magic, valid files cut at every length, and valid
files with bytes overwritten. The outcome is always a WeightFile: inspected, a clean note, or an
error (which ML902 reports).
"""

from __future__ import annotations

import json
import struct

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modellint.checks.weights import weight_header_invalid
from modellint.facts import extract
from modellint.model import TargetInfo
from modellint.snapshot import MemorySnapshot
from modellint.weights import inspect_weight
from tests.weight_writers import (
    GGUF_F32_TYPE,
    GGUF_Q4_0_TYPE,
    gguf_bytes,
    onnx_bytes,
    safetensors_bytes,
    torch_zip_bytes,
    varint,
)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALID = {
    "m.safetensors": safetensors_bytes({"license": "mit", "modelspec.author": "A"},
                                       {"a": ("F16", [2], 4), "b": ("I8", [3], 3)}),
    "m.gguf": gguf_bytes([("general.license", "mit"), ("tokenizer.ggml.tokens", ["a", "bc"]),
                          ("general.tags", ["x"]), ("llama.rope", 1.5)], pad=0,
                         tensors=[("w", [4, 4], GGUF_F32_TYPE, 0), ("q", [64], GGUF_Q4_0_TYPE, 64)]),
    "m.onnx": onnx_bytes(props={"model_license": "MIT"}, doc_string="d"),
    "m.pt": torch_zip_bytes(),
}
MAGIC = {"m.safetensors": b"", "m.gguf": b"GGUF", "m.onnx": b"\x08", "m.pt": b"PK\x03\x04"}
FORMATS = {"m.safetensors": "safetensors", "m.gguf": "gguf", "m.onnx": "onnx", "m.pt": "pytorch"}
names = st.sampled_from(sorted(VALID))


def run(name: str, data: bytes):
    snap = MemorySnapshot(TargetInfo("t", "local", "t"), {name: data})
    wf = inspect_weight(snap, snap.file(name), FORMATS[name])
    assert wf.error is None or (isinstance(wf.error, str) and wf.error)
    assert not (wf.error and wf.inspected)
    assert wf.inspected or wf.error or wf.note
    return wf


def findings(name: str, data: bytes) -> list[str]:
    snap = MemorySnapshot(TargetInfo("t", "local", "t"), {name: data})
    return [v.location.path for v in weight_header_invalid(extract(snap))]


def test_valid_fixtures_are_clean():
    for name, data in VALID.items():
        wf = run(name, data)
        assert wf.inspected and wf.error is None, (name, wf)


@FUZZ
@given(name=names, body=st.binary(max_size=512))
def test_random_bytes_behind_the_magic(name, body):
    wf = run(name, MAGIC[name] + body)
    assert findings(name, MAGIC[name] + body) == ([name] if wf.error else [])


@FUZZ
@given(name=names, data=st.data())
def test_truncated_files(name, data):
    full = VALID[name]
    cut = data.draw(st.integers(0, len(full) - 1))
    wf = run(name, full[:cut])
    if name == "m.onnx":
        # A protobuf cut at a field boundary is a shorter valid message; elsewhere it is broken.
        assert wf.error or set(wf.metadata.items()) <= set(run(name, full).metadata.items())
    elif name == "m.pt" and 0 < cut < 4:
        assert wf.summary == {"container": "unknown"}  # too short to tell it is a zip
    else:
        assert wf.error, (cut, wf)
        assert findings(name, full[:cut]) == [name]


@FUZZ
@given(name=names, data=st.data())
def test_overwritten_bytes(name, data):
    full = bytearray(VALID[name])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(full) - 1))
        full[at] = data.draw(st.integers(0, 255))
    run(name, bytes(full))


@FUZZ
@given(length=st.integers(0, 2**64 - 1), tail=st.binary(max_size=64))
def test_safetensors_any_length_prefix(length, tail):
    wf = run("m.safetensors", struct.pack("<Q", length) + tail)
    if length > 100_000_000 or length > len(tail):
        assert wf.error


@FUZZ
@given(tensors=st.integers(0, 2**64 - 1), kvs=st.integers(0, 2**64 - 1),
       tail=st.binary(max_size=128))
def test_gguf_any_counts(tensors, kvs, tail):
    wf = run("m.gguf", b"GGUF" + struct.pack("<IQQ", 3, tensors, kvs) + tail)
    if kvs * 13 > len(tail):
        assert wf.error


@FUZZ
@given(key_len=st.integers(0, 2**64 - 1), vtype=st.integers(0, 2**32 - 1),
       count=st.integers(0, 2**64 - 1), tail=st.binary(max_size=64))
def test_gguf_oversized_strings_and_arrays(key_len, vtype, count, tail):
    head = b"GGUF" + struct.pack("<IQQ", 3, 0, 1)
    kv = struct.pack("<Q", 3) + b"key" + struct.pack("<IIQ", 9, vtype, count)
    run("m.gguf", head + kv + tail)
    run("m.gguf", head + struct.pack("<Q", key_len) + tail)


@FUZZ
@given(length=st.integers(0, 2**63), number=st.integers(1, 2**29 - 1), tail=st.binary(max_size=64))
def test_onnx_any_field_length(length, number, tail):
    wf = run("m.onnx", b"\x08\x08" + varint(number << 3 | 2) + varint(length) + tail)
    if length > len(tail):
        assert wf.error


@FUZZ
@given(comment=st.binary(max_size=200), cd_size=st.integers(0, 2**32 - 1),
       cd_offset=st.integers(0, 2**32 - 1))
def test_zip_directory_fields(comment, cd_size, cd_offset):
    eocd = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, cd_size, cd_offset, len(comment))
    run("m.pt", b"PK\x03\x04" + b"\0" * 40 + eocd + comment)


@FUZZ
@given(body=st.one_of(st.binary(max_size=256), st.text(max_size=256).map(str.encode),
                      st.recursive(st.none() | st.integers() | st.text(max_size=8),
                                   lambda c: st.lists(c, max_size=4)
                                   | st.dictionaries(st.text(max_size=8), c, max_size=4),
                                   max_leaves=12).map(lambda v: json.dumps(
                                       {"weight_map": v}).encode())))
def test_index_files(body):
    from modellint.weights import inspect_index

    snap = MemorySnapshot(TargetInfo("t", "local", "t"), {"m.safetensors.index.json": body})
    wf = inspect_index(snap, snap.file("m.safetensors.index.json"))
    assert wf.inspected != bool(wf.error)
    if wf.error:
        assert findings("m.safetensors.index.json", body) == ["m.safetensors.index.json"]
