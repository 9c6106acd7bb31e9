"""Forked worker processes fed through one task queue, for an audit's CPU-bound work on folders
(finding the batch's cards, linting). Kept apart from ``executors`` so that the card index can use
it without importing the runner.

Ctrl-C: the workers ignore SIGINT (the parent decides); when the parent stops early, they are
killed at once.
"""

import queue
from collections.abc import Callable, Iterable, Iterator
from typing import Any

POLL_SECONDS = 0.2  # how often a waiting loop wakes to let Ctrl-C through
IN_FLIGHT_PER_WORKER = 4


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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


def map_in_order(work: Callable[[list[Any]], list[Any]], items: Iterable[Any], workers: int,
                 size: int, window: int = IN_FLIGHT_PER_WORKER) -> Iterator[Any]:
    """``work`` over ``items`` in chunks of ``size`` on ``workers`` forked processes, the results
    in the items' order (the chunks that finish early wait in a buffer as small as the window).
    ``window``: chunks in flight per worker."""
    if workers <= 1:
        for chunk in chunked(items, size):
            yield from work(chunk)
        return
    waiting: dict[int, list[Any]] = {}
    following = 0
    for number, results in run_pool(chunked(items, size), work, workers, window):
        waiting[number] = results
        while following in waiting:
            yield from waiting.pop(following)
            following += 1


def run_pool(chunks: Iterable[list[Any]], work: Callable[[list[Any]], list[Any]],
             workers: int, window: int = IN_FLIGHT_PER_WORKER
             ) -> Iterator[tuple[int, list[Any]]]:
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
            while in_flight >= workers * window:
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
