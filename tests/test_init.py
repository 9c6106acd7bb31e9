"""`modellint init`: recommend a license, write what it takes, finish with a check.

Every run is end to end on a temporary repository through the real command line (click's test
runner, interactive runs included), and the repository is then checked by the real linter. License
texts come from where they legitimately live: a base model's repository served by the loopback Hub
(tests/fakehub.py) or its local cache, or a file the user names. The texts used here are stand-ins
in modellint's own words, carrying the short phrases the identifier keys on.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from modellint.cli import main
from modellint.facts.lineage import clear_cache
from modellint.testing import write_repo
from tests.test_hub_source import hub  # noqa: F401 - the loopback Hub fixture

APACHE_STANDIN = (
    "Apache License\nVersion 2.0, January 2004\n\n"
    "Stand-in in modellint's own words. 3. Grant of Patent License: contributors license their "
    "patent claims. 4. Redistribution: give recipients a copy of this License.\n")
LLAMA_STANDIN = (
    "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\n\n"
    "Stand-in for the Llama 3.1 agreement in our own words: Meta grants a royalty-free license to "
    "use, copy, modify and share the Llama Materials. Whoever redistributes them keeps a \"Notice\" "
    "text file and displays \"Built with Llama\".\n")
WEIGHTS = {"model.safetensors": {"base64": "CAAAAAAAAAB7fSAgICAgIA=="}}


def init(*args: str, input: str | None = None):  # noqa: A002 - click's name
    return CliRunner().invoke(main, ["init", *args], input=input)


def check(path) -> list[tuple[str, str | None]]:
    from modellint.registry import load_registry
    from modellint.runner import RunOptions, lint

    report = lint([str(path)], RunOptions(), load_registry(include_plugins=False))
    assert not report.errors
    return sorted((f.code, f.path) for f in report.active())


@pytest.fixture(autouse=True)
def _fresh_lineage_cache():
    # Base licenses looked up in one test (on the loopback Hub) must not answer the next.
    clear_cache()
    yield
    clear_cache()


def test_default_answers_recommend_openmdw_and_leave_a_reported_placeholder(tmp_path):
    repo = write_repo(tmp_path / "m", {"README.md": "# m\n\nA model.\n", **WEIGHTS})
    result = init(str(repo), "--no-interactive", "--offline")
    assert result.exit_code == 1, result.output  # the final check reports the placeholder
    out = result.output
    assert "Assumed (not answered): release=weights,architecture,inference-code, commercial=yes" in out
    assert "Recommended: openmdw-1.0 (OpenMDW License Agreement 1.0" in out
    assert "Alternatives:\n  openmdw-1.1" in out
    assert "No legitimate source of the openmdw-1.0 text was reachable" in out
    card = (repo / "README.md").read_text()
    assert card.startswith("---\nlicense: openmdw-1.0\n---\n# m\n")
    assert "## License\n\nThis model is released under the OpenMDW License Agreement 1.0" in card
    assert "## Training data\n\n*To be written by the authors (left by modellint):" in card
    assert (repo / "LICENSE").read_text().startswith("modellint: license text placeholder\n")
    assert check(repo) == [("ML205", "LICENSE")]
    assert "ML205 error   LICENSE is a placeholder" in out


def test_familiar_license_with_the_users_copy_ends_clean(tmp_path):
    repo = write_repo(tmp_path / "m", {
        "README.md": "---\n# keep this comment\nlicense: mit  # was\ntags: [demo]\n---\n# m\n", **WEIGHTS})
    text = tmp_path / "apache.txt"
    text.write_text(APACHE_STANDIN)
    result = init(str(repo), "--no-interactive", "--familiar", "yes", "--holder", "Acme",
                  "--license-file", str(text))
    assert result.exit_code == 0, result.output
    assert "Recommended: apache-2.0 (Apache License 2.0)" in result.output
    assert "README.md: license changes from mit to apache-2.0" in result.output
    card = (repo / "README.md").read_text()
    assert card.startswith("---\n# keep this comment\nlicense: apache-2.0 # was\ntags: [demo]\n---\n")
    assert "The model weights are licensed under the Apache License 2.0, as is the code." in card
    assert "## Outputs\n\nThe authors claim no rights in the outputs" in card
    assert (repo / "LICENSE").read_text() == APACHE_STANDIN
    assert result.output.rstrip().endswith("No problems found in 1 target.")
    assert check(repo) == []


def test_a_text_that_is_not_the_license_is_refused(tmp_path):
    repo = write_repo(tmp_path / "m", {"README.md": "# m\n"})
    bad = tmp_path / "bad.txt"
    bad.write_text("Do what you like.\n")
    result = init(str(repo), "--no-interactive", "--familiar", "yes", "--license-file", str(bad))
    assert result.exit_code == 2
    assert result.stderr.endswith("does not read as apache-2.0; give the official text of "
                                  "Apache License 2.0\n")
    assert (repo / "README.md").read_text() == "# m\n"


def llama_base(hub, tmp_path) -> None:  # noqa: F811
    base = write_repo(tmp_path / "base", {
        "README.md": "---\nlicense: llama3.1\n---\n# Llama 3.1 8B Instruct\n", "LICENSE": LLAMA_STANDIN})
    hub.add_repo("meta-llama/Llama-3.1-8B-Instruct", base)


def test_llama_derivative_takes_the_base_license_text_from_the_hub(hub, tmp_path):  # noqa: F811
    llama_base(hub, tmp_path)
    repo = write_repo(tmp_path / "Llama-3.1-acme-chat", {
        "README.md": "---\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n---\n# Llama-3.1-acme-chat\n\n"
                     "A chat fine-tune.\n\n## Fine-tuning\n\nLoRA on acme/chat.\n",
        **WEIGHTS})
    result = init(str(repo), "--no-interactive", "--license", "apache-2.0")
    assert result.exit_code == 1
    assert result.stderr == ("")
    assert "apache-2.0 is not allowed by the base models' terms" in result.output
    assert not (repo / "LICENSE").exists()

    result = init(str(repo), "--no-interactive")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Base models: meta-llama/Llama-3.1-8B-Instruct (llama3.1)" in out
    assert "Recommended: llama3.1 (Llama 3.1 Community License Agreement)" in out
    assert "Required by the terms of meta-llama/Llama-3.1-8B-Instruct" in out
    assert "LICENSE: the text of llama3.1, from LICENSE of base model " \
           "meta-llama/Llama-3.1-8B-Instruct (the Hub, commit " in out
    assert (repo / "LICENSE").read_text() == LLAMA_STANDIN
    assert (repo / "NOTICE").read_text() == ("Llama 3.1 is licensed under the Llama 3.1 Community "
                                             "License, Copyright © Meta Platforms, Inc. All Rights "
                                             "Reserved.\n")
    card = (repo / "README.md").read_text()
    assert card.startswith("---\nbase_model: meta-llama/Llama-3.1-8B-Instruct\nlicense: llama3.1\n"
                           "---\n# Llama-3.1-acme-chat\n\n**Built with Llama**\n\nA chat fine-tune.")
    assert "Acceptable Use Policy" in card
    assert check(repo) == []


def test_offline_the_base_text_comes_from_the_local_hub_cache(hub, tmp_path):  # noqa: F811
    llama_base(hub, tmp_path)
    CliRunner().invoke(main, ["check", "hf://meta-llama/Llama-3.1-8B-Instruct"])  # fills the cache
    hub.stop()
    repo = write_repo(tmp_path / "Llama-3.1-acme-chat", {
        "README.md": "---\nbase_model: meta-llama/Llama-3.1-8B-Instruct\ndatasets: [acme/chat]\n---\n"
                     "# Llama-3.1-acme-chat\n"})
    result = init(str(repo), "--no-interactive", "--offline")
    assert "(the local Hub cache, commit " in result.output, result.output
    assert (repo / "LICENSE").read_text() == LLAMA_STANDIN
    assert result.exit_code == 0, result.output


def test_interactive_answers_lead_to_openatom(tmp_path):
    repo = write_repo(tmp_path / "m", {"README.md": "# m\n", **WEIGHTS})
    # release, commercial, restrict_use, hosted, outputs, changes, patents, familiar, language,
    # holder; then "y" to write.
    answers = "weights,training-data\nyes\nno\nyes\nyes\nyes\nyes\nno\nmaybe\nzh+en\nAcme\ny\n"
    result = init(str(repo), "--interactive", "--offline", input=answers)
    out = result.output
    assert "In which language(s) must the license text be authoritative? [en/zh+en] [en]: maybe\n" \
           "  language: 'maybe' is not one of en, zh+en\n" in out
    assert "Recommended: openatom-model-license-1.0 (OpenAtom Model License 1.0)" in out
    assert "Hosted services: Offering the model as a hosted service counts as distribution" in out
    assert "Write these files? [Y/n]: y\n" in out
    card = (repo / "README.md").read_text()
    assert card.startswith("---\nlicense: other\nlicense_name: openatom-model-license-1.0\n"
                           "license_link: LICENSE\n---\n")
    assert check(repo) == [("ML205", "LICENSE")]
    assert result.exit_code == 1


def test_answers_file_and_diff_write_nothing(tmp_path):
    repo = write_repo(tmp_path / "m", {"README.md": "# m\n", **WEIGHTS})
    answers = tmp_path / "answers.toml"
    answers.write_text('license = "cc-by-4.0"\ncommercial = true\npatents = false\n')
    result = init(str(repo), "--answers", str(answers), "--no-interactive", "--diff")
    assert result.exit_code == 0, result.output
    assert "Recommended: cc-by-4.0 (Creative Commons Attribution 4.0 International)" in result.output
    assert "--- a/README.md\n+++ b/README.md\n@@ -1 +1,16 @@\n+---\n+license: cc-by-4.0\n+---\n # m\n" \
        in result.output
    assert "--- /dev/null\n+++ b/LICENSE\n" in result.output
    assert sorted(p.name for p in repo.iterdir()) == ["README.md", "model.safetensors"]
    assert (repo / "README.md").read_text() == "# m\n"

    answers.write_text("comercial = true\n")
    result = init(str(repo), "--answers", str(answers), "--no-interactive")
    assert result.exit_code == 2
    assert result.stderr == "modellint: error: unknown question 'comercial' (did you mean " \
                            "'commercial'?)\n"


def test_bases_whose_terms_conflict_block_any_recommendation(tmp_path):
    repo = write_repo(tmp_path / "m", {
        "README.md": "---\nbase_model: [meta-llama/Llama-3.1-8B, google/gemma-2-9b]\n---\n# m\n"})
    result = init(str(repo), "--no-interactive", "--offline")
    assert result.exit_code == 1
    assert ("No license can be recommended: The base models' terms cannot be met together "
            "(meta-llama/Llama-3.1-8B requires llama3.1; google/gemma-2-9b requires gemma)") \
        in " ".join(result.output.split())
    assert sorted(p.name for p in repo.iterdir()) == ["README.md"]


@pytest.mark.parametrize("target", ["hf://acme/model", "https://huggingface.co/acme/model"])
def test_remote_targets_are_refused(target):
    result = init(target, "--no-interactive")
    assert result.exit_code == 2
    assert result.stderr == (f"modellint: error: {target}: a Hub repository cannot be edited in "
                             "place; clone it (git clone) and run this in the clone\n")


def test_a_hub_cache_folder_is_refused(tmp_path):
    folder = tmp_path / "models--acme--model"
    folder.mkdir()
    result = init(str(folder), "--no-interactive")
    assert result.exit_code == 2
    assert "a Hub cache folder is not a working tree; not edited" in result.stderr


def test_the_text_comes_from_scancodes_license_database_when_installed(tmp_path, monkeypatch):
    """`licensedcode-data` lays out licensedcode/data/licenses/<key>.LICENSE (a YAML header, then
    the text): a folder of that layout on sys.path is found and its header stripped."""
    licenses = tmp_path / "site" / "licensedcode" / "data" / "licenses"
    licenses.mkdir(parents=True)
    (licenses / "apache-2.0.LICENSE").write_text(
        "---\nkey: apache-2.0\nshort_name: Apache 2.0\nspdx_license_key: Apache-2.0\n---\n\n"
        + APACHE_STANDIN)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    repo = write_repo(tmp_path / "m", {"README.md": "---\ndatasets: [a/b]\n---\n# m\n", **WEIGHTS})
    result = init(str(repo), "--no-interactive", "--offline", "--familiar", "yes")
    assert "LICENSE: the text of apache-2.0, from ScanCode's license database (apache-2.0.LICENSE)" \
        in result.output
    assert (repo / "LICENSE").read_text() == APACHE_STANDIN
    assert result.exit_code == 0, result.output
    assert check(repo) == []


def test_governing_law_and_base_terms_are_stated(tmp_path):
    repo = write_repo(tmp_path / "Llama-3.1-x", {
        "README.md": "---\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Llama-3.1-x\n"})
    result = init(str(repo), "--no-interactive", "--offline", "--diff")
    out = " ".join(result.output.split())
    assert "Base model meta-llama/Llama-3.1-8B is under llama3.1: Section 1.b.i:" in out
    assert "- Governing law: California, USA (California courts have exclusive jurisdiction)." in out
