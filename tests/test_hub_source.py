"""The Hub source against a loopback fake Hub, through the real huggingface_hub client."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from tests.fakehub import FakeHub

from modellint.cli import main
from modellint.runner import RunOptions, lint
from modellint.snapshot import SourceError
from modellint.sources import SourceOptions, hf, open_target
from modellint.testing import write_repo

TOKEN = "hf_secretTOKENvalue0123456789"
BODY = 256 * 1024  # weight body size: a fetched body would show in the byte counts


def safetensors_bytes(meta: dict[str, str]) -> bytes:
    header = json.dumps({"__metadata__": meta,
                         "w": {"dtype": "F32", "shape": [BODY // 4], "data_offsets": [0, BODY]}})
    raw = header.encode()
    return struct.pack("<Q", len(raw)) + raw + b"\x01" * BODY


CARD = "---\nlicense: apache-2.0\n---\n# Demo\n"
MIT_CARD = "---\nlicense: mit\n---\n"
FILES = {
    "README.md": CARD,
    "LICENSE": "Apache License\nVersion 2.0, January 2004\n",
    "config.json": '{"model_type": "llama"}',
    "model.safetensors": safetensors_bytes({"license": "apache-2.0"}),
}


@pytest.fixture
def hub(tmp_path, monkeypatch):
    fake = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", fake.url)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    from huggingface_hub import constants

    # No stored login from the machine running the tests.
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(tmp_path / "no-tokens"))
    monkeypatch.setattr(hf, "TIMEOUT", 2.0)
    monkeypatch.setattr(hf, "BACKOFF", 0.01)
    monkeypatch.setattr(hf, "BACKOFF_CAP", 0.05)
    yield fake
    fake.stop()


@pytest.fixture
def demo(hub, tmp_path):
    commit = hub.add_repo("org/demo", write_repo(tmp_path / "demo-main", FILES))
    return commit


def repo_requests(hub: FakeHub) -> list[tuple[str, str, int]]:
    # The client may fetch its own registry once (/api/agent-harnesses); that is not ours.
    return [r for r in hub.requests if "agent-harnesses" not in r[1]]


def codes(report) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.path) for f in report.active())


def open_error(target: str, **options) -> str:
    with pytest.raises(SourceError) as info:
        open_target(target, SourceOptions(**options))
    message = str(info.value)
    assert "\n" not in message
    return message


# -- parsing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("target,expected", [
    ("hf://org/name", ("org/name", None)),
    ("hf://org/name@v1.0", ("org/name", "v1.0")),
    ("hf://gpt2", ("gpt2", None)),
    ("hf://models/org/name", ("org/name", None)),
    ("https://huggingface.co/org/name", ("org/name", None)),
    ("https://huggingface.co/org/name/tree/refs%2Fpr%2F3", ("org/name", "refs/pr/3")),
    ("https://huggingface.co/org/name/", ("org/name", None)),
])
def test_parse_target(target, expected):
    assert hf.parse_target(target) == expected


@pytest.mark.parametrize("target,fragment", [
    ("hf://datasets/org/data", "only model repositories"),
    ("hf://org/../etc", "invalid repository id"),
    ("hf://a/b/c", "invalid repository id"),
    ("https://huggingface.co/", "not a model URL"),
    ("hf://org/name@../../x", "invalid revision"),
])
def test_parse_target_rejects(target, fragment):
    with pytest.raises(SourceError, match=fragment):
        hf.parse_target(target)


# -- success ---------------------------------------------------------------------------------

def test_lint_hub_repo_without_weight_body(hub, demo):
    report, _ = lint(["hf://org/demo"], RunOptions())
    assert report.errors == []
    [info] = report.targets
    assert (info.kind, info.revision, info.name, info.anchor) == ("hf", demo, "demo", "README.md")
    assert info.origin == f"{hub.url}/org/demo"
    assert codes(report) == []
    # One API call; small files by HEAD + GET; the weight file never touched.
    paths = [(m, p) for m, p, _ in repo_requests(hub)]
    assert paths[0] == ("GET", "/api/models/org/demo/revision/main")
    assert sum(1 for _, p in paths if p.startswith("/api/")) == 1
    assert all(demo in p for _, p in paths if "/resolve/" in p)  # pinned to the commit
    assert {p.rsplit("/", 1)[-1] for _, p in paths if "/resolve/" in p} == {
        "README.md", "LICENSE", "config.json", "model.safetensors"}
    # The weight file is read only by one bounded Range request for its header.
    weight_size = len(FILES["model.safetensors"])
    assert 0 < hub.bytes_for("model.safetensors") <= 64 * 1024 < weight_size


def test_findings_come_from_hub_files(hub, tmp_path):
    hub.add_repo("org/bare", write_repo(tmp_path / "bare", {
        "README.md": "---\nlicense: mit\n---\n# Bare\n", "model.safetensors": b"x" * 64}))
    report, _ = lint(["hf://org/bare"], RunOptions())
    # The bogus weight header is read (by ranged request) and judged like a local one.
    assert codes(report) == [("ML201", None), ("ML902", "model.safetensors")]
    assert {f.target for f in report.findings} == {"hf://org/bare"}


def test_read_range_reads_only_the_header(hub, demo):
    snap = open_target("hf://org/demo", SourceOptions())
    hub.reset_counts()
    (size,) = struct.unpack("<Q", snap.read_range("model.safetensors", 0, 8))
    header = json.loads(snap.read_range("model.safetensors", 8, 8 + size))
    assert header["__metadata__"] == {"license": "apache-2.0"}
    assert hub.bytes_for("model.safetensors") == 8 + size
    # LFS files redirect to another origin: the token never goes there.
    statuses = [(p.split("/")[1], s) for _, p, s in repo_requests(hub)]
    assert statuses == [("org", 302), ("cdn", 206), ("org", 302), ("cdn", 206)]
    assert snap.read_range("model.safetensors", 10**9, 10**9 + 8) == b""
    assert snap.read_bytes("README.md", 5) == b"---\nl"


def test_token_is_sent_to_the_hub_but_not_to_the_cdn(hub, demo):
    snap = open_target("hf://org/demo", SourceOptions(token=TOKEN))
    snap.read_range("model.safetensors", 0, 8)
    seen = {path.split("/")[1]: auth for path, auth in hub.auth_seen}
    assert seen["api"] == f"Bearer {TOKEN}"
    assert seen["org"] == f"Bearer {TOKEN}"
    assert seen["cdn"] is None
    assert TOKEN not in repr(snap)


# -- revisions -------------------------------------------------------------------------------

def test_revision_pinning(hub, demo, tmp_path):
    old = hub.add_repo("org/demo", write_repo(tmp_path / "demo-v1", {
        "README.md": "---\nlicense: mit\n---\n# Old\n"}), revision="v1")
    report, _ = lint(["hf://org/demo@v1"], RunOptions())
    assert report.targets[0].revision == old != demo
    assert codes(report) == [("ML201", None)]
    assert all(old in p for _, p, _ in repo_requests(hub) if "/resolve/" in p)
    for target in (f"hf://org/demo@{old}", "https://huggingface.co/org/demo/tree/v1"):
        snap = open_target(target, SourceOptions())
        assert snap.info.revision == old
        assert [f.path for f in snap.files] == ["README.md"]


def test_missing_revision(hub, demo):
    assert open_error("hf://org/demo@nope") == "revision 'nope' not found"


# -- access ----------------------------------------------------------------------------------

def test_missing_repo(hub, demo):
    message = open_error("hf://org/absent")
    assert message == (f"repository not found on {hub.url} "
                       "(if it is private, set HF_TOKEN, pass --token or run `hf auth login`)")


def test_private_repo_needs_a_token(hub, tmp_path):
    hub.add_repo("org/private", write_repo(tmp_path / "p", FILES), private=True)
    assert "repository not found" in open_error("hf://org/private")
    hub.granted_tokens.add(TOKEN)
    assert open_target("hf://org/private", SourceOptions(token=TOKEN)).info.name == "private"


def test_gated_repo(hub, tmp_path, monkeypatch):
    hub.add_repo("org/gated", write_repo(tmp_path / "g", FILES), gated=True)
    assert open_error("hf://org/gated") == (
        f"gated repository: request access at {hub.url}/org/gated, then set HF_TOKEN, "
        "pass --token or run `hf auth login`")
    monkeypatch.setenv("HF_TOKEN", TOKEN)  # a token that has not been granted access: 403
    assert open_error("hf://org/gated") == (
        "gated repository and your token has not been granted access; "
        f"request access at {hub.url}/org/gated")
    hub.granted_tokens.add(TOKEN)
    snap = open_target("hf://org/gated", SourceOptions())
    assert sorted(snap.local) == ["LICENSE", "README.md", "config.json"]
    assert snap.hub["gated"] == "manual"


def test_cli_gated_is_one_line_without_the_token(hub, tmp_path):
    hub.add_repo("org/gated", write_repo(tmp_path / "g", FILES), gated=True)
    result = CliRunner().invoke(main, ["check", "hf://org/gated", "--token", TOKEN])
    assert result.exit_code == 2
    assert TOKEN not in result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == ("error: hf://org/gated: gated repository and your token has not been "
                        f"granted access; request access at {hub.url}/org/gated")
    assert "Traceback" not in result.output


# -- failures --------------------------------------------------------------------------------

def test_rate_limit_is_retried(hub, demo):
    hub.fail(429, times=2, path_prefix="/api/", headers={"Retry-After": "3600"})
    started = time.monotonic()
    snap = open_target("hf://org/demo", SourceOptions())
    assert snap.info.revision == demo
    assert time.monotonic() - started < 2  # Retry-After is capped
    assert [s for _, p, s in repo_requests(hub) if p.startswith("/api/")] == [429, 429, 200]


def test_rate_limit_gives_up(hub, demo):
    hub.fail(429, path_prefix="/api/")
    assert open_error("hf://org/demo") == (
        "rate limited by the Hub (HTTP 429) after 3 tries; "
        "wait a minute or authenticate for a higher limit")
    assert len(repo_requests(hub)) == hf.TRIES


def test_server_error(hub, demo):
    hub.fail(503, times=1, path_prefix="/api/")
    assert open_target("hf://org/demo", SourceOptions()).info.revision == demo
    hub.fail(500, path_prefix="/api/")
    assert open_error("hf://org/demo") == (
        "the Hub answered HTTP 500 after 3 tries; try again later")


def test_timeout_is_bounded(hub, demo, monkeypatch):
    monkeypatch.setattr(hf, "TIMEOUT", 0.3)
    hub.delay = 1.5
    started = time.monotonic()
    assert open_error("hf://org/demo") == f"no answer from {hub.url} within 0.3 s"
    assert time.monotonic() - started < 1.2


def test_unreachable_hub(hub, demo, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    assert open_error("hf://org/demo") == (
        "cannot reach http://127.0.0.1:9 (ConnectError)")


def test_failed_file_is_a_finding_not_a_crash(hub, demo):
    # Listed but gone (as after a force-push between listing and download).
    hub.fail(404, path_prefix=f"/org/demo/resolve/{demo}/LICENSE",
             headers={"X-Error-Code": "EntryNotFound"})
    report, _ = lint(["hf://org/demo"], RunOptions())
    assert report.errors == []
    [finding] = [f for f in report.active() if f.code == "ML901"]
    assert finding.path == "LICENSE"
    assert "listed by the Hub but not found at this commit" in finding.message


# -- offline and the cache -------------------------------------------------------------------

def test_offline_uses_only_the_cache(hub, demo, monkeypatch):
    online, _ = lint(["hf://org/demo"], RunOptions())
    hub.reset_counts()
    offline, _ = lint(["hf://org/demo"], RunOptions(source=SourceOptions(offline=True)))
    assert hub.requests == []
    assert offline.errors == []
    assert offline.targets[0].revision == demo
    assert codes(offline) == codes(online)
    snap = open_target("hf://org/demo", SourceOptions(offline=True))
    assert [f.path for f in snap.files] == sorted(FILES)  # the listing was cached too
    assert snap.file("model.safetensors").lfs is not None  # body not here
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert open_target("hf://org/demo", SourceOptions()).info.revision == demo
    assert hub.requests == []


def test_offline_without_cache(hub, demo):
    message = open_error("hf://org/demo", offline=True)
    assert message.startswith("revision 'main' is not in the local cache (")
    assert message.endswith("); lint it once online, or drop --offline")
    assert hub.requests == []


def test_cache_folder_is_linted_directly(hub, demo, tmp_path):
    open_target("hf://org/demo", SourceOptions())
    folder = tmp_path / "hf-cache" / "models--org--demo"
    hub.reset_counts()
    report, _ = lint([str(folder)], RunOptions())
    assert hub.requests == []
    assert report.errors == []
    [info] = report.targets
    assert (info.kind, info.revision, info.name) == ("hf-cache", demo, "demo")
    assert codes(report) == []


def test_cache_folder_that_is_not_one(tmp_path):
    (tmp_path / "models--").mkdir()
    with pytest.raises(SourceError, match="not a Hub cache folder"):
        open_target(str(tmp_path / "models--"))
    (tmp_path / "models--a--b").mkdir()
    with pytest.raises(SourceError, match="no snapshot in this Hub cache folder"):
        open_target(str(tmp_path / "models--a--b"))


# -- audits ----------------------------------------------------------------------------------

def test_audit_many_targets_with_jobs(hub, demo, tmp_path):
    hub.add_repo("org/bare", write_repo(tmp_path / "bare", {"README.md": MIT_CARD}))
    listing = tmp_path / "targets.txt"
    listing.write_text("# audit\nhf://org/bare\n\nhf://org/absent  # gone\n")
    result = CliRunner().invoke(main, ["check", "hf://org/demo", "--targets-file", str(listing),
                                       "--jobs", "3", "--format", "summary"])
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["target", "license", "error", "warning", "info"]
    assert lines[1].split() == ["hf://org/demo", "apache-2.0", "0", "0", "0"]
    assert lines[2].split() == ["hf://org/bare", "mit", "1", "0", "0"]
    assert lines[3].split() == ["hf://org/absent", "-", "-", "-", "-"]
    assert lines[5] == "3 targets: 1 clean, 1 with findings, 1 failed."
    assert lines[6].startswith("failed: hf://org/absent: repository not found")


def test_audit_json_has_one_entry_per_target(hub, demo, tmp_path):
    hub.add_repo("org/bare", write_repo(tmp_path / "bare", {"README.md": MIT_CARD}))
    result = CliRunner().invoke(main, ["check", "hf://org/bare", "hf://org/demo", "-j", "2",
                                       "--format", "json"])
    data = json.loads(result.stdout)
    assert [t["target"] for t in data["targets"]] == ["hf://org/bare", "hf://org/demo"]
    assert [(f["code"], f["target"]) for f in data["findings"]] == [("ML201", "hf://org/bare")]
    assert result.exit_code == 1


def test_progress_bar_only_on_a_terminal():
    import io

    from modellint.audit import stderr_progress

    assert stderr_progress(5, io.StringIO()) is None
    stream = io.StringIO()
    bar = stderr_progress(2, stream, isatty=lambda: True)
    bar.advance("hf://org/a")
    assert "[############............] 1/2 hf://org/a" in stream.getvalue()
    assert stderr_progress(1, stream, isatty=lambda: True) is None


def test_local_scan_does_not_import_the_hub_client(tmp_path):
    repo = write_repo(tmp_path / "r", {"README.md": CARD})
    code = ("import sys; from modellint.cli import main\n"
            "try:\n    main(['check', sys.argv[1], '-j', '2'])\nexcept SystemExit:\n    pass\n"
            "print('huggingface_hub' in sys.modules, 'git' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_cli_offline_flag(hub, demo):
    assert CliRunner().invoke(main, ["check", "hf://org/demo"]).exit_code == 0
    hub.reset_counts()
    result = CliRunner().invoke(main, ["check", "hf://org/demo", "--offline"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "No problems found in 1 target."
    assert hub.requests == []


def test_targets_file_errors(tmp_path):
    missing = CliRunner().invoke(main, ["check", "--targets-file", str(tmp_path / "none.txt")])
    assert missing.exit_code == 2
    assert "cannot read" in missing.output
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    result = CliRunner().invoke(main, ["check", "--targets-file", str(empty)])
    assert result.exit_code == 2
    assert "lists no targets" in result.output
