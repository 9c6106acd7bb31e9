"""Dataset facts and data lineage: which datasets a repository names, and under which licenses.

Two lists of datasets are read from cards:

- a dataset card's ``source_datasets`` (``original``; ``extended|squad``; a Hub id): the datasets
  this one was made from, whose terms its own license must respect (ML701-ML704);
- a model card's ``datasets``: the data the model was trained on, whose terms a person releasing
  or using the model should know (ML705), even though their effect on weights is unsettled law.

Each dataset is resolved to its license the way lineage resolves a base model's: the snapshot's
resolver (a Hub source asks the Hub for the dataset's card data, one request each, bounded), the
audit's batch of targets, the local card index (``modellint index build``), then the offline table
of well-known datasets in ``rules/data/datasets.toml``, whose every entry was read in the dataset's
own card. A dataset none of them knows stays unresolved, and says why: nothing is guessed.

A dataset repository's data files are listed and classified by name (``modellint.datafiles``).
Record module: no ``from __future__ import annotations`` (see modellint/model.py).
"""

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from modellint.datafiles import DataFile

MAX_DATASETS = 32  # datasets resolved per target; a card listing hundreds is noise past these
MAX_DATA_FILES = 10_000  # data files kept in the facts (all are counted)
_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$")
_DATASET_URL = re.compile(
    r"^(?:https?://(?:www\.)?huggingface\.co/|hf://)?datasets/(?P<id>[\w.-]{1,96}(?:/[\w.-]{1,96})?)"
    r"(?:/(?:tree|blob|resolve)/[^\s]{0,200})?/?$", re.I | re.A)
# `source_datasets` values of the Hub's dataset card schema that name no dataset.
_NO_SOURCE = frozenset({"original", "extended", "other", "unknown", "none", "n/a"})


class DatasetRef(NamedTuple):
    """One dataset a card names (a source of a dataset, or a model's training data), resolved."""

    value: str  # as written in the card
    dataset_id: str | None  # the Hub id (or canonical name) it names; None when it names none
    field: str  # the card field: "source_datasets" or "datasets"
    path: str | None
    line: int | None
    relation: str | None = None  # source_datasets' prefix ("extended" in `extended|squad`)
    licenses: tuple[str, ...] = ()  # knowledge-base ids where known, else the values as written
    source: str | None = None  # where the license came from: hub, batch, index, table
    table_as_of: str | None = None  # the offline table's date, when it answered
    note: str | None = None  # why the license is unknown

    @property
    def resolved(self) -> bool:
        return bool(self.licenses) and self.source is not None

    @property
    def name(self) -> str:
        return self.dataset_id or self.value


class DatasetFacts(NamedTuple):
    """What a dataset repository holds: its data files (by name) and its source datasets."""

    data_files: tuple[DataFile, ...] = ()
    data_files_total: int = 0  # every data file, also those past MAX_DATA_FILES
    formats: Mapping[str, int] = {}  # format -> number of files
    sources: tuple[DatasetRef, ...] = ()
    # `source_datasets: [original]`: the card says the data is its own, derived from nothing.
    original: bool = False


class DatasetResolver(Protocol):
    """Looks up a dataset's license fields; None when it cannot tell (offline, unreachable)."""

    def license_of(self, dataset_id: str) -> Any: ...


# ---------------------------------------------------------------------------------------------
# Reading the card


def dataset_id(value: str) -> str | None:
    """The Hub id a card value names (``org/name``, a dataset URL, a canonical ``squad``)."""
    value = value.strip()
    m = _DATASET_URL.match(value)
    if m:
        value = m.group("id")
    value = value.removesuffix(".git")
    return value if _HUB_ID.match(value) and ".." not in value else None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value[:1000] if isinstance(v, str) and v.strip()]
    return []


def source_refs(card: Any) -> tuple[list[DatasetRef], bool]:
    """The source datasets a dataset card names, and whether it says it is ``original``."""
    if card is None or card.metadata_error:
        return [], False
    values = _strings(card.metadata.get("source_datasets"))
    line = card.key_lines.get("source_datasets")
    original = False
    out: list[DatasetRef] = []
    seen: set[str] = set()
    for value in values:
        relation, bar, rest = value.partition("|")
        named = rest.strip() if bar else value
        relation_word = relation.strip().lower() if bar else None
        if named.lower() in _NO_SOURCE:
            original = original or named.lower() == "original"
            continue
        if named.lower().startswith("other-"):
            ref = DatasetRef(value, None, "source_datasets", card.path, line, relation_word,
                             note="a source the card names outside the Hub (`other-...`)")
        else:
            found = dataset_id(named)
            ref = DatasetRef(value, found, "source_datasets", card.path, line, relation_word,
                             note=None if found else "not a Hub dataset id")
        key = (ref.dataset_id or ref.value).lower()
        if key not in seen:
            seen.add(key)
            out.append(ref)
    return out, original


def training_refs(card: Any) -> list[DatasetRef]:
    """The datasets a model card's ``datasets`` names (its training data)."""
    if card is None or card.metadata_error:
        return []
    line = card.key_lines.get("datasets")
    out: list[DatasetRef] = []
    seen: set[str] = set()
    for value in _strings(card.metadata.get("datasets")):
        found = dataset_id(value)
        key = (found or value).lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(DatasetRef(value, found, "datasets", card.path, line,
                              note=None if found else "not a Hub dataset id"))
    return out


# ---------------------------------------------------------------------------------------------
# The offline table


class TableEntry(NamedTuple):
    """A well-known dataset in the offline table, with the license its own card declares."""

    ids: tuple[str, ...]
    licenses: tuple[str, ...]
    as_of: str
    source: str


@lru_cache(maxsize=1)
def dataset_table() -> dict[str, TableEntry]:
    """Table entries by lower-cased id (every id an entry lists)."""
    from modellint.rulesdata import rules_data

    out: dict[str, TableEntry] = {}
    for e in rules_data("datasets.toml").get("dataset", []):
        entry = TableEntry(tuple(e["ids"]), tuple(e["license"]), str(e.get("as_of", "")),
                           e.get("source", ""))
        for one in entry.ids:
            out.setdefault(one.lower(), entry)
    return out


def table_lookup(dataset: str) -> TableEntry | None:
    return dataset_table().get(dataset.lower())


# ---------------------------------------------------------------------------------------------
# Resolution

_CACHE: dict[tuple[str, str], Any] = {}
CACHE_MAX = 10_000


def clear_cache() -> None:
    _CACHE.clear()


def _lookup(resolver: Any, dataset: str) -> Any:
    from modellint.facts.basecard import cached_license_of

    return cached_license_of(_CACHE, CACHE_MAX, resolver, dataset)


# Why a dataset the resolvers did not know was not looked up, by how the target was read.
_NOT_LOOKED_UP = {
    "hub": "could not be looked up (the Hub was unreachable)",
    "offline": "not looked up (offline: --offline, HF_HUB_OFFLINE or a Hub cache folder)",
    "hub-unasked": "not looked up on the Hub (datasets' cards are read only from an audit's "
                   "batch or the local card index)",
    "local": "not looked up (local scan)",
}


def resolve(refs: Iterable[DatasetRef], resolvers: list[Any], mode: str) -> tuple[DatasetRef, ...]:
    """Each ref with its license: the first resolver that knows it, else the offline table."""
    from modellint.facts.lineage import kb_ids

    out: list[DatasetRef] = []
    for n, ref in enumerate(refs):
        if ref.dataset_id is None:
            out.append(ref)
            continue
        if n >= MAX_DATASETS:
            out.append(ref._replace(note=f"not looked up: the card names more than {MAX_DATASETS} "
                                         "datasets"))
            continue
        first = None
        for resolver in resolvers:
            found = _lookup(resolver, ref.dataset_id)
            if found is not None and found.error is None and found.license:
                licenses = kb_ids(found.license, found.license_name, found.license_link)
                out.append(ref._replace(licenses=licenses, source=found.source))
                break
            if first is None and found is not None:
                first = found
        else:
            entry = table_lookup(ref.dataset_id)
            if entry is not None:
                out.append(ref._replace(licenses=entry.licenses, source="table",
                                        table_as_of=entry.as_of))
            elif first is not None and first.error:
                out.append(ref._replace(note=first.error))
            elif first is not None:
                out.append(ref._replace(note="its dataset card declares no license"))
            else:
                out.append(ref._replace(note=f"{_NOT_LOOKED_UP.get(mode, _NOT_LOOKED_UP['local'])}"
                                             " and is not in modellint's table of well-known "
                                             "datasets"))
    return tuple(out)


def default_resolvers(snapshot: Any, batch_index: str | None = None) -> tuple[list[Any], str]:
    """The snapshot's own dataset resolver (the Hub source's), the audit's batch, the local card
    index; and how the snapshot looks things up (a key of ``_NOT_LOOKED_UP``)."""
    import os

    resolvers: list[Any] = []
    own = getattr(snapshot, "dataset_resolver", None)
    if own is not None:
        resolvers.append(own)
    from modellint.cardindex import DatasetView, default_index_path

    if batch_index:
        resolvers.append(DatasetView(batch_index, "batch"))
    local = default_index_path()
    if local and os.path.isfile(local):
        resolvers.append(DatasetView(local, "index"))
    if own is not None and getattr(own, "kind", "") == "hub":
        mode = "hub"
    elif getattr(snapshot, "offline", False):
        mode = "offline"
    elif getattr(snapshot, "base_model_resolver", None) is not None:
        mode = "hub-unasked"
    else:
        mode = "local"
    return resolvers, mode


# ---------------------------------------------------------------------------------------------
# Data files


def data_files(entries: Iterable[Any]) -> tuple[tuple[DataFile, ...], int, dict[str, int]]:
    """The data files among ``entries`` (FileEntry), at most MAX_DATA_FILES of them, the count of
    all, and the count per format."""
    from modellint.datafiles import data_format

    kept: list[DataFile] = []
    total = 0
    formats: dict[str, int] = {}
    for entry in entries:
        found = data_format(entry.path)
        if found is None:
            continue
        total += 1
        formats[found[0]] = formats.get(found[0], 0) + 1
        if len(kept) < MAX_DATA_FILES:
            kept.append(DataFile(entry.path, found[0], found[1], entry.size,
                                 entry.lfs is not None))
    return tuple(kept), total, dict(sorted(formats.items()))
