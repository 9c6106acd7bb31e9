"""What a base model's card says of its license: the record every base-model resolver returns.

Below the lineage facts that walk bases (``facts.lineage``) and the resolvers that read cards
elsewhere (the Hub source, the card indexes of ``modellint.cardindex``), so that none of them
imports another for it. A record module: no ``from __future__ import annotations`` (see
modellint/model.py).
"""

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

HUB_URL = re.compile(r"^https?://(www\.)?huggingface\.co/(?P<id>[\w.-]+/[\w.-]+)", re.I | re.A)


class ResolvedBase(NamedTuple):
    """What a resolver learnt about one base model: its card's license fields and its own bases."""

    model_id: str
    license: tuple[str, ...] = ()  # the card's `license` value(s), as written
    license_name: str | None = None
    license_link: str | None = None
    base_models: tuple[str, ...] = ()  # the base's own `base_model` entries (for the walk)
    source: str = "hub"  # "hub", "local", "table"
    error: str | None = None  # set when the resolver knows the base cannot be resolved (missing...)


def strings(value: Any) -> list[str]:
    """A card field's non-empty strings: the field is a string or a list of strings."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def hub_id(value: str) -> str:
    """Normalise a base reference: a Hub URL becomes ``org/name``; whitespace is dropped."""
    value = value.strip()
    m = HUB_URL.match(value)
    if m:
        return m.group("id").removesuffix(".git")
    return value.removeprefix("hf://")


def resolved_from_metadata(model_id: str, meta: Mapping[str, Any], source: str) -> ResolvedBase:
    """Build a ResolvedBase from a base card's front matter (shared with the Hub resolver)."""
    from modellint.licensing import card_license_values  # the card's own rules, cap included

    name = meta.get("license_name")
    link = meta.get("license_link")
    return ResolvedBase(
        model_id,
        license=tuple(card_license_values(meta)),
        license_name=name.strip() if isinstance(name, str) and name.strip() else None,
        license_link=link.strip() if isinstance(link, str) and link.strip() else None,
        base_models=tuple(hub_id(b) for b in strings(meta.get("base_model"))),
        source=source,
    )


def cached_license_of(cache: dict[Any, Any], limit: int, resolver: Any, ident: str) -> ResolvedBase:
    """``resolver.license_of(ident)`` through ``cache`` (at most ``limit`` entries, oldest out
    first), shared by base-model and dataset lookups; a resolver that raises yields a
    ResolvedBase with ``error`` set: a resolver bug must not take the scan down."""
    key = (getattr(resolver, "cache_key", type(resolver).__name__), ident.lower())
    if key not in cache:
        if len(cache) >= limit:
            del cache[next(iter(cache))]
        try:
            cache[key] = resolver.license_of(ident)
        except Exception as exc:
            cache[key] = ResolvedBase(ident, error=f"lookup failed: {type(exc).__name__}: {exc}")
    return cache[key]
