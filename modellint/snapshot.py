"""The immutable view of a repository that every source produces and facts are read from.

A snapshot lists files with their sizes and git-lfs pointers, and reads bounded byte ranges. It is
the only thing the fact extractors touch, so a local folder, a git revision and a Hub repository
look the same to everything downstream.
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from modellint.classify import weight_format
from modellint.model import TargetInfo

LFS_SPEC_PREFIX = b"version https://git-lfs.github.com/spec/v1"
# A pointer file is a few short lines; the spec caps it well under 1 KiB.
LFS_POINTER_MAX = 1024
_LFS_OID = re.compile(rb"^oid sha256:([0-9a-f]{64})$", re.M)
_LFS_SIZE = re.compile(rb"^size (\d{1,20})$", re.M)


class SourceError(Exception):
    """The target cannot be opened at all (missing, gated, bad revision...): one line, exit 2."""


class FileReadError(Exception):
    """One file cannot be read; the scan goes on and the file becomes an ML901 finding."""


class LfsPointer(NamedTuple):
    """A git-lfs pointer: the object's hash and declared size."""

    oid: str
    size: int


class FileEntry(NamedTuple):
    """A file of the snapshot: path, size, and its git-lfs pointer if it is one."""

    path: str  # repo-relative, POSIX separators
    size: int
    lfs: LfsPointer | None = None


class SourceProblem(NamedTuple):
    """Something the source met while listing files (symlink loop, unreadable dir, FIFO...)."""

    path: str
    reason: str


def parse_lfs_pointer(data: bytes) -> LfsPointer | None:
    """Return the pointer described by ``data`` if it is a git-lfs pointer file, else ``None``."""
    if not data.startswith(LFS_SPEC_PREFIX) or len(data) > LFS_POINTER_MAX:
        return None
    oid = _LFS_OID.search(data)
    size = _LFS_SIZE.search(data)
    if not oid or not size:
        return None
    return LfsPointer(oid=oid.group(1).decode("ascii"), size=int(size.group(1)))


def lfs_pointer_of(path: str, size: int, read: Callable[[int], bytes]) -> LfsPointer | None:
    """The git-lfs pointer a listed file is, if it is one; ``read(n)`` gives its first n bytes.
    Only a small file with a weight file's name can stand in for weights: reading every small
    file of a repository to ask would be waste."""
    if size > LFS_POINTER_MAX or not weight_format(path):
        return None
    return parse_lfs_pointer(read(LFS_POINTER_MAX + 1))


# Starts of files read through ``read_head`` are kept up to this size (cards, license files).
HEAD_CACHE_MAX = 1024 * 1024 + 1


class Snapshot(ABC):
    """A listed repository. Subclasses implement the two bounded reads."""

    # Why the listing may lack some of the repository's files (a Hub cache snapshot without its
    # tree: only what was downloaded; a walk cut at the file limit); None when it is complete.
    # Where it is set, a file's absence proves nothing.
    listing_gap: str | None = None
    # Files listed but not readable, and why (a gated repository without access): facts do not
    # read them, rules that need their contents are not run, and the report says what was not
    # read. Empty for a fully readable target.
    withheld: Mapping[str, str] = MappingProxyType({})

    def __init__(self, info: TargetInfo, files: tuple[FileEntry, ...],
                 problems: tuple[SourceProblem, ...] = (), trusted: bool = True,
                 changed_paths: tuple[str, ...] | None = None) -> None:
        self.info = info
        self.files = files
        self.problems = problems
        # Local and git targets belong to the person running modellint: their config and
        # suppressions apply. Remote targets are someone else's and are never trusted.
        self.trusted = trusted
        # Paths changed in a git range (``--since``) or in the index; None when not known.
        self.changed_paths = changed_paths
        self._index = {f.path: f for f in files}
        self._heads: dict[str, bytes] = {}  # path -> the start read by read_head, kept

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.info.target!r}, {len(self.files)} files)"

    def file(self, path: str) -> FileEntry | None:
        return self._index.get(path)

    def read_head(self, path: str, limit: int) -> bytes:
        """``read_bytes``, remembered: a file whose start was read once (model discovery peeks
        at a card, then facts read it) is not read again when the start read covers the request."""
        held = self._heads.get(path)
        entry = self._index.get(path)
        if held is not None and (len(held) >= limit or entry is not None and len(held) >= entry.size):
            return held[:limit]
        data = self.read_bytes(path, limit)
        if limit <= HEAD_CACHE_MAX:
            self._heads[path] = data
        return data

    @abstractmethod
    def read_bytes(self, path: str, limit: int) -> bytes:
        """Return at most ``limit`` bytes from the start of ``path`` (raise FileReadError)."""

    @abstractmethod
    def read_range(self, path: str, start: int, end: int) -> bytes:
        """Return bytes ``[start, end)`` of ``path`` (fewer at EOF; raise FileReadError)."""


class MemorySnapshot(Snapshot):
    """A snapshot over an in-memory mapping; used by rule tests and by sources that prefetch."""

    def __init__(
        self,
        info: TargetInfo,
        contents: dict[str, bytes],
        *,
        problems: tuple[SourceProblem, ...] = (),
        trusted: bool = True,
        changed_paths: tuple[str, ...] | None = None,
        sizes: dict[str, int] | None = None,
    ) -> None:
        self._contents = contents
        entries = []
        for path in sorted(contents):
            data = contents[path]
            size = (sizes or {}).get(path, len(data))
            entries.append(FileEntry(path, size, parse_lfs_pointer(data[:LFS_POINTER_MAX + 1])))
        super().__init__(info, tuple(entries), problems, trusted, changed_paths)

    def read_bytes(self, path: str, limit: int) -> bytes:
        try:
            return self._contents[path][:limit]
        except KeyError:
            raise FileReadError(f"{path}: no such file") from None

    def read_range(self, path: str, start: int, end: int) -> bytes:
        try:
            return self._contents[path][start:end]
        except KeyError:
            raise FileReadError(f"{path}: no such file") from None
