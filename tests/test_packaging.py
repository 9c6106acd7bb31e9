"""The wheel carries the rule specs, the license knowledge base and the schemas, and runs from an
install location it never writes to."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile

import pytest

from modellint import records
from tests.examples import EXAMPLES, ROOT

# Left-overs of a developer's own builds and environments: a wheel is built from a clean copy.
NOT_SOURCES = shutil.ignore_patterns("build", "dist", ".venv", "*.egg-info", ".git", "__pycache__",
                                     ".*_cache", ".hypothesis")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return next(tmp.glob("modellint-*.whl"))


@pytest.mark.slow
def test_wheel_contains_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    specs = {p.name for p in (ROOT / "rules" / "specs").glob("*.toml")}
    assert specs and {f"modellint/_rules/specs/{s}" for s in specs} <= names
    licenses = {p.name for p in (ROOT / "rules" / "licenses").glob("*.toml")}
    assert {f"modellint/_rules/licenses/{s}" for s in licenses} <= names
    data = {p.name for p in (ROOT / "rules" / "data").glob("*.toml")}
    assert data and {f"modellint/_rules/data/{s}" for s in data} <= names
    assert "modellint/schemas/report.schema.json" in names
    assert not any(n.startswith(("tests/", "examples/")) for n in names)
    # Parsed copies of the records live in the user's cache, never in the package.
    assert [n for n in names if n.startswith("modellint/_rules/") and not n.endswith((".toml", ".md", ".py"))] == []


@pytest.mark.slow
def test_an_installed_wheel_caches_outside_its_install_location(wheel, tmp_path):
    target = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                           "--target", str(target), str(wheel)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]

    def listing() -> dict[str, tuple[int, int]]:
        return {os.path.relpath(os.path.join(d, n), target): (os.stat(os.path.join(d, n)).st_size,
                                                              os.stat(os.path.join(d, n)).st_mtime_ns)
                for d, _, files in os.walk(target) for n in files}

    installed = listing()
    time.sleep(records.SETTLE_NS / 1e9)  # records just unpacked are not cached yet (see records)
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(target), "MODELLINT_CACHE_DIR": str(cache),
           "PYTHONDONTWRITEBYTECODE": "1"}
    example = shutil.copytree(EXAMPLES / "llama31-finetune-relicensed", tmp_path / "example")
    runs = [subprocess.run([sys.executable, "-m", "modellint", "check", "--format", "json", str(example)],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
            for _ in range(2)]
    where = subprocess.run([sys.executable, "-c", "import modellint; print(modellint.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path).stdout.strip()
    assert where.startswith(str(target))
    codes = [[f["code"] for f in json.loads(run.stdout)["findings"]] for run in runs]
    assert runs[0].returncode == runs[1].returncode == 1, runs[0].stderr
    assert codes[0] == codes[1] and {"ML401", "ML502"} <= set(codes[0])
    # The first run cached the specs, the licenses and the data tables in the cache directory...
    assert sorted(p.name.split("-")[0] for p in (cache / "records").iterdir()) == ["data", "licenses",
                                                                                   "specs"]
    # ...and neither run wrote anything where the package is installed.
    assert listing() == installed
