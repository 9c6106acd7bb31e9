"""Third-party rule packs load through real entry points; a broken one is reported by name."""

from __future__ import annotations

import textwrap

from modellint.registry import load_registry
from modellint.runner import RunOptions, lint

SPEC = """
code = "ACME101"
name = "card-lacks-owner"
severity = "warning"
summary = "The card does not name an owner."
check = "acme_rules.checks:owner_missing"
[docs]
what = "w"
why = "w"
example = "e"
fix = "f"
"""

CHECKS = """
from modellint.model import Location, Violation

def owner_missing(facts):
    if facts.card is not None and "owner" not in facts.card.metadata:
        yield Violation("no owner in the card", Location(facts.card.path, 1))
"""


def _install(site, name, entry_points, files):
    dist = site / f"{name}-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    for rel, text in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_plugin_rules_run_and_broken_plugin_is_named(tmp_path, monkeypatch, make_repo):
    site = tmp_path / "site"
    _install(site, "acme_rules", "[modellint.rules]\nACME = acme_rules:SPECS\n", {
        "acme_rules/__init__.py": "from pathlib import Path\nSPECS = Path(__file__).parent / 'specs'\n",
        "acme_rules/checks.py": CHECKS,
        "acme_rules/specs/ACME101.toml": SPEC,
    })
    _install(site, "broken_rules", "[modellint.rules]\nBRK = broken_rules:SPECS\n", {
        "broken_rules/__init__.py": "raise ImportError('missing dependency xyz')\n",
    })
    _install(site, "greedy_rules", "[modellint.rules]\nML = greedy_rules:SPECS\n", {
        "greedy_rules/__init__.py": "from pathlib import Path\nSPECS = Path(__file__).parent / 'specs'\n",
        "greedy_rules/checks.py": CHECKS,
        "greedy_rules/specs/ML777.toml": SPEC.replace("ACME101", "ML777").replace("acme_rules", "greedy_rules")
        .replace("card-lacks-owner", "owner-gone"),
    })
    monkeypatch.syspath_prepend(str(site))
    registry = load_registry()
    assert "ACME101" in registry.rules and registry.rules["ACME101"].origin == "acme_rules==1.0"
    assert "ML777" not in registry.rules
    messages = sorted(e.message for e in registry.errors)
    assert any("plugin BRK (broken_rules==1.0) failed to load: missing dependency xyz" in m for m in messages)
    assert any("ML prefix is reserved" in m for m in messages)

    repo = make_repo({"README.md": "---\nlicense: mit\n---\n", "LICENSE": "x"})
    report = lint([str(repo)], RunOptions(select=("ACME",)), registry)
    assert [(f.code, f.name, f.path, f.severity.value) for f in report.findings] == [
        ("ACME101", "card-lacks-owner", "README.md", "warning")]


REVIEW_SPEC = """
code = "ACME901"
name = "waiver-without-ticket"
severity = "warning"
summary = "A suppressed finding's reason does not cite a ticket."
check = "acme_review.checks:no_ticket"
stage = "review"
[params]
marker = "#"
[docs]
what = "w"
why = "w"
example = "e"
fix = "f"
"""

REVIEW_CHECKS = """
from modellint.model import Location, Violation

def no_ticket(facts, review, marker):
    for f in review.findings:
        if f.suppressed_by and marker not in (f.suppression_reason or ""):
            yield Violation(f"{f.code} suppressed without a ticket", Location(f.path, f.line))
"""


def test_a_plugin_review_rule_judges_the_other_rules_suppressed_findings(tmp_path, monkeypatch,
                                                                         make_repo):
    site = tmp_path / "site"
    _install(site, "acme_review", "[modellint.rules]\nACME = acme_review:SPECS\n", {
        "acme_review/__init__.py": "from pathlib import Path\nSPECS = Path(__file__).parent / 'specs'\n",
        "acme_review/checks.py": REVIEW_CHECKS,
        "acme_review/specs/ACME901.toml": REVIEW_SPEC,
    })
    monkeypatch.syspath_prepend(str(site))
    registry = load_registry()
    assert registry.errors == [] and registry.rules["ACME901"].stage == "review"
    card = "---\nlicense: mit\n---\n# M\n<!-- modellint: ignore[ML201] reason=\"{}\" -->\n"
    repo = make_repo({"README.md": card.format("later")})
    report = lint([str(repo)], RunOptions(select=("ML201", "ACME")), registry)
    assert [(f.code, f.suppressed_by, f.message) for f in report.findings] == [
        ("ACME901", None, "ML201 suppressed without a ticket"), ("ML201", "card", report.findings[1].message)]
    (repo / "README.md").write_text(card.format("see #12"))
    report = lint([str(repo)], RunOptions(select=("ML201", "ACME")), registry)
    assert [(f.code, f.suppressed_by) for f in report.findings] == [("ML201", "card")]
