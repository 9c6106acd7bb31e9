"""Audits of many targets: concurrent linting, a progress bar, and a per-target summary.

Targets are linted on threads (Hub targets spend their time waiting on the network); results are
merged in the order the targets were given, so a report does not depend on scheduling. A target
that fails is reported as an error and the others go on.
"""

import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, TextIO

from modellint.config import Settings
from modellint.model import Report, ToolError
from modellint.registry import Registry, load_registry
from modellint.runner import RunOptions, TargetResult, lint_target, merge_results

MAX_JOBS = 64


class SummaryRow(NamedTuple):
    """One target's line in the audit summary table."""

    target: str
    license: str
    error: int
    warning: int
    info: int
    failed: str | None = None  # the error that stopped this target, if any


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
        return TargetResult(None, None, report, None)


def lint_many(targets: Sequence[str], options: RunOptions | None = None,
              registry: Registry | None = None, *, jobs: int = 1,
              progress: Progress | None = None,
              rows: list[SummaryRow] | None = None) -> tuple[Report, Settings]:
    """``runner.lint`` on ``jobs`` threads; ``rows`` receives one summary row per target."""
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

    if rows is not None:
        rows.extend(summary_row(t, r) for t, r in zip(targets, results, strict=True))
    return merge_results(results, registry)


def declared_license(result: TargetResult) -> str:
    """The card's license as written (``other`` with its ``license_name``), for the summary."""
    if result.facts is None or result.facts.card is None:
        return "-" if result.facts is None else "(no card)"
    from modellint.licensing import card_license_values

    meta = result.facts.metadata
    values = card_license_values(meta)
    if not values:
        return "(none)"
    text = ", ".join(values)
    name = meta.get("license_name")
    if text.lower() == "other" and isinstance(name, str) and name.strip():
        text = f"other ({name.strip()})"
    return text


def summary_row(target: str, result: TargetResult) -> SummaryRow:
    counts = result.report.counts()
    errors = result.report.errors
    failed = errors[0].message if result.facts is None and errors else None
    return SummaryRow(target, declared_license(result), counts["error"], counts["warning"],
                      counts["info"], failed)


def render_summary(rows: Iterable[SummaryRow], out: TextIO) -> None:
    """A plain table: target, license, findings by severity (or the error that stopped it)."""
    rows = list(rows)
    header = ("target", "license", "error", "warning", "info")
    table = [header] + [
        (r.target, r.license, *(("-", "-", "-") if r.failed else (str(r.error), str(r.warning),
                                                                   str(r.info))))
        for r in rows]
    tw = min(max(len(row[0]) for row in table), 60)
    lw = min(max(len(row[1]) for row in table), 30)
    for row in table:
        out.write(f"{_cut(row[0], tw):<{tw}}  {_cut(row[1], lw):<{lw}}  "
                  f"{row[2]:>5}  {row[3]:>7}  {row[4]:>4}\n")
    failed = [r for r in rows if r.failed]
    clean = sum(1 for r in rows if not r.failed and not (r.error or r.warning or r.info))
    out.write(f"\n{len(rows)} targets: {clean} clean, "
              f"{len(rows) - clean - len(failed)} with findings, {len(failed)} failed.\n")
    for r in failed:
        out.write(f"failed: {r.target}: {r.failed}\n")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def stderr_progress(total: int, stream: TextIO | None = None,
                    isatty: Callable[[], bool] | None = None) -> Progress | None:
    """A progress bar when stderr is a terminal and there is more than one target; else None."""
    stream = stream or sys.stderr
    tty = isatty() if isatty else stream.isatty()
    return Progress(total, stream) if tty and total > 1 else None
