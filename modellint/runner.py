"""Lint targets end to end: source -> snapshot -> facts -> engine -> report.

This is the programmatic entry point the CLI is a thin shell around.
"""

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from modellint.config import ConfigError, Settings, discover, read_config_file
from modellint.engine import run_rules, selected_rules, validate_rule_options
from modellint.facts import Facts, extract
from modellint.model import EMPTY_MAPPING, Finding, Report, TargetInfo, ToolError
from modellint.registry import Registry, SpecError, load_registry
from modellint.snapshot import SourceError
from modellint.sources import SourceOptions, is_hf_cache_folder, is_remote, open_target
from modellint.suppress import load_suppressions


class RunOptions(NamedTuple):
    """Options of one lint run, from the command line or the API."""

    source: SourceOptions = SourceOptions()
    config_file: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    baseline: str | None = None  # --baseline FILE (else the config's `baseline`, if any)
    # An audit's card index (modellint.cardindex.build_batch): bases that are targets resolve
    # from their own cards.
    batch_index: str | None = None
    # Model-folder targets found by splitting a repository (modellint.discovery) -> the
    # repository folder whose top license, notice and policy files each inherits.
    inherit_from: Mapping[str, str] = EMPTY_MAPPING
    # An audit's report format whose per-target entries the workers render while they lint
    # ("json"; None: the writer renders the whole report), so that the one writer only joins them.
    prerender: str | None = None
    # Build each target's bill-of-materials inventory (TargetInfo.inventory)? Only the document
    # formats (CycloneDX, SPDX, openness) read it: the command line asks for it only for them.
    inventory: bool = True


def known_rule_names(registry: Registry) -> dict[str, str]:
    # Asked once per target of an audit, of the same registry: made once per registry.
    kept = _KNOWN.get(id(registry))
    if kept is None or kept[0] is not registry:
        kept = _KNOWN[id(registry)] = (registry, {rule.name: code for code, rule in registry.rules.items()})
    return kept[1]


_KNOWN: dict[int, tuple[Registry, dict[str, str]]] = {}


def load_settings(target: str, options: RunOptions, registry: Registry) -> Settings:
    """Settings for one target: --config, else the file found from a local target (never a remote one)."""
    known = known_rule_names(registry)
    if options.config_file:
        settings = read_config_file(options.config_file, known, from_command_line=True)
    else:
        # A Hub target or cache folder is someone else's repository: its config is not read.
        start = os.getcwd() if is_remote(target) or is_hf_cache_folder(target) else target
        found = discover(start) if os.path.exists(start) else None
        settings = read_config_file(found, known) if found else Settings()
    cli: dict[str, object] = {}
    if options.select is not None:
        cli["select"] = list(options.select)
    if options.ignore is not None:
        cli["ignore"] = list(options.ignore)
    if options.extend_select:
        cli["extend-select"] = list(options.extend_select)
    if options.extend_ignore:
        cli["extend-ignore"] = list(options.extend_ignore)
    if options.fail_on is not None:
        cli["fail-on"] = options.fail_on
    if cli:
        from modellint.config import parse_settings

        settings = parse_settings(cli, "command line", settings, known)  # keeps source and root
    validate_rule_options(registry, settings)
    return settings


def settings_table(settings: Settings) -> dict[str, object]:
    """The effective settings as a ``.modellint.toml`` table (``--show-settings``)."""
    table: dict[str, object] = {}
    if settings.profile:
        table["profile"] = settings.profile
    table["select"] = [c or "ALL" for c in settings.select]
    table["ignore"] = list(settings.ignore)
    table["fail-on"] = settings.fail_on.value
    table["licensor"] = settings.licensor
    for key, value in (("repo-id", settings.repo_id), ("waivers-file", settings.waivers_file),
                       ("baseline", settings.baseline)):
        if value:
            table[key] = value
    if settings.per_path_ignores:
        table["per-path-ignores"] = {k: list(v) for k, v in settings.per_path_ignores.items()}
    if settings.policy:
        table["policy"] = dict(settings.policy)
    rules: dict[str, object] = {}
    for code, rs in settings.rules.items():
        body: dict[str, object] = {k.replace("_", "-"): v for k, v in rs.options.items()}
        if rs.severity is not None:
            body["severity"] = rs.severity.value
        rules[code] = body
    if rules:
        table["rules"] = rules
    return table


def check_run_options(options: RunOptions, registry: Registry) -> None:
    """Raise ConfigError for a mistake of the command line itself (an unknown code, a --config
    file that is missing or invalid): one usage error before any target runs, not one per target.
    A --config pipe (``<(...)``) is read once, by the run, so it is not read here."""
    import stat

    known = known_rule_names(registry)
    settings = Settings()
    path = options.config_file
    if path:
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            raise ConfigError(f"{path}: {exc.strerror or exc}") from None
        if not stat.S_ISFIFO(mode):
            settings = read_config_file(path, known, from_command_line=True)
    cli: dict[str, object] = {}
    for key, value in (("select", options.select), ("ignore", options.ignore),
                       ("extend-select", options.extend_select),
                       ("extend-ignore", options.extend_ignore)):
        if value:
            cli[key] = list(value)
    from modellint.config import parse_settings

    settings = parse_settings(cli, "command line", settings, known)
    validate_rule_options(registry, settings)


def _anchor(facts: Facts) -> str | None:
    if facts.card is not None:
        return facts.card.path
    from modellint.classify import at_top

    roots = [lf.path for lf in facts.license_files if at_top(lf.path)]
    return roots[0] if roots else None


def _baseline(facts: Facts, settings: Settings, findings: list[Finding], options: RunOptions,
              report: Report) -> list[Finding]:
    """Findings recorded in the baseline (--baseline, else the config's) marked suppressed."""
    baseline = options.baseline or (
        os.path.join(settings.root or ".", settings.baseline) if settings.baseline else None)
    if baseline is None:
        return findings
    from modellint.baseline import BaselineError, apply_baseline, load_baseline

    try:
        return apply_baseline(findings, load_baseline(baseline), baseline)
    except BaselineError as exc:
        report.errors.append(ToolError("config", str(exc), facts.target.target))
        return findings


def _card_license(facts: Facts) -> tuple[str, ...] | None:
    """The card's license values as written, ``other`` with its ``license_name``."""
    if facts.card is None:
        return None
    from modellint.licensing import card_license_values

    values = card_license_values(facts.metadata)
    name = facts.metadata.get("license_name")
    if [v.lower() for v in values] == ["other"] and isinstance(name, str) and name.strip():
        return (f"other ({name.strip()})",)
    return tuple(values)


class TargetResult(NamedTuple):
    """What linting one target produced."""

    target: str  # as given
    info: TargetInfo | None
    facts: Facts | None
    report: Report
    settings: Settings | None


def lint_target(target: str, options: RunOptions, registry: Registry,
                post: Sequence[Callable[[Facts, Settings, Report], None]] = ()) -> TargetResult:
    from modellint.pathcache import resolving_once

    with resolving_once():
        return _lint_target(target, options, registry, post)


def _lint_target(target: str, options: RunOptions, registry: Registry,
                 post: Sequence[Callable[[Facts, Settings, Report], None]]) -> TargetResult:
    report = Report()
    try:
        settings = load_settings(target, options, registry)
    except (ConfigError, SpecError) as exc:
        report.errors.append(ToolError("config", str(exc), target))
        return TargetResult(target, None, None, report, None)
    source = options.source
    if target in options.inherit_from:
        source = source._replace(inherit_top=options.inherit_from[target])
    try:
        snapshot = open_target(target, source)
    except SourceError as exc:
        report.errors.append(ToolError("source", str(exc), target))
        return TargetResult(target, None, None, report, settings)
    from modellint.facts import ExtractOptions

    # A remote target is someone else's: the user's settings do not say who it is.
    trusted = snapshot.trusted
    facts = extract(snapshot, ExtractOptions(settings.repo_id if trusted else None,
                                             settings.licensor and trusted, options.batch_index))
    inventory = None
    if options.inventory:
        from modellint.export.inventory import inventory_of

        inventory = inventory_of(facts)
    report.targets.append(facts.target._replace(
        anchor=_anchor(facts), card_license=_card_license(facts), licenses=facts.licenses,
        name=facts.identity.name, repo_id=facts.identity.repo_id, fail_on=settings.fail_on,
        inventory=inventory))
    suppressions, errors = load_suppressions(snapshot, facts, settings, registry)
    kind = facts.kind  # a property: read once, not once per rule
    rules = [r for r in selected_rules(registry, settings) if kind in r.targets]
    if facts.extra.get("withheld"):  # only what the public part of the repository can decide
        rules = [r for r in rules if r.public]
    run = run_rules(facts, rules, settings, suppressions)
    report.errors.extend(run.errors + errors)
    report.findings.extend(_baseline(facts, settings, run.findings, options, report))
    for hook in post:
        hook(facts, settings, report)
    report.sort()
    return TargetResult(target, facts.target, facts, report, settings)


def lint(targets: Sequence[str], options: RunOptions | None = None,
         registry: Registry | None = None) -> Report:
    """Lint every target into one report, a repository of several models model by model
    (``Report.failing()`` decides the exit code)."""
    options = options or RunOptions()
    registry = registry or load_registry()
    targets, options = split_repositories(targets, options)
    return merge_results((lint_target(t, options, registry) for t in targets), registry)


def split_repositories(targets: Sequence[str], options: RunOptions,
                       touched_files: Sequence[str] | None = None) -> tuple[list[str], RunOptions]:
    """The targets with each repository of several models split into its model folders (see
    modellint.discovery), and the options that make each inherit its repository's top files."""
    from modellint.discovery import expand

    expansion = expand(targets, options.source, touched_files)
    if not expansion.inherit_from:
        return expansion.targets, options
    return expansion.targets, options._replace(
        inherit_from={**options.inherit_from, **expansion.inherit_from})


def merge_results(results: Iterable[TargetResult], registry: Registry) -> Report:
    """One report of per-target results, in the order given (with the registry's load errors)."""
    combined = Report(errors=list(registry.errors))
    for result in results:
        combined.requested.append(result.target)
        combined.targets.extend(result.report.targets)
        combined.findings.extend(result.report.findings)
        combined.errors.extend(result.report.errors)
    combined.sort()
    return combined
