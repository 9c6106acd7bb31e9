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
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from modellint.outcome import TargetOutcome
from modellint.runner import RunOptions

POLL_SECONDS = 0.2  # how often a waiting loop wakes to let Ctrl-C through
CHUNK_LOCAL = 16  # targets per chunk sent to a process or a cluster worker
IN_FLIGHT_PER_WORKER = 4


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


def chunked(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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


def _ignore_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops


def _process_worker(tasks: Any, results: Any, work: Callable[[list[Any]], list[Any]]) -> None:
    _ignore_sigint()
    while True:
        item = tasks.get()
        if item is None:
            return
        number, chunk = item
        try:
            results.put((number, work(chunk)))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which stops
            results.put(RuntimeError(f"worker failed: {type(exc).__name__}: {exc}"))


def _processes(jobs: Iterable[Job], options: RunOptions, workers: int) -> Iterator[Result]:
    if workers <= 1:
        yield from _serial(jobs, options)
        return
    _registry()  # loaded once here; forked workers inherit it
    work = functools.partial(lint_chunk, options=options)
    for _, results in _pool(chunked(jobs, CHUNK_LOCAL), work, workers):
        yield from results


def map_in_order(work: Callable[[list[Any]], list[Any]], items: Iterable[Any], workers: int,
                 size: int) -> Iterator[Any]:
    """``work`` over ``items`` in chunks of ``size`` on ``workers`` forked processes, the results
    in the items' order (the chunks that finish early wait in a buffer as small as the window)."""
    if workers <= 1:
        for chunk in chunked(items, size):
            yield from work(chunk)
        return
    waiting: dict[int, list[Any]] = {}
    following = 0
    for number, results in _pool(chunked(items, size), work, workers):
        waiting[number] = results
        while following in waiting:
            yield from waiting.pop(following)
            following += 1


def _pool(chunks: Iterable[list[Any]], work: Callable[[list[Any]], list[Any]],
          workers: int) -> Iterator[tuple[int, list[Any]]]:
    """Forked workers fed through one task queue; yields (chunk number, results) as each
    finishes. Written here rather than with multiprocessing.Pool because Pool.terminate() can
    deadlock on a worker that waits for a task while holding the queue's lock, and Ctrl-C must
    stop the audit at once: these workers are simply killed."""
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx: Any = multiprocessing.get_context(method)
    tasks: Any = ctx.Queue()
    results: Any = ctx.Queue()
    procs = [ctx.Process(target=_process_worker, args=(tasks, results, work), daemon=True,
                         name=f"modellint-{n}") for n in range(workers)]
    for proc in procs:
        proc.start()
    in_flight = 0
    finished = False
    try:
        for number, chunk in enumerate(chunks):
            tasks.put((number, chunk))
            in_flight += 1
            while in_flight >= workers * IN_FLIGHT_PER_WORKER:
                yield _take(results, procs)
                in_flight -= 1
        while in_flight:
            yield _take(results, procs)
            in_flight -= 1
        for _ in procs:
            tasks.put(None)
        for proc in procs:
            proc.join()
        finished = True
    finally:
        if not finished:
            for proc in procs:
                proc.kill()
            for q in (tasks, results):
                q.cancel_join_thread()  # nothing will read what is left in them
            for proc in procs:
                proc.join(1)


def _take(results: Any, procs: list[Any]) -> tuple[int, list[Any]]:
    while True:
        try:
            got = results.get(timeout=POLL_SECONDS)
        except queue.Empty:
            dead = [p for p in procs if not p.is_alive()]
            if dead:
                raise RuntimeError(f"worker process {dead[0].name} died "
                                   f"(exit code {dead[0].exitcode})") from None
            continue
        if isinstance(got, BaseException):
            raise got
        number, chunk_results = got
        return number, list(chunk_results)


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
