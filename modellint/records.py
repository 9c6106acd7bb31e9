"""Folders of TOML records (rule specs, license records, data tables), parsed once and cached.

tomllib is pure Python: parsing the ~30 rule specs and ~100 license records costs a run ~10 ms,
reading the same records from a ``marshal`` copy well under 1 ms (a third of what reading them as
JSON took). The TOML files are the only copy in the repository. The first run that reads a folder
keeps its parsed records (plain dicts, lists, strings, numbers) in modellint's cache directory
(``cachedir.cache_dir()``), never next to the records: an installed package may be read-only, and
a copy in the source tree would be a generated file that every edit rewrites.

A copy is used only while it is fresh. It records modellint's version, the folder's absolute path
and a stamp of the folder: each ``*.toml`` file's name, size, modification and change times (ns)
and inode. Editing, adding, removing or replacing a record changes the stamp, so the copy is
ignored and rewritten. File times are coarser than a nanosecond (a kernel tick, or a second or two
on some filesystems), so a record changed twice within one tick could keep its stamp: a copy is
only written once every record is ``SETTLE_NS`` old. The stamp is taken before the records are
read, so a record edited while it is being parsed leaves a copy that the next run finds stale.

Records a ``check`` accepted are what a copy holds: a run that reads a fresh copy need not check
them again. When the cache directory cannot be written (read-only home, no home), every run parses
the TOML files; nothing fails. A folder given as an importlib ``Traversable`` (a plugin's package
data that is not a plain folder) is parsed every time.

Paths are handled with ``os`` functions: importing pathlib would cost a pre-commit run ~3 ms.
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Callable
from typing import Any

from modellint import __version__
from modellint.cachedir import cache_dir, write_whole

FORMAT = 2  # of a cached copy; raise it when the layout below changes (2: marshal, not JSON)
SETTLE_NS = 2_000_000_000  # how old every record must be before its folder's copy is written


class RecordError(Exception):
    """A TOML record that does not parse; ``name`` is its file name."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


Check = Callable[[dict[str, Any]], None]


def read_records(directory: Any, check: Check | None = None) -> dict[str, Any]:
    """File name -> parsed record for every ``*.toml`` in ``directory``, sorted by name.

    From a fresh cached copy when there is one; else parsed (RecordError names a file that does
    not parse), passed to ``check`` (which raises to refuse them) and cached."""
    if not isinstance(directory, (str, os.PathLike)):
        records = parse_records(directory)
        if check is not None:
            check(records)
        return records
    folder = os.path.abspath(os.fspath(directory))
    stamp = _stamp(folder)
    copy = copy_path(folder)
    if stamp is not None and copy is not None:
        cached = _load(copy, folder, stamp)
        if cached is not None:
            return cached
    records = parse_records(folder)
    if check is not None:
        check(records)
    if stamp is not None and copy is not None and _settled(stamp):
        _store(copy, {"format": FORMAT, "version": __version__, "folder": folder,
                      "stamp": stamp, "records": records})
    return records


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


def copy_path(folder: str) -> str | None:
    """Where the cached copy of ``folder`` (an absolute path) lives; None without a cache.

    Named by the folder's device and inode, which tell folders apart without hashing their path
    (hashlib costs a run ~2 ms to import); the copy itself names the folder it was made from."""
    root = cache_dir()
    if root is None:
        return None
    try:
        st = os.stat(folder)
    except OSError:
        return None
    name = f"{os.path.basename(folder) or 'root'}-{st.st_dev:x}-{st.st_ino:x}.marshal"
    return os.path.join(root, "records", name)


def _stamp(folder: str) -> list[list[Any]] | None:
    """[name, size, mtime_ns, ctime_ns, inode] of every ``*.toml`` in ``folder``, by name."""
    try:
        with os.scandir(folder) as entries:
            found = [(entry.name, entry.stat()) for entry in entries if entry.name.endswith(".toml")]
    except OSError:
        return None
    return [[name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
            for name, st in sorted(found)]


def _settled(stamp: list[list[Any]]) -> bool:
    newest = max((max(mtime, ctime) for _, _, mtime, ctime, _ in stamp), default=0)
    return newest <= time.time_ns() - SETTLE_NS


def _load(copy: str, folder: str, stamp: list[list[Any]]) -> dict[str, Any] | None:
    try:
        with open(copy, "rb") as fh:
            data = marshal.loads(fh.read())
        if (type(data) is dict and data["format"] == FORMAT and data["version"] == __version__
                and data["folder"] == folder and data["stamp"] == stamp
                and isinstance(data["records"], dict)):
            return data["records"]  # type: ignore[no-any-return]
    except (OSError, ValueError, TypeError, KeyError, EOFError):
        pass  # missing, unreadable, torn or foreign: parse the records instead
    return None


def _store(copy: str, data: dict[str, Any]) -> None:
    """Write ``copy`` whole or not at all (a concurrent run reads either the old or the new
    file); a cache that cannot be written only costs the next run the parse."""
    try:
        blob = marshal.dumps(data)
    except ValueError:
        return  # a value marshal cannot hold (a TOML date): keep parsing this folder
    write_whole(copy, blob)


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
