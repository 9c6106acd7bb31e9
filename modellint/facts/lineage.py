"""Lineage facts: which base models a derivative declares, and what license each one carries.

Base models come from the card (`base_model`, `base_model_relation`), GGUF headers
(`general.base_model.N.*`) and PEFT `adapter_config.json` (`base_model_name_or_path`). Each base is
resolved to its license here, during fact extraction, so that checks stay pure: first through the
snapshot's resolver (the Hub source provides one; a local folder resolves bases given as local
paths), then, when that cannot answer, through the offline table `rules/data/base-models.toml`.
Resolution walks the base's own bases too, depth-limited and cycle-safe, cached for the run.

Beyond ``base_model``, the card's prose and the repository's name are read for bases they name
(``facts.lineage_text``: "fine-tuned from X", "a Llama 2 13B fine-tune", a repository named
``Llama-2-7b-chat-ft``). Declared bases stay the strongest evidence: when there are any, prose
only adds the Hub ids it names that the declared bases do not account for (``undeclared``, for
ML506); when there are none, the strongest prose or name evidence gives the bases, each marked
with what it rests on (``BaseModel.evidence``).

The lineage facts, for rules and for the audit's supply-chain table:

- ``Lineage.relation``: adapter | merge | quantized | finetune, declared (``base_model_relation``)
  or inferred (``relation_inferred``): several bases make a merge, an adapter config an adapter,
  a quantized name, tag or weight format a quantization, a prose phrase what it says;
- ``Lineage.bases``: every base (``depth`` 1 = a parent), with ``licenses`` (knowledge-base ids),
  ``source`` (which source gave the license: ``hub``, ``batch`` (another target of the same
  audit), ``index`` (the local card index), ``local`` (a folder next to the target), ``table``
  (the offline table)), and ``evidence`` (``declared``, or what a base not declared rests on:
  ``prose-link``, ``prose-name``, ``license-statement``, ``name``);
- ``Lineage.mentions``: every base the prose or the name names, declared or not;
- ``Lineage.undeclared``: the mentions that ``base_model`` does not declare.
"""

import os
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any, NamedTuple, Protocol

from modellint.facts.basecard import HUB_URL, ResolvedBase, cached_license_of, hub_id, resolved_from_metadata, strings
from modellint.facts.lineage_text import BaseMention

RELATIONS = ("adapter", "merge", "quantized", "finetune")
# Parents, grandparents, great-grandparents: enough for quantized fine-tunes of merges.
MAX_DEPTH = 3
MAX_BASES = 16  # a card listing hundreds of bases is noise; the rest is ignored (and said so)
_GGUF_BASE = re.compile(r"^general\.base_model\.(\d+)\.(name|organization|repo_url|url)$")


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
    # What the base rests on: "declared" (base_model, an adapter config, GGUF metadata, or an
    # ancestor a resolved base declares), else the kind of the prose or name mention.
    evidence: str = "declared"
    family: str | None = None  # the family a prose or name mention named (no Hub id)
    said: str | None = None  # the phrase a prose mention was read from

    @property
    def resolved(self) -> bool:
        return bool(self.licenses) and self.source is not None

    @property
    def declared(self) -> bool:
        return self.evidence == "declared"


class Lineage(NamedTuple):
    """The base models a model derives from, and how it relates to them."""

    relation: str | None = None  # adapter | merge | quantized | finetune, declared or inferred
    relation_inferred: bool = False
    bases: tuple[BaseModel, ...] = ()
    notes: tuple[str, ...] = ()
    mentions: tuple[BaseMention, ...] = ()  # bases the card's prose or the repository's name names
    undeclared: tuple[BaseMention, ...] = ()  # of those, the ones base_model does not declare

    @property
    def direct(self) -> tuple[BaseModel, ...]:
        return tuple(b for b in self.bases if b.depth == 1)

    @property
    def is_derivative(self) -> bool:
        return bool(self.bases)

    @property
    def declared_bases(self) -> tuple[BaseModel, ...]:
        return tuple(b for b in self.bases if b.declared)


# ---------------------------------------------------------------------------------------------
# Declared bases


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
        for value in strings(card.metadata.get("base_model")):
            add(hub_id(value), "card", card.path, card.key_lines.get("base_model"))
    for path, config in sorted(configs.items()):
        if path.rsplit("/", 1)[-1] == "adapter_config.json" and isinstance(config, Mapping):
            for value in strings(config.get("base_model_name_or_path")):
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
        m = HUB_URL.match(url)
        if m:
            out.append(m.group("id"))
        elif fields.get("organization") and fields.get("name"):
            out.append(f"{fields['organization']}/{fields['name']}".replace(" ", "-"))
        elif fields.get("name"):
            out.append(fields["name"].replace(" ", "-"))
    return out


# A re-upload in another format says so in its name: -GGUF, -AWQ, -GPTQ, -exl2, -bnb-4bit, -4bit,
# -FP8, -quantized.w4a16 (llm-compressor's weight/activation widths), -nf4, -hqq, -Q4_K_M.
_QUANT_NAME = re.compile(
    r"(^|[-_.\s])(gguf|ggml|gptq|awq|exl2|hqq|bnb|nf4|[2-8]bits?|int[248]|fp8|fp4|quantized"
    r"|w[2-8]a(?:8|16)|q[2-8](?:_k)?(?:_[a-z0-9]{1,3})?)([-_.\s]|$)", re.I | re.A)
_QUANT_TAGS = frozenset({"gguf", "ggml", "gptq", "awq", "exl2", "quantized", "4-bit", "8-bit",
                         "4bit", "8bit", "bitsandbytes", "fp8", "int4", "int8", "nf4", "hqq"})


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
    tags = card.metadata.get("tags") if card is not None else None
    if has_adapter_config or _is_adapter(card, tags):
        return "adapter", True
    if card is not None and card.metadata.get("quantized_by"):
        return "quantized", True  # the key llama.cpp and TheBloke-style cards use
    if quantized_hint or (isinstance(tags, list)
                          and _QUANT_TAGS.intersection(str(t).lower() for t in tags)):
        return "quantized", True
    return "finetune", True


# Tags and libraries the Hub and trainers give adapters (LoRA, LyCORIS, PEFT): the card of a
# LoRA says so even where the repository's adapter files are not seen (a card-only scan).
_ADAPTER_TAGS = frozenset({"lora", "peft", "lycoris", "qlora", "dora"})


def _is_adapter(card: Any, tags: Any) -> bool:
    if card is None:
        return False
    if str(card.metadata.get("library_name") or "").lower() == "peft":
        return True
    return isinstance(tags, list) and bool(_ADAPTER_TAGS.intersection(str(t).lower() for t in tags))


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
    from modellint.rulesdata import rules_data

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
    """Resolves bases written as paths (``./base``, ``models/base``) inside the scanned folder.
    Only the base's README.md front matter is read, bounded, from a regular file. A path that
    leaves the folder (``../x``, ``/etc``, ``~``) is never read: the card is the target's, and
    the target must not make modellint read elsewhere on the disk."""

    kind = "local"
    MAX_README = 256 * 1024

    def __init__(self, root: str) -> None:
        self.root = root
        self.cache_key = f"local:{root}"

    def license_of(self, model_id: str) -> ResolvedBase | None:
        if not model_id.startswith(("./", "../", "/", "~")):
            return None
        root = os.path.realpath(self.root)
        folder = os.path.realpath(os.path.join(root, model_id))
        if model_id.startswith("~") or not (folder == root or folder.startswith(root + os.sep)):
            return ResolvedBase(model_id, source="local",
                                error=f"{model_id}: a path outside the scanned folder; not read")
        data = _read_regular(os.path.join(folder, "README.md"), self.MAX_README)
        if isinstance(data, str):
            return ResolvedBase(model_id, source="local", error=f"{model_id}: {data}")
        from modellint.facts.card import parse_card

        text = data.decode("utf-8", "replace")
        return resolved_from_metadata(model_id, parse_card("README.md", text).metadata, "local")


def _read_regular(path: str, limit: int) -> bytes | str:
    """At most ``limit`` bytes of a regular file, or why not (never blocks on a FIFO)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return "no README.md there" if exc.errno == 2 else (exc.strerror or str(exc))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "its README.md is not a regular file"
        return os.read(fd, limit)
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# Resolution


_CACHE: dict[tuple[str, str], ResolvedBase | None] = {}
# Local resolvers are keyed by their folder, so an audit of a million folders would fill the
# cache without end: past this many entries the oldest goes (Hub and table answers are looked up
# again at worst).
CACHE_MAX = 10_000


def clear_cache() -> None:
    _CACHE.clear()


def _lookup(resolver: BaseModelResolver | None, model_id: str) -> ResolvedBase | None:
    if resolver is None:
        return None
    return cached_license_of(_CACHE, CACHE_MAX, resolver, model_id)


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
                    name: str | None = None, repo_id: str | None = None) -> Lineage:
    direct = declared_bases(card, configs, weights)
    mentions = tuple(_mentions(card, name, repo_id, len(direct)))
    has_adapter = any(p.rsplit("/", 1)[-1] == "adapter_config.json" for p in configs)
    quantized = looks_quantized(name, weights)
    if direct:
        relation, inferred = relation_of(card, len(direct), has_adapter, quantized)
        walked = _walk([(mid, where, path, line, 1) for mid, where, path, line in direct],
                       resolver, max_depth)
        # Only prose about a merge adds parents beside the declared ones ("a merge of A and B"
        # with base_model: A): elsewhere a base named in prose is mostly an ancestor the offline
        # table cannot see (Zephyr-Gemma's card names google/gemma-7b, its SFT base's base), or
        # a quantization's copy of its original's text.
        beside = _beside_declared(mentions, walked) if relation != "quantized" else ()
        return Lineage(relation, inferred, tuple(walked), mentions=mentions, undeclared=beside)
    evident = _evident(mentions)
    if not evident:
        return Lineage(mentions=mentions)
    relation, inferred = relation_of(card, len(evident), has_adapter, quantized)
    said = next((m.relation for m in evident if m.relation), None)
    if inferred and relation == "finetune" and said:
        relation = said  # the prose says which kind of derivative ("a merge of", "GGUF files for")
    bases: list[BaseModel] = []
    for m in evident:
        where = "name" if m.kind == "name" else "card-text"
        path = card.path if card is not None and m.line is not None else None
        if m.model_id is not None:
            walked = _walk([(m.model_id, where, path, m.line, 1)], resolver, max_depth,
                           {b.model_id.lower() for b in bases})
            bases.extend(b._replace(evidence=m.kind, said=m.text) if b.depth == 1 else b
                         for b in walked)
        else:
            bases.append(_family_base(m, where, path))
    return Lineage(relation, inferred, tuple(bases), mentions=mentions, undeclared=evident)


def _walk(queue: list[tuple[str, str, str | None, int | None, int]],
          resolver: BaseModelResolver | None, max_depth: int,
          seen: set[str] | None = None) -> list[BaseModel]:
    """Breadth-first: direct parents first, then their parents, never a model twice (cycle-safe)."""
    seen = set() if seen is None else seen
    bases: list[BaseModel] = []
    while queue:
        model_id, where, path, line, depth = queue.pop(0)
        if model_id.lower() in seen:
            continue
        seen.add(model_id.lower())
        base, parents = _resolve_one(model_id, where, path, line, depth, resolver)
        bases.append(base)
        if depth < max_depth:
            # A base card listing thousands of bases must not make the walk that long.
            queue.extend((p, f"base:{model_id}", None, None, depth + 1)
                         for p in parents[:MAX_BASES])
    return bases


# Words without which a card's prose names no base, and stems without which a name names no
# family (tests/test_lineage_sources.py holds the families to them): most scans of a small card
# never compile the lineage patterns at all.
_PROSE_TRIGGERS = ("tun", "based on", "built", "merge", "quant", "gguf", "ggml", "gptq", "awq",
                   "exl2", "mlx", "lora", "adapter", "derived", "trained", "initiali", "compl",
                   "subject to", "governed", "bound by", "inherit", "follow", "model:",
                   "model base", "model**:")
# Triggers that are a phrase of a word the prose scan finds: its places are where to look.
_TRIGGER_STEMS = {"based on": "based", "subject to": "subject", "bound by": "bound"}
NAME_STEMS = re.compile(r"llama|gemma|mi[sx]tral|codestral|qwen|flux|sdxl|stable|sd|solar|phi"
                        r"|falcon|starcoder", re.I | re.A)


def _mentions(card: Any, name: str | None, repo_id: str | None,
              declared: int = 0) -> list[BaseMention]:
    """Bases the prose and the name name, minus the repository itself: its own Hub id, and the
    family it is itself a release of (Meta's Llama 2 card names Llama 2). With one declared base,
    only a merge's prose could add one: the prose is read only when it speaks of a merge."""
    found: list[BaseMention] = []
    if card is not None and not card.metadata_error and card.prose:
        from modellint.facts.lineage_text import lowered, prose_mentions, prose_places

        low = lowered(card.prose)  # the statement scan reads it too
        if declared:
            if "merge" in low:
                found.extend(prose_mentions(card.prose, card.body_line, low))
        else:
            # The places the scan starts from say whether a trigger is there: most cards hold
            # one, and the scan then finds none of its words twice.
            places = prose_places(low)
            if _holds_trigger(low, places):
                found.extend(prose_mentions(card.prose, card.body_line, low, places))
    if name and not declared and NAME_STEMS.search(name):
        from modellint.facts.lineage_text import name_mention

        by_name = name_mention(name)
        if by_name is not None:
            found.append(by_name)
    own = (repo_id or "").lower()
    own_name = own.rsplit("/", 1)[-1] if own else (name or "").lower()
    # Only a family mention has a license its holder could hold.
    holder_of = _held_licenses(repo_id) if any(m.license is not None for m in found) else set()
    # What the card lists as its training data is data, however the prose introduces it
    # ("fine-tuned on `org/data`", "trained from scratch on `org/data`").
    data = {d.lower() for d in _card_datasets(card)}
    out = []
    for m in found:
        if m.model_id is not None and (m.model_id.lower() == own or (
                own_name and m.model_id.lower().rsplit("/", 1)[-1] == own_name and m.kind != "name")):
            continue  # a card's link to itself (or to its own original, for a mirror)
        if m.model_id is not None and m.model_id.lower() in data:
            continue
        if m.license is not None and m.license in holder_of:
            continue
        out.append(m)
    return out


def _card_datasets(card: Any) -> list[str]:
    if card is None or card.metadata_error:
        return []
    value = card.metadata.get("datasets")
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _holds_trigger(low: str, places: dict[str, list[int]]) -> bool:
    """Does the lower-cased prose hold one of _PROSE_TRIGGERS (``places``: the prose scan's)?"""
    for word in _PROSE_TRIGGERS:
        if word in places:
            if places[word]:
                return True
        elif word in _TRIGGER_STEMS:
            if any(low.startswith(word, at) for at in places[_TRIGGER_STEMS[word]]):
                return True
        elif word in low:
            return True
    return False


def _held_licenses(repo_id: str | None) -> set[str]:
    """Licenses whose holder this repository is (its organisation is among the record's holders),
    or that the table gives this very repository: their families are its own, not its bases."""
    if not repo_id or "/" not in repo_id:
        return set()
    from modellint.facts.lineage_text import families
    from modellint.knowledge import load_kb

    org = repo_id.split("/", 1)[0].lower()
    held = set(_by_holder(load_kb()).get(org, ()))
    entry = table_lookup(repo_id)
    if entry is not None:
        held.add(entry.license)
    # A family's own publisher (Stability AI naming SDXL in `sdxl-vae`) releases, not derives.
    held.update(f.license for f in families() if f.hub_id and f.hub_id.split("/")[0].lower() == org)
    return held


@lru_cache(maxsize=1)
def _by_holder(kb: Any) -> dict[str, tuple[str, ...]]:
    """Each holder's licenses (ids, in the knowledge base's order), indexed once per knowledge
    base rather than read through for every card that names a family."""
    index: dict[str, list[str]] = {}
    for lic in kb.all():
        for holder in dict.fromkeys(lic.holders):
            index.setdefault(holder, []).append(lic.id)
    return {holder: tuple(ids) for holder, ids in index.items()}


def _evident(mentions: tuple[BaseMention, ...]) -> tuple[BaseMention, ...]:
    """The bases a model without ``base_model`` evidently has: the Hub ids the prose names; else
    the families the prose names (by a relation phrase or a license statement); else the family
    its name names. A weaker kind is used only when no stronger one speaks."""
    for kinds in (("prose-link",), ("prose-name", "license-statement"), ("name",)):
        chosen = [m for m in mentions if m.kind in kinds]
        if chosen:
            families = {m.family for m in chosen if m.family}
            by_name = next((m.family for m in mentions if m.kind == "name"), None)
            if len(families) > 1 and by_name in families:
                # "ChatQA-1.5 is built on Llama-3, ChatQA-1.0 on Llama-2" in Llama3-ChatQA-1.5's
                # card: the repository's name says which of the families is its own.
                chosen = [m for m in chosen if m.family in (None, by_name)]
            # One family named several ways (prose and a license statement) is one base.
            out: dict[str, BaseMention] = {}
            for m in chosen:
                out.setdefault((m.model_id or m.family or "").lower(), m)
            return tuple(out.values())[:MAX_BASES]
    return ()


def _beside_declared(mentions: tuple[BaseMention, ...],
                     bases: list[BaseModel]) -> tuple[BaseMention, ...]:
    """Hub ids the prose names as bases that the declared bases do not account for: not one of
    them or their ancestors, not a copy of one (same name under another organisation)."""
    known = {b.model_id.lower() for b in bases}
    names = {k.rsplit("/", 1)[-1] for k in known}
    return tuple(m for m in mentions if m.kind == "prose-link" and m.model_id is not None
                 and m.relation == "merge"
                 and m.model_id.lower() not in known
                 and m.model_id.lower().rsplit("/", 1)[-1] not in names)


def _family_base(m: BaseMention, where: str, path: str | None) -> BaseModel:
    """A base known only by its family's name: its license is the family's, from the table."""
    return BaseModel(model_id=m.family or "?", declared_in=where, path=path, line=m.line,
                     licenses=(m.license,) if m.license else (), source="table" if m.license else None,
                     table_family=m.family, evidence=m.kind, family=m.family, said=m.text,
                     note=None if m.license else "the family's license is not known")


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
    elif getattr(resolver, "kind", "hub") == "offline":
        note = ("not looked up (offline: --offline, HF_HUB_OFFLINE or a Hub cache folder) and not "
                "in modellint's table of well-known base models")
    else:
        note = ("could not be looked up (the Hub was unreachable) and is not in modellint's table "
                "of well-known base models")
    parents = found.base_models if found is not None else ()
    return unresolved._replace(note=note), parents


class ChainResolver:
    """Resolvers asked in order (the snapshot's own, the audit's batch, the local card index): the
    first that knows the base's license answers. A base none of them knows keeps the first answer
    given (a missing or gated repository, a card without a license), else None, and lineage falls
    back to the offline table."""

    def __init__(self, resolvers: list[Any]) -> None:
        self.resolvers = resolvers
        self.kind = getattr(resolvers[0], "kind", "hub") if resolvers else "none"
        self.cache_key = "|".join(getattr(r, "cache_key", type(r).__name__) for r in resolvers)

    def license_of(self, model_id: str) -> ResolvedBase | None:
        first: ResolvedBase | None = None
        for resolver in self.resolvers:
            found = _lookup(resolver, model_id)
            if found is not None and found.error is None and found.license:
                return found
            if first is None and found is not None:
                first = found
        return first


def default_resolver(snapshot: Any, batch_index: str | None = None) -> BaseModelResolver | None:
    """The snapshot's own resolver (Hub sources provide ``base_model_resolver``; a local folder
    resolves bases given as paths next to it), then the audit's batch of targets, then the local
    card index when the user built one (``modellint index build``)."""
    resolvers: list[Any] = []
    own = getattr(snapshot, "base_model_resolver", None)
    if own is not None:
        resolvers.append(own)
    else:
        root = getattr(snapshot, "root", None)
        if root is not None:
            resolvers.append(LocalPathResolver(str(root)))
    from modellint.cardindex import default_index_path

    if batch_index:
        resolvers.append(_index(batch_index, "batch"))
    local = default_index_path()
    if local and os.path.isfile(local):
        resolvers.append(_index(local, "index"))
    if not resolvers:
        return None
    return resolvers[0] if len(resolvers) == 1 else ChainResolver(resolvers)


_INDEXES: dict[tuple[str, str], Any] = {}


def _index(path: str, kind: str) -> Any:
    """One CardIndex per file and kind in a process (it keeps a connection per thread)."""
    from modellint.cardindex import CardIndex

    key = (path, kind)
    if key not in _INDEXES:
        _INDEXES[key] = CardIndex(path, kind)
    return _INDEXES[key]
