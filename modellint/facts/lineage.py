"""Lineage facts: which base models a derivative declares, and what license each one carries.

Base models come from the card (`base_model`, `base_model_relation`), GGUF headers
(`general.base_model.N.*`) and PEFT `adapter_config.json` (`base_model_name_or_path`). Each base is
resolved to its license here, during fact extraction, so that checks stay pure: first through the
snapshot's resolver (the Hub source provides one; a local folder resolves bases given as local
paths), then, when that cannot answer, through the offline table `rules/data/base-models.toml`.
Resolution walks the base's own bases too, depth-limited and cycle-safe, cached for the run.
"""

import os
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any, NamedTuple, Protocol

RELATIONS = ("adapter", "merge", "quantized", "finetune")
# Parents, grandparents, great-grandparents: enough for quantized fine-tunes of merges.
MAX_DEPTH = 3
MAX_BASES = 16  # a card listing hundreds of bases is noise; the rest is ignored (and said so)
_HUB_URL = re.compile(r"^https?://(www\.)?huggingface\.co/(?P<id>[\w.-]+/[\w.-]+)", re.I | re.A)
_GGUF_BASE = re.compile(r"^general\.base_model\.(\d+)\.(name|organization|repo_url|url)$")


class ResolvedBase(NamedTuple):
    """What a resolver learnt about one base model: its card's license fields and its own bases."""

    model_id: str
    license: tuple[str, ...] = ()  # the card's `license` value(s), as written
    license_name: str | None = None
    license_link: str | None = None
    base_models: tuple[str, ...] = ()  # the base's own `base_model` entries (for the walk)
    source: str = "hub"  # "hub", "local", "table"
    error: str | None = None  # set when the resolver knows the base cannot be resolved (missing...)


class BaseModelResolver(Protocol):
    """Looks up a base model's license. Returns None when it cannot tell (offline, unreachable):
    lineage then falls back to the offline table. Never raises for a missing or gated repo: it
    returns a ResolvedBase with ``error`` set."""

    def license_of(self, model_id: str) -> ResolvedBase | None: ...


class BaseModel(NamedTuple):
    """One base model of a derivative, with its license and how it was resolved."""

    model_id: str
    declared_in: str  # "card", "gguf", "adapter_config", or "base:<child id>" for ancestors
    path: str | None  # file that declares it (for the direct bases)
    line: int | None
    depth: int = 1  # 1 = a direct parent
    licenses: tuple[str, ...] = ()  # knowledge-base ids where known, else the values as written
    source: str | None = None  # where the license came from: "hub", "local", "table", or None
    table_family: str | None = None  # the offline-table entry used
    table_as_of: str | None = None
    note: str | None = None  # why the license is unknown

    @property
    def resolved(self) -> bool:
        return bool(self.licenses) and self.source is not None


class Lineage(NamedTuple):
    """The base models a model derives from, and how it relates to them."""

    relation: str | None = None  # adapter | merge | quantized | finetune, declared or inferred
    relation_inferred: bool = False
    bases: tuple[BaseModel, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def direct(self) -> tuple[BaseModel, ...]:
        return tuple(b for b in self.bases if b.depth == 1)

    @property
    def is_derivative(self) -> bool:
        return bool(self.bases)


# ---------------------------------------------------------------------------------------------
# Declared bases


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def hub_id(value: str) -> str:
    """Normalise a base reference: a Hub URL becomes ``org/name``; whitespace is dropped."""
    value = value.strip()
    m = _HUB_URL.match(value)
    if m:
        return m.group("id").removesuffix(".git")
    return value.removeprefix("hf://")


Declared = tuple[str, str, "str | None", "int | None"]  # (model id, declared_in, path, line)


def declared_bases(card: Any, configs: Mapping[str, Any], weights: Any) -> list[Declared]:
    """(model id, declared_in, path, line) for each distinct base, card first."""
    out: list[tuple[str, str, str | None, int | None]] = []
    seen: set[str] = set()

    def add(model_id: str, where: str, path: str | None, line: int | None) -> None:
        key = model_id.lower()
        if model_id and key not in seen and len(out) < MAX_BASES:
            seen.add(key)
            out.append((model_id, where, path, line))

    if card is not None:
        for value in _strings(card.metadata.get("base_model")):
            add(hub_id(value), "card", card.path, card.key_lines.get("base_model"))
    for path, config in sorted(configs.items()):
        if path.rsplit("/", 1)[-1] == "adapter_config.json" and isinstance(config, Mapping):
            for value in _strings(config.get("base_model_name_or_path")):
                add(hub_id(value), "adapter_config", path, None)
    for wf in weights:
        for model_id in gguf_bases(getattr(wf, "metadata", {}) or {}):
            add(model_id, "gguf", wf.path, None)
    return out


def gguf_bases(metadata: Mapping[str, Any]) -> list[str]:
    """Base ids from GGUF ``general.base_model.N.*``: the repo URL when it is a Hub URL, else
    ``organization/name`` as llama.cpp derives them from the Hub id."""
    parts: dict[int, dict[str, str]] = {}
    for key, value in metadata.items():
        m = _GGUF_BASE.match(str(key))
        if m and isinstance(value, str) and value.strip():
            parts.setdefault(int(m.group(1)), {})[m.group(2)] = value.strip()
    out = []
    for _, fields in sorted(parts.items()):
        url = fields.get("repo_url") or fields.get("url") or ""
        m = _HUB_URL.match(url)
        if m:
            out.append(m.group("id"))
        elif fields.get("organization") and fields.get("name"):
            out.append(f"{fields['organization']}/{fields['name']}".replace(" ", "-"))
        elif fields.get("name"):
            out.append(fields["name"].replace(" ", "-"))
    return out


_QUANT_NAME = re.compile(
    r"(^|[-_.\s])(gguf|ggml|gptq|awq|exl2|bnb|[2-8]bit|int[48]|fp8)([-_.\s]|$)", re.I | re.A)
_QUANT_TAGS = frozenset({"gguf", "ggml", "gptq", "awq", "exl2", "quantized", "4-bit", "8-bit"})


def relation_of(card: Any, n_bases: int, has_adapter_config: bool,
                quantized_hint: bool = False) -> tuple[str | None, bool]:
    """The declared relation, else the one the Hub would infer: several bases make a merge, an
    adapter config an adapter, quantized weights or a quantization name/tag a quantization."""
    if card is not None:
        value = card.metadata.get("base_model_relation")
        if isinstance(value, str) and value.strip().lower() in RELATIONS:
            return value.strip().lower(), False
    if n_bases == 0:
        return None, False
    if n_bases > 1:
        return "merge", True
    if has_adapter_config:
        return "adapter", True
    tags = card.metadata.get("tags") if card is not None else None
    if card is not None and card.metadata.get("quantized_by"):
        return "quantized", True  # the key llama.cpp and TheBloke-style cards use
    if quantized_hint or (isinstance(tags, list)
                          and _QUANT_TAGS.intersection(str(t).lower() for t in tags)):
        return "quantized", True
    return "finetune", True


def looks_quantized(name: str | None, weights: Any) -> bool:
    if name and _QUANT_NAME.search(name):
        return True
    return any(getattr(w, "format", None) == "gguf" for w in weights)


# ---------------------------------------------------------------------------------------------
# The offline table


class TableEntry(NamedTuple):
    """A family of well-known base models in the offline table, with its license."""

    family: str
    patterns: tuple[str, ...]  # full-match regexes over lower-cased Hub ids, each "org/..."
    license: str
    as_of: str
    source: str
    verified: bool

    def matches(self, model_id: str) -> bool:
        return any(_compiled(p).fullmatch(model_id) for p in self.patterns)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


@lru_cache(maxsize=1)
def base_model_table() -> dict[str, tuple[TableEntry, ...]]:
    """Table entries by the organisation their patterns start with. Every pattern names its org
    literally, so a lookup compiles only that org's few patterns (compiling all of them would cost
    a pre-commit run more than the rest of the lineage work)."""
    from modellint.registry import rules_data

    data = rules_data("base-models.toml")
    by_org: dict[str, list[TableEntry]] = {}
    for e in data.get("model", []):
        entry = TableEntry(e["family"], tuple(e["match"]), e["license"], str(e.get("as_of", "")),
                           e.get("source", ""), bool(e.get("verified", False)))
        for org in dict.fromkeys(p.split("/", 1)[0].lower() for p in entry.patterns):
            own = tuple(p for p in entry.patterns if p.split("/", 1)[0].lower() == org)
            by_org.setdefault(org, []).append(entry._replace(patterns=own))
    return {org: tuple(entries) for org, entries in by_org.items()}


def table_lookup(model_id: str) -> TableEntry | None:
    model_id = hub_id(model_id)
    org = model_id.split("/", 1)[0].lower()
    for entry in base_model_table().get(org, ()):
        if entry.matches(model_id):
            return entry
    return None


# ---------------------------------------------------------------------------------------------
# Local bases: a base given as a path next to the scanned folder, with its own card


class LocalPathResolver:
    """Resolves bases written as paths (``./base``, ``../llama-ft``, ``/models/x``) relative to the
    scanned folder. Only the base's README.md front matter is read (bounded, safe YAML)."""

    kind = "local"

    def __init__(self, root: str) -> None:
        self.root = root
        self.cache_key = f"local:{root}"

    def license_of(self, model_id: str) -> ResolvedBase | None:
        if not model_id.startswith(("./", "../", "/", "~")):
            return None
        folder = os.path.realpath(os.path.join(self.root, os.path.expanduser(model_id)))
        readme = os.path.join(folder, "README.md")
        if not os.path.isfile(readme):
            return ResolvedBase(model_id, source="local", error=f"{model_id}: no README.md there")
        try:
            with open(readme, "rb") as fh:
                text = fh.read(256 * 1024).decode("utf-8", "replace")
        except OSError as exc:
            reason = exc.strerror or str(exc)
            return ResolvedBase(model_id, source="local", error=f"{model_id}: {reason}")
        from modellint.facts.card import parse_card

        return resolved_from_metadata(model_id, parse_card("README.md", text).metadata, "local")


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
        base_models=tuple(hub_id(b) for b in _strings(meta.get("base_model"))),
        source=source,
    )


# ---------------------------------------------------------------------------------------------
# Resolution


_CACHE: dict[tuple[str, str], ResolvedBase | None] = {}


def clear_cache() -> None:
    _CACHE.clear()


def _lookup(resolver: BaseModelResolver | None, model_id: str) -> ResolvedBase | None:
    if resolver is None:
        return None
    key = (getattr(resolver, "cache_key", type(resolver).__name__), model_id.lower())
    if key not in _CACHE:
        try:
            _CACHE[key] = resolver.license_of(model_id)
        except Exception as exc:  # a resolver bug must not take the scan down; say so instead
            _CACHE[key] = ResolvedBase(
                model_id, error=f"lookup failed: {type(exc).__name__}: {exc}")
    return _CACHE[key]


def kb_ids(values: tuple[str, ...], license_name: str | None = None,
           license_link: str | None = None) -> tuple[str, ...]:
    """Knowledge-base ids for a base card's license values, read as the card of the scanned
    repository is (``other`` through its name or link); values not understood stay as written."""
    from modellint.licensing import parse_value

    fields = {"license_name": license_name, "license_link": license_link}
    out: list[str] = []
    for value in values:
        ids = [d.license.id for d in parse_value(value.strip(), fields) if d.license is not None]
        out.extend(ids or [value.strip()])
    return tuple(dict.fromkeys(out))


def resolve_lineage(card: Any, configs: Mapping[str, Any], weights: Any,
                    resolver: BaseModelResolver | None, max_depth: int = MAX_DEPTH,
                    name: str | None = None) -> Lineage:
    direct = declared_bases(card, configs, weights)
    if not direct:
        return Lineage()
    has_adapter = any(p.rsplit("/", 1)[-1] == "adapter_config.json" for p in configs)
    relation, inferred = relation_of(card, len(direct), has_adapter, looks_quantized(name, weights))
    bases: list[BaseModel] = []
    seen: set[str] = set()
    # Breadth-first: direct parents first, then their parents, never a model twice (cycle-safe).
    queue: list[tuple[str, str, str | None, int | None, int]] = [
        (mid, where, path, line, 1) for mid, where, path, line in direct]
    while queue:
        model_id, where, path, line, depth = queue.pop(0)
        if model_id.lower() in seen:
            continue
        seen.add(model_id.lower())
        base, parents = _resolve_one(model_id, where, path, line, depth, resolver)
        bases.append(base)
        if depth < max_depth:
            queue.extend((p, f"base:{model_id}", None, None, depth + 1) for p in parents)
    return Lineage(relation, inferred, tuple(bases))


def _resolve_one(model_id: str, where: str, path: str | None, line: int | None, depth: int,
                 resolver: BaseModelResolver | None) -> tuple[BaseModel, tuple[str, ...]]:
    found = _lookup(resolver, model_id)
    unresolved = BaseModel(model_id=model_id, declared_in=where, path=path, line=line, depth=depth)
    if found is not None and found.error is None and found.license:
        licenses = kb_ids(found.license, found.license_name, found.license_link)
        return unresolved._replace(licenses=licenses, source=found.source), found.base_models
    entry = table_lookup(model_id)
    if entry is not None:
        return unresolved._replace(licenses=(entry.license,), source="table",
                       table_family=entry.family, table_as_of=entry.as_of), ()
    if found is not None and found.error:
        note = found.error
    elif found is not None:
        note = "its model card declares no license"
    elif resolver is None or getattr(resolver, "kind", "hub") == "local":
        note = "not looked up (local scan) and not in modellint's table of well-known base models"
    else:
        note = ("could not be looked up (offline or unreachable) and is not in modellint's table "
                "of well-known base models")
    parents = found.base_models if found is not None else ()
    return unresolved._replace(note=note), parents


def default_resolver(snapshot: Any) -> BaseModelResolver | None:
    """The snapshot's own resolver (Hub sources provide ``base_model_resolver``), else one for
    bases given as local paths next to a scanned folder."""
    resolver = getattr(snapshot, "base_model_resolver", None)
    if resolver is not None:
        return resolver  # type: ignore[no-any-return]
    root = getattr(snapshot, "root", None)
    return LocalPathResolver(str(root)) if root is not None else None
