"""License policy configuration (``[tool.modellint.policy]``): allow / deny per component.

```toml
[tool.modellint.policy]
deny = ["non-commercial", "unknown"]      # every component
[tool.modellint.policy.code]
allow = ["permissive"]                    # code only
```

Entries are license ids (any spelling the knowledge base resolves, or a ``LicenseRef-``) or
category names. Precedence for one license of one component: the component's deny, then the
component's allow, then the top-level deny, then the allow lists (the component's when it has
one, else the top-level one): a license matched by no allow list that exists is denied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COMPONENTS = ("weights", "code", "data")
LIST_KEYS = ("allow", "deny")
# `open`: open terms for the component, as the openness judgement decides (modellint/openness.py).
CATEGORIES = ("non-commercial", "use-restricted", "copyleft", "permissive", "custom", "unknown", "open")


class PolicyError(ValueError):
    """A policy table that does not validate; the message names where (config turns it into a
    ConfigError)."""


def validate_policy(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    from modellint.suggest import did_you_mean

    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in LIST_KEYS:
            out[key] = _list(value, f"{where}.{key}")
        elif key in COMPONENTS:
            if not isinstance(value, dict):
                raise PolicyError(f"{where}.{key} must be a table with allow / deny")
            sub = {}
            for k, v in value.items():
                if k not in LIST_KEYS:
                    raise PolicyError(f"{where}.{key}: unknown key {k!r}{did_you_mean(k, LIST_KEYS)}")
                sub[k] = _list(v, f"{where}.{key}.{k}")
            out[key] = sub
        else:
            raise PolicyError(f"{where}: unknown key {key!r}{did_you_mean(key, LIST_KEYS + COMPONENTS)}")
    return out


def _list(value: Any, where: str) -> list[str]:
    from modellint.knowledge import load_kb
    from modellint.suggest import did_you_mean

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{where} must be a list of strings")
    kb = load_kb()
    out = []
    for item in (v.strip().lower() for v in value):
        name = item.removeprefix("category:")
        if name in CATEGORIES:
            out.append(name)
            continue
        lic = kb.resolve(item)
        if lic is not None:
            out.append(lic.id)
        elif item.startswith("licenseref-"):
            out.append(item)
        else:
            choices = list(CATEGORIES) + [known.id for known in kb.all()]
            raise PolicyError(f"{where}: {item!r} is neither a known license id nor a category "
                              f"({', '.join(CATEGORIES)}){did_you_mean(item, choices)}")
    return out


def merge_policy(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """A project's policy over a profile's: lists the project sets replace the profile's."""
    out: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for key, value in override.items():
        if isinstance(value, dict):
            out[key] = {**out.get(key, {}), **value}
        else:
            out[key] = value
    return out


def judge(policy: Mapping[str, Any], component: str, license_id: str | None,
          categories: frozenset[str]) -> str | None:
    """Why ``license_id`` is denied for ``component``, or None when it is allowed."""
    if not policy:
        return None
    keys = ({license_id} if license_id else set()) | set(categories)
    comp = policy.get(component, {})
    hit = keys.intersection(comp.get("deny", ()))
    if hit:
        return f"[policy.{component}] deny lists {_shown(hit)}"
    if keys.intersection(comp.get("allow", ())):
        return None
    hit = keys.intersection(policy.get("deny", ()))
    if hit:
        return f"the policy's deny list has {_shown(hit)}"
    if "allow" in comp:
        return f"it is not in [policy.{component}] allow"
    if "allow" in policy and not keys.intersection(policy["allow"]):
        return "it is not in the policy's allow list"
    return None


def _shown(hit: set[str]) -> str:
    return ", ".join(repr(h) for h in sorted(hit))
