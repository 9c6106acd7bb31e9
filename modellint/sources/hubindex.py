"""The Hub's index, for audits: which models a search selects, and a model's current commit.

``--hub-query`` selects targets through the Hub's ``/api/models`` listing, with the parameters
huggingface_hub's ``list_models`` sends: ``author:ORG``, ``license:ID`` and ``tag:T`` /
``filter:T`` terms are tags or filters, other words are the search text; ``sort``, ``limit`` and
``direction`` come with it. Pages are modellint's own bounded requests (``hubhttp``), and the
next page is followed only on the endpoint's own origin: the token never goes where a ``Link``
header points. ``--resume`` asks ``current_commit`` whether a Hub target moved since it was
recorded: one ``model_info`` request, no file read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
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
    from modellint.sources import hubhttp
    from modellint.sources.hf import _REPO_ID, _endpoint

    endpoint = _endpoint()
    params: dict[str, Any] = {}
    if query.search:
        params["search"] = query.search
    if query.author:
        params["author"] = query.author
    if query.filters:
        params["filter"] = list(query.filters)
    if query.sort:
        params["sort"] = _SORT_PARAM.get(query.sort, query.sort)
        params["direction"] = -1
    if query.limit is not None:
        params["limit"] = query.limit
    wanted = query.limit if query.limit is not None else MAX_LIMIT
    url: str | None = f"{endpoint}/api/models"
    query_params: dict[str, Any] | None = params
    found = 0
    seen: set[str] = set()  # a server whose next page is an earlier one must not loop forever
    try:
        while url is not None and found < wanted and url not in seen:
            seen.add(url)
            answer = hubhttp.with_retries(partial(hubhttp.get, url, token=options.token,
                                                  params=query_params, max_bytes=hubhttp.MAX_JSON))
            models = _json_list(answer.body)
            for model in models:
                model_id = (model.get("id") or model.get("modelId")) if isinstance(model, dict) else None
                if isinstance(model_id, str) and _REPO_ID.match(model_id) and found < wanted:
                    found += 1
                    yield f"hf://{model_id}"
            # The next link carries the query itself: no parameters are added to it.
            url, query_params = _next_page(answer.headers, endpoint), None
            if not models:
                break
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - one clear line, not a traceback
        raise SourceError(f"Hub search failed: {type(exc).__name__}: {str(exc)[:300]}") from None


_SORT_PARAM = {"last_modified": "lastModified", "trending_score": "trendingScore",
               "created_at": "createdAt"}


def _json_list(body: bytes) -> list[Any]:
    from modellint import jsonsafe

    try:
        value = jsonsafe.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise SourceError("Hub search failed: the answer is not JSON") from None
    if not isinstance(value, list):
        raise SourceError("Hub search failed: the answer is not a list of models")
    return value


def _next_page(headers: Mapping[str, str], endpoint: str) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header, when it is on the endpoint's origin."""
    from urllib.parse import urlsplit

    link = next((v for k, v in headers.items() if k.lower() == "link"), "")
    for part in link[:8192].split(","):
        target, _, attributes = part.strip().partition(">")
        if not target.startswith("<"):
            continue
        rels = attributes.replace(" ", "").replace('"', "").lower().split(";")
        if "rel=next" not in rels:
            continue
        url = target[1:]
        here, there = urlsplit(endpoint), urlsplit(url)
        if (there.scheme, there.netloc) != (here.scheme, here.netloc):
            raise SourceError(f"Hub search failed: the next page is on another host "
                              f"({there.netloc[:100]!r}); not followed")
        return url
    return None


def current_commit(target: str, options: SourceOptions) -> str | None:
    """The commit a Hub target's revision points at now."""
    from modellint.sources.hf import _endpoint, model_info, parse_hub_target
    from modellint.sources.hubhttp import with_retries

    repo_type, repo_id, revision = parse_hub_target(target)
    info = with_retries(lambda: model_info(_endpoint(), repo_id, revision or options.rev or "main",
                                           options.token, None, files=False, repo_type=repo_type))
    return info.sha
