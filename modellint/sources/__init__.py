"""Resolve a target string to a snapshot. The only layer that does I/O on the target.

Heavy clients (``huggingface_hub``, ``git``) are imported only when a target needs them, so a
local scan stays fast.
"""

import re
from typing import NamedTuple

from modellint.snapshot import Snapshot, SourceError

HF_URL = re.compile(r"^https?://(www\.)?huggingface\.co/", re.I)


class SourceOptions(NamedTuple):
    """How to open a target: git revision or index, Hub token, offline mode."""

    rev: str | None = None  # --rev: lint the tree of a commit
    staged: bool = False  # --staged: lint the git index
    since: str | None = None  # --since BASE: also compare BASE..HEAD
    token: str | None = None  # Hub token (never printed)
    offline: bool = False

    def __repr__(self) -> str:  # a traceback or a debug print must not show the token
        token = "'***'" if self.token else "None"
        return (f"SourceOptions(rev={self.rev!r}, staged={self.staged}, since={self.since!r}, "
                f"token={token}, offline={self.offline})")


def is_remote(target: str) -> bool:
    return target.startswith("hf://") or bool(HF_URL.match(target))


def open_target(target: str, options: SourceOptions | None = None) -> Snapshot:
    """Open ``target`` as a snapshot, or raise SourceError with one clear line."""
    options = options or SourceOptions()
    if is_remote(target):
        from modellint.sources import hf

        return hf.open_hub(target, options)
    if options.rev or options.staged or options.since:
        from modellint.sources import git

        return git.open_git(target, options)
    from modellint.sources import local

    hf_cache = _hf_cache_module(target)
    if hf_cache is not None:
        return hf_cache.open_cache_folder(target, options)
    return local.open_local(target)


def _hf_cache_module(target: str):  # type: ignore[no-untyped-def]
    name = target.rstrip("/").rsplit("/", 1)[-1]
    if not name.startswith("models--"):
        return None
    try:
        from modellint.sources import hf
    except ImportError:  # pragma: no cover - hf source is part of the package
        return None
    return hf


__all__ = ["SourceError", "SourceOptions", "is_remote", "open_target"]
