"""A hostile Hub endpoint (a mirror, a proxy, HF_ENDPOINT pointed anywhere) against the real
huggingface_hub client: it may name paths, drip-feed or never end a body, bomb a gzip, lie about
sizes and retries. Each gives a finding or one clear error, in bounded time, bytes and requests,
and nothing is written outside the Hub cache."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time

import pytest

from modellint.runner import RunOptions, lint
from modellint.snapshot import SourceError
from modellint.sources import SourceOptions, hf, hubcache, hubhttp, open_target
from modellint.testing import write_repo
from tests.test_hub_source import FILES, TOKEN, hub  # noqa: F401 - the loopback Hub fixture

CARD = "---\nlicense: mit\n---\n# m\n"


def _demo(hub, tmp_path, files=None, **kw):  # noqa: F811
    return hub.add_repo("org/demo", write_repo(tmp_path / "demo-src", files or FILES), **kw)


def _files_outside(root, allowed):
    """Files under ``root`` that are in none of the ``allowed`` folders."""
    out = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            full = os.path.join(dirpath, name)
            if not any(full.startswith(str(a) + os.sep) for a in allowed):
                out.append(full)
    return out


def test_server_headers_never_name_a_cache_path(hub, tmp_path):  # noqa: F811
    """huggingface_hub builds cache paths from ETag and X-Repo-Commit: a server sending `../`
    in them made hf_hub_download write files anywhere (a .pth in site-packages runs code)."""
    commit = _demo(hub, tmp_path)
    hub.override_headers("/org/demo/resolve/", {
        "ETag": '"../../../escaped-blob"', "X-Repo-Commit": "../../../escaped-commit",
        "X-Linked-ETag": '"../../../escaped-linked"'})
    report = lint(["hf://org/demo"], RunOptions())
    assert report.errors == []
    assert _files_outside(tmp_path, [tmp_path / "hf-cache", tmp_path / "demo-src"]) == []
    # The card and license were still read, and cached under names modellint chose.
    snapshot = tmp_path / "hf-cache" / "models--org--demo" / "snapshots" / commit
    assert sorted(p.name for p in snapshot.iterdir()) == ["LICENSE", "README.md", "config.json"]
    offline = lint(["hf://org/demo"], RunOptions(source=SourceOptions(offline=True)))
    assert offline.errors == []
    assert [f for f in offline.findings if f.code != "ML904"] == report.findings  # 904: offline


def test_listed_names_that_climb_get_no_request(hub, tmp_path):  # noqa: F811
    """A listing naming `../` paths must not make an authenticated request elsewhere."""
    hub.granted_tokens.add(TOKEN)
    commit = _demo(hub, tmp_path, extra_siblings=[
        {"rfilename": name, "size": 10, "blobId": "0" * 40}
        for name in ("../../../api/whoami-v2/LICENSE", "a/../../LICENSE", "/etc/LICENSE",
                     "LICENSE\\..\\x", "./NOTICE", "x//LICENSE", "NOTICE\n:: forged")])
    hub.reset_counts()
    report = lint(["hf://org/demo"], RunOptions(source=SourceOptions(token=TOKEN)))
    assert report.errors == []
    # (and the lookup of the dataset the card lists as training data)
    allowed = ("/api/models/org/demo/", f"/org/demo/resolve/{commit}/", "/cdn/",
               "/api/datasets/org/corpus")
    assert [p for p, _auth in hub.auth_seen if not p.startswith(allowed)] == []
    skipped = sorted(f.path for f in report.active() if f.code == "ML901")
    assert skipped == sorted(["../../../api/whoami-v2/LICENSE", "a/../../LICENSE", "/etc/LICENSE",
                              "LICENSE\\..\\x", "./NOTICE", "x//LICENSE", "NOTICE\n:: forged"])
    assert all("skipped" in f.message for f in report.active() if f.code == "ML901")


def _drip(body: bytes, every: float):
    def write(handler, head):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        for i in range(len(body)):
            handler.wfile.write(body[i:i + 1])
            handler.wfile.flush()
            time.sleep(every)
    return write


def test_a_drip_fed_body_is_cut_at_the_deadline(hub, tmp_path, monkeypatch):  # noqa: F811
    commit = _demo(hub, tmp_path)
    monkeypatch.setattr(hubhttp, "DEADLINE", 1.0)
    monkeypatch.setattr(hubhttp, "TIMEOUT", 0.6)
    hub.respond(f"/org/demo/resolve/{commit}/LICENSE", _drip(b"x" * 100, 0.3))
    started = time.monotonic()
    report = lint(["hf://org/demo"], RunOptions())
    assert time.monotonic() - started < 4
    [finding] = [f for f in report.active() if f.code == "ML901"]
    assert finding.path == "LICENSE"
    assert finding.message == f"no complete answer from {hub.url} within 1 s"
    hub.respond("/api/models/org/demo", _drip(b"{" * 100, 0.3))
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"^no complete answer from .* within 1 s$"):
        open_target("hf://org/demo", SourceOptions())
    assert time.monotonic() - started < 3


def _endless(chunk: bytes, encoding: str | None = None):
    def write(handler, head):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if encoding:
            handler.send_header("Content-Encoding", encoding)
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(100_000):
            handler.wfile.write(chunk)
    return write


def test_an_endless_api_answer_is_capped(hub, tmp_path, monkeypatch):  # noqa: F811
    _demo(hub, tmp_path)
    monkeypatch.setattr(hubhttp, "MAX_JSON", 1024 * 1024)
    hub.respond("/api/models/org/demo", _endless(b"[" * 65536))
    with pytest.raises(SourceError, match=r"^the answer is larger than 1048576 bytes$"):
        open_target("hf://org/demo", SourceOptions())


def test_a_gzip_bomb_is_capped_as_decoded(hub, tmp_path, monkeypatch):  # noqa: F811
    commit = _demo(hub, tmp_path)
    monkeypatch.setattr(hubhttp, "MAX_JSON", 1024 * 1024)
    bomb = gzip.compress(b" " * (64 * 1024 * 1024))  # 64 MiB of spaces in ~64 KiB
    assert len(bomb) < 100 * 1024

    def write(handler, head):
        handler.send_response(200)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    hub.respond("/api/models/org/demo", write)
    with pytest.raises(SourceError, match=r"^the answer is larger than 1048576 bytes$"):
        open_target("hf://org/demo", SourceOptions())
    hub.responders.clear()
    hub.respond(f"/org/demo/resolve/{commit}/LICENSE", write)
    report = lint(["hf://org/demo"], RunOptions())
    [finding] = [f for f in report.active() if f.code == "ML901"]
    assert finding.path == "LICENSE" and "more than the" in finding.message


def test_a_file_longer_than_listed_is_not_read(hub, tmp_path):  # noqa: F811
    commit = _demo(hub, tmp_path)
    hub.respond(f"/org/demo/resolve/{commit}/LICENSE", _endless(b"Apache License " * 1000))
    report = lint(["hf://org/demo"], RunOptions())
    [finding] = [f for f in report.active() if f.code == "ML901"]
    size = len(FILES["LICENSE"])
    assert finding.message == (f"the Hub sent more than the {size} bytes it listed for this "
                               "file; not read")


def test_a_target_has_a_byte_budget(hub, tmp_path, monkeypatch):  # noqa: F811
    files = {"README.md": CARD, **{f"LICENSE-{i:02}": "x" * 100_000 for i in range(20)}}
    _demo(hub, tmp_path, files)
    monkeypatch.setattr(hubhttp, "TARGET_BUDGET", 500_000)
    report = lint(["hf://org/demo"], RunOptions())
    assert report.errors == []
    spent = [f for f in report.active() if f.code == "ML901" and "budget" in f.message]
    assert len(spent) >= 15
    assert {f.message for f in spent} == {"the 500,000 bytes download budget for this target is spent"}
    assert sum(hub.bytes_sent.values()) < 500_000 + 200_000  # one file past it at most


def test_base_model_lookups_are_capped_per_target(hub, tmp_path, monkeypatch):  # noqa: F811
    """Every base listing ten bases of its own: three levels would be 1,110 lookups."""
    monkeypatch.setattr(hf, "MAX_BASE_LOOKUPS", 5)
    from modellint.facts import lineage

    lineage.clear_cache()

    def card(name: str, bases: list[str]) -> dict:
        listed = "".join(f"  - {b}\n" for b in bases)
        return {"README.md": f"---\nlicense: mit\nbase_model:\n{listed}---\n# {name}\n"}

    for i in range(10):
        hub.add_repo(f"fan/b{i}", write_repo(tmp_path / f"b{i}",
                                            card(f"b{i}", [f"fan/c{i}{j}" for j in range(10)])))
    hub.add_repo("org/leaf", write_repo(tmp_path / "leaf", card("leaf", [f"fan/b{i}"
                                                                          for i in range(10)])))
    hub.reset_counts()
    report = lint(["hf://org/leaf"], RunOptions(select=("ML504",)))
    assert report.errors == []
    lookups = [p for _, p, _ in hub.requests if p.startswith("/api/models/fan/")]
    assert len(lookups) == 5
    assert any("were already looked up" in f.message for f in report.active())


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "1e999", "Wed, 21 Oct 2015 07:28:00 GMT",
                                   "9" * 400])
def test_retry_after_is_validated(hub, tmp_path, value):  # noqa: F811
    _demo(hub, tmp_path)
    hub.fail(503, times=2, path_prefix="/api/", headers={"Retry-After": value})
    started = time.monotonic()
    assert open_target("hf://org/demo", SourceOptions()).info.kind == "hf"
    assert time.monotonic() - started < 2  # capped at BACKOFF_CAP (0.05 s here)


def test_after_n_tries_is_said_only_when_true(hub, tmp_path):  # noqa: F811
    commit = _demo(hub, tmp_path)
    path = f"/org/demo/resolve/{commit}/LICENSE"
    hub.fail(503, path_prefix=path)
    report = lint(["hf://org/demo"], RunOptions())
    [finding] = [f for f in report.active() if f.code == "ML901"]
    assert finding.message == "the Hub answered HTTP 503 after 3 tries; try again later"
    assert [s for _, p, s in hub.requests if p == path] == [503] * hubhttp.TRIES
    hub.failures.clear()
    hub.fail(400, path_prefix=path)
    hub.reset_counts()
    report = lint(["hf://org/demo"], RunOptions())
    [finding] = [f for f in report.active() if f.code == "ML901"]
    assert finding.message == "the Hub answered HTTP 400"  # tried once: no "after"
    assert [s for _, p, s in hub.requests if p == path] == [400]


def test_retries_leave_stderr_to_modellint(hub, tmp_path):  # noqa: F811
    """huggingface_hub logs its own retries to stderr; a run prints modellint's lines only."""
    commit = _demo(hub, tmp_path)
    hub.fail(503, path_prefix=f"/org/demo/resolve/{commit}/")
    hub.fail(503, path_prefix="/api/models/org/demo", times=2)
    env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HUB_CACHE": str(tmp_path / "cache"),
           "HF_TOKEN_PATH": str(tmp_path / "no-token"), "HF_HUB_DISABLE_TELEMETRY": "1"}
    env.pop("HF_TOKEN", None)
    # A real process (its own stderr, huggingface_hub's own logging set-up), with the backoff
    # between tries shortened as the fixture does in-process: the sleeps are not under test.
    start = ("import sys; from modellint.sources import hubhttp; hubhttp.BACKOFF = 0.01; "
             "hubhttp.BACKOFF_CAP = 0.05; from modellint.entry import main; main()")
    proc = subprocess.run([sys.executable, "-c", start, "check", "hf://org/demo", "--format",
                           "concise"], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert "after 3 tries" in proc.stdout


def test_a_listing_past_the_file_cap_is_cut_and_says_so(hub, tmp_path, monkeypatch):  # noqa: F811
    _demo(hub, tmp_path, {"README.md": CARD, **{f"f{i}.txt": "x" for i in range(10)}})
    monkeypatch.setattr(hubcache, "MAX_FILES", 4)
    snap = open_target("hf://org/demo", SourceOptions())
    assert len(snap.files) == 4
    assert snap.listing_gap == "the Hub's listing was cut at 4 files"


def _cache(tmp_path, commit="a" * 40):
    storage = tmp_path / "cache" / "models--org--cached"
    write_repo(storage / "snapshots" / commit, {"README.md": CARD})
    (storage / "refs").mkdir()
    return storage


def test_a_cache_folder_ref_that_is_a_fifo_or_huge_is_not_read(tmp_path):
    """refs/main and trees/<commit>.json are read bounded and only as regular files."""
    commit = "a" * 40
    storage = _cache(tmp_path, commit)
    os.mkfifo(storage / "refs" / "main")
    with pytest.raises(SourceError, match="not in this Hub cache folder"):
        open_target(str(storage), SourceOptions(rev="main"))
    assert open_target(str(storage)).info.revision == commit  # the newest snapshot instead
    os.unlink(storage / "refs" / "main")
    with open(storage / "refs" / "main", "wb") as fh:
        fh.write(commit.encode() + b" " * (300 * 1024 * 1024))  # sparse-ish: 300 MB of spaces
    with pytest.raises(SourceError, match="not in this Hub cache folder"):
        open_target(str(storage), SourceOptions(rev="main"))
    (storage / "trees").mkdir()
    os.mkfifo(storage / "trees" / f"{commit}.json")
    snap = open_target(str(storage), SourceOptions(rev=commit))
    assert [f.path for f in snap.files] == ["README.md"]
    assert snap.listing_gap == hf.CACHE_GAP  # no listing read: only what was downloaded


def test_a_cache_folder_snapshot_holding_a_fifo_or_a_link_out(tmp_path):
    commit = "b" * 40
    storage = _cache(tmp_path, commit)
    (storage / "refs" / "main").write_text(commit)
    os.mkfifo(storage / "snapshots" / commit / "NOTICE")
    secret = tmp_path / "secret"
    secret.write_text("SPDX-License-Identifier: MIT\n")
    (storage / "snapshots" / commit / "LICENSE").symlink_to(secret)
    report = lint([str(storage)], RunOptions())
    assert report.errors == []
    unreadable = {f.path: f.message for f in report.active() if f.code == "ML901"}
    assert unreadable == {"NOTICE": "not a regular file (device, FIFO or socket); skipped",
                          "LICENSE": "links outside the Hub cache; not followed"}


def test_a_cached_listing_naming_climbing_paths_is_filtered(tmp_path):
    commit = "c" * 40
    storage = _cache(tmp_path, commit)
    (storage / "refs" / "main").write_text(commit)
    (storage / "trees").mkdir()
    (storage / "trees" / f"{commit}.json").write_text(
        '{"format_version": 1, "files": {"README.md": {"size": 25, "blob_id": null},'
        ' "../../x/LICENSE": {"size": 3}, "model.safetensors": {"size": -1}}}')
    snap = open_target(str(storage))
    assert [f.path for f in snap.files] == ["README.md"]
    assert [(p.path, p.reason) for p in snap.problems] == [
        ("../../x/LICENSE", "a name with an empty, '.' or '..' segment in the cached listing; "
                            "skipped"),
        ("model.safetensors", "a listing entry without a valid size in the cached listing; "
                              "skipped")]


def test_a_search_page_link_to_another_host_is_not_followed(hub, tmp_path):  # noqa: F811
    """list_models followed any `Link: next` with the token; the search follows the endpoint's
    own origin only."""
    from modellint.sources.hubindex import parse_query, search_targets

    _demo(hub, tmp_path)

    def write(handler, head):
        body = b'[{"id": "org/demo"}]'
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Link", f'<{hub.cdn_url}/api/models?cursor=1>; rel="next"')
        handler.end_headers()
        handler.wfile.write(body)

    hub.respond("/api/models", write)
    hub.reset_counts()
    found = []
    with pytest.raises(SourceError, match="the next page is on another host"):
        for target in search_targets(parse_query("author:org"), SourceOptions(token=TOKEN)):
            found.append(target)
    assert found == ["hf://org/demo"]
    assert [path for path, _ in hub.auth_seen] == ["/api/models"]  # the CDN port saw nothing


def test_a_backtracking_card_through_the_hub_is_linted_in_bounded_time(hub, tmp_path):  # noqa: F811
    """The heading of 20,000 spaces hung an audit through hf:// too (the card is read from the
    cache like any file); every shape of tests/test_hostile.py's BACKTRACKING, served by a Hub."""
    from tests.test_hostile import BACKTRACKING, within

    for n, (case, files) in enumerate(sorted(BACKTRACKING.items())):
        hub.add_repo(f"org/shape{n}", write_repo(tmp_path / case, files))
    targets = [f"hf://org/shape{n}" for n in range(len(BACKTRACKING))]
    with within(15):
        report = lint(targets, RunOptions())
    assert report.errors == []
    assert [t.target for t in report.targets] == targets
    assert not [f for f in report.findings if f.code in ("ML101", "ML102", "ML201")]
