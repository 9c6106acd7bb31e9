"""Dataset repositories: telling a dataset card from a model card, local dataset folders, which
rules judge a dataset and how they speak of it, data files, and repositories holding both."""

from __future__ import annotations

import json

import pytest

from modellint.cardkind import front_matter_keys, is_dataset_card, kind_of_keys
from modellint.datafiles import data_format
from modellint.discovery import model_folders
from modellint.sources import SourceOptions
from modellint.sources.local import open_local
from tests.conftest import run_cli, shared_path
from tests.weight_writers import safetensors_bytes

DATASET_CARD = """---
license: cc-by-4.0
language: [en]
task_categories: [question-answering]
size_categories: [1K<n<10K]
source_datasets: [original]
pretty_name: Tiny QA
configs:
- config_name: default
  data_files: data/*.parquet
---
# Tiny QA

Questions and answers written by the Acme team.
"""
MODEL_CARD = "---\nlicense: mit\npipeline_tag: text-classification\ndatasets: [acme/tiny-qa]\n---\n# m\n"


@pytest.mark.parametrize("front,kind", [
    ("task_categories: [x]\nlicense: mit\n", "dataset"),
    ("size_categories: [n<1K]\n", "dataset"),
    ("configs: []\ndataset_info: {}\n", "dataset"),
    ("annotations_creators: [crowdsourced]\nlanguage_creators: [found]\n", "dataset"),
    # model cards that borrow a dataset key carry a model key too
    ("pretty_name: a LoRA\npipeline_tag: text-to-image\n", "model"),
    ("task_categories: [x]\ndatasets: [squad]\nlicense: mit\n", "model"),
    ("license: mit\ntags: [a]\n", "model"),
])
def test_kind_of_a_card_by_its_keys(front, kind):
    head = f"---\n{front}---\n# x\n".encode()
    assert kind_of_keys(front_matter_keys(head) or ()) == kind
    assert is_dataset_card(head) == (kind == "dataset")


def test_no_front_matter_is_neither():
    assert front_matter_keys(b"# project\n") is None
    assert kind_of_keys(()) is None
    assert not is_dataset_card(b"\xef\xbb\xbf---\n---\n")


def test_no_real_model_card_reads_as_a_dataset_card():
    """The 3,433 real model cards of ../shared/hf-cards: none is taken for a dataset card."""
    cards = shared_path("hf-cards", "cards")
    paths = sorted(cards.glob("*.md"))
    assert len(paths) == 3433
    assert [p.name for p in paths if is_dataset_card(p.read_bytes()[:64 * 1024])] == []


@pytest.mark.parametrize("path,expected", [
    ("data/train-00000-of-00002.parquet", ("parquet", "tabular")),
    ("train.jsonl", ("jsonl", "text")),
    ("shards/part.jsonl.zst", ("jsonl", "text")),
    ("images.tar.gz", ("tar", "archive")),
    ("audio/clip.flac", ("flac", "audio")),
    ("x.arrow", ("arrow", "tabular")),
    ("feats.npy", ("numpy", "array")),
    ("legacy.pkl", ("pickle", "pickle")),
    ("README.md", None), ("dataset_infos.json", None), (".gitattributes", None), ("load.py", None),
])
def test_data_files_are_classified_by_name(path, expected):
    assert data_format(path) == expected


def test_local_dataset_folder(make_facts):
    facts = make_facts({"README.md": DATASET_CARD, "data/train.parquet": b"PAR1" + b"\0" * 60,
                        "data/extra.jsonl": '{"q": 1}\n', "emb/vectors.npy": b"\x93NUMPY",
                        "LICENSE": "SPDX-License-Identifier: CC-BY-4.0\n"})
    assert facts.kind == "dataset" and facts.target.repo_type == "dataset"
    assert facts.weights == ()  # a dataset's .npy is data: named, never opened
    assert [(f.path, f.format) for f in facts.dataset.data_files] == [
        ("data/extra.jsonl", "jsonl"), ("data/train.parquet", "parquet"), ("emb/vectors.npy", "numpy")]
    assert facts.dataset.formats == {"jsonl": 1, "numpy": 1, "parquet": 1}
    assert facts.dataset.original and facts.dataset.sources == ()
    picture = facts.licenses
    assert picture.parts == ("data", "code", "documentation")
    assert picture.terms("data").ids == ("cc-by-4.0",)
    assert [e.kind for e in picture.terms("data").evidence] == ["card", "license-file"]
    assert picture.terms("weights").ids == () and picture.terms("outputs").evidence == ()
    assert picture.terms("code").fallback == "repository"
    assert facts.lineage.bases == ()


def test_dataset_rules_speak_of_the_dataset_card(make_repo, run_lint):
    repo = make_repo({"README.md": DATASET_CARD.replace("license: cc-by-4.0\n", ""),
                      "data/train.csv": "q,a\n"})
    report = run_lint(repo)
    assert [(f.code, f.path, f.line, f.message) for f in report.findings] == [
        ("ML201", None, None, "no license file at the repository root (LICENSE, LICENSE.md, COPYING, "
         "LICENSE-MODEL, LICENSES/...): recipients need the license text itself, not only its name"),
        ("ML102", "README.md", 1, "the dataset card has no `license` in its front matter"),
    ]
    assert report.targets[0].repo_type == "dataset"


def test_model_rules_do_not_run_on_a_dataset(make_repo, run_lint, registry):
    """Weights, outputs, base models, training data: nothing a dataset has; an NC dataset gets
    ML404 (in the dataset's words) and nothing about its weights."""
    card = DATASET_CARD.replace("cc-by-4.0", "cc-by-nc-4.0") + "\nBuilt with Llama.\n"
    repo = make_repo({"README.md": card, "LICENSE": "SPDX-License-Identifier: CC-BY-NC-4.0\n",
                      "model.safetensors": safetensors_bytes()})
    report = run_lint(repo)
    assert [(f.code, f.message) for f in report.findings] == [
        ("ML404", "cc-by-nc-4.0 allows no commercial use: the dataset cannot be used in commercial "
                  "products or services")]
    model_only = {r.code for r in registry.rules.values() if r.targets == ("model",)}
    assert {"ML301", "ML302", "ML303", "ML305", "ML306", "ML401", "ML402", "ML403", "ML501", "ML502",
            "ML503", "ML504", "ML505", "ML506", "ML902"} <= model_only
    both = {r.code for r in registry.rules.values() if "dataset" in r.targets}
    assert {"ML101", "ML102", "ML103", "ML104", "ML201", "ML202", "ML404", "ML601", "ML901"} <= both


def test_unknown_license_on_a_dataset(make_repo, run_lint):
    repo = make_repo({"README.md": DATASET_CARD.replace("cc-by-4.0", "unknown")})
    report = run_lint(repo, select=("ML107",))
    assert [(f.code, f.line, f.message) for f in report.findings] == [
        ("ML107", 2, "`license: unknown` grants no license: without one, nobody may use, copy, "
                     "modify or share the dataset: declare the license the dataset is released under "
                     "(within the terms of the data it comes from)")]


def test_kind_option_overrides_the_card(make_repo):
    repo = make_repo({"README.md": DATASET_CARD})
    as_model = json.loads(run_cli("check", str(repo), "--kind", "model", "--format", "json").stdout)
    assert as_model["targets"][0]["repo_type"] == "model"
    assert "ML305" in {f["code"] for f in as_model["findings"]}  # a model owes data information
    plain = make_repo({"README.md": "---\nlicense: mit\n---\n# corpus\n"}, name="corpus")
    done = run_cli("check", str(plain), "--kind", "dataset", "--format", "json")
    report = json.loads(done.stdout)
    assert report["targets"][0]["repo_type"] == "dataset"
    assert report["targets"][0]["licenses"]["components"]["data"]["licenses"] == ["mit"]
    assert "weights" not in report["targets"][0]["licenses"]["components"]
    assert open_local(str(plain)).info.repo_type is None
    from modellint.sources import open_target

    assert open_target(str(plain), SourceOptions(kind="dataset")).info.repo_type == "dataset"


def test_text_report_shows_the_data_terms(make_repo):
    repo = make_repo({"README.md": DATASET_CARD, "LICENSE": "SPDX-License-Identifier: CC-BY-4.0\n"},
                     name="tiny-qa")
    done = run_cli("check", str(repo))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[:2] == [str(repo), "  data, code: cc-by-4.0 (card, LICENSE)"]


def test_discovery_splits_a_repository_of_models_and_datasets(make_repo):
    files = {"README.md": "# project\n", "models/clf/README.md": MODEL_CARD,
             "models/clf/config.json": '{"model_type": "bert"}',
             "data/tiny-qa/README.md": DATASET_CARD, "data/tiny-qa/train.parquet": b"PAR1",
             # a model's own data folder with a dataset card is a dataset of its own
             "models/clf/eval/README.md": DATASET_CARD}
    assert model_folders(open_local(str(make_repo(files)))) == [
        "data/tiny-qa", "models/clf", "models/clf/eval"]
    # a dataset at the root is one dataset, whatever folders it holds
    root = {"README.md": DATASET_CARD, "data/train.parquet": b"PAR1", "extra/README.md": MODEL_CARD}
    assert model_folders(open_local(str(make_repo(root, name="root")))) is None


def test_check_lints_models_and_datasets_of_one_repository(make_repo):
    repo = make_repo({"README.md": "# project\n", "LICENSE": "SPDX-License-Identifier: Apache-2.0\n",
                      "models/clf/README.md": MODEL_CARD, "models/clf/config.json": '{"model_type": "bert"}',
                      "data/tiny-qa/README.md": DATASET_CARD, "data/tiny-qa/train.parquet": b"PAR1"})
    done = run_cli("check", str(repo), "--format", "json")
    report = json.loads(done.stdout)
    assert [(t["target"], t["repo_type"]) for t in report["targets"]] == [
        (f"{repo}/data/tiny-qa", "dataset"), (f"{repo}/models/clf", "model")]
    data = report["targets"][0]["licenses"]["components"]
    # the dataset's own card governs its data; the top's Apache LICENSE it inherits is the code's
    assert data["data"]["licenses"] == ["cc-by-4.0"] and data["code"]["licenses"] == ["apache-2.0"]
