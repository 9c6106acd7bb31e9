from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from modellint.registry import load_registry
from modellint.runner import RunOptions, lint
from modellint.testing import write_repo

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# The suite never reaches the internet: point the Hub client at a closed port by default.
os.environ.setdefault("HF_ENDPOINT", "http://127.0.0.1:9")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
# modellint's cache (parsed rule records) goes to a folder of this session's, never the user's.
_CACHE = tempfile.mkdtemp(prefix="modellint-test-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ["MODELLINT_CACHE_DIR"] = _CACHE


@pytest.fixture(scope="session")
def registry():
    return load_registry(include_plugins=False)


@pytest.fixture
def make_repo(tmp_path):
    def make(files, name="repo"):
        return write_repo(tmp_path / name, files)
    return make


@pytest.fixture
def make_facts(make_repo):
    """The facts a local scan extracts from a repository written from ``files``."""
    from modellint.facts import extract
    from modellint.sources.local import open_local

    def make(files, name="repo"):
        return extract(open_local(str(make_repo(files, name))))
    return make


@pytest.fixture
def run_lint(registry):
    def run(target, **kwargs):
        return lint([str(target)], RunOptions(**kwargs), registry)
    return run


def run_cli(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``python -m modellint ARGS`` in a subprocess, output captured as text (kwargs: cwd, env...)."""
    return subprocess.run([sys.executable, "-m", "modellint", *args], capture_output=True,
                          text=True, check=False, timeout=120, **kwargs)


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (only in the development workspace)")
    return path


class GitRepo:
    """A real git repository in a temp dir, driven by the git command line."""

    def __init__(self, root: Path) -> None:
        import subprocess

        self.root = root
        self._run = subprocess.run
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        done = self.run_git(*args)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def run_git(self, *args: str, **env_extra: str):  # type: ignore[no-untyped-def]
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
               "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.root.parent), **env_extra}
        return self._run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True)

    def write(self, files) -> None:
        write_repo(self.root, files)

    def commit(self, files=None, message: str = "change") -> str:
        if files:
            self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def stage(self, files) -> None:
        self.write(files)
        self.git("add", "-A")

    def stage_only(self, files) -> None:
        """Write ``files`` and stage just them, leaving anything else unstaged."""
        self.write(files)
        self.git("add", "--", *files)


@pytest.fixture
def git_repo(tmp_path):
    return GitRepo(tmp_path / "model")
