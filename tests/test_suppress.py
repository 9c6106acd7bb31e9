"""Suppressions end to end: what stays visible, who may suppress, exit codes, baselines."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from modellint.config import Settings
from modellint.facts import extract
from modellint.model import TargetInfo
from modellint.snapshot import MemorySnapshot
from modellint.suppress import apply_suppressions

NO_LICENSE_FILE = "---\nlicense: mit\n---\n# M\n"
DIRECTIVE = '<!-- modellint: ignore[ML201] reason="the text is in the card" -->\n'
WAIVER = '[[waiver]]\ncode = "ML201"\nreason = "LICENSE arrives with v2"\n'


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "modellint", *args], capture_output=True,
                          text=True)


def _json(*args):
    done = _cli("check", "--format", "json", *args)
    return done.returncode, json.loads(done.stdout)


def test_card_suppression_stays_visible_in_json_and_sarif(make_repo):
    repo = make_repo({"README.md": NO_LICENSE_FILE + DIRECTIVE})
    code, report = _json(str(repo))
    assert code == 0
    [finding] = [f for f in report["findings"] if f["code"] == "ML201"]
    assert finding["suppressed"] == {"by": "card", "reason": "the text is in the card"}
    assert report["summary"]["suppressed"] == 1 and report["summary"]["error"] == 0
    sarif = json.loads(_cli("check", "--format", "sarif", str(repo)).stdout)
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "ML201"]
    assert result["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                       "justification": "the text is in the card"}]


def test_waiver_suppresses_and_exit_code_follows(make_repo):
    repo = make_repo({"README.md": NO_LICENSE_FILE})
    assert _cli("check", str(repo)).returncode == 1
    (repo / ".modellint-waivers.toml").write_text(WAIVER)
    code, report = _json(str(repo))
    assert code == 0
    [finding] = report["findings"]
    assert (finding["code"], finding["suppressed"]) == (
        "ML201", {"by": "waiver", "reason": "LICENSE arrives with v2"})
    sarif = json.loads(_cli("check", "--format", "sarif", str(repo)).stdout)
    assert sarif["runs"][0]["results"][0]["suppressions"][0]["kind"] == "external"


def test_waivers_file_from_config_is_relative_to_the_config(make_repo, tmp_path):
    repo = make_repo({"README.md": NO_LICENSE_FILE})
    (tmp_path / "policy").mkdir()
    by_name = WAIVER.replace("ML201", "license-file-missing")
    (tmp_path / "policy" / "waivers.toml").write_text(by_name)
    (tmp_path / "policy" / "modellint.toml").write_text('waivers-file = "waivers.toml"\n')
    code, report = _json("--config", str(tmp_path / "policy" / "modellint.toml"), str(repo))
    assert code == 0 and report["findings"][0]["suppressed"]["by"] == "waiver"


def test_invalid_waivers_file_is_one_error_line(make_repo):
    repo = make_repo({"README.md": NO_LICENSE_FILE,
                      ".modellint-waivers.toml": '[[waiver]]\ncode = "ML201"\nreson = "typo"\n'})
    done = _cli("check", str(repo))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "waiver #1: unknown key 'reson' (did you mean 'reason'?)" in done.stdout + done.stderr
    (repo / ".modellint-waivers.toml").write_text('[[waiver]]\ncode = "ML201"\n')
    done = _cli("check", str(repo))
    assert done.returncode == 2 and "a non-empty 'reason' is required" in done.stdout + done.stderr


def test_missing_configured_waivers_file_is_an_error(make_repo, tmp_path):
    repo = make_repo({"README.md": NO_LICENSE_FILE})
    cfg = tmp_path / "c.toml"
    cfg.write_text('waivers-file = "nope.toml"\n')
    done = _cli("check", "--config", str(cfg), str(repo))
    assert done.returncode == 2 and "nope.toml" in done.stdout + done.stderr


def test_untrusted_targets_get_no_card_directives_nor_own_waivers(registry):
    info = TargetInfo("hf://org/m", "hf", "https://huggingface.co/org/m", "abc", "m")
    files = {"README.md": (NO_LICENSE_FILE + DIRECTIVE).encode(),
             ".modellint-waivers.toml": WAIVER.encode()}
    for trusted, expected in ((True, "card"), (False, None)):
        snap = MemorySnapshot(info, files, trusted=trusted)
        facts = extract(snap)
        from modellint.engine import run_rules, selected_rules

        settings = Settings()
        run = run_rules(facts, selected_rules(registry, settings), settings)
        out = apply_suppressions(snap, facts, settings, run.findings, registry)
        [ml201] = [f for f in out.findings if f.code == "ML201"]
        assert ml201.suppressed_by == expected
        # Trusted: the waiver is unused (the card directive came first) -> ML903.
        assert [f.path for f in out.findings if f.code == "ML903"] == (
            [".modellint-waivers.toml"] if trusted else [])


def test_expiry_is_inclusive(registry, make_repo):
    info = TargetInfo(".", "local", "/x", None, "m")
    waiver = WAIVER + "expires = 2030-05-01\n"
    snap = MemorySnapshot(info, {"README.md": NO_LICENSE_FILE.encode(),
                                 ".modellint-waivers.toml": waiver.encode()})
    facts = extract(snap)
    from modellint.engine import run_rules, selected_rules

    run = run_rules(facts, selected_rules(registry, Settings()), Settings())
    on_the_day = apply_suppressions(snap, facts, Settings(), run.findings, registry,
                                    today=dt.date(2030, 5, 1))
    assert [(f.code, f.suppressed_by) for f in on_the_day.findings] == [("ML201", "waiver")]
    after = apply_suppressions(snap, facts, Settings(), run.findings, registry,
                               today=dt.date(2030, 5, 2))
    assert [(f.code, f.suppressed_by) for f in after.findings] == [("ML201", None), ("ML903", None)]
    assert after.findings[1].message == (
        "waiver #1 (ML201) expired on 2030-05-01; fix the findings or renew it with a new date")


def test_baseline_fails_only_on_new_findings(make_repo, tmp_path):
    repo = make_repo({"README.md": "---\nlicense: mit\n---\n# M\n"})
    baseline = tmp_path / "baseline.json"
    done = _cli("check", "--write-baseline", str(baseline), str(repo))
    assert done.returncode == 0, done.stderr
    data = json.loads(baseline.read_text())
    assert [(e["code"], e["path"]) for e in data["findings"]] == [("ML201", None)]
    assert _cli("check", "--baseline", str(baseline), str(repo)).returncode == 0
    # Lines move: still matched (no line in the key).
    (repo / "README.md").write_text("---\n\n\nlicense: mit\n---\n# M\n")
    code, report = _json("--baseline", str(baseline), str(repo))
    assert code == 0
    found = [(f["code"], f["suppressed"]["by"]) for f in report["findings"]]
    assert found == [("ML201", "baseline")]
    # A new finding fails; the baselined one stays suppressed.
    (repo / "README.md").write_text("---\nlicense: [\n---\n")
    code, report = _json("--baseline", str(baseline), str(repo))
    assert code == 1
    active = [f["code"] for f in report["findings"] if f["suppressed"] is None]
    assert active and "ML201" not in active


def test_baseline_from_config_and_bad_baseline(make_repo, tmp_path):
    repo = make_repo({"README.md": "---\nlicense: mit\n---\n"})
    _cli("check", "--write-baseline", str(tmp_path / "b.json"), str(repo))
    cfg = tmp_path / "c.toml"
    cfg.write_text('baseline = "b.json"\n')
    assert _cli("check", "--config", str(cfg), str(repo)).returncode == 0
    (tmp_path / "b.json").write_text("[]")
    done = _cli("check", "--config", str(cfg), str(repo))
    assert done.returncode == 2 and "not a modellint baseline" in done.stdout + done.stderr
