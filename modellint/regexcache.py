"""Compiled regular expressions kept between runs of the ``modellint`` command.

Compiling a pattern means parsing it and generating its matcher program in pure Python (the
``re`` module's parser and compiler); only matching runs in C. A pre-commit run compiles ~160
patterns (modellint's own, PyYAML's, click's): a third of the instructions of the whole process.
The program a pattern compiles to depends only on the pattern, its flags and the interpreter, so
the command keeps every program it compiled in modellint's cache directory, and later runs hand
the stored program straight to the regular-expression engine (``_sre.compile``, what ``re``
itself ends with), skipping the parse.

Safety and equality:
- a stored program is used only by the interpreter build that wrote it (``sys.version`` and the
  engine's ``MAGIC`` name the file and are checked inside it); the engine validates every program
  it is given, and any error falls back to compiling;
- a program is what ``re``'s own compile generated for the pattern (its code generator is
  wrapped to keep what it returns), stored only after the pattern rebuilt from it compared equal
  to the one ``re`` compiled (``Pattern.__eq__`` compares the pattern, its flags and its program
  word for word); a first run costs little more than compiling;
- only ``str`` patterns without ``re.DEBUG`` are kept; anything else goes to ``re`` untouched.

The file is a ``marshal`` dump of plain values (the format of the interpreter's own ``.pyc``
caches, ~3x faster to read than JSON here). It is written once at exit when the run compiled
something new, whole or not at all, and holds at most ``MAX_PATTERNS`` patterns in ``MAX_BYTES``:
past that, only those this run used are kept, so patterns built from one target's settings cannot
pile up; a file larger than that is not read. The file is named by the interpreter's version, so
two Pythons sharing a cache keep a file each instead of overwriting each other's. A pattern
compiles to the same program whichever modellint asked for it, so the file outlives upgrades.

Only the command installs this (``entry.main``): a program importing modellint as a library keeps
its ``re`` as it is. ``MODELLINT_CACHE_DIR=`` (empty) turns it off with the other caches.
"""

from __future__ import annotations

import _sre
import marshal
import os
import sys
from _thread import get_ident
from array import array
from typing import Any

try:  # Python 3.11 and later
    from re import _compiler  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler  # type: ignore[no-redef]

FORMAT = 1  # of the file; raise it when the layout below changes
MAX_PATTERNS = 4096
MAX_PATTERN_CHARS = 4_000  # longer patterns (built from some input) are compiled every time
MAX_BYTES = 4 * 1024 * 1024  # a larger file is neither read nor written (modellint's own: ~0.2 MB)
_DEBUG = 128  # re.DEBUG

# (pattern, flags) -> (final flags, program as bytes, groups - 1, group index, index group)
Program = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]


class _State:
    def __init__(self, path: str | None, programs: dict[tuple[str, int], Program]) -> None:
        self.path = path
        self.programs = programs
        self.new: dict[tuple[str, int], Program] = {}
        self.used: set[tuple[str, int]] = set()


_state: _State | None = None
_original: Any = None
_original_code: Any = None
# What re's compiler parsed and generated for the pattern a thread is compiling, kept by the
# _code hook: a pattern compiled anew is stored without being parsed a second time.
_seen: dict[int, list[Any]] = {}


def install() -> None:
    """Route the ``re`` module's compiles through the stored programs (once per process)."""
    global _state, _original, _original_code
    if _state is not None or _original is not None:
        return
    path = _cache_path()
    _state = _State(path, _load(path) if path else {})
    _original = _compiler.compile
    _original_code = _compiler._code
    _compiler.compile = _compile
    _compiler._code = _code_hook


def _code_hook(parsed: Any, flags: int) -> Any:
    code = _original_code(parsed, flags)
    seen = _seen.get(get_ident())
    if seen is not None and not seen:
        seen.append((parsed, code))
    return code


def _compile(p: Any, flags: int = 0) -> Any:
    state = _state
    if type(p) is not str or flags & _DEBUG or state is None:
        return _original(p, flags)
    key = (p, flags)
    stored = state.programs.get(key)
    if stored is not None:
        try:
            pattern = _build(p, stored)
        except Exception:  # noqa: BLE001 - a program the engine refuses: compile it anew
            state.programs.pop(key, None)
        else:
            state.used.add(key)
            return pattern
    if state.path is None or len(state.new) >= MAX_PATTERNS or len(p) > MAX_PATTERN_CHARS:
        return _original(p, flags)
    seen: list[Any] = []
    _seen[get_ident()] = seen
    try:
        pattern = _original(p, flags)
    finally:
        del _seen[get_ident()]
    if seen:
        parsed, code = seen[0]
        program = _program(parsed, code, flags)
        if program is not None and _build(p, program) == pattern:
            if not state.new:
                import atexit

                atexit.register(_save)
            state.new[key] = program
            state.used.add(key)
    return pattern


def _build(p: str, program: Program) -> Any:
    flags, code, groups, groupindex, indexgroup = program
    return _sre.compile(p, flags, _words(code), groups, groupindex, indexgroup)


def _words(code: bytes) -> list[int]:
    words = array(_TYPECODE)
    words.frombytes(code)
    return words.tolist()


def _typecode() -> str:
    return next(t for t in "IL" if array(t).itemsize == _sre.CODESIZE)


_TYPECODE = _typecode()


def _program(parsed: Any, code: list[int], flags: int) -> Program | None:
    """What ``re``'s compiler hands the engine for a pattern it parsed and generated ``code``
    for (the same steps as its ``compile``, kept as values)."""
    try:
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        return (flags | parsed.state.flags, array(_TYPECODE, code).tobytes(),
                parsed.state.groups - 1, groupindex, tuple(indexgroup))
    except Exception:  # noqa: BLE001 - an interpreter whose compiler differs: keep compiling
        return None


def _cache_path() -> str | None:
    from modellint.cachedir import cache_dir

    root = cache_dir()
    if root is None:
        return None
    tag = sys.implementation.cache_tag or sys.implementation.name
    return os.path.join(root, "regex", f"{tag}-{sys.hexversion:x}-{_sre.MAGIC}.marshal")


def _header() -> tuple[Any, ...]:
    return (FORMAT, sys.version, sys.hexversion, _sre.MAGIC, _sre.CODESIZE)


def _load(path: str) -> dict[tuple[str, int], Program]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return {}  # not written by this module: compile, and write a new one
        data = marshal.loads(raw)
        if type(data) is tuple and len(data) == 2 and data[0] == _header() and type(data[1]) is dict:
            return data[1]
    except (OSError, ValueError, EOFError, TypeError):
        pass  # missing, torn or foreign: compile, and write a new one
    return {}


def _save() -> None:
    """Write what is stored plus what this run compiled, whole or not at all."""
    state = _state
    if state is None or state.path is None or not state.new:
        return
    programs = {**state.programs, **state.new}
    try:
        data = marshal.dumps((_header(), programs))
        if len(programs) > MAX_PATTERNS or len(data) > MAX_BYTES:
            used = [(k, v) for k, v in programs.items() if k in state.used]
            data = marshal.dumps((_header(), dict(used[:MAX_PATTERNS])))
            if len(data) > MAX_BYTES:
                return
    except ValueError:
        return
    from modellint.cachedir import write_whole

    write_whole(state.path, data)
