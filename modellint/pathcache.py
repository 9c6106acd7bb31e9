"""Real paths resolved once per lint, and their folders once per audit.

Settings discovery, cache-folder detection and the local source each ask for the target's real
path, and ``os.path.realpath`` stats every component of it each time (3 of the ~5 resolutions a
lint of a clone made, ~50 us of its CPU). Within ``resolving_once`` (one target's lint) a path is
resolved once; outside it, ``real_path`` is ``os.path.realpath``. Per thread: the threads
executor lints several targets at once.

An audit's targets are mostly siblings (``clones/org/name``): within ``remembering_folders`` the
real path of the folder a target sits in is resolved once for the whole audit, and each target
costs one ``lstat`` of its own name. The result is the same: ``realpath`` walks a path's
components in order, so the real path of ``folder/name`` is the real path of ``folder`` joined
with ``name``, resolved further only when ``name`` is itself a link.
"""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()
_folders: dict[str, str] | None = None  # folder -> its real path, during an audit
MAX_FOLDERS = 4096  # folders remembered; more are resolved each time


def real_path(path: str) -> str:
    memo: dict[str, str] | None = getattr(_local, "memo", None)
    if memo is None:
        return _resolve(path)
    found = memo.get(path)
    if found is None:
        found = memo[path] = _resolve(path)
    return found


def _resolve(path: str) -> str:
    folders = _folders
    # Only a normal absolute path ("." and ".." are resolved after the links before them, so a
    # path holding them is left to realpath whole).
    if folders is None or not path.startswith("/") or os.path.normpath(path) != path:
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    if not name:
        return os.path.realpath(path)
    real_folder = folders.get(folder)
    if real_folder is None:
        real_folder = os.path.realpath(folder)
        if len(folders) < MAX_FOLDERS:
            folders[folder] = real_folder
    joined = os.path.join(real_folder, name)
    return os.path.realpath(joined) if os.path.islink(joined) else joined


@contextmanager
def resolving_once() -> Iterator[None]:
    outer = getattr(_local, "memo", None)
    _local.memo = {} if outer is None else outer
    try:
        yield
    finally:
        _local.memo = outer


@contextmanager
def remembering_folders() -> Iterator[None]:
    """Within an audit: remember the real path of each folder targets sit in (worker processes
    forked inside inherit it)."""
    global _folders
    outer = _folders
    _folders = {} if outer is None else outer
    try:
        yield
    finally:
        _folders = outer
