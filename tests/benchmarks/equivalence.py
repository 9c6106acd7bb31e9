"""Facts and findings before and after a change that must not change them (speed work).

Lints, in this process through ``modellint.runner``, every card of ``shared/hf-cards`` in both
layouts of ``realcards.py`` (card alone; card and a small safetensors file), every repository of
``shared/realworld`` and every example, and records for each target a digest of its whole facts
(``Facts.to_json()``: the card's metadata, sections and prose, the license picture, lineage,
identity, files) and its findings (code, path, line, message, severity, data). ``--audit`` also
runs the card-only corpus as one audit through the command line (``check --targets-file``, the
batch index included) and records its JSON report.

    python tests/benchmarks/equivalence.py --save before.json      # on the commit before
    python tests/benchmarks/equivalence.py --diff before.json      # after: lists every difference
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import REALWORLD, ROOT  # noqa: E402
from realcards import build, default_cache  # noqa: E402


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def targets(cache: Path) -> dict[str, str]:
    out = {}
    for layout, folders in build(cache).items():
        for hub_id, folder in folders.items():
            out[f"{layout}:{hub_id}"] = folder
    if REALWORLD.is_dir():
        for folder in sorted(REALWORLD.iterdir()):
            if folder.is_dir():
                # resolved: facts hold paths, and ../shared may be a link to the same folder
                out[f"realworld:{folder.name}"] = str(folder.resolve())
    for folder in sorted((ROOT / "examples").iterdir()):
        if folder.is_dir():
            out[f"example:{folder.name}"] = str(folder)
    return out


def lint_in_process(folders: dict[str, str]) -> dict[str, dict[str, object]]:
    from modellint.registry import load_registry
    from modellint.runner import RunOptions, lint, lint_target

    registry = load_registry()
    options = RunOptions()
    out: dict[str, dict[str, object]] = {}
    for key, folder in folders.items():
        if key.startswith("example:"):  # a repository of several models: as the CLI splits it
            report = lint([folder], options, registry)
            facts = None
        else:
            result = lint_target(folder, options, registry)
            report, facts = result.report, result.facts
        findings = [[f.code, f.path, f.line, f.message, f.severity, f.suppressed_by, f.data]
                    for f in report.findings]
        out[key] = {"facts": _digest(facts.to_json()) if facts is not None else None,
                    "findings": _digest(findings), "codes": sorted({f[0] for f in findings}),
                    "errors": [e.message for e in report.errors]}
    return out


def audit(folders: dict[str, str]) -> dict[str, object]:
    """The card-only corpus as one audit through the command line (batch index included)."""
    cards = [folder for key, folder in folders.items() if key.startswith("card:")]
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp, "targets.txt")
        listing.write_text("".join(c + "\n" for c in cards))
        report = Path(tmp, "report.json")
        subprocess.run([sys.executable, "-m", "modellint", "check", "--targets-file", str(listing),
                        "--format", "json", "-o", str(report)], check=False,
                       stderr=subprocess.DEVNULL)
        data = json.loads(report.read_text())
    data.pop("generated", None)
    data.pop("tool", None)
    per_target = {}
    for target in data.get("targets", []):
        per_target[target.get("target")] = _digest(target)
    findings: dict[str, list[object]] = {}
    for f in data.get("findings", []):
        findings.setdefault(f.get("target"), []).append(f)
    return {"targets": per_target, "findings": {k: _digest(v) for k, v in findings.items()},
            "rest": _digest({k: v for k, v in data.items() if k not in ("targets", "findings")})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--save", type=Path)
    parser.add_argument("--diff", type=Path)
    parser.add_argument("--audit", action="store_true", help="also the command-line audit")
    args = parser.parse_args()
    folders = targets(args.cache)
    run: dict[str, object] = {"lint": lint_in_process(folders)}
    if args.audit:
        run["audit"] = audit(folders)
    if args.save:
        args.save.write_text(json.dumps(run, indent=1, sort_keys=True))
    print(f"{len(folders)} targets linted")
    if args.diff:
        before = json.loads(args.diff.read_text())
        changed = 0
        for key in sorted(set(before["lint"]) | set(run["lint"])):  # type: ignore[arg-type]
            a, b = before["lint"].get(key), run["lint"].get(key)  # type: ignore[union-attr]
            if a != b:
                changed += 1
                print(f"differs: {key}: {a} -> {b}")
        if "audit" in before and "audit" in run:
            for part in ("targets", "findings"):
                old, new = before["audit"][part], run["audit"][part]  # type: ignore[index]
                for key in sorted(set(old) | set(new)):
                    if old.get(key) != new.get(key):
                        changed += 1
                        print(f"audit {part} differ: {key}")
            if before["audit"]["rest"] != run["audit"]["rest"]:  # type: ignore[index]
                changed += 1
                print("audit report differs outside targets and findings")
        print(f"{changed} difference(s)")
        sys.exit(1 if changed else 0)


if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Set iteration order reaches some facts: both runs must hash alike, this process too
        # (setting the variable here would only reach the audit's child process).
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    main()
