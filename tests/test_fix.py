"""`modellint fix`: each fix end to end on a temporary repository, then a real `check`.

Every test runs the command line (click's test runner) on a repository written to a temp dir and
asserts the exact edit and that a check afterwards no longer reports what was fixed. License texts
are stand-ins in modellint's own words (the identifier keys on their short phrases).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from modellint.cli import main
from modellint.testing import write_repo
from tests.test_init import LLAMA_STANDIN, hub, llama_base  # noqa: F401 - hub is a fixture

APACHE_STANDIN = (
    "Apache License\nVersion 2.0, January 2004\n\n"
    "Stand-in in modellint's own words. 3. Grant of Patent License: contributors license their "
    "patent claims.\n")
LLAMA_NOTICE = ("Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta "
                "Platforms, Inc. All Rights Reserved.")
LLAMA_CARD = ("---\nlicense: llama3.1\ndatasets: [acme/chat]\n---\n# Llama-3.1-acme\n\nBuilt with "
              "Llama. Use is subject to the Llama 3.1 Acceptable Use Policy.\n\n## Outputs\n\nOurs.\n")


def fix(*args: str):
    return CliRunner().invoke(main, ["fix", *args])


def codes(path) -> list[str]:
    from modellint.registry import load_registry
    from modellint.runner import RunOptions, lint

    report = lint([str(path)], RunOptions(), load_registry(include_plugins=False))
    assert not report.errors
    return sorted(f.code for f in report.active())


def test_ML401_writes_the_notice_the_license_prescribes(tmp_path):
    repo = write_repo(tmp_path / "Llama-3.1-acme", {"README.md": LLAMA_CARD, "LICENSE": LLAMA_STANDIN})
    assert codes(repo) == ["ML401"]
    result = fix(str(repo))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f'fixed ML401 README.md:2: wrote NOTICE with the notice llama3.1 '
                                    f'requires: "{LLAMA_NOTICE}"\n')
    assert "Fixed 1 of 1 finding(s); wrote NOTICE." in result.output
    assert (repo / "NOTICE").read_text() == LLAMA_NOTICE + "\n"
    assert codes(repo) == []


def test_ML401_adds_the_missing_line_to_an_existing_notice(tmp_path):
    repo = write_repo(tmp_path / "Llama-3.1-acme", {
        "README.md": LLAMA_CARD, "LICENSE": LLAMA_STANDIN, "NOTICE": "Acme chat model.\n"})
    assert codes(repo) == ["ML401"]
    assert fix(str(repo)).exit_code == 0
    assert (repo / "NOTICE").read_text() == f"Acme chat model.\n\n{LLAMA_NOTICE}\n"
    assert codes(repo) == []


def test_ML402_displays_the_phrase_under_the_title(tmp_path):
    card = LLAMA_CARD.replace("Built with Llama. ", "")
    repo = write_repo(tmp_path / "Llama-3.1-acme", {
        "README.md": card, "LICENSE": LLAMA_STANDIN, "NOTICE": LLAMA_NOTICE + "\n"})
    assert codes(repo) == ["ML402"]
    result = fix(str(repo))
    assert 'fixed ML402 README.md:2: displays "Built with Llama" under the title (llama3.1)' in result.output
    assert (repo / "README.md").read_text() == card.replace(
        "# Llama-3.1-acme\n\n", "# Llama-3.1-acme\n\n**Built with Llama**\n\n")
    assert codes(repo) == []


def test_ML103_takes_the_hub_spelling_and_keeps_comments_and_quotes(tmp_path):
    card = ('---\n# metadata kept by hand\nlicense: "Apache 2.0"   # as we wrote it\n'
            "tags: [chat]  # flow list\ndatasets:\n  - acme/web\n---\n# m\n\n## Outputs\n\nOurs.\n")
    repo = write_repo(tmp_path / "m", {"README.md": card, "LICENSE": APACHE_STANDIN})
    assert "ML103" in codes(repo)
    result = fix(str(repo), "--select", "ML103")
    assert "fixed ML103 README.md:3: `license: Apache 2.0` becomes `apache-2.0` (Apache License 2.0)" \
        in result.output
    assert (repo / "README.md").read_text() == card.replace('"Apache 2.0"', '"apache-2.0"')
    assert "ML103" not in codes(repo)


def test_ML103_a_license_without_a_hub_id_becomes_other_with_its_name(tmp_path):
    repo = write_repo(tmp_path / "m", {
        "README.md": "---\nlicense: openatom\n---\n# m\n", "LICENSE": "placeholder terms\n"})
    assert "ML103" in codes(repo)
    result = fix(str(repo), "--select", "card-license-unknown")
    assert "becomes `other` with license_name: openatom-model-license-1.0" in result.output
    assert (repo / "README.md").read_text().startswith(
        "---\nlicense: other\nlicense_name: openatom-model-license-1.0\n---\n")
    assert "ML103" not in codes(repo)


def test_ML103_an_unknown_value_is_left_with_the_choice_to_the_author(tmp_path):
    card = "---\nlicense: apache-2.1\n---\n# m\n"
    repo = write_repo(tmp_path / "m", {"README.md": card})
    result = fix(str(repo), "--select", "ML103")
    assert ("left  ML103 README.md:2: `apache-2.1` names no license modellint knows (perhaps "
            "`apache-2.0`): which license you meant is your decision") in result.output
    assert (repo / "README.md").read_text() == card
    assert result.exit_code == 1


def test_ML104_names_the_license_identified_in_the_license_file(tmp_path):
    repo = write_repo(tmp_path / "m", {
        "README.md": "---\nlicense: other\ndatasets: [acme/web]\n---\n# m\n\n## Outputs\n\nOurs.\n",
        "LICENSE": APACHE_STANDIN})
    assert "ML104" in codes(repo)
    result = fix(str(repo), "--select", "ML104")
    assert "fixed ML104 README.md:2: license_name: apache-2.0, license_link: LICENSE (identified in " \
           "LICENSE)" in result.output
    assert (repo / "README.md").read_text().startswith(
        "---\nlicense: other\nlicense_name: apache-2.0\nlicense_link: LICENSE\ndatasets:")
    assert "ML104" not in codes(repo)


def test_ML105_points_license_link_at_the_file_that_holds_the_license(tmp_path):
    card = ("---\nlicense: other\nlicense_name: apache-2.0\nlicense_link: LICENSE.md\n"
            "datasets: [a/b]\n---\n# m\n\n## Outputs\n\nOurs.\n")
    repo = write_repo(tmp_path / "m", {"README.md": card, "LICENSE": APACHE_STANDIN})
    assert "ML105" in codes(repo)
    result = fix(str(repo), "--select", "license-link-broken")
    assert ("fixed ML105 README.md:4: `license_link: LICENSE.md` becomes `LICENSE`, the file that "
            "holds apache-2.0") in result.output
    assert (repo / "README.md").read_text() == card.replace("license_link: LICENSE.md", "license_link: LICENSE")
    assert "ML105" not in codes(repo)


def test_ML506_declares_the_base_the_card_names_in_prose(tmp_path):
    card = ("---\nlicense: llama3.1\n# kept above datasets\ndatasets: [a/b]\n---\n# acme-chat\n\n"
            "This model is a fine-tuned version of [meta-llama/Llama-3.1-8B-Instruct]"
            "(https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct) on chats.\n")
    repo = write_repo(tmp_path / "acme-chat", {"README.md": card})
    assert "ML506" in codes(repo)
    result = fix(str(repo), "--select", "ML506")
    assert ("fixed ML506 README.md:8: `base_model: meta-llama/Llama-3.1-8B-Instruct` (the card "
            "names it as the base)") in result.output
    assert (repo / "README.md").read_text() == card.replace(
        "license: llama3.1\n", "license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n")
    assert "ML506" not in codes(repo)


def test_ML506_a_family_name_is_left_to_the_author(tmp_path):
    card = "---\nlicense: mit\n---\n# m\n\nA Llama 2 13B fine-tune for stories.\n"
    repo = write_repo(tmp_path / "m", {"README.md": card})
    assert "ML506" in codes(repo)
    result = fix(str(repo), "--select", "ML506")
    assert "left  ML506 README.md:6: the card names the Llama 2 family, not a model" in result.output
    assert (repo / "README.md").read_text() == card


def test_ML201_takes_the_license_text_from_the_base_model(hub, tmp_path):  # noqa: F811
    llama_base(hub, tmp_path)
    card = LLAMA_CARD.replace("license: llama3.1\n",
                              "license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n")
    repo = write_repo(tmp_path / "Llama-3.1-acme", {"README.md": card + "\n## Fine-tuning\n\nLoRA.\n",
                                                    "NOTICE": LLAMA_NOTICE + "\n"})
    assert codes(repo) == ["ML201"]
    result = fix(str(repo))
    assert "fixed ML201 (repository): wrote LICENSE: the text of llama3.1, from LICENSE of base model " \
           "meta-llama/Llama-3.1-8B-Instruct (the Hub, commit " in result.output
    assert (repo / "LICENSE").read_text() == LLAMA_STANDIN
    assert codes(repo) == []


def test_ML201_without_a_legitimate_source_writes_nothing(tmp_path):
    repo = write_repo(tmp_path / "m", {"README.md": "---\nlicense: openmdw-1.0\ndatasets: [a/b]\n---\n# m\n"})
    result = fix(str(repo), "--offline")
    assert "left  ML201 (repository): no legitimate source of the openmdw-1.0 text was reachable " \
           "(published at https://github.com/OpenMDW/openmdw/blob/main/1.0/LICENSE.openmdw): " \
           "rerun with --license-file FILE" in result.output
    assert not (repo / "LICENSE").exists()
    assert result.exit_code == 1


def test_ML403_references_the_use_policy(tmp_path):
    card = LLAMA_CARD.replace(" Use is subject to the Llama 3.1 Acceptable Use Policy.", "")
    repo = write_repo(tmp_path / "Llama-3.1-acme", {
        "README.md": card, "LICENSE": LLAMA_STANDIN, "NOTICE": LLAMA_NOTICE + "\n"})
    assert codes(repo) == ["ML403"]
    result = fix(str(repo))
    assert "fixed ML403 README.md:2: a Use policy section referencing" in result.output
    assert "## Use policy\n\nUse of this model is subject to the use restrictions of " in \
        (repo / "README.md").read_text()
    assert codes(repo) == []


@pytest.mark.parametrize(("code", "card", "heading"), [
    ("ML305", "---\nlicense: apache-2.0\n---\n# m\n\n## Outputs\n\nOurs.\n", "## Training data"),
    ("ML306", "---\nlicense: apache-2.0\npipeline_tag: text-generation\ndatasets: [a/b]\n---\n# m\n",
     "## Outputs"),
    ("ML501", "---\nlicense: gemma\nbase_model: google/gemma-2-9b\ndatasets: [a/b]\n---\n# m\n\n"
              "Gemma is provided under and subject to the Gemma Terms of Use. Prohibited use "
              "policy applies.\n", "## Modifications"),
])
def test_section_skeletons_are_marked_for_the_author(tmp_path, code, card, heading):
    repo = write_repo(tmp_path / "m", {"README.md": card, "LICENSE": APACHE_STANDIN})
    assert code in codes(repo)
    result = fix(str(repo), "--select", code)
    assert f"fixed {code} " in result.output
    text = (repo / "README.md").read_text()
    assert text.startswith(card.rstrip("\n"))
    assert f"\n\n{heading}\n\n*To be written by the authors (left by modellint fix):" in text
    assert code not in codes(repo)


def test_author_decisions_are_explained_never_applied(tmp_path):
    card = ("---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\ndatasets: [a/b]\n---\n"
            "# SupportBot\n\nBuilt with Llama.\n\n## Outputs\n\nOurs.\n")
    repo = write_repo(tmp_path / "SupportBot", {"README.md": card, "LICENSE": APACHE_STANDIN,
                                                "NOTICE": LLAMA_NOTICE + "\n"})
    before = codes(repo)
    assert {"ML502", "ML503"} <= set(before)
    result = fix(str(repo), "--select", "ML502,ML503")
    assert ("left  ML502 README.md:2: relicensing is your decision: the derivative must carry "
            "llama3.1 (`modellint init --license llama3.1` writes what that takes)") in result.output
    assert ("left  ML503 (repository): renaming the model is your decision: a name that begins "
            "with 'Llama'\n") in result.output
    assert "Fixed 0 of 2 finding(s)." in result.output
    assert (repo / "README.md").read_text() == card
    assert result.exit_code == 1


def test_diff_shows_without_writing_and_select_limits(tmp_path):
    card = LLAMA_CARD.replace("Built with Llama. ", "")
    repo = write_repo(tmp_path / "Llama-3.1-acme", {"README.md": card, "LICENSE": LLAMA_STANDIN})
    assert codes(repo) == ["ML401", "ML402"]
    result = fix(str(repo), "--diff", "--select", "ML401")
    assert result.exit_code == 1
    assert "ML402" not in result.output
    assert f"--- /dev/null\n+++ b/NOTICE\n@@ -0,0 +1 @@\n+{LLAMA_NOTICE}\n" in result.output
    assert result.output.rstrip().endswith("1 fixable, 0 left for you (nothing written: --diff).")
    assert sorted(p.name for p in repo.iterdir()) == ["LICENSE", "README.md"]
    clean = fix(str(tmp_path / "Llama-3.1-acme"), "--diff", "--select", "ML9")
    assert clean.exit_code == 0 and clean.output.strip() == "0 fixable, 0 left for you (nothing " \
                                                            "written: --diff)."


@pytest.mark.parametrize(("args", "message"), [
    (["hf://acme/model"], "hf://acme/model: a Hub repository cannot be edited in place; clone it"),
    (["https://huggingface.co/acme/model"], "https://huggingface.co/acme/model: a Hub repository "
                                            "cannot be edited in place"),
])
def test_remote_targets_are_refused(args, message):
    result = fix(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"modellint: error: {message}")


def test_git_revisions_are_refused(tmp_path):
    result = fix(str(tmp_path), "--rev", "HEAD")
    assert result.exit_code == 2
    assert "fix edits the working tree; it cannot edit a git revision or the index" in result.output
