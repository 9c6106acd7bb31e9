"""The supply chain of 3,433 real Hub cards: derivatives, where their bases' licenses come from,
and how often a derivative's declared license conflicts with its base's.

Every card in ``shared/hf-cards/cards`` is linted offline as the README.md of a clone of its Hub
repository (the layout of ``shared/realcards/README.md``, built by ``realcards.py``), in one
audit: the cards of all targets are indexed first (``modellint.cardindex.build_batch``), so a base
that is itself one of the 3,433 resolves from its own card, as ``modellint check`` does for a
batch. No local card index is used (``MODELLINT_CACHE_DIR`` points at an empty folder).

Printed, in the way supply-chain studies report it (LISCAN.AI, IEEE TSE 2026: 89.7 % of
derivative models on the Hub incompatible with their bases, top pair apache-2.0 <- llama3):

- derivatives found by declared metadata (``base_model``, adapter config, GGUF), by the card's
  prose, and by the repository's name alone;
- direct bases by the source that gave their license (hub, batch, index, local, table, none);
- the share of derivatives whose declared license conflicts with a base's (ML502 fires), of all
  derivatives and of those that can be judged (a license of their own that the knowledge base
  knows, or ``unknown``, and at least one base whose license is known), overall and by relation;
- the most frequent (derivative license <- base license) pairs among the conflicts.

    python tests/benchmarks/lineage.py [--cache DIR] [--no-batch] [--json out.json]
    python tests/benchmarks/lineage.py --table-facts   # bases other cards name, with their license
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from card_corpus import card_paths, repo_id  # noqa: E402
from realcards import build, default_cache  # noqa: E402

RELATIONS = ("finetune", "adapter", "merge", "quantized")
SOURCES = ("hub", "batch", "index", "local", "table", None)


def found_by(lineage: object) -> str | None:
    bases = getattr(lineage, "bases", ())
    if not bases:
        return None
    kinds = {b.evidence for b in bases if b.depth == 1}
    if "declared" in kinds:
        return "declared"
    if kinds & {"prose-link", "prose-name", "license-statement"}:
        return "prose"
    return "name"


def audit(folders: dict[str, str], batch: bool) -> list[dict[str, object]]:
    """One row per card: lineage facts, own license, ML502 findings."""
    from modellint.cardindex import build_batch, drop_batch
    from modellint.registry import load_registry
    from modellint.runner import RunOptions, lint_target

    registry = load_registry()
    index = build_batch(list(folders.values())) if batch else None
    options = RunOptions(batch_index=index)
    rows = []
    try:
        for hub_id, folder in folders.items():
            result = lint_target(folder, options, registry)
            facts = result.facts
            if facts is None:
                continue
            lineage = facts.lineage
            declared = [d for d in facts.licenses.declared]
            conflicts = [f.data for f in result.report.findings if f.code == "ML502"]
            rows.append({
                "id": hub_id,
                "found_by": found_by(lineage),
                "relation": lineage.relation,
                "own": [d.license.id if d.license is not None else d.value.lower()
                        for d in declared],
                "own_known": bool(declared) and all(d.license is not None for d in declared),
                "bases": [{"id": b.model_id, "depth": b.depth, "licenses": list(b.licenses),
                           "source": b.source, "evidence": b.evidence} for b in lineage.bases],
                "conflicts": [{"base_license": c.get("base_license"),
                               "declared": list(c.get("declared", []))} for c in conflicts],
            })
    finally:
        drop_batch(index)
    return rows


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} %" if d else "-"


def report(rows: list[dict[str, object]]) -> str:
    derivatives = [r for r in rows if r["found_by"]]
    out = [f"cards: {len(rows)}; derivatives: {len(derivatives)}", ""]
    out += ["| derivatives found by | count |", "| --- | ---: |"]
    by = Counter(str(r["found_by"]) for r in derivatives)
    for key in ("declared", "prose", "name"):
        out.append(f"| {key} | {by[key]} |")
    out += ["", "| direct bases resolved from | declared | prose / name | all |",
            "| --- | ---: | ---: | ---: |"]
    src: dict[str, Counter[str]] = {"declared": Counter(), "evident": Counter()}
    for r in derivatives:
        for b in r["bases"]:  # type: ignore[attr-defined]
            if b["depth"] == 1:
                kind = "declared" if b["evidence"] == "declared" else "evident"
                src[kind][str(b["source"] if b["licenses"] else None)] += 1
    for s in SOURCES:
        key = str(s)
        label = {"None": "unresolved", "batch": "batch (this audit's targets)",
                 "index": "local card index", "table": "offline table"}.get(key, key)
        out.append(f"| {label} | {src['declared'][key]} | {src['evident'][key]} "
                   f"| {src['declared'][key] + src['evident'][key]} |")

    def judgeable(r: dict[str, object]) -> bool:
        known_base = any(b["licenses"] and b["depth"] == 1 for b in r["bases"])  # type: ignore[attr-defined]
        return bool(r["own"]) and (bool(r["own_known"]) or r["own"] == ["unknown"]) and known_base

    out += ["", "| relation | derivatives | judgeable | conflicting | of all | of judgeable |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for rel in (*RELATIONS, None):
        group = [r for r in derivatives if rel is None or r["relation"] == rel]
        judged = [r for r in group if judgeable(r)]
        bad = [r for r in group if r["conflicts"]]
        out.append(f"| {rel or 'all'} | {len(group)} | {len(judged)} | {len(bad)} "
                   f"| {pct(len(bad), len(group))} | {pct(len(bad), len(judged))} |")
    for kind in ("declared", "prose", "name"):
        group = [r for r in derivatives if r["found_by"] == kind]
        judged = [r for r in group if judgeable(r)]
        bad = [r for r in group if r["conflicts"]]
        out.append(f"| found by {kind} | {len(group)} | {len(judged)} | {len(bad)} "
                   f"| {pct(len(bad), len(group))} | {pct(len(bad), len(judged))} |")
    pairs: Counter[str] = Counter()
    for r in derivatives:
        for c in r["conflicts"]:  # type: ignore[attr-defined]
            own = " + ".join(str(v).lower() for v in c["declared"]) or "-"
            pairs[f"{own} <- {c['base_license']}"] += 1
    out += ["", "| top conflicting pairs (derivative license <- base license) | derivatives |",
            "| --- | ---: |"]
    out += [f"| {pair} | {n} |" for pair, n in pairs.most_common(12)]
    return "\n".join(out)


def table_facts() -> str:
    """TOML entries for the bases other cards name, with the one license their own card declares
    (the generated section at the end of rules/data/base-models.toml)."""
    from modellint.facts.card import parse_card
    from modellint.facts.lineage import kb_ids, resolved_from_metadata, table_lookup
    from modellint.knowledge import load_kb

    kb = load_kb()
    cards = {repo_id(p): parse_card("README.md", p.read_text(errors="replace")) for p in card_paths()}
    lower = {k.lower(): k for k in cards}
    named: Counter[str] = Counter()
    for card in cards.values():
        value = card.metadata.get("base_model")
        for v in value if isinstance(value, list) else [value] if value else []:
            if isinstance(v, str):
                named[v.strip().lower()] += 1
    by_license: dict[str, list[str]] = {}
    for low in named:
        rid = lower.get(low)
        if rid is None or table_lookup(rid) is not None:
            continue
        found = resolved_from_metadata(rid, cards[rid].metadata, "table")
        ids = [i for i in kb_ids(found.license, found.license_name, found.license_link)
               if kb.get(i) is not None and kb.get(i).kind != "meta"]
        if len(ids) == 1:
            by_license.setdefault(ids[0], []).append(rid)
    out = []
    for lic, ids in sorted(by_license.items()):
        pats = ", ".join("'" + re.escape(i.lower()).replace("\\-", "-").replace("\\/", "/") + "'"
                         for i in sorted(ids, key=str.lower))
        out.append(f'[[model]]\nfamily = "Bases under {lic}, as their cards declare"\n'
                   f"match = [{pats}]\nlicense = \"{lic}\"\nas_of = \"2024\"\nverified = true\n"
                   f"source = \"the models' own cards in shared/hf-cards (2024 snapshot)\"\n")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--no-batch", action="store_true",
                        help="lint each card alone (bases resolve from the table only)")
    parser.add_argument("--json", type=Path, help="write the per-card rows here")
    parser.add_argument("--table-facts", action="store_true",
                        help="print table entries for the bases the cards name, and stop")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["MODELLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="modellint-lineage-bench-")
    if args.table_facts:
        print(table_facts())
        return
    folders = build(args.cache)["card"]
    started = time.perf_counter()
    rows = audit(folders, batch=not args.no_batch)
    elapsed = time.perf_counter() - started
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    print(report(rows))
    print(f"\n{len(rows)} cards linted in {elapsed:.1f} s"
          f"{' (no batch)' if args.no_batch else ' (one audit, bases resolved from the batch)'}")


if __name__ == "__main__":
    main()
