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
    # One line, whatever the message holds: a target's or a config's newline or escape sequence
    # must not forge lines (or GitHub workflow commands) on stderr.
    from modellint.printable import shown

    click.echo(f"modellint: error: {shown(message)}", err=True)


def _open_output(path: str | None) -> TextIO:
    if not path:
        return sys.stdout
    try:
        # backslashreplace: a character no UTF-8 file can hold (a lone surrogate that slipped
        # through) is written as an escape, never an exception halfway through the file.
        return open(path, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    except OSError as exc:
        raise click.UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


class _Group(click.Group):
    """Turn an unexpected exception into one error line and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        for stream in (sys.stdout, sys.stderr):  # as for -o FILE: escapes, never a crash
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
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
              type=click.Choice(["text", "concise", "json", "sarif", "github", "summary", "html",
                                 "cyclonedx", "cyclonedx-1.7", "cyclonedx-1.6", "spdx3",
                                 "openness"]),
              default="text", show_default=True,
              help="Output format (summary: one line per target with license and counts; "
                   "html: a self-contained audit report; cyclonedx: a CycloneDX 1.7 ML-BOM, "
                   "cyclonedx-1.6 in CycloneDX 1.6; spdx3: an SPDX 3.0.1 AI-BOM; openness: the parts "
                   "the Open Source AI Definition and the Model Openness Framework ask for).")
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--targets-file", metavar="FILE",
              help="Read more targets from FILE, one per line ('-' for stdin; '#' comments).")
@click.option("--hub-query", metavar="QUERY",
              help="Add the Hub models a search selects: words, author:ORG, license:ID, tag:T.")
@click.option("--hub-sort", type=click.Choice(["downloads", "likes", "last_modified", "created_at",
                                               "trending_score"]),
              help="Order of --hub-query results (descending).")
@click.option("--hub-limit", type=click.IntRange(1, 10_000_000), metavar="N",
              help="At most N models from --hub-query.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Lint this many targets at once.")
@click.option("--executor", default="auto", show_default=True, metavar="WHERE",
              help="threads, processes, or a Dask scheduler address (tcp://host:8786) "
                   "whose workers lint the targets; auto: threads for Hub targets, processes "
                   "for folders.")
@click.option("--store", "store_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Record the audit in the SQLite results store FILE (created when missing).")
@click.option("--resume", is_flag=True,
              help="With --store: continue the store's latest run, skipping targets it "
                   "already holds at the same commit.")
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
@click.option("--kind", type=click.Choice(["model", "dataset"]), default=None,
              help="Lint the targets as this kind of repository (default: from the target: "
                   "hf://datasets/..., a clone's origin, else the card).")
@click.option("--baseline", "baseline", metavar="FILE", type=click.Path(dir_okay=False),
              help="Findings recorded in FILE are suppressed; only new ones fail.")
@click.option("--write-baseline", metavar="FILE", type=click.Path(dir_okay=False),
              help="Record the current findings in FILE and exit 0 (2 on errors).")
@click.option("--color", "color_choice", type=click.Choice(["auto", "always", "never"]),
              default="auto", show_default=True,
              help="Colour the text report (auto: on a terminal, unless NO_COLOR is set; "
                   "FORCE_COLOR forces it).")
@click.option("-q", "--quiet", is_flag=True,
              help="Findings and failures only: no license lines, closing line, progress or notes.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also say on stderr which configuration file and settings each target uses.")
@click.option("--show-settings", is_flag=True,
              help="Print each target's configuration file and effective settings as TOML, and "
                   "exit without linting.")
@click.option("--touched", "touched", multiple=True, hidden=True, metavar="FILE",
              help="A file the change touches (what `modellint hook` passes on).")
def check(targets: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], extend_select: tuple[str, ...], fail_on: str | None,
          exit_zero: bool, config_file: str | None, rev: str | None, staged: bool,
          since: str | None, token: str | None, offline: bool, baseline: str | None,
          write_baseline: str | None, targets_file: str | None = None, jobs: int = 1,
          hub_query: str | None = None, hub_sort: str | None = None, hub_limit: int | None = None,
          executor: str = "auto", store_path: str | None = None, resume: bool = False,
          color_choice: str = "auto", quiet: bool = False, verbose: bool = False,
          show_settings: bool = False, touched: tuple[str, ...] = (),
          kind: str | None = None) -> None:
    """Lint model and dataset repositories: folders, git revisions, hf://org/name or
    hf://datasets/org/name."""
    from modellint.registry import load_registry
    from modellint.runner import RunOptions
    from modellint.sources import SourceOptions

    if quiet and (verbose or show_settings):
        raise click.UsageError("--quiet cannot be combined with --verbose or --show-settings")
    if resume and not store_path:
        raise click.UsageError("--resume needs --store FILE")
    if resume and fmt in _DOCUMENT_FORMATS:
        raise click.UsageError(f"--resume cannot write --format {fmt}: the store does not keep the "
                               "files and card fields of the targets it skips")
    if executor not in ("auto", "threads", "processes"):
        from modellint.executors import is_cluster_address

        if not is_cluster_address(executor):
            raise click.UsageError(f"--executor {executor!r}: expected auto, threads, processes "
                                   "or a Dask scheduler address such as tcp://host:8786")
    all_targets: list[str] = list(targets)
    file_targets: tuple[int, Any] = (0, ())
    if targets_file:
        from modellint.audit import count_targets_file, iter_targets_file

        try:
            file_targets = (count_targets_file(targets_file), iter_targets_file(targets_file))
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise click.UsageError(f"cannot read {targets_file}: {reason}") from None
        if not all_targets and not file_targets[0] and not hub_query:
            raise click.UsageError(f"{targets_file} lists no targets")
    if hub_query:
        all_targets += _hub_targets(hub_query, hub_sort, hub_limit, token)
        if not all_targets and not file_targets[0]:
            fail(f"the Hub query {hub_query!r} selects no model")
            sys.exit(EXIT_ERROR)

    if rev and staged:
        raise click.UsageError("--rev and --staged cannot be combined")
    options = RunOptions(
        source=SourceOptions(rev=rev, staged=staged, since=since, token=token,
                             offline=offline,  # the Hub source also honours HF_HUB_OFFLINE
                             kind=kind),
        config_file=config_file,
        select=_split(select),
        ignore=_split(ignore),
        extend_select=_split(extend_select) or (),
        fail_on=fail_on,
        baseline=baseline,
        inventory=fmt in _DOCUMENT_FORMATS,  # the other formats do not read it
    )
    registry = load_registry()
    from modellint.config import ConfigError
    from modellint.registry import SpecError
    from modellint.runner import check_run_options

    try:
        check_run_options(options, registry)
    except (ConfigError, SpecError) as exc:
        raise click.UsageError(str(exc)) from None
    from modellint.executors import share_registry

    share_registry(registry)  # the targets linted in this process use it too
    if not all_targets and not file_targets[0]:
        all_targets = ["."]
    # A repository of several models (models/*, checkpoints/*) is linted model folder by model
    # folder; with a change (--staged, --since, the hook's files), only the folders it touches.
    from modellint.discovery import expand

    expansion = expand(all_targets, options.source, list(touched) if touched else None)
    for note in expansion.notes if not quiet else ():
        click.echo(f"modellint: {note}", err=True)
    all_targets = expansion.targets
    if expansion.inherit_from:
        options = options._replace(inherit_from=expansion.inherit_from)
    if show_settings or verbose:
        _say_settings(all_targets, options, registry, full=show_settings)
        if show_settings:
            sys.exit(EXIT_CLEAN)
    total = len(all_targets) + file_targets[0]
    out = _open_output(output)  # before linting: an unwritable path must not cost a whole audit
    store = _open_store(store_path) if store_path else None
    # Folders are looked into by forked processes when the lint will run on them too.
    batch = (_batch_index(all_targets, targets_file,
                          jobs if executor in ("auto", "processes") else 1)
             if total > 1 else None)
    # Without a store the workers render their targets' JSON entries: the writer only joins them.
    options = options._replace(batch_index=batch,
                               prerender="json" if fmt == "json" and store is None else None)
    try:
        from itertools import chain

        from modellint.batch import run_audit
        from modellint.progress import stderr_progress

        run_id = None
        if store is not None:
            run_id = (store.resume_run(total) if resume else None) or store.start_run(
                sys.argv[1:], total)
            store.add_run_errors(run_id, registry.errors)
        run = run_audit(chain(all_targets, file_targets[1]), options, executor=executor,
                        jobs=jobs, store=store, run_id=run_id, resume=resume,
                        progress=None if quiet else stderr_progress(total),
                        keep=fmt in _DOCUMENT_FORMATS)
        report = _render_audit(run, store, registry, fmt, out, _use_color(color_choice, out),
                               quiet=quiet)
    finally:
        if out is not sys.stdout:
            out.close()
        if store is not None:
            store.close()
        if batch is not None:
            from modellint.cardindex import drop_batch

            drop_batch(batch)
    # One line per error on stderr, unless the summary table on the terminal already lists them.
    if not (fmt == "summary" and not output):
        for err in report.errors:
            fail(f"{err.target}: {err.message}" if err.target else err.message)
    if run.interrupted:
        fail(f"interrupted: the report covers the {run.linted} target(s) that finished"
             + (f"; {store_path} keeps them (--resume continues)" if store_path else ""))
        sys.exit(130)
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
        if not quiet:
            click.echo(f"modellint: wrote {count} finding(s) to baseline {write_baseline}",
                       err=True)
        sys.exit(EXIT_CLEAN)
    # Each finding is judged by the fail-on of its own target (--fail-on, else its configuration).
    sys.exit(EXIT_FINDINGS if report.failing() and not exit_zero else EXIT_CLEAN)


def _use_color(choice: str, out: TextIO) -> bool:
    """--color always / never decide; auto follows FORCE_COLOR, then NO_COLOR (both: set and not
    empty, as no-color.org and force-color.org say), then whether stdout is a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return out is sys.stdout and sys.stdout.isatty()


def _say_settings(targets: list[str], options: Any, registry: Any, *, full: bool) -> None:
    """--verbose: one stderr line per target naming its configuration file; --show-settings:
    that line and the effective settings as TOML on stdout."""
    from modellint import tomlout
    from modellint.config import ConfigError
    from modellint.printable import shown
    from modellint.registry import SpecError
    from modellint.runner import load_settings, settings_table

    for target in targets:
        try:
            settings = load_settings(target, options, registry)
        except (ConfigError, SpecError) as exc:
            fail(f"{target}: {exc}")
            continue
        source = (f"settings from {settings.source}" if settings.source
                  else "default settings (no configuration file)")
        if full:
            click.echo(f"# {shown(target)}: {shown(source)}")
            click.echo(tomlout.dumps(settings_table(settings)))
        else:
            click.echo(f"modellint: {shown(target)}: {shown(source)}", err=True)


def _batch_index(targets: list[str], targets_file: str | None, workers: int) -> str | None:
    """An audit is a supply chain: index its local targets' cards first, so that a base which is
    one of them resolves from its own card (modellint/cardindex.py)."""
    from itertools import chain

    from modellint.audit import iter_targets_file
    from modellint.cardindex import build_batch

    listed = chain(targets, iter_targets_file(targets_file)) if targets_file else iter(targets)
    try:
        return build_batch(listed, workers=workers)
    except OSError as exc:  # no room for the index: the audit goes on without it
        fail(f"warning: bases will not resolve from the audit's own targets: {exc}")
        return None


@main.command()
@click.argument("files", nargs=-1)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]),
              help="Lowest severity that makes the exit code 1 (default: error).")
@click.option("--config", "config_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Read settings from FILE instead of discovering them.")
@click.option("--format", "fmt", type=click.Choice(["text", "concise", "github"]), default="text",
              show_default=True)
@click.option("--select", multiple=True, metavar="CODES", help="Only these codes, prefixes or names.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these codes, prefixes or names.")
@click.option("--staged", is_flag=True, hidden=True, help="Accepted for older hook arguments.")
@click.option("--color", "color_choice", type=click.Choice(["auto", "always", "never"]),
              default="auto", show_default=True, help="Colour the text report.")
@click.option("-q", "--quiet", is_flag=True, help="Findings and failures only.")
@click.pass_context
def hook(ctx: click.Context, files: tuple[str, ...], fail_on: str | None, config_file: str | None,
         fmt: str, select: tuple[str, ...], ignore: tuple[str, ...], staged: bool,
         color_choice: str, quiet: bool) -> None:
    """The pre-commit hook: lint the git index of the model folders FILES touch.

    pre-commit passes the staged files (all files with --all-files); a repository whose root is a
    model is linted whole, one of several models folder by folder, only those FILES touch."""
    ctx.invoke(check, targets=(), staged=True, touched=files, fail_on=fail_on,
               config_file=config_file, fmt=fmt, select=select, ignore=ignore,
               color_choice=color_choice, quiet=quiet)


# Formats that describe each target's files and card: the store does not record those, so an
# audit with --store keeps its outcomes for them.
_DOCUMENT_FORMATS = frozenset({"cyclonedx", "cyclonedx-1.7", "cyclonedx-1.6", "spdx3", "openness"})


def _hub_targets(query: str, sort: str | None, limit: int | None, token: str | None) -> list[str]:
    from modellint.snapshot import SourceError
    from modellint.sources import SourceOptions
    from modellint.sources.hubindex import parse_query, search_targets

    try:
        parsed = parse_query(query, sort, limit)
    except ValueError as exc:
        raise click.UsageError(f"--hub-query: {exc}") from None
    try:
        return list(search_targets(parsed, SourceOptions(token=token)))
    except SourceError as exc:
        fail(str(exc))
        sys.exit(EXIT_ERROR)


def _open_store(path: str) -> Any:
    from modellint.store import Store, StoreError

    try:
        return Store.open(path)
    except StoreError as exc:
        fail(str(exc))
        sys.exit(EXIT_ERROR)


def _tally(report: Any, outcome: Any) -> None:
    """Keep an outcome's errors and, while nothing fails yet, a finding that fails the run with
    its target (whose fail-on judges it): all the exit code needs, without holding every finding
    of a large audit."""
    report.errors.extend(outcome.errors)
    failing = outcome.failing()
    if failing and outcome.info is not None and not report.findings:
        report.targets.append(outcome.info)
        report.findings.append(failing[0])


def _render_audit(run: Any, store: Any, registry: Any, fmt: str, out: TextIO, color: bool,
                  *, quiet: bool = False) -> Any:
    """Write the report of an audit; returns the Report (errors and findings, for the exit code).
    With a store, the outcomes are read back from it in a stream."""
    from modellint.batch import report_of, stored_outcomes

    # The HTML report reads licenses per component from the store's table, not the picture.
    outcomes = (run.outcomes if run.outcomes is not None
                else stored_outcomes(store, run.run_id, picture=fmt != "html"))
    if fmt == "html":
        from modellint.model import Report
        from modellint.reporters.html_format import render_audit

        report = Report(errors=list(registry.errors))

        def tally(items: Any) -> Any:
            for o in items:
                _tally(report, o)
                yield o

        render_audit(tally(outcomes), registry.rules, out, run_id=run.run_id,
                     registry_errors=registry.errors)
        return report
    from modellint.reporters import get as get_reporter

    report = report_of(outcomes, registry.errors)
    if fmt == "text" and quiet:
        from modellint.reporters.text_format import render as render_text

        render_text(report, registry.rules, out, color=color, quiet=True)
    else:
        get_reporter(fmt)(report, registry.rules, out, color=color)
    return report


@main.group(name="audit")
def audit_group() -> None:
    """Query an audit results store (written by check --store)."""


_STORE_OPTION = click.option("--store", "store_path", metavar="FILE", default="audit.sqlite",
                             show_default=True, type=click.Path(dir_okay=False),
                             help="The results store to read.")


def _printable(text: str) -> str:
    """A target's text with its control characters shown as escapes, never sent raw."""
    from modellint.printable import shown

    return shown(text)


def _read_store(path: str) -> Any:
    from modellint.store import Store, StoreError

    try:
        return Store.open(path, create=False)
    except StoreError as exc:
        fail(str(exc))
        sys.exit(EXIT_ERROR)


@audit_group.command(name="history")
@click.argument("target")
@_STORE_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def audit_history(target: str, store_path: str, fmt: str) -> None:
    """How TARGET fared in each run: commit, licenses per component, findings, and what changed."""
    from modellint.drift import history_json, render_history_text

    store = _read_store(store_path)
    try:
        if fmt == "json":
            import json

            data = history_json(store, target)
            click.echo(json.dumps(data, indent=2, ensure_ascii=False))
            found = len(data["runs"])
        else:
            found = render_history_text(store, target, sys.stdout, _printable)
    finally:
        store.close()
    if not found:
        fail(f"{_printable(target)}: not in any run of {store_path}")
        sys.exit(EXIT_ERROR)


@audit_group.command(name="diff")
@click.argument("run_a", default="previous")
@click.argument("run_b", default="latest")
@_STORE_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def audit_diff(run_a: str, run_b: str, store_path: str, fmt: str) -> None:
    """What changed from RUN_A to RUN_B (ids, 'previous', 'latest'): new, fixed and changed
    findings, license changes per component, new commits. Exit 1 when anything changed."""
    from modellint.drift import diff_json, render_diff_text
    from modellint.store import StoreError

    store = _read_store(store_path)
    try:
        try:
            a, b = store.run(run_a), store.run(run_b)
        except StoreError as exc:
            fail(str(exc))
            sys.exit(EXIT_ERROR)
        if fmt == "json":
            import json

            data = diff_json(store, a, b)
            click.echo(json.dumps(data, indent=2, ensure_ascii=False))
            changed = any(v for k, v in data["totals"].items() if k != "compared")
        else:
            changed = render_diff_text(store, a, b, sys.stdout, _printable).anything
    finally:
        store.close()
    sys.exit(EXIT_FINDINGS if changed else EXIT_CLEAN)


@main.group(name="index")
def index_group() -> None:
    """The local card index: base models' licenses from cards you already have."""


@index_group.command(name="build")
@click.argument("folders", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--hub-cache", is_flag=True,
              help="Also index the cards in the Hugging Face cache (models--org--name snapshots).")
def index_build(folders: tuple[str, ...], hub_cache: bool) -> None:
    """Index the cards in FOLDERS (org_name.md files, org/name/README.md clones, Hub cache
    folders) so that later scans resolve base models from them, online or not."""
    from itertools import chain

    from modellint.cardindex import cards_in, default_index_path, entries, hub_cache_dir, write_index

    sources = list(folders) + ([hub_cache_dir()] if hub_cache else [])
    if not sources:
        raise click.UsageError("give FOLDERS to index, or --hub-cache")
    path = default_index_path()
    if path is None:
        fail("modellint's cache folder is turned off (MODELLINT_CACHE_DIR is empty): nowhere to "
             "keep the index")
        sys.exit(EXIT_ERROR)
    found = chain.from_iterable(cards_in(f) for f in sources if os.path.isdir(f))
    try:
        count = write_index(path, entries(found))
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
        sys.exit(EXIT_ERROR)
    click.echo(f"modellint: indexed {count} card(s) in {path}", err=True)


@index_group.command(name="show")
@click.argument("model_id")
def index_show(model_id: str) -> None:
    """What the local card index holds for MODEL_ID (org/name), as JSON."""
    import json

    from modellint.cardindex import CardIndex, default_index_path

    path = default_index_path()
    entry = CardIndex(path, "index").get(model_id) if path and os.path.isfile(path) else None
    if entry is None:
        fail(f"{_printable(model_id)} is not in the local card index"
             + ("" if path and os.path.isfile(path) else " (none was built: modellint index build)"))
        sys.exit(EXIT_FINDINGS)
    click.echo(json.dumps(entry._asdict(), indent=2))


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
        from modellint.docs import rules_markdown

        click.echo(rules_markdown(rules))
    else:
        width = max((len(r.name) for r in rules), default=10)
        for r in rules:
            click.echo(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}")


@main.command()
@click.argument("code_or_name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rule(code_or_name: str, fmt: str) -> None:
    """Explain one rule (by code or name): what it checks, why, and how to fix it."""
    from modellint.registry import load_registry

    registry = load_registry()
    found = registry.get(code_or_name)
    if found is None:
        from modellint.suggest import did_you_mean

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
        from modellint import tomlout

        click.echo("\n## Options (defaults; set them in .modellint.toml)\n")
        click.echo(tomlout.dumps({"rules": {found.code: {
            key.replace("_", "-"): value for key, value in found.params.items()}}}).rstrip("\n"))


@main.command()
@click.argument("target", default=".")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("--rev", metavar="REV")
@click.option("--staged", is_flag=True)
@click.option("--token", metavar="TOKEN")
@click.option("--offline", is_flag=True)
@click.option("--kind", type=click.Choice(["model", "dataset"]), default=None,
              help="Read the target as this kind of repository (default: from the target).")
def facts(target: str, fmt: str, rev: str | None, staged: bool, token: str | None, offline: bool,
          kind: str | None) -> None:
    """Print the facts that checks see for TARGET, as JSON."""
    import json

    from modellint.facts import extract
    from modellint.snapshot import SourceError
    from modellint.sources import SourceOptions, open_target

    try:
        snapshot = open_target(target, SourceOptions(rev=rev, staged=staged, token=token,
                                                     offline=offline, kind=kind))
    except SourceError as exc:
        fail(f"{target}: {exc}")
        sys.exit(EXIT_ERROR)
    click.echo(json.dumps(extract(snapshot).to_json(), indent=2, ensure_ascii=False, default=str))


@main.command(name="licenses")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def licenses_command(fmt: str) -> None:
    """List every license modellint knows: id, kind, family and name (details: `license ID`)."""
    from modellint.knowledge import KBError, load_kb

    try:
        kb = load_kb()
    except KBError as exc:
        fail(str(exc))
        sys.exit(EXIT_ERROR)
    records = sorted(kb.all(), key=lambda lic: lic.id)
    if fmt == "json":
        import json

        click.echo(json.dumps([{"id": r.id, "name": r.name, "kind": r.kind, "family": r.family,
                                "hub_id": r.hub_id, "spdx": r.spdx} for r in records], indent=2,
                              ensure_ascii=False))
        return
    wid = max(len(r.id) for r in records)
    wkind = max(len(r.kind) for r in records)
    wfam = max(len(r.family) for r in records)
    for r in records:
        click.echo(f"{r.id:<{wid}}  {r.kind:<{wkind}}  {r.family:<{wfam}}  {r.name}")


@main.command(name="profiles")
def profiles_command() -> None:
    """List the configuration presets (`profile = "NAME"` in .modellint.toml) and what each does."""
    import os
    import textwrap

    from modellint.config import profile_names
    from modellint.rulesdata import rules_data_dir
    from modellint.tomlcompat import tomllib

    for name in profile_names():
        with open(os.path.join(rules_data_dir(), "profiles", f"{name}.toml"), "rb") as fh:
            description = " ".join(str(tomllib.load(fh).get("description", "")).split())
        click.echo(name)
        click.echo(textwrap.fill(description, 96, initial_indent="  ", subsequent_indent="  ",
                                 break_on_hyphens=False))


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
            from modellint.suggest import did_you_mean

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


@main.command(name="identify")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def identify_command(files: tuple[str, ...], fmt: str) -> None:
    """Say which license each FILE holds, how sure, by which method, and what differs from the
    license's canonical text ("-" reads standard input)."""
    from modellint.classify import classify
    from modellint.facts.text import MAX_TEXT_BYTES, decode
    from modellint.identify import identify_file
    from modellint.identify.explain import describe, license_json

    results: list[dict[str, Any]] = []
    failed = False
    for path in files:
        try:
            if path == "-":
                data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
            else:
                with open(path, "rb") as fh:
                    data = fh.read(MAX_TEXT_BYTES + 1)
        except OSError as exc:
            fail(f"{_printable(path)}: {exc.strerror or exc}")
            failed = True
            continue
        text, problem = decode(data[:MAX_TEXT_BYTES], len(data) > MAX_TEXT_BYTES)
        name = "stdin" if path == "-" else path.replace(os.sep, "/")
        role = classify(name.rsplit("/", 1)[-1]).role
        found = identify_file(name, text, role if role in ("notice", "policy", "changelog") else "license")
        if fmt == "json":
            entry: dict[str, Any] = {"path": path, "licenses": [license_json(text, f) for f in found]}
            if problem:
                entry["problem"] = problem
            results.append(entry)
        else:
            for line in describe(_printable(path), text, found):
                click.echo(_printable(line))
            if problem:
                click.echo(f"  note: {problem}")
    if fmt == "json":
        import json

        click.echo(json.dumps(results, indent=2, ensure_ascii=False))
    if failed:
        sys.exit(EXIT_ERROR)


def _question_options(command: Any) -> Any:
    """One option per `init` question (``--commercial yes``), from the question list."""
    from modellint.chooser.questions import QUESTIONS

    for question in reversed(QUESTIONS):
        flag = "--" + question.key.replace("_", "-")
        kind = click.Choice(question.choices) if question.choices and not question.multiple else None
        command = click.option(flag, question.key, type=kind, default=None,
                               metavar="" if kind else "TEXT", help=question.help)(command)
    return command


@main.command()
@click.argument("target", default=".")
@click.option("--answers", "answers_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Read the answers from a TOML file (question keys; `license` to pick one).")
@click.option("--license", "wanted", metavar="ID",
              help="Take this license (still checked against the base models' terms).")
@click.option("--license-file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Copy the license text from FILE (it must read as the chosen license).")
@click.option("--diff", is_flag=True, help="Show the edits as a unified diff; write nothing.")
@click.option("-y", "--yes", is_flag=True, help="Write without asking for confirmation.")
@click.option("--interactive/--no-interactive", default=None,
              help="Ask the unanswered questions (default: when stdin is a terminal).")
@click.option("--offline", is_flag=True, help="Look for license texts in the local Hub cache only.")
@_question_options
def init(target: str, answers_file: str | None, wanted: str | None, license_file: str | None,
         diff: bool, yes: bool, interactive: bool | None, offline: bool, **questions: Any) -> None:
    """Choose a license for the model in TARGET and write what releasing under it takes."""
    from modellint.chooser.questions import AnswerError, read_answers_file
    from modellint.chooser.run import InitError, Session, run

    given: dict[str, Any] = {}
    if answers_file:
        try:
            given.update(read_answers_file(answers_file))
        except AnswerError as exc:
            raise click.UsageError(str(exc)) from None
        wanted = wanted or given.pop("license", None)
    given.update({k: v for k, v in questions.items() if v is not None})
    if interactive is None:
        interactive = sys.stdin.isatty()
    session = Session(
        target, given, wanted=wanted, license_file=license_file, offline=offline, diff=diff,
        yes=yes, interactive=interactive, echo=click.echo,
        ask=lambda text, default: click.prompt(text, default=default, show_default=bool(default)),
        confirm=lambda text: click.confirm(text, default=True))
    try:
        sys.exit(run(session))
    except InitError as exc:
        fail(str(exc))
        sys.exit(EXIT_ERROR)


@main.command()
@click.argument("target", default=".")
@click.option("--select", multiple=True, metavar="CODES",
              help="Fix only these codes, prefixes or rule names.")
@click.option("--diff", is_flag=True, help="Show the edits as a unified diff; write nothing.")
@click.option("--license-file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Where a missing license text can be copied from (checked to be that license).")
@click.option("--offline", is_flag=True, help="Look for license texts in the local Hub cache only.")
@click.option("--rev", metavar="REV", hidden=True)
@click.option("--staged", is_flag=True, hidden=True)
def fix(target: str, select: tuple[str, ...], diff: bool, license_file: str | None,
        offline: bool, rev: str | None, staged: bool) -> None:
    """Fix what `check` reports in TARGET's working tree, where the fix is mechanical."""
    from modellint.fix.run import FixError, run_fix

    if rev or staged:
        raise click.UsageError("fix edits the working tree; it cannot edit a git revision or the "
                               "index (--rev, --staged)")
    try:
        sys.exit(run_fix(target, _split(select), diff, offline, license_file, click.echo))
    except FixError as exc:
        fail(str(exc))
        sys.exit(EXIT_ERROR)


def _report_registry_errors(errors: Sequence[Any]) -> None:
    for err in errors:
        fail(err.message)


if __name__ == "__main__":  # pragma: no cover
    main()
