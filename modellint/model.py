"""Core value types shared by every layer: severities, violations, findings, reports."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.Enum):
    """Finding severity, ordered: ``INFO < WARNING < ERROR``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown severity {value!r} (expected one of: error, warning, info)"
            ) from None

    def __lt__(self, other: Severity) -> bool:
        return self.rank < other.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Location:
    """Where a finding points. ``path`` is repo-relative POSIX; ``None`` means the whole repo."""

    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Violation:
    """What a check yields: no code and no severity; the engine stamps those."""

    message: str
    location: Location = Location()
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """A stamped violation as reporters see it."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str | None
    line: int | None
    target: str
    data: Mapping[str, Any] = field(default_factory=dict)
    suppressed_by: str | None = None  # "config", "card", "waiver", "baseline"
    suppression_reason: str | None = None

    @property
    def sort_key(self) -> tuple[str, str, int, str, str]:
        return (self.target, self.path or "", self.line or 0, self.code, self.message)


@dataclass(frozen=True)
class ToolError:
    """A problem that stops part of the work (source, config, crashing rule): exit code 2."""

    kind: str  # "source", "config", "rule", "plugin", "internal"
    message: str
    target: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class TargetInfo:
    """What was scanned: the origin string, the kind of source and the resolved revision."""

    target: str
    kind: str  # "local", "git", "hf", "hf-cache"
    origin: str
    revision: str | None = None
    name: str | None = None
    # The file that repository-level findings attach to where a format needs a file (SARIF):
    # the model card, else the root license file.
    anchor: str | None = None


@dataclass
class Report:
    """Everything one run produced, for every target."""

    targets: list[TargetInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[ToolError] = field(default_factory=list)

    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed_by is None]

    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed_by is not None]

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
        for f in self.active():
            counts[f.severity.value] += 1
        return counts
