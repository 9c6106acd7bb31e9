"""CLI behaviour: exit codes, options, errors as one line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from modellint import __version__
from modellint.cli import main
from modellint.model import Severity
from modellint.registry import Registry, Rule
from modellint.runner import RunOptions, lint
from tests.conftest import run_cli

CLEAN = {"README.md": "---\nlicense: mit\ndatasets: [a/b]\n---\n# m\n",
         "LICENSE": "SPDX-License-Identifier: MIT\n"}
ONLY_WARNING = {"LICENSE": "SPDX-License-Identifier: MIT\n"}  # ML101 (warning) only


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"modellint {__version__}"


def test_clean_repo_exits_zero(make_repo):
    repo = make_repo(CLEAN)
    result = invoke("check", str(repo), "--select", "ML1,ML2,ML901")
    assert result.exit_code == 0, result.output
    assert "No problems found in 1 target." in result.output


def test_findings_exit_one_and_exit_zero(make_repo):
    repo = make_repo({"README.md": "---\ntags: [x]\n---\n"})
    assert invoke("check", str(repo)).exit_code == 1
    assert invoke("check", str(repo), "--exit-zero").exit_code == 0


def test_fail_on_threshold(make_repo):
    repo = make_repo(ONLY_WARNING)
    result = invoke("check", str(repo), "--select", "ML101", "--format", "concise")
    assert result.exit_code == 0
    assert result.output.strip().endswith("ML101 warning no model card: add a README.md with YAML "
                                          "front matter at the repository root")
    assert invoke("check", str(repo), "--select", "ML101", "--fail-on", "warning").exit_code == 1


STRICT = 'select = ["ML101"]\nfail-on = "warning"\n'  # a warning fails this target
LENIENT = 'select = ["ML101"]\n'  # only errors fail it (the default fail-on)


@pytest.mark.parametrize("strict_files,lenient_files,expected", [
    (ONLY_WARNING, ONLY_WARNING, 1),  # the strict target's warning fails the run
    (CLEAN, ONLY_WARNING, 0),  # the lenient target's warning does not, whoever comes first
    (ONLY_WARNING, CLEAN, 1),
])
def test_each_finding_meets_its_own_targets_fail_on(make_repo, strict_files, lenient_files, expected):
    strict = make_repo({**strict_files, ".modellint.toml": STRICT}, "strict")
    lenient = make_repo({**lenient_files, ".modellint.toml": LENIENT}, "lenient")
    for order in ((strict, lenient), (lenient, strict)):
        result = invoke("check", "--format", "concise", *map(str, order))
        assert result.exit_code == expected, (order, result.output)
    report = lint([str(strict), str(lenient)], RunOptions())
    assert [(t.target, t.fail_on) for t in report.targets] == [
        (str(strict), Severity.WARNING), (str(lenient), Severity.ERROR)]
    assert [f.target for f in report.failing()] == [str(strict)] * expected


def test_the_command_line_fail_on_and_exit_zero_apply_to_every_target(make_repo):
    strict = make_repo({**ONLY_WARNING, ".modellint.toml": STRICT}, "strict")
    lenient = make_repo({**ONLY_WARNING, ".modellint.toml": LENIENT}, "lenient")
    for order in ((strict, lenient), (lenient, strict)):
        targets = list(map(str, order))
        assert invoke("check", "--fail-on", "error", *targets).exit_code == 0
        assert invoke("check", "--fail-on", "warning", *targets).exit_code == 1
        assert invoke("check", "--exit-zero", *targets).exit_code == 0
    # Only the lenient target has a warning: --fail-on warning makes it fail the run too.
    (strict / "README.md").write_text(CLEAN["README.md"])
    assert invoke("check", str(strict), str(lenient)).exit_code == 0
    assert invoke("check", "--fail-on", "warning", str(strict), str(lenient)).exit_code == 1


def test_select_and_ignore(make_repo):
    repo = make_repo({"README.md": "---\nlicense: other\n---\n"})
    out = invoke("check", str(repo), "--format", "concise").output
    assert "ML104" in out and "ML201" in out
    out = invoke("check", str(repo), "--format", "concise", "--ignore", "ML2").output
    assert "ML104" in out and "ML201" not in out
    out = invoke("check", str(repo), "--format", "concise", "--select", "license-other-unnamed").output
    assert [line.split()[1] for line in out.splitlines()] == ["ML104"]


def test_unknown_rule_in_select_is_usage_error(make_repo):
    repo = make_repo(CLEAN)
    result = invoke("check", str(repo), "--select", "card-mising")
    assert result.exit_code == 2
    assert "did you mean 'card-missing'?" in result.output


def test_missing_target_is_one_error_line(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope"), "--format", "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["errors"][0]["kind"] == "source"
    assert "no such directory" in data["errors"][0]["message"]
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("modellint: error:")


@pytest.mark.parametrize("config,message", [
    ('fail_on = "warning"\n', "unknown key 'fail_on' (did you mean 'fail-on'?)"),
    ("[rules.ML101]\nstrictnes = 1\n", "ML101: unknown option 'strictnes'"),
])
def test_config_mistakes_are_one_error(make_repo, config, message):
    repo = make_repo({**CLEAN, ".modellint.toml": config})
    result = CliRunner().invoke(main, ["check", str(repo)])
    assert result.exit_code == 2
    assert message in result.output


def test_config_from_pyproject_applies(make_repo):
    repo = make_repo({**ONLY_WARNING, "pyproject.toml": '[tool.modellint]\nfail-on = "warning"\n'
                      'select = ["ML101"]\n[tool.modellint.rules.ML101]\nseverity = "error"\n'})
    result = invoke("check", str(repo), "--format", "concise")
    assert result.exit_code == 1
    assert " ML101 error " in result.output


def test_per_path_ignores_suppress_but_keep_in_json(make_repo):
    repo = make_repo({**CLEAN, "LICENSE": b"\xff\xfe\x00", ".modellint.toml":
                      '[per-path-ignores]\n"LICENSE" = ["ML901"]\n'})
    result = invoke("check", str(repo), "--format", "json", "--select", "ML901")
    assert result.exit_code == 0
    finding = json.loads(result.output)["findings"][0]
    assert finding["code"] == "ML901"
    assert finding["suppressed"] == {"by": "config", "reason": "per-path-ignores 'LICENSE'"}


def test_output_file(make_repo, tmp_path):
    repo = make_repo({"README.md": "---\nlicense: other\n---\n"})
    out = tmp_path / "report.json"
    result = invoke("check", str(repo), "--format", "json", "--output", str(out))
    assert result.exit_code == 1
    assert json.loads(out.read_text())["summary"]["error"] >= 1


def test_unwritable_output_fails_before_linting(make_repo, tmp_path, monkeypatch):
    linted = []
    monkeypatch.setattr("modellint.batch.run_audit", lambda *a, **k: linted.append(a))
    repo = make_repo(CLEAN)
    result = invoke("check", str(repo), "--output", str(tmp_path / "no-such-dir" / "report.txt"))
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert linted == []


def test_crashing_rule_is_isolated(make_repo, registry):
    crashing = Rule("ML999", "always-crashes", Severity.ERROR, "test", "tests.crashing_rule:boom")
    reg = Registry({**registry.rules, "ML999": crashing}, [])
    repo = make_repo({"README.md": "---\nlicense: other\n---\n"})
    report = lint([str(repo)], RunOptions(), reg)
    assert [e.code for e in report.errors] == ["ML999"]
    assert "crashed: RuntimeError: deliberate failure" in report.errors[0].message
    assert {f.code for f in report.findings} >= {"ML104", "ML201"}


def test_rule_and_rules_commands():
    result = invoke("rule", "card-missing")
    assert result.exit_code == 0
    assert result.output.startswith("ML101 card-missing (default severity: warning)")
    assert "## How to fix" in result.output
    listing = invoke("rules", "--format", "json")
    codes = [r["code"] for r in json.loads(listing.output)]
    assert codes == sorted(codes) and "ML101" in codes
    bad = CliRunner().invoke(main, ["rule", "ML10"])
    assert bad.exit_code == 2 and "unknown rule 'ML10'" in bad.output


def test_facts_command(make_repo):
    repo = make_repo({**CLEAN, "LICENSE-MODEL": "x", "model.safetensors": b"\0" * 16})
    data = json.loads(invoke("facts", str(repo)).output)
    assert data["card"]["metadata"] == {"license": "mit", "datasets": ["a/b"]}
    assert [lf["path"] for lf in data["license_files"]] == ["LICENSE", "LICENSE-MODEL"]
    assert data["license_files"][1]["scope"] == "weights"
    assert data["weights"][0]["path"] == "model.safetensors"


def test_no_traceback_from_subprocess(make_repo):
    repo = make_repo({"README.md": "---\nlicense: [x\n---\n", "LICENSE": b"\x00\x01",
                      "loop": {"symlink": "loop"}})
    proc = run_cli("check", str(repo))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "ML106" in proc.stdout and "ML901" in proc.stdout


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github"])
def test_every_format_runs(make_repo, fmt):
    repo = make_repo({"README.md": "---\nlicense: other\n---\n"})
    result = invoke("check", str(repo), "--format", fmt)
    assert result.exit_code == 1
    assert "ML104" in result.output
