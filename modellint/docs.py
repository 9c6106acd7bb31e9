"""The parts of modellint's documentation that follow from its rule specs, generated.

``python -m modellint.docs`` rewrites each generated region of a source checkout's documents from
the built-in rules (plugins left out); ``python -m modellint.docs --check`` only says which are
stale (exit 1), as the test suite does. A region sits between two markers, kept in place:

    <!-- rules:start -->
    ...generated...
    <!-- rules:end -->

Regions today: ``rules`` in README.md, the rule table (``modellint rules --format markdown``
prints the same table). Adding a rule then touches its spec, its check and its cases only:
rules/README.md says how.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def rules_markdown(rules: Sequence[Any]) -> str:
    """The rule table: code, name, default severity, summary; one row a rule, by code."""
    lines = ["| code | name | severity | summary |", "| --- | --- | --- | --- |"]
    for r in rules:
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| {r.code} | {r.name} | {r.severity.value} | {summary} |")
    return "\n".join(lines)


# document (relative to the checkout) -> region name -> what renders it from the rules
DOCUMENTS: dict[str, dict[str, Callable[[Sequence[Any]], str]]] = {
    "README.md": {"rules": rules_markdown},
}


class DocsError(Exception):
    """A document or one of its markers is missing: one line."""


def render(text: str, regions: Mapping[str, Callable[[Sequence[Any]], str]],
           rules: Sequence[Any], where: str) -> str:
    """``text`` with every region in ``regions`` rendered anew between its markers."""
    for name, make in regions.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)", re.S)
        found = list(pattern.finditer(text))
        if len(found) != 1:
            raise DocsError(f"{where}: needs one '<!-- {name}:start -->' ... "
                            f"'<!-- {name}:end -->' pair")
        m = found[0]
        text = text[:m.start()] + m.group(1) + make(rules) + m.group(2) + text[m.end():]
    return text


def regenerate(root: str, rules: Sequence[Any], *, write: bool) -> list[str]:
    """The documents under ``root`` whose generated regions are stale; rewritten when ``write``."""
    stale = []
    for name, regions in DOCUMENTS.items():
        path = os.path.join(root, name)
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise DocsError(f"{path}: {exc.strerror or exc}") from None
        fresh = render(text, regions, rules, path)
        if fresh != text:
            stale.append(name)
            if write:
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(fresh)
    return stale


def checkout_root() -> str:
    """The source checkout modellint runs from (editable install): the folder above ``rules/``."""
    from modellint.rulesdata import rules_data_dir

    return os.path.dirname(rules_data_dir())


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m modellint.docs", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale documents (exit 1)")
    parser.add_argument("--root", default=None, help="the checkout (default: the one modellint runs from)")
    args = parser.parse_args(argv)
    from modellint.registry import load_registry

    root = args.root or checkout_root()
    rules = list(load_registry(include_plugins=False).rules.values())
    try:
        stale = regenerate(root, rules, write=not args.check)
    except DocsError as exc:
        print(f"modellint.docs: error: {exc} (run it from a source checkout, or give --root)",
              file=sys.stderr)
        return 2
    for name in stale:
        print(f"{'stale' if args.check else 'rewrote'}: {os.path.join(root, name)}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
