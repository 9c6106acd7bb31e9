"""CI integration: the composite action, the example workflow, and SARIF for code scanning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.conftest import ROOT, shared_path

CARD = "---\nlicense: mit\n---\n# Tiny\n"


def _yaml(name: str):
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def test_action_is_a_composite_action_with_the_documented_inputs():
    action = _yaml("action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"path", "format", "fail-on", "sarif-file", "args"}
    assert action["inputs"]["format"]["default"] == "github"
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash"  # composite run steps must name a shell
    install = action["runs"]["steps"][0]["run"]
    assert '"$GITHUB_ACTION_PATH"' in install and "pip install" in install


def test_example_workflow_uploads_the_sarif_the_action_writes():
    workflow = _yaml("examples/github-workflow.yml")
    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as "on".
    assert set(workflow.get("on", workflow.get(True))) == {"pull_request", "push"}
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["modellint"]["steps"]
    lint = next(s for s in steps if str(s.get("uses", "")).split("@")[0].endswith("/modellint"))
    upload = next(s for s in steps if str(s.get("uses", "")).startswith(
        "github/codeql-action/upload-sarif@"))
    assert upload["name"] == "Upload SARIF to code scanning"
    assert upload["with"]["sarif_file"] == lint["with"]["sarif-file"] == "modellint.sarif"
    assert steps.index(upload) > steps.index(lint)
    assert "always()" in upload["if"]


def _run_action_script(tmp_path, workspace, **inputs):
    """Run the action's lint step as GitHub would, with this venv's modellint installed."""
    step = next(s for s in _yaml("action.yml")["runs"]["steps"] if s["name"] == "Run modellint")
    runner_temp = tmp_path / "runner-temp"
    if not runner_temp.exists():
        (runner_temp / "modellint-venv" / "bin").mkdir(parents=True)
        (runner_temp / "modellint-venv" / "bin" / "modellint").symlink_to(
            Path(sys.executable).with_name("modellint"))
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp)}
    defaults = {k: v.get("default", "") for k, v in _yaml("action.yml")["inputs"].items()}
    values = {**defaults, **inputs}
    for key, expr in step["env"].items():
        name = expr.strip("${} ").removeprefix("inputs.")
        env[key] = values[name]
    return subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=workspace, env=env,
                          capture_output=True, text=True)


def test_action_script_annotates_writes_sarif_and_fails_on_errors(tmp_path, make_repo):
    repo = make_repo({"README.md": CARD})
    done = _run_action_script(tmp_path, repo, **{"sarif-file": "out.sarif"})
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error title=ML201 license-file-missing::")
    sarif = json.loads((repo / "out.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["ML201"]
    (repo / "LICENSE").write_text("MIT License\n")
    done = _run_action_script(tmp_path, repo, **{"args": "--select ML2 --exit-zero"})
    assert done.returncode == 0 and done.stdout == ""


def _sarif(*args):
    done = subprocess.run([sys.executable, "-m", "modellint", "check", "--format", "sarif", *args],
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def test_sarif_is_schema_valid_with_suppressions(make_repo):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())
    repo = make_repo({"README.md": CARD + '<!-- modellint: ignore[ML201] reason="in card" -->\n'
                      '<!-- modellint: ignore[ML102] reason="stale" -->\n'})
    sarif = _sarif(str(repo))
    jsonschema.validate(sarif, schema)
    results = sarif["runs"][0]["results"]
    assert [(r["ruleId"], "suppressions" in r) for r in results] == [("ML201", True),
                                                                     ("ML903", False)]


def test_repository_level_findings_are_anchored_to_the_card_or_license(make_repo):
    with_card = make_repo({"README.md": CARD}, name="a")
    [result] = _sarif(str(with_card))["runs"][0]["results"]
    assert result["ruleId"] == "ML201" and result["properties"]["repositoryLevel"] is True
    physical = result["locations"][0]["physicalLocation"]
    assert physical["region"] == {"startLine": 1}
    # An absolute target becomes an absolute file URI, which upload-sarif makes relative.
    assert physical["artifactLocation"] == {"uri": (with_card / "README.md").resolve().as_uri()}
    no_card = make_repo({"LICENSE": "MIT License\n"}, name="b")
    results = _sarif("--select", "ML101", str(no_card))["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 2)[-2:]
            for r in results] == [["b", "LICENSE"]]


def test_sarif_uris_are_relative_to_the_repository_root(tmp_path):
    model = tmp_path / "models" / "tiny"
    model.mkdir(parents=True)
    (model / "README.md").write_text(CARD)
    done = subprocess.run([sys.executable, "-m", "modellint", "check", "--format", "sarif",
                           "models/tiny"], capture_output=True, text=True, cwd=tmp_path)
    [result] = json.loads(done.stdout)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "models/tiny/README.md", "uriBaseId": "%SRCROOT%"}


def test_fingerprints_are_stable_across_runs_and_line_moves(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text("---\nlicense: other\n---\n# Tiny\n")

    def prints():
        cmd = [sys.executable, "-m", "modellint", "check", "--format", "sarif", "m"]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
        results = json.loads(done.stdout)["runs"][0]["results"]
        return {(r["ruleId"], r["partialFingerprints"]["modellint/v1"]) for r in results}

    first = prints()
    assert len(first) >= 2
    assert prints() == first
    (tmp_path / "m" / "README.md").write_text("---\n# moved\n\nlicense: other\n---\n# Tiny\n")
    assert prints() == first
