"""Rule specs and the registry that loads built-in and third-party rules the same way.

A rule is a TOML spec (code, name, severity, summary, the check it calls with its parameters,
and docs) plus a pure check function. Built-in specs live in ``rules/specs/`` and call checks in
``modellint.checks``. Plugins register under the entry point group ``modellint.rules``; each entry
point is loaded on its own and a broken one is reported by name without stopping the others.
"""

import importlib
import inspect
import os
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from modellint.model import EMPTY_MAPPING, Severity, ToolError
from modellint.records import RecordError, read_records
from modellint.rulesdata import rules_data, rules_data_dir  # noqa: F401 (rules_data: older imports)

CODE_RE = re.compile(r"^[A-Z]{2,4}\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
DOC_KEYS = ("what", "why", "example", "fix")
SPEC_KEYS = {"code", "name", "severity", "summary", "check", "stage", "params", "docs", "aliases",
             "settings", "public", "targets"}
# What a rule may judge: model repositories, dataset repositories. A spec without `targets`
# judges models only (a plugin written before datasets could be linted assumes models).
TARGET_KINDS = ("model", "dataset")
# When a rule's check runs: "facts" checks are called with the facts; "review" checks run after
# them, once suppressions are applied, and are also handed that Review (modellint.suppress).
STAGES = ("facts", "review")
ENTRY_POINT_GROUP = "modellint.rules"
BUILTIN_CHECKS = "modellint.checks."


class SpecError(Exception):
    """A spec file is invalid; the message names the file and field."""


class Rule(NamedTuple):
    """A rule as loaded from its spec: identity, default severity, check, docs."""

    code: str
    name: str
    severity: Severity
    summary: str
    check: str  # "module:function"
    params: Mapping[str, Any] = EMPTY_MAPPING
    docs: Mapping[str, Any] = EMPTY_MAPPING
    origin: str = "modellint"  # the distribution that provides it
    spec_path: str | None = None
    stage: str = "facts"  # one of STAGES
    # Check parameters that take a top-level setting's value (`policy = "policy"`: ML601 judges
    # the configured `[tool.modellint.policy]`), so that the engine need not know any by name.
    settings: Mapping[str, str] = EMPTY_MAPPING
    # The rule decides from what the Hub shows of a gated repository without access (the card's
    # metadata, the file listing, base models' licenses): it still runs when file contents are
    # withheld; the others do not, rather than report what was only not readable.
    public: bool = False
    # The kinds of repository the rule judges (TARGET_KINDS): a rule about weights or base
    # models has nothing to say of a dataset, and is not run on one.
    targets: tuple[str, ...] = ("model",)

    def resolve(self) -> Callable[..., Iterable[Any]]:
        return resolve_check(self.check)

    @property
    def references(self) -> list[str]:
        refs = self.docs.get("references", [])
        return [r for r in refs if isinstance(r, str)]


@lru_cache(maxsize=1024)  # a check is looked up once per run, not once per target
def resolve_check(ref: str) -> Callable[..., Iterable[Any]]:
    module_name, _, func_name = ref.partition(":")
    module = importlib.import_module(module_name)
    func = getattr(module, func_name, None)
    if not callable(func):
        raise SpecError(f"check {ref!r} is not a function")
    return func  # type: ignore[no-any-return]


def check_params(rule: Rule, params: Mapping[str, Any]) -> None:
    """Raise SpecError when ``params`` do not fit the check's keyword arguments."""
    sig = inspect.signature(rule.resolve())
    given = STAGES.index(rule.stage) + 1  # facts, and for a review rule the review
    accepted = [p.name for p in list(sig.parameters.values())[given:]]
    takes_any = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    for key in params:
        if key not in accepted and not takes_any:
            from modellint.suggest import did_you_mean

            raise SpecError(
                f"{rule.code}: unknown option {key.replace('_', '-')!r}"
                f"{did_you_mean(key, accepted, kebab=True)}"
            )


def parse_spec(data: Mapping[str, Any], where: str, *, module_prefix: str,
               origin: str = "modellint") -> Rule:
    def need(key: str, kind: type) -> Any:
        value = data.get(key)
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            raise SpecError(f"{where}: field {key!r} is missing or not a {kind.__name__}")
        return value

    unknown = set(data) - SPEC_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    code = need("code", str)
    if not CODE_RE.match(code):
        raise SpecError(f"{where}: field 'code' {code!r} is not two to four capitals and three digits")
    name = need("name", str)
    if not NAME_RE.match(name):
        raise SpecError(f"{where}: field 'name' {name!r} is not kebab-case")
    try:
        severity = Severity.parse(need("severity", str))
    except ValueError as exc:
        raise SpecError(f"{where}: field 'severity': {exc}") from None
    check = need("check", str)
    if ":" not in check:
        raise SpecError(f"{where}: field 'check' must be 'module:function'")
    if module_prefix == BUILTIN_CHECKS:
        check = BUILTIN_CHECKS + check  # built-in specs name checks relative to modellint.checks
    elif not check.startswith(module_prefix):
        # A plugin's spec names checks inside the plugin's own package, never arbitrary code.
        raise SpecError(f"{where}: field 'check' must name a function under {module_prefix!r}")
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise SpecError(f"{where}: field 'params' is not a table")
    docs = data.get("docs", {})
    if not isinstance(docs, dict):
        raise SpecError(f"{where}: field 'docs' is not a table")
    stage = data.get("stage", STAGES[0])
    if stage not in STAGES:
        raise SpecError(f"{where}: field 'stage' {stage!r} is not one of {', '.join(STAGES)}")
    bound = data.get("settings", {})
    if not isinstance(bound, dict) or not all(isinstance(v, str) for v in bound.values()):
        raise SpecError(f"{where}: field 'settings' is not a table of parameter = setting")
    unbound = [k for k in bound if k not in params]
    if unbound:
        raise SpecError(f"{where}: field 'settings': {unbound[0]!r} is not one of the rule's params")
    public = data.get("public", False)
    if not isinstance(public, bool):
        raise SpecError(f"{where}: field 'public' must be true or false")
    targets = data.get("targets", ["model"])
    if (not isinstance(targets, list) or not targets
            or not all(isinstance(t, str) and t in TARGET_KINDS for t in targets)):
        raise SpecError(f"{where}: field 'targets' must be a non-empty list of "
                        f"{', '.join(map(repr, TARGET_KINDS))}")
    return Rule(code, name, severity, need("summary", str).strip(), check, params, docs, origin,
                where, stage, bound, public, tuple(dict.fromkeys(targets)))


def load_spec_dir(directory: Any, *, module_prefix: str, origin: str) -> list[Rule]:
    """Load every ``*.toml`` spec in a directory (a Path or an importlib Traversable)."""
    rules = []
    try:
        records = read_records(directory)
    except RecordError as exc:
        raise SpecError(f"{origin}:{exc}") from None
    for file_name, data in records.items():
        where = f"{origin}:{file_name}"
        rule = parse_spec(data, where, module_prefix=module_prefix, origin=origin)
        if file_name != f"{rule.code}.toml":
            raise SpecError(f"{where}: file name must be {rule.code}.toml")
        rules.append(rule)
    return rules


def builtin_rules() -> list[Rule]:
    return load_spec_dir(os.path.join(rules_data_dir(), "specs"),
                         module_prefix=BUILTIN_CHECKS, origin="modellint")


def _any_plugin_installed() -> bool:
    """Cheap pre-scan of installed metadata for our entry point group.

    Importing importlib.metadata costs more than the whole rest of a local scan's start-up, so it
    is only imported when some installed distribution declares a ``modellint.rules`` entry point.
    """
    import os
    import sys

    marker = f"[{ENTRY_POINT_GROUP}]"
    for folder in sys.path:
        try:
            entries = list(os.scandir(folder or "."))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8") as fh:
                    if marker in fh.read():
                        return True
            except (OSError, UnicodeDecodeError):
                continue
    return False


def _plugin_rules(errors: list[ToolError]) -> list[Rule]:
    if not _any_plugin_installed():
        return []
    from importlib.metadata import entry_points

    rules: list[Rule] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        label = f"{dist.name}=={dist.version}" if dist else ep.value
        try:
            obj = ep.load()
            if callable(obj) and not isinstance(obj, (str, os.PathLike)):
                obj = obj()
            if isinstance(obj, (str, os.PathLike)) or hasattr(obj, "iterdir"):
                directory = obj
                top = ep.value.split(":")[0].split(".")[0] + "."
                loaded = load_spec_dir(directory, module_prefix=top, origin=label)
            else:
                loaded = list(obj)
                if not all(isinstance(r, Rule) for r in loaded):
                    raise SpecError("entry point must give a spec directory or Rule objects")
            for rule in loaded:
                if not rule.code.startswith(ep.name):
                    raise SpecError(f"rule {rule.code} does not use the plugin's prefix {ep.name!r}")
                if rule.code.startswith("ML"):
                    raise SpecError(f"rule {rule.code}: the ML prefix is reserved for modellint")
            rules.extend(loaded)
        except Exception as exc:  # a broken plugin must not take the run down
            errors.append(ToolError("plugin", f"plugin {ep.name} ({label}) failed to load: {exc}"))
    return rules


class Registry(NamedTuple):
    """Every loaded rule by code, and the errors met while loading plugins."""

    rules: dict[str, Rule]
    errors: list[ToolError]

    def get(self, code_or_name: str) -> Rule | None:
        key = code_or_name.strip()
        if key.upper() in self.rules:
            return self.rules[key.upper()]
        return next((r for r in self.rules.values() if r.name == key.lower()), None)


def load_registry(include_plugins: bool = True) -> Registry:
    errors: list[ToolError] = []
    rules = builtin_rules()
    if include_plugins:
        rules += _plugin_rules(errors)
    table: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for rule in rules:
        if rule.code in table or rule.name in names:
            errors.append(ToolError("plugin", f"rule {rule.code} ({rule.name}) from {rule.origin} "
                                    "duplicates an existing code or name; skipped"))
            continue
        table[rule.code] = rule
        names[rule.name] = rule.code
    return Registry(dict(sorted(table.items())), errors)
