"""Settings written back as TOML (``--show-settings``, ``rule``'s options), so that what is shown
can be pasted into ``.modellint.toml``. The standard library reads TOML but does not write it; the
values here are only strings, numbers, booleans, lists and tables, so a few lines do instead of a
new dependency."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else json.dumps(name)


def value(v: Any) -> str:
    """One TOML value: JSON's string escapes are valid TOML basic-string escapes."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{key(str(k))} = {value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v) if isinstance(v, (set, frozenset)) else v
        return "[" + ", ".join(value(x) for x in items) + "]"
    return json.dumps(str(v))


def dumps(table: Mapping[str, Any], prefix: str = "") -> str:
    """A table: its plain keys first, then each sub-table as a ``[prefix.name]`` section."""
    lines = [f"{key(k)} = {value(v)}" for k, v in table.items()
             if not isinstance(v, Mapping) and v is not None]
    sections = []
    for k, v in table.items():
        if isinstance(v, Mapping):
            name = f"{prefix}.{key(k)}" if prefix else key(k)
            own = any(not isinstance(x, Mapping) for x in v.values()) or not v
            # A table holding only tables needs no header of its own: [rules.ML201] says it.
            sections.append((f"[{name}]\n" if own else "") + dumps(v, name))
    out = "\n".join(lines)
    if sections:
        out = (out + "\n\n" if out else "") + "\n\n".join(s.rstrip("\n") for s in sections)
    return out + "\n" if out else ""
