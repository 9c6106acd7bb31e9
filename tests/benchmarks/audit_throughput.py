"""Audit throughput: cards per second and peak memory, on real cards and a synthetic million.

- ``clones``: the 3,433 real cards laid out as clones (``card_corpus.py clones``), audited by
  ``modellint check --targets-file ... -j J --format json`` for each J given.
- ``dask``: the same audit on a local Dask cluster of 1, then 2 worker processes
  (``--executor tcp://...``), the scheduler and workers started by this script.
- ``synthetic``: a card-folder corpus (``card_corpus.py synthetic OUT --count N``) audited into a
  results store with the HTML report, sampling the resident memory of the modellint process and
  its workers every few seconds, to show that memory stays flat while the audit grows.

Each figure is a whole process: interpreter start, loading the rules, walking, reading, writing.

    python tests/benchmarks/audit_throughput.py clones --jobs 1 2 [--runs 3]
    python tests/benchmarks/audit_throughput.py dask --workers 1 2
    python tests/benchmarks/audit_throughput.py synthetic /tmp/corpus-1m --jobs 2
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from card_corpus import build_clones  # noqa: E402


def _clones() -> Path:
    root = Path(tempfile.mkdtemp(prefix="modellint-clones-"))
    targets = build_clones(root)
    listing = root / "targets.txt"
    listing.write_text("".join(t + "\n" for t in targets))
    return listing


def _count(listing: Path) -> int:
    with open(listing) as fh:
        return sum(1 for line in fh if line.strip())


def _rss_kib(pid: int, children: bool = True) -> int:
    """Resident memory of ``pid`` and (by default) its children, from /proc (0 when gone)."""
    total = 0
    pids = [pid]
    try:
        if not children:
            raise OSError
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def run(args: list[str], sample_every: float = 0.0) -> dict[str, float | list[tuple[float, int, int]]]:
    """Run ``modellint ARGS``; wall time, the children's peak RSS, and RSS samples over time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "modellint", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int, int]] = []
    while proc.poll() is None:
        time.sleep(sample_every or 0.05)
        if sample_every:
            samples.append((time.perf_counter() - started, _rss_kib(proc.pid),
                            _rss_kib(proc.pid, children=False)))
    wall = time.perf_counter() - started
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode not in (0, 1, 130):  # 130: interrupted, the report of what finished
        raise SystemExit(f"modellint failed ({proc.returncode}): {stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "peak_mib": after.ru_maxrss / 1024, "samples": samples}


def clones(jobs: list[int], runs: int) -> None:
    listing = _clones()
    n = _count(listing)
    print(f"{n} real cards as clones; {runs} run(s) each, median")
    print("| command | wall s | cards/s | CPU s | peak MiB (largest process) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for j in jobs:
        results = sorted((run(["check", "--targets-file", str(listing), "-j", str(j),
                               "--format", "json", "-o", os.devnull]) for _ in range(runs)),
                         key=lambda r: r["wall"])
        mid = results[len(results) // 2]
        print(f"| check -j {j} | {mid['wall']:.2f} | {n / mid['wall']:.0f} | {mid['cpu']:.2f} | "
              f"{mid['peak_mib']:.0f} |")


def dask(workers: list[int]) -> None:
    from distributed import LocalCluster

    listing = _clones()
    n = _count(listing)
    print(f"{n} real cards as clones on a local Dask cluster (one thread per worker process)")
    print("| workers | wall s | cards/s |")
    print("| ---: | ---: | ---: |")
    for w in workers:
        with LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=40) as cluster:
            run(["check", "--targets-file", str(listing), "--executor", cluster.scheduler_address,
                 "--format", "json", "-o", os.devnull])  # warm the workers' imports
            r = run(["check", "--targets-file", str(listing), "--executor",
                     cluster.scheduler_address, "--format", "json", "-o", os.devnull])
        print(f"| {w} | {r['wall']:.2f} | {n / r['wall']:.0f} |")


def synthetic(corpus: Path, jobs: int, store: Path, report: Path, resume: bool) -> None:
    listing = corpus / "targets.txt"
    n = _count(listing)
    if resume:
        db = sqlite3.connect(store)
        already = db.execute("SELECT COUNT(*) FROM targets").fetchone()[0]
        db.close()
        print(f"resuming: {already} targets already in {store}")
        n -= already
    else:
        for path in (store, Path(f"{store}-wal"), Path(f"{store}-shm")):
            if path.exists():
                path.unlink()
    r = run(["check", "--targets-file", str(listing), "-j", str(jobs), "--store", str(store),
             "--format", "html", "-o", str(report), *(["--resume"] if resume else [])],
            sample_every=5.0)
    samples = r["samples"]
    assert isinstance(samples, list)
    print(f"{n} card folders linted, -j {jobs}, --store + --format html: {r['wall']:.0f} s wall, "
          f"{n / float(r['wall']):.0f} cards/s, CPU {r['cpu']:.0f} s, "
          f"peak RSS of the largest process {r['peak_mib']:.0f} MiB")
    print(f"store {store.stat().st_size / 2**20:.0f} MiB, report {report.stat().st_size / 2**20:.1f} MiB")
    if samples:
        marks = [samples[max(int(len(samples) * q) - 2, 0)] for q in (0.1, 0.25, 0.5, 0.75, 1.0)]
        print("RSS (MiB) at 10/25/50/75/100% of the run, all processes / the writer: " +
              ", ".join(f"{kib / 1024:.0f}/{own / 1024:.0f}" for _, kib, own in marks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("clones")
    c.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    c.add_argument("--runs", type=int, default=3)
    d = sub.add_parser("dask")
    d.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    s = sub.add_parser("synthetic")
    s.add_argument("corpus", type=Path)
    s.add_argument("--jobs", type=int, default=2)
    s.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "synthetic.sqlite")
    s.add_argument("--report", type=Path, default=Path(tempfile.gettempdir()) / "synthetic.html")
    s.add_argument("--resume", action="store_true", help="continue the store's interrupted run")
    args = parser.parse_args()
    if args.mode == "clones":
        clones(args.jobs, args.runs)
    elif args.mode == "dask":
        dask(args.workers)
    else:
        synthetic(args.corpus, args.jobs, args.store, args.report, args.resume)


if __name__ == "__main__":
    main()
