"""License policy configuration (``[tool.modellint.policy]``): allow / deny per component."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COMPONENTS = ("weights", "code", "data")
LIST_KEYS = ("allow", "deny")


def validate_policy(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    from modellint.config import ConfigError, did_you_mean

    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in LIST_KEYS:
            out[key] = _list(value, f"{where}.{key}")
        elif key in COMPONENTS:
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{key} must be a table with allow / deny")
            sub = {}
            for k, v in value.items():
                if k not in LIST_KEYS:
                    raise ConfigError(f"{where}.{key}: unknown key {k!r}{did_you_mean(k, LIST_KEYS)}")
                sub[k] = _list(v, f"{where}.{key}.{k}")
            out[key] = sub
        else:
            raise ConfigError(f"{where}: unknown key {key!r}{did_you_mean(key, LIST_KEYS + COMPONENTS)}")
    return out


def _list(value: Any, where: str) -> list[str]:
    from modellint.config import ConfigError

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return [v.strip().lower() for v in value]
