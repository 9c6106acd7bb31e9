"""A folder on disk: the working tree, walked without following links out of it."""

from __future__ import annotations

import os
import stat
from functools import partial

from modellint.model import TargetInfo
from modellint.pathcache import real_path
from modellint.snapshot import FileEntry, FileReadError, Snapshot, SourceError, SourceProblem, lfs_pointer_of

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules"})
# Safety valve for absurd trees; the walk reports that it stopped rather than going silent.
MAX_FILES = 200_000
# Folders nested deeper than this are not listed (and said so): no model repository is that deep,
# and the walk recurses once per level.
MAX_DEPTH = 128


class LocalSnapshot(Snapshot):
    def __init__(self, root: str, info: TargetInfo, files: tuple[FileEntry, ...],
                 problems: tuple[SourceProblem, ...]) -> None:
        self.root = root  # the real (symlink-free) path of the folder
        super().__init__(info, files, problems, trusted=True)

    def _open(self, path: str):  # type: ignore[no-untyped-def]
        if self.file(path) is None:
            raise FileReadError(f"{path}: not part of the scanned tree")
        full = os.path.join(self.root, path)
        try:
            # O_NONBLOCK keeps a FIFO swapped in after the walk from blocking the scan.
            fd = os.open(full, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise FileReadError(f"{path}: {exc.strerror or exc}") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise FileReadError(f"{path}: not a regular file")
        except BaseException:
            os.close(fd)
            raise
        return os.fdopen(fd, "rb")

    def read_bytes(self, path: str, limit: int) -> bytes:
        with self._open(path) as fh:
            try:
                return fh.read(limit)
            except OSError as exc:
                raise FileReadError(f"{path}: {exc.strerror or exc}") from None

    def read_range(self, path: str, start: int, end: int) -> bytes:
        if end <= start:
            return b""
        with self._open(path) as fh:
            try:
                fh.seek(start)
                return fh.read(end - start)
            except OSError as exc:
                raise FileReadError(f"{path}: {exc.strerror or exc}") from None


def clone_of(root: str) -> str | None:
    """The Hub model id a clone at ``root`` was made from (its ``origin``), if any."""
    repo_id, repo_type = hub_origin(root)
    return repo_id if repo_type == "model" else None


def hub_origin(root: str) -> tuple[str | None, str | None]:
    """(Hub id, "model" or "dataset") of the Hub repository a clone at ``root`` was made from
    (its ``origin``); (None, None) for anything else (a Space, another host, no clone)."""
    from modellint.sources.remote import hub_remote

    remote = hub_remote(root)
    if remote is None or remote.repo_type not in ("model", "dataset"):
        return None, None
    return remote.repo_id, remote.repo_type


def open_local(target: str, inherit_top: str | None = None) -> LocalSnapshot:
    try:
        if not os.path.isdir(target):
            raise SourceError(
                "not a directory" if os.path.exists(target) else "no such directory"
            )
        # Once per lint (settings and the cache-folder check resolved it already); it exists.
        real_root = real_path(target)
    except OSError as exc:
        raise SourceError(f"{exc.strerror or exc}") from None
    files: list[FileEntry] = []
    problems: list[SourceProblem] = []
    complete = _walk(real_root, real_root, "", files, problems, {_dir_key(real_root)})
    if inherit_top:
        files.extend(_inherited_files(real_root, os.path.realpath(inherit_top), files))
    files.sort(key=lambda f: f.path)
    repo_id, repo_type = hub_origin(real_root)
    info = TargetInfo(
        target=target, kind="local", origin=real_root, revision=None,
        name=os.path.basename(real_root), repo_id=repo_id, repo_type=repo_type,
    )
    snapshot = LocalSnapshot(real_root, info, tuple(files), tuple(problems))
    if not complete:
        snapshot.listing_gap = f"the listing stopped at {MAX_FILES} files"
    elif any(p.reason.startswith("folders nested more than") for p in problems):
        snapshot.listing_gap = f"folders nested more than {MAX_DEPTH} deep were not listed"
    return snapshot


def _inherited_files(root: str, top: str, own: list[FileEntry]) -> list[FileEntry]:
    """The license, notice and policy files of the repository's ``top`` that ``root`` lacks."""
    from modellint.sources.inherit import inherited

    if not _inside(root, top) or root == top:
        return []
    names = []
    for sub in ("", "LICENSES", "licenses"):
        try:
            with os.scandir(os.path.join(top, sub)) as entries:
                names += [f"{sub}/{e.name}" if sub else e.name for e in entries
                          if e.is_file(follow_symlinks=False)][:256]
        except OSError:
            continue
    depth = os.path.relpath(root, top).count(os.sep) + 1
    out = []
    for top_path, seen_as in inherited((f.path for f in own), names, depth):
        try:
            size = os.stat(os.path.join(top, top_path), follow_symlinks=False).st_size
        except OSError:
            continue
        out.append(FileEntry(seen_as, size))
    return out


def _dir_key(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return (st.st_dev, st.st_ino)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(root: str, here: str, prefix: str, files: list[FileEntry],
          problems: list[SourceProblem], seen: set[tuple[int, int]]) -> bool:
    """List ``here`` into ``files``; False when the walk stopped at MAX_FILES (said once)."""
    try:
        entries = sorted(os.scandir(here), key=lambda e: e.name)
    except OSError as exc:
        problems.append(SourceProblem(prefix.rstrip("/") or ".", f"cannot list: {exc.strerror}"))
        return True
    for entry in entries:
        rel = prefix + entry.name
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:
            # Undecodable bytes in a name cannot be reported or matched reliably: say so, skip.
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            problems.append(SourceProblem(shown, "file name is not valid UTF-8; skipped"))
            continue
        if len(files) >= MAX_FILES:
            problems.append(SourceProblem(rel, f"stopped listing after {MAX_FILES} files"))
            return False
        is_link = False  # if is_symlink() itself fails, the error is not a link's
        try:
            is_link = entry.is_symlink()
            st = os.stat(entry.path) if is_link else entry.stat(follow_symlinks=False)
        except OSError as exc:
            reason = "symlink loop or dangling symlink" if is_link else (exc.strerror or str(exc))
            problems.append(SourceProblem(rel, reason))
            continue
        if is_link:
            try:
                real = os.path.realpath(entry.path, strict=True)
            except (OSError, RuntimeError):
                problems.append(SourceProblem(rel, "symlink loop or dangling symlink"))
                continue
            if not _inside(real, root):
                problems.append(SourceProblem(rel, "symlink points outside the repository; not followed"))
                continue
        if stat.S_ISDIR(st.st_mode):
            if entry.name in SKIP_DIRS:
                continue
            if rel.count("/") + 1 >= MAX_DEPTH:
                problems.append(SourceProblem(rel, f"folders nested more than {MAX_DEPTH} deep; "
                                                   "not listed"))
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:
                problems.append(SourceProblem(rel, "directory cycle through a symlink; not followed"))
                continue
            if not _walk(root, entry.path, rel + "/", files, problems, seen | {key}):
                return False
        elif stat.S_ISREG(st.st_mode):
            lfs = lfs_pointer_of(rel, st.st_size, partial(_head, entry.path))
            files.append(FileEntry(rel, st.st_size, lfs))
        else:
            problems.append(SourceProblem(rel, "not a regular file (device, FIFO or socket); skipped"))
    return True


def _head(full: str, n: int) -> bytes:
    try:
        with open(full, "rb") as fh:
            return fh.read(n)
    except OSError:  # unreadable: not a pointer; reading it later reports why
        return b""
