"""modellint against the tools people use today, scaling, and start-up cost.

Run: python tests/benchmarks/compare.py [--reuse PATH] [--scancode PATH] [--runs N] [--skip-scaling]

Each tool should live in its own virtual environment (scancode-toolkit needs pluggy==1.0.0):
    python3 -m venv /tmp/reuse-venv && /tmp/reuse-venv/bin/pip install reuse
    python3 -m venv /tmp/sc && /tmp/sc/bin/pip install scancode-toolkit 'pluggy==1.0.0'
Prints Markdown tables for tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_APACHE = ROOT.parent / "shared" / "license-texts" / "apache-2.0.LICENSE"
GB = 1024**3


def license_text() -> str:
    """A real Apache-2.0 text when the workspace has one (read at run time, never stored)."""
    if SHARED_APACHE.is_file():
        return SHARED_APACHE.read_text(encoding="utf-8").split("---", 2)[-1].lstrip()
    return "SPDX-License-Identifier: Apache-2.0\n"


def safetensors(path: Path, size: int) -> None:
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}).encode()
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(header)) + header)
        fh.truncate(size)  # sparse: holes, no data written


def typical_repo(root: Path, shard_bytes: int = 5 * GB, shards: int = 4) -> Path:
    root.mkdir(parents=True)
    (root / "README.md").write_text(
        "---\nlicense: apache-2.0\ndatasets: [acme/corpus]\nbase_model: acme/base-7b\n"
        "base_model_relation: finetune\n---\n# acme-7b-chat\n\n## Training\n\nFine-tuned on acme/corpus.\n"
        "\n## License\n\nApache-2.0.\n", encoding="utf-8")
    (root / "LICENSE").write_text(license_text(), encoding="utf-8")
    (root / "NOTICE").write_text("acme-7b-chat\nCopyright 2026 Acme\n", encoding="utf-8")
    (root / "config.json").write_text(json.dumps({"model_type": "llama", "hidden_size": 4096}))
    (root / "generation_config.json").write_text('{"do_sample": true}')
    (root / "tokenizer_config.json").write_text('{"model_max_length": 8192}')
    vocab = {f"tok{i}": i for i in range(60_000)}
    (root / "tokenizer.json").write_text(json.dumps({"model": {"vocab": vocab}}))
    weight_map = {}
    for i in range(1, shards + 1):
        name = f"model-{i:05d}-of-{shards:05d}.safetensors"
        safetensors(root / name, shard_bytes)
        weight_map[f"layer{i}.w"] = name
    (root / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))
    return root


def wall(cmd: list[str], runs: int, cwd: Path | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def modellint_cmd() -> list[str]:
    exe = shutil.which("modellint", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "modellint"]


def interleaved(commands: dict[str, list[str]], runs: dict[str, int]) -> dict[str, float]:
    """Median wall time per command, runs interleaved so that drifts in machine speed (large on
    shared VMs) hit every command alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(max(runs.values())):
        for name, cmd in commands.items():
            if i < runs[name]:
                start = time.perf_counter()
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def precommit_table(args: argparse.Namespace, tmp: Path) -> list[str]:
    repo = typical_repo(tmp / "typical")
    commands = {"modellint check": [*modellint_cmd(), "check", str(repo)],
                "python -c 'import click, yaml' (floor)": [sys.executable, "-c", "import click, yaml"]}
    runs = {name: args.runs for name in commands}
    if args.reuse:
        commands["reuse lint"] = [args.reuse, "--root", str(repo), "lint"]
        runs["reuse lint"] = args.runs
    if args.scancode:
        # scancode reads every byte of every file; the sparse shards are excluded so that it
        # finishes at all (with them it would read 20 GB of zeros).
        name = "scancode --license (weights excluded)"
        commands[name] = [args.scancode, "--license", "-n", "1", "--ignore", "*.safetensors",
                          "--json", str(tmp / "sc.json"), str(repo)]
        runs[name] = args.scancode_runs
    medians = interleaved(commands, runs)
    ours = medians["modellint check"]
    lines = ["| command | median wall (s) | runs | modellint is faster by |", "| --- | --- | --- | --- |"]
    for name, secs in medians.items():
        ratio = "-" if name == "modellint check" or "floor" in name else f"{secs / ours:.1f}x"
        lines.append(f"| {name} | {secs:.3f} | {runs[name]} | {ratio} |")
    return lines


LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"


def git_table(args: argparse.Namespace, tmp: Path) -> list[str]:
    """What the pre-commit hook runs: ``check --staged`` in a git repository whose shards are
    git-lfs pointers (as model repositories keep them), one card edit staged."""
    repo = typical_repo(tmp / "typical-git", shard_bytes=1024, shards=4)
    for i, shard in enumerate(sorted(repo.glob("*.safetensors"))):
        shard.write_text(LFS_POINTER.format(oid=f"{i:02x}" * 32, size=5 * GB))
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.invalid",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.invalid"}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *cmd], cwd=repo, env=env, check=True)
    with open(repo / "README.md", "a", encoding="utf-8") as fh:
        fh.write("\nEdited.\n")
    subprocess.run(["git", "add", "README.md"], cwd=repo, env=env, check=True)
    commands = {"modellint check --staged": [*modellint_cmd(), "check", "--staged", str(repo)]}
    if args.reuse:
        commands["reuse lint"] = [args.reuse, "--root", str(repo), "lint"]
    medians = interleaved(commands, {name: args.runs for name in commands})
    ours = medians["modellint check --staged"]
    lines = ["| command | median wall (s) | runs | modellint is faster by |", "| --- | --- | --- | --- |"]
    for name, secs in medians.items():
        ratio = "-" if name.startswith("modellint") else f"{secs / ours:.1f}x"
        lines.append(f"| {name} | {secs:.3f} | {args.runs} | {ratio} |")
    return lines


def scaling_table(args: argparse.Namespace, tmp: Path) -> list[str]:
    lines = ["| tree | files | weight bytes | median wall (s) |", "| --- | --- | --- | --- |"]
    for count in (1_000, 10_000, 100_000):
        repo = typical_repo(tmp / f"files{count}", shard_bytes=10 * 1024**2, shards=1)
        per_dir = 1000
        for i in range(count):
            sub = repo / "data" / f"d{i // per_dir}"
            if i % per_dir == 0:
                sub.mkdir(parents=True)
            (sub / f"f{i}.txt").write_bytes(b"x")
        runs = 5 if count < 100_000 else 3
        lines.append(f"| many files | {count:,} | 10 MB | {wall([*modellint_cmd(), 'check', str(repo)], runs):.3f} |")
        shutil.rmtree(repo)
    for size, label in ((10 * 1024**2, "10 MB"), (100 * GB, "100 GB (sparse)")):
        repo = typical_repo(tmp / f"w{size}", shard_bytes=size, shards=1)
        secs = wall([*modellint_cmd(), "check", str(repo)], args.runs)
        lines.append(f"| one weight file | 10 | {label} | {secs:.3f} |")
        shutil.rmtree(repo)
    return lines


def import_ms(argv: list[str], cwd: Path) -> tuple[float, list[str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, cwd=cwd)
    if proc.returncode not in (0, 1):  # a run that failed early would look fast
        raise SystemExit(f"{argv} failed: {proc.stderr[-500:]}")
    total = 0.0
    heavy = set()
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:"):].split("|"))
        total += int(self_us)  # the sum of self times is the whole import cost
        top = name.split(".")[0]
        if top in ("huggingface_hub", "git", "requests", "httpx", "license_expression", "licenseclassifier"):
            heavy.add(top)
    return total / 1000, sorted(heavy)


def startup_table(tmp: Path) -> list[str]:
    repo = typical_repo(tmp / "startup", shard_bytes=10 * 1024**2, shards=1)
    lines = ["| command | imports (ms, -X importtime) | wall (s) | heavy modules imported |",
             "| --- | --- | --- | --- |"]
    for label, argv in (("python -c pass", ["-c", "pass"]),
                        ("modellint --version", ["-m", "modellint", "--version"]),
                        ("modellint check (local)", ["-m", "modellint", "check", str(repo)])):
        # Run from the temp dir: from a source checkout `-m modellint` would find the sources.
        ms, heavy = import_ms(argv, tmp)
        secs = wall([sys.executable, *argv], 9, cwd=tmp)
        lines.append(f"| {label} | {ms:.1f} | {secs:.3f} | {', '.join(heavy) or 'none'} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", default=shutil.which("reuse") or _existing("/tmp/reuse-venv/bin/reuse"))
    parser.add_argument("--scancode", default=shutil.which("scancode") or _existing("/tmp/sc/bin/scancode"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--scancode-runs", type=int, default=3)
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print("### Pre-commit latency (typical model repo, 4 sparse 5 GB shards)\n")
        print("\n".join(precommit_table(args, tmp)) + "\n")
        print("### The pre-commit hook: the git index of the same repository, shards in git-lfs\n")
        print("\n".join(git_table(args, tmp)) + "\n")
        if not args.skip_scaling:
            print("### Scaling\n")
            print("\n".join(scaling_table(args, tmp)) + "\n")
        print("### Start-up\n")
        print("\n".join(startup_table(tmp)))


def _existing(path: str) -> str | None:
    return path if os.path.exists(path) else None


if __name__ == "__main__":
    main()
