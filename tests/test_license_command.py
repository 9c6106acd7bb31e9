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


def test_compare_sets_two_records_side_by_side():
    result = run("--compare", "openmdw-1.0", "OpenAtom Model License 1.0")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["openmdw-1.0", "|", "openatom-model-license-1.0"]
    rows = {line[2:23].strip(): line for line in lines[2:] if line[2:23].strip()}
    # Same on both sides: no mark. Different: marked with '*'.
    assert rows["Covers weights"].startswith("  ") and rows["Covers weights"].count("yes") == 2
    assert rows["Commercial use"].startswith("  ")
    assert rows["IP rights"].startswith("* ")
    assert rows["IP rights"].split() == ["*", "IP", "rights", "copyright,", "patent,", "|",
                                         "copyright,", "patent,", "other-ip"]
    assert rows["Hosted use"].startswith("* ")
    assert rows["Language"].startswith("* ") and "English" in rows["Language"]
    assert "| Chinese and English." in rows["Language"]
    assert result.output.rstrip().endswith("read the licenses before relying on them.")


def test_compare_json_lists_the_rows_that_differ():
    result = run("--compare", "openmdw-1.0", "openmdw-1.1", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [lic["id"] for lic in data["licenses"]] == ["openmdw-1.0", "openmdw-1.1"]
    # 1.1 differs from 1.0 in its name, ids, the copyright-suit termination and its sources.
    assert data["differences"] == ["License", "Ids", "Patents", "Sources"]
    assert data["licenses"][1]["rights"] == ["copyright", "patent", "database", "trade-secret"]


def test_compare_needs_two_ids_and_plain_needs_one():
    result = run("--compare", "mit")
    assert result.exit_code == 2 and "--compare takes two license ids" in result.output
    result = run("mit", "apache-2.0")
    assert result.exit_code == 2 and "give one license id (or --compare A B)" in result.output
    result = run("--compare", "mit", "openmdw-2.0")
    assert result.exit_code == 2
    assert result.stderr.startswith("modellint: error: unknown license 'openmdw-2.0'")
