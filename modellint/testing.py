"""Helpers for rule authors' tests (built-in and plugins): build a repo, lint it, compare.

A case is a mapping of repository files to contents plus the exact findings expected; see
``tests/cases/README.md``.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from modellint.model import Finding


def write_repo(root: Path, files: Mapping[str, Any]) -> Path:
    """Create files under ``root``. A value is text, bytes, or a table:
    ``{base64 = "..."}`` for bytes, ``{sparse = N}`` for an N-byte sparse file (holes, no data),
    ``{symlink = "target"}`` for a symlink, ``{head = "...", repeat = "...", times = N, tail = "..."}``
    for a large text built from a repeated part (a 700 KB front matter in a few lines of TOML).
    """
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Mapping):
            if "symlink" in content:
                os.symlink(content["symlink"], path)
            elif "sparse" in content:
                with open(path, "wb") as fh:
                    prefix = base64.b64decode(content.get("base64", ""))
                    fh.write(prefix)
                    fh.truncate(int(content["sparse"]))
            elif "repeat" in content:
                path.write_text(str(content.get("head", "")) + str(content["repeat"])
                                * int(content.get("times", 1)) + str(content.get("tail", "")),
                                encoding="utf-8")
            elif "base64" in content:
                path.write_bytes(base64.b64decode(content["base64"]))
            else:
                raise ValueError(f"{rel}: unknown file spec {sorted(content)}")
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(str(content), encoding="utf-8")
    return root


def finding_tuple(f: Finding) -> tuple[str, str | None, int | None, str]:
    return (f.code, f.path, f.line, f.severity.value)


def expected_tuples(expect: Iterable[Mapping[str, Any]],
                    default_severity: Mapping[str, str]) -> list[tuple[str, str | None, int | None, str]]:
    out = []
    for e in expect:
        code = e["code"]
        out.append((code, e.get("path"), e.get("line"), e.get("severity", default_severity.get(code, ""))))
    return sorted(out, key=lambda t: (t[0], t[1] or "", t[2] or 0, t[3]))
