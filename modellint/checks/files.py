"""Repository file checks: license files present, files readable."""

from __future__ import annotations

from collections.abc import Iterator

from modellint.checks._util import root_license_files
from modellint.facts import Facts
from modellint.model import Location, Violation


def license_file_missing(facts: Facts) -> Iterator[Violation]:
    if root_license_files(facts):
        return
    from modellint.checks._terms import card_licenses

    declared = card_licenses(facts)
    # Only known licenses that ask for no copy (public-domain dedications) excuse the file;
    # unknown or undeclared terms still need their text shipped: that is the safe default.
    if declared and all(f.license is not None and not f.license.obligations.license_copy
                        for f in declared):
        return
    needing = [f.license.id for f in declared
               if f.license is not None and f.license.obligations.license_copy]
    why = (f"{', '.join(dict.fromkeys(needing))} requires giving recipients a copy of its text"
           if needing else "recipients need the license text itself, not only its name")
    yield Violation(
        "no license file at the repository root (LICENSE, LICENSE.md, COPYING, LICENSE-MODEL, "
        f"LICENSES/...): {why}",
        Location(None),
    )


def file_unreadable(facts: Facts) -> Iterator[Violation]:
    for problem in facts.problems:
        yield Violation(f"{problem.reason}", Location(problem.path), {"reason": problem.reason})
