"""What an audit keeps of one target: a small, picklable record instead of the whole facts.

Workers (threads, processes, Dask workers) turn each ``TargetResult`` into a ``TargetOutcome`` as
soon as the target is linted, so that the facts (card text, file lists) can be freed, the outcome
can cross a process boundary, and the store, the summary and the HTML report all read the same
thing: the target's identity and resolved revision, its licenses per component, its lineage, its
findings and errors.
"""

from collections.abc import Iterable
from typing import Any, NamedTuple

from modellint.model import Finding, Severity, TargetInfo, ToolError

CARD_EVIDENCE = "card"  # the evidence kind of the card's own metadata
FALLBACK = "fallback:"  # evidence marker: the part follows another part's terms


class LicenseRow(NamedTuple):
    """One license governing one component of a target, and the kinds of evidence for it."""

    component: str  # weights, code, data, outputs, documentation, repository
    license: str  # knowledge-base id where known, else the value as written
    evidence: tuple[str, ...] = ()  # card, license-file, card-text, base-model, ...


class BaseRow(NamedTuple):
    """One base model in a target's lineage."""

    model_id: str
    depth: int
    licenses: tuple[str, ...]
    source: str | None  # hub, local, table, or None when unresolved


class TargetOutcome(NamedTuple):
    """One linted target, as an audit records it."""

    target: str
    info: TargetInfo | None  # None when the target could not be opened
    declared: str  # the card's license as written, for the summary ("other (name)", "(none)")
    licenses: tuple[LicenseRow, ...]
    relation: str | None  # adapter | merge | quantized | finetune
    bases: tuple[BaseRow, ...]
    findings: tuple[Finding, ...]
    errors: tuple[ToolError, ...]
    notes: tuple[str, ...] = ()  # what could not be read (a gated repository's files, ...)
    fail_on: Severity | None = None  # the target's fail-on (None: not recorded, judged at error)
    # The target's entry (when info is not None) and its findings' entries in the report format
    # the workers rendered (RunOptions.prerender); then info carries no license picture.
    rendered: tuple[str, ...] = ()

    @property
    def failed(self) -> str | None:
        """The error that stopped this target, when it could not be linted at all."""
        return self.errors[0].message if self.info is None and self.errors else None

    def failing(self) -> list[Finding]:
        """Active findings at or above this target's own fail-on: they fail the run."""
        rank = (self.fail_on or Severity.ERROR).rank
        return [f for f in self.findings if f.suppressed_by is None and f.severity.rank >= rank]

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            if f.suppressed_by is None:
                counts[f.severity.value] += 1
        return counts


def _plain_finding(f: Finding) -> Finding:
    # A finding's data may be a read-only mapping proxy, which cannot be pickled.
    return f._replace(data=dict(f.data)) if f.data else f._replace(data={})


def license_rows(facts: Any) -> tuple[LicenseRow, ...]:
    """Licenses per component, from the license picture: each part's governing licenses with the
    kinds of evidence for them; a part governed only because nothing narrower was said carries
    ``fallback:<part>`` among its evidence (diffs report the change once, at that part)."""
    picture = getattr(facts, "licenses", None)
    if picture is None or not hasattr(picture, "components"):  # facts without a picture
        return _declared_rows(facts)
    rows: list[LicenseRow] = []
    for component, terms in picture.components.items():
        kinds = tuple(dict.fromkeys(e.kind for e in terms.evidence))
        if terms.fallback:
            kinds += (f"{FALLBACK}{terms.fallback}",)
        rows.extend(LicenseRow(component, lic, kinds) for lic in dict.fromkeys(terms.ids))
    return tuple(rows)


def _declared_rows(facts: Any) -> tuple[LicenseRow, ...]:
    if facts.card is None:
        return ()
    from modellint.licensing import card_license_values

    values = card_license_values(facts.metadata)
    return tuple(LicenseRow("repository", value.strip().lower(), (CARD_EVIDENCE,))
                 for value in dict.fromkeys(values) if value.strip())


def _withheld_notes(facts: Any) -> tuple[str, ...]:
    withheld = getattr(facts, "extra", {}).get("withheld") if facts is not None else None
    if not withheld:
        return ()
    shown = list(withheld)[:12]
    more = f" and {len(withheld) - len(shown)} more" if len(withheld) > len(shown) else ""
    reasons = ", ".join(sorted(set(withheld.values())))
    return (f"not read ({reasons}): {', '.join(shown)}{more}",)


def base_rows(facts: Any) -> tuple[BaseRow, ...]:
    return tuple(BaseRow(b.model_id, b.depth, tuple(b.licenses), b.source)
                 for b in facts.lineage.bases)


def outcome_of(target: str, result: Any, notes: Iterable[str] = (),
               prerender: str | None = None) -> TargetOutcome:
    """The record of a ``runner.TargetResult``; ``prerender="json"``: with its JSON report
    entries, rendered here rather than by the one writer."""
    from modellint.reporters.summary_format import license_cell

    facts = result.facts
    report = result.report
    settings = result.settings
    info = report.targets[0] if report.targets else result.info
    hub_id = getattr(getattr(facts, "identity", None), "repo_id", None)
    if info is not None and info.repo_id is None and hub_id:
        info = info._replace(repo_id=hub_id)  # a clone whose origin is on the Hub
    findings = tuple(_plain_finding(f) for f in report.findings)
    rendered: tuple[str, ...] = ()
    if prerender == "json":
        from modellint.reporters.json_format import target_pieces

        rendered = target_pieces(info, findings)
    # Rendered for the JSON report, the one thing this outcome is for (no store is written):
    # the store's rows of licenses and bases are not made, nor sent to the writer.
    rows = facts is not None and not rendered
    return TargetOutcome(
        target=target,
        info=info._replace(licenses=None) if rendered and info is not None else info,
        declared=license_cell(info),
        licenses=license_rows(facts) if rows else (),
        relation=facts.lineage.relation if facts is not None else None,
        bases=base_rows(facts) if rows else (),
        findings=findings,
        errors=tuple(report.errors),
        notes=tuple(notes) + _withheld_notes(facts),
        fail_on=settings.fail_on if settings is not None else None,
        rendered=rendered,
    )
