"""A git revision or the git index, read as blobs through gitpython: no checkout, no working tree.

What is linted and what counts as changed (``changed_paths``, used by ML505):

- ``--rev REV``: the tree of REV; nothing counts as changed.
- ``--staged``: the index (what is about to be committed); changed = the index against HEAD
  (every staged path in a repository without commits).
- ``--since BASE``: the tree of HEAD (or of REV with ``--rev``, or the index with ``--staged``);
  changed = that tree against the merge base of BASE and HEAD, i.e. what ``BASE..HEAD`` brought
  plus, with ``--staged``, what is staged.

A target inside a repository (a model in a monorepo) is linted as its own subtree; its paths are
relative to it, as for a local folder.
"""

from __future__ import annotations

import stat
from functools import partial
from pathlib import Path
from typing import Any

from modellint.model import TargetInfo
from modellint.snapshot import FileEntry, FileReadError, Snapshot, SourceError, SourceProblem, lfs_pointer_of
from modellint.sources.local import MAX_FILES

INDEX_REVISION = "index"
_GITLINK = 0o160000


# Blobs up to this size are read through gitpython's shared `git cat-file --batch` process, which
# must be handed the whole blob even when only its start is wanted. A larger blob (a weight file
# kept in git rather than LFS) is read by a `git cat-file blob` of its own, stopped once the bytes
# wanted have arrived: a 64 KiB header costs neither the blob's size in time nor in memory.
SHARED_READ_MAX = 4 * 1024 * 1024
# The start of a large blob is kept up to this size, so that a header read in growing windows
# costs one git process per window at most, never the bytes before it again and again.
PREFIX_MAX = 64 * 1024 * 1024
# A range further into a large blob than this (a zip checkpoint's directory at the end of a
# multi-gigabyte file) is not read: git can only stream from the start.
SKIP_MAX = 512 * 1024 * 1024
_CHUNK = 1024 * 1024

# A scanned repository's .git/config and hooks are its author's, not the user's (a clone, an
# unpacked archive): every git call modellint makes on it turns off each setting that makes git
# run a program. `git diff --cached` runs core.fsmonitor; hooks run where the index is written;
# signatures run gpg; transports run ssh, askpass and credential helpers (and protocol.allow=never
# stops any transport at all). Drivers that .gitattributes name (diff.<driver>.command and
# textconv, filter.<driver>.clean/smudge/process, merge.<driver>.driver) are out of reach of the
# commands used: `diff --name-only --no-ext-diff --no-textconv`, `cat-file` without --filters or
# --textconv, `merge-base`. tests/test_security.py sets all of them to a marker script.
SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",  # a device: no hook can exist under it
    "core.sshCommand=",
    "core.askPass=",
    "core.alternateRefsCommand=",
    "credential.helper=",  # an empty value clears the list of helpers
    "protocol.allow=never",
    "diff.external=",
    "gpg.program=",
    "gpg.ssh.program=",
    "gpg.x509.program=",
    "gpg.ssh.defaultKeyCommand=",
    "log.showSignature=false",
    "submodule.recurse=false",
    "gc.auto=0",
    "maintenance.auto=false",
)
_DIFF_SAFE = ("--no-ext-diff", "--no-textconv", "--ignore-submodules=all")


class GitSnapshot(Snapshot):
    """Files are blobs named by sha; reads go through git, bounded in time and memory."""

    def __init__(self, repo: Any, info: TargetInfo, files: tuple[FileEntry, ...],
                 blobs: dict[str, bytes], problems: tuple[SourceProblem, ...],
                 changed_paths: tuple[str, ...] | None) -> None:
        self.repo = repo
        self._blobs = blobs  # path -> binsha
        # The start of the large blob read last, as far as read: a weight header is read in
        # windows, one file after another, so one blob's start is all there is to keep.
        self._prefix_of: tuple[str, bytes] = ("", b"")
        super().__init__(info, files, problems, trusted=True, changed_paths=changed_paths)

    def read_bytes(self, path: str, limit: int) -> bytes:
        return self.read_range(path, 0, limit)

    def read_range(self, path: str, start: int, end: int) -> bytes:
        binsha = self._blobs.get(path)
        entry = self.file(path)
        if binsha is None or entry is None:
            raise FileReadError(f"{path}: not part of the scanned tree")
        end = min(end, entry.size)
        if end <= start:
            return b""
        try:
            if entry.size <= SHARED_READ_MAX:
                data = bytes(self.repo.odb.stream(binsha).read(end))[start:end]
            elif end <= PREFIX_MAX:
                data = self._prefix(path, binsha, end)[start:end]
            elif start > SKIP_MAX:
                raise FileReadError(f"{path}: bytes {start}-{end} of a {entry.size}-byte git blob "
                                    f"are too far from its start to stream; not read")
            else:
                data = self._stream(binsha, start, end)
        except FileReadError:
            raise
        except Exception as exc:  # gitpython raises several unrelated types for a bad object
            raise FileReadError(f"{path}: cannot read blob: {type(exc).__name__}") from None
        if len(data) < end - start:  # `end` is within the blob: git stopped short
            raise FileReadError(f"{path}: git could not read the blob (a damaged repository?)")
        return data

    def _prefix(self, path: str, binsha: bytes, end: int) -> bytes:
        known = self._prefix_of[1] if self._prefix_of[0] == path else b""
        if len(known) < end:
            # Read at least twice what was known: growing windows cost a few processes in all.
            known = self._stream(binsha, 0, min(PREFIX_MAX, max(end, 2 * len(known))))
            self._prefix_of = (path, known)
        return known

    def _stream(self, binsha: bytes, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of a blob from a git process of its own, stopped once they
        have arrived; the bytes before ``start`` are read and dropped a chunk at a time."""
        handle = self.repo.git.cat_file("blob", binsha.hex(), as_process=True)
        proc = handle.proc  # the handle closes the process's pipes when it goes: keep it
        try:
            skip = start
            while skip > 0:
                dropped = len(proc.stdout.read(min(skip, _CHUNK)))
                if not dropped:
                    return b""
                skip -= dropped
            chunks, wanted = [], end - start
            while wanted > 0:
                chunk = proc.stdout.read(min(wanted, _CHUNK))
                if not chunk:
                    break
                chunks.append(chunk)
                wanted -= len(chunk)
            return b"".join(chunks)
        finally:
            proc.kill()
            proc.wait()
            del handle


def _import_git() -> Any:
    try:
        import git
    except ImportError as exc:  # gitpython refuses to import without a git executable
        raise SourceError(f"git support is unavailable: {str(exc).splitlines()[0]}") from None
    return git


def _open_repo(git: Any, target: str) -> tuple[Any, str]:
    """The repository containing ``target`` and the target's POSIX path inside its work tree."""
    path = Path(target)
    if not path.is_dir():
        raise SourceError("not a directory" if path.exists() else "no such directory")
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise SourceError("not inside a git repository") from None
    # On the repository's command wrapper, which its object database and every call share.
    repo.git.set_persistent_git_options(no_pager=True, c=list(SAFE_CONFIG))
    top = repo.working_tree_dir
    if top is None:  # a bare repository: the target is the whole repository
        return repo, ""
    rel = path.resolve().relative_to(Path(top).resolve()).as_posix()
    return repo, "" if rel == "." else rel


def _commit(repo: Any, rev: str) -> Any:
    try:
        return repo.commit(rev)
    except Exception:  # BadName, ValueError, IndexError... all mean "no such commit" here
        raise SourceError(f"unknown git revision {rev!r}") from None


def _head(repo: Any) -> Any | None:
    try:
        return repo.head.commit
    except ValueError:  # a repository without commits
        return None


def _strip(path: str, prefix: str) -> str | None:
    if not prefix:
        return path
    return path[len(prefix) + 1:] if path.startswith(prefix + "/") else None


def _listed(rel: str | None, problems: list[SourceProblem]) -> bool:
    """Whether ``rel`` may be listed: a name git holds as bytes that are not UTF-8 (gitpython
    hands it over with surrogates, which no report can print) is skipped and said so."""
    if rel is None:
        return False
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        problems.append(SourceProblem(shown, "file name is not valid UTF-8; skipped"))
        return False
    return True


def _full(out: list[tuple[str, int, bytes]], rel: str, problems: list[SourceProblem]) -> bool:
    """True (and said once) when the listing has reached MAX_FILES, as a local walk stops."""
    if len(out) < MAX_FILES:
        return False
    problems.append(SourceProblem(rel, f"stopped listing after {MAX_FILES} files"))
    return True


def _tree_entries(commit: Any, prefix: str, problems: list[SourceProblem],
                  depth: int = -1) -> list[tuple[str, int, bytes]]:
    """(path, mode, binsha) for every entry of the commit's tree under ``prefix`` (``depth``
    levels of folders below it, or all)."""
    tree = commit.tree
    if prefix:
        try:
            tree = tree / prefix
        except KeyError:
            return []
    out: list[tuple[str, int, bytes]] = []
    # gitpython walks with a stack: deep trees cost no recursion
    for item in tree.traverse(depth=depth):
        if item.type == "tree":
            continue
        rel = _strip(item.path, prefix)
        if _listed(rel, problems):
            assert rel is not None
            if _full(out, rel, problems):
                break
            out.append((rel, item.mode, item.binsha))
    return out


def _index_entries(repo: Any, prefix: str,
                   problems: list[SourceProblem]) -> list[tuple[str, int, bytes]]:
    out: list[tuple[str, int, bytes]] = []
    conflicted: set[str] = set()
    try:
        entries = [(path, stage, entry.mode, entry.binsha)
                   for (path, stage), entry in repo.index.entries.items()]
    except UnicodeDecodeError:  # gitpython cannot decode a name: git lists the index as bytes
        entries = _index_from_git(repo)
    except Exception as exc:
        raise SourceError(f"cannot read the git index: {type(exc).__name__}") from None
    for path, stage, mode, binsha in sorted(entries):
        rel = _strip(path, prefix)
        if not _listed(rel, problems):
            continue
        assert rel is not None
        if stage != 0:  # stages 1-3 of a conflicted path; report it once
            if rel not in conflicted:
                conflicted.add(rel)
                problems.append(SourceProblem(rel, "unmerged (merge conflict); skipped"))
            continue
        if _full(out, rel, problems):
            break
        out.append((rel, mode, binsha))
    return out


def _index_from_git(repo: Any) -> list[tuple[str, int, int, bytes]]:
    """(path, stage, mode, binsha) from ``git ls-files --stage -z``, names decoded as gitpython
    decodes tree paths (undecodable bytes kept as surrogates, for ``_listed`` to skip)."""
    raw = repo.git.ls_files("--stage", "-z", stdout_as_string=False)
    out = []
    for record in raw.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, sha, stage = meta.split(b" ")
        out.append((name.decode("utf-8", "surrogateescape"), int(stage), int(mode, 8),
                    bytes.fromhex(sha.decode("ascii"))))
    return out


def _inherit_prefix(repo: Any, inherit_top: str | None) -> str | None:
    """The work-tree path of the folder whose top files a model folder inherits, if any."""
    top = repo.working_tree_dir
    if not inherit_top or top is None:
        return None
    try:
        rel = Path(inherit_top).resolve().relative_to(Path(top).resolve()).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel


def _inherited_entries(own: list[tuple[str, int, bytes]], top: list[tuple[str, int, bytes]],
                       depth: int) -> list[tuple[str, int, bytes]]:
    """The license, notice and policy files of the repository's top that the folder lacks;
    ``top`` lists the top's files relative to it."""
    from modellint.sources.inherit import inherited

    by_path = {path: (mode, binsha) for path, mode, binsha in top if path.count("/") <= 1}
    pairs = inherited((path for path, _, _ in own), by_path, depth)
    return [(seen_as, *by_path[top_path]) for top_path, seen_as in pairs]


def _entries_to_files(repo: Any, entries: list[tuple[str, int, bytes]],
                      problems: list[SourceProblem]) -> tuple[list[FileEntry], dict[str, bytes]]:
    files: list[FileEntry] = []
    blobs: dict[str, bytes] = {}
    for path, mode, binsha in entries:
        if mode == _GITLINK:
            problems.append(SourceProblem(path, "git submodule; not scanned"))
            continue
        if stat.S_ISLNK(mode):
            problems.append(SourceProblem(path, "symlink in the git tree; not followed"))
            continue
        try:
            size = repo.odb.info(binsha).size  # the blob's size (for LFS: the pointer's)
            lfs = lfs_pointer_of(path, size, partial(_blob_head, repo, binsha))
        except Exception:  # gitpython raises ValueError, BadObject... for a missing object
            problems.append(SourceProblem(path, f"git object {binsha.hex()} is missing or "
                                                "unreadable (a damaged repository?); skipped"))
            continue
        files.append(FileEntry(path, size, lfs))
        blobs[path] = binsha
    files.sort(key=lambda f: f.path)
    return files, blobs


def _blob_head(repo: Any, binsha: bytes, n: int) -> bytes:
    return bytes(repo.odb.stream(binsha).read(n))


def _diff_names(repo: Any, args: list[str], prefix: str) -> tuple[str, ...]:
    pathspec = ["--", prefix] if prefix else []
    out = repo.git.diff("--name-only", "-z", "--no-renames", *_DIFF_SAFE, *args, *pathspec)
    names = (_strip(p, prefix) for p in out.split("\0") if p)
    return tuple(sorted({n for n in names if n}))


def _changed(repo: Any, options: Any, linted: Any | None, prefix: str) -> tuple[str, ...] | None:
    if options.since:
        base = _commit(repo, options.since)
        tip = linted if linted is not None else _head(repo)
        if tip is not None:
            merge_bases = repo.merge_base(base, tip)
            if merge_bases:
                base = merge_bases[0]
        if options.staged:
            return _diff_names(repo, ["--cached", base.hexsha], prefix)
        assert tip is not None  # without --staged, `linted` is the commit being linted
        return _diff_names(repo, [base.hexsha, tip.hexsha], prefix)
    if options.staged:
        head = _head(repo)
        if head is None:  # first commit: everything staged is new
            staged = (_strip(path, prefix) for path, _ in repo.index.entries)
            return tuple(sorted({p for p in staged if p}))
        return _diff_names(repo, ["--cached", head.hexsha], prefix)
    return None


def open_git(target: str, options: Any) -> GitSnapshot:
    """Open ``target`` at ``options.rev`` / the index / HEAD; raise SourceError in one line."""
    git = _import_git()
    repo, prefix = _open_repo(git, target)
    problems: list[SourceProblem] = []
    try:
        if options.staged:
            if repo.bare:
                raise SourceError("a bare repository has no index to lint")
            commit = None
            entries = _index_entries(repo, prefix, problems)
            revision = INDEX_REVISION
        else:
            commit = _commit(repo, options.rev or "HEAD")
            entries = _tree_entries(commit, prefix, problems)
            revision = commit.hexsha
        top_prefix = _inherit_prefix(repo, options.inherit_top)
        if top_prefix is not None and prefix != top_prefix and (
                not top_prefix or prefix.startswith(top_prefix + "/")):
            top = _index_entries(repo, top_prefix, []) if options.staged else _tree_entries(commit, top_prefix, [], 1)
            entries += _inherited_entries(entries, top, prefix.count("/") - top_prefix.count("/")
                                          + (0 if top_prefix else 1))
        files, blobs = _entries_to_files(repo, entries, problems)
        changed = _changed(repo, options, commit, prefix)
    except git.GitCommandError as exc:
        detail = (exc.stderr or "").strip().splitlines()
        raise SourceError(f"git failed: {detail[-1] if detail else exc.status}") from None
    top = repo.working_tree_dir or repo.git_dir
    root = (Path(top, prefix) if prefix else Path(top)).resolve()
    # The clone's origin names the Hub repository only when the repository's own top is linted.
    from modellint.sources.local import hub_origin

    repo_id, repo_type = hub_origin(str(top)) if not prefix and repo.working_tree_dir else (None, None)
    info = TargetInfo(target=target, kind="git", origin=str(root), revision=revision,
                      name=root.name, repo_id=repo_id, repo_type=repo_type)
    snapshot = GitSnapshot(repo, info, tuple(files), blobs, tuple(problems), changed)
    if any(p.reason.startswith("stopped listing after") for p in problems):
        snapshot.listing_gap = f"the listing stopped at {MAX_FILES} files"
    return snapshot
