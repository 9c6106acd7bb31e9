"""A folder of TOML records read through a committed JSON copy of their parsed contents.

tomllib is pure Python: parsing the ~30 rule specs and ~100 license records costs ~10 ms per run,
JSON ~1 ms. The TOML files stay the source of truth: the copy (``_combined.json``, refreshed by
``python -m modellint.knowledge``) is keyed by a digest of them, and a stale copy is ignored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

COMBINED = "_combined.json"


class RecordError(Exception):
    """A TOML record that does not parse; ``name`` is its file name."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def read_records(directory: Any) -> dict[str, Any]:
    """File name -> parsed record for every ``*.toml`` in ``directory``, sorted by name: from the
    JSON copy when it is fresh, else parsed (raise RecordError for a file that does not parse)."""
    copied = copied_records(directory)
    if copied is not None:
        return dict(sorted(copied.items()))
    from modellint.tomlcompat import tomllib  # pure Python and slow to import: only when needed

    parsed = {}
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            try:
                parsed[entry.name] = tomllib.loads(entry.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise RecordError(entry.name, str(exc)) from None
    return parsed


def copied_records(directory: Any) -> dict[str, Any] | None:
    """File name -> parsed record for every ``*.toml`` in ``directory`` (a Path or an importlib
    Traversable), from the JSON copy; None when there is no copy or it is stale."""
    if isinstance(directory, Path):
        fresh = _fresh_copy(directory)
        if fresh is not None:
            return fresh
    try:
        cached = json.loads((directory / COMBINED).read_text(encoding="utf-8"))
        if cached.get("digest") == _digest(directory):
            return cached["records"]  # type: ignore[no-any-return]
    except (OSError, ValueError, AttributeError):
        pass
    return None


def write_copy(directory: Path) -> Path:
    """Refresh the JSON copy after editing records."""
    from modellint.tomlcompat import tomllib

    parsed = {name: tomllib.loads(text) for name, text in _texts(directory)}
    out = directory / COMBINED
    sizes = {name: os.path.getsize(directory / name) for name in parsed}
    out.write_text(json.dumps({"digest": _digest(directory), "sizes": sizes, "records": parsed},
                              ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    return out


def _texts(directory: Any) -> list[tuple[str, str]]:
    return [(entry.name, entry.read_text(encoding="utf-8"))
            for entry in sorted(directory.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".toml")]


def _digest(directory: Any) -> str:
    import hashlib

    digest = hashlib.sha256()
    for name, text in _texts(directory):
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()


def _fresh_copy(directory: Path) -> dict[str, Any] | None:
    """The JSON copy, when every TOML record has the size the copy recorded and none is newer
    than it: saves reading and hashing every record on each run. An edited record is newer or of
    another size, and then the digest check takes over (the one edit missed keeps the size exactly
    and lands within two seconds of refreshing the copy; the suite's freshness tests catch it)."""
    try:
        copy = os.path.join(directory, COMBINED)
        newest_allowed = os.stat(copy).st_mtime + 2  # files unpacked together differ by ms
        with open(copy, encoding="utf-8") as fh:
            data = json.load(fh)
        sizes, records = data["sizes"], data["records"]
        names = sorted(n for n in os.listdir(directory) if n.endswith(".toml"))
        if names != sorted(sizes) or names != sorted(records):
            return None
        for name in names:
            st = os.stat(os.path.join(directory, name))
            if st.st_mtime > newest_allowed or st.st_size != sizes[name]:
                return None
    except (OSError, TypeError, ValueError, KeyError, AttributeError):
        return None
    return records if isinstance(records, dict) else None
