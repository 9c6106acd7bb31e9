"""Configuration: ``[tool.modellint]`` in pyproject.toml or ``.modellint.toml``, strictly validated.

Keys are kebab-case. An unknown key is an error that names the closest valid key. Precedence:
command line, then ``--config FILE`` or the discovered project file, then the profile it names.
"""

import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from modellint.model import EMPTY_MAPPING, Severity
from modellint.suggest import did_you_mean

TOP_KEYS = (
    "profile", "select", "ignore", "extend-select", "extend-ignore", "per-path-ignores", "fail-on",
    "rules", "policy", "waivers-file", "baseline", "licensor", "repo-id",
)
RULE_KEYS = ("severity",)


class ConfigError(Exception):
    """Invalid configuration: reported as one line, exit 2."""


class RuleSettings(NamedTuple):
    """Per-rule configuration: a severity override and check options."""

    severity: Severity | None = None
    options: Mapping[str, Any] = EMPTY_MAPPING  # snake_case check parameters


class Settings(NamedTuple):
    """The effective configuration for one target."""

    select: tuple[str, ...] = ("ML",)
    ignore: tuple[str, ...] = ()
    per_path_ignores: Mapping[str, tuple[str, ...]] = EMPTY_MAPPING
    fail_on: Severity = Severity.ERROR
    rules: Mapping[str, RuleSettings] = EMPTY_MAPPING  # by code
    policy: Mapping[str, Any] = EMPTY_MAPPING
    # The repository is the license holder's own release (Meta's Llama, Google's Gemma): duties
    # a license puts on those who redistribute the model do not fall on it.
    licensor: bool = False
    # The Hub repository (org/name) this folder is, where its git remote does not say so.
    repo_id: str | None = None
    profile: str | None = None
    waivers_file: str | None = None
    baseline: str | None = None
    source: str | None = None  # the file the settings came from
    root: str | None = None  # directory the config file sits in (paths are relative to it)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: expected a string or a list of strings")


def parse_settings(table: Mapping[str, Any], where: str, base: Settings | None = None,
                   known_rules: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from a ``[tool.modellint]`` table. ``known_rules`` maps names to codes."""
    settings = base or Settings()
    for key in table:
        if key not in TOP_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}{did_you_mean(key, TOP_KEYS)}")
    if "profile" in table:
        if not isinstance(table["profile"], str):
            raise ConfigError(f"{where}: 'profile' must be a string")
        settings = load_profile(table["profile"], known_rules, settings)
    changes: dict[str, Any] = {}
    if "select" in table:
        changes["select"] = _codes(_strings(table["select"], f"{where}: select"), where, known_rules)
    if "extend-select" in table:
        changes["select"] = changes.get("select", settings.select) + _codes(
            _strings(table["extend-select"], f"{where}: extend-select"), where, known_rules)
    if "ignore" in table:
        changes["ignore"] = _codes(_strings(table["ignore"], f"{where}: ignore"), where, known_rules)
    if "extend-ignore" in table:
        changes["ignore"] = changes.get("ignore", settings.ignore) + _codes(
            _strings(table["extend-ignore"], f"{where}: extend-ignore"), where, known_rules)
    if "per-path-ignores" in table:
        ppi = table["per-path-ignores"]
        if not isinstance(ppi, dict):
            raise ConfigError(f"{where}: 'per-path-ignores' must be a table of glob = [codes]")
        changes["per_path_ignores"] = {
            str(glob): _codes(_strings(codes, f"{where}: per-path-ignores.{glob}"), where, known_rules)
            for glob, codes in ppi.items()
        }
    if "fail-on" in table:
        try:
            changes["fail_on"] = Severity.parse(str(table["fail-on"]))
        except ValueError as exc:
            raise ConfigError(f"{where}: fail-on: {exc}") from None
    if "rules" in table:
        changes["rules"] = {**settings.rules, **_rule_settings(table["rules"], where, known_rules)}
    if "policy" in table:
        if not isinstance(table["policy"], dict):
            raise ConfigError(f"{where}: 'policy' must be a table")
        from modellint.policy import PolicyError, merge_policy, validate_policy

        try:
            policy = validate_policy(table["policy"], f"{where}: policy")
        except PolicyError as exc:
            raise ConfigError(str(exc)) from None
        changes["policy"] = merge_policy(settings.policy, policy)
    if "licensor" in table:
        if not isinstance(table["licensor"], bool):
            raise ConfigError(f"{where}: 'licensor' must be true or false")
        changes["licensor"] = table["licensor"]
    if "repo-id" in table:
        value = table["repo-id"]
        if not isinstance(value, str) or value.count("/") != 1 or not all(value.split("/")):
            raise ConfigError(f"{where}: 'repo-id' must be a Hub id such as 'org/name'")
        changes["repo_id"] = value.strip()
    for key in ("waivers-file", "baseline"):
        if key in table:
            if not isinstance(table[key], str):
                raise ConfigError(f"{where}: {key!r} must be a string")
            changes[key.replace("-", "_")] = table[key]
    return settings._replace(**changes)


_CODE_PREFIX = re.compile(r"[A-Za-z]{1,4}[0-9]{0,4}")


def _codes(values: tuple[str, ...], where: str, known_rules: Mapping[str, str] | None) -> tuple[str, ...]:
    """Accept codes, code prefixes and rule names; names become codes. Unknown ones are errors."""
    out = []
    for value in values:
        v = value.strip()
        if known_rules is None:
            out.append(v.upper())
            continue
        codes = set(known_rules.values())
        if v.lower() in known_rules:
            out.append(known_rules[v.lower()])
        elif _CODE_PREFIX.fullmatch(v) and any(c.startswith(v.upper()) for c in codes):
            out.append(v.upper())  # codes and prefixes in any case: ml101, Ml1
        elif v.upper() == "ALL":
            out.append("")
        else:
            raise ConfigError(f"{where}: unknown rule or prefix {value!r}"
                              f"{did_you_mean(v, list(known_rules) + sorted(codes))}")
    return tuple(out)


def _rule_settings(table: Any, where: str, known_rules: Mapping[str, str] | None) -> dict[str, RuleSettings]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: 'rules' must be a table of [rules.CODE] tables")
    out: dict[str, RuleSettings] = {}
    for key, body in table.items():
        code = _codes((key,), f"{where}: rules", known_rules)[0]
        if known_rules is not None and code not in known_rules.values():
            raise ConfigError(f"{where}: rules.{key}: name one rule, not a prefix")
        if not isinstance(body, dict):
            raise ConfigError(f"{where}: rules.{key} must be a table")
        severity = None
        options = {}
        for opt, value in body.items():
            if opt == "severity":
                try:
                    severity = Severity.parse(str(value))
                except ValueError as exc:
                    raise ConfigError(f"{where}: rules.{key}.severity: {exc}") from None
            else:
                options[opt.replace("-", "_")] = value
        out[code] = RuleSettings(severity, options)
    return out


def profile_names() -> list[str]:
    """The presets shipped in rules/profiles/."""
    from modellint.rulesdata import rules_data_dir

    profiles = os.path.join(rules_data_dir(), "profiles")
    return sorted(n[:-5] for n in os.listdir(profiles) if n.endswith(".toml"))


def load_profile(name: str, known_rules: Mapping[str, str] | None, base: Settings) -> Settings:
    from modellint.rulesdata import rules_data_dir

    # A preset's name, never a path: `profile = "../../x"` in a repository's config reads nothing.
    available = profile_names()
    path = os.path.join(rules_data_dir(), "profiles", f"{name}.toml")
    if name not in available:
        raise ConfigError(f"unknown profile {name!r}{did_you_mean(name, available)}; "
                          f"available: {', '.join(available)}")
    from modellint.tomlcompat import tomllib

    data = tomllib.loads(_read(path))
    data.pop("description", None)
    if "profile" in data:
        raise ConfigError(f"profile {name!r} may not name another profile")
    return parse_settings(data, f"profile {name}", base, known_rules)._replace(profile=name)


# A configuration file is a few KiB; past this it is refused rather than read.
MAX_CONFIG_FILE = 1024 * 1024


def _read(path: str, *, allow_pipe: bool = False) -> str:
    """A configuration file's text, bounded, from a regular file (or, for ``--config``, a pipe
    the user named: ``--config <(...)``); see ``smallfile``."""
    from modellint import smallfile

    return smallfile.read_text(path, MAX_CONFIG_FILE, allow_pipe=allow_pipe)


def read_config_file(path: str, known_rules: Mapping[str, str] | None, *,
                     from_command_line: bool = False) -> Settings:
    from modellint.tomlcompat import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(_read(path, allow_pipe=from_command_line))
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if os.path.basename(path) == "pyproject.toml":
        table = data.get("tool", {}).get("modellint", {})
    else:
        table = _own_file_table(data, path)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.modellint] must be a table")
    settings = parse_settings(table, path, None, known_rules)
    return settings._replace(source=path, root=os.path.dirname(path) or ".")


def _own_file_table(data: dict[str, Any], path: str) -> Any:
    """``.modellint.toml`` holds its keys at the top, or (copied from a pyproject) under
    ``[tool.modellint]``; both together are merged, and a key given twice is an error rather than
    one silently dropped."""
    tool = data.get("tool")
    if tool is None:
        return data
    if not isinstance(tool, dict) or set(tool) != {"modellint"}:
        raise ConfigError(f"{path}: unknown key 'tool' (only [tool.modellint] is read here)")
    nested = tool["modellint"]
    if not isinstance(nested, dict):
        return nested
    top = {k: v for k, v in data.items() if k != "tool"}
    twice = sorted(set(top) & set(nested))
    if twice:
        raise ConfigError(f"{path}: {twice[0]!r} is set both at the top and in [tool.modellint]")
    return {**top, **nested}


def discover(start: str) -> str | None:
    """The nearest ``.modellint.toml`` or pyproject with ``[tool.modellint]``, up to the repo root."""
    from modellint.pathcache import real_path

    folder = real_path(start)
    if os.path.isfile(folder):
        folder = os.path.dirname(folder)
    while True:
        candidate = os.path.join(folder, ".modellint.toml")
        if os.path.isfile(candidate):
            return candidate
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject):
            try:
                text = _read(pyproject)
            except (OSError, UnicodeDecodeError):
                text = ""
            if "[tool.modellint" in text:
                return pyproject
        parent = os.path.dirname(folder)
        if os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            return None
        folder = parent
