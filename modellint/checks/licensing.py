"""Checks on the card's declared license values, using the knowledge base."""

from __future__ import annotations

from collections.abc import Iterator

from modellint.checks._util import card_location
from modellint.facts import Facts
from modellint.model import Violation


def card_license_unknown(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None or card.metadata_error:
        return
    from modellint.licensing import ALIAS, INVALID

    for d in facts.licenses.declared:
        if d.form not in (ALIAS, INVALID):
            continue
        if d.form == ALIAS and d.license is not None:
            lic = d.license
            if lic.hub_id:
                hint = f"; did you mean `{lic.hub_id}`?"
            elif lic.spdx:
                hint = f"; did you mean `{lic.spdx}`?"
            else:
                hint = (f"; it looks like the {lic.name}, which is not on the Hub's list: use "
                        f"`license: other` with `license_name: {lic.id}` and `license_link`")
            suggestion: str | None = lic.hub_id or lic.spdx or lic.id
        else:
            from modellint.knowledge import load_kb
            from modellint.suggest import did_you_mean

            close = did_you_mean(d.value.lower(), load_kb().hub_ids())
            suggestion = close.split("'")[1] if close else None
            hint = f"; did you mean `{suggestion}`?" if suggestion else ""
        yield Violation(f"`license: {d.value}` is not a Hub license id or a valid SPDX expression"
                        f"{hint}", card_location(facts, "license"),
                        {"value": d.value, "suggestion": suggestion})
