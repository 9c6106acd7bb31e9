"""What modellint never does with a scanned repository, each shown on a hostile repository."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from modellint.runner import RunOptions, lint
from tests.conftest import run_cli

CARD = "---\nlicense: mit\n---\n# m\n"


class _Payload:
    """Unpickling this writes a marker file; merely reading the bytes does nothing."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickles_are_never_unpickled(make_repo, registry, tmp_path):
    marker = tmp_path / "unpickled"
    payload = pickle.dumps(_Payload(str(marker)))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("model/data.pkl", payload)
        zf.writestr("model/version", "3")
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n",
                      "model.pkl": payload, "pytorch_model.bin": archive.getvalue(),
                      "model.joblib": payload})
    report = lint([str(repo)], RunOptions(), registry)
    assert not report.errors
    assert not marker.exists()
    proc = run_cli("facts", str(repo))
    assert proc.returncode == 0 and not marker.exists()
    assert "data.pkl" in proc.stdout  # the zip listing is read, the pickle inside is not


def test_nothing_in_the_target_is_imported(make_repo, tmp_path):
    marker = tmp_path / "imported"
    trap = f"open({str(marker)!r}, 'w').write('x')\n"
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n",
                      "yaml.py": trap, "click.py": trap, "json.py": trap, "conftest.py": trap,
                      "modellint_plugin.py": trap, "sitecustomize.py": trap, "setup.py": trap})
    # Run from inside the target, where `python -m` would put it first on sys.path.
    proc = run_cli("check", ".", cwd=repo, env={**os.environ, "PYTHONPATH": ""})
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert not marker.exists()


def test_target_config_cannot_name_code(make_repo):
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n",
                      ".modellint.toml": '[rules.ML101]\ncheck = "os:system"\n'})
    proc = run_cli("check", str(repo))
    assert proc.returncode == 2
    assert "ML101: unknown option 'check'" in proc.stderr
    repo2 = make_repo({"README.md": CARD, ".modellint.toml": 'plugins = ["evil:run"]\n'}, name="r2")
    proc = run_cli("check", str(repo2))
    assert proc.returncode == 2 and "unknown key 'plugins'" in proc.stderr


def test_run_options_never_show_the_token():
    from modellint.sources import SourceOptions

    options = RunOptions(source=SourceOptions(token="hf_secret_value"))
    assert "hf_secret_value" not in repr(options)
    assert "token='***'" in repr(options.source)
    assert options.source.token == "hf_secret_value"  # still there for the Hub client


# Every hook git knows; each writes its name to the marker file if it ever runs.
_HOOKS = ("applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
          "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout",
          "post-merge", "pre-push", "pre-receive", "update", "proc-receive", "post-receive",
          "post-update", "reference-transaction", "push-to-checkout", "pre-auto-gc",
          "post-rewrite", "sendemail-validate", "fsmonitor-watchman", "p4-changelist",
          "p4-prepare-changelist", "p4-post-changelist", "p4-pre-submit", "post-index-change")
# Configuration that makes git run a command: fixed keys, and drivers that .gitattributes name.
_COMMAND_KEYS = ("core.fsmonitor", "core.sshCommand", "core.askPass", "core.editor", "core.pager",
                 "core.gitProxy", "core.alternateRefsCommand", "diff.external", "sequence.editor",
                 "pager.diff", "pager.cat-file", "pager.merge-base", "gpg.program",
                 "gpg.ssh.program", "gpg.x509.program", "gpg.ssh.defaultKeyCommand",
                 "credential.helper", "uploadpack.packObjectsHook", "diff.evil.command",
                 "diff.evil.textconv", "filter.evil.clean", "filter.evil.smudge",
                 "filter.evil.process", "merge.evil.driver", "interactive.diffFilter",
                 "remote.origin.uploadpack", "remote.origin.receivepack")


def test_git_never_runs_a_command_the_target_configures(git_repo, tmp_path):
    """A cloned repository's .git/config and hooks are the repository author's: no git call
    modellint makes may run what they name (`check --staged` ran core.fsmonitor)."""
    from tests.weight_writers import safetensors_bytes

    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\ncat\n")
    script.chmod(0o755)
    big = safetensors_bytes({"license": "mit"}, {"w": ("F32", [2 * 1024 * 1024], 8 * 1024 * 1024)})
    base = git_repo.commit({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n",
                            ".gitattributes": "* diff=evil filter=evil merge=evil\n"})
    git_repo.commit({"model.safetensors": big, "NOTICE": "n\n"})
    git_repo.stage({"README.md": CARD + "\nmore\n", "model.safetensors": big + b"x"})
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in _HOOKS:
        for folder in (hooks, git_repo.root / ".git" / "hooks"):
            (folder / name).write_text(f"#!/bin/sh\necho {name} >> {marker}\n")
            (folder / name).chmod(0o755)
    for key in _COMMAND_KEYS:
        git_repo.git("config", key, str(script))
    git_repo.git("config", "core.hooksPath", str(hooks))
    git_repo.git("config", "log.showSignature", "true")
    git_repo.git("config", "submodule.recurse", "true")
    (git_repo.root / ".git" / "info").mkdir(exist_ok=True)
    (git_repo.root / ".git" / "info" / "attributes").write_text("* diff=evil filter=evil\n")
    git_repo.write({"README.md": "dirty working tree\n"})  # the index differs from the tree
    for args in (["--staged"], ["--rev", "HEAD"], ["--since", base], ["--staged", "--since", base],
                 ["--rev", base, "--since", base]):
        proc = run_cli("check", str(git_repo.root), "--format", "json", *args,
                       env={**os.environ, "HOME": str(tmp_path)})
        assert proc.returncode in (0, 1), (args, proc.stderr)
        assert not marker.exists(), (args, marker.read_text())
    proc = run_cli("facts", str(git_repo.root), "--staged", env={**os.environ, "HOME": str(tmp_path)})
    assert proc.returncode == 0 and not marker.exists()


def test_a_base_model_path_is_never_read_outside_the_target(make_repo, tmp_path):
    """`base_model: ../x` or an absolute path in a card must not read the disk around it."""
    from modellint.facts import extract, lineage
    from modellint.sources.local import open_local

    lineage.clear_cache()
    outside = make_repo({"README.md": "---\nlicense: llama3.1\n---\n# secret base\n"}, name="beside")
    bases = ["../beside", str(outside), "~/beside", "./inside", "./pipe"]
    card = "---\nlicense: mit\nbase_model:\n" + "".join(f"  - {b}\n" for b in bases) + "---\n# m\n"
    repo = make_repo({"README.md": card, "LICENSE": "SPDX-License-Identifier: MIT\n",
                      "inside/README.md": "---\nlicense: apache-2.0\n---\n# inside\n"})
    (repo / "pipe").mkdir()
    os.mkfifo(repo / "pipe" / "README.md")
    facts = extract(open_local(str(repo)))
    found = {b.model_id: (b.licenses, b.note) for b in facts.lineage.bases}
    assert found["./inside"] == (("apache-2.0",), None)
    for base in ("../beside", str(outside), "~/beside"):
        assert found[base] == ((), f"{base}: a path outside the scanned folder; not read")
    assert found["./pipe"] == ((), "./pipe: its README.md is not a regular file")


@pytest.mark.parametrize("key", ["baseline", "waivers-file"])
@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
def test_files_a_config_names_are_read_bounded_and_regular_only(make_repo, key, kind):
    """A repository's config may name a FIFO (the read never returns), /dev/zero (it never ends)
    or a huge file: each is one clear error, at once."""
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n"})
    named = repo / "named"
    if kind == "fifo":
        os.mkfifo(named)
    elif kind == "device":
        named = Path("/dev/zero")
    else:
        with open(named, "wb") as fh:
            fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB of NUL bytes
    (repo / ".modellint.toml").write_text(f'{key} = "{named}"\n')
    started = time.monotonic()
    proc = run_cli("check", str(repo), "--format", "concise")
    assert time.monotonic() - started < 20
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.splitlines()
    reason = ("larger than" if kind == "huge" else "not a regular file (a FIFO, device or folder)")
    assert reason in line, line


def test_profile_names_a_preset_never_a_path(make_repo, tmp_path):
    evil = tmp_path / "evil.toml"
    evil.write_text('ignore = ["ML"]\n')  # would silence every rule
    relative = os.path.relpath(evil.with_suffix(""), make_repo({}, name="probe") / ".." / "..")
    for name in (str(evil.with_suffix("")), "../../../../../../../.." + str(evil.with_suffix("")),
                 relative):
        repo = make_repo({"README.md": CARD, ".modellint.toml": f'profile = "{name}"\n'},
                         name=f"r{abs(hash(name))}")
        proc = run_cli("check", str(repo))
        assert proc.returncode == 2, proc.stdout
        assert f"unknown profile {name!r}" in proc.stderr


def test_a_config_that_is_a_fifo_is_not_waited_for(make_repo):
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n"})
    os.mkfifo(repo / ".modellint.toml")
    os.mkfifo(repo / "pyproject.toml")
    proc = run_cli("check", str(repo), "--select", "ML1")
    assert proc.returncode == 0, proc.stderr


def test_config_from_a_pipe_the_user_names(make_repo, tmp_path):
    """`--config <(...)` is a FIFO too, named by the user: it is read (bounded)."""
    import subprocess

    repo = make_repo({"LICENSE": "SPDX-License-Identifier: MIT\n"})
    script = (f'{sys.executable} -m modellint check {repo} --format concise '
              '--config <(printf "select = [\\"ML101\\"]\\n")')
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert " ML101 warning " in proc.stdout


def test_a_modellint_package_in_the_target_is_never_run(make_repo, tmp_path):
    """`python -m modellint` resolves `modellint` before any of our code runs: from a working
    directory holding a `modellint/` package, the interpreter runs that package. The ways the
    README, the hook and the action run modellint never do."""
    import shutil

    import yaml

    from tests.conftest import ROOT

    marker = tmp_path / "ran"
    trap = f"open({str(marker)!r}, 'w').write('x')\n"
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n",
                      "modellint/__init__.py": trap, "modellint/__main__.py": trap,
                      "modellint/cli.py": trap, "modellint/entry.py": trap})
    env = {**os.environ, "PYTHONPATH": ""}
    exe = shutil.which("modellint", path=str(Path(sys.executable).parent))
    assert exe is not None
    runs = [[exe, "check", "."]]
    if sys.version_info >= (3, 11):
        runs.append([sys.executable, "-P", "-m", "modellint", "check", "."])
    for command in runs:
        proc = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert proc.returncode == 0, (command, proc.stderr)
        assert not marker.exists(), command
    # The hook and the action run the console script, never `python -m`.
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["entry"].split()[0] == "modellint"
    action = (ROOT / "action.yml").read_text()
    assert "-m modellint" not in action and 'bin="$RUNNER_TEMP/modellint-venv/bin/modellint"' in action
    readme = (ROOT / "README.md").read_text()
    assert "or `python -P -m modellint` (Python 3.11+)" in readme
