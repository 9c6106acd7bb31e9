"""Suppressions with a reason: card directives and the waivers file.

Card directive: ``<!-- modellint: ignore[ML301,ML404] reason="weights are CC-BY, code MIT" -->``
anywhere in README.md's body. It names rules (codes or names, never a prefix or a blanket form),
needs a non-empty reason, and covers every finding of those rules for the whole target: the card
speaks for the repository, and most licensing findings are repository-level. A directive that does
not parse suppresses nothing and is reported as ML903 at its line.

Waivers file (``.modellint-waivers.toml`` at the target root, or ``waivers-file`` in the config,
relative to the config file)::

    [[waiver]]
    code = "ML201"             # a code or rule name, or a list of them
    path = "adapters/*"        # optional glob over target-relative paths ("." = repository-level)
    reason = "tracked in #12"  # required
    expires = 2026-06-30       # optional: last day it applies; after it, ML903 reports it

Suppressed findings stay in the report (JSON ``suppressed``, SARIF ``suppressions``) and do not
count for the exit code. A remote target (``trusted`` False) gets neither its card directives nor
its own waivers file; a waivers file named in the user's own configuration still applies.

The runner loads a target's suppressions (``load_suppressions``: the waivers file is I/O) before
the rules run. The engine runs the rules in two stages: the ``facts`` rules, then ``apply``
marks their findings suppressed and counts each suppression's uses into a ``Review``, then the
``review`` rules judge that review. ML903 (``checks/suppressions.py``) is such a rule, and the one
place that decides which suppressions are unused, expired or malformed.
"""

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from modellint.config import Settings
from modellint.facts import Facts
from modellint.model import Finding, ToolError
from modellint.registry import Registry
from modellint.selection import path_ignored
from modellint.snapshot import FileReadError, Snapshot
from modellint.suggest import did_you_mean

DEFAULT_WAIVERS = ".modellint-waivers.toml"
MAX_WAIVERS_BYTES = 256 * 1024
WAIVER_KEYS = ("code", "path", "reason", "expires")

_DIRECTIVE = re.compile(r"^\s*modellint\s*:", re.I)
_IGNORE = re.compile(r'^\s*modellint\s*:\s*ignore\[([^\]]*)\]\s+reason\s*=\s*"([^"]*)"\s*$',
                     re.I | re.S)
DIRECTIVE_FORM = 'modellint: ignore[CODE,...] reason="..."'


class Suppression(NamedTuple):
    """A card directive or waiver that silences findings of named rules."""

    kind: str  # "card" | "waiver"
    codes: tuple[str, ...]
    reason: str
    path: str | None  # where it is declared, target-relative (None: outside the target)
    line: int | None
    where: str  # how a message names it
    glob: str | None = None
    expires: dt.date | None = None

    def matches(self, finding: Finding) -> bool:
        if finding.code not in self.codes:
            return False
        if self.glob is None:
            return True
        return path_ignored(finding.code, finding.path, {self.glob: (finding.code,)}) is not None

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today


class Malformed(NamedTuple):
    """A suppression directive that could not be understood."""

    path: str
    line: int
    problem: str


class Suppressions(NamedTuple):
    """A target's card directives and waivers (card first), and the directives that did not parse."""

    declared: tuple[Suppression, ...] = ()
    malformed: tuple[Malformed, ...] = ()


class Review(NamedTuple):
    """What a ``review`` rule judges: the other rules' findings with suppressions applied."""

    findings: tuple[Finding, ...]
    uses: tuple[tuple[Suppression, int], ...]  # each suppression and how many findings it matched
    malformed: tuple[Malformed, ...]
    ran: frozenset[str]  # the codes of the rules that ran
    today: dt.date


class WaiverError(Exception):
    pass


def _resolve_codes(names: Sequence[str], registry: Registry) -> tuple[tuple[str, ...], str | None]:
    codes = []
    for name in names:
        rule = registry.get(name.strip())
        if rule is None:
            choices = list(registry.rules) + [r.name for r in registry.rules.values()]
            return (), f"unknown rule {name.strip()!r}{did_you_mean(name.strip(), choices)}"
        codes.append(rule.code)
    return tuple(codes), None


def card_directives(facts: Facts, registry: Registry) -> tuple[list[Suppression], list[Malformed]]:
    found: list[Suppression] = []
    bad: list[Malformed] = []
    card = facts.card
    if card is None:
        return found, bad
    for line, text in card.comments:
        if not _DIRECTIVE.match(text):
            continue
        m = _IGNORE.match(text)
        if m is None:
            problem = "a reason is required" if "reason" not in text else "cannot parse it"
            bad.append(Malformed(card.path, line, f"{problem}; expected {DIRECTIVE_FORM}"))
            continue
        names = [n for n in m.group(1).split(",") if n.strip()]
        reason = m.group(2).strip()
        if not names:
            bad.append(Malformed(card.path, line, "name the rules; there is no blanket form"))
            continue
        if not reason:
            bad.append(Malformed(card.path, line, "the reason is empty"))
            continue
        codes, error = _resolve_codes(names, registry)
        if error:
            bad.append(Malformed(card.path, line, error))
            continue
        found.append(Suppression("card", codes, reason, card.path, line,
                                 f"card directive ignore[{','.join(codes)}]"))
    return found, bad


def _header_lines(text: str) -> list[int]:
    header = re.compile(r"^\s*\[\[\s*waiver\s*\]\]")
    return [i + 1 for i, line in enumerate(text.splitlines()) if header.match(line)]


def parse_waivers(text: str, where: str, registry: Registry, path: str | None,
                  shown: str | None = None) -> list[Suppression]:
    """The ``[[waiver]]`` tables of a waivers file; ``where`` names it in errors, ``path`` is it
    relative to the target (None when outside it, and then messages name it as ``shown``)."""
    from modellint.tomlcompat import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WaiverError(f"{where}: invalid TOML: {exc}") from None
    extra = [k for k in data if k != "waiver"]
    if extra:
        raise WaiverError(f"{where}: unknown key {extra[0]!r}; waivers are [[waiver]] tables")
    tables = data.get("waiver", [])
    if not isinstance(tables, list):
        raise WaiverError(f"{where}: 'waiver' must be an array of tables ([[waiver]])")
    lines = _header_lines(text)
    out = []
    for n, table in enumerate(tables):
        here = f"{where}: waiver #{n + 1}"
        for key in table:
            if key not in WAIVER_KEYS:
                raise WaiverError(f"{here}: unknown key {key!r}{did_you_mean(key, WAIVER_KEYS)}")
        code = table.get("code")
        names = [code] if isinstance(code, str) else code
        if not isinstance(names, list) or not names or not all(isinstance(c, str) for c in names):
            raise WaiverError(f"{here}: 'code' must name a rule or a list of rules")
        codes, error = _resolve_codes(names, registry)
        if error:
            raise WaiverError(f"{here}: {error}")
        reason = table.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise WaiverError(f"{here}: a non-empty 'reason' is required")
        glob = table.get("path")
        if glob is not None and (not isinstance(glob, str) or not glob):
            raise WaiverError(f"{here}: 'path' must be a glob string")
        expires = table.get("expires")
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise WaiverError(f"{here}: 'expires' must be a date (YYYY-MM-DD)") from None
        elif isinstance(expires, dt.datetime):
            expires = expires.date()
        elif expires is not None and not isinstance(expires, dt.date):
            raise WaiverError(f"{here}: 'expires' must be a date (YYYY-MM-DD)")
        line = lines[n] if n < len(lines) else None
        label = f"waiver #{n + 1} ({','.join(codes)})" + ("" if path else f" in {shown or where}")
        out.append(Suppression("waiver", codes, reason.strip(), path, line, label, glob, expires))
    return out


def load_waivers(snapshot: Snapshot, settings: Settings, registry: Registry) -> list[Suppression]:
    """The configured waivers file (on disk), else the target's own one (trusted targets only)."""
    if settings.waivers_file:
        from pathlib import Path  # here only: a run without a waivers file skips the import

        from modellint import smallfile

        path = Path(settings.root or ".") / settings.waivers_file
        try:
            text = smallfile.read_text(str(path), MAX_WAIVERS_BYTES)
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise WaiverError(f"waivers file {path}: {reason}") from None
        return parse_waivers(text, str(path), registry, _relative(path, snapshot),
                             settings.waivers_file)
    if not snapshot.trusted or snapshot.file(DEFAULT_WAIVERS) is None:
        return []
    try:
        data = snapshot.read_bytes(DEFAULT_WAIVERS, MAX_WAIVERS_BYTES + 1)
    except FileReadError as exc:
        raise WaiverError(f"{DEFAULT_WAIVERS}: {exc}") from None
    if len(data) > MAX_WAIVERS_BYTES:
        raise WaiverError(f"{DEFAULT_WAIVERS}: larger than {MAX_WAIVERS_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise WaiverError(f"{DEFAULT_WAIVERS}: not UTF-8") from None
    return parse_waivers(text, DEFAULT_WAIVERS, registry, DEFAULT_WAIVERS)


def _relative(path: Any, snapshot: Snapshot) -> str | None:
    from pathlib import Path

    if snapshot.info.kind not in ("local", "git"):
        return None
    try:
        return path.resolve().relative_to(Path(snapshot.info.origin).resolve()).as_posix()
    except ValueError:
        return None


def load_suppressions(snapshot: Snapshot, facts: Facts, settings: Settings,
                      registry: Registry) -> tuple[Suppressions, list[ToolError]]:
    """The card directives (trusted targets only) and waivers that apply to one target; a
    waivers file that cannot be used is a configuration error and suppresses nothing."""
    directives, malformed = card_directives(facts, registry) if snapshot.trusted else ([], [])
    errors: list[ToolError] = []
    try:
        waivers = load_waivers(snapshot, settings, registry)
    except WaiverError as exc:
        errors.append(ToolError("config", str(exc), facts.target.target))
        waivers = []
    return Suppressions(tuple(directives + waivers), tuple(malformed)), errors


def apply(findings: Sequence[Finding], suppressions: Suppressions, ran: frozenset[str],
          today: dt.date) -> Review:
    """Mark the findings that a card directive, else a live waiver, covers; count each one's uses.

    A finding that configuration already silenced (per-path-ignores) counts as a use and keeps
    its reason. An expired waiver suppresses nothing."""
    uses = [0] * len(suppressions.declared)
    by_kind = [[(i, s) for i, s in enumerate(suppressions.declared)
                if s.kind == kind and not s.expired(today)] for kind in ("card", "waiver")]
    out = []
    for f in findings:
        hit = next(((i, s) for live in by_kind for i, s in live if s.matches(f)), None)
        if hit is not None:
            uses[hit[0]] += 1
            if f.suppressed_by is None:
                f = f._replace(suppressed_by=hit[1].kind, suppression_reason=hit[1].reason)
        out.append(f)
    return Review(tuple(out), tuple(zip(suppressions.declared, uses, strict=True)),
                  suppressions.malformed, ran, today)
