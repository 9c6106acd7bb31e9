"""Run an audit: targets stream to an executor, outcomes stream back to one writer.

The writer records each outcome in the store as it arrives (when there is one) and otherwise keeps
it for the report. With a store, nothing per target stays in memory: the report is read back from
the store afterwards. Ctrl-C stops the executor at once; what finished is kept (and committed), the
run is marked ``interrupted``, and the caller still writes the report of what finished.
"""


from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from modellint.executors import Job, is_cluster_address, run_jobs
from modellint.model import Report
from modellint.outcome import TargetOutcome
from modellint.pathcache import remembering_folders
from modellint.runner import RunOptions
from modellint.sources import is_remote

if TYPE_CHECKING:
    from modellint.progress import Progress
    from modellint.store import Store

AUTO = "auto"
PEEK = 100  # targets looked at to choose between threads and processes


class AuditRun(NamedTuple):
    run_id: int | None  # the store's run, when there is a store
    outcomes: list[TargetOutcome] | None  # in selection order; None when the store holds them
    interrupted: bool
    linted: int  # targets linted in this invocation
    skipped: int  # targets skipped by --resume


def choose_executor(executor: str, jobs: int, targets: list[str]) -> str:
    """``auto``: threads for Hub targets (network-bound), processes for folders (CPU-bound)."""
    if executor != AUTO:
        return executor
    if jobs <= 1:
        return "threads"
    return "threads" if targets and all(is_remote(t) for t in targets) else "processes"


def run_audit(targets: Iterable[str], options: RunOptions, *, executor: str = AUTO,
              jobs: int = 1, store: "Store | None" = None, run_id: int | None = None,
              resume: bool = False, progress: "Progress | None" = None, keep: bool = False) -> AuditRun:
    """Lint ``targets``; the outcomes are kept for the report unless a store holds them (``keep``:
    also with a store, for formats that need more of each target than the store records)."""
    source = iter(targets)
    head = [t for _, t in zip(range(PEEK), source, strict=False)]
    chosen = choose_executor(executor, jobs, head)

    def all_targets() -> Iterator[str]:
        yield from head
        yield from source

    resuming = store is not None and run_id is not None and resume
    skipped = 0

    def jobs_of() -> Iterator[Job]:
        nonlocal skipped
        for position, target in enumerate(all_targets()):
            found, revision = (store.recorded(run_id, target)  # type: ignore[union-attr, arg-type]
                               if resuming else (False, None))
            if found:
                if revision is None or not is_remote(target):
                    skipped += 1  # a folder (or a target without a commit) done is done
                    if progress is not None:
                        progress.advance(target)
                    continue
                yield Job(position, target, revision)
            else:
                yield Job(position, target)

    kept: list[tuple[int, TargetOutcome]] | None = [] if store is None or keep else None
    interrupted = False
    linted = 0
    workers = jobs if not is_cluster_address(chosen) else 0
    try:
        # Siblings' folders resolved once (forked workers inherit it): modellint/pathcache.py.
        with remembering_folders():
            for position, outcome in run_jobs(jobs_of(), options, chosen, workers):
                if outcome is None:
                    skipped += 1
                else:
                    linted += 1
                    if store is not None and run_id is not None:
                        store.add(run_id, position, outcome)
                    if kept is not None:
                        kept.append((position, outcome))
                if progress is not None:
                    progress.advance(outcome.target if outcome else "")
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if progress is not None:
            progress.close(interrupted)
        if store is not None and run_id is not None:
            store.finish_run(run_id, "interrupted" if interrupted else "finished")
    outcomes = None if kept is None else [o for _, o in sorted(kept, key=lambda item: item[0])]
    return AuditRun(run_id, outcomes, interrupted, linted, skipped)


def stored_outcomes(store: "Store", run_id: int, picture: bool = True) -> Iterator[TargetOutcome]:
    for stored in store.targets(run_id):
        yield store.outcome(stored, picture)


def report_of(outcomes: Iterable[TargetOutcome], registry_errors: Iterable[object] = ()) -> Report:
    report = Report(errors=list(registry_errors))  # type: ignore[arg-type]
    for o in outcomes:
        report.requested.append(o.target)
        if o.info is not None:
            report.targets.append(o.info)
        report.findings.extend(o.findings)
        if o.rendered:  # entries a worker rendered, found by the object they render
            owners = ((o.info,) if o.info is not None else ()) + o.findings
            report.rendered.update(zip(map(id, owners), o.rendered, strict=True))
        report.errors.extend(o.errors)
    report.sort()
    return report
