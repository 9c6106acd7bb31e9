"""Indented JSON, the same bytes as ``json.dump(obj, out, indent=2, ensure_ascii=False)``, faster.

The standard library's C encoder does not indent (up to Python 3.13), so ``json.dump`` with
``indent`` runs the pure-Python encoder: a chain of generators yielding one piece at a time,
each written to the stream (1.8 million pieces for an audit of the 3,433 real cards, most of the
time the command spends after linting). This writes the same text with one loop per container,
strings escaped by the C escaper, pieces joined and written in blocks. Where ``json`` would call
``default`` (an object it cannot encode) this does too, at the same place.
"""

from __future__ import annotations

from collections.abc import Callable
from json.encoder import INFINITY, encode_basestring  # type: ignore[attr-defined]
from typing import Any, TextIO

_FLUSH = 65_536  # pieces gathered before they are written
_FLUSH_RAW = 64  # rendered entries (a few KB each) gathered before they are written


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


def _scalar(value: Any) -> str | None:
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

    def value_of(value: Any, level: int) -> None:
        if type(value) is Raw:
            pieces.append(value)
            if len(pieces) > _FLUSH_RAW:  # whole entries: written in small blocks, not joined
                out.write("".join(pieces))
                pieces.clear()
            return
        text = _scalar(value)
        if text is not None:
            pieces.append(text)
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
            pieces.append("{}")
            return
        marker = enter(value)
        newline = "\n" + " " * (indent * (level + 1))
        separator = "{"
        for key, item in value.items():
            pieces.append(separator + newline)
            pieces.append(str(encode_basestring(_key(key))) + ": ")
            value_of(item, level + 1)
            separator = ","
        pieces.append("\n" + " " * (indent * level) + "}")
        markers.discard(marker)
        if len(pieces) > _FLUSH:
            out.write("".join(pieces))
            pieces.clear()

    def sequence(value: list[Any] | tuple[Any, ...], level: int) -> None:
        if not value:
            pieces.append("[]")
            return
        marker = enter(value)
        newline = "\n" + " " * (indent * (level + 1))
        separator = "["
        for item in value:
            pieces.append(separator + newline)
            value_of(item, level + 1)
            separator = ","
        pieces.append("\n" + " " * (indent * level) + "]")
        markers.discard(marker)

    value_of(obj, level)
    out.write("".join(pieces))
