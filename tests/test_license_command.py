"""`modellint license ID`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from modellint.cli import main


def run(*args):
    return CliRunner().invoke(main, ["license", *args])


def test_text_output_for_llama():
    result = run("llama3.1")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("llama3.1: Llama 3.1 Community License Agreement\n")
    assert "Covers: code, documentation, weights" in out
    assert '"Built with Llama"' in out and 'must begin with "Llama"' in out
    assert ("containing exactly:\n      "
            "\"Llama 3.1 is licensed under the Llama 3.1 Community License, "
            "Copyright © Meta Platforms, Inc. All Rights Reserved.\"\n") in out
    assert "No duty to mark changes." in out
    assert "Hosted use: " in out and "Outputs: the license restricts" in out


def test_resolves_aliases_and_reports_unverified():
    result = run("qwen")
    assert result.exit_code == 0
    assert result.output.startswith("qwen-license: Qwen License Agreement (2024)")
    assert "Verified: no" in result.output


def test_json_output():
    result = run("MRL", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["id"] == "mistral-research"
    assert data["obligations"]["notice_text"] == \
        "Licensed by Mistral AI under the Mistral AI Research License"
    assert data["obligations"]["research_only"] is True
    assert "Research use only." in data["owed"]


def test_unknown_id_is_one_error_line_with_suggestion():
    result = run("llama31")
    assert result.exit_code == 2
    assert result.stderr == \
        "modellint: error: unknown license 'llama31' (did you mean 'llama3.1'?)\n"
    assert result.stdout == ""
