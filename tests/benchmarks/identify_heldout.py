"""Identification on license files the fingerprints were not built from, beside scancode and
licenseclassifier on the same files.

Run from the repository root:

    python tests/benchmarks/identify_heldout.py --licensedcode DIR [--site-packages DIR]
        [--scancode /path/to/scancode] [--heldout DIR]

Sources (none of them is a fingerprint's source text):

- ScanCode's *rules* (``licensedcode/data/rules/*.RULE`` marked ``is_license_text``): the
  variants ScanCode keeps beside each canonical text (fingerprints use the canonical
  ``licenses/*.LICENSE`` records). At most ``--per-key`` rules per license the knowledge base
  knows, and one rule for every ``--stride``-th license it does not know (the right answer for
  those is no confident id). scancode is in-sample on these: they are its own rules.
- ``shared/realworld``'s license files, less the ones that are fingerprint sources.
- License files of installed Python packages (``--site-packages``), whose METADATA names one
  SPDX license (``License-Expression``, or a single unambiguous classifier).
- Public model-license files kept in ``--heldout`` (``corpus.HELDOUT`` names them), fetched from
  their repositories by hand and never fingerprinted: GLM-family siblings and others.

Outcomes per file. modellint: *correct* (the expected license, sure: confidence >= 0.5, not
altered, no rival), *correct, flagged altered* (the expected id but said to differ),
*wrong* (a license the file does not hold, given with confidence, unaltered, without rivals),
*hedged* (something short of that: candidates, low confidence, an altered other license),
*unrecognized* (nothing). The other tools give ids only: correct, wrong or unrecognized. Ids
are compared as the knowledge base names them (ScanCode keys and SPDX ids mapped to it).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

SURE = 0.5  # the confidence the rules take as evidence (checks/_terms.MIN_CONFIDENCE)
OUTCOMES = ("correct", "correct, flagged altered", "hedged", "unrecognized", "wrong")


class Case(NamedTuple):
    label: str
    source: str  # scancode-rules | realworld | packages | heldout
    expected: frozenset[str] | None  # knowledge-base ids; None: a license the KB does not know
    text: str
    # For a license the KB does not know: its SPDX id or ScanCode key, which a tool that knows
    # it may rightly name (modellint's detector included).
    other: frozenset[str] = frozenset()
    model: bool = False  # a model license (the group of files the KB does not know)


def kb_id(value: str) -> str | None:
    """The knowledge base's id for a ScanCode key or SPDX id, or None."""
    from modellint.identify.names import knowledge_base

    kb = knowledge_base()
    for v in (value, corpus.hub_id(value)):
        lic = kb.resolve(v)
        if lic is not None and lic.kind not in ("family", "meta"):
            return str(lic.id)
    return None


def group(case: Case) -> str:
    expected = case.expected
    if not expected:
        return ("model licenses the KB does not know" if case.model
                else "other licenses the KB does not know")
    from modellint.identify.names import knowledge_base

    kinds = {knowledge_base().resolve(e).kind for e in expected}
    if "model" in kinds:
        return "model licenses"
    if kinds <= {"data", "content"}:
        return "data and content"
    return "SPDX software"


# --- the cases -------------------------------------------------------------------------------

def spdx_ids(data: Path) -> dict[str, str]:
    """ScanCode key -> its SPDX id (lower-cased), for licenses the knowledge base does not know:
    another tool naming that SPDX id is right."""
    out = {}
    for path in (data / "licenses").glob("*.LICENSE"):
        m = re.search(r"^spdx_license_key: (\S+)$", path.read_text(encoding="utf-8",
                                                                   errors="replace"), re.M)
        if m and not m.group(1).startswith("LicenseRef-"):
            out[path.stem] = m.group(1).lower()
    return out


def scancode_rules(data: Path, per_key: int, stride: int) -> list[Case]:
    spdx = spdx_ids(data)
    by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in sorted((data / "rules").glob("*.RULE")):
        header, text = corpus.split_scancode(path.read_text(encoding="utf-8", errors="replace"))
        expr = str(header.get("license_expression") or "")
        if header.get("is_license_text") is not True or not expr or " " in expr:
            continue
        if header.get("is_deprecated"):
            continue  # ScanCode no longer holds it for this license (often: it is another)
        if len(text.split()) < 20:
            continue
        by_key[expr].append((path.name, text))
    out = []
    unknown = sorted(k for k in by_key if kb_id(k) is None)
    sampled_unknown = set(unknown[::stride])
    for key, rules in sorted(by_key.items()):
        lid = kb_id(key)
        if lid is None and key not in sampled_unknown:
            continue
        take = rules[:per_key] if lid else rules[:1]
        for name, text in take:
            other = frozenset({spdx.get(key, key), key})  # a license the knowledge base lacks
            out.append(Case(f"rules/{name}", "scancode-rules",
                            frozenset({lid}) if lid else None, text, other))
    return out


_MODEL_TERMS = re.compile(r"\b(?:model weights|trained model|machine[- ]learning model|"
                          r"model derivatives|ai model)\b")


def scancode_model_records(data: Path) -> list[Case]:
    """ScanCode's canonical records of model licenses that no fingerprint is built from (newer
    versions of known licenses, and licenses the knowledge base does not know)."""
    from modellint.identify.fingerprint import load_index

    fingerprinted = {e.scancode for e in load_index().entries if e.scancode}
    spdx = spdx_ids(data)
    out = []
    for path in sorted((data / "licenses").glob("*.LICENSE")):
        header, text = corpus.split_scancode(path.read_text(encoding="utf-8", errors="replace"))
        key = path.stem
        if key in fingerprinted or header.get("is_deprecated") or len(text.split()) < 150:
            continue
        if not _MODEL_TERMS.search(text.lower()):
            continue
        lid = kb_id(key)
        out.append(Case(f"records/{path.name}", "scancode-model-records",
                        frozenset({lid}) if lid else None, text,
                        frozenset({spdx.get(key, key), key}), model=True))
    return out


def realworld() -> list[Case]:
    sources = {rel for rel, _ in corpus.REALWORLD_SOURCES.values()}
    out = []
    for rel, expected in corpus.REALWORLD_EXPECTED.items():
        if rel in sources or rel.rsplit("/", 1)[-1].startswith("NOTICE") or not expected:
            continue
        path = corpus.REALWORLD / rel
        if path.exists():
            ids = frozenset(kb_id(e) or e for e in expected)
            out.append(Case(f"realworld/{rel}", "realworld", ids, path.read_text(encoding="utf-8")))
    return out


_CLASSIFIERS = {"MIT License": "mit", "Apache Software License": "apache-2.0",
                "ISC License (ISCL)": "isc", "Mozilla Public License 2.0 (MPL 2.0)": "mpl-2.0",
                "The Unlicense (Unlicense)": "unlicense", "zlib/libpng License": "zlib"}


def packages(site: Path) -> list[Case]:
    out = []
    for meta in sorted(site.glob("*.dist-info/METADATA")):
        head = meta.read_text(encoding="utf-8", errors="replace").split("\n\n", 1)[0]
        expr = re.search(r"^License-Expression: (.+)$", head, re.M)
        spdx = None
        if expr:
            value = expr.group(1).strip()
            spdx = kb_id(value) if re.fullmatch(r"[A-Za-z0-9.+-]+", value) else None
        else:
            found = {c for c in re.findall(r"^Classifier: License :: OSI Approved :: (.+)$",
                                           head, re.M)}
            mapped = {_CLASSIFIERS.get(c.strip()) for c in found}
            spdx = mapped.pop() if len(mapped) == 1 and None not in mapped else None
        if spdx is None:
            continue
        files = [p for p in meta.parent.rglob("*")
                 if p.is_file() and p.name.upper().startswith(("LICENSE", "LICENCE", "COPYING"))
                 and p.stat().st_size < 20_000]
        for p in files[:1]:
            text = p.read_text(encoding="utf-8", errors="replace")
            out.append(Case(f"packages/{meta.parent.name}/{p.name}", "packages",
                            frozenset({spdx}), text))
    return out


def heldout(folder: Path) -> list[Case]:
    out = []
    for name, expected in corpus.HELDOUT.items():
        path = folder / name
        if path.exists():
            ids = frozenset(expected) if expected else None
            out.append(Case(f"heldout/{name}", "heldout", ids, path.read_text(encoding="utf-8"),
                            model=True))
    return out


# --- judging -------------------------------------------------------------------------------------

def judge_modellint(found, expected: frozenset[str] | None,  # type: ignore[no-untyped-def]
                    other: frozenset[str] = frozenset()) -> str:
    if not found:
        return "unrecognized"
    sure = [f for f in found if f.confidence >= SURE and not f.modified
            and (not f.candidates or f.candidates[0] == f.id)]
    want = expected or other
    if any(f.id.lower() not in want for f in sure):
        return "wrong"
    got = {f.id.lower() for f in found if f.confidence >= SURE}
    if want and want <= got:
        altered = any(f.modified for f in found if f.id in want)
        return "correct, flagged altered" if altered else "correct"
    return "hedged"


def judge_ids(ids: set[str], expected: frozenset[str] | None,
              other: frozenset[str] = frozenset()) -> str:
    if not ids:
        return "unrecognized"
    ids = {i.lower() for i in ids}
    want = expected or other
    if ids - want:
        return "wrong"
    return "correct" if want <= ids else "hedged"


def licenseclassifier_ids(text: str) -> set[str]:
    from licenseclassifier._engine import scan

    out = set()
    for m in scan(text).match:
        if not m.is_url:
            out.add(kb_id(m.id) or m.id.lower())
    return out


def run_scancode(binary: str, cases: list[Case]) -> tuple[dict[str, set[str]], float, float]:
    """Ids scancode finds per case label, its wall time and its start-up time."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "files")
        names = {}
        for k, case in enumerate(cases):
            path = root / f"{k:05d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(case.text, encoding="utf-8")
            names[path.name] = case.label
        out = Path(tmp, "out.json")
        cmd = [binary, "--license", "-n", "2", "--quiet", "--json", str(out), str(root)]
        empty = Path(tmp, "empty")
        empty.mkdir()
        subprocess.run(cmd[:-1] + [str(empty)], check=True, capture_output=True, timeout=3600)
        start = time.perf_counter()
        subprocess.run(cmd[:-1] + [str(empty)], check=True, capture_output=True, timeout=3600)
        startup = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=7200)
        wall = time.perf_counter() - start
        result: dict[str, set[str]] = {}
        for f in json.loads(out.read_text())["files"]:
            if f.get("type") != "file":
                continue
            keys = set()
            for det in f.get("license_detections") or ():
                for key in re.findall(r"[A-Za-z0-9.+_-]+", det.get("license_expression") or ""):
                    if key.lower() not in ("and", "or", "with"):
                        keys.add(kb_id(key) or key)
            result[names[Path(f["path"]).name]] = keys
        return result, wall, startup


# --- the report ------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--licensedcode", help="ScanCode's licensedcode/data folder")
    parser.add_argument("--site-packages", help="a site-packages folder to take license files from")
    parser.add_argument("--heldout", default=str(corpus.HELDOUT_CACHE))
    parser.add_argument("--scancode", default=shutil.which("scancode") or "/tmp/sc/bin/scancode")
    parser.add_argument("--no-scancode", action="store_true")
    parser.add_argument("--per-key", type=int, default=25)
    parser.add_argument("--stride", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from modellint.identify import identify_file

    t0 = time.perf_counter()
    identify_file("LICENSE", "warm-up: load the fingerprints and the knowledge base", "license")
    load_ms = (time.perf_counter() - t0) * 1000
    data = corpus.licensedcode_dir(args.licensedcode)
    cases: list[Case] = []
    if data is not None:
        cases += scancode_rules(data, args.per_key, args.stride) + scancode_model_records(data)
    cases += realworld() + heldout(Path(args.heldout))
    if args.site_packages:
        cases += packages(Path(args.site_packages))

    ours: dict[str, str] = {}
    times = []
    for case in cases:
        runs = []
        for _ in range(args.repeats):  # CPU time: the VM's other jobs do not count
            start = time.process_time()
            found = identify_file("LICENSE", case.text, "license")
            runs.append(time.process_time() - start)
        times.append(statistics.median(runs) * 1000)
        ours[case.label] = judge_modellint(found, case.expected, case.other)
    t0 = time.perf_counter()
    licenseclassifier_ids("warm-up")
    lc_load = (time.perf_counter() - t0) * 1000
    lc: dict[str, str] = {}
    lc_times = []
    for case in cases:
        start = time.process_time()
        ids = licenseclassifier_ids(case.text)
        lc_times.append((time.process_time() - start) * 1000)
        lc[case.label] = judge_ids(ids, case.expected, case.other)
    sc: dict[str, str] = {}
    sc_wall = sc_start = 0.0
    if not args.no_scancode and Path(args.scancode).exists():
        found_sc, sc_wall, sc_start = run_scancode(args.scancode, cases)
        sc = {c.label: judge_ids(found_sc.get(c.label, set()), c.expected, c.other)
              for c in cases}

    print(f"{len(cases)} files: " + ", ".join(
        f"{n} from {s}" for s, n in Counter(c.source for c in cases).most_common()))
    print()
    print("| group | files | tool | " + " | ".join(OUTCOMES) + " |")
    print("|---|---:|---|" + "---:|" * len(OUTCOMES))
    groups: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        groups[group(case)].append(case)
    order = ("model licenses", "model licenses the KB does not know", "SPDX software",
             "data and content", "other licenses the KB does not know")
    for name in order:
        members = groups.get(name, [])
        if not members:
            continue
        for tool, results in (("modellint", ours), ("licenseclassifier", lc), ("scancode", sc)):
            if not results:
                continue
            count = Counter(results[c.label] for c in members)
            cells = " | ".join(str(count.get(o, 0)) for o in OUTCOMES)
            print(f"| {name} | {len(members)} | {tool} | {cells} |")
    print()
    for source in sorted({c.source for c in cases}):
        members = [c for c in cases if c.source == source]
        line = [f"{source} ({len(members)} files):"]
        for tool, results in (("modellint", ours), ("licenseclassifier", lc), ("scancode", sc)):
            if results:
                count = Counter(results[c.label] for c in members)
                line.append(f"{tool} {count['correct'] + count['correct, flagged altered']} "
                            f"correct / {count['wrong']} wrong")
        print("  " + "; ".join(line))
    print()
    wrong_model = [c.label for c in cases if group(c).startswith("model licenses")
                   and ours[c.label] == "wrong"]
    print(f"modellint, confident wrong ids on model-license files: {len(wrong_model)}")
    for label in sorted(c.label for c in cases if ours[c.label] == "wrong")[:40]:
        print(f"  wrong: {label}")
    times.sort()
    print(f"modellint: first call (fingerprints + knowledge base) {load_ms:.0f} ms; per file "
          f"median {statistics.median(times):.2f} ms, p90 {times[int(0.9 * len(times))]:.2f} ms,"
          f" max {times[-1]:.1f} ms")
    print(f"licenseclassifier: load {lc_load:.0f} ms; per file median "
          f"{statistics.median(lc_times):.2f} ms")
    if sc:
        print(f"scancode --license -n 2: {sc_wall:.1f} s wall for {len(cases)} files, "
              f"{sc_start:.1f} s of it start-up: "
              f"{(sc_wall - sc_start) * 1000 / len(cases):.1f} ms/file")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
