"""Shared by the example tests and by `python -m tests.examples --write` (review every diff!),
which rewrites each example's expected.json from what modellint reports now, and the findings
column of examples/README.md from those files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def example_dirs() -> list[Path]:
    return sorted(p for p in EXAMPLES.iterdir() if (p / "expected.json").is_file())


def findings_of(report) -> list[dict]:  # type: ignore[no-untyped-def]
    """The findings to compare; with several targets (a repository of several models), each
    says which model folder it belongs to."""
    many = len(report.targets) > 1
    return [
        {"code": f.code, "path": f.path, "line": f.line, "severity": f.severity.value,
         **({"target": f.target} if many else {})}
        for f in report.active()
    ]


def expected_of(example: Path) -> list[dict]:
    return json.loads((example / "expected.json").read_text(encoding="utf-8"))


def findings_cell(expected: list[dict]) -> str:
    """An example's findings for the README table: codes in order, ``×N`` for repeats."""
    counts: dict[str, int] = {}
    for f in expected:
        counts[f["code"]] = counts.get(f["code"], 0) + 1
    return ", ".join(f"{c} ×{n}" if n > 1 else c for c, n in sorted(counts.items())) or "none"


def readme_with_findings(text: str) -> str:
    """examples/README.md with each example row's last cell (findings) made from expected.json."""
    out = []
    for line in text.splitlines(keepends=True):
        cells = line.rstrip("\n").split(" | ")
        name = cells[0].removeprefix("| ").strip("`")
        if line.startswith("| `") and (EXAMPLES / name / "expected.json").is_file():
            cells[-1] = findings_cell(expected_of(EXAMPLES / name)) + " |"
            line = " | ".join(cells) + "\n"
        out.append(line)
    return "".join(out)


if __name__ == "__main__" and "--write" in sys.argv:
    import os

    from modellint.registry import load_registry
    from modellint.runner import RunOptions, lint

    registry = load_registry(include_plugins=False)
    for example in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        os.chdir(ROOT)
        report = lint([str(example.relative_to(ROOT))], RunOptions(), registry)
        got = [{k: v for k, v in f.items()} for f in findings_of(report)]
        (example / "expected.json").write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
        print(example.name, [(f["code"], f["path"], f["line"]) for f in got])
    readme = EXAMPLES / "README.md"
    readme.write_text(readme_with_findings(readme.read_text(encoding="utf-8")), encoding="utf-8")
