"""SARIF output: structure always; the official 2.1.0 schema when ../shared has it."""

from __future__ import annotations

import io
import json

import jsonschema
import pytest

from modellint.reporters.sarif_format import render
from modellint.runner import RunOptions, lint
from tests.conftest import shared_path


@pytest.fixture
def sarif(make_repo, registry):
    repo = make_repo({"README.md": "---\nlicense: other\nlicense_link: NOPE\n"
                                   "datasets: [acme/corpus]\n---\n",
                      "NOTICE": b"caf\xe9"})
    report = lint([str(repo)], RunOptions(), registry)
    buf = io.StringIO()
    render(report, registry.rules, buf)
    return json.loads(buf.getvalue()), registry


def test_structure(sarif):
    data, registry = sarif
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(registry.rules)
    for r in rules:
        assert r["fullDescription"]["text"] and "## How to fix" in r["help"]["markdown"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"ML104", "ML105", "ML201", "ML901"}
    ml105 = by_rule["ML105"]
    assert rules[ml105["ruleIndex"]]["id"] == "ML105"
    assert ml105["level"] == "error"
    loc = ml105["locations"][0]["physicalLocation"]
    # an absolute target becomes a file URI that upload-sarif maps into the checkout
    assert loc["artifactLocation"]["uri"].startswith("file:///")
    assert loc["artifactLocation"]["uri"].endswith("/repo/README.md") and loc["region"]["startLine"] == 3
    # repository-level findings are anchored to the card so code scanning can show them
    ml201 = by_rule["ML201"]["locations"][0]["physicalLocation"]
    assert ml201["artifactLocation"]["uri"].endswith("/repo/README.md")
    assert ml201["region"] == {"startLine": 1}
    assert by_rule["ML201"]["properties"]["repositoryLevel"] is True
    assert by_rule["ML901"]["level"] == "warning"
    assert all(len(r["partialFingerprints"]["modellint/v1"]) == 32 for r in run["results"])
    assert run["invocations"][0]["executionSuccessful"] is True


def test_repository_level_finding_without_a_card_is_anchored_to_the_license(make_repo, registry):
    repo = make_repo({"LICENSE": "MIT License\n"})
    report = lint([str(repo)], RunOptions(select=("ML101",)), registry)
    buf = io.StringIO()
    render(report, registry.rules, buf)
    [result] = json.loads(buf.getvalue())["runs"][0]["results"]
    assert result["ruleId"] == "ML101" and result["properties"]["repositoryLevel"] is True
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": (repo / "LICENSE").resolve().as_uri()}


def test_fingerprints_are_stable_across_line_moves(make_repo, registry):
    repo = make_repo({"LICENSE": "x"})

    def fp(card):
        (repo / "README.md").write_text(card)
        report = lint([str(repo)], RunOptions(select=("ML104",)), registry)
        buf = io.StringIO()
        render(report, registry.rules, buf)
        result = json.loads(buf.getvalue())["runs"][0]["results"][0]
        return result["partialFingerprints"], result["locations"][0]["physicalLocation"]["region"]

    a, region_a = fp("---\nlicense: other\n---\n")
    b, region_b = fp("---\ntags: [x]\nlicense: other\n---\n")
    c, _ = fp("---\nlicense: other\nlicense_name: x\n---\n")  # a different message
    assert region_a == {"startLine": 2} and region_b == {"startLine": 3}
    assert a == b
    assert a != c


def test_validates_against_official_schema(sarif):
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())
    data, _ = sarif
    jsonschema.Draft7Validator(schema).validate(data)
