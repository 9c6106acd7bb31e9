"""Where an audit's targets are linted: threads, local processes, or a Dask cluster.

Every executor takes the targets as a stream of ``Job``s, lints them in chunks, and yields each
``(position, outcome)`` as it finishes, so the caller (the one writer of the store) can record it at
once. At most a few chunks per worker are in flight: neither the targets nor the results pile up
in memory, whatever the size of the audit.

- ``threads``: for Hub targets, which spend their time waiting on the network.
- ``processes``: for local folders, which spend it parsing; a pool of forked workers, each of which
  loaded the rules and knowledge base once (no process start per target, and no GIL between them).
- a Dask scheduler address (``tcp://host:8786``, ``dask://host:8786``): the same chunks go to the
  workers of a Dask distributed cluster, each of which loads modellint once; results come back to
  this process, which writes them. Dask was chosen over Ray: it is pure Python, installs from PyPI
  with no native runtime, runs a real local cluster in a test in a second or two, and its
  scheduler/worker model (plain functions on plain data) fits a batch of independent lints.

Ctrl-C: a KeyboardInterrupt while waiting stops the executor at once (pending chunks cancelled,
worker processes terminated) and propagates, so the caller can write what finished.
"""


import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from modellint.forkpool import IN_FLIGHT_PER_WORKER, POLL_SECONDS, chunked, run_pool
from modellint.outcome import TargetOutcome
from modellint.runner import RunOptions

CHUNK_LOCAL = 16  # targets per chunk sent to a process or a cluster worker


class Job(NamedTuple):
    position: int
    target: str
    known_revision: str | None = None  # --resume: skip when the target is still at this commit


Result = tuple[int, "TargetOutcome | None"]  # None: skipped (unchanged since the resumed run)

_REGISTRY: Any = None
LINTED = 0  # targets this process has linted as a worker (a cluster's workers report it)


def _registry() -> Any:
    global _REGISTRY
    if _REGISTRY is None:
        from modellint.registry import load_registry

        _REGISTRY = load_registry()
    return _REGISTRY


def share_registry(registry: Any) -> None:
    """Lint this process's targets with ``registry``: the command has loaded the same rules
    already (to check its options), and loading them again cost a local scan ~2 %."""
    global _REGISTRY
    _REGISTRY = registry


def lint_job(job: Job, options: RunOptions) -> Result:
    """Lint one target into its outcome; never raises (a broken target is an error record)."""
    from modellint.audit import safe_lint
    from modellint.outcome import outcome_of

    if job.known_revision is not None and _unchanged(job, options):
        return job.position, None
    result = safe_lint(job.target, options, _registry())
    return job.position, outcome_of(job.target, result, prerender=options.prerender)


def lint_chunk(jobs: list[Job], options: RunOptions) -> list[Result]:
    global LINTED
    results = [lint_job(job, options) for job in jobs]
    LINTED += len(results)
    return results


def linted_here() -> int:
    return LINTED


def _unchanged(job: Job, options: RunOptions) -> bool:
    """A Hub target whose current commit is the one recorded (one API call, no file read)."""
    from modellint.sources import is_remote

    if not is_remote(job.target):
        return True  # a folder has no commit to compare: done is done
    from modellint.sources.hubindex import current_commit

    try:
        return current_commit(job.target, options.source) == job.known_revision
    except Exception:  # noqa: BLE001 - cannot tell: lint it again
        return False


def run_jobs(jobs: Iterable[Job], options: RunOptions, executor: str,
             workers: int) -> Iterator[Result]:
    """Lint ``jobs`` on ``executor`` (threads | processes | a Dask scheduler address)."""
    if executor == "threads":
        return _threads(jobs, options, workers)
    if executor == "processes":
        return _processes(jobs, options, workers)
    return _dask(jobs, options, executor)


def is_cluster_address(value: str) -> bool:
    return value.startswith(("tcp://", "tls://", "dask://", "inproc://", "ucx://"))


def _serial(jobs: Iterable[Job], options: RunOptions) -> Iterator[Result]:
    for job in jobs:
        yield lint_job(job, options)


def _threads(jobs: Iterable[Job], options: RunOptions, workers: int) -> Iterator[Result]:
    if workers <= 1:
        yield from _serial(jobs, options)
        return
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="modellint")
    pending: set[Future[Result]] = set()
    source = iter(jobs)
    try:
        for job in source:
            pending.add(pool.submit(lint_job, job, options))
            while len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                done, pending = _wait(pending, wait, FIRST_COMPLETED)
                for fut in done:
                    yield fut.result()
        while pending:
            done, pending = _wait(pending, wait, FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
    finally:
        # Running lints are left to finish on their own (a Hub request cannot be cancelled);
        # the queued ones are dropped.
        pool.shutdown(wait=False, cancel_futures=True)


def _wait(pending: set[Any], wait: Callable[..., Any], when: Any) -> tuple[set[Any], set[Any]]:
    while True:  # short waits, so that Ctrl-C is seen within POLL_SECONDS
        done, rest = wait(pending, timeout=POLL_SECONDS, return_when=when)
        if done:
            return done, rest


def _processes(jobs: Iterable[Job], options: RunOptions, workers: int) -> Iterator[Result]:
    if workers <= 1:
        yield from _serial(jobs, options)
        return
    _registry()  # loaded once here; forked workers inherit it
    work = functools.partial(lint_chunk, options=options)
    for _, results in run_pool(chunked(jobs, CHUNK_LOCAL), work, workers):
        yield from results


def cluster_address(executor: str) -> str:
    return "tcp://" + executor[len("dask://"):] if executor.startswith("dask://") else executor


def _dask(jobs: Iterable[Job], options: RunOptions, executor: str) -> Iterator[Result]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise RuntimeError("--executor with a cluster address needs Dask distributed "
                           "(pip install 'modellint[dask]')") from None
    try:
        client = Client(cluster_address(executor), timeout=30, set_as_default=False)
    except OSError as exc:
        raise RuntimeError(f"cannot reach the Dask scheduler at {executor}: {exc}") from None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        window = workers * IN_FLIGHT_PER_WORKER
        source = chunked(jobs, CHUNK_LOCAL)
        first = [client.submit(lint_chunk, chunk, options, pure=False)
                 for _, chunk in zip(range(window), source, strict=False)]
        if not first:
            return
        futures = as_completed(first, loop=client.loop)
        in_flight = len(first)
        while in_flight:
            fut = _next_done(futures)
            in_flight -= 1
            yield from fut.result()
            fut.release()
            for chunk in source:  # keep the window full
                futures.add(client.submit(lint_chunk, chunk, options, pure=False))
                in_flight += 1
                break
    finally:
        client.close(timeout=5)


def _next_done(futures: Any) -> Any:
    # as_completed's iterator blocks without a timeout; poll so that Ctrl-C gets through.
    while True:
        batch = futures.next_batch(block=False)
        if batch:
            extra = batch[1:]
            if extra:
                futures.update(extra)  # put the others back
            return batch[0]
        threading.Event().wait(POLL_SECONDS / 4)


def default_workers() -> int:
    return os.cpu_count() or 1
