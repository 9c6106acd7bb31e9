"""ML903: suppressions that do nothing. A ``review`` rule: the engine calls it after every other
rule ran and their findings met the card directives and waivers (see modellint.suppress)."""

from __future__ import annotations

from collections.abc import Iterator

from modellint.facts import Facts
from modellint.model import Location, Violation
from modellint.suppress import Review


def suppression_unused(facts: Facts, review: Review) -> Iterator[Violation]:
    for bad in review.malformed:
        yield Violation(f"malformed suppression, it suppresses nothing: {bad.problem}",
                        Location(bad.path, bad.line))
    for suppression, used in review.uses:
        where = Location(suppression.path, suppression.line)
        if suppression.expires is not None and suppression.expired(review.today):
            yield Violation(f"{suppression.where} expired on {suppression.expires.isoformat()}; "
                            "fix the findings or renew it with a new date", where)
        # A suppression of rules that did not run (deselected) could not have matched anything.
        elif used == 0 and any(code in review.ran for code in suppression.codes):
            yield Violation(f"{suppression.where} matched no finding; remove it", where)
