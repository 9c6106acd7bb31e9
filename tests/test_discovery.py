"""Repositories with several models: which folders are models, which a change touches, what
each inherits from the repository's top; with real folders and real git repositories."""

from __future__ import annotations

import pytest

from modellint.discovery import model_folders, touched
from modellint.sources import SourceOptions, open_target
from modellint.sources.local import open_local
from tests.conftest import run_cli
from tests.weight_writers import safetensors_bytes

MODEL_CARD = "---\nlicense: mit\ndatasets: [org/x]\n---\n# m\n"
BERT = '{"model_type": "bert", "architectures": ["BertModel"]}'


@pytest.mark.parametrize("files,expected", [
    # a code repository: a project README, code configs, two model folders
    ({"README.md": "# project\n", "src/config.json": '{"lr": 1}', "models/a/README.md": MODEL_CARD,
      "models/b/config.json": BERT}, ["models/a", "models/b"]),
    # a model at the root: one target, as always (its subfolders are its parts)
    ({"README.md": MODEL_CARD, "onnx/model.onnx": b"\x08\x07", "unet/config.json": BERT}, None),
    ({"model.safetensors": safetensors_bytes(), "extra/README.md": MODEL_CARD}, None),
    # a diffusers pipeline inside a monorepo: its unet/ and vae/ are parts of it
    ({"README.md": "# p\n", "models/sd/model_index.json": '{"_class_name": "StableDiffusionPipeline"}',
      "models/sd/unet/config.json": '{"_class_name": "UNet2DConditionModel"}',
      "models/sd/unet/diffusion_pytorch_model.safetensors": safetensors_bytes()}, ["models/sd"]),
    # checkpoints: each is a model; an adapter with its own card beside a base is one too
    ({"checkpoints/step-1/model.safetensors": safetensors_bytes(),
      "checkpoints/step-2/model.safetensors": safetensors_bytes()},
     ["checkpoints/step-1", "checkpoints/step-2"]),
    ({"base/config.json": BERT, "base/lora/README.md": MODEL_CARD,
      "base/lora/adapter_config.json": '{"peft_type": "LORA"}'}, ["base", "base/lora"]),
    # nothing model-like: one target (the rules say what is missing)
    ({"README.md": "# p\n", "data/config.json": '{"a": 1}', "docs/README.md": "---\ntitle: x\n---\n"},
     None),
    ({}, None),
])
def test_model_folders(make_repo, files, expected):
    assert model_folders(open_local(str(make_repo(files)))) == expected


def test_touched_folders():
    folders = ["models/a", "models/b"]
    assert touched(folders, ["models/b/README.md"]) == ["models/b"]
    assert touched(folders, ["src/train.py", "README.md"]) == []
    assert touched(folders, ["models/ab/x"]) == []  # a prefix is not a folder
    assert touched(folders, ["LICENSE"]) == folders  # every model inherits the top's license
    assert touched(folders, ["LICENSES/MIT.txt"]) == folders
    assert touched(folders, [".modellint.toml"]) == folders


MONOREPO = {
    "README.md": "# acme-ml\n\nCode and models.\n",
    "LICENSE": "SPDX-License-Identifier: Apache-2.0\n",
    "NOTICE": "Acme ML\nCopyright 2026 Acme\n",
    "models/a/README.md": "---\nlicense: apache-2.0\npipeline_tag: text-classification\n"
                         "datasets: [org/x]\n---\n# a\nThe model is released under Apache-2.0.\n",
    "models/a/config.json": BERT,
    "models/b/README.md": "---\nlicense: mit\npipeline_tag: text-classification\ndatasets: [org/x]\n"
                          "---\n# b\nThe model is released under MIT.\n",
    "models/b/LICENSE": "SPDX-License-Identifier: MIT\n",
    "models/b/config.json": BERT,
}


def test_model_folders_inherit_the_top_license_files_they_lack(make_repo):
    repo = make_repo(MONOREPO)
    a = open_local(str(repo / "models" / "a"), inherit_top=str(repo))
    assert [f.path for f in a.files] == ["../../LICENSE", "../../NOTICE", "README.md", "config.json"]
    assert a.read_bytes("../../LICENSE", 100) == b"SPDX-License-Identifier: Apache-2.0\n"
    b = open_local(str(repo / "models" / "b"), inherit_top=str(repo))
    assert [f.path for f in b.files] == ["../../NOTICE", "LICENSE", "README.md", "config.json"]
    # Given directly, a folder is linted alone.
    assert [f.path for f in open_local(str(repo / "models" / "a")).files] == ["README.md", "config.json"]


def test_check_lints_each_model_folder(make_repo):
    repo = make_repo(MONOREPO)
    done = run_cli("check", str(repo), "--format", "json", "--select", "ML2")
    import json

    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [t["target"] for t in report["targets"]] == [f"{repo}/models/a", f"{repo}/models/b"]
    a, b = (t["licenses"]["components"] for t in report["targets"])
    assert a["weights"]["licenses"] == ["apache-2.0"]
    assert [(e["kind"], e["path"]) for e in a["weights"]["evidence"]] == [
        ("card-text", "README.md"), ("card", "README.md"), ("license-file", "../../LICENSE")]
    assert b["weights"]["licenses"] == ["mit"]
    assert report["findings"] == []  # models/a is covered by the top's LICENSE: no ML201


def test_inherited_license_that_the_card_contradicts_is_the_codes(make_repo, run_lint):
    files = {**MONOREPO, "models/a/README.md": "---\nlicense: llama3.1\n---\n# a\n"}
    report = run_lint(make_repo(files), select=("ML202",))
    assert [t.target.rsplit("/", 2)[-2:] for t in report.targets] == [["models", "a"], ["models", "b"]]
    a = report.targets[0].licenses
    assert a.terms("weights").ids == ("llama3.1",) and a.terms("code").ids == ("apache-2.0",)
    assert report.findings == []


def test_staged_change_lints_the_touched_model_only(git_repo):
    git_repo.commit(MONOREPO, "init")
    git_repo.stage({"models/b/README.md": MONOREPO["models/b/README.md"] + "\nMore.\n"})
    done = run_cli("check", "--staged", "--format", "concise", str(git_repo.root), "--select", "ML1")
    assert done.returncode == 0, done.stdout + done.stderr
    import json

    done = run_cli("check", "--staged", "--format", "json", str(git_repo.root))
    targets = [t["target"] for t in json.loads(done.stdout)["targets"]]
    assert targets == [f"{git_repo.root}/models/b"]
    # A change to the top LICENSE touches every model; one to code touches none.
    git_repo.commit({"models/b/README.md": MONOREPO["models/b/README.md"] + "\nMore.\n"}, "b")
    git_repo.stage({"LICENSE": "SPDX-License-Identifier: Apache-2.0\n\nCopyright Acme.\n"})
    done = run_cli("check", "--staged", "--format", "json", str(git_repo.root))
    assert len(json.loads(done.stdout)["targets"]) == 2
    git_repo.commit({"LICENSE": "SPDX-License-Identifier: Apache-2.0\n\nCopyright Acme.\n"}, "c")
    git_repo.stage({"src/train.py": "print(1)\n"})
    done = run_cli("check", "--staged", str(git_repo.root))
    assert done.returncode == 0
    assert "touches none of its 2 model folder(s); nothing to lint" in done.stderr


def test_git_model_folder_inherits_from_the_index(git_repo):
    git_repo.commit(MONOREPO, "init")
    snapshot = open_target(str(git_repo.root / "models" / "a"),
                           SourceOptions(staged=True, inherit_top=str(git_repo.root)))
    assert [f.path for f in snapshot.files] == ["../../LICENSE", "../../NOTICE", "README.md",
                                                "config.json"]
    assert snapshot.read_bytes("../../NOTICE", 100) == b"Acme ML\nCopyright 2026 Acme\n"


def test_hook_lints_the_folders_its_files_touch(git_repo):
    git_repo.commit(MONOREPO, "init")
    git_repo.stage({"models/a/README.md": "---\npipeline_tag: text-classification\n---\n# a\n"})
    done = run_cli("hook", "models/a/README.md", cwd=str(git_repo.root))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "models/a" in done.stdout and "ML102" in done.stdout and "models/b" not in done.stdout
    # --all-files passes every file: every model is linted
    done = run_cli("hook", "models/a/README.md", "models/b/README.md", "README.md",
                   cwd=str(git_repo.root))
    assert "models/a" in done.stdout and "models/b" in done.stdout
