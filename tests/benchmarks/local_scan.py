"""Wall time of `modellint check` on a local model repo holding a 10 GB sparse weight file.

Run: python tests/benchmarks/local_scan.py [--runs N]
Prints the median wall time (interpreter start-up included) next to `python -c pass`, and the
modules a local scan imports that it must not (huggingface_hub, git).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "clean-apache"


def make_repo(root: Path, weight_bytes: int) -> Path:
    shutil.copytree(EXAMPLE, root, dirs_exist_ok=True)
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
    with open(root / "model.safetensors", "wb") as fh:
        fh.write(struct.pack("<Q", len(header)) + header)
        fh.truncate(weight_bytes)  # sparse: no data blocks are written
    return root


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        # From a temp dir: in a source checkout `python -m modellint` would run the sources.
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       cwd=tempfile.gettempdir())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def forbidden_imports(cmd: list[str]) -> list[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd[1:]], capture_output=True, text=True,
                          cwd=tempfile.gettempdir())
    mods = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    return sorted(m for m in mods if m.split(".")[0] in ("huggingface_hub", "git", "requests", "httpx"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    modellint = shutil.which("modellint", path=os.path.dirname(sys.executable))
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp) / "model", 10 * 1024**3)
        cmd = [modellint, "check", str(repo)] if modellint else [sys.executable, "-m", "modellint", "check", str(repo)]
        base = wall([sys.executable, "-c", "pass"], args.runs)
        scan = wall(cmd, args.runs)
        imports = forbidden_imports([sys.executable, "-m", "modellint", "check", str(repo)])
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| command | median wall (s) |\n| --- | --- |")
    print(f"| python -c pass | {base:.3f} |")
    print(f"| modellint check (10 GB sparse safetensors) | {scan:.3f} |")
    print(f"heavy modules imported by a local scan: {imports or 'none'}")


if __name__ == "__main__":
    main()
