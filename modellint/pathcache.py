"""Real paths resolved once per lint.

Settings discovery, cache-folder detection and the local source each ask for the target's real
path, and ``os.path.realpath`` stats every component of it each time (3 of the ~5 resolutions a
lint of a clone made, ~50 us of its CPU). Within ``resolving_once`` (one target's lint) a path is
resolved once; outside it, ``real_path`` is ``os.path.realpath``. Per thread: the threads
executor lints several targets at once.
"""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()


def real_path(path: str) -> str:
    memo: dict[str, str] | None = getattr(_local, "memo", None)
    if memo is None:
        return os.path.realpath(path)
    found = memo.get(path)
    if found is None:
        found = memo[path] = os.path.realpath(path)
    return found


@contextmanager
def resolving_once() -> Iterator[None]:
    outer = getattr(_local, "memo", None)
    _local.memo = {} if outer is None else outer
    try:
        yield
    finally:
        _local.memo = outer
