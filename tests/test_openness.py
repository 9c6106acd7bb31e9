"""The openness judgement (modellint/openness.py): the report and the open-source-ai profile."""

from __future__ import annotations

import json

import pytest

from modellint.checks.lineage import categories
from modellint.config import Settings, load_profile
from modellint.knowledge import load_kb
from modellint.openness import COMPONENT_KIND, assess, is_open, open_for
from modellint.policy import judge
from tests.conftest import run_cli
from tests.examples import ROOT


@pytest.mark.parametrize(("kind", "license_id", "why"), [
    ("code", "apache-2.0", None),
    ("code", "openmdw-1.0", None),
    ("code", "cc-by-4.0", "it is not on the open licenses for code (osi-approved, open-model)"),
    ("parameters", "mit", None),
    ("parameters", "cc-by-4.0", None),
    ("parameters", "llama3.1", "it restricts how the material may be used"),
    ("parameters", "cc-by-nc-4.0", "it forbids commercial use"),
    ("parameters", "creativeml-openrail-m", "it restricts how the material may be used"),
    ("data", "cc-by-nd-4.0", "it forbids sharing modified versions"),
    ("data", "odc-by", None),
    ("documentation", "cc-by-sa-4.0", None),
    ("parameters", "wtfpl", "it is not on the open licenses for parameters (osi-approved, open-data, open-model)"),
])
def test_open_for(kind, license_id, why):
    assert open_for(kind, load_kb().get(license_id)) == why


def test_an_unknown_license_is_never_open():
    assert open_for("code", None) == "its terms are unknown to modellint"


def test_the_open_source_ai_profile_uses_the_same_judgement():
    """For every license the knowledge base knows and every component the policy judges, the
    profile denies exactly what the openness judgement calls not open."""
    policy = load_profile("open-source-ai", None, Settings()).policy
    for record in load_kb().all():
        for component in ("weights", "code", "data"):
            cats = categories(record) | ({"open"} if is_open(component, record) else set())
            denied = judge(policy, component, record.id, frozenset(cats)) is not None
            assert denied == (open_for(COMPONENT_KIND[component], record) is not None), (record.id, component)


OPEN_REPO = {
    "README.md": "---\nlicense: apache-2.0\nlibrary_name: transformers\npipeline_tag: text-generation\n"
                 "datasets: [acme/corpus]\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-generation}\n"
                 "    dataset: {name: acme/eval}\n    metrics: [{type: accuracy, value: 0.5}]\n---\n# m\n\n"
                 "## Training data\n\nacme/corpus, 1B tokens of permissively licensed text.\n\n"
                 "The data is released under CC BY 4.0.\n\n"
                 "See the [paper](https://arxiv.org/abs/2401.00001).\n",
    "LICENSE": "SPDX-License-Identifier: Apache-2.0\n",
    "config.json": json.dumps({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}),
    "model.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
    "checkpoint-100/model.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
    "train.py": "pass\n",
    "eval.py": "pass\n",
    "preprocess.py": "pass\n",
    "modeling_m.py": "pass\n",
    "data/train.jsonl": "{}\n",
    "data/eval.jsonl": "{}\n",
    "technical_report.pdf": b"%PDF-1.4\n",
}


def _statuses(parts):
    return {p.name: p.status for p in parts}


def test_a_fully_open_repository(make_repo, run_lint):
    report = run_lint(make_repo(OPEN_REPO))
    result = assess(report.targets[0])
    assert _statuses(result.osaid) == {"parameters": "open", "code": "open", "data information": "open"}
    assert result.osaid_met
    three, two, one = result.mof
    assert _statuses(three.parts) == {
        "model architecture": "open", "parameters (final weights)": "open", "technical report": "open",
        "evaluation results": "open", "model card": "open", "data card": "open"}
    assert three.reached and two.reached
    assert _statuses(one.parts)["research paper"] == "unjudged"
    assert not one.reached and one.pending
    assert result.mof_class == "Class II (Open Tooling)"


def test_restricted_weights_reach_no_class(make_repo, run_lint):
    files = dict(OPEN_REPO)
    files["README.md"] = OPEN_REPO["README.md"].replace("license: apache-2.0", "license: llama3.1")
    files["LICENSE"] = "SPDX-License-Identifier: LicenseRef-llama\n"
    result = assess(run_lint(make_repo(files)).targets[0])
    params = {p.name: p for p in result.osaid}["parameters"]
    assert params.status == "restricted"
    assert "llama3.1: it restricts how the material may be used" in params.reason
    assert not result.osaid_met and result.mof_class is None
    assert not result.mof[0].reached and not result.mof[0].pending


def test_openness_format_on_an_example(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run_cli("check", "examples/clean-openmdw", "--format", "openness")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "examples/clean-openmdw"
    assert "  Open Source AI Definition 1.0: not met (as far as the repository shows)" in lines
    assert "    open      parameters - model.safetensors [openmdw-1.0]" in lines
    assert any(line.startswith("    missing   code - no training code in the repository") for line in lines)
    assert "  Model Openness Framework: no class reached" in lines


def test_openness_of_a_whole_audit(registry, monkeypatch):
    monkeypatch.chdir(ROOT)
    examples = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").iterdir() if p.is_dir())
    result = run_cli("check", *examples, "--format", "openness", "-j", "2")
    assert result.returncode == 1
    heads = [line for line in result.stdout.splitlines() if line.startswith("examples/")]
    from modellint.discovery import expand
    from modellint.sources import SourceOptions

    # examples/monorepo holds two models: one report each
    assert len(heads) == len(expand(examples, SourceOptions()).targets) == len(examples) + 1
