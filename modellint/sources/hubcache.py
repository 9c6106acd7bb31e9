"""The local Hugging Face cache (``models--org--name`` folders): read and written with bounds.

Layout, as huggingface_hub keeps it: ``refs/<revision>`` holds a commit id, ``snapshots/<commit>/``
holds a repository's files as links into ``blobs/``, ``trees/<commit>.json`` lists every file of
the commit (what was downloaded or not). A cache folder may be someone else's (a copied folder, a
shared drive), so everything read from one is bounded and must be a regular file: a ``refs/main``
that is a FIFO or a 10 GB file, a tree listing that is a device, a link pointing out of the
folder, are problems, never a hang. Everything written is named by modellint from validated
values (a 40-hex commit, a blob id computed from the bytes, a file name checked by
``unsafe_name``), never from what a server said.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

MAX_REF_BYTES = 256  # a ref holds one commit id
MAX_TREE_BYTES = 64 * 1024 * 1024  # the listing of a 200,000-file repository is ~40 MB
MAX_FILES = 200_000  # as many as a local walk lists
MAX_NAME = 1024  # characters of a repository file name

COMMIT = re.compile(r"^[0-9a-f]{40}$")
_BLOB_ID = re.compile(r"^[0-9a-f]{40}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class TreeEntry(NamedTuple):
    """One file of a cached tree listing."""

    size: int
    blob_id: str | None = None
    lfs_sha256: str | None = None
    lfs_size: int | None = None


def unsafe_name(path: str) -> str | None:
    """Why a repository file name from a server or a cache must not be used, or None.

    Such a name becomes a URL path (with the user's token) and a path in the cache: no empty,
    ``.`` or ``..`` segment, no leading ``/``, no backslash or control character."""
    if not path or len(path) > MAX_NAME:
        return "an empty or overlong name"
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "a name that is not valid UTF-8"
    if path.startswith("/") or "\\" in path:
        return "an absolute name or one with a backslash"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "a name with an empty, '.' or '..' segment"
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        return "a name with control characters"
    return None


def read_small(path: Path, limit: int) -> bytes | None:
    """A regular file's bytes when it holds at most ``limit`` of them; None when it is missing,
    not a regular file (FIFO, device, folder) or larger. Never blocks on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        data = os.read(fd, limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= limit else None


def read_ref(storage: Path, revision: str) -> str | None:
    """The commit ``refs/<revision>`` names, or None (missing, unreadable, not a commit id)."""
    data = read_small(storage / "refs" / revision, MAX_REF_BYTES)
    if data is None:
        return None
    try:
        commit = data.decode("ascii").strip()
    except UnicodeDecodeError:
        return None
    return commit if COMMIT.match(commit) else None


class Tree(NamedTuple):
    """A cached tree listing: its files, and the names skipped as unsafe (or past the cap)."""

    files: dict[str, TreeEntry]
    skipped: list[tuple[str, str]]  # (name as shown, why)
    cut: bool  # the listing held more than MAX_FILES files


def read_tree(storage: Path, commit: str) -> Tree | None:
    """``trees/<commit>.json`` as huggingface_hub writes it, or None (absent, unreadable, too
    big, not that format)."""
    if not COMMIT.match(commit):
        return None
    data = read_small(storage / "trees" / f"{commit}.json", MAX_TREE_BYTES)
    if data is None:
        return None
    from modellint import jsonsafe

    try:
        parsed = jsonsafe.loads(data, max_depth=None)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(parsed, dict) or parsed.get("format_version") != 1:
        return None
    listed = parsed.get("files")
    if not isinstance(listed, dict):
        return None
    files: dict[str, TreeEntry] = {}
    skipped: list[tuple[str, str]] = []
    for name, info in listed.items():
        if len(files) >= MAX_FILES:
            return Tree(files, skipped, True)
        why = unsafe_name(name)
        entry = _tree_entry(info)
        if why is None and entry is None:
            why = "a listing entry without a valid size"
        if why is not None:
            skipped.append((shown_name(name), why))
            continue
        files[name] = entry  # type: ignore[assignment]
    return Tree(files, skipped, False)


def shown_name(name: str) -> str:
    """A name fit for a message even when unsafe (no surrogates, bounded)."""
    return name.encode("utf-8", "replace").decode("utf-8")[:300]


def _tree_entry(info: Any) -> TreeEntry | None:
    if not isinstance(info, dict):
        return None
    size = info.get("size")
    if not isinstance(size, int) or not _count(size):
        return None
    blob = info.get("blob_id")
    sha = info.get("lfs_sha256")
    lfs_size = info.get("lfs_size")
    return TreeEntry(size, blob if isinstance(blob, str) and _BLOB_ID.match(blob) else None,
                     sha if isinstance(sha, str) and _SHA256.match(sha) else None,
                     lfs_size if _count(lfs_size) else None)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


class Snapshot(NamedTuple):
    """The downloaded files of one cached commit: path -> the real file, and problems met."""

    files: dict[str, Path]
    problems: list[tuple[str, str]]


def list_snapshot(storage: Path, commit: str) -> Snapshot:
    """Files under ``snapshots/<commit>``: links are followed only into the cache folder and
    only to regular files; at most MAX_FILES; no recursion (a 1,000-deep tree is a loop)."""
    folder = storage / "snapshots" / commit
    real_storage = storage.resolve()
    files: dict[str, Path] = {}
    problems: list[tuple[str, str]] = []
    if not folder.is_dir() or folder.is_symlink():
        return Snapshot(files, problems)
    pending = [(str(folder), "")]
    while pending:
        here, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError as exc:
            problems.append((prefix.rstrip("/") or ".", f"cannot list: {exc.strerror}"))
            continue
        for entry in entries:
            rel = prefix + entry.name
            if unsafe_name(rel) is not None:
                problems.append((shown_name(rel), "a file name in the Hub cache that is not "
                                                  "safe to use; skipped"))
                continue
            if len(files) >= MAX_FILES:
                problems.append((rel, f"stopped listing after {MAX_FILES} files"))
                return Snapshot(files, problems)
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, rel + "/"))
                continue
            try:
                real = Path(entry.path).resolve(strict=True)
                mode = real.stat().st_mode
            except (OSError, RuntimeError):
                problems.append((rel, "dangling link in the Hub cache"))
                continue
            if real_storage not in real.parents:
                problems.append((rel, "links outside the Hub cache; not followed"))
            elif not stat.S_ISREG(mode):
                problems.append((rel, "not a regular file (device, FIFO or socket); skipped"))
            else:
                files[rel] = real
    return Snapshot(files, problems)


# -- writing --------------------------------------------------------------------------------

def git_blob_id(data: bytes) -> str:
    """The git blob id of ``data``: what the Hub calls a small file's ETag."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - git's id


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".modellint-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def store_file(storage: Path, commit: str, path: str, data: bytes) -> Path:
    """Keep a fetched file in the cache as huggingface_hub lays it out (``blobs/<git blob id>``
    and a link from ``snapshots/<commit>/<path>``) and return the blob. Raises OSError when the
    cache cannot take it, ValueError for a name or commit that is not safe."""
    if not COMMIT.match(commit) or unsafe_name(path) is not None:
        raise ValueError(f"not a safe cache entry: {shown_name(path)!r}")
    real_storage = Path(os.path.realpath(storage))
    blobs = storage / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    blob = blobs / git_blob_id(data)
    if not _inside(Path(os.path.realpath(blob.parent)), real_storage):
        raise ValueError("the cache's blobs folder links elsewhere")
    if read_small(blob, len(data)) != data:
        _write_atomic(blob, data)
    root = storage / "snapshots" / commit
    link = root / path
    link.parent.mkdir(parents=True, exist_ok=True)
    # A folder on the way that is a link out of the snapshot (planted, or left by another tool)
    # is not written through.
    if not _inside(Path(os.path.realpath(link.parent)), Path(os.path.realpath(root))):
        raise ValueError(f"{shown_name(path)!r} would be written outside the cache snapshot")
    try:
        tmp = link.parent / f".modellint-{os.getpid()}-{blob.name}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(os.path.relpath(blob, link.parent))
        os.replace(tmp, link)
    except OSError:  # no symlinks here (some file systems): a copy does
        _write_atomic(link, data)
    return blob


def store_ref(storage: Path, revision: str, commit: str) -> None:
    """``refs/<revision>`` = commit (the revision was checked: no '..' segment, not absolute)."""
    if not COMMIT.match(commit) or unsafe_name(revision) is not None:
        return
    ref = storage / "refs" / revision
    ref.parent.mkdir(parents=True, exist_ok=True)
    if not _inside(Path(os.path.realpath(ref.parent)), Path(os.path.realpath(storage / "refs"))):
        return
    _write_atomic(ref, commit.encode("ascii"))


def store_tree(storage: Path, commit: str, entries: Mapping[str, TreeEntry]) -> None:
    """``trees/<commit>.json`` in huggingface_hub's format (version 1)."""
    if not COMMIT.match(commit):
        return
    files: dict[str, Any] = {}
    for name, e in entries.items():
        info: dict[str, Any] = {"size": e.size, "blob_id": e.blob_id}
        if e.lfs_sha256 is not None:
            info.update(lfs_sha256=e.lfs_sha256, lfs_size=e.lfs_size)
        files[name] = info
    folder = storage / "trees"
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format_version": 1, "files": files}, ensure_ascii=False, indent=1)
    _write_atomic(folder / f"{commit}.json", text.encode("utf-8"))


def newest_snapshot(storage: Path) -> str | None:
    """The most recently written snapshot's commit id (folders named by a commit id only)."""
    folder = storage / "snapshots"
    try:
        found = [e for e in os.scandir(folder)
                 if COMMIT.match(e.name) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return None
    found.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime)
    return found[-1].name if found else None
