"""The summary format: one line per target, rendered from the report like every other format."""

from __future__ import annotations

import io

from modellint.registry import load_registry
from modellint.reporters import get
from modellint.runner import RunOptions, lint


def _summary(report) -> list[str]:
    out = io.StringIO()
    get("summary")(report, {}, out)
    return out.getvalue().splitlines()


def test_rows_follow_the_requested_order_with_failed_targets_in_place(make_repo, tmp_path,
                                                                      monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_repo({"README.md": "---\nlicense: mit\n---\n# m\n", "LICENSE": "MIT"}, "mit")
    make_repo({"README.md": "---\nlicense: Other\nlicense_name: acme-model-license\n---\n"},
                      "named")
    make_repo({"README.md": "---\nlicense: [apache-2.0, cc-by-4.0]\n---\n"}, "listed")
    make_repo({"README.md": "# no front matter\n"}, "bare")
    make_repo({"LICENSE": "MIT"}, "cardless")
    targets = ["mit", "missing", "named", "listed", "bare", "cardless"]
    report = lint(targets, RunOptions(select=("ML201",)), load_registry(include_plugins=False))
    assert report.requested == targets
    rows = [line.split("  ") for line in _summary(report)]
    cells = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    assert cells[:7] == [
        ["target", "license", "error", "warning", "info"],
        ["mit", "mit", "0", "0", "0"],
        ["missing", "-", "-", "-", "-"],
        ["named", "other (acme-model-license)", "1", "0", "0"],
        ["listed", "apache-2.0, cc-by-4.0", "1", "0", "0"],
        ["bare", "(none)", "1", "0", "0"],
        ["cardless", "(no card)", "0", "0", "0"],
    ]
    assert _summary(report)[7:] == [
        "", "6 targets: 2 clean, 3 with findings, 1 failed.",
        "failed: missing: no such directory"]


def test_long_cells_are_cut(make_repo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_repo({"README.md": "---\nlicense: other\nlicense_name: " + "x" * 40 + "\n---\n"},
                     "m" * 70)
    report = lint(["m" * 70], RunOptions(select=("ML201",)), load_registry(include_plugins=False))
    row = _summary(report)[1]
    assert row == "m" * 59 + "…  other (" + "x" * 22 + "…      1        0     0"
