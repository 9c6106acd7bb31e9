"""Run the selected checks over facts and stamp what they yield with code, name and severity.

Rules run in two stages (a spec's ``stage``). ``facts`` rules judge the facts. Their findings then
meet the target's suppressions (card directives, waivers: ``modellint.suppress.apply``), and
``review`` rules judge the outcome: they are called with the facts and a ``Review`` of the other
rules' findings and of each suppression's uses (ML903 reports the suppressions that did nothing).
Review rules' own findings are not subject to suppressions: they judge them.

A check that raises is reported as a rule error (exit 2) while the other rules' findings stand.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from modellint.config import Settings
from modellint.facts import Facts
from modellint.model import Finding, ToolError, Violation
from modellint.registry import Registry, Rule, SpecError, check_params
from modellint.selection import is_selected, path_ignored
from modellint.suppress import Suppressions, apply

NO_SUPPRESSIONS = Suppressions()


class RuleRun(NamedTuple):
    """The findings and rule errors of one run of the checks."""

    findings: list[Finding]
    errors: list[ToolError]


def selected_rules(registry: Registry, settings: Settings) -> list[Rule]:
    # An audit asks this once per target, nearly always with the same selection: the answer is
    # kept per registry and (select, ignore), so a batch decides it once.
    key = (settings.select, settings.ignore)
    cache = _SELECTED.get(id(registry))
    if cache is None or cache[0] is not registry:
        cache = _SELECTED[id(registry)] = (registry, {})
    rules = cache[1].get(key)
    if rules is None:
        rules = cache[1][key] = [r for r in registry.rules.values()
                                 if is_selected(r.code, settings.select, settings.ignore)]
    return list(rules)


_SELECTED: dict[int, tuple[Registry, dict[tuple[tuple[str, ...], tuple[str, ...]], list[Rule]]]] = {}


def rule_params(rule: Rule, settings: Settings) -> dict[str, Any]:
    params = dict(rule.params)
    for param, setting in rule.settings.items():  # the spec binds a parameter to a setting
        value = getattr(settings, setting.replace("-", "_"), None)
        if value:
            params[param] = value
    override = settings.rules.get(rule.code)
    if override:
        params.update(override.options)
    return params


def validate_rule_options(registry: Registry, settings: Settings) -> None:
    """Raise SpecError for a configured option a rule's check does not take."""
    for code, override in settings.rules.items():
        rule = registry.rules.get(code)
        if rule is not None and override.options:
            check_params(rule, override.options)


def run_rules(facts: Facts, rules: Iterable[Rule], settings: Settings,
              suppressions: Suppressions = NO_SUPPRESSIONS, today: dt.date | None = None) -> RuleRun:
    """Run ``rules`` on ``facts``: the facts stage, the suppressions, then the review stage."""
    rules = list(rules)
    first = _run([r for r in rules if r.stage == "facts"], settings, facts, ())
    review = apply(_dedupe(first.findings), suppressions, frozenset(r.code for r in rules),
                   today or dt.date.today())
    second = _run([r for r in rules if r.stage == "review"], settings, facts, (review,))
    return RuleRun(list(review.findings) + _dedupe(second.findings), first.errors + second.errors)


def _run(rules: Sequence[Rule], settings: Settings, facts: Facts, given: tuple[Any, ...]) -> RuleRun:
    """Call each rule's check with the facts, ``given`` and its parameters; stamp what it yields."""
    findings: list[Finding] = []
    errors: list[ToolError] = []
    target = facts.target.target
    configured = settings.rules
    for rule in rules:
        try:
            check: Callable[..., Iterable[Any]] = _CHECKS.get(rule.check) or _resolve(rule)
            # Most rules take their spec's parameters as they are (a call's ** copies them).
            params = (rule_params(rule, settings) if rule.settings or rule.code in configured
                      else rule.params)
            violations = list(check(facts, *given, **params) if params else check(facts, *given))
        except SpecError as exc:
            errors.append(ToolError("rule", f"rule {rule.code} ({rule.name}): {exc}", target, rule.code))
            continue
        except Exception as exc:  # isolate a crashing rule; report it, keep the others' findings
            errors.append(ToolError(
                "rule", f"rule {rule.code} ({rule.name}) crashed: {type(exc).__name__}: {exc}",
                target, rule.code))
            continue
        for v in violations:
            if not isinstance(v, Violation):
                errors.append(ToolError("rule", f"rule {rule.code} yielded {type(v).__name__}, "
                                        "not a Violation", target, rule.code))
                break
            findings.append(stamp(rule, settings, v.message, v.location.path, v.location.line,
                                  target, dict(v.data)))
    return RuleRun(findings, errors)


# Each rule's check function, looked up once per process (an audit asks for each per target).
_CHECKS: dict[str, Callable[..., Iterable[Any]]] = {}


def _resolve(rule: Rule) -> Callable[..., Iterable[Any]]:
    check = _CHECKS[rule.check] = rule.resolve()
    return check


def stamp(rule: Rule, settings: Settings, message: str, path: str | None, line: int | None,
          target: str, data: dict[str, Any] | None = None) -> Finding:
    """A finding of ``rule`` with the configured severity, marked suppressed when a
    per-path-ignores glob covers its path (it stays in the report, as suppressions do)."""
    override = settings.rules.get(rule.code)
    severity = override.severity if override and override.severity else rule.severity
    finding = Finding(rule.code, rule.name, severity, message, path, line, target, data or {})
    glob = path_ignored(rule.code, path, settings.per_path_ignores)
    if glob is not None:
        finding = finding._replace(suppressed_by="config",
                                   suppression_reason=f"per-path-ignores {glob!r}")
    return finding


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        key = (f.code, f.path, f.line, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


