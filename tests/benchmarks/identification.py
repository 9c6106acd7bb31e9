"""Evaluate license identification: accuracy per license, wrong claims, time per file.

Run from the repository root: ``python tests/benchmarks/identification.py [--scancode PATH]
[--markdown]``. Inputs are the workspace's ``shared/license-texts`` (expected id = the ScanCode
key in each record's header, which is stripped before identification) and the license files of
``shared/realworld`` (expected ids in ``corpus.REALWORLD_EXPECTED``). When a ``scancode`` binary is
given (or found in /tmp/sc), ``scancode --license`` runs on the same files for comparison.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

REPEATS = 5
SCAN_REPOS = ("meta-llama__llama3", "QwenLM__Qwen", "Stability-AI__generative-models",
              "deepseek-ai__DeepSeek-V3")


def cases() -> list[tuple[str, str, str, set[str]]]:
    """(label, role, text, expected hub/KB ids) for every evaluated file."""
    out = []
    for name, header, text in corpus.reference_texts():
        out.append((f"license-texts/{name}", "license", text, {corpus.hub_id(header["key"])}))
    for rel, expected in corpus.REALWORLD_EXPECTED.items():
        role = "notice" if rel.rsplit("/", 1)[-1].startswith("NOTICE") else "license"
        text = (corpus.REALWORLD / rel).read_text(encoding="utf-8")
        out.append((f"realworld/{rel}", role, text, set(expected)))
    return out


def evaluate() -> dict:
    t0 = time.perf_counter()
    from modellint.identify import identify_file
    from modellint.identify.names import canonical_id

    identify_file("LICENSE", "warm-up: load the fingerprints and the knowledge base", "license")
    load_ms = (time.perf_counter() - t0) * 1000
    per_license: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: list[str] = []
    misses: list[str] = []
    times: list[float] = []
    for label, role, text, expected in cases():
        want = {canonical_id(e) for e in expected}
        runs = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            found = identify_file(label, text, role)
            runs.append(time.perf_counter() - start)
        times.append(statistics.median(runs) * 1000)
        got = {f.id for f in found}
        modified = [f.id for f in found if f.modified]
        for lid in want or {"(none)"}:
            key = (lid, _group(lid))
            per_license[key][0] += 1
            if got == want and not modified:
                per_license[key][1] += 1
        if got - want:
            wrong.append(f"{label}: claimed {sorted(got - want)}")
        if want - got or modified:
            misses.append(f"{label}: missed {sorted(want - got)} modified {modified}")
    return {"load_ms": load_ms, "per_license": per_license, "wrong": wrong, "misses": misses,
            "times": times, "files": len(times)}


def _group(lid: str) -> str:
    """"model" for model licenses (and ids the KB lacks), "spdx" for SPDX-listed ones."""
    if lid == "(none)":
        return "none"
    from modellint.identify.names import knowledge_base

    kb = knowledge_base()
    lic = kb.resolve(lid) if kb is not None else None
    if lic is None or lic.kind == "model" or not lic.spdx:
        return "model"
    return "spdx"


def time_scancode(binary: str) -> dict | None:
    """Wall time of ``scancode --license`` over the same files (second run: index cached)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "files")
        count = 0
        for label, _role, text, _ in cases():
            path = root / label.replace("/", "__")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            count += 1
        cmd = [binary, "--license", "-n", "1", "--quiet", "--json", str(Path(tmp, "out.json")),
               str(root)]
        empty = Path(tmp, "empty")
        empty.mkdir()
        idle = cmd[:-1] + [str(empty)]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=1800)  # builds its index
            start = time.perf_counter()
            subprocess.run(idle, check=True, capture_output=True, timeout=1800)
            startup = time.perf_counter() - start
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, timeout=1800)
            wall = time.perf_counter() - start
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"scancode failed: {exc}", file=sys.stderr)
            return None
        json.loads(Path(tmp, "out.json").read_text())  # it did produce a report
        return {"files": count, "wall_s": wall, "startup_s": startup,
                "per_file_ms": (wall - startup) * 1000 / count}


def time_local_scans() -> dict[str, float]:
    """Median wall time of ``python -m modellint check`` (interpreter start included)."""
    out = {}
    for repo in SCAN_REPOS:
        path = corpus.REALWORLD / repo
        if not path.exists():
            continue
        walls = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "modellint", "check", str(path)],
                           capture_output=True, timeout=60)
            walls.append(time.perf_counter() - start)
        out[repo] = statistics.median(walls)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scancode", default=shutil.which("scancode") or "/tmp/sc/bin/scancode")
    parser.add_argument("--no-scancode", action="store_true")
    args = parser.parse_args()
    if not corpus.TEXTS.exists():
        print(f"{corpus.TEXTS} not found", file=sys.stderr)
        return 2
    result = evaluate()
    times = sorted(result["times"])
    rows = sorted(result["per_license"].items(), key=lambda kv: (kv[0][1], kv[0][0]))
    print("| license | group | files | correct |")
    print("|---|---|---|---|")
    for (lid, group), (n, ok) in rows:
        print(f"| {lid} | {group} | {n} | {ok} |")
    by_group: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (_lid, group), (n, ok) in rows:
        by_group[group][0] += n
        by_group[group][1] += ok
    print()
    for group, (n, ok) in sorted(by_group.items()):
        print(f"{group}: {ok}/{n} files correct ({100 * ok / n:.1f}%)")
    print(f"wrong claims (a license a file does not hold): {len(result['wrong'])}")
    for line in result["wrong"] + result["misses"]:
        print("  " + line)
    print(f"files: {result['files']}; first call (load fingerprints + KB): "
          f"{result['load_ms']:.1f} ms")
    print(f"time per file after load: median {statistics.median(times):.2f} ms, "
          f"p90 {times[int(0.9 * len(times))]:.2f} ms, max {times[-1]:.2f} ms")
    scans = time_local_scans()
    for repo, wall in scans.items():
        print(f"modellint check realworld/{repo}: {wall * 1000:.0f} ms wall (median of 5)")
    if not args.no_scancode and args.scancode and Path(args.scancode).exists():
        sc = time_scancode(args.scancode)
        if sc:
            ours = statistics.mean(result["times"])
            ours = statistics.median(result["times"])
            print(f"scancode --license -n 1: {sc['wall_s']:.2f} s wall for {sc['files']} files, "
                  f"{sc['startup_s']:.2f} s of it start-up: {sc['per_file_ms']:.1f} ms/file")
            print(f"modellint median {ours:.2f} ms/file: {sc['per_file_ms'] / ours:.0f}x faster "
                  f"per file (start-up excluded on both sides)")
    else:
        print("scancode: not available, skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
