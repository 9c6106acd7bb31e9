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


# -- what reaches the terminal, the CI log and stderr ---------------------------------------------

# A license value holding a newline and a forged finding line, a GitHub workflow command, an ANSI
# escape sequence and a right-to-left override.
FORGED = "README.md:1: ML999 error forged"
HOSTILE_CARD = ('---\nlicense: "mit\\n' + FORGED + '\\n::add-mask::secret \\e[31mred \\u202Eevil"\n'
                "---\n# m\n")
UNSAFE = ("\x1b", "\u202e", "\r")


@pytest.mark.parametrize("fmt", ["text", "concise", "github", "summary"])
def test_target_text_is_escaped_in_every_line_format(make_repo, fmt):
    from click.testing import CliRunner

    from modellint.cli import main

    repo = make_repo({"README.md": HOSTILE_CARD, "LICENSE": LICENSE})
    result = CliRunner().invoke(main, ["check", str(repo), "--format", fmt])
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert not any(ch in out for ch in UNSAFE)
    lines = out.splitlines()
    assert not any(line.startswith(("README.md:1: ML999", "::add-mask::")) for line in lines)
    if fmt == "github":
        assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    elif fmt == "summary":
        assert "mit\\nREADME.md" in out  # shown, as escapes (the cell is cut short)
    else:
        assert "\\n" in out and "\\x1b[31m" in out  # shown, as escapes
    if fmt == "concise":
        assert len(lines) == len(lint([str(repo)], RunOptions()).active())


def test_stderr_error_lines_are_escaped(make_repo):
    """A configuration value is the repository's text too: a newline in the file it names must
    not start a GitHub workflow command (`::add-mask::`, `::error`) on a line of its own."""
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE,
                      ".modellint.toml": 'baseline = "b\\n::add-mask::secret\\n::error::x\\u202e"\n'})
    proc = run_cli("check", str(repo))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("modellint: error: ")
    assert "\u202e" not in proc.stderr and "\\n::add-mask::secret" in proc.stderr


def _surrogate_repo(make_repo):
    # An adapter's base model id and a weight's embedded license each carry a lone surrogate.
    from tests.weight_writers import safetensors_bytes

    header_license = "apache\\ud800"
    weights = safetensors_bytes({"license": "x"}, {}).replace(b'"x"', f'"{header_license}"'.encode())
    return make_repo({"README.md": CARD, "LICENSE": LICENSE,
                      "adapter_config.json": '{"base_model_name_or_path": "org/x\\ud800"}',
                      "config.json": '{"model_type": "llama\\udfff", "\\ud800": 1}',
                      "model.safetensors": weights})


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github", "summary",
                                 "cyclonedx", "spdx3"])
def test_a_lone_surrogate_in_target_json_aborts_no_format(make_repo, tmp_path, fmt):
    import json

    repo = _surrogate_repo(make_repo)
    out = tmp_path / f"report.{fmt}"
    proc = run_cli("check", str(repo), "--format", fmt, "-o", str(out))
    assert proc.returncode in (0, 1), proc.stderr
    assert "Error" not in proc.stderr
    text = out.read_text(encoding="utf-8")
    if fmt in ("json", "sarif", "cyclonedx", "spdx3"):
        json.loads(text)  # complete and valid
    assert "org/x\ufffd" in text or fmt in ("cyclonedx", "spdx3", "summary")
    stdout = run_cli("check", str(repo), "--format", fmt)
    assert stdout.returncode in (0, 1) and stdout.stdout.strip(), stdout.stderr


def test_sarif_uris_are_percent_encoded(make_repo, tmp_path):
    import json

    custom = "These are the custom terms of this model, written by its authors alone. " * 5
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE, "LICENSE #1%ü?.txt": custom})
    proc = run_cli("check", ".", "--format", "sarif", cwd=repo)
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(proc.stdout)["runs"][0]["results"] for loc in r.get("locations", [])]
    assert "LICENSE%20%231%25%C3%BC%3F.txt" in uris
    assert all(" " not in u and "#" not in u and "?" not in u for u in uris)


def test_a_config_nested_900_levels_is_a_finding(make_repo):
    nested = '{"a":' * 900 + "1" + "}" * 900
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE, "config.json": nested})
    report = _lint(None, repo)
    assert _has(report, "ML901", "config.json", "nested more than 64 levels deep; not parsed")
    proc = run_cli("facts", str(repo))
    assert proc.returncode == 0, proc.stderr


def test_folders_nested_a_thousand_deep_are_a_finding(make_repo, tmp_path):
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE})
    here = os.getcwd()
    try:
        os.chdir(repo)
        for _ in range(1100):  # relative steps: the absolute path would pass PATH_MAX
            os.mkdir("d")
            os.chdir("d")
        with open("LICENSE", "w") as fh:
            fh.write(LICENSE)
        os.chdir(here)
        report = _lint(None, repo)
    finally:
        os.chdir(here)
        _remove_deep(repo / "d")  # shutil.rmtree (and pytest's cleanup) recurse per level
    assert _has(report, "ML901", "d/" * 127 + "d", "folders nested more than 128 deep; not listed")
    assert report.targets and not _has(report, "ML201")


def _remove_deep(top):
    """Remove a chain of nested folders without recursion: down by relative steps, then up."""
    here = os.getcwd()
    depth = 0
    try:
        os.chdir(top)
        while True:
            for entry in os.scandir("."):
                if not entry.is_dir(follow_symlinks=False):
                    os.unlink(entry.name)
            below = [e.name for e in os.scandir(".") if e.is_dir(follow_symlinks=False)]
            if below:
                os.chdir(below[0])
                depth += 1
                continue
            if depth == 0:
                break
            name = os.path.basename(os.getcwd())
            os.chdir("..")
            depth -= 1
            os.rmdir(name)
    finally:
        os.chdir(here)
    os.rmdir(top)


def test_git_names_that_are_not_utf8_are_skipped_and_said(git_repo, monkeypatch):
    """Tree and index entries whose names are not UTF-8 (gitpython hands them over with
    surrogates, and a staged one made the whole index unreadable) are skipped, like the walk's."""
    from modellint.sources import SourceOptions
    from modellint.sources.git import open_git

    git_repo.write({"README.md": CARD, "LICENSE": LICENSE})
    (git_repo.root / os.fsdecode(b"LICENSE-\xff.txt")).write_text("x")
    git_repo.commit()
    for options in (SourceOptions(rev="HEAD"), SourceOptions(staged=True)):
        snap = open_git(str(git_repo.root), options)
        assert [f.path for f in snap.files] == ["LICENSE", "README.md"]
        assert [(p.path, p.reason) for p in snap.problems] == [
            ("LICENSE-\ufffd.txt", "file name is not valid UTF-8; skipped")]
    proc = run_cli("check", str(git_repo.root), "--staged", "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr


def test_a_git_tree_past_the_file_limit_is_cut_and_says_so(git_repo, monkeypatch):
    from modellint.sources import SourceOptions
    from modellint.sources import git as git_source

    git_repo.commit({"README.md": CARD, **{f"f{i}.txt": "x" for i in range(6)}})
    monkeypatch.setattr(git_source, "MAX_FILES", 3)
    for options in (SourceOptions(rev="HEAD"), SourceOptions(staged=True)):
        snap = git_source.open_git(str(git_repo.root), options)
        assert len(snap.files) == 3
        assert snap.listing_gap == "the listing stopped at 3 files"


# -- weight headers: CPU bounded, not only bytes ----------------------------------------------------

def _safetensors_with_header(size: int, metadata: dict | None = None) -> bytes:
    """A valid safetensors file whose JSON header is about ``size`` bytes (many empty tensors)."""
    import json
    import struct

    entry = '"t%07d": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}'
    count = size // len(entry % 0)
    body = ", ".join(entry % i for i in range(count))
    head = json.dumps({"__metadata__": metadata})[1:-1] + ", " if metadata else ""
    header = ("{" + head + body + "}").encode()
    return struct.pack("<Q", len(header)) + header


def test_a_huge_safetensors_header_is_not_parsed(make_repo):
    """A 90 MB header took ~5 s of CPU and ~1 GB to parse (the format allows 100 MB)."""
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE,
                      "model.safetensors": _safetensors_with_header(20 * MIB)})
    with within(1):
        facts = extract(open_local(str(repo)))
    [wf] = facts.weights
    assert (wf.inspected, wf.error) == (False, None)
    assert wf.note.endswith("over the 16 MiB modellint parses; not inspected")


def test_weight_headers_share_one_budget_per_target(make_repo, monkeypatch):
    from modellint import weights

    monkeypatch.setattr(weights, "HEADER_BUDGET", 2 * MIB)
    shard = _safetensors_with_header(MIB // 2, {"license": "mit"})
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE,
                      **{f"model-{i:05}-of-00008.safetensors": shard for i in range(1, 9)}})
    facts = extract(open_local(str(repo)))
    inspected = [w for w in facts.weights if w.inspected]
    assert len(inspected) == 3 and all(w.metadata == {"license": "mit"} for w in inspected)
    assert {w.note for w in facts.weights if not w.inspected} == {
        "header not inspected: the 2 MiB of weight headers modellint parses per repository "
        "are spent"}


def test_an_onnx_of_tiny_sub_fields_is_bounded_in_cpu(make_repo):
    """Metadata entries of a million one-byte fields each: 16 MiB took seconds to walk."""
    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            low, n = n & 0x7F, n >> 7
            out.append(low | (0x80 if n else 0))
            if not n:
                return bytes(out)

    sub = b"\x18\x01" * (MIB // 2)
    data = b"\x08\x07" + (b"\x72" + varint(len(sub)) + sub) * 16
    repo = make_repo({"README.md": CARD, "LICENSE": LICENSE, "model.onnx": data})
    with within(1.5):
        facts = extract(open_local(str(repo)))
    [wf] = facts.weights
    assert wf.inspected and wf.summary["ir_version"] == 7
