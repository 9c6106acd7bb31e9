"""License files a folder inherits from the top of the repository it sits in.

A model in `models/a/` of a repository with one LICENSE (and NOTICE) at its top is distributed
under that LICENSE: the layout says so. A folder that has no license file of its own inherits the
repository's; one without a NOTICE or a use policy of its own inherits those too. An inherited
file is listed under the path the folder sees it by (`../../LICENSE`), so findings point at the
real file and nothing pretends it sits in the folder.
"""

from __future__ import annotations

from collections.abc import Iterable

from modellint import classify as cls

INHERITED_ROLES = (cls.LICENSE, cls.NOTICE, cls.POLICY)
MAX_INHERITED = 64  # a repository top with more license files than this is not a layout


def _top_role(path: str) -> str | None:
    """The role of a file at a repository's top (or in its top-level LICENSES/ folder)."""
    parts = path.split("/")
    if len(parts) == 1 or (len(parts) == 2 and parts[0].lower() in ("licenses", "licences")):
        role = cls.classify(path).role
        return role if role in INHERITED_ROLES else None
    return None


def inherited(own_paths: Iterable[str], top_paths: Iterable[str], depth: int) -> list[tuple[str, str]]:
    """(path at the top, path as the folder sees it) for each top file to inherit: those of a role
    (license, notice, policy) that the folder has none of at its own top."""
    if depth <= 0:
        return []
    own_roles = {_top_role(p) for p in own_paths} - {None}
    up = "../" * depth
    out = []
    for path in sorted(top_paths):
        role = _top_role(path)
        if role is not None and role not in own_roles:
            out.append((path, up + path))
            if len(out) >= MAX_INHERITED:
                break
    return out


def top_relative(path: str) -> str:
    """An inherited file's path from the repository's top (`../../LICENSE` -> `LICENSE`)."""
    while path.startswith("../"):
        path = path[3:]
    return path
