"""The Hub's index, for audits: which models a search selects, and a model's current commit.

``--hub-query`` selects targets through huggingface_hub's ``list_models`` (the Hub's
``/api/models`` listing): ``author:ORG``, ``license:ID`` and ``tag:T`` / ``filter:T`` terms are
tags or filters, other words are the search text; ``sort``, ``limit`` and ``direction`` come with
it. ``--resume`` asks ``current_commit`` whether a Hub target moved since it was recorded: one
``model_info`` call, no file read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from modellint.snapshot import SourceError
from modellint.sources.options import SourceOptions

SORT_KEYS = ("downloads", "likes", "last_modified", "created_at", "trending_score")
MAX_LIMIT = 10_000_000


class HubQuery(NamedTuple):
    """A parsed ``--hub-query``."""

    search: str | None = None
    author: str | None = None
    filters: tuple[str, ...] = ()  # tags, ``license:ID`` among them (the Hub stores it as a tag)
    sort: str | None = None
    limit: int | None = None


def parse_query(text: str, sort: str | None = None, limit: int | None = None) -> HubQuery:
    """``"license:llama3.1 author:meta-llama tag:text-generation chat"`` -> a HubQuery."""
    search: list[str] = []
    author = None
    filters: list[str] = []
    for word in text.split():
        key, sep, value = word.partition(":")
        key = key.lower()
        if sep and value and key == "author":
            author = value
        elif sep and value and key in ("tag", "tags", "filter"):
            filters.extend(v for v in value.split(",") if v)
        elif sep and value and key in ("license", "library", "language", "pipeline_tag",
                                       "dataset", "base_model", "region"):
            filters.append(f"{key}:{value}" if key != "pipeline_tag" else value)
        else:
            search.append(word)
    if sort is not None and sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r} (expected one of: {', '.join(SORT_KEYS)})")
    if limit is not None and not 0 < limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    if not (search or author or filters):
        raise ValueError("an empty Hub query would select every model: give a search, "
                         "author: or a tag/license filter")
    return HubQuery(" ".join(search) or None, author, tuple(filters), sort, limit)


def search_targets(query: HubQuery, options: SourceOptions) -> Iterator[str]:
    """``hf://org/name`` for each model the query selects, in the Hub's order, as it pages."""
    from huggingface_hub import HfApi

    from modellint.sources.hf import _endpoint

    api = HfApi(endpoint=_endpoint(), token=options.token)
    kwargs: dict[str, Any] = {"search": query.search, "author": query.author,
                              "filter": list(query.filters) or None, "limit": query.limit}
    if query.sort:
        kwargs["sort"] = query.sort
    try:
        for model in api.list_models(**kwargs):
            model_id = getattr(model, "id", None) or getattr(model, "modelId", None)
            if isinstance(model_id, str) and model_id:
                yield f"hf://{model_id}"
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - one clear line, not a traceback
        raise SourceError(f"Hub search failed: {type(exc).__name__}: {str(exc)[:300]}") from None


def current_commit(target: str, options: SourceOptions) -> str | None:
    """The commit a Hub target's revision points at now."""
    from huggingface_hub import HfApi

    from modellint.sources.hf import TIMEOUT, _endpoint, parse_target, with_retries

    repo_id, revision = parse_target(target)
    api = HfApi(endpoint=_endpoint(), token=options.token)
    info = with_retries(lambda: api.model_info(repo_id, revision=revision or options.rev or "main",
                                               timeout=TIMEOUT))
    return info.sha
