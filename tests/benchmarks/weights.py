"""Weight headers: time and bytes read to inspect huge sparse weight files.

Run: python tests/benchmarks/weights.py [--runs N]
Builds, in a temp dir, a 50 GB safetensors (real header, data left as a hole), a 50 GB GGUF
with a 150k-token vocabulary, a 40 GB ONNX whose metadata_props sit after the graph, and a zip
checkpoint; then times `inspect_weight` on each through a real LocalSnapshot that counts reads,
and the wall time of `modellint check` on the folder (interpreter start-up included).
"""

from __future__ import annotations

import argparse
import json
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root, for tests.*

from modellint.classify import weight_format  # noqa: E402
from modellint.sources.local import LocalSnapshot, open_local  # noqa: E402
from modellint.weights import inspect_weight  # noqa: E402
from tests.weight_writers import gguf_string, pb_field, varint  # noqa: E402

GB = 10**9


class CountingSnapshot(LocalSnapshot):
    def __init__(self, base: LocalSnapshot) -> None:
        super().__init__(base.root, base.info, base.files, base.problems)
        self.reads = 0
        self.bytes = 0

    def read_bytes(self, path: str, limit: int) -> bytes:
        data = super().read_bytes(path, limit)
        self.reads += 1
        self.bytes += len(data)
        return data

    def read_range(self, path: str, start: int, end: int) -> bytes:
        data = super().read_range(path, start, end)
        self.reads += 1
        self.bytes += len(data)
        return data


def _sparse(path: Path, head: bytes, size: int, tail: bytes = b"") -> None:
    with open(path, "wb") as fh:
        fh.write(head)
        if tail:
            fh.seek(size - len(tail))
            fh.write(tail)
        fh.truncate(size)


def build(root: Path) -> None:
    (root / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Big\n")
    (root / "LICENSE").write_text("Apache License\nVersion 2.0, January 2004\n")
    total = 50 * GB
    n = total - 8
    for _ in range(3):
        header = json.dumps({"__metadata__": {"modelspec.license": "apache-2.0"},
                             "w": {"dtype": "U8", "shape": [n], "data_offsets": [0, n]}}).encode()
        n = total - 8 - len(header)
    _sparse(root / "model.safetensors", struct.pack("<Q", len(header)) + header, total)

    kvs = [("general.license", b"\x08\0\0\0" + gguf_string("apache-2.0")),
           ("tokenizer.ggml.tokens", struct.pack("<IIQ", 9, 8, 150_000)
            + b"".join(gguf_string(f"token-{i:06d}") for i in range(150_000))),
           ("tokenizer.ggml.scores", struct.pack("<IIQ", 9, 6, 150_000) + b"\0" * 600_000)]
    head = b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs))
    head += b"".join(gguf_string(k) + v for k, v in kvs)
    _sparse(root / "model.gguf", head, total)

    graph = 40 * GB
    head = b"\x08\x08" + pb_field(2, b"exporter") + b"\x3a" + varint(graph)
    tail = pb_field(14, pb_field(1, b"model_license") + pb_field(2, b"apache-2.0"))
    _sparse(root / "model.onnx", head, len(head) + graph + len(tail), tail)

    with zipfile.ZipFile(root / "pytorch_model.bin", "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data/0", b"\0" * 20_000_000)
        for i in range(500):
            archive.writestr(f"archive/data/{i + 1}", b"x")
        archive.writestr("archive/data.pkl", b"\x80\x02.")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "big-model"
        root.mkdir()
        build(root)
        print(f"{'file':22} {'size':>10} {'reads':>5} {'bytes read':>11} {'median ms':>9}")
        for name in ("model.safetensors", "model.gguf", "model.onnx", "pytorch_model.bin"):
            times = []
            for _ in range(args.runs):
                snap = CountingSnapshot(open_local(str(root)))
                start = time.perf_counter()
                wf = inspect_weight(snap, snap.file(name), weight_format(name) or "")
                times.append(time.perf_counter() - start)
            assert wf.error is None, wf.error
            size = snap.file(name).size
            print(f"{name:22} {size / GB:8.2f}GB {snap.reads:5} {snap.bytes:11,} "
                  f"{statistics.median(times) * 1000:9.2f}")
        walls = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "modellint", "check", str(root)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            walls.append(time.perf_counter() - start)
        print(f"modellint check (all four, wall incl. start-up): "
              f"{statistics.median(walls) * 1000:.0f} ms median of {args.runs}")


if __name__ == "__main__":
    main()
