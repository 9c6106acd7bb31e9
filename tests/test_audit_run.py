"""Audit runs: progress lines for CI logs, Ctrl-C (a real SIGINT to a real process) that stops
at once and keeps what finished, and --resume after it; executors give the same report."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from modellint.progress import Progress, stderr_progress
from tests.conftest import run_cli

CARDS = [
    "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Model {n}\n",
    "---\nlicense: mit\n---\n# Model {n}\n\nTrained on our data.\n",
    "---\nlicense: other\nlicense_name: acme\n---\n# Model {n}\n",
    "# Model {n} without metadata\n",
]


def make_corpus(root, count):
    targets = []
    for n in range(count):
        folder = root / f"m{n:05d}"
        folder.mkdir(parents=True)
        (folder / "README.md").write_text(CARDS[n % len(CARDS)].format(n=n))
        targets.append(str(folder))
    listing = root / "targets.txt"
    listing.write_text("\n".join(targets) + "\n")
    return listing, targets


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_lines_in_a_log_every_interval():
    clock = Clock()
    stream = io.StringIO()
    progress = Progress(10, stream, tty=False, interval=5.0, clock=clock)
    clock.now += 1
    progress.advance("a")
    assert stream.getvalue() == ""  # not yet: one line every 5 s
    clock.now += 4
    progress.advance("b")
    assert stream.getvalue() == "modellint: 2/10 done, 0.4 targets/s, ETA 20s\n"
    for _ in range(7):
        progress.advance("c")
    clock.now += 120
    progress.advance("d")
    assert stream.getvalue().splitlines()[-1] == "modellint: 10/10 done, 0.1 targets/s"
    progress.close()
    assert stream.getvalue().splitlines()[-1] == "modellint: finished: 10/10 done, 0.1 targets/s"


def test_progress_bar_on_a_terminal_and_none_for_one_target():
    stream = io.StringIO()
    bar = stderr_progress(2, stream, isatty=True)
    bar.advance("hf://org/a\x1b[31m")
    shown = stream.getvalue()
    assert shown.startswith("\r\x1b[2K[############............] 1/2 done, ")
    assert shown.endswith(" hf://org/a?[31m")  # the target's escape never reaches the terminal
    assert stderr_progress(1, stream, isatty=True) is None
    assert isinstance(stderr_progress(2, io.StringIO(), isatty=False), Progress)


def test_cli_prints_progress_lines_when_stderr_is_not_a_terminal(tmp_path):
    listing, _ = make_corpus(tmp_path, 6)
    env = {**os.environ, "MODELLINT_PROGRESS_SECONDS": "0"}
    proc = run_cli("check", "--targets-file", str(listing), "--format", "summary", env=env)
    lines = proc.stderr.splitlines()
    assert [line.split(" done")[0] for line in lines[:6]] == [
        f"modellint: {n}/6" for n in range(1, 7)]
    assert re.fullmatch(r"modellint: 1/6 done, [\d.]+ targets/s, ETA \d+s", lines[0])
    assert re.fullmatch(r"modellint: finished: 6/6 done, [\d.]+ targets/s", lines[-1])


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_executors_give_the_serial_report(tmp_path, executor):
    listing, _ = make_corpus(tmp_path, 24)
    serial = run_cli("check", "--targets-file", str(listing), "--format", "json")
    parallel = run_cli("check", "--targets-file", str(listing), "--format", "json", "-j", "2",
                       "--executor", executor)
    assert parallel.returncode == serial.returncode == 1
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)


def _stored(store, sql):
    with sqlite3.connect(store) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_at_once_and_keeps_what_finished(tmp_path, jobs):
    listing, targets = make_corpus(tmp_path / "corpus", 1500)
    store = tmp_path / "audit.sqlite"
    out = tmp_path / "report.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "modellint", "check", "--targets-file", str(listing), "-j", jobs,
         "--store", str(store), "--format", "json", "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the store holds committed targets
        time.sleep(0.2)
        if store.exists():
            try:
                if _stored(store, "SELECT COUNT(*) FROM targets")[0][0] >= 30:
                    break
            except sqlite3.OperationalError:
                pass
    assert proc.poll() is None, "the audit finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _, stderr = proc.communicate(timeout=30)
    stopped = time.monotonic() - sent
    assert proc.returncode == 130, stderr
    assert stopped < 1.0, f"took {stopped:.2f} s to stop"
    (run,) = _stored(store, "SELECT id, status, total FROM runs")
    assert run == (1, "interrupted", 1500)
    done = [t for (t,) in _stored(store, "SELECT target FROM targets ORDER BY position")]
    assert 30 <= len(done) < 1500
    report = json.loads(out.read_text())  # the report of what finished
    assert [t["target"] for t in report["targets"]] == done
    assert "interrupted: the report covers the " in stderr
    assert f"{store} keeps them (--resume continues)" in stderr

    kept = _stored(store, "SELECT target, linted_at FROM targets")
    resumed = subprocess.run(
        [sys.executable, "-m", "modellint", "check", "--targets-file", str(listing), "-j", jobs,
         "--store", str(store), "--resume", "--format", "summary", "-o", str(tmp_path / "s.txt")],
        capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 1, resumed.stderr
    assert _stored(store, "SELECT id, status, total FROM runs") == [(1, "finished", 1500)]
    rows = dict(_stored(store, "SELECT target, linted_at FROM targets"))
    assert sorted(rows) == sorted(targets)
    assert all(rows[t] == linted_at for t, linted_at in kept)  # not linted again
    assert (tmp_path / "s.txt").read_text().endswith(
        "1500 targets: 0 clean, 1500 with findings, 0 failed.\n")



def test_the_base_lookup_cache_does_not_grow_with_the_audit(monkeypatch):
    """Local resolvers are keyed by folder: a run-long cache of them must be bounded."""
    from modellint.facts import lineage

    class FolderResolver:
        def __init__(self, n):
            self.cache_key = f"local:/audit/{n}"

        def license_of(self, model_id):
            return None

    monkeypatch.setattr(lineage, "CACHE_MAX", 5)
    lineage.clear_cache()
    for n in range(50):
        lineage._lookup(FolderResolver(n), "org/base")
    assert len(lineage._CACHE) == 5
    assert ("local:/audit/49", "org/base") in lineage._CACHE
    lineage.clear_cache()


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_entries_rendered_by_the_workers_give_the_same_bytes(tmp_path, executor):
    # Without a store, an audit's workers render each target's JSON entries and the writer only
    # joins them; the report must be the one the writer would have rendered, byte for byte.
    from modellint.batch import report_of, run_audit
    from modellint.reporters.json_format import render
    from modellint.runner import RunOptions

    _, targets = make_corpus(tmp_path, 12)
    (tmp_path / "m00003" / "README.md").write_text(
        "---\nlicense: other\nlicense_name: licença-ü\n---\n# Modèle\n\nTrained on 数据.\n")
    targets.append(str(tmp_path / "missing"))  # cannot be opened: an error, no target entry
    texts, rendered = [], []
    for prerender in (None, "json"):
        run = run_audit(targets, RunOptions(prerender=prerender), executor=executor, jobs=2)
        assert run.outcomes is not None
        rendered.append([len(o.rendered) for o in run.outcomes])
        # Rows for a store are made only when the outcome is not just for the JSON report.
        assert any(o.licenses for o in run.outcomes) == (prerender is None)
        expected = [(o.info is not None) + len(o.findings) for o in run.outcomes]
        report = report_of(run.outcomes)
        out = io.StringIO()
        render(report, {}, out)
        texts.append(out.getvalue())
    # The entry of each target and of each of its findings; nothing for the missing one.
    assert rendered == [[0] * 13, expected] and expected[-1] == 0 and min(expected[:-1]) >= 2
    assert texts[1] == texts[0]
    assert '"target": "' + str(tmp_path / "missing") in texts[0]
