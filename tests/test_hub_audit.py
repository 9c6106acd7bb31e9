"""Hub audits against the loopback Hub: --hub-query through list_models, the store's commits,
--resume that re-lints only what moved upstream, and diff's new commits."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from modellint.cli import main
from modellint.sources import SourceOptions
from modellint.sources.hubindex import HubQuery, parse_query, search_targets
from modellint.testing import write_repo
from tests.test_hub_source import hub  # noqa: F401 - the loopback Hub fixture


def card(license_id: str, tags: str = "", base: str = "") -> str:
    return (f"---\nlicense: {license_id}\n{tags}{base}---\n# Model\n\n"
            "The weights are licensed under the terms above.\n")


@pytest.fixture
def models(hub, tmp_path):  # noqa: F811
    spec = {
        "meta-ish/llama-ft-a": (card("llama3.1", "tags: [text-generation]\n"), 500, 5),
        "meta-ish/llama-ft-b": (card("llama3.1"), 50, 9),
        "acme/llama-ft-c": (card("llama3.1", "tags: [text-generation]\n"), 5000, 1),
        "acme/mit-model": (card("mit", "tags: [text-generation]\n"), 10, 2),
        "acme/derivative": (card("apache-2.0", "",
                                 "base_model: meta-ish/llama-ft-a\n"), 1, 0),
    }
    for repo_id, (text, downloads, likes) in spec.items():
        folder = write_repo(tmp_path / "repos" / repo_id, {"README.md": text, "LICENSE": "terms\n"})
        hub.add_repo(repo_id, folder, extra={"downloads": downloads, "likes": likes})
    hub.page_size = 2  # the client must follow the Link header across pages
    return spec


def ids(query: HubQuery) -> list[str]:
    return list(search_targets(query, SourceOptions()))


def test_parse_query():
    assert parse_query("license:llama3.1 author:acme tag:text-generation chat bot") == HubQuery(
        "chat bot", "acme", ("license:llama3.1", "text-generation"), None, None)
    assert parse_query("llama", "downloads", 10) == HubQuery("llama", None, (), "downloads", 10)
    with pytest.raises(ValueError, match="empty Hub query"):
        parse_query("  ")
    with pytest.raises(ValueError, match="unknown sort key"):
        parse_query("x", "stars")


def test_hub_query_selects_through_list_models(hub, models):  # noqa: F811
    assert ids(parse_query("license:llama3.1")) == [
        "hf://acme/llama-ft-c", "hf://meta-ish/llama-ft-a", "hf://meta-ish/llama-ft-b"]
    assert ids(parse_query("license:llama3.1", "downloads")) == [
        "hf://acme/llama-ft-c", "hf://meta-ish/llama-ft-a", "hf://meta-ish/llama-ft-b"]
    assert ids(parse_query("license:llama3.1", "likes", 2)) == [
        "hf://meta-ish/llama-ft-b", "hf://meta-ish/llama-ft-a"]
    assert ids(parse_query("author:acme tag:text-generation")) == [
        "hf://acme/llama-ft-c", "hf://acme/mit-model"]
    assert ids(parse_query("ft-b")) == ["hf://meta-ish/llama-ft-b"]
    assert ids(parse_query("license:none-such")) == []
    listing = [r for r in hub.requests if r[1] == "/api/models"]
    assert listing and all(status == 200 for _, _, status in listing)


def test_cli_audits_a_hub_query_into_the_store(hub, models, tmp_path):  # noqa: F811
    store = tmp_path / "audit.sqlite"
    out = tmp_path / "audit.json"
    result = CliRunner().invoke(main, [
        "check", "--hub-query", "license:llama3.1", "--hub-sort", "downloads", "--hub-limit", "2",
        "-j", "2", "--store", str(store), "--format", "json", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(out.read_text())
    assert [t["target"] for t in report["targets"]] == ["hf://acme/llama-ft-c",
                                                        "hf://meta-ish/llama-ft-a"]
    with sqlite3.connect(store) as conn:
        stored = conn.execute("SELECT target, kind, repo_id, revision FROM targets "
                              "ORDER BY position").fetchall()
    assert stored == [(t["target"], "hf", t["target"][5:], t["revision"]) for t in report["targets"]]
    assert all(len(revision) == 40 for *_, revision in stored)


def test_hub_query_errors(hub, models):  # noqa: F811
    empty = CliRunner().invoke(main, ["check", "--hub-query", "license:none-such"])
    assert empty.exit_code == 2
    assert empty.stderr == "modellint: error: the Hub query 'license:none-such' selects no model\n"
    bad = CliRunner().invoke(main, ["check", "--hub-query", "x", "--hub-limit", "0"])
    assert bad.exit_code == 2
    hub.fail(500, path_prefix="/api/models")
    failed = CliRunner().invoke(main, ["check", "--hub-query", "license:llama3.1"])
    assert failed.exit_code == 2
    assert failed.stderr.startswith("modellint: error: Hub search failed: ")


def test_resume_relints_only_targets_whose_commit_moved(hub, models, tmp_path):  # noqa: F811
    store = str(tmp_path / "audit.sqlite")
    targets = ["hf://acme/mit-model", "hf://acme/derivative"]
    first = CliRunner().invoke(main, ["check", *targets, "--store", store])
    assert first.exit_code in (0, 1), first.output
    with sqlite3.connect(store) as conn:
        before = dict(conn.execute("SELECT target, linted_at || revision FROM targets"))
    # upstream, the MIT model changes its license: a new commit
    moved = write_repo(tmp_path / "repos2" / "acme/mit-model",
                       {"README.md": card("cc-by-nc-4.0"), "LICENSE": "terms\n"})
    hub.add_repo("acme/mit-model", moved)
    hub.reset_counts()
    resumed = CliRunner().invoke(main, ["check", *targets, "--store", store, "--resume"])
    assert resumed.exit_code in (0, 1), resumed.output
    with sqlite3.connect(store) as conn:
        after = dict(conn.execute("SELECT target, linted_at || revision FROM targets"))
        licenses = conn.execute("SELECT l.license FROM licenses l JOIN targets t ON "
                                "t.id = l.target_id WHERE t.target = 'hf://acme/mit-model' "
                                "AND l.component = 'weights'").fetchall()
    assert after["hf://acme/derivative"] == before["hf://acme/derivative"]
    assert after["hf://acme/mit-model"] != before["hf://acme/mit-model"]
    assert licenses == [("cc-by-nc-4.0",)]
    # the unchanged target cost one model_info call and no file download
    derivative = [r for r in hub.requests if "acme/derivative" in r[1]]
    assert [(method, path.split("/revision")[0]) for method, path, _ in derivative] == [
        ("GET", "/api/models/acme/derivative")]


def test_diff_reports_a_new_commit_and_the_license_change(hub, models, tmp_path):  # noqa: F811
    store = str(tmp_path / "audit.sqlite")
    CliRunner().invoke(main, ["check", "hf://acme/mit-model", "--store", store])
    moved = write_repo(tmp_path / "repos2" / "acme/mit-model",
                       {"README.md": card("cc-by-nc-4.0"), "LICENSE": "terms\n"})
    hub.add_repo("acme/mit-model", moved)
    CliRunner().invoke(main, ["check", "hf://acme/mit-model", "--store", store])
    result = CliRunner().invoke(main, ["audit", "diff", "--store", store, "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["totals"]["new_commits"] == 1
    (entry,) = data["targets"]
    assert entry["commit"]["new"] is True and entry["commit"]["before"] != entry["commit"]["after"]
    assert entry["licenses"] == [
        {"component": "repository", "before": ["mit"], "after": ["cc-by-nc-4.0"]},
        {"component": "weights", "before": ["mit"], "after": ["cc-by-nc-4.0"]}]
    history = CliRunner().invoke(main, ["audit", "history", "acme/mit-model", "--store", store])
    assert "new commit " + entry["commit"]["after"][:12] in history.stdout
    assert "repository license mit -> cc-by-nc-4.0" in history.stdout
