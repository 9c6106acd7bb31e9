"""A folder of TOML records read through a committed JSON copy of their parsed contents.

tomllib is pure Python: parsing the ~30 rule specs and ~100 license records costs ~10 ms per run,
JSON ~1 ms. The TOML files stay the source of truth: the copy (``_combined.json``, refreshed by
``python -m modellint.knowledge``) is keyed by a digest of them, and a stale copy is ignored.

A folder is a path (str or os.PathLike) or an importlib ``Traversable`` (a plugin's package data).
Paths are handled with ``os`` functions: importing pathlib would cost a pre-commit run ~3 ms.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

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
    return parse_records(directory)


def parse_records(directory: Any) -> dict[str, Any]:
    """File name -> record parsed from its TOML, sorted by name; RecordError names a bad file."""
    from modellint.tomlcompat import tomllib  # pure Python and slow to import: only when needed

    parsed = {}
    for name, read in _toml_files(directory):
        try:
            parsed[name] = tomllib.loads(read())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise RecordError(name, str(exc)) from None
    return parsed


def copied_records(directory: Any) -> dict[str, Any] | None:
    """File name -> parsed record for every ``*.toml`` in ``directory``, from the JSON copy; None
    when there is no copy or it is stale."""
    if isinstance(directory, (str, os.PathLike)):
        fresh = _fresh_copy(os.fspath(directory))
        if fresh is not None:
            return fresh
    try:
        cached = json.loads(_reader(directory, COMBINED)())
        if cached.get("digest") == _digest(directory):
            return cached["records"]  # type: ignore[no-any-return]
    except (OSError, ValueError, AttributeError):
        pass
    return None


def write_copy(directory: Any) -> Path:
    """Refresh the JSON copy after editing records; returns its path."""
    from pathlib import Path

    from modellint.tomlcompat import tomllib

    folder = os.fspath(directory)
    parsed = {name: tomllib.loads(read()) for name, read in _toml_files(folder)}
    out = os.path.join(folder, COMBINED)
    sizes = {name: os.path.getsize(os.path.join(folder, name)) for name in parsed}
    text = json.dumps({"digest": _digest(folder), "sizes": sizes, "records": parsed},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(text)
    return Path(out)


def _reader(directory: Any, name: str) -> Callable[[], str]:
    if isinstance(directory, (str, os.PathLike)):
        path = os.path.join(os.fspath(directory), name)

        def read() -> str:
            with open(path, encoding="utf-8") as fh:
                return fh.read()

        return read
    entry = directory / name
    return lambda: str(entry.read_text(encoding="utf-8"))


def _toml_files(directory: Any) -> list[tuple[str, Callable[[], str]]]:
    """(file name, reader) for every ``*.toml`` in ``directory``, sorted by name."""
    if isinstance(directory, (str, os.PathLike)):
        names = os.listdir(os.fspath(directory))
    else:
        names = [entry.name for entry in directory.iterdir()]
    return [(name, _reader(directory, name)) for name in sorted(names) if name.endswith(".toml")]


def _digest(directory: Any) -> str:
    import hashlib

    digest = hashlib.sha256()
    for name, read in _toml_files(directory):
        digest.update(name.encode() + b"\0" + read().encode() + b"\0")
    return digest.hexdigest()


def _fresh_copy(directory: str) -> dict[str, Any] | None:
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
