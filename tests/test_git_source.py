"""The git source on real repositories: --rev, --staged, --since, subtrees and errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from modellint.snapshot import SourceError
from modellint.sources import SourceOptions, open_target
from modellint.sources.git import open_git

CARD = "---\nlicense: mit\n---\n# Tiny\n"
LFS = ("version https://git-lfs.github.com/spec/v1\n"
       "oid sha256:" + "ab" * 32 + "\nsize 5000000000\n")


def _paths(snapshot):
    return [f.path for f in snapshot.files]


def test_rev_reads_the_commit_tree_not_the_working_tree(git_repo):
    first = git_repo.commit({"README.md": CARD, "LICENSE": "MIT License\n"})
    git_repo.commit({"README.md": "---\nlicense: apache-2.0\n---\n", "NOTICE": "n\n"})
    git_repo.write({"README.md": "dirty", "untracked.txt": "x"})
    snap = open_git(str(git_repo.root), SourceOptions(rev=first))
    assert _paths(snap) == ["LICENSE", "README.md"]
    assert snap.read_bytes("README.md", 100) == CARD.encode()
    assert snap.read_range("README.md", 4, 16) == CARD.encode()[4:16]
    assert snap.file("LICENSE").size == len("MIT License\n")
    assert (snap.info.kind, snap.info.revision, snap.info.name) == ("git", first, "model")
    assert snap.changed_paths is None and snap.trusted


def test_lfs_pointer_sizes_come_from_the_pointer(git_repo):
    git_repo.commit({"README.md": CARD, "model.safetensors": LFS, "notes.txt": LFS})
    snap = open_git(str(git_repo.root), SourceOptions(rev="HEAD"))
    weights = snap.file("model.safetensors")
    assert weights.size == len(LFS) and weights.lfs is not None
    assert (weights.lfs.oid, weights.lfs.size) == ("ab" * 32, 5_000_000_000)
    assert snap.file("notes.txt").lfs is None  # only weight-named files stand in for weights


def test_staged_lints_the_index(git_repo):
    git_repo.commit({"README.md": CARD})
    git_repo.stage({"LICENSE": "MIT License\n"})
    git_repo.write({"README.md": "unstaged edit", "new.txt": "not added"})
    snap = open_git(str(git_repo.root), SourceOptions(staged=True))
    assert _paths(snap) == ["LICENSE", "README.md"]
    assert snap.read_bytes("README.md", 1000) == CARD.encode()
    assert snap.info.revision == "index"
    assert snap.changed_paths == ("LICENSE",)


def test_staged_in_a_repository_without_commits(git_repo):
    git_repo.stage({"README.md": CARD, "LICENSE": "MIT"})
    snap = open_git(str(git_repo.root), SourceOptions(staged=True))
    assert snap.changed_paths == ("LICENSE", "README.md")


def test_since_lists_changes_from_the_merge_base(git_repo):
    base = git_repo.commit({"README.md": CARD, "a.safetensors": "x"})
    git_repo.git("checkout", "-q", "-b", "feature")
    git_repo.commit({"b.safetensors": "y"})
    git_repo.git("rm", "-q", "a.safetensors")
    git_repo.commit()
    git_repo.git("checkout", "-q", "main")
    git_repo.commit({"main-only.txt": "z"})  # on BASE after the fork: not part of the range
    git_repo.git("checkout", "-q", "feature")
    snap = open_git(str(git_repo.root), SourceOptions(since="main"))
    assert snap.changed_paths == ("a.safetensors", "b.safetensors")
    assert snap.info.revision == git_repo.git("rev-parse", "HEAD")
    staged = open_git(str(git_repo.root), SourceOptions(since=base, staged=True))
    assert staged.changed_paths == ("a.safetensors", "b.safetensors")
    git_repo.stage({"c.gguf": "w"})
    staged = open_git(str(git_repo.root), SourceOptions(since=base, staged=True))
    assert staged.changed_paths == ("a.safetensors", "b.safetensors", "c.gguf")


def test_a_subfolder_is_linted_as_its_own_tree(git_repo):
    git_repo.commit({"models/tiny/README.md": CARD, "models/tiny/w.bin": "w", "other/x": "x"})
    git_repo.commit({"models/tiny/w.bin": "w2", "other/x": "x2"})
    snap = open_git(str(git_repo.root / "models" / "tiny"), SourceOptions(since="HEAD~1"))
    assert _paths(snap) == ["README.md", "w.bin"]
    assert snap.changed_paths == ("w.bin",)
    assert snap.info.name == "tiny"


def test_symlinks_and_submodule_like_entries_are_reported_not_followed(git_repo):
    git_repo.write({"README.md": CARD, "LICENSE": {"symlink": "/etc/passwd"}})
    git_repo.commit()
    snap = open_git(str(git_repo.root), SourceOptions(rev="HEAD"))
    assert _paths(snap) == ["README.md"]
    assert [(p.path, p.reason) for p in snap.problems] == [
        ("LICENSE", "symlink in the git tree; not followed")]


@pytest.mark.parametrize("options,message", [
    (SourceOptions(rev="no-such-rev"), "unknown git revision 'no-such-rev'"),
    (SourceOptions(since="nope"), "unknown git revision 'nope'"),
])
def test_bad_revision_is_one_line(git_repo, options, message):
    git_repo.commit({"README.md": CARD})
    with pytest.raises(SourceError) as err:
        open_target(str(git_repo.root), options)
    assert str(err.value) == message


def test_not_a_repository(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(SourceError, match="^not inside a git repository$"):
        open_git(str(tmp_path / "plain"), SourceOptions(rev="HEAD"))
    with pytest.raises(SourceError, match="^no such directory$"):
        open_git(str(tmp_path / "missing"), SourceOptions(rev="HEAD"))


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "modellint", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_cli_bad_rev_exits_2_without_traceback(git_repo):
    git_repo.commit({"README.md": CARD})
    done = _cli("check", "--rev", "v9", str(git_repo.root))
    assert done.returncode == 2
    assert "unknown git revision 'v9'" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_cli_rev_reports_the_commit(git_repo):
    sha = git_repo.commit({"README.md": CARD, "LICENSE": "MIT License\n"})
    git_repo.git("rm", "-q", "LICENSE")  # staged deletion: HEAD still has it
    done = _cli("check", "--rev", "HEAD", "--format", "json", str(git_repo.root))
    report = json.loads(done.stdout)
    assert report["targets"][0]["kind"] == "git" and report["targets"][0]["revision"] == sha
    assert [f["code"] for f in report["findings"]] == []
    assert done.returncode == 0
    staged = json.loads(_cli("check", "--staged", "--format", "json", str(git_repo.root)).stdout)
    assert [(f["code"], f["path"]) for f in staged["findings"]] == [("ML201", None)]


def test_a_local_scan_does_not_import_git(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(CARD)
    code = ("import sys; from modellint.runner import lint; lint([sys.argv[1]]); "
            "print(sorted(m for m in sys.modules if m == 'git' or m.startswith('git.')))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "m")], capture_output=True,
                          text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_conflicted_paths_are_reported_once(git_repo):
    git_repo.commit({"README.md": CARD, "LICENSE": "a\n"})
    git_repo.git("checkout", "-q", "-b", "other")
    git_repo.commit({"LICENSE": "b\n"})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit({"LICENSE": "c\n"})
    assert git_repo.run_git("merge", "-q", "other").returncode != 0
    snap = open_git(str(git_repo.root), SourceOptions(staged=True))
    assert _paths(snap) == ["README.md"]
    assert [(p.path, p.reason) for p in snap.problems] == [
        ("LICENSE", "unmerged (merge conflict); skipped")]
