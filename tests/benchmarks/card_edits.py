"""How faithfully `init` and `fix` edit real cards: run by hand, figures in README.md.

For every card of ../shared/hf-cards with a string `license`, it checks that the card renders
back byte for byte when nothing is edited, then sets `license` and adds `license_name` after it
and counts the cards where any line other than those two changed. It also times the edits (the
cost is ruamel.yaml's round-trip loader, paid once per `init` or `fix` run).
"""

from __future__ import annotations

import difflib
import sys
import time
from pathlib import Path

from modellint.edit import EditError
from modellint.edit.card import CardDoc

CARDS = Path(__file__).resolve().parents[3] / "shared" / "hf-cards" / "cards"


def main(folder: Path = CARDS) -> int:
    total = refused = identical = edited = clean = 0
    started = time.perf_counter()
    others: list[str] = []
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        total += 1
        try:
            doc = CardDoc(text)
        except EditError:
            refused += 1
            continue
        identical += doc.render() == text
        if not isinstance(doc.get("license"), str):
            continue
        doc.set("license", "apache-2.0")
        doc.set("license_name", "x-license", after="license")
        changed = [line for line in difflib.unified_diff(text.splitlines(), doc.render().splitlines(),
                                                         n=0, lineterm="")
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        edited += 1
        if all(line[1:].startswith("license") for line in changed):
            clean += 1
        else:
            others.append(path.name)
    seconds = time.perf_counter() - started
    print(f"cards: {total}; refused (broken front matter): {refused}; "
          f"unedited and byte-identical: {identical}")
    print(f"edited (string license): {edited}; only the license lines changed: {clean} "
          f"({100 * clean / max(edited, 1):.1f} %); {seconds / max(total, 1) * 1000:.0f} ms per card")
    for name in others[:10]:
        print("  other lines changed:", name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else CARDS))
