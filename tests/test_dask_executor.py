"""The distributed executor on a real local Dask cluster of two worker processes: each worker
lints its share, this process writes the one report and the store."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from modellint.cli import main
from tests.test_audit_run import make_corpus

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as local:
        yield local


def test_two_workers_lint_their_shares_and_one_writer_stores_them(cluster, tmp_path):
    listing, targets = make_corpus(tmp_path / "corpus", 120)
    serial = CliRunner().invoke(main, ["check", "--targets-file", str(listing), "--format", "json"])
    store = tmp_path / "audit.sqlite"
    result = CliRunner().invoke(main, [
        "check", "--targets-file", str(listing), "--executor", cluster.scheduler_address,
        "--store", str(store), "--format", "json"])
    assert result.exit_code == serial.exit_code == 1, result.output
    assert json.loads(result.stdout) == json.loads(serial.stdout)
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT status, total FROM runs").fetchall() == [("finished", 120)]
        stored = [t for (t,) in conn.execute("SELECT target FROM targets ORDER BY position")]
    assert stored == targets
    with distributed.Client(cluster.scheduler_address) as client:
        from modellint.executors import linted_here

        per_worker = client.run(linted_here)
    assert len(per_worker) == 2
    assert all(n > 0 for n in per_worker.values()), per_worker  # both workers took a share
    assert sum(per_worker.values()) == 120


def test_dask_scheme_and_unreachable_scheduler(tmp_path, cluster):
    listing, _ = make_corpus(tmp_path / "corpus", 4)
    address = cluster.scheduler_address.replace("tcp://", "dask://")
    ok = CliRunner().invoke(main, ["check", "--targets-file", str(listing), "--executor", address,
                                   "--format", "summary"])
    assert ok.exit_code == 1 and "4 targets: 0 clean, 4 with findings" in ok.stdout
    bad = CliRunner().invoke(main, ["check", "--targets-file", str(listing),
                                    "--executor", "nowhere"])
    assert bad.exit_code == 2
    assert "--executor 'nowhere': expected auto, threads, processes or a Dask scheduler" in bad.output
