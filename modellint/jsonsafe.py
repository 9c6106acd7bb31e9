"""JSON from a target or a server, parsed into values that are safe to keep and to print.

``json.loads`` accepts ``"\\ud800"``: a lone surrogate, a string that no UTF-8 stream can hold,
so one such value in a config.json once made every JSON format abort half-written. And it
accepts structures nested hundreds of levels deep, which recursive code downstream (facts to
JSON, a walk over a config) then cannot take. ``loads`` replaces lone surrogates with U+FFFD and
refuses nesting deeper than ``max_depth`` with a ValueError that says so.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 100  # below the interpreter's recursion limit, with room for the code that walks it
# A lone surrogate can only come from a \\uD800-\\uDFFF escape in the text (UTF-8 cannot carry
# one): texts without such an escape and within the depth limit need no walk at all.
_ESCAPE = re.compile(r"\\[uU][dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class TooDeep(ValueError):
    """The JSON nests deeper than allowed."""


def clean(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def loads(data: str | bytes, *, max_depth: int | None = MAX_DEPTH) -> Any:
    """Parse ``data`` (bytes are UTF-8, a BOM allowed). Raises ValueError (json's, or TooDeep),
    UnicodeDecodeError. ``max_depth=None`` skips the depth check (for values only read flat,
    such as a weight header: its walk would cost as much as the parse)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep(f"nested more than {max_depth or 'a thousand'} levels deep") from None
    surrogates = _ESCAPE.search(text) is not None
    if not surrogates and max_depth is None:
        return value
    return _walk(value, surrogates, max_depth)


def _walk(value: Any, surrogates: bool, max_depth: int | None) -> Any:
    """The value, checked for depth and (when ``surrogates``) cleaned, without recursion."""
    if not isinstance(value, (dict, list)):
        return clean(value) if surrogates and isinstance(value, str) else value
    root: list[Any] = [value]
    # (container, depth) pairs still to visit; containers are fixed in place.
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if max_depth is not None and depth > max_depth:
            raise TooDeep(f"nested more than {max_depth} levels deep")
        if isinstance(node, dict):
            if surrogates and any(isinstance(k, str) and _SURROGATE.search(k) for k in node):
                items = [(clean(k), v) for k, v in node.items()]
                node.clear()
                node.update(items)
            for key, item in node.items():
                if isinstance(item, (dict, list)):
                    pending.append((item, depth + 1))
                elif surrogates and isinstance(item, str):
                    node[key] = clean(item)
        else:
            for i, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    pending.append((item, depth + 1))
                elif surrogates and isinstance(item, str):
                    node[i] = clean(item)
    return root[0]
