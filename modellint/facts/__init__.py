"""Facts: everything rules may look at, extracted once from a snapshot.

Rules never touch the snapshot; they receive this frozen structure. ``modellint facts TARGET``
prints it as JSON, so a rule author sees exactly what a check gets.
"""

from collections.abc import Mapping
from typing import Any, NamedTuple

from modellint import classify as cls
from modellint.cardkind import DATASET, MODEL, kind_of_keys
from modellint.facts.card import Card, Section, parse_card
from modellint.facts.dataset import DatasetFacts, DatasetRef
from modellint.facts.identity import Identity, identify_repository
from modellint.facts.lineage import Lineage
from modellint.facts.picture import LicensePicture
from modellint.facts.text import TextFile, read_reason, read_text_file
from modellint.model import EMPTY_MAPPING, TargetInfo
from modellint.snapshot import FileEntry, FileReadError, Snapshot
from modellint.weightfile import WeightFile

# A model card over this size is truncated (and reported): cards are documents, not datasets.
MAX_CARD_BYTES = 1024 * 1024
MAX_CONFIG_BYTES = 256 * 1024
CARD_PATH = "README.md"


class ReadProblem(NamedTuple):
    """A file that could not be read or decoded, or a listing problem; feeds ML901."""

    path: str
    reason: str


class Facts(NamedTuple):
    """Everything the checks may look at, extracted once from a snapshot."""

    target: TargetInfo
    model_name: str | None
    files: tuple[FileEntry, ...]
    card: Card | None
    license_files: tuple[TextFile, ...]
    notice_files: tuple[TextFile, ...]
    policy_files: tuple[TextFile, ...]
    changelog_files: tuple[TextFile, ...]
    weights: tuple[WeightFile, ...]
    weight_indexes: tuple[str, ...]
    configs: Mapping[str, Any]  # config.json / adapter_config.json, parsed
    problems: tuple[ReadProblem, ...]
    changed_paths: tuple[str, ...] | None = None
    extra: Mapping[str, Any] = EMPTY_MAPPING
    # Sharded-checkpoint indexes (``*.index.json``) as read: shard list, missing shards, metadata.
    weight_index_files: tuple[WeightFile, ...] = ()
    lineage: Lineage = Lineage()  # base models and their licenses
    identity: Identity = Identity()  # Hub id, model name, licensor
    licenses: LicensePicture = LicensePicture()  # which terms govern which part, on what evidence
    # A dataset's data files (by name) and source datasets; None for a model.
    dataset: DatasetFacts | None = None
    # The datasets a model card lists as its training data, with their licenses where known.
    training_data: tuple[DatasetRef, ...] = ()

    @property
    def metadata(self) -> Mapping[str, Any]:
        return self.card.metadata if self.card else {}

    @property
    def kind(self) -> str:
        """What the repository is: "model" or "dataset" (``TargetInfo.repo_type``)."""
        return self.target.repo_type or "model"

    @property
    def is_dataset(self) -> bool:
        return self.target.repo_type == "dataset"

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)


def _to_json(value: Any) -> Any:
    if isinstance(value, LicensePicture):
        return value.to_json()
    if type(value).__name__ == "License" and hasattr(value, "obligations"):
        return value.id  # a knowledge-base record: `modellint license ID` shows it
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple record
        return {name: _to_json(getattr(value, name)) for name in value._fields}
    if isinstance(value, Mapping):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, frozenset, set)):
        return [_to_json(v) for v in value]
    if hasattr(value, "value") and hasattr(value, "name"):  # enums
        return value.value
    return value


class ExtractOptions(NamedTuple):
    """What the user's settings add to what the snapshot shows."""

    repo_id: str | None = None  # `repo-id`: the Hub repository this folder is
    licensor: bool = False  # `licensor = true`: the license holder's own release
    batch_index: str | None = None  # the audit's card index (modellint.cardindex), if any


OFFLINE_NOTE = "offline: header not in the local Hub cache, not read"

def extract(snapshot: Snapshot, options: ExtractOptions | None = None) -> Facts:
    options = options or ExtractOptions()
    problems: list[ReadProblem] = [ReadProblem(p.path, p.reason) for p in snapshot.problems]
    card: Card | None = None
    groups: dict[str, list[TextFile]] = {
        cls.LICENSE: [], cls.NOTICE: [], cls.POLICY: [], cls.CHANGELOG: []
    }
    weights: list[WeightFile] = []
    indexes: list[str] = []
    index_files: list[WeightFile] = []
    configs: dict[str, Any] = {}

    withheld = snapshot.withheld
    # Offline (--offline, HF_HUB_OFFLINE, a Hub cache folder), weight headers the cache does not
    # hold cannot be read: named here so that ML904 says which checks did not run, and why.
    offline = bool(getattr(snapshot, "offline", False))
    not_cached: list[str] = []
    header_budget = None  # weight header bytes parsed for this target (see weights.HeaderBudget)
    # The card first: it says whether the repository is a dataset, whose weight-like files
    # (`.npy`, `.pt`, `.h5`) are data, named and never opened.
    card_entry = snapshot.file(CARD_PATH)
    if card_entry is not None:
        card = _read_card(snapshot, card_entry, problems)
    repo_type = snapshot.info.repo_type or repo_type_of(card)
    dataset = repo_type == DATASET
    for entry in snapshot.files:
        kind = cls.classify(entry.path)
        if dataset and kind.role in (cls.WEIGHTS, cls.WEIGHTS_INDEX, cls.CONFIG):
            continue  # a dataset's files: listed as data below, by name
        if entry.path in withheld and kind.role != cls.CARD:
            # Not readable (a gated repository without access): known by name and size only.
            if kind.role == cls.WEIGHTS and kind.weight_format:
                weights.append(WeightFile(entry.path, kind.weight_format, entry.size,
                                          note=withheld[entry.path]))
            continue
        if kind.role == cls.CARD:
            continue  # read above
        elif kind.role in groups:
            tf = read_text_file(snapshot, entry, kind.role, kind.scope)
            if tf.problem:
                problems.append(ReadProblem(entry.path, tf.problem))
            groups[kind.role].append(tf)
        elif kind.role == cls.WEIGHTS and kind.weight_format and offline and entry.lfs:
            not_cached.append(entry.path)
            weights.append(WeightFile(entry.path, kind.weight_format, entry.lfs.size,
                                      lfs=entry.lfs, note=OFFLINE_NOTE))
        elif kind.role == cls.WEIGHTS and kind.weight_format:
            from modellint.weights import HeaderBudget, inspect_weight

            header_budget = header_budget or HeaderBudget()
            try:
                wf = inspect_weight(snapshot, entry, kind.weight_format, header_budget)
            except FileReadError as exc:
                problems.append(ReadProblem(entry.path, read_reason(exc)))
                wf = WeightFile(entry.path, kind.weight_format, entry.size, note="unreadable")
            weights.append(wf)
        elif kind.role == cls.WEIGHTS_INDEX:
            from modellint.weights import inspect_index

            indexes.append(entry.path)
            try:
                index_files.append(inspect_index(snapshot, entry))
            except FileReadError as exc:
                problems.append(ReadProblem(entry.path, read_reason(exc)))
        elif kind.role == cls.CONFIG:
            parsed = _read_json(snapshot, entry, problems)
            if parsed is not None:
                configs[entry.path] = parsed

    from modellint.facts.lineage import default_resolver, resolve_lineage
    from modellint.facts.picture import Inputs, build

    info = snapshot.info._replace(repo_type=repo_type)
    identity = identify_repository(info, options.repo_id, options.licensor)
    dataset_facts: DatasetFacts | None = None
    training: tuple[DatasetRef, ...] = ()
    if dataset:
        lineage = Lineage()  # a dataset has no base models; its sources are its lineage
        dataset_facts = _dataset_facts(snapshot, card, options)
        sources = dataset_facts.sources
    else:
        lineage = resolve_lineage(card, configs, weights,
                                  default_resolver(snapshot, options.batch_index),
                                  name=identity.name, repo_id=identity.repo_id)
        training = _training_data(snapshot, card, options)
        sources = ()
    picture = build(Inputs(card, groups[cls.LICENSE], groups[cls.NOTICE],
                           _embedded(tuple(weights) + tuple(index_files)), lineage,
                           repo_type or MODEL, sources))
    return Facts(
        target=info,
        model_name=identity.name,
        files=snapshot.files,
        card=card,
        license_files=tuple(groups[cls.LICENSE]),
        notice_files=tuple(groups[cls.NOTICE]),
        policy_files=tuple(groups[cls.POLICY]),
        changelog_files=tuple(groups[cls.CHANGELOG]),
        weights=tuple(weights),
        weight_indexes=tuple(indexes),
        configs=configs,
        problems=tuple(problems),
        changed_paths=snapshot.changed_paths,
        weight_index_files=tuple(index_files),
        lineage=lineage,
        identity=identity,
        licenses=picture,
        extra={**({"withheld": dict(withheld)} if withheld else {}),
               **({"offline": tuple(not_cached)} if not_cached else {})} or EMPTY_MAPPING,
        dataset=dataset_facts,
        training_data=training,
    )


def repo_type_of(card: Card | None) -> str:
    """"dataset" when the card is a dataset card (modellint.cardkind), else "model"."""
    if card is None or card.metadata_error or not card.metadata:
        return MODEL
    return kind_of_keys(str(k) for k in card.metadata) or MODEL


def _dataset_facts(snapshot: Snapshot, card: Card | None, options: "ExtractOptions") -> DatasetFacts:
    from modellint.facts import dataset as ds

    entries = [e for e in snapshot.files
               if cls.classify(e.path).role in (None, cls.WEIGHTS, cls.WEIGHTS_INDEX, cls.CONFIG)]
    files, total, formats = ds.data_files(entries)
    refs, original = ds.source_refs(card)
    if refs:
        resolvers, mode = ds.default_resolvers(snapshot, options.batch_index)
        sources = ds.resolve(refs, resolvers, mode)
    else:
        sources = ()
    return DatasetFacts(files, total, formats, sources, original)


def _training_data(snapshot: Snapshot, card: Card | None, options: "ExtractOptions"
                   ) -> tuple[DatasetRef, ...]:
    """The datasets a model card lists, each with its license where it can be found."""
    if card is None or card.metadata_error or "datasets" not in card.metadata:
        return ()
    from modellint.facts import dataset as ds

    refs = ds.training_refs(card)
    if not refs:
        return ()
    resolvers, mode = ds.default_resolvers(snapshot, options.batch_index)
    return ds.resolve(refs, resolvers, mode)


def _embedded(weights: tuple[WeightFile, ...]) -> list[tuple[str, str, str, str]]:
    """(path, format, key, value) of the license metadata each weight header carries."""
    if not any(wf.metadata for wf in weights):
        return []
    from modellint.weights import embedded_licenses

    return [(wf.path, wf.format, key, value) for wf in weights for key, value in embedded_licenses(wf)]


def _read_card(snapshot: Snapshot, entry: FileEntry, problems: list[ReadProblem]) -> Card | None:
    from modellint.facts.text import decode, read_start

    try:
        data, truncated = read_start(snapshot, entry.path, MAX_CARD_BYTES)
    except FileReadError as exc:
        problems.append(ReadProblem(entry.path, read_reason(exc)))
        return Card(entry.path, False, {}, None, None, {}, (), None, "", 1)
    if truncated:
        problems.append(ReadProblem(
            entry.path, f"larger than {MAX_CARD_BYTES // 1024} KiB; only the start was read"))
    text, problem = decode(data, truncated)
    if problem:
        problems.append(ReadProblem(entry.path, problem))
    if text is None:
        return Card(entry.path, False, {}, None, None, {}, (), None, "", 1, truncated=truncated)
    return parse_card(entry.path, text, truncated)


# config.json files nest a few levels; deeper ones are refused rather than kept for recursive code.
MAX_CONFIG_DEPTH = 64


def _read_json(snapshot: Snapshot, entry: FileEntry, problems: list[ReadProblem]) -> Any:
    from modellint import jsonsafe

    if entry.lfs is not None:
        return None
    if entry.size > MAX_CONFIG_BYTES:
        problems.append(ReadProblem(entry.path, f"larger than {MAX_CONFIG_BYTES // 1024} KiB; not parsed"))
        return None
    try:
        data = snapshot.read_bytes(entry.path, MAX_CONFIG_BYTES)
        value = jsonsafe.loads(data, max_depth=MAX_CONFIG_DEPTH)
    except FileReadError as exc:
        problems.append(ReadProblem(entry.path, read_reason(exc)))
        return None
    except jsonsafe.TooDeep as exc:
        problems.append(ReadProblem(entry.path, f"{exc}; not parsed"))
        return None
    except (UnicodeDecodeError, ValueError) as exc:
        problems.append(ReadProblem(entry.path, f"invalid JSON: {str(exc).splitlines()[0][:200]}"))
        return None
    return value if isinstance(value, dict) else None


__all__ = ["Card", "DatasetFacts", "DatasetRef", "ExtractOptions", "Facts", "Identity",
           "LicensePicture", "ReadProblem", "Section", "TextFile", "WeightFile", "extract"]
