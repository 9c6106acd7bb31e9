"""ML601 license-denied: the configured allow / deny policy, applied per component."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from modellint.checks._terms import repo_file_licenses
from modellint.checks._util import card_location
from modellint.checks.lineage import base_location, categories, kb, own_licenses
from modellint.facts import Facts
from modellint.model import Location, Violation
from modellint.policy import COMPONENTS, judge


def component_licenses(facts: Facts) -> dict[str, list[tuple[str, Any, Location, str]]]:
    """component -> [(license as written, KB record or None, where, how it applies)]."""
    base = kb()
    card_where = card_location(facts, "license")
    declared = [(raw, rec, card_where, "declared in the card") for raw, rec in own_licenses(facts)]
    files: dict[str | None, list[tuple[str, Any, Location, str]]] = {}
    # The licenses the other rules see in the files: top-tier evidence only, so a license text
    # that mentions another license in passing is not judged as under both.
    for found in repo_file_licenses(facts):
        files.setdefault(found.scope, []).append(
            (found.value, found.license, found.location, f"found in {found.location.path}"))
    inherited = [
        (lic, base.resolve(lic), base_location(facts, b), f"inherited from base model {b.model_id}")
        for b in facts.lineage.bases for lic in b.licenses
    ]
    whole_repo = declared + files.get(None, [])
    return {
        "weights": whole_repo + files.get("weights", []) + inherited,
        "code": files.get("code") or whole_repo,
        "data": files.get("data", []),
    }


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
            reason = judge(policy, component, lic_id, categories(record))
            if reason:
                yield Violation(
                    f"{component}: license `{lic_id}` ({how}) is denied by the policy: {reason}",
                    where, {"component": component, "license": lic_id})
