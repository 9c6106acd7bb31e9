"""`modellint fix` on real cards: what it fixes, what it leaves, and that a check agrees after.

Each card of ``shared/hf-cards/cards`` (every Nth with ``--step N``) is written as a clone of its
Hub repository (the layout of ``shared/realcards/README.md``: ``org/name/README.md`` in a git work
tree whose ``origin`` is the Hub), linted, fixed in place (offline: no license text is fetched),
and linted again. Printed per rule: findings before, fixed, left for the author, and fixed
findings that a check still reports afterwards (must be 0); also fixes that failed with an error,
new findings the edits brought, and front-matter comment lines lost (must be 0).

    python tests/benchmarks/fix_realcards.py [--step 1] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from card_corpus import card_paths, repo_id, write_git_dir  # noqa: E402


def _comments(text: str) -> list[str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return []
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
    return [line.strip() for line in lines[1:end] if line.lstrip().startswith("#")]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    from modellint.fix import Context, fix_findings
    from modellint.registry import load_registry
    from modellint.runner import RunOptions, lint_target

    registry = load_registry(include_plugins=False)
    out = Path(args.out or tempfile.mkdtemp(prefix="fix-realcards-"))
    before: Counter[str] = Counter()
    fixed: Counter[str] = Counter()
    left: Counter[str] = Counter()
    still: Counter[str] = Counter()
    new: Counter[str] = Counter()
    errors = lost_comments = cards = edited = 0
    started = time.perf_counter()
    for card in card_paths()[:: args.step]:
        hub_id = repo_id(card)
        folder = out / hub_id
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        write_git_dir(folder, hub_id)
        text = card.read_text(encoding="utf-8", errors="replace")
        (folder / "README.md").write_text(text, encoding="utf-8")
        cards += 1
        first = lint_target(str(folder), RunOptions(), registry)
        if first.facts is None:
            continue
        findings = first.report.active()
        ctx = Context(str(folder), first.facts, offline=True)
        outcomes = fix_findings(findings, ctx)
        for o in outcomes:
            before[o.finding.code] += 1
            if o.fixed:
                fixed[o.finding.code] += 1
            else:
                left[o.finding.code] += 1
                errors += o.message.startswith("not edited")
        if not ctx.changes:
            continue
        edited += 1
        ctx.changes.apply()
        after = lint_target(str(folder), RunOptions(), registry).report.active()
        after_keys = Counter((f.code, f.path) for f in after)
        for o in outcomes:
            if o.fixed and after_keys[(o.finding.code, o.finding.path)]:
                still[o.finding.code] += 1
        before_codes = {f.code for f in findings}
        for f in after:
            if f.code not in before_codes:
                new[f.code] += 1
        kept = _comments((folder / "README.md").read_text(encoding="utf-8"))
        lost_comments += sum(1 for c in _comments(text) if c not in kept)
    seconds = time.perf_counter() - started
    print(f"cards: {cards}; repositories edited: {edited}; {seconds:.0f} s "
          f"({seconds / max(cards, 1) * 1000:.0f} ms per card, lint + fix + lint)")
    print("| rule | findings | fixed | left for the author | still reported after fix |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for code in sorted(before):
        print(f"| {code} | {before[code]} | {fixed[code]} | {left[code]} | {still[code]} |")
    print(f"fixes that failed with an error: {errors}; front-matter comment lines lost: "
          f"{lost_comments}; new findings after the edits: {dict(new) or 'none'}")
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
