"""Command line: a thin shell over the runner. Exit codes: 0 clean, 1 findings, 2 errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import click

from modellint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split(values: Sequence[str]) -> tuple[str, ...] | None:
    """`--select A,B --select C` -> (A, B, C); None when the option was not given."""
    if not values:
        return None
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def fail(message: str) -> None:
    click.echo(f"modellint: error: {message}", err=True)


def _open_output(path: str | None) -> TextIO:
    if not path:
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise click.UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


class _Group(click.Group):
    """Turn an unexpected exception into one error line and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            fail("interrupted")
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(EXIT_ERROR)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("MODELLINT_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set MODELLINT_DEBUG=1 for a traceback)")
            sys.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="modellint", message="%(prog)s %(version)s")
def main() -> None:
    """License-compliance linter for machine-learning model repositories."""


@main.command()
@click.argument("targets", nargs=-1)
@click.option("--format", "fmt",
              type=click.Choice(["text", "concise", "json", "sarif", "github", "summary"]),
              default="text", show_default=True,
              help="Output format (summary: one line per target with license and counts).")
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--targets-file", metavar="FILE",
              help="Read more targets from FILE, one per line ('-' for stdin; '#' comments).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Lint this many targets at once (threads).")
@click.option("--select", multiple=True, metavar="CODES", help="Only these codes, prefixes or names.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these codes, prefixes or names.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Add to the configured selection.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]),
              help="Lowest severity that makes the exit code 1 (default: error).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--config", "config_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Read settings from FILE instead of discovering them.")
@click.option("--rev", metavar="REV", help="Lint the tree of a git commit, without a checkout.")
@click.option("--staged", is_flag=True, help="Lint the git index: what is about to be committed.")
@click.option("--since", metavar="BASE", help="Also check weight changes in BASE..HEAD (ML505).")
@click.option("--token", metavar="TOKEN", envvar=None,
              help="Hugging Face token (default: HF_TOKEN or the stored login).")
@click.option("--offline", is_flag=True, help="Hub targets: use only the local cache.")
@click.option("--baseline", "baseline", metavar="FILE", type=click.Path(dir_okay=False),
              help="Findings recorded in FILE are suppressed; only new ones fail.")
@click.option("--write-baseline", metavar="FILE", type=click.Path(dir_okay=False),
              help="Record the current findings in FILE and exit 0 (2 on errors).")
def check(targets: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], extend_select: tuple[str, ...], fail_on: str | None,
          exit_zero: bool, config_file: str | None, rev: str | None, staged: bool,
          since: str | None, token: str | None, offline: bool, baseline: str | None,
          write_baseline: str | None, targets_file: str | None = None, jobs: int = 1) -> None:
    """Lint model repositories: folders, git revisions or hf://org/name."""
    from modellint.audit import lint_many, read_targets_file, stderr_progress
    from modellint.registry import load_registry
    from modellint.reporters import get as get_reporter
    from modellint.runner import RunOptions
    from modellint.sources import SourceOptions

    all_targets = list(targets)
    if targets_file:
        try:
            all_targets += read_targets_file(targets_file)
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise click.UsageError(f"cannot read {targets_file}: {reason}") from None
        if not all_targets:
            raise click.UsageError(f"{targets_file} lists no targets")

    if rev and staged:
        raise click.UsageError("--rev and --staged cannot be combined")
    options = RunOptions(
        source=SourceOptions(rev=rev, staged=staged, since=since, token=token,
                             offline=offline),  # the Hub source also honours HF_HUB_OFFLINE
        config_file=config_file,
        select=_split(select),
        ignore=_split(ignore),
        extend_select=_split(extend_select) or (),
        fail_on=fail_on,
        baseline=baseline,
    )
    registry = load_registry()
    all_targets = all_targets or ["."]
    out = _open_output(output)  # before linting: an unwritable path must not cost a whole audit
    try:
        report, settings = lint_many(all_targets, options, registry, jobs=jobs,
                                     progress=stderr_progress(len(all_targets)))
        color = out is sys.stdout and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        get_reporter(fmt)(report, registry.rules, out, color=color)
    finally:
        if out is not sys.stdout:
            out.close()
    # One line per error on stderr, unless the summary table on the terminal already lists them.
    if not (fmt == "summary" and not output):
        for err in report.errors:
            fail(f"{err.target}: {err.message}" if err.target else err.message)
    if report.errors:
        sys.exit(EXIT_ERROR)
    if write_baseline:
        from modellint.baseline import BaselineError
        from modellint.baseline import write_baseline as write

        try:
            count = write(write_baseline, report.findings)
        except BaselineError as exc:
            fail(str(exc))
            sys.exit(EXIT_ERROR)
        click.echo(f"modellint: wrote {count} finding(s) to baseline {write_baseline}", err=True)
        sys.exit(EXIT_CLEAN)
    threshold = settings.fail_on
    failing = [f for f in report.active() if f.severity.rank >= threshold.rank]
    sys.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN)


@main.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True)
def rules_command(fmt: str) -> None:
    """List every rule: code, name, default severity and summary."""
    from modellint.registry import load_registry

    registry = load_registry()
    _report_registry_errors(registry.errors)
    rules = list(registry.rules.values())
    if fmt == "json":
        import json

        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary,
             "origin": r.origin} for r in rules], indent=2))
    elif fmt == "markdown":
        click.echo(rules_markdown(rules))
    else:
        width = max((len(r.name) for r in rules), default=10)
        for r in rules:
            click.echo(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}")


def rules_markdown(rules: Sequence[Any]) -> str:
    lines = ["| code | name | severity | summary |", "| --- | --- | --- | --- |"]
    for r in rules:
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| {r.code} | {r.name} | {r.severity.value} | {summary} |")
    return "\n".join(lines)


@main.command()
@click.argument("code_or_name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rule(code_or_name: str, fmt: str) -> None:
    """Explain one rule (by code or name): what it checks, why, and how to fix it."""
    from modellint.registry import load_registry

    registry = load_registry()
    found = registry.get(code_or_name)
    if found is None:
        from modellint.config import did_you_mean

        choices = list(registry.rules) + [r.name for r in registry.rules.values()]
        fail(f"unknown rule {code_or_name!r}{did_you_mean(code_or_name, choices)}")
        sys.exit(EXIT_ERROR)
    if fmt == "json":
        import json

        click.echo(json.dumps({"code": found.code, "name": found.name,
                               "severity": found.severity.value, "summary": found.summary,
                               "docs": dict(found.docs), "params": dict(found.params)}, indent=2))
        return
    from modellint.reporters.sarif_format import rule_markdown

    click.echo(f"{found.code} {found.name} (default severity: {found.severity.value})\n")
    click.echo(found.summary + "\n")
    click.echo(rule_markdown(found))
    if found.params:
        click.echo("\n## Options\n")
        for key, value in found.params.items():
            click.echo(f"- {key.replace('_', '-')} = {value!r}")


@main.command()
@click.argument("target", default=".")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("--rev", metavar="REV")
@click.option("--staged", is_flag=True)
@click.option("--token", metavar="TOKEN")
@click.option("--offline", is_flag=True)
def facts(target: str, fmt: str, rev: str | None, staged: bool, token: str | None, offline: bool) -> None:
    """Print the facts that checks see for TARGET, as JSON."""
    import json

    from modellint.facts import extract
    from modellint.snapshot import SourceError
    from modellint.sources import SourceOptions, open_target

    try:
        snapshot = open_target(target, SourceOptions(rev=rev, staged=staged, token=token,
                                                     offline=offline))
    except SourceError as exc:
        fail(f"{target}: {exc}")
        sys.exit(EXIT_ERROR)
    click.echo(json.dumps(extract(snapshot).to_json(), indent=2, ensure_ascii=False, default=str))


@main.command(name="license")
@click.argument("license_ids", nargs=-1, metavar="ID [ID]")
@click.option("--compare", is_flag=True, help="Set two licenses side by side: modellint license --compare A B.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def license_command(license_ids: tuple[str, ...], compare: bool, fmt: str) -> None:
    """Explain one license from the knowledge base (Hub id, SPDX id, ScanCode key or alias)."""
    from modellint.knowledge import KBError, load_kb
    from modellint.license_info import compare as side_by_side
    from modellint.license_info import compare_json, describe, to_json

    wanted = 2 if compare else 1
    if len(license_ids) != wanted:
        raise click.UsageError("--compare takes two license ids" if compare
                               else "give one license id (or --compare A B)")
    try:
        kb = load_kb()
    except KBError as exc:
        fail(str(exc))
        sys.exit(EXIT_ERROR)
    found = []
    for license_id in license_ids:
        lic = kb.resolve(license_id)
        if lic is None:
            from modellint.config import did_you_mean

            ids = [lic.id for lic in kb.all()]
            hint = did_you_mean(license_id.lower(), ids) or did_you_mean(license_id.lower(), kb.keys())
            fail(f"unknown license {license_id!r}{hint}")
            sys.exit(EXIT_ERROR)
        found.append(lic)
    if fmt == "json":
        import json

        data = compare_json(found[0], found[1]) if compare else to_json(found[0])
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if compare:
        import shutil

        click.echo(side_by_side(found[0], found[1], width=min(120, max(80, shutil.get_terminal_size().columns))))
        return
    click.echo(describe(found[0]))


def _report_registry_errors(errors: Sequence[Any]) -> None:
    for err in errors:
        fail(err.message)


if __name__ == "__main__":  # pragma: no cover
    main()
