"""Suppressions with a reason: card directives and the waivers file; unused ones become ML903.

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
"""

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from modellint.config import Settings, did_you_mean
from modellint.engine import stamp
from modellint.facts import Facts
from modellint.model import Finding, ToolError
from modellint.registry import Registry
from modellint.selection import is_selected, path_ignored
from modellint.snapshot import FileReadError, Snapshot

UNUSED = "ML903"
DEFAULT_WAIVERS = ".modellint-waivers.toml"
MAX_WAIVERS_BYTES = 256 * 1024
WAIVER_KEYS = ("code", "path", "reason", "expires")

_DIRECTIVE = re.compile(r"^\s*modellint\s*:", re.I)
_IGNORE = re.compile(r'^\s*modellint\s*:\s*ignore\[([^\]]*)\]\s+reason\s*=\s*"([^"]*)"\s*$',
                     re.I | re.S)
DIRECTIVE_FORM = 'modellint: ignore[CODE,...] reason="..."'


class Suppression:
    """A card directive or waiver that silences findings of named rules; counts its uses."""

    def __init__(self, kind: str, codes: tuple[str, ...], reason: str, path: str | None,
                 line: int | None, where: str, glob: str | None = None,
                 expires: dt.date | None = None) -> None:
        self.kind = kind  # "card" | "waiver"
        self.codes = codes
        self.reason = reason
        self.path = path  # where it is declared, target-relative (None: outside the target)
        self.line = line
        self.where = where  # how a message names it
        self.glob = glob
        self.expires = expires
        self.used = 0

    def __repr__(self) -> str:
        return f"Suppression({self.kind!r}, {self.codes!r}, {self.where!r}, used={self.used})"

    def matches(self, finding: Finding) -> bool:
        if finding.code not in self.codes:
            return False
        if self.glob is None:
            return True
        return path_ignored(finding.code, finding.path, {self.glob: (finding.code,)}) is not None


class Malformed(NamedTuple):
    """A suppression directive that could not be understood."""

    path: str
    line: int
    problem: str


class Outcome(NamedTuple):
    """The findings after suppression, and the suppressions' own findings."""

    findings: list[Finding]
    errors: list[ToolError]


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


def parse_waivers(text: str, where: str, registry: Registry, path: str | None) -> list[Suppression]:
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
        out.append(Suppression("waiver", codes, reason.strip(), path, line,
                               f"waiver #{n + 1} ({','.join(codes)})", glob, expires))
    return out


def load_waivers(snapshot: Snapshot, settings: Settings, registry: Registry) -> list[Suppression]:
    """The configured waivers file (on disk), else the target's own one (trusted targets only)."""
    if settings.waivers_file:
        from pathlib import Path  # here only: a run without a waivers file skips the import

        path = Path(settings.root or ".") / settings.waivers_file
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise WaiverError(f"waivers file {path}: {reason}") from None
        return parse_waivers(text, str(path), registry, _relative(path, snapshot))
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


def apply_suppressions(snapshot: Snapshot, facts: Facts, settings: Settings,
                       findings: Sequence[Finding], registry: Registry,
                       today: dt.date | None = None) -> Outcome:
    """Mark findings suppressed by card directives and waivers; add ML903 for the unused ones."""
    today = today or dt.date.today()
    errors: list[ToolError] = []
    directives, malformed = (card_directives(facts, registry) if snapshot.trusted else ([], []))
    try:
        waivers = load_waivers(snapshot, settings, registry)
    except WaiverError as exc:
        errors.append(ToolError("config", str(exc), facts.target.target))
        waivers = []
    live = [w for w in waivers if w.expires is None or w.expires >= today]
    # ML903's own findings are made below, after these: none is among ``findings``.
    out = [_suppress(f, directives, "card") or _suppress(f, live, "waiver") or f for f in findings]
    if not directives and not malformed and not waivers:
        return Outcome(out, errors)
    notes: list[tuple[str | None, int | None, str]] = []
    for bad in malformed:
        notes.append((bad.path, bad.line,
                      f"malformed suppression, it suppresses nothing: {bad.problem}"))
    for s in directives + waivers:
        where = s.where if s.path else f"{s.where} in {settings.waivers_file}"
        if s.expires is not None and s.expires < today:
            notes.append((s.path, s.line, f"{where} expired on {s.expires.isoformat()}; "
                          "fix the findings or renew it with a new date"))
        elif s.used == 0 and any(is_selected(c, settings.select, settings.ignore) for c in s.codes):
            notes.append((s.path, s.line, f"{where} matched no finding; remove it"))
    out.extend(_stamp(notes, facts.target.target, settings, registry))
    return Outcome(out, errors)


def _suppress(f: Finding, suppressions: Sequence[Suppression], kind: str) -> Finding | None:
    for s in suppressions:
        if s.matches(f):
            s.used += 1
            if f.suppressed_by is not None:  # already silenced by config: used, but keep its reason
                return f
            return f._replace(suppressed_by=kind, suppression_reason=s.reason)
    return None


def _stamp(notes: Sequence[tuple[str | None, int | None, str]], target: str, settings: Settings,
           registry: Registry) -> list[Finding]:
    rule = registry.rules.get(UNUSED)
    if rule is None or not is_selected(UNUSED, settings.select, settings.ignore):
        return []
    return [stamp(rule, settings, message, path, line, target) for path, line, message in notes]

