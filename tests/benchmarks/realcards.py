"""Judgement on real cards: how often each rule fires on 3,433 Hub cards, and how often it is right.

Every card in ``shared/hf-cards/cards`` is linted the way a publisher's clone looks (the layout of
``shared/realcards/README.md``): a folder ``org/name/`` holding the card as ``README.md``, a git
work tree whose ``origin`` is ``https://huggingface.co/org/name``, nothing committed. The corpus
is built twice, once with the card alone and once with one small safetensors file beside it
(a model repository has weights; ML301 and the other weight rules only speak then), into a cache
folder that later runs reuse. Linting runs in this process through ``modellint.runner``.

Printed, per rule: the cards it fires on in each layout (count and share of the corpus), and, on
the judged sample ``shared/realcards/judged.tsv`` (findings a reviewer marked T true, F false or
D debatable), how many judged findings still fire, the precision T / (T + F) among those that
fire, and the true findings lost. ML301 rows are judged in the layout with weights, the others
in the card-only layout, as they were judged.

    python tests/benchmarks/realcards.py [--cache DIR] [--save run.json] [--diff before.json]
                                         [--rule ML503] [--show F]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from card_corpus import card_paths, repo_id, write_git_dir  # noqa: E402
from corpus import SHARED  # noqa: E402

JUDGED = SHARED / "realcards" / "judged.tsv"
WEIGHT_RULES = ("ML301",)  # judged with a safetensors file beside the card
LAYOUTS = ("card", "weights")
# Structural rules the issue exempts from the 25 % ceiling in a card-only folder (a safetensors
# file beside the card adds no license file).
STRUCTURAL = {"card": ("ML102", "ML201"), "weights": ("ML102", "ML201")}
CEILING = 0.25


def small_safetensors() -> bytes:
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "w": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}}).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + b"\0\0"


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "modellint-bench" / "realcards"


def build(cache: Path) -> dict[str, dict[str, str]]:
    """``{layout: {repo id: folder}}``, building (or refreshing) the corpus in ``cache``."""
    cards = card_paths()
    stamp = f"{len(cards)} {max(c.stat().st_mtime_ns for c in cards)} v1"
    stamp_file = cache / "stamp"
    fresh = stamp_file.exists() and stamp_file.read_text() == stamp
    if not fresh and cache.exists():
        shutil.rmtree(cache)
    weights = small_safetensors()
    out: dict[str, dict[str, str]] = {layout: {} for layout in LAYOUTS}
    for card in cards:
        hub_id = repo_id(card)
        for layout in LAYOUTS:
            folder = cache / layout / hub_id
            out[layout][hub_id] = str(folder)
            if fresh:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(card, folder / "README.md")
            write_git_dir(folder, hub_id)
            if layout == "weights":
                (folder / "model.safetensors").write_bytes(weights)
    if not fresh:
        stamp_file.write_text(stamp)
    return out


def lint_all(folders: dict[str, str], rules: set[str] | None) -> dict[str, list[list[object]]]:
    """``{repo id: [[code, path, line, message], ...]}`` of active findings, in process."""
    from modellint.registry import load_registry
    from modellint.runner import RunOptions, lint_target

    registry = load_registry()
    options = RunOptions()
    out: dict[str, list[list[object]]] = {}
    for hub_id, folder in folders.items():
        result = lint_target(folder, options, registry)
        out[hub_id] = [[f.code, f.path, f.line, f.message] for f in result.report.active()
                       if rules is None or f.code in rules]
        for err in result.report.errors:
            out[hub_id].append(["error", None, None, err.message])
    return out


def read_judged() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in JUDGED.read_text().splitlines()[1:]:
        if line.strip():
            rule, card, verdict, reason = (line.split("\t") + ["", "", "", ""])[:4]
            rows.append((rule, card, verdict, reason))
    return rows


def fires(run: dict[str, dict[str, list[list[object]]]], rule: str, card: str) -> bool:
    layout = "weights" if rule in WEIGHT_RULES else "card"
    return any(f[0] == rule for f in run[layout].get(card, ()))


def table(run: dict[str, dict[str, list[list[object]]]], judged: list[tuple[str, str, str, str]]
          ) -> tuple[str, list[str]]:
    total = len(run["card"])
    per_layout = {layout: Counter(code for findings in run[layout].values()
                                  for code in {str(f[0]) for f in findings})
                  for layout in LAYOUTS}
    codes = sorted(set(per_layout["card"]) | set(per_layout["weights"])
                   | {r[0] for r in judged})
    lines = ["| rule | fires on (card only) | fires on (card + weights) | judged T/F/D "
             "| still firing T/F/D | precision | true lost |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    problems: list[str] = []
    for code in codes:
        counts = []
        for layout in LAYOUTS:
            n = per_layout[layout][code]
            counts.append(f"{n} ({100 * n / total:.1f} %)")
            if n / total > CEILING and code not in STRUCTURAL[layout] and code != "error":
                problems.append(f"{code} fires on {100 * n / total:.1f} % of the corpus ({layout})")
        rows = [r for r in judged if r[0] == code]
        tally = Counter(r[2] for r in rows)
        firing = Counter(r[2] for r in rows if fires(run, code, r[1]))
        judged_tf = firing["T"] + firing["F"]
        precision = f"{100 * firing['T'] / judged_tf:.0f} %" if judged_tf else "-"
        lost = tally["T"] - firing["T"]
        if judged_tf and firing["T"] / judged_tf < 0.9:
            problems.append(f"{code} precision {precision} on the judged sample")
        if lost:
            problems.append(f"{code} loses {lost} true finding(s)")
        judged_text = f"{tally['T']}/{tally['F']}/{tally['D']}" if rows else "-"
        firing_text = f"{firing['T']}/{firing['F']}/{firing['D']}" if rows else "-"
        lines.append(f"| {code} | {counts[0]} | {counts[1]} | {judged_text} | {firing_text} "
                     f"| {precision} | {lost if rows else '-'} |")
    return "\n".join(lines), problems


def show(run: dict[str, dict[str, list[list[object]]]], judged: list[tuple[str, str, str, str]],
         rule: str | None, verdicts: str) -> None:
    for code, card, verdict, reason in judged:
        if (rule and code != rule) or verdict not in verdicts:
            continue
        layout = "weights" if code in WEIGHT_RULES else "card"
        hits = [f for f in run[layout].get(card, ()) if f[0] == code]
        state = "FIRES" if hits else "quiet"
        print(f"{code} {verdict} {state} {card}: {reason}")
        for f in hits:
            print(f"    {f[1]}:{f[2]} {f[3]}")


def diff(before: dict[str, dict[str, list[list[object]]]], after: dict[str, dict[str, list[list[object]]]],
         rule: str | None) -> None:
    """Cards where a rule started or stopped firing, per layout."""
    for layout in LAYOUTS:
        for card in sorted(after[layout]):
            old = {str(f[0]) for f in before[layout].get(card, ())}
            new = {str(f[0]) for f in after[layout].get(card, ())}
            for code in sorted(old ^ new):
                if rule and code != rule:
                    continue
                print(f"{layout:7} {'+' if code in new else '-'}{code} {card}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--save", type=Path, help="write every finding to this JSON file")
    parser.add_argument("--load", type=Path, help="read findings from a saved run instead of linting")
    parser.add_argument("--diff", type=Path, help="list cards whose findings differ from a saved run")
    parser.add_argument("--rule", help="with --show / --diff: only this rule")
    parser.add_argument("--show", default="", help="judged rows to list: any of T, F, D")
    parser.add_argument("--limit", type=int, help="lint only the first N cards (a quick look)")
    args = parser.parse_args()

    if not JUDGED.exists():
        raise SystemExit(f"no judged sample at {JUDGED}")
    judged = read_judged()
    if args.load:
        run = json.loads(args.load.read_text())
    else:
        started = time.perf_counter()
        corpus = build(args.cache)
        built = time.perf_counter() - started
        run = {}
        for layout in LAYOUTS:
            folders = corpus[layout]
            if args.limit:
                keep = sorted(folders)[:args.limit]
                keep += [r[1] for r in judged if r[1] in folders]
                folders = {k: folders[k] for k in dict.fromkeys(keep)}
            run[layout] = lint_all(folders, None)
        took = time.perf_counter() - started - built
        cards = len(run["card"])
        print(f"{cards} cards x {len(LAYOUTS)} layouts linted in process in {took:.1f} s "
              f"({2 * cards / took:.0f} targets/s; corpus ready in {built:.1f} s)\n")
    if args.save:
        args.save.write_text(json.dumps(run))
    text, problems = table(run, judged)
    print(text)
    errors = sum(1 for findings in run["card"].values() for f in findings if f[0] == "error")
    print(f"\ncards: {len(run['card'])}; tool errors: {errors}")
    if problems:
        print("not yet met: " + "; ".join(problems))
    else:
        print("every rule at least 90 % precise on the judged sample, no true finding lost, "
              "none above the 25 % ceiling")
    if args.show:
        print()
        show(run, judged, args.rule, args.show)
    if args.diff:
        print()
        diff(json.loads(args.diff.read_text()), run, args.rule)


if __name__ == "__main__":
    main()
