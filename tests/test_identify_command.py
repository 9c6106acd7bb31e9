"""``modellint identify FILE...``: what each file holds, how sure, by which method, what differs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from modellint.cli import main
from tests.conftest import shared_path

NC = "The Software may not be used for any commercial purpose."


def identify(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["identify", *args], input=stdin)


def test_a_tagged_file_an_unknown_text_and_a_missing_file(tmp_path):
    tagged = tmp_path / "LICENSE"
    tagged.write_text("SPDX-License-Identifier: Apache-2.0\n")
    unknown = tmp_path / "TERMS.txt"
    unknown.write_text("You may look at these weights but not touch them.\n")
    done = identify(str(tagged), str(unknown), str(tmp_path / "missing"))
    assert done.exit_code == 2
    assert done.stdout.splitlines() == [
        f"{tagged}: apache-2.0 (Apache License 2.0)",
        "  confidence 1.00, from an SPDX-License-Identifier tag, line 1",
        f"{unknown}: no license recognised",
    ]
    assert done.stderr == f"modellint: error: {tmp_path / 'missing'}: No such file or directory\n"


def test_json_output_and_standard_input():
    done = identify("--format", "json", "-", stdin="SPDX-License-Identifier: MIT\n")
    assert done.exit_code == 0
    assert json.loads(done.stdout) == [{"path": "-", "licenses": [
        {"id": "mit", "name": "MIT License", "confidence": 1.0, "method": "spdx-tag",
         "verdict": "found", "lines": [1, 1]}]}]


def test_a_binary_file_is_said_so(tmp_path):
    blob = tmp_path / "LICENSE.bin"
    blob.write_bytes(b"\x00\x01\x02" * 100)
    done = identify(str(blob))
    assert done.exit_code == 0
    assert done.stdout.splitlines() == [
        f"{blob}: no license recognised", "  note: binary content (NUL bytes); not read as text"]


def _mit() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
    import corpus

    _, text = corpus.split_scancode(shared_path("license-texts", "mit.LICENSE").read_text())
    return text


def test_an_altered_license_shows_the_passage_and_line(tmp_path):
    path = tmp_path / "LICENSE"
    text = "Copyright (c) 2024 Acme\n\n" + _mit().replace(
        "the following conditions:\n", f"the following conditions:\n\n{NC}\n", 1)
    path.write_text(text)
    line = text[:text.index(NC)].count("\n") + 1
    done = identify(str(path))
    assert done.exit_code == 0
    out = done.stdout.splitlines()
    assert out[0] == f"{path}: mit (MIT License): altered"
    assert out[1].startswith("  confidence 0.9") and out[1].endswith(", from the full text, lines 4-23")
    assert out[2:] == ["  restrictions added: non-commercial",
                       f'  + line {line}: added "{NC}" [non-commercial]']
    data = json.loads(identify("--format", "json", str(path)).stdout)
    (lic,) = data[0]["licenses"]
    assert (lic["id"], lic["verdict"], lic["restrictions"]) == ("mit", "altered", ["non-commercial"])
    assert lic["changes"] == [{"kind": "added", "line": line, "end_line": line, "words": 10,
                               "removed_words": 0, "passage": NC,
                               "restrictions": ["non-commercial"]}]


def test_an_exact_copy_says_so(tmp_path):
    path = tmp_path / "LICENSE.md"
    path.write_text("# MIT License\n\nCopyright (c) 2024 Acme\n\n" + _mit())
    out = identify(str(path)).stdout.splitlines()
    assert out[0] == f"{path}: mit (MIT License): the license's text, unaltered"
    assert out[1].startswith("  confidence 1.00, from the full text, lines ")
    assert len(out) == 2
