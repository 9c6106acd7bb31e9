"""modellint's own cache directory: the only place outside ``--output`` that modellint writes.

``MODELLINT_CACHE_DIR`` when set (an empty value turns caching off), else the platform's user cache
folder: ``$XDG_CACHE_HOME/modellint`` or ``~/.cache/modellint`` on Linux and other POSIX systems,
``~/Library/Caches/modellint`` on macOS, ``%LOCALAPPDATA%\\modellint\\Cache`` on Windows.

Written by hand rather than with platformdirs: importing that costs a run ~15 ms (it pulls in
tempfile and random), a fifth of a whole pre-commit scan, for the few lines below.
"""

from __future__ import annotations

import os
import sys

ENV = "MODELLINT_CACHE_DIR"


def cache_dir() -> str | None:
    """An absolute folder for modellint's caches (it may not exist yet), or None for no cache."""
    override = os.environ.get(ENV)
    if override is not None:
        return os.path.abspath(override) if override else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "")
        return os.path.join(base, "modellint", "Cache") if os.path.isabs(base) else None
    home = os.path.expanduser("~")
    if sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches")
    else:  # the XDG base directory spec: a relative XDG_CACHE_HOME is to be ignored
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):
            base = os.path.join(home, ".cache")
    return os.path.join(base, "modellint") if os.path.isabs(base) else None


def write_whole(path: str, data: bytes) -> bool:
    """Write a cache file whole or not at all (a concurrent run reads either the old or the new
    file); False when it could not be written, which only costs the next run the work."""
    partial = f"{path}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(partial, "wb") as fh:
            fh.write(data)
        os.replace(partial, path)
        return True
    except (OSError, ValueError):
        try:
            os.unlink(partial)
        except OSError:
            pass
        return False
