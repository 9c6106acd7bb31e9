"""The license picture: which terms govern each part, on what evidence; asserted exactly."""

from __future__ import annotations

import subprocess

import pytest

from modellint.facts.picture import LicensePicture
from tests.weight_writers import safetensors_bytes

APACHE = "SPDX-License-Identifier: Apache-2.0\n"
MIT = "SPDX-License-Identifier: MIT\n"
CHATGLM_MODEL = "SPDX-License-Identifier: LicenseRef-scancode-deepseek-la-1.0\n"


def parts(picture: LicensePicture) -> dict[str, tuple[tuple[str, ...], str | None]]:
    """component -> (governing ids, fallback)."""
    return {name: (terms.ids, terms.fallback) for name, terms in picture.components.items()}


def sources(picture: LicensePicture, component: str) -> list[tuple[str, str | None, int | None]]:
    return [(e.kind, e.path, e.line) for e in picture.terms(component).evidence]


def test_split_layout_license_for_code_model_license_for_weights(make_facts):
    """A LICENSE holding a software license beside a MODEL_LICENSE: the LICENSE is the code's,
    and the card (which names the model license) agrees with the weights: no conflict."""
    facts = make_facts({
        "README.md": "---\nlicense: other\nlicense_name: deepseek\n---\n# m\n",
        "LICENSE": APACHE,
        "MODEL_LICENSE": CHATGLM_MODEL,
    })
    picture = facts.licenses
    assert picture.file_components == {"LICENSE": "code", "MODEL_LICENSE": "weights"}
    assert parts(picture) == {
        "repository": (("deepseek-license",), None),
        "weights": (("deepseek-license",), None),
        "code": (("apache-2.0",), None),
        "data": ((), None),
        "outputs": (("deepseek-license",), "weights"),
        "documentation": (("deepseek-license",), "repository"),
    }
    assert sources(picture, "weights") == [("license-file", "MODEL_LICENSE", 1), ("card", "README.md", 2)]
    assert sources(picture, "code") == [("license-file", "LICENSE", 1)]
    assert picture.conflicts == ()


def test_license_code_file_governs_the_code_only(make_facts):
    facts = make_facts({
        "README.md": "---\nlicense: apache-2.0\n---\n# m\n",
        "LICENSE": APACHE,
        "LICENSE-CODE": MIT,
    })
    picture = facts.licenses
    assert picture.file_components == {"LICENSE": "repository", "LICENSE-CODE": "code"}
    assert parts(picture)["weights"] == (("apache-2.0",), None)
    assert parts(picture)["code"] == (("mit",), None)
    assert sources(picture, "weights") == [("card", "README.md", 2), ("license-file", "LICENSE", 1)]
    assert sources(picture, "code") == [("license-file", "LICENSE-CODE", 1)]


def test_card_sentence_scopes_a_license_to_the_code(make_facts):
    """The card's prose says the code is MIT and the weights are under MODEL_LICENSE: the LICENSE
    (MIT) speaks for the code, MODEL_LICENSE for the weights; the card's `license: mit` is the
    code's, so it does not clash with the weights' terms."""
    facts = make_facts({
        "README.md": "---\nlicense: mit\n---\n# m\n\nThe code in this repository is released under "
                     "the MIT License (see LICENSE). The model weights are licensed under "
                     "MODEL_LICENSE.\n",
        "LICENSE": MIT,
        "MODEL_LICENSE": CHATGLM_MODEL,
    })
    picture = facts.licenses
    assert [(s.components, s.license_ids, s.files, s.line) for s in picture.statements] == [
        (("code",), ("mit",), ("LICENSE",), 6),
        (("weights",), (), ("MODEL_LICENSE",), 6),
    ]
    assert picture.card_component == "code"
    assert picture.file_components == {"LICENSE": "code", "MODEL_LICENSE": "weights"}
    assert parts(picture)["weights"] == (("deepseek-license",), None)
    assert parts(picture)["code"] == (("mit",), None)
    assert picture.conflicts == ()


def test_license_link_to_one_of_several_files(make_facts):
    facts = make_facts({
        "README.md": "---\nlicense: other\nlicense_name: deepseek\nlicense_link: LICENSE-MODEL\n---\n",
        "LICENSE-CODE": MIT,
        "LICENSE-MODEL": CHATGLM_MODEL,
    })
    picture = facts.licenses
    assert picture.card_component == "weights"
    assert parts(picture)["repository"] == ((), None)
    assert parts(picture)["weights"] == (("deepseek-license",), None)
    assert parts(picture)["code"] == (("mit",), None)
    assert sources(picture, "weights") == [("card", "README.md", 2), ("license-file", "LICENSE-MODEL", 1)]


def test_license_link_to_the_code_file_scopes_the_card_to_the_code(make_facts):
    facts = make_facts({
        "README.md": "---\nlicense: mit\nlicense_link: ./LICENSE-CODE\n---\n",
        "LICENSE-CODE": MIT,
        "model.safetensors": safetensors_bytes(),
    })
    picture = facts.licenses
    assert picture.card_component == "code"
    assert parts(picture)["weights"] == ((), "repository")
    assert parts(picture)["code"] == (("mit",), None)


def test_weight_metadata_is_evidence_and_a_conflict_when_it_disagrees(make_facts):
    facts = make_facts({
        "README.md": "---\nlicense: mit\n---\n",
        "LICENSE": MIT,
        "model.safetensors": safetensors_bytes({"license": "cc-by-nc-4.0"}),
        "model2.safetensors": safetensors_bytes({"license": "MIT"}),
    })
    picture = facts.licenses
    embedded = picture.of_kind("weight-metadata")
    assert [(e.path, e.detail, e.value, e.id) for e in embedded] == [
        ("model.safetensors", "license", "cc-by-nc-4.0", "cc-by-nc-4.0"),
        ("model2.safetensors", "license", "MIT", "mit"),
    ]
    # Weight headers speak, but the card and files govern.
    assert parts(picture)["weights"] == (("mit",), None)
    assert [(c.kind, c.component, c.evidence[0].path) for c in picture.conflicts] == [
        ("embedded", "weights", "model.safetensors")]


def test_weight_metadata_governs_when_nothing_else_speaks(make_facts):
    facts = make_facts({"model.safetensors": safetensors_bytes({"license": "apache-2.0"})})
    assert parts(facts.licenses)["weights"] == (("apache-2.0",), None)
    assert facts.licenses.conflicts == ()


def test_card_and_file_disagree_about_the_model(make_facts):
    facts = make_facts({"README.md": "---\nlicense: apache-2.0\n---\n", "LICENSE": MIT})
    picture = facts.licenses
    assert parts(picture)["weights"] == (("apache-2.0", "mit"), None)  # both sets of duties apply
    [conflict] = picture.conflicts
    assert (conflict.kind, conflict.component) == ("card-file", "repository")
    assert [e.path for e in conflict.evidence] == ["LICENSE"]
    assert [e.kind for e in conflict.against] == ["card"]


def test_inherited_licenses_are_kept_apart(make_facts):
    facts = make_facts({
        "README.md": "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n---\n",
        "LICENSE": APACHE,
    })
    picture = facts.licenses
    assert parts(picture)["weights"] == (("apache-2.0",), None)
    assert [(e.id, e.detail, e.method, e.line) for e in picture.inherited] == [
        ("llama3.1", "meta-llama/Llama-3.1-8B", "table", 3)]


def test_prose_statements_a_reviewer_reads(make_facts):
    card = ("---\nlicense: apache-2.0\n---\n# m\n\n"
            "This model is a fine-tune of Llama 3.1, which is licensed under the Llama 3.1 "
            "Community License.\n\n"
            "It is made available under a permissive Apache 2.0 license.\n\n"
            "<!-- The weights are licensed under CC-BY-NC-4.0 -->\n\n"
            "```\nThe weights are licensed under GPL-3.0\n```\n\n"
            "- **License:** Apache 2.0\n")
    picture = make_facts({"README.md": card}).licenses
    # The Llama sentence speaks of the base; comments and code are not prose.
    assert [(s.components, s.license_ids, s.line, s.form) for s in picture.statements] == [
        (("weights",), ("apache-2.0",), 8, "sentence"),
        (("weights",), ("apache-2.0",), 16, "license-line"),
    ]


def test_a_license_named_as_the_base_of_another_is_not_stated(make_facts):
    card = ("---\nlicense: unknown\n---\n# m\n\n"
            "The model is made available under the [Acme Model License](https://acme.example/terms), "
            "the permissive Apache 2.0-based software license with a use policy.\n\n"
            "The code is released under the MIT license, an MIT-style grant.\n")
    picture = make_facts({"README.md": card}).licenses
    assert [(s.components, s.license_ids, s.line) for s in picture.statements] == [
        (("code",), ("mit",), 8)]


def test_card_without_front_matter_license_has_an_empty_picture(make_facts):
    picture = make_facts({"README.md": "# m\n"}).licenses
    assert parts(picture)["weights"] == ((), "repository")
    assert picture.declared == () and picture.evidence == ()


def test_report_carries_the_picture(run_lint, make_repo):
    repo = make_repo({"README.md": "---\nlicense: apache-2.0\n---\n", "LICENSE-CODE": MIT,
                      "LICENSE": APACHE})
    report = run_lint(repo)
    [info] = report.targets
    assert info.licenses.terms("code").ids == ("mit",)
    from modellint.reporters.json_format import report_json

    block = report_json(report)["targets"][0]["licenses"]
    assert block["components"]["code"]["licenses"] == ["mit"]
    assert block["components"]["weights"]["licenses"] == ["apache-2.0"]
    assert [e["path"] for e in block["components"]["weights"]["evidence"]] == ["README.md", "LICENSE"]


def test_text_report_opens_each_target_with_the_picture(run_lint, make_repo):
    import io

    from modellint.reporters.text_format import render

    repo = make_repo({"README.md": "---\nlicense: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1\n"
                      "datasets: [x/y]\n---\n## Outputs\nYours.\n", "LICENSE-CODE": MIT, "LICENSE": APACHE})
    report = run_lint(repo)
    out = io.StringIO()
    render(report, {}, out)
    assert out.getvalue().splitlines()[:4] == [
        str(repo),
        "  weights: apache-2.0 (card, LICENSE)",
        "  code: mit (LICENSE-CODE)",
        "  inherited: apache-2.0 (base mistralai/Mistral-7B-v0.1)",
    ]


# ---- each license file read once, the card's license parsed once ------------------------------


def test_one_read_per_license_file_and_one_parse_per_card_value(monkeypatch, registry, tmp_path):
    from modellint import licensing
    from modellint.runner import RunOptions, lint
    from modellint.sources.local import LocalSnapshot
    from modellint.testing import write_repo

    repo = write_repo(tmp_path / "m", {
        "README.md": "---\nlicense: [apache-2.0, mit]\nbase_model: mistralai/Mistral-7B-v0.1\n---\n"
                     "The code is released under the MIT license.\n",
        "LICENSE": APACHE, "LICENSE-CODE": MIT, "NOTICE": "Copyright Acme.\n",
        "USE_POLICY.md": "Be nice.\n",
        "model.safetensors": safetensors_bytes({"license": "apache-2.0"}),
    })
    reads: dict[str, int] = {}
    parses: dict[str, int] = {}
    real_read, real_parse = LocalSnapshot.read_bytes, licensing.parse_value

    def read_bytes(self, path, limit):  # type: ignore[no-untyped-def]
        reads[path] = reads.get(path, 0) + 1
        return real_read(self, path, limit)

    def parse_value(value, metadata=None):  # type: ignore[no-untyped-def]
        parses[value] = parses.get(value, 0) + 1
        return real_parse(value, metadata)

    monkeypatch.setattr(LocalSnapshot, "read_bytes", read_bytes)
    monkeypatch.setattr(licensing, "parse_value", parse_value)
    report = lint([str(repo)], RunOptions(), registry)
    assert not report.errors
    assert {p: n for p, n in reads.items() if p != "model.safetensors"} == {
        "README.md": 1, "LICENSE": 1, "LICENSE-CODE": 1, "NOTICE": 1, "USE_POLICY.md": 1}
    assert parses == {"apache-2.0": 1, "mit": 1}


# ---- repository identity -------------------------------------------------------------------------


LLAMA_CARD = ("---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Llama\n"
              "Built with Llama.\n")


def _clone(root, remote: str) -> None:  # type: ignore[no-untyped-def]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", remote], check=True)


@pytest.mark.parametrize("remote,repo_id,kind", [
    ("https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct",
     "model"),
    ("https://user:secret@huggingface.co/meta-llama/Llama-3.1-8B-Instruct.git",
     "meta-llama/Llama-3.1-8B-Instruct", "model"),
    ("git@hf.co:acme/tiny", "acme/tiny", "model"),
    ("https://github.com/acme/tiny", None, "model"),
    # A clone of a Hub dataset is that dataset, whatever its card looks like.
    ("https://huggingface.co/datasets/acme/tiny", "acme/tiny", "dataset"),
    ("https://huggingface.co/spaces/acme/tiny", None, "model"),
])
def test_identity_from_a_clone_origin(make_repo, remote, repo_id, kind):
    from modellint.facts import extract
    from modellint.sources.local import open_local

    repo = make_repo({"README.md": LLAMA_CARD}, name="checkout")
    _clone(repo, remote)
    facts = extract(open_local(str(repo)))
    identity = facts.identity
    assert identity.repo_id == repo_id
    assert facts.kind == kind
    assert identity.name == (repo_id.rsplit("/", 1)[-1] if repo_id else "checkout")
    assert identity.name_from == ("repo-id" if repo_id else "folder")


def test_the_holders_clone_owes_itself_no_notice(make_repo, run_lint):
    """A clone of meta-llama/X is Meta's own release: no NOTICE or display duty for its own terms;
    the same files in acme/X owe both."""
    files = {"README.md": "---\nlicense: llama3.1\n---\n# x\n", "LICENSE": "Llama 3.1 terms.\n"}
    own = make_repo(files, name="own")
    _clone(own, "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct")
    other = make_repo(files, name="other")
    _clone(other, "https://huggingface.co/acme/Llama-3.1-8B-Instruct-ft")
    codes = lambda report: sorted(f.code for f in report.active() if f.code in ("ML401", "ML402"))  # noqa: E731
    assert codes(run_lint(own)) == []
    assert codes(run_lint(other)) == ["ML401", "ML402"]


def test_repo_id_setting(make_repo, run_lint):
    repo = make_repo({"README.md": "---\nlicense: llama3.1\n---\n# x\n", "LICENSE": "terms\n",
                      ".modellint.toml": "repo-id = 'meta-llama/Llama-3.1-8B'\n"})
    report = run_lint(repo)
    assert [f.code for f in report.active() if f.code in ("ML401", "ML402")] == []
    assert report.targets[0].repo_id == "meta-llama/Llama-3.1-8B"
    assert report.targets[0].name == "Llama-3.1-8B"


def test_repo_id_setting_is_validated(make_repo, run_lint):
    repo = make_repo({"README.md": "# x\n", ".modellint.toml": "repo-id = 'not an id'\n"})
    report = run_lint(repo)
    assert [e.message.split(": ", 1)[1] for e in report.errors] == [
        "'repo-id' must be a Hub id such as 'org/name'"]


def test_hostile_git_config_is_only_read(make_repo):
    """The origin is parsed as text: a config that names commands runs none of them."""
    from modellint.sources.remote import hub_remote

    repo = make_repo({"README.md": "# x\n"}, name="x")
    _clone(repo, "https://huggingface.co/acme/x")
    marker = repo / "ran"
    with open(repo / ".git" / "config", "a", encoding="utf-8") as fh:
        fh.write(f"[core]\n\tfsmonitor = touch {marker}\n")
    remote = hub_remote(str(repo))
    assert remote is not None and remote.repo_id == "acme/x"
    assert not marker.exists()
