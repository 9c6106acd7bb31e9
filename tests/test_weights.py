"""Weight header readers: every key they report, and how few bytes they read to get it."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from modellint.facts import extract
from modellint.sources.local import LocalSnapshot, open_local
from modellint.weights import embedded_licenses, inspect_weight
from modellint.weights._io import FIRST_READ
from tests.weight_writers import (
    GGUF_F32_TYPE,
    GGUF_Q4_0_TYPE,
    gguf_bytes,
    onnx_bytes,
    pb_field,
    safetensors_bytes,
    torch_zip_bytes,
    varint,
    zip_directory_bytes,
)


class CountingSnapshot(LocalSnapshot):
    """The real local snapshot, counting every read it serves."""

    def __init__(self, base: LocalSnapshot) -> None:
        super().__init__(base.root, base.info, base.files, base.problems)
        self.reads: list[tuple[str, int, int]] = []  # (path, start, bytes returned)

    def read_bytes(self, path: str, limit: int) -> bytes:
        data = super().read_bytes(path, limit)
        self.reads.append((path, 0, len(data)))
        return data

    def read_range(self, path: str, start: int, end: int) -> bytes:
        data = super().read_range(path, start, end)
        self.reads.append((path, start, len(data)))
        return data

    @property
    def bytes_read(self) -> int:
        return sum(n for _, _, n in self.reads)


def inspect(tmp_path: Path, name: str, content: bytes | None = None, fmt: str | None = None):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    snap = CountingSnapshot(open_local(str(tmp_path)))
    from modellint.classify import weight_format

    wf = inspect_weight(snap, snap.file(name), fmt or weight_format(name))
    return wf, snap


def sparse_safetensors(path: Path, total: int, metadata: dict[str, str]) -> int:
    """A real header describing one tensor that fills ``total`` bytes, the data left as a hole."""
    n = total - 8
    for _ in range(3):  # the header's length depends on the digits of n; settle it
        header = json.dumps({"__metadata__": metadata,
                             "w": {"dtype": "U8", "shape": [n], "data_offsets": [0, n]}}).encode()
        n = total - 8 - len(header)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(header)) + header)
        fh.truncate(total)
    return len(header)


# --- safetensors -----------------------------------------------------------------------------

def test_safetensors_metadata_and_summary(tmp_path):
    meta = {"modelspec.license": "openrail++", "license": "mit", "modelspec.author": "Ann",
            "modelspec.title": "Tiny", "author": "Bob", "title": "T", "format": "pt",
            "ss_training_comment": "not provenance", "modelspec.architecture": "sdxl"}
    tensors = {"a": ("F16", [2, 3], 12), "b": ("F16", [4], 8), "c": ("BF16", [1], 2)}
    wf, snap = inspect(tmp_path, "m.safetensors", safetensors_bytes(meta, tensors))
    assert wf.inspected and wf.error is None
    assert wf.metadata == {k: v for k, v in meta.items() if not k.startswith("ss_")}
    assert wf.summary["tensor_count"] == 3
    assert wf.summary["dtypes"] == {"BF16": 1, "F16": 2}
    assert wf.summary["parameters"] == 11
    assert list(embedded_licenses(wf)) == [("modelspec.license", "openrail++"), ("license", "mit")]
    assert len(snap.reads) == 1


def test_safetensors_header_past_first_read_costs_one_more_read(tmp_path):
    content = safetensors_bytes({"license": "mit", "modelspec.description": "x" * 200_000})
    wf, snap = inspect(tmp_path, "m.safetensors", content)
    assert wf.metadata["license"] == "mit"
    header_len = int.from_bytes(content[:8], "little")
    assert len(snap.reads) == 2
    assert snap.bytes_read == 8 + header_len


def test_safetensors_50gb_sparse_reads_one_window(tmp_path):
    header_len = sparse_safetensors(tmp_path / "big.safetensors", 50 * 10**9,
                                    {"modelspec.license": "apache-2.0"})
    wf, snap = inspect(tmp_path, "big.safetensors")
    assert wf.error is None and wf.metadata == {"modelspec.license": "apache-2.0"}
    assert wf.summary["parameters"] == 50 * 10**9 - 8 - header_len
    assert snap.reads == [("big.safetensors", 0, FIRST_READ)]  # the header fits the first read


def test_safetensors_absurd_length_reads_nothing_more(tmp_path):
    wf, snap = inspect(tmp_path, "m.safetensors", struct.pack("<Q", 10**9) + b"{}" * 100)
    assert wf.error == "header length 1000000000 is over the 100000000-byte limit"
    assert len(snap.reads) == 1


@pytest.mark.parametrize("header,error", [
    ([1, 2], "header is not a JSON object"),
    ({"__metadata__": {"license": 5}}, "__metadata__ is not a string-to-string map"),
    ({"w": {"dtype": "F16", "shape": [2], "data_offsets": [4, 0]}},
     "tensor 'w' has an invalid dtype, shape or data_offsets"),
    ({"w": {"dtype": "F16", "shape": [2], "data_offsets": [0, 9]}},
     "truncated: tensor data ends at byte 9 of a 0-byte body"),
])
def test_safetensors_malformed_headers(tmp_path, header, error):
    wf, _ = inspect(tmp_path, "m.safetensors", safetensors_bytes(header=header))
    assert wf.error == error and not wf.inspected


def test_sharded_index_lists_shards_metadata_and_missing_ones(tmp_path):
    (tmp_path / "model-00001-of-00002.safetensors").write_bytes(safetensors_bytes({}))
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps({
        "metadata": {"total_size": 16, "license": "mit"},
        "weight_map": {"a": "model-00001-of-00002.safetensors",
                       "b": "model-00002-of-00002.safetensors"}}))
    facts = extract(open_local(str(tmp_path)))
    (index,) = facts.weight_index_files
    assert index.inspected and index.metadata == {"license": "mit"}
    assert index.summary == {
        "tensor_count": 2, "total_size": 16,
        "shards": ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"],
        "missing_shards": ["model-00002-of-00002.safetensors"]}
    assert facts.weight_indexes == ("model.safetensors.index.json",)
    assert json.dumps(facts.to_json())  # `modellint facts` prints it


# --- GGUF ------------------------------------------------------------------------------------

GGUF_GENERAL = {
    "general.architecture": "llama", "general.name": "Tiny Llama", "general.license": "llama3.1",
    "general.license.name": "Llama 3.1 Community License",
    "general.license.link": "https://llama.com/llama3_1/license/",
    "general.author": "Meta", "general.organization": "Meta Llama",
    "general.quantized_by": "Someone", "general.base_model.count": 1,
    "general.base_model.0.name": "Llama 3.1 8B", "general.base_model.0.organization": "Meta Llama",
    "general.base_model.0.repo_url": "https://huggingface.co/meta-llama/Llama-3.1-8B",
    "general.source.url": "https://example.org/src", "general.source.huggingface.repository":
        "meta-llama/Llama-3.1-8B", "general.tags": ["text-generation", "llama"],
}


def test_gguf_general_keys_kept_vocab_skipped(tmp_path):
    vocab = [f"tok{i}" for i in range(20_000)]
    kvs = [("general.architecture", "llama"), ("tokenizer.ggml.tokens", vocab),
           ("tokenizer.ggml.token_type", list(range(20_000))), ("llama.block_count", 32),
           ("general.file_type", 15), ("general.alignment", 32)]
    kvs += [(k, v) for k, v in GGUF_GENERAL.items() if k != "general.architecture"]
    content = gguf_bytes(kvs, tensor_count=3)
    wf, snap = inspect(tmp_path, "m.gguf", content)
    assert wf.error is None and wf.note is None and wf.inspected
    assert wf.metadata == {**GGUF_GENERAL, "general.file_type": 15, "general.alignment": 32}
    assert wf.summary == {"version": 3, "tensor_count": 3, "kv_count": len(kvs),
                          "kv_read": len(kvs), "data_bytes": 68}
    assert list(embedded_licenses(wf)) == [
        ("general.license", "llama3.1"), ("general.license.name", "Llama 3.1 Community License")]
    # The whole file is KV section here: windows of 64K, 128K, 256K, overlapping by a value.
    assert len(snap.reads) == 3 and snap.bytes_read < len(content) + 64


def test_gguf_v2_reads_like_v3(tmp_path):
    wf, _ = inspect(tmp_path, "m.gguf", gguf_bytes({"general.license": "mit"}, version=2))
    assert wf.metadata == {"general.license": "mit"} and wf.summary["version"] == 2


@pytest.mark.parametrize("content,note", [
    (gguf_bytes({"general.license": "mit"}, big_endian=True), "big-endian GGUF v3: not inspected"),
    (gguf_bytes({}, version=1), "GGUF version 1 (32-bit counts): not inspected"),
])
def test_gguf_unsupported_is_a_note(tmp_path, content, note):
    wf, _ = inspect(tmp_path, "m.gguf", content)
    assert (wf.note, wf.error, wf.inspected) == (note, None, False)


def test_gguf_50gb_sparse_with_big_vocab_reads_only_the_kv_section(tmp_path):
    vocab = [f"token-{i:06d}" for i in range(150_000)]  # ~2.6 MB of strings
    head = gguf_bytes([("general.license", "apache-2.0"), ("tokenizer.ggml.tokens", vocab),
                       ("tokenizer.ggml.scores", [0] * 150_000), ("general.name", "Big")],
                      pad=0)
    path = tmp_path / "big.gguf"
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(50 * 10**9)
    wf, snap = inspect(tmp_path, "big.gguf")
    assert wf.metadata == {"general.license": "apache-2.0", "general.name": "Big"}
    assert len(head) <= snap.bytes_read <= len(head) + 4 * 1024 * 1024
    assert len(snap.reads) <= 8


LAYERS = [(f"blk.{i}.attn_q.weight", [4096, 4096], GGUF_Q4_0_TYPE, i * 9_437_184) for i in range(4)]


def test_gguf_cut_off_after_its_header_is_truncated(tmp_path):
    """Four 4096x4096 Q4_0 tensors need 4 x 9,437,184 bytes after the header; an upload that
    stopped after the header has none of them."""
    content = gguf_bytes({"general.license": "mit", "general.alignment": 32}, tensors=LAYERS,
                         data=False)
    wf, _ = inspect(tmp_path, "m.gguf", content)
    assert wf.error is not None and wf.error.startswith("truncated: the tensor table needs ")
    assert wf.error.endswith(f"bytes of data and header, the file has {len(content)}")


def test_gguf_with_all_its_tensor_data_passes_sparse(tmp_path):
    head = gguf_bytes({"general.license": "mit"}, tensors=LAYERS, data=False, pad=0)
    path = tmp_path / "m.gguf"
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(-(-len(head) // 32) * 32 + 4 * 9_437_184)  # exactly the data the table needs
    wf, snap = inspect(tmp_path, "m.gguf")
    assert (wf.error, wf.note, wf.inspected) == (None, None, True)
    assert wf.summary["data_bytes"] == 4 * 9_437_184
    assert snap.bytes_read < 128 * 1024  # the table was read; the tensor data was not


def test_gguf_tensor_of_unknown_type_counts_by_its_offset_only(tmp_path):
    table = [("odd", [1024], 99, 64)]
    wf, _ = inspect(tmp_path, "m.gguf", gguf_bytes({}, tensors=table, data=False, pad=96))
    assert wf.error is None and wf.summary["data_bytes"] == 64
    wf, _ = inspect(tmp_path, "m.gguf", gguf_bytes({}, tensors=table, data=False, pad=8))
    assert wf.error is not None and wf.error.startswith("truncated: ")


@pytest.mark.parametrize("table,error", [
    ([("t", [1] * 9, GGUF_F32_TYPE, 0)], "tensor with 9 dimensions at offset "),
    ([("x" * 70_000, [1], GGUF_F32_TYPE, 0)], "tensor name of 70000 bytes at offset "),
])
def test_gguf_malformed_tensor_table(tmp_path, table, error):
    wf, _ = inspect(tmp_path, "m.gguf", gguf_bytes({}, tensors=table))
    assert wf.error is not None and wf.error.startswith(error)


def test_gguf_budget_stops_with_a_note_not_an_error(tmp_path, monkeypatch):
    from modellint.weights import gguf

    monkeypatch.setattr(gguf, "MAX_READ", 100 * 1024)
    vocab = ["x" * 50] * 10_000  # 580 KB
    content = gguf_bytes([("general.license", "mit"), ("tokenizer.ggml.tokens", vocab),
                          ("general.name", "late")])
    wf, snap = inspect(tmp_path, "m.gguf", content)
    assert wf.error is None and wf.metadata == {"general.license": "mit"}
    assert wf.note == "stopped at the 100 KiB read limit: 1 of 3 read"
    assert snap.bytes_read <= 100 * 1024


# --- ONNX ------------------------------------------------------------------------------------

def test_onnx_producer_fields_and_metadata_props(tmp_path):
    content = onnx_bytes(ir_version=9, producer_name="pytorch", producer_version="2.4.0",
                         domain="ai.example", model_version=7, doc_string="A tiny model",
                         props={"model_license": "Apache-2.0", "model_author": "Ann"},
                         opsets={"": 17, "com.microsoft": 1})
    wf, _ = inspect(tmp_path, "m.onnx", content)
    assert wf.inspected and wf.error is None
    assert wf.metadata == {"producer_name": "pytorch", "producer_version": "2.4.0",
                           "domain": "ai.example", "doc_string": "A tiny model",
                           "model_license": "Apache-2.0", "model_author": "Ann"}
    assert wf.summary == {"ir_version": 9, "model_version": 7, "graph_bytes": 32,
                          "opsets": {"ai.onnx": 17, "com.microsoft": 1}}
    assert list(embedded_licenses(wf)) == [("model_license", "Apache-2.0")]


def test_onnx_huge_graph_is_skipped_not_read(tmp_path):
    graph_len = 40 * 10**9
    head = pb_field(1, 8) + pb_field(2, "exporter")
    graph_tag = b"\x3a" + bytes(varint(graph_len))
    tail = pb_field(14, pb_field(1, "model_license") + pb_field(2, "mit"))
    path = tmp_path / "big.onnx"
    with open(path, "wb") as fh:
        fh.write(head + graph_tag)
        fh.seek(len(head) + len(graph_tag) + graph_len)
        fh.write(tail)
    wf, snap = inspect(tmp_path, "big.onnx")
    assert wf.metadata == {"producer_name": "exporter", "model_license": "mit"}
    assert wf.summary["graph_bytes"] == graph_len
    assert len(snap.reads) == 2 and snap.bytes_read == FIRST_READ + len(tail)




def test_onnx_without_ir_version_or_graph_is_invalid(tmp_path):
    wf, _ = inspect(tmp_path, "m.onnx", pb_field(2, "only a name"))
    assert wf.error == "no ir_version and no graph: not an ONNX model"


# --- pickles ---------------------------------------------------------------------------------

def test_zip_checkpoint_listed_from_its_tail(tmp_path):
    names = ["archive/data.pkl", "archive/byteorder", "archive/version"] + [
        f"archive/data/{i}" for i in range(60)]
    big = tmp_path / "pytorch_model.bin"
    # Put 1 MB of stored data in front so the directory is far from the first read.
    import zipfile

    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data/blob", b"\0" * 1_000_000)
        for name in names:
            archive.writestr(name, b"x")
    wf, snap = inspect(tmp_path, "pytorch_model.bin")
    assert wf.inspected and wf.error is None and wf.metadata == {}
    assert wf.note == "pickle-based format: never unpickled; carries no license metadata"
    assert wf.summary["container"] == "zip" and wf.summary["entries"] == 64
    assert wf.summary["entry_names"][:2] == ["archive/data/blob", "archive/data.pkl"]
    assert len(wf.summary["entry_names"]) == 50 and wf.summary["pickles"] == ["archive/data.pkl"]
    assert len(snap.reads) == 2 and snap.bytes_read <= FIRST_READ + 66 * 1024


def test_zip64_checkpoint(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "m.pt", "w", allowZip64=True) as archive:
        with archive.open("archive/data.pkl", "w", force_zip64=True) as fh:
            fh.write(b"\x80\x02.")
    wf, _ = inspect(tmp_path, "m.pt")
    assert wf.error is None and wf.summary["entries"] == 1


def test_zip_entry_names_follow_the_utf8_flag(tmp_path):
    # zipfile sets the UTF-8 flag for non-ASCII names; unflagged names are cp437.
    wf, _ = inspect(tmp_path, "m.pt", torch_zip_bytes(["archive/données.pkl"]))
    assert wf.error is None and wf.summary["entry_names"] == ["archive/données.pkl"]
    wf, _ = inspect(tmp_path, "m.pt", zip_directory_bytes([("é".encode(), 0, 1, b"")]))
    assert wf.summary["entry_names"] == ["├⌐"]  # the same two bytes read as cp437
    wf, _ = inspect(tmp_path, "m.pt", zip_directory_bytes([(b"\xff.pkl", 0x800, 1, b"")]))
    assert wf.error == "zip central directory is malformed: entry 0 is flagged UTF-8 but its name is not"


def test_zip64_entry_size_comes_from_its_extra_field(tmp_path):
    size = 5 * 2**30  # over 4 GiB: the 32-bit field says 0xFFFFFFFF
    zip64 = struct.pack("<HHQ", 1, 8, size)
    other = struct.pack("<HH", 0x5455, 5) + b"\0" * 5  # a timestamp field before it
    content = zip_directory_bytes([(b"archive/data/0", 0, 0xFFFFFFFF, other + zip64),
                                   (b"archive/data.pkl", 0, 10, b"")])
    wf, _ = inspect(tmp_path, "m.pt", content)
    assert wf.error is None and wf.summary["uncompressed_bytes"] == size + 10
    wf, _ = inspect(tmp_path, "m.pt", zip_directory_bytes([(b"a", 0, 0xFFFFFFFF, other)]))
    assert wf.error == "zip central directory is malformed: entry 0 has a zip64 size but no zip64 extra field"


def test_zip_trailer_count_must_match_the_entries(tmp_path):
    wf, _ = inspect(tmp_path, "m.pt", zip_directory_bytes([(b"a", 0, 1, b"")] * 3, count=2))
    assert wf.error == "zip central directory is malformed: its trailer counts 2 entries but it holds 3"


@pytest.mark.parametrize("name,content,container", [
    ("model.pkl", b"\x80\x04\x95.", "pickle protocol 4"),
    ("model.joblib", b"x\x9c compressed", "unknown"),
    ("model.ckpt", b"(dp0\n.", "pickle (old protocol)"),
])
def test_plain_pickles_are_never_opened(tmp_path, name, content, container):
    wf, snap = inspect(tmp_path, name, content)
    assert (wf.inspected, wf.error, wf.summary) == (False, None, {"container": container})
    assert wf.note == "pickle-based format: never unpickled; carries no license metadata"
    assert len(snap.reads) == 1


def test_lfs_pointer_is_not_read_further(tmp_path):
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{'b' * 64}\nsize 42\n"
    wf, snap = inspect(tmp_path, "m.gguf", pointer.encode())
    assert (wf.size, wf.lfs.oid, wf.note) == (42, "b" * 64,
                                              "git-lfs pointer: header not available locally")
    assert snap.reads == []


def test_unreadable_weight_becomes_a_read_problem(tmp_path):
    (tmp_path / "m.safetensors").write_bytes(safetensors_bytes({}))
    snap = open_local(str(tmp_path))
    (tmp_path / "m.safetensors").unlink()
    facts = extract(snap)
    assert [p.path for p in facts.problems] == ["m.safetensors"]
    assert facts.weights[0].note == "unreadable"


def test_facts_command_shows_header_metadata(tmp_path):
    from click.testing import CliRunner

    from modellint.cli import main

    (tmp_path / "m.gguf").write_bytes(gguf_bytes({"general.license": "llama3.1",
                                                  "general.name": "Tiny"}))
    result = CliRunner().invoke(main, ["facts", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (weight,) = json.loads(result.output)["weights"]
    assert weight["metadata"] == {"general.license": "llama3.1", "general.name": "Tiny"}
    assert weight["inspected"] is True and weight["summary"]["kv_count"] == 2
