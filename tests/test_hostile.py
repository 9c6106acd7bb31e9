"""Hostile and broken repositories: each gives a finding or one clear error, never a crash.

The corpus is built here, in temp dirs. Every case asserts the exact finding it must produce,
that no rule crashed, and (for the big ones) that memory stayed bounded.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import tracemalloc
from contextlib import contextmanager

import pytest

from modellint.facts import extract
from modellint.facts.card import MAX_TITLE
from modellint.runner import RunOptions, lint
from modellint.snapshot import SourceProblem
from modellint.sources.local import open_local
from tests.conftest import run_cli

CARD = "---\nlicense: mit\n---\n# m\n"
LICENSE = "SPDX-License-Identifier: MIT\n"


def _lint(registry, repo, **kw):
    report = lint([str(repo)], RunOptions(**kw), registry)
    assert not report.errors, report.errors
    return report


def _has(report, code, path=None, fragment=""):
    return any(f.code == code and (path is None or f.path == path) and fragment in f.message
               for f in report.active())


def test_yaml_alias_bomb(make_repo, registry):
    lines = ["license: mit", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    repo = make_repo({"README.md": "---\n" + "\n".join(lines) + "\n---\n", "LICENSE": LICENSE})
    tracemalloc.start()
    report = _lint(registry, repo)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert _has(report, "ML106", "README.md", "too many nodes")
    assert peak < 50 * 1024**2


def test_deeply_nested_front_matter(make_repo, registry):
    depth = 20_000
    repo = make_repo({"README.md": "---\nlicense: mit\nx: " + "[" * depth + "]" * depth + "\n---\n",
                      "LICENSE": LICENSE})
    report = _lint(registry, repo)
    assert _has(report, "ML106", "README.md")


def test_huge_readme_is_read_only_in_part(make_repo, registry, tmp_path):
    repo = make_repo({"LICENSE": LICENSE})
    with open(repo / "README.md", "wb") as fh:
        fh.write(CARD.encode())
        fh.write(b"text line\n" * (200 * 1024 * 1024 // 10))  # 200 MB of real text
    tracemalloc.start()
    report = _lint(registry, repo)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert _has(report, "ML901", "README.md", "only the start was read")
    assert not _has(report, "ML102")  # the front matter at the start was still read
    assert peak < 64 * 1024**2


def test_binary_readme_and_nul_bytes_in_license(make_repo, registry):
    repo = make_repo({"README.md": os.urandom(256) + b"\x00", "LICENSE": b"MIT\x00License"})
    report = _lint(registry, repo)
    assert _has(report, "ML901", "README.md", "binary content")
    assert _has(report, "ML901", "LICENSE", "binary content")


def test_mixed_encodings(make_repo, registry):
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n".encode("utf-16"),
                      "NOTICE": "Copyright © 2026 Café".encode("latin-1"),
                      "COPYING": b"\xef\xbb\xbfSPDX-License-Identifier: MIT\n"})
    report = _lint(registry, repo)
    assert not _has(report, "ML901", "LICENSE")  # UTF-16 with a BOM is fine
    assert not _has(report, "ML901", "COPYING")  # so is a UTF-8 BOM
    assert _has(report, "ML901", "NOTICE", "not valid UTF-8")


def test_symlink_loops_and_links_out(make_repo, registry, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    repo = make_repo({"README.md": CARD, "LICENSE": {"symlink": str(secret)},
                      "loop1": {"symlink": "loop2"}, "loop2": {"symlink": "loop1"},
                      "sub/up": {"symlink": ".."}})
    report = _lint(registry, repo)
    assert _has(report, "ML901", "LICENSE", "outside the repository")
    assert _has(report, "ML901", "loop1") and _has(report, "ML901", "loop2")
    assert _has(report, "ML901", "sub/up", "cycle")
    facts = extract(open_local(str(repo)))
    assert "TOP SECRET" not in str(facts.to_json())
    assert _has(report, "ML201")  # the linked-out LICENSE does not count as a license file


def test_odd_path_characters(make_repo, registry):
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE, "weird name ü\t.txt": "x",
                      "dir with space/LICENSE-CODE": LICENSE})
    (repo / os.fsdecode(b"bad\xffname.txt")).write_text("x")
    report = _lint(registry, repo)
    assert _has(report, "ML901", fragment="file name is not valid UTF-8")
    proc = run_cli("check", str(repo), "--format", "json")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(make_repo, registry):
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE})
    os.chmod(repo / "LICENSE", 0)
    try:
        report = _lint(registry, repo)
    finally:
        os.chmod(repo / "LICENSE", stat.S_IRUSR | stat.S_IWUSR)
    assert _has(report, "ML901", "LICENSE", "ermission denied")


def test_a_file_denied_to_its_reader_is_ml901(make_repo, registry, monkeypatch):
    """The same path for any user, root included: the local source's open is refused."""
    from modellint.sources import local

    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE})
    real_open = os.open

    def denying_open(path, flags, *args):
        if os.path.basename(path) == "LICENSE":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(local.os, "open", denying_open)
    report = _lint(registry, repo)
    assert _has(report, "ML901", "LICENSE", "Permission denied")


def test_fifo_does_not_block(make_repo, registry):
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE})
    os.mkfifo(repo / "NOTICE")
    report = _lint(registry, repo)
    assert _has(report, "ML901", "NOTICE", "not a regular file")


def test_device_file(make_repo, registry):
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE})
    try:
        os.mknod(repo / "COPYING", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    report = _lint(registry, repo)
    assert _has(report, "ML901", "COPYING", "not a regular file")


def test_forged_lfs_pointer_is_not_trusted(make_repo, registry):
    forged = ("version https://git-lfs.github.com/spec/v1\noid sha256:zz\nsize 12\n")
    huge = ("version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 +
            "\nsize 999999999999999999999999\n")
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE, "a.safetensors": forged,
                      "b.safetensors": huge})
    facts = extract(open_local(str(repo)))
    weights = {w.path: w for w in facts.weights}
    assert weights["a.safetensors"].lfs is None
    assert weights["b.safetensors"].lfs is None  # a size over 20 digits is not a pointer


def test_a_thousand_licenses_in_the_card(make_repo, registry):
    values = "".join(f"  - junk-{i}\n" for i in range(1000))
    repo = make_repo({"README.md": f"---\nlicense:\n{values}---\n# m\n", "LICENSE": LICENSE})
    report = _lint(registry, repo)
    assert _has(report, "ML106", "README.md", "lists 1000 entries; only the first 32")
    assert sum(1 for f in report.active() if f.code == "ML103") == 32


def test_a_tree_past_the_file_limit_is_cut_and_says_so(make_repo, monkeypatch):
    """The walk stops at MAX_FILES with a problem line; a listing cut short proves no shard
    missing, so the index is read but its shards are not judged."""
    from modellint.sources import local

    monkeypatch.setattr(local, "MAX_FILES", 4)
    # The limit is met two folders down; the levels above have entries left and stop too.
    repo = make_repo({"README.md": CARD, "w/e/x1.txt": "a", "w/e/x2.txt": "b", "w/e/x3.txt": "c",
                      "w/y.txt": "d",
                      "model.safetensors.index.json": '{"weight_map": {"w": "zz.safetensors"}}',
                      "zz.safetensors": "x"})
    snap = open_local(str(repo))
    assert len(snap.files) == 4 and snap.listing_gap == "the listing stopped at 4 files"
    assert snap.problems == (SourceProblem("w/e/x3.txt", "stopped listing after 4 files"),)
    [index] = extract(snap).weight_index_files
    assert "missing_shards" not in index.summary
    assert index.note == "shards not checked: the listing stopped at 4 files"
    monkeypatch.setattr(local, "MAX_FILES", 7)  # exactly as many files as the tree holds
    assert open_local(str(repo)).listing_gap is None


@contextmanager
def within(seconds: float):
    """Fail (rather than hang) when the block uses more than ``seconds`` of CPU time (not wall
    time: a busy machine must not fail it): the regex engine and Python loops both notice."""
    def alarm(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s of CPU time")

    previous = signal.signal(signal.SIGVTALRM, alarm)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


MIB = 1024 * 1024
# Text shapes that made a pattern backtrack (or a search rescan) quadratically or worse; each
# took from seconds to hours before. Sizes stay under the 1 MiB read limits.
BACKTRACKING = {
    "heading-of-spaces": {"README.md": CARD + "# a" + " " * 20_000 + "b\n", "LICENSE": LICENSE},
    "spdx-tag-of-spaces": {"README.md": CARD, "LICENSE": "SPDX-License-Identifier:" + " " * 200_000
                           + "MIT *\n" + LICENSE},
    "notice-repeating-a-name": {"README.md": CARD, "LICENSE": LICENSE,
                                "NOTICE": "MIT License. " * (MIB // 13)},
    "card-of-comment-openers": {"README.md": CARD + "<!--" * ((MIB - len(CARD)) // 4),
                                "LICENSE": LICENSE},
    "heading-of-brackets": {"README.md": CARD + "# " + "[" * (MIB // 2) + "\n", "LICENSE": LICENSE},
    "heading-of-tag-openers": {"README.md": CARD + "# " + "<" * (MIB // 2) + "\n", "LICENSE": LICENSE},
}


@pytest.mark.parametrize("case", sorted(BACKTRACKING))
def test_backtracking_shapes_are_linted_in_bounded_time(make_repo, case):
    repo = make_repo(BACKTRACKING[case])
    with within(5):
        facts = extract(open_local(str(repo)))
    assert facts.card is not None and facts.card.metadata == {"license": "mit"}
    assert [lf.licenses[0].id for lf in facts.license_files if lf.path == "LICENSE"] == ["mit"]
    if case == "heading-of-spaces":
        assert facts.card.sections[-1].title == "a"  # cut at MAX_TITLE, then stripped
    if case == "card-of-comment-openers":
        assert facts.card.comments == ()
    if case == "heading-of-brackets":
        assert facts.card.sections[-1].title == "[" * MAX_TITLE
