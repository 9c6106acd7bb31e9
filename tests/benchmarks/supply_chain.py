"""Supply-chain figures over the real Hub cards, from an audit's results store.

Lays the 3,433 cards of ``shared/hf-cards`` out as clones (``card_corpus.py clones``), audits them
with ``modellint check --store`` and reads the figures back from the store with SQL:

- cards without license metadata (no ``license`` in the card's front matter);
- ``license: other`` without ``license_name`` or ``license_link`` (ML104);
- derivatives (a declared or inferred base model) whose license conflicts with a base (ML502),
  by relation (fine-tune, adapter, merge, quantization);
- the most frequent conflicts, derivative license <- base license.

Lineage detection improves over time (prose-named bases, bases resolved from the audit itself):
re-run this script after such a change and the table follows.

    python tests/benchmarks/supply_chain.py [--store FILE] [--reuse] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from card_corpus import build_clones  # noqa: E402

README = HERE / "README.md"
SECTION = "## Supply chain over the real Hub cards"

# Figures published by studies of the whole Hub, for comparison (they audit other samples, with
# other definitions: the comparison is of orders of magnitude, not of methods).
PUBLISHED = [
    ("LISCAN.AI (IEEE TSE 2026), 2,204,432 models",
     "derivative models incompatible with their bases", "89.7%"),
    ('"AI Supply Chain Galaxy" (2026), 908,449 models', "models with compliance risks", "55.46%"),
]


def audit(store: Path, jobs: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="modellint-supply-"))
    targets = build_clones(root)
    listing = root / "targets.txt"
    listing.write_text("".join(t + "\n" for t in targets))
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}  # bases from the offline table: no network
    proc = subprocess.run(
        [sys.executable, "-m", "modellint", "check", "--targets-file", str(listing), "-j",
         str(jobs), "--store", str(store), "--format", "summary", "-o", os.devnull],
        env=env, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1, 2):
        raise SystemExit(f"modellint failed ({proc.returncode}): {proc.stderr[-2000:]}")


def figures(store: Path) -> dict:
    db = sqlite3.connect(store)
    run = db.execute("SELECT MAX(id) FROM runs").fetchone()[0]

    def one(sql: str, *params: object) -> int:
        return int(db.execute(sql, (run, *params)).fetchone()[0] or 0)

    active = "f.suppressed_by IS NULL"
    cards = one("SELECT COUNT(*) FROM targets WHERE run_id = ? AND declared != '(no card)' "
                "AND status = 'ok'")
    no_license = one("SELECT COUNT(*) FROM targets WHERE run_id = ? AND declared = '(none)'")
    other = one("SELECT COUNT(*) FROM targets WHERE run_id = ? AND (declared = 'other' "
                "OR declared LIKE 'other (%')")
    other_unnamed = one(f"SELECT COUNT(DISTINCT t.id) FROM targets t JOIN findings f "
                        f"ON f.target_id = t.id WHERE t.run_id = ? AND f.code = 'ML104' AND {active}")
    derivatives = one("SELECT COUNT(DISTINCT t.id) FROM targets t JOIN bases b "
                      "ON b.target_id = t.id AND b.depth = 1 WHERE t.run_id = ?")
    relations = []
    for relation, n, conflicts in db.execute(
            f"SELECT COALESCE(t.relation, 'unspecified'), COUNT(DISTINCT t.id), "
            f"COUNT(DISTINCT CASE WHEN f.code = 'ML502' AND {active} THEN t.id END) "
            f"FROM targets t JOIN bases b ON b.target_id = t.id AND b.depth = 1 "
            f"LEFT JOIN findings f ON f.target_id = t.id WHERE t.run_id = ? "
            f"GROUP BY 1 ORDER BY 2 DESC", (run,)):
        relations.append({"relation": relation, "derivatives": n, "conflicts": conflicts})
    pairs: dict[tuple[str, str], int] = {}
    for (data,) in db.execute(f"SELECT f.data FROM findings f JOIN targets t ON t.id = f.target_id "
                              f"WHERE t.run_id = ? AND f.code = 'ML502' AND {active}", (run,)):
        value = json.loads(data)
        own = ", ".join(str(v) for v in value.get("declared", [])).lower() or "?"
        pair = (own, str(value.get("base_license", "?")))
        pairs[pair] = pairs.get(pair, 0) + 1
    targets = one("SELECT COUNT(*) FROM targets WHERE run_id = ?")
    # The clones hold only the card, so "no license file" (ML201) says nothing about the models.
    with_error = one(f"SELECT COUNT(DISTINCT t.id) FROM targets t JOIN findings f "
                     f"ON f.target_id = t.id WHERE t.run_id = ? AND f.severity = 'error' "
                     f"AND f.code != 'ML201' AND {active}")
    return {"targets": targets, "cards": cards, "with_error": with_error, "no_license": no_license, "other": other,
            "other_unnamed": other_unnamed, "derivatives": derivatives, "relations": relations,
            "pairs": sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:10]}


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def table(f: dict) -> str:
    conflicts = sum(r["conflicts"] for r in f["relations"])
    lines = [
        SECTION, "",
        "`python tests/benchmarks/supply_chain.py --write` audits the 3,433 real cards of "
        "`shared/hf-cards` laid out as clones (offline: base licenses from the offline table) "
        "into a results store and computes these figures from it with SQL. Lineage is what "
        "modellint finds (declared `base_model`, adapter configs, bases named in the card's prose "
        "or the model's name); re-run the script as lineage detection improves.", "",
        "| measure | count | share | published figure it compares with |",
        "| --- | ---: | ---: | --- |",
        f"| cards without license metadata | {f['no_license']} of {f['cards']} | "
        f"{pct(f['no_license'], f['cards'])} | |",
        f"| `license: other` without `license_name` or `license_link` | {f['other_unnamed']} of "
        f"{f['other']} | {pct(f['other_unnamed'], f['other'])} | |",
        f"| derivatives (a base model found) | {f['derivatives']} of {f['cards']} | "
        f"{pct(f['derivatives'], f['cards'])} | |",
        f"| derivatives whose license conflicts with a base (ML502) | {conflicts} of "
        f"{f['derivatives']} | {pct(conflicts, f['derivatives'])} | {PUBLISHED[0][2]} of "
        f"derivatives incompatible ({PUBLISHED[0][0]}) |",
        f"| models with an error-severity finding (ML201, no license file, left out: the clones "
        f"hold only the card) | {f['with_error']} of {f['cards']} | "
        f"{pct(f['with_error'], f['cards'])} | {PUBLISHED[1][2]} with compliance risks "
        f"({PUBLISHED[1][0]}) |",
    ]
    lines += ["", "Derivative conflict rate by relation:", "",
              "| relation | derivatives | conflicting | rate |", "| --- | ---: | ---: | ---: |"]
    for r in f["relations"]:
        lines.append(f"| {r['relation']} | {r['derivatives']} | {r['conflicts']} | "
                     f"{pct(r['conflicts'], r['derivatives'])} |")
    lines += ["", "Top conflicts (derivative license <- base license):", "",
              "| derivative license | base license | derivatives |", "| --- | --- | ---: |"]
    for (own, base), n in f["pairs"]:
        lines.append(f"| {own} | {base} | {n} |")
    lines += ["", "Published figures: " + "; ".join(f"{who}: {what} {value}"
                                                     for who, what, value in PUBLISHED) + ".",
              "Those count every model on the Hub, with bases resolved over the whole Hub graph; "
              "this sample is 3,433 popular cards, and a conflict here is ML502's: the declared "
              "license breaks the terms of a base's license.", ""]
    return "\n".join(lines)


def write(text: str) -> None:
    readme = README.read_text()
    if SECTION in readme:
        start = readme.index(SECTION)
        end = readme.find("\n## ", start + len(SECTION))
        readme = readme[:start] + text + (readme[end + 1:] if end != -1 else "")
    else:
        readme = readme.rstrip("\n") + "\n\n" + text
    README.write_text(readme)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "supply.sqlite")
    parser.add_argument("--reuse", action="store_true", help="read an existing store, no audit")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="record the table in README.md")
    args = parser.parse_args()
    if not args.reuse:
        if args.store.exists():
            args.store.unlink()
        audit(args.store, args.jobs)
    text = table(figures(args.store))
    print(text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
