"""Core value types shared by every layer: severities, violations, findings, reports.

Immutable records throughout modellint are ``NamedTuple`` classes rather than frozen dataclasses:
on Python 3.11 each frozen dataclass compiles six generated methods when its module is imported
(about 0.4 ms apiece), and a pre-commit run imports some forty records, a fifth of its whole time.
A NamedTuple class costs a tenth of that and is just as immutable; `_replace` stands in for
`dataclasses.replace` and `_asdict` for `asdict`. Modules that define records do without
``from __future__ import annotations``: NamedTuple turns each string annotation into a ForwardRef,
compiling it, which cost another ~60 us a record.
"""

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

# The default of every mapping field of a record: read-only, so that no instance can change it
# for the others.
EMPTY_MAPPING: Mapping[str, Any] = MappingProxyType({})


class Severity(enum.Enum):
    """Finding severity, ordered: ``INFO < WARNING < ERROR``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown severity {value!r} (expected one of: error, warning, info)"
            ) from None

    def __lt__(self, other: "Severity") -> bool:
        return self.rank < other.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Location(NamedTuple):
    """Where a finding points. ``path`` is repo-relative POSIX; ``None`` means the whole repo."""

    path: str | None = None
    line: int | None = None


class Violation(NamedTuple):
    """What a check yields: no code and no severity; the engine stamps those."""

    message: str
    location: Location = Location()
    data: Mapping[str, Any] = EMPTY_MAPPING


class Finding(NamedTuple):
    """A stamped violation as reporters see it."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str | None
    line: int | None
    target: str
    data: Mapping[str, Any] = EMPTY_MAPPING
    suppressed_by: str | None = None  # "config", "card", "waiver", "baseline"
    suppression_reason: str | None = None

    @property
    def sort_key(self) -> tuple[str, str, int, str, str]:
        return (self.target, self.path or "", self.line or 0, self.code, self.message)


class ToolError(NamedTuple):
    """A problem that stops part of the work (source, config, crashing rule): exit code 2."""

    kind: str  # "source", "config", "rule", "plugin", "internal"
    message: str
    target: str | None = None
    code: str | None = None


class TargetInfo(NamedTuple):
    """What was scanned: the origin string, the kind of source and the resolved revision."""

    target: str
    kind: str  # "local", "git", "hf", "hf-cache"
    origin: str
    revision: str | None = None
    name: str | None = None
    repo_id: str | None = None  # "org/name" of a Hub repository (hf, hf-cache)
    # The file that repository-level findings attach to where a format needs a file (SARIF):
    # the model card, else the root license file.
    anchor: str | None = None
    # The card's `license` values as written (`other (NAME)` for a named `other`); None without
    # a card. The summary format shows them.
    card_license: tuple[str, ...] | None = None
    # The license picture (facts.picture.LicensePicture) once the target was read: which terms
    # govern which part. Reporters show it; nothing downstream re-derives it.
    licenses: Any = None
    # The lowest severity of this target's findings that fails the run: its own settings'
    # fail-on (the command line's --fail-on, else its configuration's).
    fail_on: Severity = Severity.ERROR
    # What a bill of materials lists (modellint.export.inventory.Inventory): the card's model
    # fields, the files of each part, the base models.
    inventory: Any = None
    # What the repository is: "model" or "dataset". None until known: a source that knows sets
    # it (a Hub dataset, a `datasets--` cache folder, a clone of a Hub dataset, `--kind`); fact
    # extraction decides the rest from the card (modellint.cardkind).
    repo_type: str | None = None


class Report:
    """Everything one run produced, for every target.

    ``targets`` describes the targets that were scanned; ``requested`` lists every target asked
    for, in the order given, those that failed before a scan (their errors say why) included."""

    def __init__(self, targets: list[TargetInfo] | None = None, findings: list[Finding] | None = None,
                 errors: list[ToolError] | None = None, requested: list[str] | None = None) -> None:
        self.targets: list[TargetInfo] = targets if targets is not None else []
        self.findings: list[Finding] = findings if findings is not None else []
        self.errors: list[ToolError] = errors if errors is not None else []
        self.requested: list[str] = requested if requested is not None else []
        # An audit's JSON entries rendered by its workers: id of a target or finding -> text
        # (modellint.reporters.json_format.target_pieces). Empty: the reporter renders them.
        self.rendered: dict[int, str] = {}

    def __repr__(self) -> str:
        return f"Report(targets={self.targets!r}, findings={self.findings!r}, errors={self.errors!r})"

    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed_by is None]

    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed_by is not None]

    def failing(self) -> list[Finding]:
        """Active findings at or above the fail-on of the target each belongs to."""
        thresholds = {t.target: t.fail_on for t in self.targets}
        return [f for f in self.active()
                if f.severity.rank >= thresholds.get(f.target, Severity.ERROR).rank]

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)

    def counts(self, target: str | None = None) -> dict[str, int]:
        """Active findings by severity, of every target or of one."""
        counts = {s.value: 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
        for f in self.active():
            if target is None or f.target == target:
                counts[f.severity.value] += 1
        return counts
