"""Is a card a model card or a dataset card? Decided from its front matter's top-level keys.

The Hub's two card schemas share `license`, `language`, `tags` and `pretty_name`-like fields, so
the shared keys decide nothing. A dataset card is one with keys that only dataset cards have
(`task_categories`, `size_categories`, `configs`, `dataset_info`, `source_datasets`,
`annotations_creators`...) and none that only model cards have (`base_model`, `pipeline_tag`,
`library_name`, `model-index`, `datasets`, `widget`...). Model cards that borrow a dataset key
(a classifier's card with `task_categories`, a LoRA's with `pretty_name`) always carry a model key
too: on the 3,433 real model cards of ../shared/hf-cards none is read as a dataset card
(tests/test_datasets.py measures it).

No YAML here: model discovery reads only the keys (a bounded regex over the front matter's first
bytes), and fact extraction passes the parsed mapping's keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MODEL = "model"
DATASET = "dataset"
KINDS = (MODEL, DATASET)

# Keys of the Hub's dataset card schema (huggingface_hub DatasetCardData, hub-docs datasetcard.md)
# that a model card has no use for. (`viewer: false` is left out: model cards copy it too.)
DATASET_CARD_KEYS = frozenset({
    "task_categories", "task_ids", "size_categories", "configs", "dataset_info", "source_datasets",
    "annotations_creators", "language_creators", "multilinguality", "pretty_name",
    "paperswithcode_id", "train-eval-index", "license_details", "dataset_summary",
    "config_names"})
# Keys only a model card has.
MODEL_ONLY_KEYS = frozenset({
    "base_model", "base_model_relation", "pipeline_tag", "library_name", "model-index",
    "model_name", "datasets", "widget", "inference", "quantized_by", "model_type", "metrics",
    "model_creator", "new_version"})

_TOP_KEY = re.compile(rb"^([A-Za-z_][\w.-]{0,60})\s*:", re.M)
_FRONT_END = re.compile(rb"^(---|\.\.\.)[ \t]*\r?$", re.M)


def kind_of_keys(keys: Iterable[str]) -> str | None:
    """``dataset`` for a dataset card's keys, ``model`` for a model card's, None for neither."""
    keys = set(keys)
    if keys & DATASET_CARD_KEYS and not keys & MODEL_ONLY_KEYS:
        return DATASET
    return MODEL if keys else None


def front_matter_keys(head: bytes) -> set[str] | None:
    """The top-level keys of the front matter at the start of ``head`` (a card's first bytes),
    or None when it has none."""
    data = head.lstrip(b"\xef\xbb\xbf")
    if not data.startswith(b"---"):
        return None
    data = data[3:]
    end = _FRONT_END.search(data)
    front = data[:end.start()] if end else data
    return {m.group(1).decode("ascii", "replace") for m in _TOP_KEY.finditer(front)}


def is_dataset_card(head: bytes) -> bool:
    keys = front_matter_keys(head)
    return keys is not None and kind_of_keys(keys) == DATASET
