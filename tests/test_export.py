"""AI-BOM export: CycloneDX 1.7 / 1.6 and SPDX 3.0.1 documents of examples, audits and hostile cards,
validated offline (tests/bom_validation.py), and read back against the license picture."""

from __future__ import annotations

import io
import json

import pytest

from modellint.reporters import get as get_reporter
from modellint.runner import RunOptions, lint, lint_target
from tests.bom_validation import validate_cyclonedx, validate_spdx3
from tests.conftest import run_cli
from tests.examples import ROOT, example_dirs

EXAMPLES = [p for p in sorted((ROOT / "examples").iterdir()) if p.is_dir()]
FORMATS = {"cyclonedx": "1.7", "cyclonedx-1.7": "1.7", "cyclonedx-1.6": "1.6"}


def render(report, registry, fmt: str) -> str:
    buf = io.StringIO()
    get_reporter(fmt)(report, registry.rules, buf)
    return buf.getvalue()


def validate(text: str, fmt: str) -> dict:
    return validate_spdx3(text) if fmt == "spdx3" else validate_cyclonedx(text, FORMATS[fmt])


@pytest.fixture(scope="module")
def example_reports(registry):
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return {p.name: lint([str(p.relative_to(ROOT))], RunOptions(), registry) for p in EXAMPLES}
    finally:
        os.chdir(cwd)


def test_every_bundled_example_is_exported():
    assert {p.name for p in example_dirs()} <= {p.name for p in EXAMPLES}
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize("fmt", ["cyclonedx", "cyclonedx-1.6", "spdx3"])
@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_each_example_exports_a_valid_document(example_reports, registry, example, fmt):
    report = example_reports[example]
    doc = validate(render(report, registry, fmt), fmt)
    # One model per target: a repository of several models (examples/monorepo) has several.
    if fmt == "spdx3":
        models = [e for e in doc["@graph"] if e["type"] in ("ai_AIPackage", "dataset_DatasetPackage")
                  and e["spdxId"].endswith("/model")]
        assert [m["type"] for m in models] == [
            "dataset_DatasetPackage" if t.repo_type == "dataset" else "ai_AIPackage" for t in report.targets]
        assert len(models) == len(report.targets)
        reviews = [e for e in doc["@graph"] if e["type"] == "Annotation" and e["annotationType"] == "review"]
        assert len(reviews) == len(report.active())
    else:
        models = doc["components"]
        assert [m["type"] for m in models] == [
            "data" if t.repo_type == "dataset" else "machine-learning-model" for t in report.targets]
        assert len(doc.get("annotations", [])) == len(report.active())
        errors = sum(int({p["name"]: p["value"] for p in m["properties"]}["modellint:findings:error"])
                     for m in models)
        assert errors == report.counts()["error"]


@pytest.mark.parametrize("fmt", ["cyclonedx", "cyclonedx-1.6", "spdx3"])
def test_a_batch_audit_exports_one_valid_document(registry, fmt, monkeypatch):
    """The whole examples folder as one audit (worker processes, outcomes pickled back)."""
    monkeypatch.chdir(ROOT)
    given = [str(p.relative_to(ROOT)) for p in EXAMPLES]
    result = run_cli("check", *given, "--format", fmt, "-j", "2", "--executor", "processes")
    assert result.returncode == 1, result.stderr
    doc = validate(result.stdout, fmt)
    from modellint.discovery import expand
    from modellint.sources import SourceOptions

    targets = expand(given, SourceOptions()).targets  # examples/monorepo: one per model folder
    if fmt == "spdx3":
        documents = [e for e in doc["@graph"] if e["type"] == "SpdxDocument"]
        assert len(documents[0]["rootElement"]) == len(targets)
    else:
        assert sorted(p["value"] for c in doc["components"] for p in c["properties"]
                      if p["name"] == "modellint:target") == sorted(targets)


# ---- the CycloneDX document read back with cyclonedx-python-lib, against the picture ----


def _expected(picture, part: str) -> set[tuple[str, str]]:
    """(license as CycloneDX names it, acknowledgement) for a part, from the picture itself."""
    from cyclonedx.spdx import is_supported_id

    out = set()
    for e in picture.terms(part).evidence:
        ack = {"card": "declared", "card-text": "declared", "weight-metadata": "declared",
               "license-file": "concluded"}.get(e.kind)
        if ack is None or (e.license is None and not e.value):
            continue  # "the same license as the base" names none: nothing to list
        lic = e.license
        if lic is not None and lic.spdx and is_supported_id(lic.spdx):
            out.add((lic.spdx, ack))
        elif lic is not None:
            out.add((lic.name, ack))
        else:
            out.add(("other (unnamed license)" if e.value.lower() == "other" else e.value, ack))
    return out


def _got(component) -> set[tuple[str, str]]:
    return {(lic.id or lic.name, lic.acknowledgement.value) for lic in component.licenses}


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_cyclonedx_reads_back_with_the_picture_and_lineage(example_reports, registry, example):
    from cyclonedx.model.bom import Bom

    report = example_reports[example]
    bom = Bom.from_json(json.loads(render(report, registry, "cyclonedx")))  # type: ignore[attr-defined]
    models = list(bom.components)
    assert len(models) == len(report.targets)
    for target, model in zip(report.targets, models, strict=True):
        _check_model(target, model)


def _check_model(target, model) -> None:  # type: ignore[no-untyped-def]
    picture = target.licenses
    # A dataset repository's own licenses are its data's terms (examples/dataset-*).
    assert _got(model) == _expected(picture, "data" if target.repo_type == "dataset" else "weights")
    files = {c.name: c for c in model.components if c.type.value == "file"}
    assert set(files) == {f.path for f in target.inventory.files}
    for item in target.inventory.files:
        assert _got(files[item.path]) == _expected(picture, item.part)
    datasets = sorted(c.name for c in model.components if c.type.value == "data")
    assert datasets == sorted(target.inventory.card.datasets if target.inventory.card else ())
    direct = sorted(b for b in target.inventory.bases if b.depth == 1)
    ancestors = sorted(model.pedigree.ancestors, key=lambda c: (c.group or "", c.name)) if model.pedigree else []
    assert [f"{c.group}/{c.name}" if c.group else c.name for c in ancestors] == sorted(b.model_id for b in direct)


def test_declared_and_concluded_differ_where_card_and_file_disagree(example_reports, registry):
    """apache-card-llama-file: the card declares Apache-2.0, the LICENSE is the Llama 3.1 text."""
    from cyclonedx.model.bom import Bom

    bom = Bom.from_json(json.loads(render(example_reports["apache-card-llama-file"], registry,  # type: ignore[attr-defined]
                                          "cyclonedx")))
    (model,) = bom.components
    assert _got(model) == {("Apache-2.0", "declared"),
                           ("Llama 3.1 Community License Agreement", "concluded")}
    urls = {str(lic.url) for lic in model.licenses if lic.url}
    assert urls == {"https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE"}


def test_split_licenses_give_code_and_weights_their_own_terms(example_reports, registry):
    doc = validate_cyclonedx(render(example_reports["deepseek-split"], registry, "cyclonedx"))
    (model,) = doc["components"]
    props = {p["name"]: p["value"] for p in model["properties"]}
    assert props["modellint:license:code:concluded"] == "MIT"
    assert props["modellint:license:weights:concluded"] == "LicenseRef-scancode-deepseek-la-1.0"
    assert model["licenses"] == [
        {"license": {"acknowledgement": "concluded", "name": "DeepSeek License Agreement 1.0",
                     "url": "https://github.com/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-MODEL"}},
        {"license": {"acknowledgement": "declared", "name": "DeepSeek License Agreement 1.0",
                     "url": "https://github.com/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-MODEL"}}]
    (weights,) = [c for c in model["components"] if c["name"] == "model.safetensors"]
    assert weights["licenses"] == model["licenses"]


def test_pedigree_and_model_card(example_reports, registry):
    doc = validate_cyclonedx(render(example_reports["llama31-finetune-relicensed"], registry, "cyclonedx"))
    (model,) = doc["components"]
    assert model["name"] == "SupportBot-8B" and model["group"] == "acme"
    assert model["purl"] == "pkg:huggingface/acme/SupportBot-8B"
    (base,) = model["pedigree"]["ancestors"]
    assert base["purl"] == "pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct"
    assert base["licenses"] == [{"license": {
        "acknowledgement": "declared", "name": "Llama 3.1 Community License Agreement",
        "url": "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE"}}]
    card = model["modelCard"]
    assert card["modelParameters"]["datasets"] == [{"ref": "t1:dataset:acme/support-tickets"}]
    (dataset,) = [c for c in model["components"] if c["type"] == "data"]
    assert dataset["data"] == [{"type": "dataset", "name": "acme/support-tickets"}]
    texts = [a["text"] for a in doc["annotations"]]
    assert any(t.startswith("ML502 base-license-incompatible (error)") for t in texts), texts


def test_spdx_relationships_licenses_and_lineage(example_reports, registry):
    doc = validate_spdx3(render(example_reports["llama31-finetune-relicensed"], registry, "spdx3"))
    graph = doc["@graph"]
    by_id = {e.get("spdxId"): e for e in graph}
    model = next(e for e in graph if e["type"] == "ai_AIPackage" and e["spdxId"].endswith("/t1/model"))
    rels = [e for e in graph if e["type"] == "Relationship" and e["from"] == model["spdxId"]]
    kinds = {r["relationshipType"]: [by_id[t] for t in r["to"]] for r in rels}
    assert [b["name"] for b in kinds["descendantOf"]] == ["meta-llama/Llama-3.1-8B-Instruct"]
    assert [d["name"] for d in kinds["trainedOn"]] == ["acme/support-tickets"]
    assert kinds["hasDeclaredLicense"][0]["simplelicensing_licenseExpression"] == "Apache-2.0"
    assert kinds["hasConcludedLicense"][0]["simplelicensing_licenseExpression"] == "Apache-2.0"
    base = kinds["descendantOf"][0]
    (base_license,) = [by_id[r["to"][0]] for r in graph if r["type"] == "Relationship"
                       and r["from"] == base["spdxId"] and r["relationshipType"] == "hasDeclaredLicense"]
    assert base_license["simplelicensing_licenseExpression"] == "LicenseRef-scancode-llama-3.1-license-2024"
    (text,) = [by_id[d["value"]] for d in base_license["simplelicensing_customIdToUri"]]
    assert text["type"] == "simplelicensing_SimpleLicensingText"
    assert "Llama 3.1 Community License Agreement" in text["simplelicensing_licenseText"]
    assert model["software_packageUrl"] == "pkg:huggingface/acme/SupportBot-8B"


# ---- cards whose licenses exporters get wrong ----

HOSTILE = {
    "hub-id": "license: llama3.1",
    "unknown": "license: unknown",
    "other-unnamed": "license: other",
    "custom": "license: \"My Own License!! v2 (c) \\u0007 acme\"",
    "expression": "license: MIT OR Apache-2.0",
    "list": "license: [mit, openrail++, cc-by-nc-4.0]",
    "bad-expression": "license: \"GPL-2.0 OR OR (\"",
    "licenseref": "license: LicenseRef-acme-1",
    "family": "license: cc",
}


@pytest.mark.parametrize("card", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("fmt", ["cyclonedx", "cyclonedx-1.6", "spdx3"])
def test_any_card_license_gives_a_valid_document(make_repo, run_lint, registry, card, fmt):
    repo = make_repo({
        "README.md": f"---\n{card}\ndatasets: [\"acme/data\", \"../../etc\", \"a b\"]\n"
                     "base_model: acme/base\n---\n# m\n",
        "LICENSE": "SPDX-License-Identifier: MIT\n",
        "model.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
        "train.py": "print('hi')\n",
        "data/train.jsonl": "{}\n",
    })
    report = run_lint(repo)
    doc = validate(render(report, registry, fmt), fmt)
    if fmt == "spdx3":
        expressions = [e["simplelicensing_licenseExpression"] for e in doc["@graph"]
                       if e["type"] == "simplelicensing_LicenseExpression"]
        assert "unknown" not in " ".join(expressions).lower().split()
        assert "llama3.1" not in expressions


def test_a_compound_card_expression_is_kept_in_spdx(make_repo, run_lint, registry):
    repo = make_repo({"README.md": "---\nlicense: MIT OR Apache-2.0\n---\n# m\n"})
    doc = validate_spdx3(render(run_lint(repo), registry, "spdx3"))
    model = next(e for e in doc["@graph"] if e["type"] == "ai_AIPackage")
    (declared,) = [e for e in doc["@graph"] if e["type"] == "Relationship"
                   and e["from"] == model["spdxId"] and e["relationshipType"] == "hasDeclaredLicense"]
    (expression,) = [e for e in doc["@graph"] if e.get("spdxId") == declared["to"][0]]
    assert expression["simplelicensing_licenseExpression"] == "MIT OR Apache-2.0"


def test_a_hub_id_is_never_an_spdx_id(make_repo, run_lint, registry):
    repo = make_repo({"README.md": "---\nlicense: llama3.1\n---\n# m\n"})
    doc = validate_cyclonedx(render(run_lint(repo), registry, "cyclonedx"))
    (model,) = doc["components"]
    assert model["licenses"] == [{"license": {
        "acknowledgement": "declared", "name": "Llama 3.1 Community License Agreement",
        "url": "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE"}}]


def test_files_carry_their_lfs_hashes_and_parts(make_repo, run_lint, registry):
    oid = "a" * 64
    repo = make_repo({
        "README.md": "---\nlicense: apache-2.0\n---\n# m\n",
        "model.safetensors": f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 123\n",
        "modeling_m.py": "x = 1\n",
    })
    doc = validate_cyclonedx(render(run_lint(repo), registry, "cyclonedx"))
    parts = {c["name"]: c for c in doc["components"][0]["components"]}
    assert parts["model.safetensors"]["hashes"] == [{"alg": "SHA-256", "content": oid}]
    assert {p["name"]: p["value"] for p in parts["modeling_m.py"]["properties"]}["modellint:part"] == "code"
    assert parts["modeling_m.py"]["licenses"] == [{"license": {"acknowledgement": "declared", "id": "Apache-2.0"}}]


def test_an_audit_with_a_store_exports_what_it_linted(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    store = tmp_path / "audit.sqlite"
    result = run_cli("check", "examples/deepseek-split", "examples/clean-apache", "--store", str(store),
                     "--format", "cyclonedx")
    doc = validate_cyclonedx(result.stdout)
    names = {c["name"]: [lic["license"].get("id") or lic["license"]["name"] for lic in c["licenses"]]
             for c in doc["components"]}
    assert names == {"deepseek-split": ["DeepSeek License Agreement 1.0"] * 2,
                     "clean-apache": ["Apache-2.0", "Apache-2.0"]}
    again = run_cli("check", "examples/clean-apache", "--store", str(store), "--resume", "--format", "spdx3")
    assert again.returncode == 2
    assert "--resume cannot write --format spdx3" in again.stderr


def test_the_inventory_is_built_only_when_asked(registry):
    """Only the document formats read a target's inventory: other runs do not build it, and
    nothing else changes."""
    target = str(ROOT / "examples" / "clean-apache")
    full = lint_target(target, RunOptions(), registry).report
    lean = lint_target(target, RunOptions(inventory=False), registry).report
    assert full.targets[0].inventory is not None and full.targets[0].inventory.card is not None
    assert lean.targets[0].inventory is None
    assert lean.targets[0]._replace(inventory=full.targets[0].inventory) == full.targets[0]
    assert lean.findings == full.findings and lean.errors == full.errors
