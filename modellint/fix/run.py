"""The `modellint fix` run: check, fix what is mechanical, show or write, check again."""

from __future__ import annotations

from collections.abc import Callable

from modellint.model import Finding

Echo = Callable[[str], None]
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class FixError(Exception):
    """Stops `fix` with one line on stderr (exit 2)."""


def _selected(findings: list[Finding], select: tuple[str, ...] | None, registry: object) -> list[Finding]:
    if not select:
        return findings
    from modellint.selection import is_selected

    codes = []
    for entry in select:
        rule = registry.get(entry)  # type: ignore[attr-defined]
        codes.append(rule.code if rule is not None else entry.upper())
    return [f for f in findings if is_selected(f.code, codes, ())]


def run_fix(target: str, select: tuple[str, ...] | None, diff: bool, offline: bool,
            license_file: str | None, echo: Echo) -> int:
    from modellint.edit import EditError, check_working_tree
    from modellint.fix import Context, fix_findings
    from modellint.registry import load_registry
    from modellint.runner import RunOptions, lint_target

    try:
        check_working_tree(target)
    except EditError as exc:
        raise FixError(str(exc)) from None
    registry = load_registry()
    result = lint_target(target, RunOptions(), registry)
    if result.report.errors or result.facts is None:
        raise FixError("; ".join(e.message for e in result.report.errors) or "nothing was linted")
    findings = _selected(result.report.active(), select, registry)
    ctx = Context(target, result.facts, offline=offline, license_file=license_file)
    outcomes = fix_findings(findings, ctx)
    for outcome in outcomes:
        f = outcome.finding
        where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "(repository)")
        mark = "fixed" if outcome.fixed else "left "
        echo(f"{mark} {f.code} {where}: {outcome.message}")
    fixed = sum(o.fixed for o in outcomes)
    left = len(outcomes) - fixed
    if diff:
        text = ctx.changes.diff()
        if text:
            echo("")
            echo(text.rstrip("\n"))
        echo(f"\n{fixed} fixable, {left} left for you (nothing written: --diff).")
        return EXIT_FINDINGS if ctx.changes else EXIT_CLEAN
    try:
        written = ctx.changes.apply()
    except EditError as exc:
        raise FixError(str(exc)) from None
    echo(f"\nFixed {fixed} of {len(outcomes)} finding(s)"
         + (f"; wrote {', '.join(written)}." if written else "."))
    after = lint_target(target, RunOptions(), registry)
    remaining = after.report.active()
    if remaining:
        import io

        from modellint.reporters import get as get_reporter

        out = io.StringIO()
        get_reporter("concise")(after.report, registry.rules, out, color=False)
        echo("Still reported:")
        echo(out.getvalue().rstrip("\n"))
    return EXIT_FINDINGS if after.report.failing() or after.report.errors else EXIT_CLEAN


__all__ = ["FixError", "run_fix"]
