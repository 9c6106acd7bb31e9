"""Indented JSON, the same bytes as ``json.dump(obj, out, indent=2, ensure_ascii=False)``, faster.

The standard library's C encoder does not indent (up to Python 3.13), so ``json.dump`` with
``indent`` runs the pure-Python encoder: a chain of generators yielding one piece at a time,
each written to the stream (1.8 million pieces for an audit of the 3,433 real cards, most of the
time the command spends after linting). This writes the same text with one loop per container,
strings escaped by the C escaper, pieces joined and written in blocks; a container of scalars
only is written by one call of the C encoder. Where ``json`` would call ``default`` (an object
it cannot encode) this does too, at the same place.
"""

from __future__ import annotations

from collections.abc import Callable
from json.encoder import INFINITY, encode_basestring  # type: ignore[attr-defined]
from typing import Any, TextIO

try:
    from json.encoder import c_make_encoder  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python built without the _json accelerator
    c_make_encoder = None

_FLUSH = 65_536  # pieces gathered before they are written
_FLUSH_RAW = 64  # rendered entries (a few KB each) gathered before they are written
# Values of these exact types the C encoder writes as json's Python encoder does (subclasses,
# such as enums, take the general path).
_FLAT = frozenset({str, int, float, bool, type(None)})


class Raw(str):
    """JSON text already laid out for where it goes (written by ``indented`` at the level of the
    place it fills): written as it stands. An audit's workers render each target's part of the
    report this way, in parallel, so that the one writer only joins them."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == INFINITY:
        return "Infinity"
    if value == -INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def scalar_text(value: Any) -> str | None:
    """The text of a value that is no container, or None (in ``json``'s order of checks)."""
    if isinstance(value, str):
        return str(encode_basestring(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


_FLAT_WRITERS: dict[tuple[int, int], Callable[[Any, int], Any]] = {}  # (indent, level) -> encoder


def flat_text(value: Any, level: int, indent: int = 2) -> str | None:
    """The text of a non-empty container of scalars only (most of a report: evidence, a
    finding's data, license lists) at ``level``, or None for anything else. One call of the C
    encoder, told to separate items with the newline and indent of their level, writes between
    its brackets what json writes, with no Python call per value."""
    if not value or c_make_encoder is None:
        return None
    kind = type(value)
    if kind is dict:
        if not (_FLAT.issuperset(map(type, value.values())) and all(type(k) is str for k in value)):
            return None
        brackets = "{}"
    elif kind is list or kind is tuple:
        if not _FLAT.issuperset(map(type, value)):
            return None
        brackets = "[]"
    else:
        return None
    write = _FLAT_WRITERS.get((indent, level))
    if write is None:
        write = _FLAT_WRITERS[(indent, level)] = c_make_encoder(
            None, None, encode_basestring, None, ": ", ",\n" + " " * (indent * (level + 1)),
            False, False, True)
    body = "".join(write(value, 0))
    return (brackets[0] + "\n" + " " * (indent * (level + 1)) + body[1:-1]
            + "\n" + " " * (indent * level) + brackets[1])


def indented(obj: Any, level: int, indent: int = 2,
             default: Callable[[Any], Any] | None = None) -> Raw:
    """The text ``dump_indented`` writes for ``obj`` where it sits ``level`` containers deep."""
    from io import StringIO

    out = StringIO()
    dump_indented(obj, out, indent, default, level)
    return Raw(out.getvalue())


def dump_indented(obj: Any, out: TextIO, indent: int = 2,
                  default: Callable[[Any], Any] | None = None, level: int = 0) -> None:
    """``json.dump(obj, out, indent=indent, ensure_ascii=False, default=default)``; ``level``:
    the depth ``obj`` sits at, for text to be placed inside a larger document (``Raw``)."""
    pieces: list[str] = []
    markers: set[int] = set()

    def fallback(value: Any) -> Any:
        if default is None:
            raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")
        return default(value)

    def enter(value: Any) -> int:
        marker = id(value)
        if marker in markers:
            raise ValueError("Circular reference detected")
        markers.add(marker)
        return marker

    append = pieces.append
    newlines: list[str] = []  # "\n" and the indent of each level, made once

    def newline(level: int) -> str:
        while len(newlines) <= level:
            newlines.append("\n" + " " * (indent * len(newlines)))
        return newlines[level]

    # The same flat container met again at the same level (a license picture lists one piece of
    # evidence under each part it speaks for) is written from the first time's text; it is kept
    # referenced so that its id cannot be reused during the dump.
    written: dict[int, tuple[Any, int, str]] = {}

    def flat(value: dict[str, Any] | list[Any] | tuple[Any, ...], level: int) -> str | None:
        known = written.get(id(value))
        if known is not None and known[1] == level:
            return known[2]
        text = flat_text(value, level, indent)
        if text is not None:
            written[id(value)] = (value, level, text)
        return text

    def value_of(value: Any, level: int) -> None:
        if type(value) is Raw:
            append(value)
            if len(pieces) > _FLUSH_RAW:  # whole entries: written in small blocks, not joined
                out.write("".join(pieces))
                pieces.clear()
            return
        text = scalar_text(value)
        if text is not None:
            append(text)
        elif isinstance(value, dict):
            mapping(value, level)
        elif isinstance(value, (list, tuple)):
            sequence(value, level)
        else:
            marker = enter(value)
            value_of(fallback(value), level)
            markers.discard(marker)

    def mapping(value: dict[Any, Any], level: int) -> None:
        if not value:
            append("{}")
            return
        text = flat(value, level)
        if text is not None:
            append(text)
            return
        marker = enter(value)
        inner = newline(level + 1)
        separator = "{" + inner
        for key, item in value.items():
            name = encode_basestring(key if type(key) is str else _key(key))
            # Strings and null inline, as one piece: a call per value was most of the time.
            kind = type(item)
            if kind is str:
                append(f"{separator}{name}: {encode_basestring(item)}")
            elif item is None:
                append(f"{separator}{name}: null")
            else:
                append(f"{separator}{name}: ")
                if kind is dict:
                    mapping(item, level + 1)
                elif kind is list:
                    sequence(item, level + 1)
                else:
                    value_of(item, level + 1)
            separator = "," + inner
        append(newline(level) + "}")
        markers.discard(marker)
        if len(pieces) > _FLUSH:
            out.write("".join(pieces))
            pieces.clear()

    def sequence(value: list[Any] | tuple[Any, ...], level: int) -> None:
        if not value:
            append("[]")
            return
        text = flat(value, level)
        if text is not None:
            append(text)
            return
        marker = enter(value)
        inner = newline(level + 1)
        separator = "[" + inner
        for item in value:
            append(separator)
            if type(item) is dict:
                mapping(item, level + 1)
            else:
                value_of(item, level + 1)
            separator = "," + inner
        append(newline(level) + "]")
        markers.discard(marker)

    value_of(obj, level)
    out.write("".join(pieces))
