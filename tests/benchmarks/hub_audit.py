"""Benchmark: audit N fixture models on the loopback fake Hub with ``modellint check --jobs J``.

Runs the real CLI in a subprocess against ``tests/fakehub.py`` twice: with a cold Hub cache, then
warm. Reports models per second, HTTP requests per model, and the weight-body bytes sent (must be
only headers). ``--write`` records the result under "## Hub audit" in tests/benchmarks/README.md.

    python tests/benchmarks/hub_audit.py [--models 200] [--jobs 8] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the project root, for tests.fakehub

from modellint.testing import write_repo  # noqa: E402
from tests.fakehub import LFS_SUFFIXES, FakeHub  # noqa: E402

LICENSES = ["apache-2.0", "mit", "llama3.1", "cc-by-nc-4.0", "other", None]
BODY = 512 * 1024


def weights(meta: dict[str, str]) -> bytes:
    header = json.dumps({"__metadata__": meta,
                         "w": {"dtype": "F16", "shape": [BODY // 2], "data_offsets": [0, BODY]}})
    return struct.pack("<Q", len(header)) + header.encode() + b"\0" * BODY


def make_models(root: Path, hub: FakeHub, count: int) -> list[str]:
    targets = []
    for n in range(count):
        license_id = LICENSES[n % len(LICENSES)]
        meta = f"license: {license_id}\n" if license_id else ""
        if license_id == "other":
            meta += "license_name: acme-model-license\n"
        files: dict[str, object] = {
            "README.md": f"---\n{meta}---\n# Model {n}\n\nA fixture model.\n",
            "config.json": json.dumps({"model_type": "llama", "hidden_size": 64}),
            "model.safetensors": weights({"format": "pt"}),
        }
        if n % 4:  # every fourth model ships no license file
            files["LICENSE"] = f"Terms for model {n}.\n"
        if n % 10 == 0:
            files["NOTICE"] = "Copyright the fixture authors.\n"
        repo_id = f"org{n % 7}/model-{n:03d}"
        hub.add_repo(repo_id, write_repo(root / repo_id, files))
        targets.append(f"hf://{repo_id}")
    return targets


def run(targets_file: Path, jobs: int, env: dict[str, str], hub: FakeHub, count: int,
        out: Path) -> dict[str, float]:
    hub.reset_counts()
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "modellint", "check", "--targets-file", str(targets_file),
         "--jobs", str(jobs), "--format", "json", "-o", str(out)],
        env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"modellint failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report = json.loads(out.read_text())
    assert len(report["targets"]) == count and not report["errors"], report["errors"][:3]
    requests = [r for r in hub.requests if "agent-harnesses" not in r[1]]
    weight_bytes = sum(n for path, n in hub.bytes_sent.items() if path.endswith(LFS_SUFFIXES))
    return {"wall": wall, "models_per_s": count / wall, "requests": len(requests),
            "requests_per_model": len(requests) / count,
            "api_per_model": sum(1 for r in requests if r[1].startswith("/api/")) / count,
            "weight_bytes_per_model": weight_bytes / count,
            "findings": len(report["findings"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--write", action="store_true", help="update tests/benchmarks/README.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hub-audit-") as tmp:
        root = Path(tmp)
        hub = FakeHub().start()
        try:
            targets = make_models(root / "repos", hub, args.models)
            listing = root / "targets.txt"
            listing.write_text("\n".join(targets) + "\n")
            env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HOME": str(root / "hf-home"),
                   "HF_HUB_CACHE": str(root / "hf-cache"), "HF_HUB_DISABLE_TELEMETRY": "1"}
            env.pop("HF_TOKEN", None)
            env.pop("HF_HUB_OFFLINE", None)
            cold = run(listing, args.jobs, env, hub, args.models, root / "cold.json")
            warm = run(listing, args.jobs, env, hub, args.models, root / "warm.json")
        finally:
            hub.stop()

    section = render(args, cold, warm)
    print(section)
    if args.write:
        write_section(HERE / "README.md", section)


def render(args: argparse.Namespace, cold: dict[str, float], warm: dict[str, float]) -> str:
    rows = []
    for name, r in (("cold cache", cold), ("warm cache", warm)):
        rows.append(f"| {name} | {r['wall']:.2f} | {r['models_per_s']:.1f} | "
                    f"{r['requests_per_model']:.2f} | {r['api_per_model']:.2f} | "
                    f"{r['weight_bytes_per_model']:.0f} |")
    return "\n".join([
        "## Hub audit",
        "",
        f"`python tests/benchmarks/hub_audit.py --models {args.models} --jobs {args.jobs}`: "
        f"{args.models} fixture models (card, config.json, a {BODY // 1024} KiB safetensors file, "
        "most with LICENSE) served by `tests/fakehub.py` on 127.0.0.1, audited by "
        f"`modellint check --targets-file ... --jobs {args.jobs} --format json` in a subprocess "
        "(interpreter start included). Machine: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "| run | wall s | models/s | requests/model | API calls/model | weight bytes/model |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        "Cold: one `model_info` call, then HEAD + GET for each small text file (the client's "
        "cache protocol). Warm: files pinned to a cached commit are not asked for again, so only "
        "`model_info` remains. Each weight header read adds a redirected Range GET pair (302 + "
        "206) sending header bytes only; the weight-bytes column counts every byte sent for "
        "weight files (0 while `modellint.weights` reads no headers).",
        "",
    ])


def write_section(readme: Path, section: str) -> None:
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n\n"
    start = text.find("## Hub audit")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1:] if end != -1 else "")
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
