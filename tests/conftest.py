from __future__ import annotations

import os
from pathlib import Path

import pytest

from modellint.registry import load_registry
from modellint.runner import RunOptions, lint
from modellint.testing import write_repo

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# The suite never reaches the internet: point the Hub client at a closed port by default.
os.environ.setdefault("HF_ENDPOINT", "http://127.0.0.1:9")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"


@pytest.fixture(scope="session")
def registry():
    return load_registry(include_plugins=False)


@pytest.fixture
def make_repo(tmp_path):
    def make(files, name="repo"):
        return write_repo(tmp_path / name, files)
    return make


@pytest.fixture
def run_lint(registry):
    def run(target, **kwargs):
        report, _ = lint([str(target)], RunOptions(**kwargs), registry)
        return report
    return run


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (only in the development workspace)")
    return path
