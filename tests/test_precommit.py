"""The pre-commit hook, run by the real pre-commit tool as a git hook on real commits.

The hook repository is a fresh git repository holding this checkout's files (committed or not),
so the test exercises the code under test rather than the last commit. pre-commit builds its
own virtualenv and pip-installs that repository once per module (PRE_COMMIT_HOME in tmp).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT, GitRepo
from tests.weight_writers import safetensors_bytes

# Real (tiny) safetensors files, so that only the rule under test has something to say.
WEIGHTS_V1 = safetensors_bytes(tensors={"w": ("F32", [1], 4)})
WEIGHTS_V2 = safetensors_bytes(tensors={"w": ("F32", [2], 8)})

pytestmark = pytest.mark.slow

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
CARD = "---\nlicense: mit\n---\n# Tiny\n"


def _project_files() -> list[str]:
    done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip("the project is not a git checkout; the hook repository needs one")
    return [p for p in done.stdout.split("\0") if p and (ROOT / p).is_file()]


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory):
    if not PRE_COMMIT.exists() or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    hooks = GitRepo(base / "hook-repo")
    for rel in _project_files():
        dest = hooks.root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest)
    sha = hooks.commit(message="hook repository under test")
    return {"repo": hooks.root, "rev": sha, "home": base / "pre-commit-home"}


def _model_repo(tmp_path, hook_env, args=None) -> GitRepo:
    repo = GitRepo(tmp_path / "model")
    hook = f"  - id: modellint\n    args: {args}\n" if args else "  - id: modellint\n"
    repo.write({".pre-commit-config.yaml":
                f"repos:\n- repo: {hook_env['repo']}\n  rev: {hook_env['rev']}\n  hooks:\n{hook}"})
    done = subprocess.run([str(PRE_COMMIT), "install"], cwd=repo.root, capture_output=True,
                          text=True, env={**os.environ, "PRE_COMMIT_HOME": str(hook_env["home"])})
    assert done.returncode == 0, done.stdout + done.stderr
    return repo


def _commit(repo: GitRepo, hook_env, message: str):  # type: ignore[no-untyped-def]
    done = repo.run_git("commit", "-m", message, PRE_COMMIT_HOME=str(hook_env["home"]),
                        PATH=os.environ.get("PATH", ""))
    return done.returncode, done.stdout + done.stderr


def test_passing_and_failing_commits(tmp_path, hook_env):
    repo = _model_repo(tmp_path, hook_env)
    # The LICENSE exists in the working tree but is not staged: the hook lints the index.
    repo.write({"LICENSE": "MIT License\n"})
    repo.git("add", ".pre-commit-config.yaml")
    repo.stage_only({"README.md": CARD, "model.safetensors": WEIGHTS_V1})
    code, out = _commit(repo, hook_env, "card without its license")
    assert code == 1, out
    assert "ML201" in out and "license-file-missing" in out
    assert repo.run_git("rev-parse", "--verify", "HEAD").returncode != 0  # nothing committed

    repo.git("add", "LICENSE")
    code, out = _commit(repo, hook_env, "model with card and license")
    assert code == 0, out
    assert "modellint" in out and "Passed" in out

    repo.stage_only({"README.md": "---\ntags: [x]\n---\n# Tiny\n"})
    code, out = _commit(repo, hook_env, "card loses its license")
    assert code == 1, out
    assert "ML102" in out

    repo.git("reset", "-q", "--hard")
    repo.stage_only({"notes.txt": "unrelated"})  # outside the `files` filter: the hook is skipped
    code, out = _commit(repo, hook_env, "unrelated file")
    assert code == 0 and "no files to check" in out, out


def test_weight_change_fails_with_fail_on_warning(tmp_path, hook_env):
    repo = _model_repo(tmp_path, hook_env, args="[--staged, --fail-on=warning]")
    repo.git("add", ".pre-commit-config.yaml")
    repo.stage_only({"README.md": CARD, "LICENSE": "MIT License\n", "model.safetensors": WEIGHTS_V1})
    code, out = _commit(repo, hook_env, "first release")
    assert code == 0, out
    repo.stage_only({"model.safetensors": WEIGHTS_V2})
    code, out = _commit(repo, hook_env, "new weights, no word about them")
    assert code == 1 and "ML505" in out, out
    repo.stage_only({"CHANGELOG.md": "v2: retrained\n"})
    code, out = _commit(repo, hook_env, "new weights, documented")
    assert code == 0, out
