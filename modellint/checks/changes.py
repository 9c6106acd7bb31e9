"""Checks on what a git range or the index changed (``--since`` / ``--staged``)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence

from modellint import classify as cls
from modellint.facts import Facts
from modellint.model import Location, Violation

# Roles whose change tells a downstream user what happened to the weights.
DOCUMENTING_ROLES = frozenset({cls.CARD, cls.CHANGELOG, cls.NOTICE})
_SHOWN = 3


def weights_changed_undocumented(facts: Facts,
                                 documentation: Sequence[str] = ()) -> Iterator[Violation]:
    changed = facts.changed_paths
    if not changed:  # not a git range, or nothing changed
        return
    weights = [p for p in changed if cls.classify(p).role in (cls.WEIGHTS, cls.WEIGHTS_INDEX)]
    if not weights:
        return
    for path in changed:
        if cls.classify(path).role in DOCUMENTING_ROLES:
            return
        if any(fnmatch.fnmatchcase(path, glob) for glob in documentation):
            return
    present = {f.path for f in facts.files}
    # Point at a changed weight file that still exists (a deleted one cannot be annotated).
    where = next((p for p in weights if p in present), None)
    shown = ", ".join(weights[:_SHOWN])
    if len(weights) > _SHOWN:
        shown += f" and {len(weights) - _SHOWN} more"
    plural = "s" if len(weights) != 1 else ""
    yield Violation(
        f"{len(weights)} weight file{plural} changed ({shown}) but neither "
        "the model card, a CHANGELOG nor a NOTICE changed: say what changed in the weights",
        Location(where),
        {"weights": weights},
    )
