"""Hugging Face Hub repositories (models and datasets), linted without downloading weights or data.

One ``model_info`` request (``dataset_info`` for ``hf://datasets/org/name``) lists the files
(sizes, LFS ids) at a resolved commit. The small text files licensing cares about are fetched
whole and kept in the Hub cache (laid out as huggingface_hub does, named by modellint: see
``hubcache``); weight headers are read with HTTP Range requests to the resolve URL. Nothing else
is fetched. Every request is modellint's own, bounded in time and bytes (``hubhttp``), and no
name from the server or the repository reaches a URL or a path unchecked. A dataset's data files
(Parquet, JSON Lines, archives...) are listed by name and size only: no byte of them is fetched.

``huggingface_hub`` is imported only inside functions: a local scan never loads it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote, unquote

from modellint import classify as cls
from modellint.facts.text import OPAQUE_SUFFIXES
from modellint.model import TargetInfo
from modellint.snapshot import (
    FileEntry,
    FileReadError,
    LfsPointer,
    Snapshot,
    SourceError,
    SourceProblem,
)
from modellint.sources import hubcache, hubhttp
from modellint.sources.options import SourceOptions

# Files fetched whole: the text files facts read, under this size (facts read at most 1 MiB + 1).
SMALL_FILE_MAX = 1024 * 1024 + 1
# A single ranged read never asks for more than this (weight headers are far smaller).
MAX_RANGE = 100 * 1024 * 1024
# Base models looked up on the Hub for one target (its bases, theirs...): each is a request.
MAX_BASE_LOOKUPS = 24
# Datasets looked up on the Hub for one target (a model's training data, a dataset's sources).
MAX_DATASET_LOOKUPS = 32
MODEL, DATASET = "model", "dataset"
# The Hub's URL prefix of each kind of repository: /api/{models,datasets}/..., /datasets/.../resolve
_API = {MODEL: "models", DATASET: "datasets"}
_PREFETCH_ROLES = (cls.CARD, cls.LICENSE, cls.NOTICE, cls.POLICY, cls.CHANGELOG, cls.CONFIG)
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}"
_REPO_ID = re.compile(rf"^({_SEGMENT}/)?{_SEGMENT}$")
_COMMIT = hubcache.COMMIT
_WEB = re.compile(r"^https?://(?:www\.)?huggingface\.co/(?:(?P<type>datasets|spaces)/)?"
                  r"(?P<repo>[^/?#]+(?:/[^/?#]+)?)"
                  r"(?:/(?:tree|blob|resolve)/(?P<rev>[^/?#]+))?/?(?:[?#].*)?$", re.I)


# -- target parsing -------------------------------------------------------------------------

class HubTarget(NamedTuple):
    repo_type: str  # "model" or "dataset"
    repo_id: str
    revision: str | None


def parse_target(target: str) -> tuple[str, str | None]:
    """``hf://org/name[@rev]`` or a huggingface.co URL of a model -> (repo_id, revision or None)."""
    found = parse_hub_target(target)
    if found.repo_type != MODEL:
        raise SourceError("a dataset repository where a model was expected")
    return found.repo_id, found.revision


def parse_hub_target(target: str) -> HubTarget:
    """``hf://[models/|datasets/]org/name[@rev]`` or a huggingface.co URL -> HubTarget."""
    repo_type = MODEL
    if target.startswith("hf://"):
        rest = target[len("hf://"):].strip("/")
        for prefix, kind in (("models/", MODEL), ("datasets/", DATASET)):
            if rest.startswith(prefix):
                rest, repo_type = rest[len(prefix):], kind
                break
        repo, _, rev = rest.partition("@")
        revision = rev or None
    else:
        match = _WEB.match(target)
        if not match:
            raise SourceError("not a Hub URL (expected huggingface.co/ORG/NAME or "
                              "huggingface.co/datasets/ORG/NAME)")
        repo = match.group("repo")
        revision = unquote(match.group("rev")) if match.group("rev") else None
        if match.group("type"):
            repo_type = DATASET if match.group("type").lower() == "datasets" else "space"
    if revision is not None:
        _check_revision(target, revision)
    if repo_type == "space" or repo.split("/", 1)[0] == "spaces":
        raise SourceError("only model and dataset repositories can be linted (not Spaces)")
    if not _REPO_ID.match(repo) or ".." in repo:
        raise SourceError(f"invalid repository id {repo!r} (expected ORG/NAME)")
    return HubTarget(repo_type, repo, revision)


def _check_revision(target: str, revision: str) -> None:
    # A revision names a folder under refs/ in the cache: no climbing out of it.
    if ".." in revision.split("/") or revision.startswith("/") or not revision.strip():
        raise SourceError(f"invalid revision {revision!r}")


def _endpoint() -> str:
    # Read at call time: huggingface_hub reads HF_ENDPOINT once, at its import.
    value = os.environ.get("HF_ENDPOINT")
    if value:
        return value.rstrip("/")
    from huggingface_hub import constants

    return constants.ENDPOINT.rstrip("/")


def cache_dir() -> str:
    from huggingface_hub import constants

    return os.environ.get("HF_HUB_CACHE") or constants.HF_HUB_CACHE


def _storage_folder(repo_id: str, repo_type: str = MODEL) -> Path:
    """The repository's folder in the Hub cache, named as huggingface_hub names it."""
    return Path(cache_dir()) / (f"{_API[repo_type]}--" + repo_id.replace("/", "--"))


# -- errors ---------------------------------------------------------------------------------

def describe_error(exc: BaseException, repo_id: str, revision: str | None, endpoint: str,
                   authenticated: bool) -> str:
    """One line a person can act on (the caller names the target). Never includes a token."""
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    timeout_error, transport_error = hubhttp.http_errors()
    login = "set HF_TOKEN, pass --token or run `hf auth login`"
    if isinstance(exc, LocalEntryNotFoundError) and exc.__cause__ is not None:
        exc = exc.__cause__
    status = hubhttp.status_of(exc)
    tries = hubhttp.tries_of(exc) or 1
    after = f" after {tries} tries" if tries > 1 else ""
    if isinstance(exc, GatedRepoError):
        if authenticated and status == 403:
            return (f"gated repository and your token has not been granted access; "
                    f"request access at {endpoint}/{repo_id}")
        return f"gated repository: request access at {endpoint}/{repo_id}, then {login}"
    if isinstance(exc, RepositoryNotFoundError):
        hint = ("check the token's permissions" if authenticated
                else f"if it is private, {login}")
        return f"repository not found on {endpoint} ({hint})"
    if isinstance(exc, RevisionNotFoundError):
        return f"revision {revision!r} not found"
    if isinstance(exc, EntryNotFoundError):
        return "listed by the Hub but not found at this commit"
    if isinstance(exc, OfflineModeIsEnabled):
        return "HF_HUB_OFFLINE is set; use --offline to lint from the local cache"
    if status == 429:
        return (f"rate limited by the Hub (HTTP 429){after}; "
                f"wait a minute or authenticate for a higher limit")
    if status in (401, 403):
        return f"access denied (HTTP {status}); {login}"
    if status is not None and status >= 500:
        return f"the Hub answered HTTP {status}{after}; try again later"
    if status is not None:
        return f"the Hub answered HTTP {status}"
    if isinstance(exc, hubhttp.TooSlow):
        return f"no complete answer from {endpoint} within {hubhttp.DEADLINE:g} s"
    if isinstance(exc, (hubhttp.TooLarge, hubhttp.BudgetSpent, hubhttp.BadAnswer)):
        return str(exc)
    if isinstance(exc, timeout_error):
        return f"no answer from {endpoint} within {hubhttp.TIMEOUT:g} s"
    if isinstance(exc, transport_error):
        return f"cannot reach {endpoint} ({type(exc).__name__})"
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


# -- the snapshot ---------------------------------------------------------------------------

class HubSnapshot(Snapshot):
    """Files listed by the Hub. Small files come from the cache; other reads are HTTP ranges."""

    def __init__(self, info: TargetInfo, files: tuple[FileEntry, ...], *,
                 problems: tuple[SourceProblem, ...] = (), repo_id: str, commit: str,
                 endpoint: str, token: str | None, local: dict[str, Path],
                 offline: bool, hub: dict[str, Any] | None = None,
                 listing_gap: str | None = None, budget: hubhttp.Budget | None = None,
                 repo_type: str = MODEL) -> None:
        self.repo_id = repo_id
        self.repo_type = repo_type
        self.listing_gap = listing_gap
        self.commit = commit
        self.endpoint = endpoint
        self._token = token
        self.local = local
        self.offline = offline
        self.hub = hub or {}  # gated, private, safetensors / gguf summaries from model_info
        # Every byte fetched for this target, base-model lookups included, counts against this.
        self.budget = budget or hubhttp.Budget()
        # A gated repository without access: files served from the Hub's public data instead
        # (the card's front matter from its card data), by path; also files fetched that the
        # cache could not keep.
        self.synthetic: dict[str, bytes] = {}
        # Files whose fetch failed already, and why: reading one again asks nothing more.
        self.unreadable: dict[str, str] = {}
        # Lineage reads base models' licenses from their Hub cards; offline, the table serves.
        self.base_model_resolver = (OfflineResolver() if offline
                                    else HubBaseResolver(endpoint, token, self.budget))
        # Data lineage (a model's `datasets`, a dataset's `source_datasets`) the same way.
        self.dataset_resolver = (OfflineResolver() if offline
                                 else HubBaseResolver(endpoint, token, self.budget, DATASET))
        super().__init__(info, files, problems, trusted=False)

    def __repr__(self) -> str:  # keep the token out of any repr
        return f"HubSnapshot({self.repo_id}@{self.commit})"

    def read_bytes(self, path: str, limit: int) -> bytes:
        if path in self.synthetic:
            return self.synthetic[path][:limit]
        if path in self.local:
            return _read_local(self.local[path], path, 0, limit)
        return self.read_range(path, 0, limit)

    def read_range(self, path: str, start: int, end: int) -> bytes:
        if self.file(path) is None:
            raise FileReadError(f"{path}: not part of the repository")
        if end <= start:
            return b""
        if end - start > MAX_RANGE:
            raise FileReadError(f"{path}: refusing to read {end - start} bytes at once")
        if path in self.synthetic:
            return self.synthetic[path][start:end]
        if path in self.local:
            return _read_local(self.local[path], path, start, end)
        if path in self.withheld:
            raise FileReadError(f"{path}: {self.withheld[path]}")
        if path in self.unreadable:
            raise FileReadError(f"{path}: {self.unreadable[path]}")
        if self.offline:
            raise FileReadError(f"{path}: not in the local cache (offline)")
        try:
            return hubhttp.with_retries(lambda: self._get_range(path, start, end))
        except FileReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - any client failure is one unreadable file
            message = describe_error(exc, self.repo_id, self.commit, self.endpoint,
                                     self._token is not None)
            raise FileReadError(f"{path}: {message}") from None

    def _get_range(self, path: str, start: int, end: int) -> bytes:
        want = end - start
        # Redirects to a CDN drop the Authorization header (the client strips it cross-origin).
        answer = hubhttp.get(resolve_url(self.endpoint, self.repo_id, self.commit, path,
                                         self.repo_type),
                             token=self._token, headers={"Range": f"bytes={start}-{end - 1}"},
                             max_bytes=want, stop_after=want, budget=self.budget, accept=(416,))
        if answer.status == 416:
            return b""
        if answer.status == 200 and start > 0:
            # The server ignored the range: never stream a weight body to find the offset.
            raise FileReadError(f"{path}: the server does not support ranged reads")
        return answer.body


def resolve_url(endpoint: str, repo_id: str, commit: str, path: str,
                repo_type: str = MODEL) -> str:
    """The download URL of a file at a commit (the name was checked by ``unsafe_name``)."""
    prefix = "datasets/" if repo_type == DATASET else ""
    return f"{endpoint}/{prefix}{repo_id}/resolve/{commit}/{quote(path, safe='/')}"


def _read_local(full: Path, path: str, start: int, end: int) -> bytes:
    try:
        with open(full, "rb") as fh:
            fh.seek(start)
            return fh.read(end - start)
    except OSError as exc:
        raise FileReadError(f"{path}: {exc.strerror or exc}") from None


class OfflineResolver:
    """Offline, no base model is looked up: lineage's table answers, and says it was offline."""

    kind = "offline"
    cache_key = "offline"

    def license_of(self, model_id: str) -> Any:
        return None


class HubBaseResolver:
    """Looks up a base model's (or, with ``repo_type`` dataset, a dataset's) license fields in
    its Hub card data: one API request each, no file downloads, at most MAX_BASE_LOOKUPS
    (MAX_DATASET_LOOKUPS) per target. A missing or gated repository is reported as such; an
    unreachable Hub returns None so that lineage falls back to its offline table and says so."""

    kind = "hub"

    def __init__(self, endpoint: str, token: str | None, budget: hubhttp.Budget | None = None,
                 repo_type: str = MODEL) -> None:
        self.endpoint = endpoint
        self._token = token
        self.budget = budget
        self.repo_type = repo_type
        self.lookups = 0
        self.cache_key = f"hub:{endpoint}" if repo_type == MODEL else f"hub-{repo_type}:{endpoint}"

    def __repr__(self) -> str:  # keep the token out of any repr
        return f"HubBaseResolver({self.endpoint}, {self.repo_type})"

    def license_of(self, model_id: str) -> Any:
        from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

        from modellint.facts.basecard import ResolvedBase, resolved_from_metadata

        if not _REPO_ID.match(model_id):
            return None  # a local path or a URL: not a Hub id
        limit, what = ((MAX_BASE_LOOKUPS, "base models") if self.repo_type == MODEL
                       else (MAX_DATASET_LOOKUPS, "datasets"))
        if self.lookups >= limit:
            return ResolvedBase(model_id, source="hub", error=(
                f"not looked up: {limit} {what} were already looked up for this target"))
        self.lookups += 1
        try:
            info = hubhttp.with_retries(lambda: model_info(
                self.endpoint, model_id, None, self._token, self.budget, files=False,
                repo_type=self.repo_type))
        except (RepositoryNotFoundError, GatedRepoError) as exc:
            reason = describe_error(exc, model_id, None, self.endpoint, self._token is not None)
            return ResolvedBase(model_id, source="hub", error=reason)
        except Exception:  # noqa: BLE001 - unreachable or failing Hub: the offline table decides
            return None
        return resolved_from_metadata(model_id, info.card_data or {}, "hub")


def _wants_prefetch(entry: FileEntry, is_lfs: bool, repo_type: str = MODEL) -> bool:
    if is_lfs or entry.size > SMALL_FILE_MAX or entry.path.lower().endswith(OPAQUE_SUFFIXES):
        return False
    role = cls.classify(entry.path).role
    if repo_type == DATASET and role == cls.CONFIG:
        return False  # a dataset's JSON files are its data, or read by nothing
    return role in _PREFETCH_ROLES


# -- model_info -----------------------------------------------------------------------------

class Sibling(NamedTuple):
    """A file as the Hub lists it."""

    path: str
    size: int | None
    blob_id: str | None
    lfs_sha256: str | None
    lfs_size: int | None


class HubInfo(NamedTuple):
    """The parts of a ``model_info`` answer modellint uses, type-checked."""

    sha: str | None
    siblings: tuple[Sibling, ...]
    skipped: tuple[tuple[str, str], ...]  # (name as shown, why): unsafe names
    cut: bool  # more files than hubcache.MAX_FILES were listed
    gated: Any
    private: bool
    card_data: dict[str, Any] | None
    safetensors: dict[str, Any] | None
    gguf: dict[str, Any] | None


def model_info(endpoint: str, repo_id: str, revision: str | None, token: str | None,
               budget: hubhttp.Budget | None, *, files: bool, repo_type: str = MODEL) -> HubInfo:
    """``/api/models/{repo}[/revision/{rev}]`` (``/api/datasets/...`` for a dataset): with
    ``files``, sizes and LFS ids of every file; else the card data. Raises huggingface_hub's
    errors, or hubhttp's for a bad answer."""
    url = f"{endpoint}/api/{_API[repo_type]}/{repo_id}"
    if revision is not None:
        url += f"/revision/{quote(revision, safe='')}"
    params: dict[str, Any] = {"blobs": "true"} if files else {"expand": ["cardData"]}
    data = hubhttp.get_json(url, token=token, params=params, budget=budget)
    if not isinstance(data, dict):
        raise hubhttp.BadAnswer(f"the Hub's {repo_type} information is not a JSON object")
    siblings: list[Sibling] = []
    skipped: list[tuple[str, str]] = []
    listed = data.get("siblings")
    cut = False
    for item in listed if isinstance(listed, list) else []:
        if len(siblings) >= hubcache.MAX_FILES:
            cut = True
            break
        name = item.get("rfilename") if isinstance(item, dict) else None
        if not isinstance(name, str):
            continue
        why = hubcache.unsafe_name(name)
        if why is not None:
            skipped.append((hubcache.shown_name(name), why))
            continue
        lfs = item.get("lfs") if isinstance(item.get("lfs"), dict) else {}
        entry = hubcache._tree_entry({"size": item.get("size"), "blob_id": item.get("blobId"),
                                      "lfs_sha256": lfs.get("sha256"),
                                      "lfs_size": lfs.get("size")})
        if entry is None:
            siblings.append(Sibling(name, None, None, None, None))
        else:
            siblings.append(Sibling(name, entry.size, entry.blob_id, entry.lfs_sha256,
                                    entry.lfs_size))
    sha = data.get("sha")

    def mapping(key: str) -> dict[str, Any] | None:
        value = data.get(key)
        return value if isinstance(value, dict) else None

    return HubInfo(sha if isinstance(sha, str) else None, tuple(siblings), tuple(skipped), cut,
                   data.get("gated") if isinstance(data.get("gated"), (bool, str)) else None,
                   data.get("private") is True, mapping("cardData"), mapping("safetensors"),
                   mapping("gguf"))


# -- opening a Hub target -------------------------------------------------------------------

def open_hub(target: str, options: SourceOptions) -> HubSnapshot:
    repo_type, repo_id, revision = parse_hub_target(target)
    revision = revision or options.rev or "main"
    _check_revision(target, revision)
    endpoint = _endpoint()
    offline = options.offline or os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true")
    if offline:
        return _open_offline(target, repo_id, revision, endpoint, options.token, repo_type)
    try:
        return _open_online(target, repo_id, revision, endpoint, options.token, repo_type)
    except (SourceError, FileReadError):
        raise
    except Exception as exc:  # noqa: BLE001 - every client failure becomes one clear line
        raise SourceError(describe_error(exc, repo_id, revision, endpoint,
                                         options.token is not None or _has_token())) from None


def _has_token() -> bool:
    from huggingface_hub import get_token

    return get_token() is not None


def _open_online(target: str, repo_id: str, revision: str, endpoint: str,
                 token: str | None, repo_type: str = MODEL) -> HubSnapshot:
    budget = hubhttp.Budget()
    info = hubhttp.with_retries(lambda: model_info(endpoint, repo_id, revision, token, budget,
                                                   files=True, repo_type=repo_type))
    commit = info.sha
    if not commit or not _COMMIT.match(commit):
        raise SourceError(f"the Hub did not say which commit {revision!r} is")
    problems = [SourceProblem(name, f"{why} in the Hub's file listing; skipped")
                for name, why in info.skipped]
    unreadable: dict[str, str] = {}  # fetches that failed, and why
    files: list[FileEntry] = []
    lfs_ids: dict[str, LfsPointer] = {}
    for sibling in info.siblings:
        files.append(FileEntry(sibling.path, sibling.size or 0))
        if sibling.lfs_sha256 is not None:
            lfs_ids[sibling.path] = LfsPointer(sibling.lfs_sha256,
                                               sibling.lfs_size or sibling.size or 0)
    files.sort(key=lambda f: f.path)
    storage = _storage_folder(repo_id, repo_type)
    if not info.cut:
        _remember(storage, revision, commit, info.siblings)

    local: dict[str, Path] = {}
    kept: dict[str, bytes] = {}  # fetched, but the cache could not keep them
    withheld: dict[str, str] = {}  # gated without access: what could not be read, and why
    for entry in sorted(files, key=lambda f: f.path != CARD_PATH):  # the card first
        if not _wants_prefetch(entry, entry.path in lfs_ids, repo_type):
            continue
        if withheld and entry.path != CARD_PATH:
            withheld[entry.path] = GATED_NOTE  # refused once: the others are refused too
            continue
        try:
            fetched = _fetch(storage, repo_id, entry, commit, endpoint, token, budget,
                             unreadable, repo_type)
        except Exception as exc:
            if not (info.gated and _is_gated_refusal(exc)):
                raise
            withheld[entry.path] = GATED_NOTE
            continue
        if isinstance(fetched, Path):
            local[entry.path] = fetched
        elif fetched is not None:
            kept[entry.path] = fetched
    hub = {"gated": info.gated, "private": info.private,
           "safetensors": info.safetensors, "gguf": info.gguf}
    synthetic: dict[str, bytes] = dict(kept)
    if withheld:
        for entry in files:  # weight headers and every other file are refused as well
            if entry.path not in local:
                withheld.setdefault(entry.path, GATED_NOTE)
        if CARD_PATH in withheld:
            # The card's metadata is public (the model page shows it): lint that much of it.
            synthetic[CARD_PATH] = _card_from_data(info.card_data or {})
            withheld[CARD_PATH] = "card text withheld; its metadata read from the Hub's card data"
    gap = f"the Hub's listing was cut at {hubcache.MAX_FILES} files" if info.cut else None
    snapshot = HubSnapshot(_info(target, "hf", _web(endpoint, repo_id, repo_type), commit,
                                 repo_id, repo_type),
                           tuple(files), problems=tuple(problems), repo_id=repo_id, commit=commit,
                           endpoint=endpoint, token=token, local=local, offline=False, hub=hub,
                           listing_gap=gap, budget=budget, repo_type=repo_type)
    snapshot.withheld = withheld
    snapshot.synthetic = synthetic
    snapshot.unreadable = unreadable
    return snapshot


CARD_PATH = "README.md"
GATED_NOTE = "gated repository without access"


def _is_gated_refusal(exc: BaseException) -> bool:
    from huggingface_hub.errors import GatedRepoError

    return isinstance(exc, GatedRepoError) or (
        hubhttp.status_of(exc) in (401, 403) and "gated" in str(exc).lower())


def _card_from_data(data: dict[str, Any]) -> bytes:
    """A README holding only the card data's front matter (no body: it was not served)."""
    import yaml

    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n".encode()


def _fetch(storage: Path, repo_id: str, entry: FileEntry, commit: str, endpoint: str,
           token: str | None, budget: hubhttp.Budget,
           unreadable: dict[str, str], repo_type: str = MODEL) -> Path | bytes | None:
    """One small file, whole: kept in the cache (its blob's path), or its bytes when the cache
    cannot keep it; None (and why in ``unreadable``, for the read that reports it) when it
    cannot be fetched. Access refusals raise: the caller decides what a gated or private
    repository means."""
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    cap = entry.size if 0 < entry.size <= SMALL_FILE_MAX else SMALL_FILE_MAX
    try:
        answer = hubhttp.with_retries(lambda: hubhttp.get(
            resolve_url(endpoint, repo_id, commit, entry.path, repo_type), token=token,
            max_bytes=cap,
            budget=budget))
    except RepositoryNotFoundError:
        raise  # gated or private: the whole target is unreadable
    except HfHubHTTPError as exc:
        if hubhttp.status_of(exc) in (401, 403):
            raise
        unreadable[entry.path] = describe_error(exc, repo_id, commit, endpoint, token is not None)
        return None
    except hubhttp.TooLarge:
        unreadable[entry.path] = (f"the Hub sent more than the {entry.size} bytes it listed for "
                                  "this file; not read")
        return None
    except Exception as exc:  # noqa: BLE001 - one file that cannot be fetched is an ML901
        unreadable[entry.path] = describe_error(exc, repo_id, commit, endpoint, token is not None)
        return None
    try:
        return hubcache.store_file(storage, commit, entry.path, answer.body)
    except (OSError, ValueError):
        return answer.body


def _info(target: str, kind: str, origin: str, commit: str, repo_id: str,
          repo_type: str = MODEL) -> TargetInfo:
    return TargetInfo(target=target, kind=kind, origin=origin, revision=commit,
                      name=repo_id.rsplit("/", 1)[-1], repo_id=repo_id, repo_type=repo_type)


def _web(endpoint: str, repo_id: str, repo_type: str) -> str:
    """The repository's page: endpoint/org/name, or endpoint/datasets/org/name."""
    return f"{endpoint}/datasets/{repo_id}" if repo_type == DATASET else f"{endpoint}/{repo_id}"


def _remember(storage: Path, revision: str, commit: str, siblings: tuple[Sibling, ...]) -> None:
    """Record the listing and the ref in the Hub cache so ``--offline`` can lint this commit."""
    try:
        if revision != commit:
            hubcache.store_ref(storage, revision, commit)
        if all(s.size is not None and s.blob_id is not None for s in siblings):
            hubcache.store_tree(storage, commit, {
                s.path: hubcache.TreeEntry(s.size or 0, s.blob_id, s.lfs_sha256, s.lfs_size)
                for s in siblings})
    except OSError:
        return


# -- the local Hub cache --------------------------------------------------------------------

CACHE_GAP = "the Hub cache lists only the files that were downloaded"


def _open_offline(target: str, repo_id: str, revision: str, endpoint: str,
                  token: str | None, repo_type: str = MODEL) -> HubSnapshot:
    storage = _storage_folder(repo_id, repo_type)
    commit = _resolve_cached(storage, revision)
    if commit is None:
        raise SourceError(f"revision {revision!r} is not in the local cache "
                          f"({storage}); lint it once online, or drop --offline")
    return _cached_snapshot(_info(target, "hf", _web(endpoint, repo_id, repo_type), commit,
                                  repo_id, repo_type),
                            storage, repo_id, commit, endpoint, token)


def _cached_snapshot(info: TargetInfo, storage: Path, repo_id: str, commit: str, endpoint: str,
                     token: str | None) -> HubSnapshot:
    """The offline snapshot of one cached commit: the cached tree listing if there is one (the
    whole commit), else the snapshot's downloaded files (and a listing gap that says so)."""
    downloaded = hubcache.list_snapshot(storage, commit)
    problems = [SourceProblem(path, why) for path, why in downloaded.problems]
    local = downloaded.files
    tree = hubcache.read_tree(storage, commit)
    files: list[FileEntry] = []
    gap: str | None = None
    if tree is not None:
        problems += [SourceProblem(name, f"{why} in the cached listing; skipped")
                     for name, why in tree.skipped]
        for path, entry in tree.files.items():
            # Not downloaded: the content is elsewhere, as with a git-lfs pointer.
            lfs = (LfsPointer(entry.lfs_sha256, entry.lfs_size or entry.size)
                   if entry.lfs_sha256 and path not in local else None)
            files.append(FileEntry(path, entry.size, lfs))
        if tree.cut:
            gap = f"the cached listing was cut at {hubcache.MAX_FILES} files"
    else:
        for rel, real in local.items():
            try:
                files.append(FileEntry(rel, real.stat().st_size))
            except OSError as exc:
                problems.append(SourceProblem(rel, exc.strerror or str(exc)))
        gap = CACHE_GAP
    files.sort(key=lambda f: f.path)
    return HubSnapshot(info, tuple(files), problems=tuple(problems), repo_id=repo_id,
                       commit=commit, endpoint=endpoint, token=token, local=local, offline=True,
                       listing_gap=gap, repo_type=info.repo_type or MODEL)


def _resolve_cached(storage: Path, revision: str) -> str | None:
    if _COMMIT.match(revision):
        folder = storage / "snapshots" / revision
        return revision if folder.is_dir() and not folder.is_symlink() else None
    return hubcache.read_ref(storage, revision)


def open_cache_folder(target: str, options: SourceOptions) -> HubSnapshot:
    """A ``models--org--name`` (or ``datasets--org--name``) folder of the Hub cache, linted as the
    commit ``refs/main`` names."""
    storage = Path(target)
    name = storage.resolve().name if storage.exists() else storage.name
    parts = name.split("--")
    repo_id = "/".join(parts[1:])
    if not storage.is_dir() or parts[0] not in _CACHE_KINDS or not _REPO_ID.match(repo_id):
        raise SourceError("not a Hub cache folder (models--ORG--NAME or datasets--ORG--NAME)")
    repo_type = _CACHE_KINDS[parts[0]]
    if options.rev:
        # An asked-for revision is that one or nothing, never whichever snapshot is newest.
        _check_revision(target, options.rev)
        commit = _resolve_cached(storage, options.rev)
        if commit is None:
            raise SourceError(f"revision {options.rev!r} is not in this Hub cache folder")
    else:
        commit = _resolve_cached(storage, "main") or hubcache.newest_snapshot(storage)
        if commit is None:
            raise SourceError("no snapshot in this Hub cache folder")
    return _cached_snapshot(_info(target, "hf-cache", str(storage.resolve()), commit, repo_id,
                                  repo_type),
                            storage, repo_id, commit, _endpoint(), None)


_CACHE_KINDS = {"models": MODEL, "datasets": DATASET}
