"""Hugging Face Hub repositories, linted without downloading weights.

One ``model_info`` call lists the files (sizes, LFS ids) at a resolved commit. The small text files
licensing cares about are fetched through ``hf_hub_download`` and so land in the Hub cache; weight
headers are read with HTTP Range requests to the resolve URL. Nothing else is fetched.

``huggingface_hub`` is imported only inside functions: a local scan never loads it.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

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
from modellint.sources.options import SourceOptions

# Bounded network behaviour; tests lower these.
TIMEOUT = 15.0  # seconds per request
TRIES = 3  # attempts for 429 / 5xx answers
BACKOFF = 0.5  # first wait; doubles per try
BACKOFF_CAP = 4.0  # no wait (Retry-After included) is longer than this
# Files fetched whole: the text files facts read, under this size (facts read at most 1 MiB + 1).
SMALL_FILE_MAX = 1024 * 1024 + 1
# A single ranged read never asks for more than this (weight headers are far smaller).
MAX_RANGE = 100 * 1024 * 1024
_PREFETCH_ROLES = (cls.CARD, cls.LICENSE, cls.NOTICE, cls.POLICY, cls.CHANGELOG, cls.CONFIG)
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}"
_REPO_ID = re.compile(rf"^({_SEGMENT}/)?{_SEGMENT}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_WEB = re.compile(r"^https?://(?:www\.)?huggingface\.co/(?P<repo>[^/?#]+(?:/[^/?#]+)?)"
                  r"(?:/(?:tree|blob|resolve)/(?P<rev>[^/?#]+))?/?(?:[?#].*)?$", re.I)

T = TypeVar("T")


# -- target parsing -------------------------------------------------------------------------

def parse_target(target: str) -> tuple[str, str | None]:
    """``hf://org/name[@rev]`` or a huggingface.co URL -> (repo_id, revision or None)."""
    if target.startswith("hf://"):
        rest = target[len("hf://"):].strip("/")
        if rest.startswith("models/"):
            rest = rest[len("models/"):]
        repo, _, rev = rest.partition("@")
        revision = rev or None
    else:
        match = _WEB.match(target)
        if not match:
            raise SourceError("not a model URL (expected huggingface.co/ORG/NAME)")
        repo = match.group("repo")
        revision = unquote(match.group("rev")) if match.group("rev") else None
    if revision is not None:
        _check_revision(target, revision)
    if repo.split("/", 1)[0] in ("datasets", "spaces"):
        raise SourceError("only model repositories can be linted")
    if not _REPO_ID.match(repo) or ".." in repo:
        raise SourceError(f"invalid repository id {repo!r} (expected ORG/NAME)")
    return repo, revision


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


def _storage_folder(repo_id: str) -> Path:
    return Path(cache_dir()) / ("models--" + repo_id.replace("/", "--"))


# -- errors ---------------------------------------------------------------------------------

def _http_errors() -> tuple[type[BaseException], type[BaseException]]:
    """(timeout, transport) exception classes of the HTTP client huggingface_hub uses."""
    try:
        import httpx2 as httpx  # huggingface_hub >= 2
    except ImportError:  # pragma: no cover - older huggingface_hub
        import httpx  # type: ignore[no-redef]
    return httpx.TimeoutException, httpx.TransportError


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def with_retries(call: Callable[[], T]) -> T:
    """Run ``call``, retrying a few times, with short capped waits, on 429 and 5xx answers."""
    from huggingface_hub.errors import HfHubHTTPError

    wait = BACKOFF
    for attempt in range(1, TRIES + 1):
        try:
            return call()
        except HfHubHTTPError as exc:
            if _status(exc) not in _RETRY_STATUS or attempt == TRIES:
                raise
            time.sleep(min(BACKOFF_CAP, _retry_after(exc) or wait))
            wait *= 2
    raise AssertionError("unreachable")  # pragma: no cover


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

    timeout_error, transport_error = _http_errors()
    login = "set HF_TOKEN, pass --token or run `hf auth login`"
    if isinstance(exc, LocalEntryNotFoundError) and exc.__cause__ is not None:
        exc = exc.__cause__
    status = _status(exc)
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
        return (f"rate limited by the Hub (HTTP 429) after {TRIES} tries; "
                f"wait a minute or authenticate for a higher limit")
    if status in (401, 403):
        return f"access denied (HTTP {status}); {login}"
    if status is not None and status >= 500:
        return f"the Hub answered HTTP {status} after {TRIES} tries; try again later"
    if status is not None:
        return f"the Hub answered HTTP {status}"
    if isinstance(exc, timeout_error):
        return f"no answer from {endpoint} within {TIMEOUT:g} s"
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
                 listing_gap: str | None = None) -> None:
        self.repo_id = repo_id
        self.listing_gap = listing_gap
        self.commit = commit
        self.endpoint = endpoint
        self._token = token
        self.local = local
        self.offline = offline
        self.hub = hub or {}  # gated, private, safetensors / gguf summaries from model_info
        # A gated repository without access: files served from the Hub's public data instead
        # (the card's front matter from its card data), by path.
        self.synthetic: dict[str, bytes] = {}
        # Lineage reads base models' licenses from their Hub cards; offline, the table serves.
        self.base_model_resolver = None if offline else HubBaseResolver(endpoint, token)
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
        if path in self.local:
            return _read_local(self.local[path], path, start, end)
        if path in self.withheld:
            raise FileReadError(f"{path}: {self.withheld[path]}")
        if self.offline:
            raise FileReadError(f"{path}: not in the local cache (offline)")
        try:
            return with_retries(lambda: self._get_range(path, start, end))
        except FileReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - any client failure is one unreadable file
            message = describe_error(exc, self.repo_id, self.commit, self.endpoint,
                                     self._token is not None)
            raise FileReadError(f"{path}: {message}") from None

    def _get_range(self, path: str, start: int, end: int) -> bytes:
        from huggingface_hub import hf_hub_url
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

        url = hf_hub_url(self.repo_id, path, revision=self.commit, endpoint=self.endpoint)
        headers = build_hf_headers(token=self._token)
        headers["Range"] = f"bytes={start}-{end - 1}"
        headers["Accept-Encoding"] = "identity"
        want = end - start
        # Redirects to a CDN drop the Authorization header (the client strips it cross-origin).
        with get_session().stream("GET", url, headers=headers, timeout=TIMEOUT,
                                  follow_redirects=True) as response:
            if response.status_code == 416:
                return b""
            if response.status_code >= 400:
                response.read()
                hf_raise_for_status(response)
            if response.status_code == 200 and start > 0:
                # The server ignored the range: never stream a weight body to find the offset.
                raise FileReadError(f"{path}: the server does not support ranged reads")
            chunks: list[bytes] = []
            got = 0
            for chunk in response.iter_raw():
                chunks.append(chunk[: want - got])
                got += len(chunks[-1])
                if got >= want:
                    break
            return b"".join(chunks)


def _read_local(full: Path, path: str, start: int, end: int) -> bytes:
    try:
        with open(full, "rb") as fh:
            fh.seek(start)
            return fh.read(end - start)
    except OSError as exc:
        raise FileReadError(f"{path}: {exc.strerror or exc}") from None


class HubBaseResolver:
    """Looks up a base model's license fields in its Hub card data: one API call per base, no
    file downloads. A missing or gated base is reported as such; an unreachable Hub returns None
    so that lineage falls back to its offline table and says so."""

    kind = "hub"

    def __init__(self, endpoint: str, token: str | None) -> None:
        self.endpoint = endpoint
        self._token = token
        self.cache_key = f"hub:{endpoint}"

    def __repr__(self) -> str:  # keep the token out of any repr
        return f"HubBaseResolver({self.endpoint})"

    def license_of(self, model_id: str) -> Any:
        from huggingface_hub import HfApi
        from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

        from modellint.facts.basecard import ResolvedBase, resolved_from_metadata

        if not _REPO_ID.match(model_id):
            return None  # a local path or a URL: not a Hub id
        api = HfApi(endpoint=self.endpoint, token=self._token)
        try:
            info = with_retries(lambda: api.model_info(model_id, expand=["cardData"],
                                                       timeout=TIMEOUT))
        except (RepositoryNotFoundError, GatedRepoError) as exc:
            reason = describe_error(exc, model_id, None, self.endpoint, self._token is not None)
            return ResolvedBase(model_id, source="hub", error=reason)
        except Exception:  # noqa: BLE001 - unreachable or failing Hub: the offline table decides
            return None
        card = info.card_data
        meta = card.to_dict() if card is not None else {}
        return resolved_from_metadata(model_id, meta, "hub")


def _wants_prefetch(entry: FileEntry, is_lfs: bool) -> bool:
    if is_lfs or entry.size > SMALL_FILE_MAX or entry.path.lower().endswith(OPAQUE_SUFFIXES):
        return False
    return cls.classify(entry.path).role in _PREFETCH_ROLES


# -- opening a Hub target -------------------------------------------------------------------

def open_hub(target: str, options: SourceOptions) -> HubSnapshot:
    repo_id, revision = parse_target(target)
    revision = revision or options.rev or "main"
    _check_revision(target, revision)
    endpoint = _endpoint()
    offline = options.offline or os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true")
    if offline:
        return _open_offline(target, repo_id, revision, endpoint, options.token)
    try:
        return _open_online(target, repo_id, revision, endpoint, options.token)
    except (SourceError, FileReadError):
        raise
    except Exception as exc:  # noqa: BLE001 - every client failure becomes one clear line
        raise SourceError(describe_error(exc, repo_id, revision, endpoint,
                                         options.token is not None or _has_token())) from None


def _has_token() -> bool:
    from huggingface_hub import get_token

    return get_token() is not None


def _open_online(target: str, repo_id: str, revision: str, endpoint: str,
                 token: str | None) -> HubSnapshot:
    from huggingface_hub import HfApi, hf_hub_download

    api = HfApi(endpoint=endpoint, token=token)
    # files_metadata gives sizes and LFS ids; the client does not allow it together with `expand`.
    info = with_retries(lambda: api.model_info(repo_id, revision=revision, files_metadata=True,
                                               timeout=TIMEOUT))
    commit = info.sha
    if not commit or not _COMMIT.match(commit):
        raise SourceError(f"the Hub did not say which commit {revision!r} is")
    files: list[FileEntry] = []
    lfs_ids: dict[str, LfsPointer] = {}
    for sibling in info.siblings or []:
        size = sibling.size if sibling.size is not None else 0
        files.append(FileEntry(sibling.rfilename, int(size)))
        if sibling.lfs is not None:
            lfs_ids[sibling.rfilename] = LfsPointer(sibling.lfs.sha256, int(sibling.lfs.size))
    files.sort(key=lambda f: f.path)
    storage = _storage_folder(repo_id)
    _remember(storage, revision, commit, info.siblings or [])

    local: dict[str, Path] = {}
    problems: list[SourceProblem] = []
    withheld: dict[str, str] = {}  # gated without access: what could not be read, and why
    for entry in sorted(files, key=lambda f: f.path != CARD_PATH):  # the card first
        if not _wants_prefetch(entry, entry.path in lfs_ids):
            continue
        if withheld and entry.path != CARD_PATH:
            withheld[entry.path] = GATED_NOTE  # refused once: the others are refused too
            continue
        try:
            local_path = _download(hf_hub_download, repo_id, entry.path, commit, endpoint, token,
                                   problems)
        except Exception as exc:
            if not (info.gated and _is_gated_refusal(exc)):
                raise
            withheld[entry.path] = GATED_NOTE
            continue
        if local_path is not None:
            local[entry.path] = local_path
    hub = {"gated": info.gated, "private": info.private,
           "safetensors": _plain(info.safetensors), "gguf": info.gguf}
    synthetic: dict[str, bytes] = {}
    if withheld:
        for entry in files:  # weight headers and every other file are refused as well
            if entry.path not in local:
                withheld.setdefault(entry.path, GATED_NOTE)
        if CARD_PATH in withheld:
            # The card's metadata is public (the model page shows it): lint that much of it.
            data = info.card_data.to_dict() if info.card_data is not None else {}
            synthetic[CARD_PATH] = _card_from_data(data)
            withheld[CARD_PATH] = "card text withheld; its metadata read from the Hub's card data"
    snapshot = HubSnapshot(_info(target, "hf", f"{endpoint}/{repo_id}", commit, repo_id),
                           tuple(files), problems=tuple(problems), repo_id=repo_id, commit=commit,
                           endpoint=endpoint, token=token, local=local, offline=False, hub=hub)
    snapshot.withheld = withheld
    snapshot.synthetic = synthetic
    return snapshot


CARD_PATH = "README.md"
GATED_NOTE = "gated repository without access"


def _is_gated_refusal(exc: BaseException) -> bool:
    from huggingface_hub.errors import GatedRepoError

    return isinstance(exc, GatedRepoError) or (
        _status(exc) in (401, 403) and "gated" in str(exc).lower())


def _card_from_data(data: dict[str, Any]) -> bytes:
    """A README holding only the card data's front matter (no body: it was not served)."""
    import yaml

    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n".encode()


def _download(hf_hub_download: Callable[..., str], repo_id: str, path: str, commit: str,
              endpoint: str, token: str | None, problems: list[SourceProblem]) -> Path | None:
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    try:
        return Path(with_retries(lambda: hf_hub_download(
            repo_id, path, revision=commit, endpoint=endpoint, token=token,
            cache_dir=cache_dir(), etag_timeout=TIMEOUT)))
    except RepositoryNotFoundError:
        raise  # gated or private: the whole target is unreadable
    except HfHubHTTPError as exc:
        if _status(exc) in (401, 403):
            raise
        problems.append(SourceProblem(path, describe_error(exc, repo_id, commit, endpoint,
                                                           token is not None)))
    except Exception as exc:  # noqa: BLE001 - one file that cannot be fetched is an ML901
        cause = exc.__cause__ or exc
        if isinstance(cause, (RepositoryNotFoundError,)) or _status(cause) in (401, 403):
            raise cause from None
        problems.append(SourceProblem(path, describe_error(exc, repo_id, commit, endpoint,
                                                           token is not None)))
    return None


def _plain(value: Any) -> Any:
    if value is None:
        return None
    return {k: v for k, v in vars(value).items() if not k.startswith("_")}


def _info(target: str, kind: str, origin: str, commit: str, repo_id: str) -> TargetInfo:
    return TargetInfo(target=target, kind=kind, origin=origin, revision=commit,
                      name=repo_id.rsplit("/", 1)[-1], repo_id=repo_id)


def _remember(storage: Path, revision: str, commit: str, siblings: list[Any]) -> None:
    """Record the listing and the ref in the Hub cache so ``--offline`` can lint this commit."""
    try:
        if revision != commit:
            ref = storage / "refs" / revision
            ref.parent.mkdir(parents=True, exist_ok=True)
            ref.write_text(commit)
        from huggingface_hub._tree_cache import TreeCacheEntry, write_tree_cache
    except (OSError, ImportError):
        return
    entries = {}
    for s in siblings:
        if s.size is None or s.blob_id is None:
            return
        entries[s.rfilename] = TreeCacheEntry(
            size=s.size, blob_id=s.blob_id, lfs_sha256=s.lfs.sha256 if s.lfs else None,
            lfs_size=s.lfs.size if s.lfs else None)
    write_tree_cache(str(storage), commit, entries)


# -- the local Hub cache --------------------------------------------------------------------

CACHE_GAP = "the Hub cache lists only the files that were downloaded"


def _open_offline(target: str, repo_id: str, revision: str, endpoint: str,
                  token: str | None) -> HubSnapshot:
    storage = _storage_folder(repo_id)
    commit = _resolve_cached(storage, revision)
    if commit is None:
        raise SourceError(f"revision {revision!r} is not in the local cache "
                          f"({storage}); lint it once online, or drop --offline")
    return _cached_snapshot(_info(target, "hf", f"{endpoint}/{repo_id}", commit, repo_id),
                            storage, repo_id, commit, endpoint, token)


def _cached_snapshot(info: TargetInfo, storage: Path, repo_id: str, commit: str, endpoint: str,
                     token: str | None) -> HubSnapshot:
    """The offline snapshot of one cached commit."""
    files, local, problems, complete = _cached_listing(storage, commit)
    return HubSnapshot(info, files, problems=problems, repo_id=repo_id, commit=commit,
                       endpoint=endpoint, token=token, local=local, offline=True,
                       listing_gap=None if complete else CACHE_GAP)


def _resolve_cached(storage: Path, revision: str) -> str | None:
    if _COMMIT.match(revision):
        return revision if (storage / "snapshots" / revision).is_dir() else None
    ref = storage / "refs" / revision
    try:
        commit = ref.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return commit if _COMMIT.match(commit) else None


def _cached_listing(storage: Path, commit: str) -> tuple[
        tuple[FileEntry, ...], dict[str, Path], tuple[SourceProblem, ...], bool]:
    """Files of one cached commit: the cached tree listing if there is one (complete: True),
    else the snapshot's downloaded files (complete: False)."""
    snapshot_dir = storage / "snapshots" / commit
    local: dict[str, Path] = {}
    problems: list[SourceProblem] = []
    real_storage = storage.resolve()
    if snapshot_dir.is_dir():
        for dirpath, _dirs, names in os.walk(snapshot_dir):
            for name in names:
                full = Path(dirpath, name)
                rel = full.relative_to(snapshot_dir).as_posix()
                try:
                    real = full.resolve(strict=True)
                except (OSError, RuntimeError):
                    problems.append(SourceProblem(rel, "dangling link in the Hub cache"))
                    continue
                if real_storage not in real.parents:
                    problems.append(SourceProblem(rel, "links outside the Hub cache; not followed"))
                    continue
                local[rel] = real
    tree = _read_tree(storage, commit)
    files: list[FileEntry] = []
    if tree is not None:
        for path, entry in tree.items():
            # Not downloaded: the content is elsewhere, as with a git-lfs pointer.
            lfs = (LfsPointer(entry.lfs_sha256, int(entry.lfs_size or entry.size))
                   if entry.lfs_sha256 and path not in local else None)
            files.append(FileEntry(path, int(entry.size), lfs))
    else:
        for rel, real in local.items():
            files.append(FileEntry(rel, real.stat().st_size))
    files.sort(key=lambda f: f.path)
    return tuple(files), local, tuple(problems), tree is not None


def _read_tree(storage: Path, commit: str) -> dict[str, Any] | None:
    try:
        from huggingface_hub._tree_cache import read_tree_cache
    except ImportError:  # pragma: no cover - older huggingface_hub keeps no listing
        return None
    return read_tree_cache(str(storage), commit)


def open_cache_folder(target: str, options: SourceOptions) -> HubSnapshot:
    """A ``models--org--name`` folder of the Hub cache, linted as the commit ``refs/main`` names."""
    storage = Path(target)
    name = storage.resolve().name if storage.exists() else storage.name
    parts = name.split("--")
    repo_id = "/".join(parts[1:])
    if not storage.is_dir() or parts[0] != "models" or not _REPO_ID.match(repo_id):
        raise SourceError("not a Hub cache folder (models--ORG--NAME)")
    if options.rev:
        # An asked-for revision is that one or nothing, never whichever snapshot is newest.
        _check_revision(target, options.rev)
        commit = _resolve_cached(storage, options.rev)
        if commit is None:
            raise SourceError(f"revision {options.rev!r} is not in this Hub cache folder")
    else:
        commit = _resolve_cached(storage, "main") or _newest_snapshot(storage)
    return _cached_snapshot(_info(target, "hf-cache", str(storage.resolve()), commit, repo_id),
                            storage, repo_id, commit, _endpoint(), None)


def _newest_snapshot(storage: Path) -> str:
    snapshots = storage / "snapshots"
    found = [p for p in snapshots.iterdir() if p.is_dir()] if snapshots.is_dir() else []
    found.sort(key=lambda p: p.stat().st_mtime)
    if not found:
        raise SourceError("no snapshot in this Hub cache folder")
    return found[-1].name
