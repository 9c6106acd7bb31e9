"""A CycloneDX (1.7, or 1.6) ML-BOM of a report: one ``machine-learning-model`` per target.

Each target becomes a ``machine-learning-model`` component (name, Hub group, the resolved commit as
version, a ``pkg:huggingface`` purl and the Hub URL where the repository is on the Hub) whose
licenses are the weights' terms from the license picture, declared (the card) and concluded (the
license files) with CycloneDX's ``acknowledgement``. Nested in it: one ``file`` component per weight,
code and data file with that part's terms (and the SHA-256 a git-lfs pointer gives), and one ``data``
component per dataset the card names. Base models are ``pedigree.ancestors`` (their own bases nested
in theirs) with the licenses their cards declare. modellint's findings become ``annotations`` on the
model, and the per-part terms and finding counts ``properties``.

Serialization is cyclonedx-python-lib's. It lacks three parts of the 1.5+ schema (``modelCard``
and ``data`` of a component, and the BOM's ``annotations``: commented out as TODO in its
``Component`` and ``Bom`` models, cyclonedx-python-lib issue #912): those are added to the JSON it
writes, in the schema's shape, before the document is returned.
"""

import datetime as dt
import json
import warnings
from collections.abc import Sequence
from typing import Any

from modellint import __version__
from modellint.export.inventory import Base, Inventory
from modellint.export.licenses import LicenseEntry, LicenseIndex, PartLicenses
from modellint.model import Finding, Report, TargetInfo

VERSIONS = ("1.7", "1.6")
HUB = "https://huggingface.co"
PROPERTY = "modellint"  # the namespace of our property names
PARTS = ("weights", "code", "data", "outputs", "documentation")


def hub_url(repo_id: str, kind: str = "model") -> str:
    return f"{HUB}/datasets/{repo_id}" if kind == "dataset" else f"{HUB}/{repo_id}"


def looks_like_hub_id(value: str) -> bool:
    parts = value.split("/")
    return 1 <= len(parts) <= 2 and all(p and all(c.isalnum() or c in "-_." for c in p) for p in parts)


def bom_json(report: Report, version: str = "1.7", now: dt.datetime | None = None) -> str:
    """The CycloneDX JSON document of ``report``."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.output import make_outputter
    from cyclonedx.output.json import Json
    from cyclonedx.schema import OutputFormat, SchemaVersion

    schema = {"1.7": SchemaVersion.V1_7, "1.6": SchemaVersion.V1_6}[version]
    bom = Bom()
    bom.metadata.timestamp = now or dt.datetime.now(dt.timezone.utc)
    bom.metadata.tools.components.add(_tool())
    index = LicenseIndex()
    extras: dict[str, dict[str, Any]] = {}
    annotations: list[dict[str, Any]] = []
    for n, target in enumerate(report.targets, 1):
        findings = [f for f in report.findings if f.target == target.target]
        builder = _TargetBuilder(target, f"t{n}", index, findings)
        bom.components.add(builder.component())
        extras.update(builder.extras)
        annotations.extend(builder.annotations(bom.metadata.timestamp))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no dependencies defined": a model has parts, not deps
        outputter: Json = make_outputter(bom, OutputFormat.JSON, schema)  # type: ignore[assignment]
        text = outputter.output_as_string()
    doc = json.loads(text)
    _fill(doc.get("components", []), extras)
    if annotations:
        doc["annotations"] = annotations
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _tool() -> Any:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, XsUri
    from cyclonedx.model.component import Component, ComponentType

    return Component(type=ComponentType.APPLICATION, name="modellint", version=__version__,
                     description="License-compliance linter for machine-learning model repositories",
                     external_references=[ExternalReference(
                         type=ExternalReferenceType.WEBSITE,
                         url=XsUri("https://pypi.org/project/modellint/"))])


def _tool_json() -> dict[str, Any]:
    return {"type": "application", "name": "modellint", "version": __version__}


def _fill(components: list[dict[str, Any]], extras: dict[str, dict[str, Any]]) -> None:
    """Put the parts cyclonedx-python-lib cannot model into its JSON, by bom-ref."""
    for comp in components:
        extra = extras.get(comp.get("bom-ref", ""))
        if extra:
            comp.update(extra)
        _fill(comp.get("components", []), extras)
        pedigree = comp.get("pedigree")
        if isinstance(pedigree, dict):
            _fill(pedigree.get("ancestors", []), extras)


class _TargetBuilder:
    """The component tree of one target."""

    def __init__(self, target: TargetInfo, ref: str, index: LicenseIndex,
                 findings: Sequence[Finding]) -> None:
        self.target = target
        self.ref = ref
        self.index = index
        self.findings = findings
        self.inventory: Inventory = target.inventory or Inventory()
        self.extras: dict[str, dict[str, Any]] = {}
        self.picture = target.licenses

    @property
    def model_ref(self) -> str:
        return f"{self.ref}:model"

    def part(self, name: str) -> PartLicenses:
        if self.picture is None:
            return PartLicenses(name)
        return self.index.part(self.picture, name)

    def component(self) -> Any:
        from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
        from cyclonedx.model.component import Component, ComponentType

        t = self.target
        repo_id = t.repo_id
        name = (repo_id.rsplit("/", 1)[-1] if repo_id else None) or t.name or t.target
        group = repo_id.split("/", 1)[0] if repo_id and "/" in repo_id else None
        # A dataset repository is a `data` component whose licenses are its data's terms.
        dataset = t.repo_type == "dataset"
        weights = self.part("data" if dataset else "weights")
        refs = []
        if repo_id:
            page = hub_url(repo_id, "dataset" if dataset else "model")
            refs.append(ExternalReference(type=ExternalReferenceType.WEBSITE, url=XsUri(page)))
            refs.append(ExternalReference(type=ExternalReferenceType.VCS, url=XsUri(page)))
        for entry in weights.all():
            if entry.url:
                refs.append(ExternalReference(type=ExternalReferenceType.LICENSE, url=XsUri(entry.url)))
        card = self.inventory.card
        if card is not None and card.license_link and card.license_link.startswith(("http://", "https://")):
            refs.append(ExternalReference(type=ExternalReferenceType.LICENSE, url=XsUri(card.license_link)))
        comp = Component(
            type=ComponentType.DATA if dataset else ComponentType.MACHINE_LEARNING_MODEL,
            name=name,
            group=group,
            version=t.revision,
            bom_ref=self.model_ref,
            purl=None if dataset else _purl(repo_id, t.revision),  # pkg:huggingface names models
            licenses=_licenses(weights),
            external_references=_unique_refs(refs),
            properties=[Property(name=n, value=v) for n, v in self._properties()],
            components=self._parts(),
        )
        if self.inventory.bases:
            from cyclonedx.model.component import Pedigree

            comp.pedigree = Pedigree(ancestors=self._ancestors(None))
        self.extras[self.model_ref] = ({"data": [{"type": "dataset", "name": name}]} if dataset
                                       else {"modelCard": self._model_card()})
        return comp

    # ---- properties and annotations ----

    def _properties(self) -> list[tuple[str, str]]:
        t = self.target
        out = [(f"{PROPERTY}:target", t.target), (f"{PROPERTY}:source", t.kind)]
        if t.revision:
            out.append((f"{PROPERTY}:revision", t.revision))
        if self.inventory.relation:
            out.append((f"{PROPERTY}:relation", self.inventory.relation))
        for part in PARTS:
            lic = self.part(part)
            if lic.declared:
                out.append((f"{PROPERTY}:license:{part}:declared", _ids(lic.declared)))
            if lic.concluded:
                out.append((f"{PROPERTY}:license:{part}:concluded", _ids(lic.concluded)))
            if lic.expression:
                out.append((f"{PROPERTY}:license:{part}:declared-expression", lic.expression))
            terms = self.picture.terms(part) if self.picture is not None else None
            if terms is not None and terms.fallback:
                out.append((f"{PROPERTY}:license:{part}:follows", terms.fallback))
        for part, count in sorted(self.inventory.omitted.items()):
            out.append((f"{PROPERTY}:files-omitted:{part}", str(count)))
        active = [f for f in self.findings if f.suppressed_by is None]
        for severity in ("error", "warning", "info"):
            out.append((f"{PROPERTY}:findings:{severity}",
                        str(sum(1 for f in active if f.severity.value == severity))))
        return out

    def annotations(self, when: dt.datetime) -> list[dict[str, Any]]:
        stamp = when.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
        out = []
        for f in self.findings:
            if f.suppressed_by is not None:
                continue
            where = f"{f.path}:{f.line}" if f.path and f.line else f.path or "repository"
            out.append({
                "subjects": [self.model_ref],
                "annotator": {"component": _tool_json()},
                "timestamp": stamp,
                "text": f"{f.code} {f.name} ({f.severity.value}) at {where}: {f.message}",
            })
        return out

    # ---- parts ----

    def _parts(self) -> list[Any]:
        from cyclonedx.model import HashAlgorithm, HashType, Property
        from cyclonedx.model.component import Component, ComponentType

        out = []
        terms = {part: self.part(part) for part in ("weights", "code", "data", "documentation")}
        for item in self.inventory.files:
            props = [Property(name=f"{PROPERTY}:part", value=item.part),
                     Property(name=f"{PROPERTY}:size", value=str(item.size))]
            if item.format:
                props.append(Property(name=f"{PROPERTY}:format", value=item.format))
            out.append(Component(
                type=ComponentType.FILE, name=item.path, bom_ref=f"{self.ref}:file:{item.path}",
                hashes=[HashType(alg=HashAlgorithm.SHA_256, content=item.sha256)] if item.sha256 else [],
                licenses=_licenses(terms[item.part]), properties=props))
        card = self.inventory.card
        for dataset in card.datasets if card is not None else ():
            out.append(self._dataset(dataset))
        return out

    def dataset_ref(self, dataset: str) -> str:
        return f"{self.ref}:dataset:{dataset}"

    def _dataset(self, dataset: str) -> Any:
        from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
        from cyclonedx.model.component import Component, ComponentType

        ref = self.dataset_ref(dataset)
        refs = ([ExternalReference(type=ExternalReferenceType.DISTRIBUTION,
                                   url=XsUri(hub_url(dataset, "dataset")))]
                if looks_like_hub_id(dataset) else [])
        self.extras[ref] = {"data": [{"type": "dataset", "name": dataset}]}
        return Component(type=ComponentType.DATA, name=dataset, bom_ref=ref, external_references=refs,
                         properties=[Property(name=f"{PROPERTY}:part", value="training-data")])

    # ---- lineage ----

    def _ancestors(self, child: str | None) -> list[Any]:
        from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
        from cyclonedx.model.component import Component, ComponentType, Pedigree

        out = []
        for base in self.inventory.bases:
            if base.child != child or (child is None and base.depth != 1):
                continue
            ref = f"{self.ref}:base:{base.depth}:{base.model_id}"
            entries = [self.index.of_base_license(v, base.model_id) for v in base.licenses]
            comp = Component(
                type=ComponentType.MACHINE_LEARNING_MODEL, name=base.model_id.rsplit("/", 1)[-1],
                group=base.model_id.split("/", 1)[0] if "/" in base.model_id else None,
                bom_ref=ref, purl=_purl(base.model_id if looks_like_hub_id(base.model_id) else None, None),
                licenses=_licenses(PartLicenses("weights", declared=tuple(entries))),
                external_references=([ExternalReference(type=ExternalReferenceType.WEBSITE,
                                                        url=XsUri(hub_url(base.model_id)))]
                                     if looks_like_hub_id(base.model_id) else []),
                properties=[Property(name=f"{PROPERTY}:base:depth", value=str(base.depth)),
                            Property(name=f"{PROPERTY}:base:license-source",
                                     value=base.source or "unresolved")])
            deeper = self._ancestors(base.model_id) if base.depth < 8 else []
            if deeper:
                comp.pedigree = Pedigree(ancestors=deeper)
            out.append(comp)
        return out

    # ---- the model card ----

    def _model_card(self) -> dict[str, Any]:
        card = self.inventory.card
        params: dict[str, Any] = {}
        considerations: dict[str, Any] = {}
        metrics: list[dict[str, Any]] = []
        props: list[dict[str, str]] = []
        if card is not None:
            if card.pipeline_tag:
                params["task"] = card.pipeline_tag
            if card.model_type:
                params["architectureFamily"] = card.model_type
            if card.architectures:
                params["modelArchitecture"] = card.architectures[0]
            if card.datasets:
                params["datasets"] = [{"ref": self.dataset_ref(d)} for d in card.datasets]
            metrics = [{k: v for k, v in {"type": m.name, "value": m.value,
                                          "slice": " / ".join(x for x in (m.task, m.dataset) if x)
                                          or None}.items() if v}
                       for m in card.metrics]
            sections = card.sections
            if "uses" in sections:
                considerations["useCases"] = [sections["uses"]]
            if "limitations" in sections:
                considerations["technicalLimitations"] = [sections["limitations"]]
            if "risks" in sections:
                considerations["ethicalConsiderations"] = [{"name": sections["risks"]}]
            for key, value in (("library_name", card.library_name),
                               ("languages", ", ".join(card.languages)),
                               ("papers", ", ".join(f"arXiv:{p}" for p in card.papers)),
                               ("training", sections.get("training")),
                               ("evaluation", sections.get("evaluation"))):
                if value:
                    props.append({"name": f"{PROPERTY}:card:{key}", "value": value})
        out: dict[str, Any] = {}
        if params:
            out["modelParameters"] = params
        if metrics:
            out["quantitativeAnalysis"] = {"performanceMetrics": metrics}
        if considerations:
            out["considerations"] = considerations
        if props:
            out["properties"] = props
        return out


def _purl(repo_id: str | None, revision: str | None) -> Any:
    if not repo_id:
        return None
    from packageurl import PackageURL

    namespace, _, name = repo_id.rpartition("/")
    return PackageURL(type="huggingface", namespace=namespace or None, name=name,
                      version=revision.lower() if revision else None)


def _licenses(part: PartLicenses) -> list[Any]:
    from cyclonedx.model.license import DisjunctiveLicense, LicenseAcknowledgement

    out = []
    for entries, ack in ((part.declared, LicenseAcknowledgement.DECLARED),
                         (part.concluded, LicenseAcknowledgement.CONCLUDED)):
        for entry in entries:
            out.append(_license(entry, ack, DisjunctiveLicense))
    return out


def _license(entry: LicenseEntry, ack: Any, cls: Any) -> Any:
    """An SPDX id where CycloneDX's list has it, else the license by name (and URL): CycloneDX
    takes ``license.id`` only from the SPDX list, and a LicenseRef only inside an expression."""
    from cyclonedx.model import XsUri
    from cyclonedx.spdx import is_supported_id

    if entry.spdx and is_supported_id(entry.spdx):
        return cls(id=entry.spdx, acknowledgement=ack)
    return cls(name=entry.name, url=XsUri(entry.url) if entry.url else None, acknowledgement=ack)


def _ids(entries: Sequence[LicenseEntry]) -> str:
    """License ids as this document names them: CycloneDX's SPDX id, else the LicenseRef."""
    from cyclonedx.spdx import is_supported_id

    return ", ".join(e.spdx if e.spdx and is_supported_id(e.spdx) else e.key for e in entries)


def _unique_refs(refs: list[Any]) -> list[Any]:
    seen: set[tuple[str, str]] = set()
    out = []
    for r in refs:
        key = (str(r.type), str(r.url))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


__all__ = ["VERSIONS", "Base", "bom_json"]
