"""A small Hugging Face Hub stand-in on 127.0.0.1 for tests and benchmarks.

It serves repositories from folders on disk with the answers the real ``huggingface_hub`` client
relies on: ``/api/models/{repo}[/revision/{rev}]`` JSON (``sha``, ``siblings`` with sizes and LFS
ids, ``cardData``, ``gated``), ``/{repo}/resolve/{rev}/{path}`` with ``X-Repo-Commit``, ``ETag``,
``Content-Length`` and, for LFS files, a redirect to a second port (a "CDN", another origin) with
``X-Linked-Size`` / ``X-Linked-ETag``. ``/api/models`` lists models as the Hub's search does
(``search``, ``author``, ``filter`` tags, ``sort``, ``direction``, ``limit``), in pages of
``page_size`` linked by a ``Link: <...>; rel="next"`` header. Range requests get 206. Failures are
switchable: gated (401/403; ``public_files`` are served all the same, as a public card), private,
missing repo / revision / file (404 with ``X-Error-Code``), injected 429 / 5xx, and a delay for
timeouts. Every request and every body byte sent is counted per path, so a test can
prove that no weight body left the server.

Dataset repositories (``add_repo(..., repo_type="dataset")``) are served as the Hub serves them:
``/api/datasets/{repo}[/revision/{rev}]`` (the same JSON, as ``dataset_info`` reads it) and
``/datasets/{repo}/resolve/{rev}/{path}``; data files (Parquet, Arrow, archives...) are LFS files,
redirected to the CDN like weights. A dataset is never answered under ``/api/models`` (nor a
model under ``/api/datasets``): the two kinds may share an id.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import yaml

LFS_SUFFIXES = (".safetensors", ".gguf", ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".h5", ".msgpack",
                ".parquet", ".arrow", ".tar", ".tar.gz", ".zip", ".jsonl.zst", ".npy")
DATASETS = "datasets/"  # a dataset's key in FakeHub.repos: datasets/org/name
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*(\n|\Z)", re.S)


@dataclass
class Revision:
    folder: Path
    commit: str


@dataclass
class Repo:
    repo_id: str
    revisions: dict[str, Revision] = field(default_factory=dict)  # branch/tag -> revision
    gated: bool = False
    private: bool = False
    extra: dict = field(default_factory=dict)  # merged into the model_info JSON
    extra_siblings: list = field(default_factory=list)  # listed, whatever the folder holds
    public_files: set = field(default_factory=set)  # served even when gated (a public card)


@dataclass
class Failure:
    status: int
    times: int | None  # None: forever
    path_prefix: str
    headers: dict[str, str]


def _git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - git's id


class FakeHub:
    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.granted_tokens: set[str] = set()
        self.failures: list[Failure] = []
        self.delay = 0.0
        self.header_overrides: list[tuple[str, dict[str, str]]] = []  # (path prefix, headers)
        self.responders: list[tuple[str, Callable[[BaseHTTPRequestHandler, bool], None]]] = []
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self.bytes_sent: Counter[str] = Counter()  # body bytes per request path
        self.auth_seen: list[tuple[str, str | None]] = []  # (path, Authorization header)
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self.url = ""
        self.cdn_url = ""
        self.page_size = 1000  # models per /api/models page

    # -- fixture set-up -------------------------------------------------------------------
    def add_repo(self, repo_id: str, folder: Path, *, revision: str = "main", gated: bool = False,
                 private: bool = False, extra: dict | None = None,
                 public_files: tuple[str, ...] = (), extra_siblings: list[dict] | None = None,
                 repo_type: str = "model") -> str:
        """Serve ``folder`` as ``revision`` of ``repo_id`` (a model, or a dataset); returns the
        commit sha."""
        key = DATASETS + repo_id if repo_type == "dataset" else repo_id
        repo = self.repos.setdefault(key, Repo(repo_id))
        repo.extra_siblings.extend(extra_siblings or [])
        repo.public_files.update(public_files)
        repo.gated = repo.gated or gated
        repo.private = repo.private or private
        repo.extra.update(extra or {})
        digest = hashlib.sha1(f"{key}@{revision}".encode())  # noqa: S324 - a fake commit id
        for path in sorted(self._walk(folder)):
            digest.update(path.encode() + (folder / path).read_bytes())
        commit = digest.hexdigest()
        repo.revisions[revision] = Revision(folder, commit)
        return commit

    def fail(self, status: int, *, times: int | None = None, path_prefix: str = "/",
             headers: dict[str, str] | None = None) -> None:
        self.failures.append(Failure(status, times, path_prefix, headers or {}))

    def override_headers(self, path_prefix: str, headers: dict[str, str]) -> None:
        """Every answer under ``path_prefix`` carries ``headers``, replacing its own."""
        self.header_overrides.append((path_prefix, headers))

    def respond(self, path_prefix: str,
                write: Callable[[BaseHTTPRequestHandler, bool], None]) -> None:
        """Requests under ``path_prefix`` are answered by ``write(handler, head)`` alone."""
        self.responders.append((path_prefix, write))

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.bytes_sent.clear()
            self.auth_seen.clear()

    def bytes_for(self, file_path: str) -> int:
        """Body bytes sent for one repository file over resolve and CDN URLs."""
        return sum(n for path, n in self.bytes_sent.items() if path.endswith("/" + file_path))

    # -- serving --------------------------------------------------------------------------
    def start(self) -> FakeHub:
        handler = _make_handler(self)
        for _ in range(2):  # the Hub, then the "CDN" (another port, so another origin)
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            server.block_on_close = False
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True).start()
            self._servers.append(server)
        self.url = f"http://127.0.0.1:{self._servers[0].server_address[1]}"
        self.cdn_url = f"http://127.0.0.1:{self._servers[1].server_address[1]}"
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    @staticmethod
    def _walk(folder: Path) -> list[str]:
        return [p.relative_to(folder).as_posix() for p in folder.rglob("*")
                if p.is_file() and ".git" not in p.relative_to(folder).parts]

    def _find(self, repo_id: str, rev: str) -> tuple[Repo | None, Revision | None]:
        repo = self.repos.get(repo_id)
        if repo is None:
            return None, None
        if rev in repo.revisions:
            return repo, repo.revisions[rev]
        for revision in repo.revisions.values():
            if revision.commit == rev:
                return repo, revision
        return repo, None

    def _take_failure(self, path: str) -> Failure | None:
        with self._lock:
            for failure in self.failures:
                if path.startswith(failure.path_prefix) and failure.times != 0:
                    if failure.times is not None:
                        failure.times -= 1
                    return failure
        return None

    def model_info(self, repo: Repo, rev: Revision, blobs: bool) -> dict:
        siblings = []
        card_data = None
        for path in sorted(self._walk(rev.folder)):
            data = (rev.folder / path).read_bytes()
            sibling: dict = {"rfilename": path}
            if blobs:
                sibling.update(size=len(data), blobId=_git_blob_id(data))
                if path.endswith(LFS_SUFFIXES):
                    sibling["lfs"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                                      "pointerSize": 134}
            siblings.append(sibling)
            if path == "README.md":
                match = _FRONT.match(data.decode("utf-8", "replace"))
                if match:
                    try:
                        loaded = yaml.safe_load(match.group(1))
                        card_data = loaded if isinstance(loaded, dict) else None
                    except yaml.YAMLError:
                        card_data = None
        siblings.extend(repo.extra_siblings)
        org, _, name = repo.repo_id.rpartition("/")
        info = {"_id": rev.commit[:24], "id": repo.repo_id, "modelId": repo.repo_id,
                "author": org or None, "sha": rev.commit, "private": repo.private,
                "gated": "manual" if repo.gated else False, "disabled": False,
                "lastModified": "2025-01-01T00:00:00.000Z", "tags": _tags(card_data),
                "siblings": siblings}
        if card_data is not None:
            info["cardData"] = card_data
        info.update(repo.extra)
        return info


def _tags(card_data: dict | None) -> list[str]:
    """The tags the Hub derives from a card: its ``tags``, ``license:ID``, ``base_model:ID``."""
    if not card_data:
        return []
    tags = [str(t) for t in card_data.get("tags") or [] if isinstance(t, (str, int))]
    licenses = card_data.get("license")
    for value in licenses if isinstance(licenses, list) else [licenses]:
        if isinstance(value, str):
            tags.append(f"license:{value}")
    bases = card_data.get("base_model")
    for value in bases if isinstance(bases, list) else [bases]:
        if isinstance(value, str):
            tags.append(f"base_model:{value}")
    if isinstance(card_data.get("pipeline_tag"), str):
        tags.append(card_data["pipeline_tag"])
    return tags


_SORT_KEYS = {"downloads": "downloads", "likes": "likes", "lastModified": "lastModified",
              "createdAt": "createdAt", "trendingScore": "trendingScore"}


def _make_handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(head=True)

        def do_GET(self) -> None:  # noqa: N802
            self._serve(head=False)

        # -- plumbing ---------------------------------------------------------------------
        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                  head: bool = False, length: int | None = None) -> None:
            self.send_response(status)
            headers = dict(headers or {})
            for prefix, forced in hub.header_overrides:
                if self.path.startswith(prefix):
                    headers.update(forced)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            with hub._lock:
                hub.requests.append((self.command, self.path.split("?")[0], status))
            self.end_headers()
            if not head and body:
                # Counted before writing, so a client that already has the bytes sees the count.
                with hub._lock:
                    hub.bytes_sent[unquote(self.path.split("?")[0])] += len(body)
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    return

        def _error(self, status: int, code: str | None, message: str, head: bool,
                   extra: dict[str, str] | None = None) -> None:
            headers = {"Content-Type": "application/json", **(extra or {})}
            if code:
                headers["X-Error-Code"] = code
            headers["X-Error-Message"] = message
            self._send(status, json.dumps({"error": message}).encode(), headers, head)

        def _token(self) -> str | None:
            auth = self.headers.get("Authorization", "")
            return auth[len("Bearer "):] if auth.startswith("Bearer ") else None

        def _serve(self, head: bool) -> None:
            path = urlsplit(self.path).path
            with hub._lock:
                hub.auth_seen.append((path, self.headers.get("Authorization")))
            if hub.delay:
                time.sleep(hub.delay)
            for prefix, write in hub.responders:
                if path.startswith(prefix):
                    with hub._lock:
                        hub.requests.append((self.command, path, 0))
                    try:
                        write(self, head)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
            failure = hub._take_failure(path)
            if failure is not None:
                self._error(failure.status, None, f"injected {failure.status}", head,
                            failure.headers)
                return
            try:
                if path.startswith("/cdn/"):
                    self._cdn(path, head)
                elif path.rstrip("/") == "/api/models":
                    self._list(head)
                elif path.startswith("/api/models/"):
                    self._api(path[len("/api/models/"):], "", head)
                elif path.startswith("/api/datasets/"):
                    self._api(path[len("/api/datasets/"):], DATASETS, head)
                elif "/resolve/" in path:
                    self._resolve(path, head)
                else:
                    self._error(404, None, "not found", head)
            except (BrokenPipeError, ConnectionResetError):
                pass

        # -- endpoints --------------------------------------------------------------------
        def _api(self, rest: str, prefix: str, head: bool) -> None:
            repo_id, _, rev = rest.partition("/revision/")
            repo_id, rev = unquote(repo_id), unquote(rev) or "main"
            # A model's id never starts with datasets/: the two kinds are kept apart.
            repo, revision = ((None, None) if repo_id.startswith(DATASETS)
                              else hub._find(prefix + repo_id, rev))
            if repo is None or (repo.private and self._token() not in hub.granted_tokens):
                self._error(401 if self._token() is None else 404, "RepoNotFound",
                            "Repository not found", head)
                return
            if revision is None:
                self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}", head)
                return
            blobs = parse_qs(urlsplit(self.path).query).get("blobs", ["false"])[0].lower() == "true"
            body = json.dumps(hub.model_info(repo, revision, blobs)).encode()
            self._send(200, body, {"Content-Type": "application/json"}, head)

        def _list(self, head: bool) -> None:
            query = parse_qs(urlsplit(self.path).query)
            search = query.get("search", [""])[0].lower()
            author = query.get("author", [None])[0]
            filters = query.get("filter", [])
            models = []
            for key, repo in hub.repos.items():
                if key.startswith(DATASETS):
                    continue  # /api/models lists models only
                revision = repo.revisions.get("main") or next(iter(repo.revisions.values()))
                if repo.private and self._token() not in hub.granted_tokens:
                    continue
                info = hub.model_info(repo, revision, blobs=False)
                info.pop("siblings", None)
                info.pop("cardData", None)
                if author and info["author"] != author:
                    continue
                if search and search not in repo.repo_id.lower():
                    continue
                if any(f not in info["tags"] for f in filters):
                    continue
                models.append(info)
            sort = _SORT_KEYS.get(query.get("sort", [""])[0])
            if sort:
                models.sort(key=lambda m: (m.get(sort) or 0, m["id"]), reverse=True)
            else:
                models.sort(key=lambda m: m["id"])
            if "limit" in query:
                models = models[:int(query["limit"][0])]
            start = int(query.get("cursor", ["0"])[0])
            page = models[start:start + hub.page_size]
            headers = {"Content-Type": "application/json"}
            if start + hub.page_size < len(models):
                rest = {k: v for k, v in query.items() if k != "cursor"}
                rest["cursor"] = [str(start + hub.page_size)]
                link = f"{hub.url}/api/models?{urlencode(rest, doseq=True)}"
                headers["Link"] = f'<{link}>; rel="next"'
            self._send(200, json.dumps(page).encode(), headers, head)

        def _resolve(self, path: str, head: bool) -> None:
            repo_part, _, rest = path.lstrip("/").partition("/resolve/")
            rev, _, file_path = rest.partition("/")
            # /datasets/org/name/resolve/... is a dataset's file; the key says so too.
            repo_id, rev, file_path = unquote(repo_part), unquote(rev), unquote(file_path)
            repo, revision = hub._find(repo_id, rev)
            token = self._token()
            if repo is None or (repo.private and token not in hub.granted_tokens):
                self._error(401, "RepoNotFound", "Repository not found", head)
                return
            if revision is None:
                self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}", head)
                return
            if repo.gated and token not in hub.granted_tokens and file_path not in repo.public_files:
                self._error(401 if token is None else 403, "GatedRepo",
                            f"Access to model {repo_id} is restricted.", head)
                return
            full = revision.folder / file_path
            commit = {"X-Repo-Commit": revision.commit}
            if not file_path or not full.is_file():
                self._error(404, "EntryNotFound", f"{file_path} does not exist", head, commit)
                return
            data = full.read_bytes()
            if file_path.endswith(LFS_SUFFIXES):
                sha = hashlib.sha256(data).hexdigest()
                location = (f"{hub.cdn_url}/cdn/{revision.commit}/{quote(repo_id)}/"
                            f"{quote(file_path)}")
                self._send(302, b"", {**commit, "Location": location,
                                      "ETag": f'"{_git_blob_id(data)}"',
                                      "X-Linked-Size": str(len(data)), "X-Linked-ETag": f'"{sha}"'},
                           head)
                return
            self._body(data, {**commit, "ETag": f'"{_git_blob_id(data)}"'}, head)

        def _cdn(self, path: str, head: bool) -> None:
            parts = unquote(path[len("/cdn/"):]).split("/")
            commit, rest = parts[0], parts[1:]
            # datasets/org/name, org/name or a bare name: the longest that is a repository
            width = next((n for n in (3, 2, 1) if "/".join(rest[:n]) in hub.repos), 2)
            repo_id, file_path = "/".join(rest[:width]), "/".join(rest[width:])
            _, revision = hub._find(repo_id, commit)
            full = revision.folder / file_path if revision else None
            if full is None or not full.is_file():
                self._error(404, None, "no such object", head)
                return
            data = full.read_bytes()
            self._body(data, {"ETag": f'"{hashlib.sha256(data).hexdigest()}"'}, head)

        def _body(self, data: bytes, headers: dict[str, str], head: bool) -> None:
            headers = {"Accept-Ranges": "bytes", "Content-Type": "application/octet-stream",
                       **headers}
            match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            if not match:
                self._send(200, data, headers, head)
                return
            start = int(match.group(1))
            end = min(int(match.group(2)) if match.group(2) else len(data) - 1, len(data) - 1)
            if start >= len(data):
                self._send(416, b"", {**headers, "Content-Range": f"bytes */{len(data)}"}, head)
                return
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            self._send(206, data[start:end + 1], headers, head)

    return Handler
