"""The SQLite results store (real SQLite files), `audit diff`, `audit history` and `--resume`."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from modellint.cli import main
from modellint.store import SCHEMA_VERSION, Store, StoreError

LLAMA_BASE = "base_model: meta-llama/Llama-3.1-8B\n"


def card(license_id: str, extra: str = "") -> str:
    return f"---\nlicense: {license_id}\n{extra}---\n# Model\n"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def two_models(make_repo):
    a = make_repo({"README.md": card("apache-2.0", LLAMA_BASE)}, "a")
    b = make_repo({"README.md": card("mit"), "LICENSE": "MIT License\n"}, "b")
    return a, b


def rows(path, sql, *params):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def test_store_records_the_run_as_the_json_report_has_it(two_models, tmp_path):
    a, b = two_models
    store = tmp_path / "audit.sqlite"
    out = tmp_path / "report.json"
    result = invoke("check", str(a), str(b), "--store", str(store), "--format", "json", "-o", str(out))
    assert result.exit_code == 1
    report = json.loads(out.read_text())
    assert rows(store, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert rows(store, "SELECT id, status, total FROM runs") == [(1, "finished", 2)]
    assert rows(store, "SELECT position, target, kind, declared, status FROM targets ORDER BY position") == [
        (0, str(a), "local", "apache-2.0", "ok"), (1, str(b), "local", "mit", "ok")]
    # per component from the license picture; parts that follow another part's terms say so
    assert rows(store, "SELECT t.target, l.component, l.license, l.evidence FROM licenses l "
                       "JOIN targets t ON t.id = l.target_id ORDER BY t.position, l.rowid") == [
        (str(a), "repository", "apache-2.0", "card"),
        (str(a), "weights", "apache-2.0", "card"),
        (str(a), "code", "apache-2.0", "card,fallback:repository"),
        (str(a), "outputs", "apache-2.0", "card,fallback:weights"),
        (str(a), "documentation", "apache-2.0", "card,fallback:repository"),
        (str(b), "repository", "mit", "card,license-file"),
        (str(b), "weights", "mit", "card,license-file"),
        (str(b), "code", "mit", "card,license-file,fallback:repository"),
        (str(b), "outputs", "mit", "card,license-file,fallback:weights"),
        (str(b), "documentation", "mit", "card,license-file,fallback:repository")]
    assert rows(store, "SELECT model_id, depth, licenses, source FROM bases") == [
        ("meta-llama/Llama-3.1-8B", 1, "llama3.1", "table")]
    stored = rows(store, "SELECT t.target, f.code, f.severity, f.message, f.path, f.line "
                         "FROM findings f JOIN targets t ON t.id = f.target_id "
                         "ORDER BY t.position, f.rowid")
    expected = [(f["target"], f["code"], f["severity"], f["message"], f["path"], f["line"])
                for f in report["findings"]]
    assert sorted(stored) == sorted(expected)
    assert ("ML502" in {code for _, code, *_ in stored})
    counts = rows(store, "SELECT errors, warnings, infos FROM targets ORDER BY position")
    for (e, w, i), target in zip(counts, (str(a), str(b)), strict=True):
        mine = [f for f in report["findings"] if f["target"] == target and not f["suppressed"]]
        assert (e, w, i) == tuple(sum(1 for f in mine if f["severity"] == s)
                                  for s in ("error", "warning", "info"))


def test_report_with_a_store_is_the_report_without(two_models, tmp_path):
    a, b = two_models
    plain = invoke("check", str(a), str(b), "--format", "json")
    stored = invoke("check", str(a), str(b), "--format", "json", "--store", str(tmp_path / "s.db"))
    assert json.loads(stored.stdout)["findings"] == json.loads(plain.stdout)["findings"]
    assert stored.exit_code == plain.exit_code == 1


def test_diff_reports_new_fixed_changed_findings_and_license_changes(two_models, tmp_path):
    a, b = two_models
    store = str(tmp_path / "audit.sqlite")
    assert invoke("check", str(a), str(b), "--store", store).exit_code == 1
    (a / "README.md").write_text(card("llama3.1", LLAMA_BASE))
    assert invoke("check", str(a), str(b), "--store", store).exit_code == 1

    result = invoke("audit", "diff", "1", "2", "--store", store, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["totals"] == {"compared": 2, "added": 0, "removed": 0, "new": 1, "fixed": 2,
                              "changed": 3, "license_changes": 2, "new_commits": 0}
    (entry,) = data["targets"]  # b did not change
    assert entry["target"] == str(a)
    assert entry["licenses"] == [
        {"component": "repository", "before": ["apache-2.0"], "after": ["llama3.1"]},
        {"component": "weights", "before": ["apache-2.0"], "after": ["llama3.1"]}]
    assert [f["code"] for f in entry["new"]] == ["ML403"]
    assert sorted(f["code"] for f in entry["fixed"]) == ["ML306", "ML502"]
    assert sorted(c["after"]["code"] for c in entry["changed"]) == ["ML201", "ML401", "ML402"]

    text = invoke("audit", "diff", "--store", store)  # previous -> latest
    assert text.exit_code == 1
    assert (f"\n{a}\n  license repository: apache-2.0 -> llama3.1\n"
            "  license weights: apache-2.0 -> llama3.1\n") in text.stdout
    assert "  + ML403 warning README.md:2: llama3.1 restricts use" in text.stdout
    assert "  - ML502 error README.md:2: declared license `apache-2.0` breaks" in text.stdout
    assert "  ~ ML402 warning README.md:2: llama3.1 requires displaying" in text.stdout
    assert "      was: llama3.1, the base model's license, requires displaying" in text.stdout
    assert text.stdout.endswith("2 targets compared, 0 added, 0 removed: 1 new, 2 fixed, 3 "
                                "changed findings; 2 license changes; 0 new commits.\n")

    same = invoke("audit", "diff", "2", "2", "--store", store)
    assert same.exit_code == 0
    assert "0 new, 0 fixed, 0 changed findings; 0 license changes" in same.stdout


def test_diff_lists_added_and_removed_targets(two_models, tmp_path):
    a, b = two_models
    store = str(tmp_path / "audit.sqlite")
    invoke("check", str(a), "--store", store)
    invoke("check", str(b), "--store", store)
    data = json.loads(invoke("audit", "diff", "1", "2", "--store", store, "--format", "json").stdout)
    assert [(t["target"], t["status"]) for t in data["targets"]] == [(str(b), "added"),
                                                                     (str(a), "removed")]
    assert (data["totals"]["added"], data["totals"]["removed"]) == (1, 1)


def test_history_shows_each_run_and_what_changed(two_models, tmp_path):
    a, b = two_models
    store = str(tmp_path / "audit.sqlite")
    invoke("check", str(a), "--store", store)
    (a / "README.md").write_text(card("llama3.1", LLAMA_BASE))
    invoke("check", str(a), "--store", store)
    text = invoke("audit", "history", str(a), "--store", store)
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert lines[0] == f"history of {a}: 2 run(s)"
    assert lines[2].split() == ["run", "date", "commit", "error", "warning", "info", "licenses"]
    assert lines[3].split()[0::1][2:6] == ["-", "3", "2", "2"]
    assert lines[3].endswith("repository: apache-2.0; weights: apache-2.0")
    assert lines[4].endswith("repository: llama3.1; weights: llama3.1")
    assert lines[-1] == ("  run 2: repository license apache-2.0 -> llama3.1; weights license "
                         "apache-2.0 -> llama3.1; 1 new finding(s) (ML403); 2 fixed (ML306, ML502); "
                         "3 changed")
    data = json.loads(invoke("audit", "history", str(a), "--store", store, "--format", "json").stdout)
    assert [(r["run"], r["declared"], r["counts"]["error"]) for r in data["runs"]] == [
        (1, "apache-2.0", 3), (2, "llama3.1", 2)]
    missing = invoke("audit", "history", "nowhere", "--store", store)
    assert missing.exit_code == 2
    assert missing.stderr == f"modellint: error: nowhere: not in any run of {store}\n"


def test_resume_skips_targets_the_run_already_holds(two_models, tmp_path):
    a, b = two_models
    store = str(tmp_path / "audit.sqlite")
    invoke("check", str(a), "--store", store)
    first = rows(store, "SELECT id, linted_at FROM targets")
    result = invoke("check", str(a), str(b), "--store", store, "--resume", "--format", "json")
    assert result.exit_code == 1
    # one run, a kept as it was, b added; the report covers both
    assert rows(store, "SELECT id, status, total FROM runs") == [(1, "finished", 2)]
    assert rows(store, "SELECT id, linted_at FROM targets WHERE target = ?", str(a)) == first
    assert [r[0] for r in rows(store, "SELECT target FROM targets ORDER BY position")] == [str(a), str(b)]
    assert [t["target"] for t in json.loads(result.stdout)["targets"]] == [str(a), str(b)]


def test_resume_needs_a_store(two_models):
    result = invoke("check", str(two_models[0]), "--resume")
    assert result.exit_code == 2
    assert "--resume needs --store FILE" in result.output


def test_store_errors_are_one_line(tmp_path, two_models):
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello, not a database\n" * 100)
    result = invoke("check", str(two_models[0]), "--store", str(not_sqlite))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"modellint: error: {not_sqlite}: not a modellint store")

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="an SQLite database but not a modellint store"):
        Store.open(str(other))

    newer = tmp_path / "newer.sqlite"
    Store.open(str(newer)).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    result = invoke("audit", "diff", "--store", str(newer))
    assert result.exit_code == 2
    assert "written by a newer modellint (store schema 99" in result.stderr

    result = invoke("audit", "history", "x", "--store", str(tmp_path / "none.sqlite"))
    assert result.stderr == f"modellint: error: {tmp_path / 'none.sqlite'}: no such store\n"
    assert not (tmp_path / "none.sqlite").exists()

    empty = tmp_path / "empty.sqlite"
    Store.open(str(empty)).close()
    result = invoke("audit", "diff", "--store", str(empty))
    assert result.stderr == f"modellint: error: {empty}: the store holds no audit run\n"


def test_a_failed_target_is_recorded_as_failed(tmp_path):
    store = str(tmp_path / "audit.sqlite")
    result = invoke("check", str(tmp_path / "missing"), "--store", store)
    assert result.exit_code == 2
    assert rows(store, "SELECT target, status, kind FROM targets") == [
        (str(tmp_path / "missing"), "failed", None)]
    assert rows(store, "SELECT kind, message FROM errors") == [("source", "no such directory")]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "summary"])
def test_reports_read_back_from_the_store_are_the_live_ones(two_models, tmp_path, fmt):
    """--resume reports targets it skipped from the store: the license picture, anchors and
    origins come back as they were."""
    a, b = two_models
    store = str(tmp_path / "audit.sqlite")
    live = invoke("check", str(a), str(b), "--format", fmt)
    invoke("check", str(a), str(b), "--store", store)
    resumed = invoke("check", str(a), str(b), "--store", store, "--resume", "--format", fmt)
    assert resumed.exit_code == live.exit_code == 1
    assert resumed.stdout == live.stdout
    if fmt == "text":
        assert "  weights, code: apache-2.0 (card)\n  inherited: llama3.1" in resumed.stdout


def test_a_version_1_store_is_migrated(two_models, tmp_path):
    import re

    from modellint.store import SCHEMA

    path = tmp_path / "v1.sqlite"
    v1 = re.sub(r"\n    (origin|anchor|picture|fail_on) TEXT,[^\n]*", "", SCHEMA)
    with sqlite3.connect(path) as conn:
        conn.executescript(v1)
        conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    assert "picture" not in [r[1] for r in rows(path, "PRAGMA table_info(targets)")]
    assert invoke("check", str(two_models[0]), "--store", str(path)).exit_code == 1
    assert rows(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    (picture,) = rows(path, "SELECT picture FROM targets")[0]
    assert json.loads(picture)["components"]["weights"]["licenses"] == ["apache-2.0"]


ONLY_A_WARNING = {"LICENSE": "SPDX-License-Identifier: MIT\n"}  # ML101 (no card), a warning
CLEAN_CARD = {"README.md": card("mit"), "LICENSE": "SPDX-License-Identifier: MIT\n"}


@pytest.mark.parametrize("strict_files,lenient_files,expected", [
    (ONLY_A_WARNING, ONLY_A_WARNING, 1), (CLEAN_CARD, ONLY_A_WARNING, 0)])
@pytest.mark.parametrize("fmt", ["summary", "html"])
def test_exit_code_follows_each_targets_fail_on_through_the_store_and_resume(
        make_repo, tmp_path, strict_files, lenient_files, expected, fmt):
    strict = make_repo({**strict_files, ".modellint.toml": 'select = ["ML101"]\nfail-on = "warning"\n'},
                       "strict")
    lenient = make_repo({**lenient_files, ".modellint.toml": 'select = ["ML101"]\n'}, "lenient")
    store = str(tmp_path / "audit.sqlite")
    for order in ((lenient, strict), (strict, lenient)):
        targets = [str(t) for t in order]
        assert invoke("check", *targets, "--format", fmt).exit_code == expected
        assert invoke("check", *targets, "--format", fmt, "--store", store).exit_code == expected
        # Everything is done: --resume judges the targets as the store recorded them.
        assert invoke("check", *targets, "--format", fmt, "--store", store,
                      "--resume").exit_code == expected
    assert sorted(rows(store, "SELECT DISTINCT target, fail_on FROM targets")) == [
        (str(lenient), "error"), (str(strict), "warning")]


def test_a_version_2_store_gains_each_targets_fail_on(two_models, tmp_path):
    a, b = two_models
    old = tmp_path / "v2.sqlite"
    assert invoke("check", str(a), "--store", str(old)).exit_code == 1
    with sqlite3.connect(old) as conn:  # as version 2 wrote it: no fail_on column
        conn.execute("ALTER TABLE targets DROP COLUMN fail_on")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    history = invoke("audit", "history", str(a), "--store", str(old), "--format", "json")
    assert history.exit_code == 0, history.output
    assert rows(old, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert invoke("check", str(a), "--store", str(old)).exit_code == 1
    assert rows(old, "SELECT run_id, fail_on FROM targets ORDER BY run_id") == [(1, None), (2, "error")]
