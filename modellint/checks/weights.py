"""Weight-file checks: headers that cannot be read, and licenses embedded in them."""

from __future__ import annotations

from collections.abc import Iterator

from modellint.checks._util import card_location
from modellint.classify import PICKLE_FORMATS
from modellint.facts import Facts
from modellint.licensing import card_license_values
from modellint.model import Location, Violation
from modellint.weightfile import WeightFile


def _all_weights(facts: Facts) -> tuple[WeightFile, ...]:
    return tuple(facts.weights) + tuple(facts.weight_index_files)


MAX_LISTED = 5  # missing shards named in a message; the data lists all


def weight_header_invalid(facts: Facts) -> Iterator[Violation]:
    for wf in _all_weights(facts):
        if wf.error:
            what = ("index" if wf.format == "weights-index"
                    else f"{wf.format} zip directory" if wf.summary.get("container") == "zip"
                    or wf.format in PICKLE_FORMATS else f"{wf.format} header")
            yield Violation(f"{what} is invalid: {wf.error}", Location(wf.path),
                            {"format": wf.format, "error": wf.error})
        missing = wf.summary.get("missing_shards") if wf.format == "weights-index" else None
        if missing:
            shown = ", ".join(missing[:MAX_LISTED]) + (
                f" and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else "")
            yield Violation(f"index lists {len(missing)} shard(s) that are not in the repository: "
                            f"{shown}", Location(wf.path),
                            {"format": wf.format, "missing_shards": list(missing)})


def embedded_license_mismatch(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None:
        return
    declared = card_license_values(card.metadata)
    name = card.metadata.get("license_name")
    if any(v.lower() == "other" for v in declared) and isinstance(name, str) and name.strip():
        declared.append(name.strip())
    said = ", ".join(repr(d) for d in declared)
    for conflict in facts.licenses.conflicts:
        if conflict.kind != "embedded":
            continue
        e = conflict.evidence[0]
        yield Violation(
            f"the file embeds `{e.detail}: {e.value}` but the model card declares {said}: whoever "
            "gets only this file sees a different license",
            Location(e.path),
            {"key": e.detail, "embedded": e.value, "declared": declared,
             "card": card_location(facts, "license").path},
        )
