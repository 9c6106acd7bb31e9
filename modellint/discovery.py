"""Model discovery: the model (and dataset) folders of a repository that holds several, or none
at its root.

A folder is a model when it holds a model card (a README.md whose front matter has model
metadata: `license`, `base_model`, `pipeline_tag`, `library_name`, `tags`, `model-index`...), weight
files, a model config (`config.json` naming an architecture or model type, a diffusers
`model_index.json`) or an adapter config (`adapter_config.json`). Folders without a card of their
own inside a model are its parts (a diffusers `unet/`, an `onnx/` export), not more models; a
folder with its own card is a model of its own. A folder whose README.md is a dataset card
(`task_categories`, `size_categories`, `configs`, `source_datasets`... and no model key: see
``modellint.cardkind``) is a dataset, never a model: a repository holding models and datasets is
split into both, each linted as what it is, and a repository whose root card is a dataset card
is one dataset target.

A repository whose root is a model is linted as one target, as before. A repository whose root is
not a model (a code repository with `models/*`, `checkpoints/*`) is linted model folder by model
folder, each its own target: its root README is a project page, not a model card. With a change
set (`--staged`, `--since`, or the files pre-commit passes) only the models the change touches
are linted; a change to a root license file touches every model, since each inherits it.
"""


from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from modellint import classify as cls
from modellint.cardkind import DATASET, front_matter_keys, kind_of_keys
from modellint.snapshot import FileReadError, Snapshot

# Front-matter keys of a model card (a project README has no front matter at all; a dataset card
# shares some of them, and is told apart by modellint.cardkind).
MODEL_CARD_KEYS = frozenset({
    "license", "license_name", "license_link", "base_model", "base_model_relation", "pipeline_tag",
    "library_name", "model-index", "model_name", "tags", "datasets", "language", "inference",
    "widget", "metrics", "quantized_by", "model_type", "extra_gated_prompt"})
MODEL_CONFIG_MARKERS = (b'"model_type"', b'"architectures"', b'"_class_name"', b'"peft_type"',
                        b'"_diffusers_version"')
CONFIG_NAMES = frozenset({"config.json", "adapter_config.json", "model_index.json"})
# Files at a repository's top whose change concerns every model: settings.
SHARED_SETTINGS = frozenset({".modellint.toml", "pyproject.toml", ".modellint-waivers.toml"})
# Reading cards and configs to tell models apart is bounded: a huge tree is not read whole.
MAX_PROBES = 2_000
PROBE_BYTES = 64 * 1024


def model_folders(snapshot: Snapshot) -> list[str] | None:
    """The model and dataset folders of ``snapshot`` (POSIX paths, sorted), or None when its root
    is a model or a dataset, or it holds none: then it is linted as one target, as it always was.
    Names decide first (weight files); cards and configs are read (bounded) only for folders names
    leave open."""
    markers: dict[str, str] = {}  # folder -> "card" | "dataset" | "weights" | "config"
    candidates: list[tuple[str, str, str]] = []  # (folder, path, name) of cards and configs
    for entry in snapshot.files:
        folder, _, name = entry.path.rpartition("/")
        if cls.classify(name).role in (cls.WEIGHTS, cls.WEIGHTS_INDEX):
            markers.setdefault(folder, "weights")
        elif name == "README.md" or name in CONFIG_NAMES:
            candidates.append((folder, entry.path, name))
    if "" in markers:
        return None  # weights at the root: the root is the model
    probes = [0]
    for folder, path, name in sorted(candidates, key=lambda c: (c[0] != "", c[2] != "README.md")):
        if markers.get(folder) in ("card", DATASET):
            continue
        if name == "README.md":
            kind = _card_kind(snapshot, path, probes)
            if kind is not None:
                markers[folder] = kind
        elif folder not in markers and _is_model_config(snapshot, path, probes):
            markers[folder] = "config"
        if "" in markers:
            return None
    if not markers:
        return None
    roots = []
    for folder in sorted(markers):
        parent = _model_ancestor(folder, markers)
        if parent is None or markers[folder] in ("card", DATASET):
            roots.append(folder)
    return roots


def _model_ancestor(folder: str, markers: dict[str, str]) -> str | None:
    parts = folder.split("/")
    for n in range(len(parts) - 1, 0, -1):
        ancestor = "/".join(parts[:n])
        if ancestor in markers:
            return ancestor
    return None


def _probe(snapshot: Snapshot, path: str, probes: list[int]) -> bytes | None:
    if probes[0] >= MAX_PROBES:
        return None
    probes[0] += 1
    entry = snapshot.file(path)
    if entry is None or entry.lfs is not None:
        return None
    try:
        return snapshot.read_head(path, PROBE_BYTES)
    except FileReadError:
        return None


def _card_kind(snapshot: Snapshot, path: str, probes: list[int]) -> str | None:
    """"card" for a model card, "dataset" for a dataset card, None for a project README."""
    data = _probe(snapshot, path, probes)
    keys = front_matter_keys(data) if data else None
    if not keys:
        return None
    if kind_of_keys(keys) == DATASET:
        return DATASET
    return "card" if keys & MODEL_CARD_KEYS else None


def _is_model_config(snapshot: Snapshot, path: str, probes: list[int]) -> bool:
    data = _probe(snapshot, path, probes)
    return bool(data) and any(marker in data for marker in MODEL_CONFIG_MARKERS)  # type: ignore[operator]


def touched(folders: Sequence[str], changed: Iterable[str]) -> list[str]:
    """The model folders a change touches: one of their files, or a root license, notice or
    policy file (which every model inherits)."""
    changed = list(changed)
    if any("/" not in path and (cls.classify(path).role in (cls.LICENSE, cls.NOTICE, cls.POLICY)
                                or path in SHARED_SETTINGS)
           or path.lower().startswith(("licenses/", "licences/")) for path in changed):
        return list(folders)
    return [f for f in folders if any(path.startswith(f + "/") for path in changed)]


def sub_target(target: str, folder: str) -> str:
    """The target string of a model folder of ``target`` ("." + "models/a" -> "models/a")."""
    if target in (".", "./", ""):
        return folder
    return target.rstrip("/") + "/" + folder


class Expansion(NamedTuple):
    """The targets to lint once repositories are split into their model folders."""

    targets: list[str]
    inherit_from: dict[str, str]  # model-folder target -> the repository folder it inherits from
    notes: list[str]  # what a person should know (a repository whose change touches no model)


def expand(targets: Sequence[str], source: Any, touched_files: Sequence[str] | None = None
           ) -> Expansion:
    """Split each local or git target whose root is not a model into its model folders, keeping
    those a change touches: ``touched_files`` (paths the pre-commit hook passes, relative to the
    current folder), else the change the source knows (``--staged``, ``--since``)."""
    from modellint.snapshot import SourceError
    from modellint.sources import hand_on, is_hf_cache_folder, is_remote, open_target

    out: list[str] = []
    inherit: dict[str, str] = {}
    notes: list[str] = []
    for target in targets:
        if is_remote(target) or is_hf_cache_folder(target) or getattr(source, "kind", None):
            out.append(target)  # --kind says what the target is: it is linted whole
            continue
        try:
            snapshot = open_target(target, source)
        except SourceError:
            out.append(target)  # linting it reports why it cannot be opened
            continue
        folders = model_folders(snapshot)
        if folders is None:
            out.append(target)
            hand_on(target, source, snapshot)  # linted whole: no need to open it again
            continue
        changed = _changed(target, snapshot, touched_files)
        chosen = folders if changed is None else touched(folders, changed)
        if not chosen:
            notes.append(f"{target}: the change touches none of its {len(folders)} model folder(s); "
                         "nothing to lint")
        for folder in chosen:
            sub = sub_target(target, folder)
            out.append(sub)
            inherit[sub] = target
    return Expansion(out, inherit, notes)


def _changed(target: str, snapshot: Snapshot, touched_files: Sequence[str] | None
             ) -> list[str] | None:
    if touched_files is None:
        return list(snapshot.changed_paths) if snapshot.changed_paths is not None else None
    import os

    root = os.path.realpath(target)
    out = []
    for path in touched_files:
        rel = os.path.relpath(os.path.realpath(path), root)
        if not rel.startswith(".."):
            out.append(rel.replace(os.sep, "/"))
    return out
