"""Audits of many targets: concurrent linting and a progress bar (the ``summary`` format,
one line per target, is in modellint/reporters/summary_format.py).

Targets are linted on threads (Hub targets spend their time waiting on the network); results are
merged in the order the targets were given, so a report does not depend on scheduling. A target
that fails is reported as an error and the others go on.
"""

import sys
import threading
from collections.abc import Callable, Sequence
from typing import TextIO

from modellint.config import Settings
from modellint.model import Report, ToolError
from modellint.registry import Registry, load_registry
from modellint.runner import RunOptions, TargetResult, lint_target, merge_results

MAX_JOBS = 64


def read_targets_file(path: str) -> list[str]:
    """One target per line; blank lines and ``#`` comments are skipped. ``-`` reads stdin."""
    if path == "-":
        text = sys.stdin.read()
    else:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    targets = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()  # "#" inside a URL is not a comment
        if line and not line.startswith("#"):
            targets.append(line)
    return targets


class Progress:
    """``[#####.....] 12/200 org/name`` on stderr, redrawn in place; only on a terminal."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self._lock = threading.Lock()

    def advance(self, target: str) -> None:
        with self._lock:
            self.done += 1
            width = 24
            filled = width * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (width - filled)
            self.stream.write(f"\r\x1b[2K[{bar}] {self.done}/{self.total} {target[-50:]}")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r\x1b[2K")
        self.stream.flush()


def _safe_lint(target: str, options: RunOptions, registry: Registry) -> TargetResult:
    try:
        return lint_target(target, options, registry)
    except Exception as exc:  # noqa: BLE001 - one broken target must not stop an audit
        report = Report(errors=[ToolError("internal", f"{type(exc).__name__}: {exc}", target)])
        return TargetResult(target, None, None, report, None)


def lint_many(targets: Sequence[str], options: RunOptions | None = None,
              registry: Registry | None = None, *, jobs: int = 1,
              progress: Progress | None = None) -> tuple[Report, Settings]:
    """``runner.lint`` on ``jobs`` threads."""
    options = options or RunOptions()
    registry = registry or load_registry()
    jobs = max(1, min(jobs, MAX_JOBS, len(targets) or 1))

    def one(target: str) -> TargetResult:
        result = _safe_lint(target, options, registry)
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


def stderr_progress(total: int, stream: TextIO | None = None,
                    isatty: Callable[[], bool] | None = None) -> Progress | None:
    """A progress bar when stderr is a terminal and there is more than one target; else None."""
    stream = stream or sys.stderr
    tty = isatty() if isatty else stream.isatty()
    return Progress(total, stream) if tty and total > 1 else None
