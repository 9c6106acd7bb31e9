"""Audits of many targets: targets files and threaded linting for the API (``lint_many``).

The command line runs audits through modellint/batch.py (executors, the results store, progress);
the ``summary`` format, one line per target, is in modellint/reporters/summary_format.py.
Results are merged in the order the targets were given, so a report does not depend on
scheduling. A target that fails is reported as an error and the others go on.
"""

import sys
from collections.abc import Iterable, Iterator, Sequence

from modellint.model import Report, ToolError
from modellint.progress import Progress
from modellint.registry import Registry, load_registry
from modellint.runner import RunOptions, TargetResult, lint_target, merge_results

MAX_JOBS = 64


def read_targets_file(path: str) -> list[str]:
    """One target per line; blank lines and ``#`` comments are skipped. ``-`` reads stdin."""
    return list(iter_targets_file(path))


def _target_of(line: str) -> str | None:
    line = line.split(" #", 1)[0].strip()  # "#" inside a URL is not a comment
    return line if line and not line.startswith("#") else None


def iter_targets_file(path: str) -> Iterator[str]:
    """``read_targets_file`` as a stream: a million-line file is never held in memory (stdin is,
    since it cannot be read twice)."""
    if path == "-":
        lines: Iterable[str] = _stdin_lines()
        for line in lines:
            target = _target_of(line)
            if target:
                yield target
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            target = _target_of(line)
            if target:
                yield target


_STDIN: list[str] | None = None


def _stdin_lines() -> list[str]:
    global _STDIN
    if _STDIN is None:
        _STDIN = sys.stdin.read().splitlines()
    return _STDIN


def count_targets_file(path: str) -> int:
    """How many targets a targets file lists (read once more, as a stream, for the progress)."""
    return sum(1 for _ in iter_targets_file(path))


def safe_lint(target: str, options: RunOptions, registry: Registry) -> TargetResult:
    try:
        return lint_target(target, options, registry)
    except Exception as exc:  # noqa: BLE001 - one broken target must not stop an audit
        report = Report(errors=[ToolError("internal", f"{type(exc).__name__}: {exc}", target)])
        return TargetResult(target, None, None, report, None)


def lint_many(targets: Sequence[str], options: RunOptions | None = None,
              registry: Registry | None = None, *, jobs: int = 1,
              progress: Progress | None = None) -> Report:
    """``runner.lint`` on ``jobs`` threads."""
    options = options or RunOptions()
    registry = registry or load_registry()
    jobs = max(1, min(jobs, MAX_JOBS, len(targets) or 1))

    def one(target: str) -> TargetResult:
        result = safe_lint(target, options, registry)
        if progress is not None:
            progress.advance(target)
        return result

    if jobs == 1:
        results = [one(t) for t in targets]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="modellint") as pool:
            results = list(pool.map(one, targets))
    if progress is not None:
        progress.close()
    return merge_results(results, registry)
