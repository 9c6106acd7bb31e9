"""The command line's conventions: usage errors once and up front, the closing line's words,
codes in any case, configuration files read whole, colour, verbosity and the listing commands."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from modellint.cli import main

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
