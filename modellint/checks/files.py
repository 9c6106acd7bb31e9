"""Repository file checks: license files present, files readable."""

from __future__ import annotations

from collections.abc import Iterator

from modellint.checks._util import root_license_files
from modellint.facts import Facts
from modellint.model import Location, Violation


def license_file_missing(facts: Facts) -> Iterator[Violation]:
    if root_license_files(facts):
        return
    yield Violation(
        "no license file at the repository root (LICENSE, LICENSE.md, COPYING, LICENSE-MODEL, "
        "LICENSES/...): recipients need the license text itself, not only its name",
        Location(None),
    )


def file_unreadable(facts: Facts) -> Iterator[Violation]:
    for problem in facts.problems:
        yield Violation(f"{problem.reason}", Location(problem.path), {"reason": problem.reason})
