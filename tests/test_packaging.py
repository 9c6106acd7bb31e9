"""The wheel carries the rule specs, the license knowledge base and the schemas."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.examples import ROOT


@pytest.mark.slow
def test_wheel_contains_package_data(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("modellint-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    specs = {p.name for p in (ROOT / "rules" / "specs").glob("*.toml")}
    assert specs and {f"modellint/_rules/specs/{s}" for s in specs} <= names
    licenses = {p.name for p in (ROOT / "rules" / "licenses").glob("*.toml")}
    assert {f"modellint/_rules/licenses/{s}" for s in licenses} <= names
    assert {"modellint/_rules/specs/_combined.json", "modellint/_rules/licenses/_combined.json",
            "modellint/_rules/data/_combined.json"} <= names
    assert "modellint/schemas/report.schema.json" in names
    assert not any(n.startswith(("tests/", "examples/")) for n in names)
