"""What an AI bill of materials lists about one target, condensed from its facts.

The reporters see a ``Report``, not the facts; the license picture travels on ``TargetInfo.licenses``
and this record on ``TargetInfo.inventory``: the model card's fields (task, library, datasets,
architecture, evaluation results, what the card says about uses, limitations, risks and training),
the files of each part (weights, code, data) with the hashes their git-lfs pointers give, and the
base models. It is small and picklable, so an audit's worker processes can send it back, and lists
are bounded so that a repository with a hundred thousand files does not make it large.

Built once per target by the runner; building it reads nothing and imports nothing heavy.
"""

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from modellint.model import EMPTY_MAPPING

PARTS = ("weights", "code", "data", "documentation")
MAX_FILES = 500  # per part; the number left out is recorded
MAX_LIST = 64  # datasets, tags, languages, metrics
MAX_EXCERPT = 1500  # characters of a card section kept
CODE_SUFFIXES = frozenset({
    ".py", ".ipynb", ".sh", ".js", ".ts", ".rs", ".go", ".c", ".h", ".cc", ".cpp", ".cu", ".java",
    ".jl", ".swift", ".kt", ".scala", ".lua", ".m", ".mm"})
DATA_SUFFIXES = frozenset({".parquet", ".jsonl", ".csv", ".tsv", ".arrow", ".tfrecord", ".wav",
                           ".flac", ".mp3", ".zst"})
# Card sections a reader looks for, by what their headings say.
SECTIONS = {
    "uses": (r"\b(intended|direct|downstream) use", r"^uses?$", r"\bhow to use\b", r"\busage\b"),
    "limitations": (r"\blimitation", r"\bout[- ]of[- ]scope\b"),
    "risks": (r"\bbias", r"\brisks?\b", r"\bethic", r"\bsafety\b"),
    "training": (r"\btraining (data|procedure|details)", r"^training$", r"\bfine[- ]?tuning\b"),
    "evaluation": (r"\bevaluation\b", r"\bresults?\b", r"\bbenchmarks?\b"),
    "environment": (r"\benvironmental impact\b", r"\bcarbon\b", r"\bemissions?\b"),
}
# Documents beside the card: a paper or technical report shipped in the repository.
_DOCUMENT = re.compile(r"(paper|report|whitepaper|model[-_ ]?card|data[-_ ]?card|datasheet)[^/]*\.(pdf|md)$",
                       re.I | re.A)
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", re.A)


class FileItem(NamedTuple):
    """A file of one part of the release."""

    path: str
    part: str  # weights | code | data | documentation
    size: int
    sha256: str | None = None  # from a git-lfs pointer; files are never hashed here
    format: str | None = None  # the weight format (safetensors, gguf, ...)


class Metric(NamedTuple):
    """One evaluation result from the card's ``model-index``."""

    name: str  # the metric's type or name (accuracy, f1, ...)
    value: str
    task: str | None = None
    dataset: str | None = None


class CardFields(NamedTuple):
    """What the model card states that a model card in a BOM has a place for."""

    pipeline_tag: str | None = None
    library_name: str | None = None
    languages: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    license_name: str | None = None
    license_link: str | None = None
    model_type: str | None = None  # config.json
    architectures: tuple[str, ...] = ()  # config.json
    metrics: tuple[Metric, ...] = ()
    papers: tuple[str, ...] = ()  # arXiv ids the card links or tags
    sections: Mapping[str, str] = EMPTY_MAPPING  # uses, limitations, risks, training... -> excerpt
    section_lines: Mapping[str, int] = EMPTY_MAPPING  # the same keys -> line of the heading


class Base(NamedTuple):
    """A base model in the lineage: whose parent it is, and its licenses."""

    model_id: str
    depth: int
    child: str | None  # the model id of the derivative it is a base of (None: this target)
    licenses: tuple[str, ...]  # knowledge-base ids where known, else the values as written
    source: str | None  # hub | local | table | None (unresolved)


class Inventory(NamedTuple):
    card: CardFields | None = None
    files: tuple[FileItem, ...] = ()
    omitted: Mapping[str, int] = EMPTY_MAPPING  # part -> files left out past MAX_FILES
    relation: str | None = None  # adapter | merge | quantized | finetune
    bases: tuple[Base, ...] = ()

    def part(self, name: str) -> tuple[FileItem, ...]:
        return tuple(f for f in self.files if f.part == name)


def inventory_of(facts: Any) -> Inventory:
    files, omitted = _files(facts)
    return Inventory(
        card=_card_fields(facts) if facts.card is not None else None,
        files=files,
        omitted=omitted,
        relation=facts.lineage.relation,
        bases=tuple(_base(b) for b in facts.lineage.bases),
    )


def _base(b: Any) -> Base:
    child = b.declared_in[len("base:"):] if b.declared_in.startswith("base:") else None
    return Base(b.model_id, b.depth, child, tuple(b.licenses), b.source)


def _suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    return name[name.rfind("."):] if "." in name else ""


def _files(facts: Any) -> tuple[tuple[FileItem, ...], dict[str, int]]:
    out: list[FileItem] = []
    count = dict.fromkeys(PARTS, 0)
    for wf in facts.weights:
        count["weights"] += 1
        if count["weights"] <= MAX_FILES:
            out.append(FileItem(wf.path, "weights", wf.size, wf.lfs.oid if wf.lfs else None, wf.format))
    weights = {wf.path for wf in facts.weights}
    for entry in facts.files:
        if entry.path in weights:
            continue
        suffix = _suffix(entry.path)
        part = ("code" if suffix in CODE_SUFFIXES else "data" if suffix in DATA_SUFFIXES
                else "documentation" if _DOCUMENT.search(entry.path) else None)
        if part is None:
            continue
        count[part] += 1
        if count[part] <= MAX_FILES:
            out.append(FileItem(entry.path, part, entry.size, entry.lfs.oid if entry.lfs else None))
    omitted = {part: n - MAX_FILES for part, n in count.items() if n > MAX_FILES}
    return tuple(out), omitted


def _text(value: Any) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value).strip()
        return text[:200] or None
    return None


def _texts(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    out = [t for t in (_text(v) for v in values[:MAX_LIST]) if t]
    return tuple(dict.fromkeys(out))


def _card_fields(facts: Any) -> CardFields:
    card = facts.card
    meta = card.metadata if not card.metadata_error else {}
    config = facts.configs.get("config.json") if isinstance(facts.configs, Mapping) else None
    config = config if isinstance(config, Mapping) else {}
    tags = _texts(meta.get("tags"))
    papers = [t[len("arxiv:"):] for t in tags if t.lower().startswith("arxiv:")]
    papers += _ARXIV.findall(card.prose[:200_000])
    sections: dict[str, str] = {}
    lines: dict[str, int] = {}
    for key, patterns in SECTIONS.items():
        sec = card.section(*patterns)
        if sec is not None and sec.text.strip():
            sections[key] = _excerpt(sec.text)
            lines[key] = sec.line
    return CardFields(
        pipeline_tag=_text(meta.get("pipeline_tag")),
        library_name=_text(meta.get("library_name")),
        languages=_texts(meta.get("language")),
        tags=tags,
        datasets=_texts(meta.get("datasets")),
        license_name=_text(meta.get("license_name")),
        license_link=_text(meta.get("license_link")),
        model_type=_text(config.get("model_type")),
        architectures=_texts(config.get("architectures")),
        metrics=_metrics(meta.get("model-index")),
        papers=tuple(dict.fromkeys(papers))[:MAX_LIST],
        sections=sections,
        section_lines=lines,
    )


def _excerpt(text: str) -> str:
    """A section's text as one paragraph run, bounded: whitespace folded, markup left as written."""
    folded = " ".join(text.split())
    return folded if len(folded) <= MAX_EXCERPT else folded[:MAX_EXCERPT - 1].rstrip() + "…"


def _metrics(index: Any) -> tuple[Metric, ...]:
    """``model-index: [{results: [{task, dataset, metrics: [{type, value, name}]}]}]``, whatever of it
    is well formed."""
    out: list[Metric] = []
    for model in index if isinstance(index, list) else []:
        results = model.get("results") if isinstance(model, dict) else None
        for result in results if isinstance(results, list) else []:
            if not isinstance(result, dict):
                continue
            task = result.get("task")
            dataset = result.get("dataset")
            task_name = _text(task.get("type") or task.get("name")) if isinstance(task, dict) else None
            data_name = _text(dataset.get("name") or dataset.get("type")) if isinstance(dataset, dict) else None
            metrics = result.get("metrics")
            for metric in metrics if isinstance(metrics, list) else []:
                if not isinstance(metric, dict):
                    continue
                name = _text(metric.get("type") or metric.get("name"))
                value = _text(metric.get("value"))
                if name and value:
                    out.append(Metric(name, value, task_name, data_name))
                    if len(out) == MAX_LIST:
                        return tuple(out)  # some cards list over a thousand
    return tuple(out)
