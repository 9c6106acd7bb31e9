"""Every bundled example gives exactly its documented findings, in every output format."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from modellint.reporters import get as get_reporter
from modellint.runner import RunOptions, lint
from tests.examples import EXAMPLES as EXAMPLES_DIR
from tests.examples import ROOT, example_dirs, expected_of, findings_of, readme_with_findings

SCHEMA = json.loads((ROOT / "modellint" / "schemas" / "report.schema.json").read_text())
EXAMPLES = example_dirs()


def _key(f: dict) -> tuple:
    return (f.get("target", ""), f["code"], f["path"] or "", f["line"] or 0, f["severity"])


def _fields(f: dict, expected: list[dict]) -> dict:
    keys = ("code", "path", "line", "severity") + (("target",) if any("target" in e for e in expected)
                                                     else ())
    return {k: f[k] for k in keys}


@pytest.fixture(params=EXAMPLES, ids=[p.name for p in EXAMPLES])
def example_report(request, registry, monkeypatch):
    monkeypatch.chdir(ROOT)
    example: Path = request.param
    report = lint([str(example.relative_to(ROOT))], RunOptions(), registry)
    return example, report


def test_at_least_eight_examples():
    assert len(EXAMPLES) >= 8


def test_examples_readme_lists_each_examples_findings():
    """examples/README.md's findings column follows from expected.json (`python -m
    tests.examples --write` rewrites both)."""
    text = (EXAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    assert readme_with_findings(text) == text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(EXAMPLES)


def test_example_findings(example_report):
    example, report = example_report
    assert not report.errors
    assert sorted(findings_of(report), key=_key) == sorted(expected_of(example), key=_key)


def test_example_in_every_format(example_report, registry):
    example, report = example_report
    expected = expected_of(example)
    rendered = {}
    for fmt in ("text", "concise", "json", "sarif", "github"):
        buf = io.StringIO()
        get_reporter(fmt)(report, registry.rules, buf)
        rendered[fmt] = buf.getvalue()

    data = json.loads(rendered["json"])
    jsonschema.validate(data, SCHEMA)
    assert sorted((_fields(f, expected) for f in data["findings"]), key=_key) == sorted(expected, key=_key)

    sarif = json.loads(rendered["sarif"])
    results = sarif["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == sorted(f["code"] for f in expected)

    concise = [line for line in rendered["concise"].splitlines() if line]
    assert len(concise) == len(expected)
    for f in expected:
        assert any(f" {f['code']} {f['severity']} " in line for line in concise)

    github = [line for line in rendered["github"].splitlines() if line]
    assert len(github) == len(expected)

    text = rendered["text"]
    for f in expected:
        assert f["code"] in text
    assert ("No problems found" in text) == (not expected)


def test_readme_shows_the_first_example_as_it_prints(monkeypatch):
    """The README's first screen quotes `modellint check` on a bundled example: keep it true."""
    from click.testing import CliRunner

    from modellint.cli import main

    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "modellint check examples/llama31-finetune-relicensed"
    assert command in readme.split("\n## ", 1)[0]
    result = CliRunner().invoke(main, command.split()[1:])
    assert result.exit_code == 1
    assert result.output.strip() in readme


def test_readme_shows_fix_and_init_on_bundled_examples_as_they_print(monkeypatch):
    """The README quotes `fix --diff` and `init --diff` on bundled examples: keep them true."""
    from click.testing import CliRunner

    from modellint.cli import main

    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "modellint fix --diff examples/llama31-finetune-relicensed" in readme.split("\n## ", 1)[0]
    shown = readme.split("$ modellint fix examples/llama31-finetune-relicensed --select "
                         "ML401,ML402 --diff\n", 1)[1].split("\n```", 1)[0]
    result = CliRunner().invoke(main, ["fix", "examples/llama31-finetune-relicensed", "--select",
                                       "ML401,ML402", "--diff"])
    assert result.exit_code == 1
    assert result.output.strip() == shown.strip()
    shown = readme.split("$ modellint init examples/mit-weights --language zh+en --no-interactive "
                         "--diff\n", 1)[1].split("\n```", 1)[0]
    result = CliRunner().invoke(main, ["init", "examples/mit-weights", "--language", "zh+en",
                                       "--no-interactive", "--offline", "--diff"])
    assert result.exit_code == 0
    import re

    for chunk in re.split(r"^ *\.\.\.$", shown, flags=re.M):  # "..." lines mark what is left out
        assert chunk.strip("\n") in result.output, chunk
