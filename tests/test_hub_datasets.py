"""Dataset repositories on the loopback Hub (tests/fakehub.py), through the real huggingface_hub
client: `hf://datasets/org/name` targets, their data files never fetched, source datasets and a
model's training data looked up as datasets, offline linting from the cache, and what goes wrong."""

from __future__ import annotations

import json

import pytest

from modellint.runner import RunOptions, lint
from modellint.snapshot import SourceError
from modellint.sources import SourceOptions, open_target
from modellint.testing import write_repo
from tests.conftest import run_cli
from tests.test_hub_source import CARD, FILES, hub, repo_requests  # noqa: F401 - the loopback Hub

PARQUET = b"PAR1" + b"\0" * (128 * 1024) + b"PAR1"  # a data file: its bytes must never be fetched
QA_CARD = """---
license: cc-by-sa-4.0
language: [en]
task_categories: [question-answering]
size_categories: [1K<n<10K]
annotations_creators: [crowdsourced]
source_datasets:
- extended|org/forum-questions
- org/speeches
pretty_name: Tiny QA
configs:
- config_name: default
  data_files: data/*.parquet
---
# Tiny QA

Questions over the org/forum-questions corpus, answered by our annotators.
"""


def _dataset(hub, tmp_path, repo_id: str, files: dict) -> str:  # noqa: F811
    folder = write_repo(tmp_path / ("ds-" + repo_id.replace("/", "-")), files)
    return hub.add_repo(repo_id, folder, repo_type="dataset")


def _card(license_id: str, extra: str = "") -> str:
    return f"---\nlicense: {license_id}\ntask_categories: [text-generation]\n{extra}---\n# data\n"


@pytest.fixture
def sources(hub, tmp_path):  # noqa: F811
    _dataset(hub, tmp_path, "org/forum-questions", {"README.md": _card("cc-by-sa-4.0")})
    _dataset(hub, tmp_path, "org/speeches", {"README.md": _card("cc-by-nd-4.0")})
    _dataset(hub, tmp_path, "org/chats-nc", {"README.md": _card("cc-by-nc-4.0")})


def codes(report) -> list[tuple[str, str | None, int | None]]:
    return [(f.code, f.path, f.line) for f in report.active()]


def test_a_dataset_on_the_hub_is_linted_without_its_data(hub, tmp_path, sources):  # noqa: F811
    commit = _dataset(hub, tmp_path, "org/tiny-qa", {
        "README.md": QA_CARD, "LICENSE": "SPDX-License-Identifier: CC-BY-SA-4.0\n",
        "data/train-00000-of-00001.parquet": PARQUET, "data/extra.jsonl": '{"q": "a"}\n'})
    hub.reset_counts()
    report = lint(["hf://datasets/org/tiny-qa"], RunOptions())
    assert report.errors == []
    [info] = report.targets
    assert (info.kind, info.repo_type, info.repo_id, info.name, info.revision) == (
        "hf", "dataset", "org/tiny-qa", "tiny-qa", commit)
    assert info.origin == f"{hub.url}/datasets/org/tiny-qa"
    assert info.licenses.terms("data").ids == ("cc-by-sa-4.0",)
    assert [(e.id, e.detail) for e in info.licenses.sources] == [
        ("cc-by-sa-4.0", "org/forum-questions"), ("cc-by-nd-4.0", "org/speeches")]
    # The share-alike source is honoured (same license) and credited in the text; the ND source
    # is copied, not extended (no ML703), but never credited.
    assert [(f.code, f.path, f.line, f.severity.value, f.message) for f in report.active()] == [
        ("ML702", "README.md", 7, "warning",
         "source dataset 'org/speeches' is licensed `cc-by-nd-4.0` (its dataset card on the Hub), "
         "which asks users of data derived from it to credit it: name it in the card's text (its "
         "creators, a link, its license and what was changed), not only in `source_datasets`")]
    # One listing, the card and the license file; each source's card data; no data file.
    paths = [p for _, p, _ in repo_requests(hub)]
    assert [p for p in paths if p.startswith("/api/")] == [
        "/api/datasets/org/tiny-qa/revision/main", "/api/datasets/org/forum-questions",
        "/api/datasets/org/speeches"]
    assert sorted(p for p in paths if "/resolve/" in p) == [
        f"/datasets/org/tiny-qa/resolve/{commit}/LICENSE",
        f"/datasets/org/tiny-qa/resolve/{commit}/README.md"]
    assert hub.bytes_for("data/train-00000-of-00001.parquet") == 0
    assert hub.bytes_for("data/extra.jsonl") == 0


def test_share_alike_source_relicensed_is_ml701(hub, tmp_path, sources):  # noqa: F811
    _dataset(hub, tmp_path, "org/qa-mit", {"README.md": QA_CARD.replace(
        "license: cc-by-sa-4.0", "license: mit").replace("- org/speeches\n", ""),
        "LICENSE": "SPDX-License-Identifier: MIT\n"})
    report = lint(["hf://datasets/org/qa-mit"], RunOptions())
    assert [(f.code, f.path, f.line, f.severity.value, f.message) for f in report.active()] == [
        ("ML701", "README.md", 7, "error",
         "declared license `mit` breaks the terms of source dataset 'org/forum-questions', "
         "licensed `cc-by-sa-4.0` (its dataset card on the Hub): data derived from it must carry "
         f"one of `cc-by-sa-4.0` or `gpl-3.0` ({_entry('cc-by-sa-4.0')})")]


def test_extending_a_no_derivatives_source_is_ml703(hub, tmp_path, sources):  # noqa: F811
    _dataset(hub, tmp_path, "org/speech-notes", {"README.md": (
        "---\nlicense: cc-by-nd-4.0\ntask_categories: [summarization]\n"
        "source_datasets: ['extended|org/speeches']\n---\n# Notes on org/speeches\n"),
        "LICENSE": "SPDX-License-Identifier: CC-BY-ND-4.0\n"})
    report = lint(["hf://datasets/org/speech-notes"], RunOptions())
    assert [(f.code, f.path, f.line, f.severity.value, f.message) for f in report.active()] == [
        ("ML703", "README.md", 4, "error",
         "`source_datasets` says this dataset extends 'org/speeches', licensed `cc-by-nd-4.0` (its "
         f"dataset card on the Hub), which allows no adapted version of it to be shared "
         f"({_entry('cc-by-nd-4.0')})")]


def test_a_models_training_data_is_looked_up_on_the_hub(hub, tmp_path, sources):  # noqa: F811
    """ML705: each listed dataset whose terms are restrictive, once, with where its license was
    read; a dataset the Hub does not have falls back to the offline table (squad), else stays
    unreported (org/missing)."""
    card = CARD.replace("  - org/corpus\n", "  - org/chats-nc\n  - org/forum-questions\n"
                        "  - org/speeches\n  - org/missing\n  - squad\n  - org/chats-nc\n")
    hub.add_repo("org/model", write_repo(tmp_path / "model", dict(FILES, **{"README.md": card})))
    hub.reset_counts()
    report = lint(["hf://org/model"], RunOptions())
    tail = ("whether such terms reach a model trained on the data is legally unsettled, so check "
            "them before relying on the model's own license")
    hub_card = "its dataset card on the Hub"
    assert [(f.code, f.path, f.line, f.severity.value, f.message) for f in report.active()] == [
        ("ML705", "README.md", 3, "info", f"trained on {name!r}, licensed `{lic}` ({where}): its "
                                          f"terms {terms}; {tail}")
        for name, lic, where, terms in [
            ("org/chats-nc", "cc-by-nc-4.0", hub_card, "forbid commercial use of the data"),
            ("org/forum-questions", "cc-by-sa-4.0", hub_card,
             "ask that adaptations of the data be shared under the same license"),
            ("org/speeches", "cc-by-nd-4.0", hub_card,
             "allow no adapted version of the data to be shared"),
            ("squad", "cc-by-sa-4.0", "modellint's offline table of well-known datasets, as of "
             "2026-11", "ask that adaptations of the data be shared under the same license")]]
    assert [p for _, p, _ in repo_requests(hub) if p.startswith("/api/datasets/")] == [
        "/api/datasets/org/chats-nc", "/api/datasets/org/forum-questions",
        "/api/datasets/org/speeches", "/api/datasets/org/missing", "/api/datasets/squad"]



def test_a_dataset_and_a_model_may_share_an_id(hub, tmp_path):  # noqa: F811
    hub.add_repo("org/twin", write_repo(tmp_path / "twin-model", FILES))
    _dataset(hub, tmp_path, "org/twin", {"README.md": _card("cc-by-4.0", "source_datasets: [original]\n"),
                                         "LICENSE": "SPDX-License-Identifier: CC-BY-4.0\n"})
    model = open_target("hf://org/twin", SourceOptions())
    dataset = open_target("https://huggingface.co/datasets/org/twin", SourceOptions())
    assert (model.info.repo_type, dataset.info.repo_type) == ("model", "dataset")
    assert "model.safetensors" in [f.path for f in model.files]
    assert [f.path for f in dataset.files] == ["LICENSE", "README.md"]
    assert dataset.read_bytes("README.md", 10_000).startswith(b"---\nlicense: cc-by-4.0\n")


@pytest.mark.parametrize("target,message", [
    ("hf://datasets/org/nowhere", "repository not found on {url} (if it is private, set HF_TOKEN, "
                                  "pass --token or run `hf auth login`)"),
    ("hf://datasets/org/tiny@v9", "revision 'v9' not found"),
    ("hf://spaces/org/app", "only model and dataset repositories can be linted (not Spaces)"),
])
def test_dataset_target_errors_are_one_line(hub, tmp_path, target, message):  # noqa: F811
    _dataset(hub, tmp_path, "org/tiny", {"README.md": _card("mit")})
    with pytest.raises(SourceError) as info:
        open_target(target, SourceOptions())
    assert str(info.value) == message.format(url=hub.url)
    done = run_cli("check", target)
    assert done.returncode == 2
    assert done.stderr.strip() == f"modellint: error: {target}: {message.format(url=hub.url)}"


def test_offline_and_cache_folder_lint_a_cached_dataset(hub, tmp_path, sources):  # noqa: F811
    """Once linted online, a dataset lints from the Hub cache (`datasets--org--name`) with no
    request; its sources are not looked up offline, and ML704 says so."""
    commit = _dataset(hub, tmp_path, "org/tiny-qa", {
        "README.md": QA_CARD, "LICENSE": "SPDX-License-Identifier: CC-BY-SA-4.0\n",
        "data/train.parquet": PARQUET})
    lint(["hf://datasets/org/tiny-qa"], RunOptions())
    folder = tmp_path / "hf-cache" / "datasets--org--tiny-qa"
    assert folder.is_dir()
    hub.reset_counts()
    offline = lint(["hf://datasets/org/tiny-qa"], RunOptions(source=SourceOptions(offline=True)))
    cached = lint([str(folder)], RunOptions())
    assert repo_requests(hub) == []
    for report, kind in ((offline, "hf"), (cached, "hf-cache")):
        assert report.errors == []
        [info] = report.targets
        assert (info.kind, info.repo_type, info.revision) == (kind, "dataset", commit)
        assert [(f.code, f.line, f.message) for f in report.active()] == [
            ("ML704", 7, f"the license of source dataset {name!r} could not be determined: not "
                         "looked up (offline: --offline, HF_HUB_OFFLINE or a Hub cache folder) "
                         "and is not in modellint's table of well-known datasets; what it asks of "
                         "this dataset was not checked")
            for name in ("org/forum-questions", "org/speeches")]


def test_cli_json_report_of_a_hub_dataset(hub, tmp_path, sources):  # noqa: F811
    _dataset(hub, tmp_path, "org/tiny-qa", {
        "README.md": QA_CARD, "LICENSE": "SPDX-License-Identifier: CC-BY-SA-4.0\n",
        "data/train.parquet": PARQUET})
    done = run_cli("check", "hf://datasets/org/tiny-qa", "--format", "json")
    assert done.returncode == 0, done.stderr  # a warning does not fail the default fail-on
    report = json.loads(done.stdout)
    jsonschema = pytest.importorskip("jsonschema")
    from tests.examples import ROOT

    jsonschema.validate(report, json.loads(
        (ROOT / "modellint" / "schemas" / "report.schema.json").read_text()))
    [target] = report["targets"]
    assert (target["repo_type"], target["repo_id"]) == ("dataset", "org/tiny-qa")
    assert sorted(target["licenses"]["components"]) == ["code", "data", "documentation",
                                                        "repository"]
    assert [(f["code"], f["severity"]) for f in report["findings"]] == [("ML702", "warning")]
    facts = json.loads(run_cli("facts", "hf://datasets/org/tiny-qa").stdout)
    assert facts["dataset"]["formats"] == {"parquet": 1}
    assert [(s["dataset_id"], s["relation"], s["licenses"], s["source"])
            for s in facts["dataset"]["sources"]] == [
        ("org/forum-questions", "extended", ["cc-by-sa-4.0"], "hub"),
        ("org/speeches", None, ["cc-by-nd-4.0"], "hub")]


def _entry(license_id: str) -> str:
    """"name: clause" of the compatibility entry a message cites."""
    from modellint.checks.lineage import compat_entry, kb

    entry = compat_entry(kb().resolve(license_id))
    assert entry is not None
    return f"{entry.name}: {entry.clause}"
