"""The command line's conventions: usage errors once and up front, the closing line's words,
codes in any case, configuration files read whole, colour, verbosity and the listing commands."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from modellint.cli import main
from modellint.reporters import FORMATS
from modellint.testing import write_repo
from tests.test_hub_source import FILES, hub  # noqa: F401 - the loopback Hub fixture

CLEAN = {"README.md": "---\nlicense: mit\ndatasets: [a/b]\n---\n# m\n",
         "LICENSE": "SPDX-License-Identifier: MIT\n"}
NO_LICENSE_FILE = {"README.md": "---\nlicense: mit\ndatasets: [a/b]\n---\n# m\n"}  # ML201 only


def invoke(*args: str, **kw):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kw)


# -- command-line mistakes ----------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--select", "ML45"], "Error: command line: unknown rule or prefix 'ML45' (did you mean "
                           "'ML904'?)"),
    (["--ignore", "nonsense-rule"], "Error: command line: unknown rule or prefix 'nonsense-rule'"),
    (["--config", "missing.toml"], "Error: missing.toml: No such file or directory"),
])
def test_a_command_line_mistake_is_one_usage_error_before_anything_runs(make_repo, tmp_path,
                                                                        monkeypatch, args, message):
    a, b = make_repo(CLEAN, "a"), make_repo(CLEAN, "b")
    monkeypatch.chdir(tmp_path)
    result = invoke("check", *args, str(a), str(b))
    assert result.exit_code == 2
    assert result.stdout == ""  # nothing ran: no report, no closing line
    errors = [line for line in result.stderr.splitlines() if "Error" in line or "error" in line]
    assert len(errors) == 1 and errors[0].startswith(message), result.stderr


def test_an_invalid_config_file_is_one_usage_error(make_repo, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("fail-on = 'loud'\n")
    a, b = make_repo(CLEAN, "a"), make_repo(CLEAN, "b")
    result = invoke("check", "--config", str(config), str(a), str(b))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("fail-on") == 1


def test_the_closing_line_keeps_error_for_findings(make_repo, tmp_path):
    good = make_repo(NO_LICENSE_FILE, "good")
    result = invoke("check", str(good), str(tmp_path / "absent"))
    assert result.exit_code == 2
    assert result.stdout.splitlines()[-1] == (
        "Found 1 problem (1 error) in 1 target. 1 failure stopped part of the run (on stderr).")
    only_bad = invoke("check", str(tmp_path / "absent"))
    assert only_bad.exit_code == 2
    assert only_bad.stdout.splitlines()[-1] == "Nothing was linted: 1 failure (on stderr)."


# -- codes in any case --------------------------------------------------------------------------

def test_codes_and_prefixes_are_accepted_in_lower_case(make_repo):
    repo = make_repo(NO_LICENSE_FILE)
    for args in (["--select", "ml2"], ["--select", "ml201"], ["--select", "Ml20"]):
        result = invoke("check", "--format", "concise", *args, str(repo))
        assert result.exit_code == 1, result.output
        assert [line.split()[1:3] for line in result.stdout.splitlines()] == [["ML201", "error"]]
    ignored = invoke("check", "--ignore", "ml201", str(repo))
    assert ignored.exit_code == 0, ignored.output
    configured = make_repo({**NO_LICENSE_FILE, ".modellint.toml":
                            'select = ["ml2"]\n[rules.ml201]\nseverity = "info"\n'}, "configured")
    result = invoke("check", "--format", "concise", str(configured))
    assert result.exit_code == 0 and " ML201 info " in result.stdout


# -- .modellint.toml with a [tool.modellint] table ------------------------------------------------

def test_a_tool_table_in_the_own_file_keeps_the_top_level_keys(make_repo):
    repo = make_repo({**NO_LICENSE_FILE, ".modellint.toml":
                      'ignore = ["ML201"]\n\n[tool.modellint]\nfail-on = "info"\n'})
    result = invoke("check", "--format", "concise", str(repo))
    assert result.exit_code == 0, result.output  # ignore (top level) applied; fail-on too
    assert "ML201" not in result.stdout
    both = make_repo({**NO_LICENSE_FILE, ".modellint.toml":
                      'ignore = ["ML201"]\n[tool.modellint]\nignore = ["ML3"]\n'}, "both")
    result = invoke("check", str(both))
    assert result.exit_code == 2
    assert "'ignore' is set both at the top and in [tool.modellint]" in result.stderr
    other = make_repo({**NO_LICENSE_FILE, ".modellint.toml": '[tool.ruff]\nline-length = 1\n'},
                      "other")
    result = invoke("check", str(other))
    assert result.exit_code == 2 and "only [tool.modellint] is read here" in result.stderr


# -- colour -------------------------------------------------------------------------------------

BOLD = "\x1b[1m"


@pytest.mark.parametrize("args, env, coloured", [
    ([], {}, False),                                   # not a terminal
    ([], {"FORCE_COLOR": "1"}, True),
    ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, True),  # forcing wins over the default's veto
    (["--color", "always"], {"NO_COLOR": "1"}, True),
    (["--color", "never"], {"FORCE_COLOR": "1"}, False),
    (["--color", "auto"], {"NO_COLOR": "1"}, False),
])
def test_color_follows_the_option_then_force_color_and_no_color(make_repo, monkeypatch, args,
                                                                 env, coloured):
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    repo = make_repo(NO_LICENSE_FILE)
    result = invoke("check", *args, str(repo), env=env)
    assert result.exit_code == 1
    assert (BOLD in result.stdout) is coloured
    assert ("\x1b[31m" in result.stdout) is coloured  # the error severity


def test_no_color_is_honoured_on_a_terminal(make_repo):
    """The real terminal check: a pseudo-terminal for stdout, NO_COLOR set."""
    import os
    import pty
    import subprocess
    import sys

    repo = make_repo(NO_LICENSE_FILE)
    outputs = {}
    for name, env in (("plain", {}), ("no-color", {"NO_COLOR": "1"})):
        leader, follower = pty.openpty()
        base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        proc = subprocess.run([sys.executable, "-m", "modellint", "check", str(repo)],
                              stdout=follower, stderr=subprocess.PIPE, env={**base, **env},
                              timeout=60, check=False)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        outputs[name] = b"".join(chunks).decode()
        assert proc.returncode == 1
    assert BOLD in outputs["plain"]
    assert "\x1b[" not in outputs["no-color"] and "ML201" in outputs["no-color"]


# -- quiet, verbose, show-settings ----------------------------------------------------------------

def test_quiet_prints_findings_only(make_repo):
    failing, clean = make_repo(NO_LICENSE_FILE, "failing"), make_repo(CLEAN, "clean")
    result = invoke("check", "-q", str(failing), str(clean))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == str(failing) and lines[1] == "(repository)"
    assert lines[2].split()[:2] == ["ML201", "error"]
    assert "weights" not in result.stdout and "Found" not in result.stdout
    assert str(clean) not in result.stdout
    assert result.stderr == ""  # no progress line for the two targets
    assert invoke("check", "--quiet", str(clean)).stdout == ""


def test_verbose_names_each_targets_configuration(make_repo, tmp_path, monkeypatch):
    configured = make_repo({**CLEAN, ".modellint.toml": 'fail-on = "warning"\n'}, "configured")
    plain = make_repo(CLEAN, "plain")
    (plain / ".git").mkdir()  # the walk up for a configuration stops at a repository's root
    result = invoke("check", "-v", str(configured), str(plain))
    assert result.exit_code == 0, result.output
    assert (f"modellint: {configured}: settings from {configured}/.modellint.toml"
            in result.stderr.splitlines())
    assert (f"modellint: {plain}: default settings (no configuration file)"
            in result.stderr.splitlines())


def test_show_settings_prints_toml_that_reads_back(make_repo):
    from modellint.tomlcompat import tomllib

    repo = make_repo({**CLEAN, ".modellint.toml":
                      'profile = "commercial-use"\nignore = ["ml305"]\n'
                      '[per-path-ignores]\n"LICENSES/*" = ["ML203"]\n'
                      '[rules.ML503]\nrelations = ["merge"]\nseverity = "error"\n'})
    result = invoke("check", "--show-settings", "--fail-on", "warning", str(repo))
    assert result.exit_code == 0, result.output
    head, _, body = result.stdout.partition("\n")
    assert head == f"# {repo}: settings from {repo}/.modellint.toml"
    data = tomllib.loads(body)
    assert data["profile"] == "commercial-use" and data["ignore"] == ["ML305"]
    assert data["fail-on"] == "warning"  # the command line's, over the file's default
    assert data["per-path-ignores"] == {"LICENSES/*": ["ML203"]}
    assert data["rules"]["ML503"] == {"relations": ["merge"], "severity": "error"}
    assert data["policy"]["deny"] == ["non-commercial", "unknown"]  # from the profile
    assert "Found" not in result.stdout  # nothing was linted


# -- what is known ---------------------------------------------------------------------------------

def test_licenses_lists_the_knowledge_base():
    from modellint.knowledge import load_kb

    result = invoke("licenses")
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()]
    assert len(rows) == len(load_kb().all())
    assert ["apache-2.0", "software", "permissive", "Apache", "License", "2.0"] in rows
    import json

    data = json.loads(invoke("licenses", "--format", "json").stdout)
    assert {"id": "llama3.1", "kind": "model"}.items() <= next(
        d for d in data if d["id"] == "llama3.1").items()


def test_profiles_lists_the_presets_with_what_they_do():
    from modellint.config import profile_names

    result = invoke("profiles")
    assert result.exit_code == 0
    names = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert names == profile_names() == ["commercial-use", "open-source-ai", "permissive-only"]
    assert "  Licenses that allow commercial use: denies non-commercial" in result.stdout


def test_rule_prints_its_options_as_toml():
    from modellint.tomlcompat import tomllib

    result = invoke("rule", "ml503")
    assert result.exit_code == 0
    toml = result.stdout.split("## Options (defaults; set them in .modellint.toml)\n\n")[1]
    assert tomllib.loads(toml) == {"rules": {"ML503": {"relations": ["finetune", "merge",
                                                                     "adapter"]}}}


def test_shell_completion_works_as_the_readme_says(tmp_path):
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    assert 'eval "$(_MODELLINT_COMPLETE=bash_source modellint)"' in readme
    exe = shutil.which("modellint", path=str(Path(sys.executable).parent))
    assert exe is not None
    env = {**os.environ, "_MODELLINT_COMPLETE": "bash_complete", "COMP_WORDS": "modellint che",
           "COMP_CWORD": "1"}
    proc = subprocess.run([exe], capture_output=True, text=True, env=env, timeout=60,
                          check=False)
    assert proc.stdout.splitlines() == ["plain,check"]


# -- the README's install snippets work for someone who has only this repository -------------------

def test_the_readme_installs_from_a_clone_or_a_git_url_and_pins_commits():
    """No package on the index and no release tag exist: every install line installs from the
    clone (`pip install .`) or a git URL, and the hook and action are pinned to a commit (the
    real pre-commit runs a hook pinned so in tests/test_precommit.py)."""
    import re

    from tests.conftest import ROOT

    texts = {name: (ROOT / name).read_text() for name in ("README.md",
                                                          "examples/github-workflow.yml")}
    readme = texts["README.md"]
    for name, text in texts.items():
        for command in re.findall(r"pip install ([^`\n&]+)", text):
            target = command.split()[-1].strip("'\"")
            assert target.startswith((".", "git+", "-e", '"$')), (name, command)
        assert not re.search(r"(rev:\s*|modellint@)v\d", text), name  # no tag to pin to
    assert "pip install . && modellint check" in readme
    assert 'pip install "git+https://github.com/OWNER/modellint@COMMIT_SHA"' in readme
    assert re.search(r"rev: COMMIT_SHA\s+# a full commit id", readme)
    assert "uses: OWNER/modellint@COMMIT_SHA" in texts["examples/github-workflow.yml"]


# -- Hub targets: the resolved commit in every format; offline says so ------------------------------

@pytest.mark.parametrize("fmt", [*FORMATS, "html"])
def test_the_resolved_commit_is_in_every_format_clean_runs_included(hub, tmp_path, fmt):  # noqa: F811
    commit = hub.add_repo("org/demo", write_repo(tmp_path / "demo", FILES))
    result = invoke("check", "--format", fmt, "hf://org/demo")
    assert result.exit_code == 0, result.output  # the demo repository is compliant
    shown = commit if fmt in ("json", "sarif", "cyclonedx", "cyclonedx-1.7", "cyclonedx-1.6",
                              "spdx3", "concise", "github", "text") else commit[:12]
    assert shown in result.stdout, result.stdout[:2000]


def test_offline_hub_targets_say_offline_and_which_checks_did_not_run(hub, tmp_path):  # noqa: F811
    card = ("---\nlicense: mit\nbase_model: someorg/unknown-base\ndatasets: [someorg/unknown-data]"
            "\n---\n# m\n")
    commit = hub.add_repo("org/demo", write_repo(tmp_path / "demo", {**FILES, "README.md": card}))
    online = invoke("check", "--format", "json", "hf://org/demo")
    assert "ML303" in {f["code"] for f in __import__("json").loads(online.stdout)["findings"]}
    for args in (["hf://org/demo", "--offline"],
                 [str(tmp_path / "hf-cache" / "models--org--demo")]):
        result = invoke("check", "--format", "concise", *args)
        assert result.exit_code == 1, result.output  # ML202 (card mit, LICENSE apache-2.0)
        assert "local scan" not in result.stdout and "unreachable" not in result.stdout
        lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
        codes = sorted(line.split()[1] for line in lines)
        assert codes == ["ML202", "ML504", "ML904"], result.stdout
        [ml904] = [line for line in lines if " ML904 " in line]
        assert ml904.endswith(
            "ML904 info offline: 1 weight file header(s) not in the local Hub cache were not read "
            "(model.safetensors): licenses embedded in weight files (ML303) and broken headers "
            "(ML902) were not checked; lint online to read them")
        [ml504] = [line for line in lines if " ML504 " in line]
        assert ("not looked up (offline: --offline, HF_HUB_OFFLINE or a Hub cache folder) and "
                "not in modellint's table of well-known base models") in ml504
        assert commit in result.stdout
    import json

    facts = {mode: json.loads(invoke("facts", "hf://org/demo", *args).stdout)
             for mode, args in (("online", []), ("offline", ["--offline"]))}
    notes = {mode: [d["note"] for d in f["training_data"]] for mode, f in facts.items()}
    # Both said "not looked up (local scan)" before.
    [online_note] = notes["online"]
    assert online_note.startswith("repository not found on http://127.0.0.1:")  # looked up
    assert notes["offline"] == [
        "not looked up (offline: --offline, HF_HUB_OFFLINE or a Hub cache folder) and is not in "
        "modellint's table of well-known datasets"]


# -- github annotations -----------------------------------------------------------------------------

def test_github_annotations_anchor_repository_findings_like_sarif_and_name_the_target(
        make_repo, tmp_path, monkeypatch):
    import json

    repo = make_repo(NO_LICENSE_FILE, "tiny-model")
    result = invoke("check", "--format", "github", str(repo), str(tmp_path / "absent"))
    assert result.stdout.splitlines() == [
        f"::error file={repo}/README.md,line=1,title=ML201 license-file-missing ({repo})::no "
        "license file at the repository root (LICENSE, LICENSE.md, COPYING, LICENSE-MODEL, "
        "LICENSES/...): mit requires giving recipients a copy of its text",
        f"::error title=modellint::{tmp_path}/absent: no such directory",
    ]
    sarif = json.loads(invoke("check", "--format", "sarif", str(repo)).stdout)
    [location] = sarif["runs"][0]["results"][0]["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("/README.md")
    assert location["physicalLocation"]["region"] == {"startLine": 1}
    monkeypatch.chdir(repo)  # the action's default: the workspace itself, target "."
    result = invoke("check", "--format", "github")
    assert result.stdout.startswith(
        "::error file=README.md,line=1,title=ML201 license-file-missing (tiny-model)::")


def test_github_annotations_of_a_hub_target_name_it_and_its_commit(hub, tmp_path):  # noqa: F811
    commit = hub.add_repo("org/bare", write_repo(tmp_path / "bare", NO_LICENSE_FILE))
    result = invoke("check", "--format", "github", "hf://org/bare")
    assert result.stdout.splitlines() == [
        "::error title=ML201 license-file-missing (hf%3A//org/bare)::no license file at the "
        "repository root (LICENSE, LICENSE.md, COPYING, LICENSE-MODEL, LICENSES/...): mit "
        "requires giving recipients a copy of its text",
        f"::notice title=modellint::hf://org/bare linted at commit {commit}",
    ]
