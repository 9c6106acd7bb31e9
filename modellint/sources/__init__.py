"""Resolve a target string to a snapshot. The only layer that does I/O on the target.

Heavy clients (``huggingface_hub``, ``git``) are imported only when a target needs them, so a
local scan stays fast.
"""

import os
import re

from modellint.snapshot import Snapshot, SourceError
from modellint.sources.options import SourceOptions

HF_URL = re.compile(r"^https?://(www\.)?huggingface\.co/", re.I)


def is_remote(target: str) -> bool:
    return target.startswith("hf://") or bool(HF_URL.match(target))


# Snapshots opened to look inside a target (model discovery) and handed on to the run that lints
# it, so that a folder is not walked, nor a git index read, twice. Each is taken once.
_OPENED: dict[tuple[str, SourceOptions], Snapshot] = {}
MAX_OPENED = 16


def hand_on(target: str, options: SourceOptions, snapshot: Snapshot) -> None:
    """Keep ``snapshot`` for the next ``open_target(target, options)`` in this process."""
    if len(_OPENED) < MAX_OPENED:
        _OPENED[(target, options)] = snapshot


def open_target(target: str, options: SourceOptions | None = None) -> Snapshot:
    """Open ``target`` as a snapshot, or raise SourceError with one clear line. With ``--kind``
    the snapshot is that kind of repository (a model or a dataset), whatever its card says."""
    options = options or SourceOptions()
    snapshot = _open(target, options)
    if options.kind and snapshot.info.repo_type != options.kind:
        snapshot.info = snapshot.info._replace(repo_type=options.kind)
    return snapshot


def _open(target: str, options: SourceOptions) -> Snapshot:
    handed = _OPENED.pop((target, options), None)
    if handed is not None:
        return handed
    if is_remote(target):
        from modellint.sources import hf

        return hf.open_hub(target, options)
    # A cache folder is not a git work tree: --rev names one of its refs or snapshots.
    if not (options.staged or options.since) and is_hf_cache_folder(target):
        from modellint.sources import hf

        return hf.open_cache_folder(target, options)
    if options.rev or options.staged or options.since:
        from modellint.sources import git

        return git.open_git(target, options)
    from modellint.sources import local

    return local.open_local(target, inherit_top=options.inherit_top)


def is_hf_cache_folder(target: str) -> bool:
    # Resolved first: `.` inside models--org--name, or a link to one, is that cache folder
    # (datasets--org--name: a cached dataset).
    from modellint.pathcache import real_path

    try:
        real = real_path(target)
    except ValueError:  # a NUL in the name (from a targets file): the local source says so
        return False
    return os.path.basename(real).startswith(("models--", "datasets--"))


__all__ = ["SourceError", "SourceOptions", "is_hf_cache_folder", "is_remote", "open_target"]
