"""ML601 license-denied: the configured allow / deny policy, applied per component."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from modellint.checks.lineage import categories
from modellint.facts import Facts
from modellint.facts.picture import Evidence
from modellint.model import Location, Violation
from modellint.policy import COMPONENTS, judge


def _how(e: Evidence) -> str:
    if e.kind == "card":
        return "declared in the card"
    if e.kind == "card-text":
        return f"stated in the card (line {e.line})" if e.line else "stated in the card"
    if e.kind == "base-model":
        return f"inherited from base model {e.detail}"
    if e.kind == "source-dataset":
        return f"inherited from source dataset {e.detail}"
    return f"found in {e.path}"


def component_licenses(facts: Facts) -> dict[str, list[tuple[str, Any, Location, str]]]:
    """component -> [(license as written, KB record or None, where, how it applies)], from the
    license picture; the weights carry what their base models' licenses impose too, and a
    dataset's data what its source datasets' licenses impose."""
    picture = facts.licenses
    out: dict[str, list[tuple[str, Any, Location, str]]] = {}
    for component in COMPONENTS:
        evidence = list(picture.terms(component).evidence)
        if component == "weights":
            evidence += list(picture.inherited)
        elif component == "data":
            evidence += list(picture.sources)
        out[component] = [(e.value, e.license, Location(e.path, e.line), _how(e))
                          for e in evidence if e.license is not None or e.value]
    return out


def _open(component: str, record: Any) -> frozenset[str]:
    """The category ``open`` when the openness judgement calls ``record`` open for ``component``."""
    from modellint.openness import is_open

    return frozenset({"open"}) if is_open(component, record) else frozenset()


def license_denied(facts: Facts, policy: Mapping[str, Any] | None = None) -> Iterator[Violation]:
    if not policy:
        return
    for component, items in component_licenses(facts).items():
        if component not in COMPONENTS:
            continue
        seen: set[tuple[str, str]] = set()
        for raw, record, where, how in items:
            lic_id = record.id if record is not None else raw.lower()
            if (lic_id, how) in seen:
                continue
            seen.add((lic_id, how))
            reason = judge(policy, component, lic_id, categories(record) | _open(component, record))
            if reason:
                yield Violation(
                    f"{component}: license `{lic_id}` ({how}) is denied by the policy: {reason}",
                    where, {"component": component, "license": lic_id})
