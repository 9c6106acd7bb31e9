"""Repository file checks: license files present, files readable."""

from __future__ import annotations

from collections.abc import Iterator

from modellint.facts import Facts
from modellint.model import Location, Violation


def license_file_missing(facts: Facts) -> Iterator[Violation]:
    if facts.licenses.file_components:
        return
    declared = facts.licenses.card
    # Only known licenses that ask for no copy (public-domain dedications), or accept a link to
    # the license the card's declaration gives (Creative Commons), excuse the file; unknown or
    # undeclared terms still need their text shipped: that is the safe default.
    if declared and all(e.license is not None and (not e.license.obligations.license_copy
                                                   or e.license.obligations.license_link_suffices)
                        for e in declared):
        return
    needing = [e.license.id for e in declared
               if e.license is not None and e.license.obligations.license_copy
               and not e.license.obligations.license_link_suffices]
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


def partly_read(facts: Facts) -> Iterator[Violation]:
    not_cached = facts.extra.get("offline") or ()
    if not_cached:
        shown = ", ".join(not_cached[:5]) + (f" and {len(not_cached) - 5} more"
                                             if len(not_cached) > 5 else "")
        yield Violation(
            f"offline: {len(not_cached)} weight file header(s) not in the local Hub cache were "
            f"not read ({shown}): licenses embedded in weight files (ML303) and broken "
            "headers (ML902) were not checked; lint online to read them", Location(None), {"offline": list(not_cached)})
    withheld = facts.extra.get("withheld") or {}
    if not withheld:
        return
    from modellint import classify as cls

    weights = [p for p in withheld if cls.classify(p).role == cls.WEIGHTS]
    named = [f"{p} ({why})" if p == "README.md" else p
             for p, why in withheld.items() if p not in weights]
    if weights:
        named.append(f"{len(weights)} weight file(s)")
    reasons = sorted({why for p, why in withheld.items() if p != "README.md"})
    what = reasons[0] if len(reasons) == 1 else "not readable"
    yield Violation(
        f"{what}: linted from the Hub's public data (card metadata, file listing, base models); "
        f"not read: {', '.join(named)}",
        Location(None), {"withheld": sorted(withheld)})
