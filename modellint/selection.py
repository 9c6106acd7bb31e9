"""Which rules run, and which findings a path-scoped ignore silences.

Codes, code prefixes and rule names are accepted. When a code matches both a select and an
ignore entry, the longer (more specific) entry wins, as in flake8 and ruff; a tie goes to ignore.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping


def _longest(code: str, entries: Iterable[str]) -> int:
    return max((len(e) for e in entries if code.startswith(e)), default=-1)


def is_selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    # Ties go to ignore: `select = ["ML1"]` with `ignore = ["ML1"]` runs nothing from ML1.
    return _longest(code, select) > _longest(code, ignore)


def path_ignored(code: str, path: str | None, per_path_ignores: Mapping[str, Iterable[str]]) -> str | None:
    """The glob that ignores ``code`` at ``path``, if any. Repo-level findings match '.'."""
    target = path or "."
    for glob, codes in per_path_ignores.items():
        if fnmatch.fnmatchcase(target, glob) or fnmatch.fnmatchcase(target, glob.rstrip("/") + "/*"):
            if any(code.startswith(c) for c in codes):
                return glob
    return None
