"""An SPDX 3.0.1 AI-BOM (JSON-LD) of a report, with the AI and Dataset profiles.

Each target is an ``ai_AIPackage`` (the resolved commit as ``software_packageVersion``, the Hub URL
as download location and home page, a ``pkg:huggingface`` purl) carrying what its card says in the
AI profile's fields (type of model, information about application and training, limitations,
metrics). Its weight, code and data files are ``software_File`` elements it ``contains``; the
datasets its card names are ``dataset_DatasetPackage`` elements it was ``trainedOn``; its base
models are ``ai_AIPackage`` elements it is a ``descendantOf`` (and theirs, theirs). Licenses come
from the license picture through ``hasDeclaredLicense`` (the card) and ``hasConcludedLicense`` (the
license files) relationships to ``simplelicensing_LicenseExpression`` elements; every
``LicenseRef-`` in an expression is mapped (``simplelicensing_customIdToUri``) to a
``simplelicensing_SimpleLicensingText`` element of the document that says what it stands for.
modellint's findings are ``review`` annotations on the model.

The document is built and serialized with spdx-python-model, the SPDX project's Python bindings
of the 3.0.1 model (generated from its SHACL shapes): property types, enumerations and required
properties are checked as it is written.
"""

import datetime as dt
import io
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from modellint import __version__
from modellint.export.cyclonedx import hub_url, looks_like_hub_id
from modellint.export.inventory import Inventory
from modellint.export.licenses import LicenseIndex, PartLicenses, expression_of
from modellint.model import Finding, Report, TargetInfo

PURPOSE = {"weights": "model", "code": "source", "data": "data", "documentation": "documentation"}
PARTS = ("weights", "code", "data", "outputs", "documentation")


def spdx_json(report: Report, now: dt.datetime | None = None, namespace: str | None = None) -> str:
    """The SPDX 3.0.1 JSON-LD document of ``report``."""
    return _Document(report, now, namespace).serialize()


class _Document:
    def __init__(self, report: Report, now: dt.datetime | None, namespace: str | None) -> None:
        from spdx_python_model import v3_0_1 as spdx

        self.spdx = spdx
        self.report = report
        self.ns = namespace or f"https://spdx.org/spdxdocs/modellint-{uuid.uuid4()}/"
        created = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
        self.ci = spdx.CreationInfo(specVersion="3.0.1", created=created)
        agent = spdx.SoftwareAgent(spdxId=self.iri("agent/modellint"), name="modellint",
                                   creationInfo=self.ci)
        tool = spdx.Tool(spdxId=self.iri("tool/modellint"), name=f"modellint {__version__}",
                         creationInfo=self.ci)
        self.ci.createdBy.append(agent)
        self.ci.createdUsing.append(tool)
        self.elements: list[Any] = [agent, tool]
        self.index = LicenseIndex()
        self.expressions: dict[str, Any] = {}
        self.texts: dict[str, Any] = {}
        self.roots: list[Any] = []
        self.n_rel = 0

    def iri(self, local: str) -> str:
        return self.ns + quote(local, safe="/-._~:")

    def add(self, element: Any) -> Any:
        self.elements.append(element)
        return element

    def relate(self, source: Any, kind: str, targets: Sequence[Any], comment: str | None = None) -> None:
        if not targets:
            return
        self.n_rel += 1
        rel = self.spdx.Relationship(spdxId=self.iri(f"relationship/{self.n_rel}"), creationInfo=self.ci,
                                     from_=source, relationshipType=getattr(self.spdx.RelationshipType, kind),
                                     to=list(targets))
        if comment:
            rel.comment = comment
        self.add(rel)

    # ---- licenses ----

    def expression(self, text: str) -> Any:
        """The LicenseExpression element of ``text``, with its LicenseRefs defined."""
        hit = self.expressions.get(text)
        if hit is not None:
            return hit
        spdx = self.spdx
        element = spdx.simplelicensing_LicenseExpression(
            spdxId=self.iri(f"license-expression/{len(self.expressions) + 1}"), creationInfo=self.ci,
            simplelicensing_licenseExpression=text)
        for entry in self.index.refs:
            if entry.key in text.replace("(", " ").replace(")", " ").split():
                element.simplelicensing_customIdToUri.append(
                    spdx.DictionaryEntry(key=entry.key, value=self.license_text(entry).spdxId))
        self.expressions[text] = self.add(element)
        return element

    def license_text(self, entry: Any) -> Any:
        hit = self.texts.get(entry.key)
        if hit is None:
            hit = self.spdx.simplelicensing_SimpleLicensingText(
                spdxId=self.iri(f"license/{entry.key}"), creationInfo=self.ci, name=entry.name,
                simplelicensing_licenseText=entry.note or entry.name)
            if entry.url:
                hit.comment = f"Published at {entry.url}"
            self.texts[entry.key] = self.add(hit)
        return hit

    def license(self, artifact: Any, part: PartLicenses) -> None:
        declared = part.expression or expression_of(part.declared)
        concluded = expression_of(part.concluded)
        if declared:
            self.relate(artifact, "hasDeclaredLicense", [self.expression(declared)])
        if concluded:
            self.relate(artifact, "hasConcludedLicense", [self.expression(concluded)])

    # ---- targets ----

    def target(self, n: int, t: TargetInfo, findings: Sequence[Finding]) -> None:
        spdx = self.spdx
        inv: Inventory = t.inventory or Inventory()
        picture = t.licenses
        parts = {p: self.index.part(picture, p) if picture is not None else PartLicenses(p)
                 for p in PARTS}
        prefix = f"t{n}"
        name = (t.repo_id.rsplit("/", 1)[-1] if t.repo_id else None) or t.name or t.target
        # A dataset repository is a DatasetPackage whose licenses are its data's terms.
        is_dataset = t.repo_type == "dataset"
        if is_dataset:
            pkg = self.add(spdx.dataset_DatasetPackage(spdxId=self.iri(f"{prefix}/model"), name=name,
                                                       creationInfo=self.ci))
            pkg.dataset_datasetType.append(spdx.dataset_DatasetType.noAssertion)
            pkg.software_primaryPurpose = spdx.software_SoftwarePurpose.data
        else:
            pkg = self.add(spdx.ai_AIPackage(spdxId=self.iri(f"{prefix}/model"), name=name,
                                             creationInfo=self.ci))
            pkg.software_primaryPurpose = spdx.software_SoftwarePurpose.model
        if t.revision:
            pkg.software_packageVersion = t.revision
        if t.repo_id:
            page = hub_url(t.repo_id, "dataset" if is_dataset else "model")
            pkg.software_downloadLocation = page
            pkg.software_homePage = page
            if not is_dataset:  # pkg:huggingface names models
                pkg.software_packageUrl = _purl(t.repo_id, t.revision)
            if "/" in t.repo_id:
                org = self.add(spdx.Organization(spdxId=self.iri(f"{prefix}/supplier"),
                                                 name=t.repo_id.split("/", 1)[0], creationInfo=self.ci))
                pkg.suppliedBy = org
        pkg.comment = f"Linted by modellint as {t.target} ({t.kind})."
        if not is_dataset:
            self._card(pkg, inv)  # the AI profile's fields describe models
        self.roots.append(pkg)
        self.license(pkg, parts["data" if is_dataset else "weights"])

        files = []
        for item in inv.files:
            f = self.add(spdx.software_File(spdxId=self.iri(f"{prefix}/file/{item.path}"), name=item.path,
                                            creationInfo=self.ci))
            f.software_primaryPurpose = getattr(spdx.software_SoftwarePurpose, PURPOSE[item.part])
            if item.sha256:
                f.verifiedUsing.append(spdx.Hash(algorithm=spdx.HashAlgorithm.sha256,
                                                 hashValue=item.sha256))
            self.license(f, parts[item.part])
            files.append(f)
        self.relate(pkg, "contains", files)

        datasets = []
        for dataset in inv.card.datasets if inv.card is not None else ():
            d = self.add(spdx.dataset_DatasetPackage(spdxId=self.iri(f"{prefix}/dataset/{dataset}"),
                                                     name=dataset, creationInfo=self.ci))
            d.dataset_datasetType.append(spdx.dataset_DatasetType.noAssertion)
            d.software_primaryPurpose = spdx.software_SoftwarePurpose.data
            if looks_like_hub_id(dataset):
                d.software_downloadLocation = hub_url(dataset, "dataset")
            datasets.append(d)
        self.relate(pkg, "trainedOn", datasets, "datasets the model card names")

        self._bases(prefix, pkg, inv)
        self._picture(prefix, pkg, parts, picture)
        for i, f in enumerate(x for x in findings if x.suppressed_by is None):
            where = f"{f.path}:{f.line}" if f.path and f.line else f.path or "repository"
            self.add(spdx.Annotation(
                spdxId=self.iri(f"{prefix}/finding/{i + 1}"), creationInfo=self.ci,
                annotationType=spdx.AnnotationType.review, subject=pkg,
                statement=f"{f.code} {f.name} ({f.severity.value}) at {where}: {f.message}"))

    def _card(self, pkg: Any, inv: Inventory) -> None:
        spdx = self.spdx
        card = inv.card
        if card is None:
            return
        for kind in dict.fromkeys((card.model_type, *card.architectures)):
            if kind:
                pkg.ai_typeOfModel.append(kind)
        sections = card.sections
        application = [f"Task: {card.pipeline_tag}." if card.pipeline_tag else "",
                       f"Library: {card.library_name}." if card.library_name else "",
                       sections.get("uses", "")]
        if any(application):
            pkg.ai_informationAboutApplication = " ".join(a for a in application if a)
        training = [f"Datasets: {', '.join(card.datasets)}." if card.datasets else "",
                    sections.get("training", "")]
        if any(training):
            pkg.ai_informationAboutTraining = " ".join(a for a in training if a)
        if sections.get("limitations"):
            pkg.ai_limitation = sections["limitations"]
        for m in card.metrics:
            key = " / ".join(x for x in (m.name, m.dataset) if x)
            pkg.ai_metric.append(spdx.DictionaryEntry(key=key, value=m.value))

    def _bases(self, prefix: str, pkg: Any, inv: Inventory) -> None:
        spdx = self.spdx
        made: dict[tuple[int, str], Any] = {}
        for base in inv.bases:
            b = self.add(spdx.ai_AIPackage(spdxId=self.iri(f"{prefix}/base/{base.depth}/{base.model_id}"),
                                           name=base.model_id, creationInfo=self.ci))
            b.software_primaryPurpose = spdx.software_SoftwarePurpose.model
            if looks_like_hub_id(base.model_id):
                b.software_downloadLocation = hub_url(base.model_id)
                b.software_packageUrl = _purl(base.model_id, None)
            b.comment = (f"Base model at depth {base.depth}; license from "
                         f"{base.source or 'nowhere (unresolved)'}.")
            entries = tuple(self.index.of_base_license(v, base.model_id) for v in base.licenses)
            self.license(b, PartLicenses("weights", declared=entries))
            made[(base.depth, base.model_id)] = b
        for base in inv.bases:
            child = pkg if base.child is None else next(
                (made[k] for k in made if k[1] == base.child and k[0] == base.depth - 1), None)
            if child is not None:
                self.relate(child, "descendantOf", [made[(base.depth, base.model_id)]],
                            inv.relation if base.child is None and inv.relation else None)

    def _picture(self, prefix: str, pkg: Any, parts: dict[str, PartLicenses], picture: Any) -> None:
        """One note saying which terms govern each part (code and data have no package of their
        own when the release has no such files)."""
        lines = []
        for name, part in parts.items():
            declared = ", ".join(e.key for e in part.declared) or "none"
            concluded = ", ".join(e.key for e in part.concluded) or "none"
            follows = picture.terms(name).fallback if picture is not None else None
            lines.append(f"{name}: declared {declared}; concluded {concluded}"
                         + (f" (follows the {follows}'s terms)" if follows else ""))
        self.add(self.spdx.Annotation(
            spdxId=self.iri(f"{prefix}/license-picture"), creationInfo=self.ci,
            annotationType=self.spdx.AnnotationType.other, subject=pkg,
            statement="modellint license picture. " + "; ".join(lines) + "."))

    def serialize(self) -> str:
        spdx = self.spdx
        for n, t in enumerate(self.report.targets, 1):
            self.target(n, t, [f for f in self.report.findings if f.target == t.target])
        doc = spdx.SpdxDocument(spdxId=self.iri("document"), creationInfo=self.ci,
                                name="modellint AI-BOM")
        doc.profileConformance.extend([
            spdx.ProfileIdentifierType.core, spdx.ProfileIdentifierType.software,
            spdx.ProfileIdentifierType.ai, spdx.ProfileIdentifierType.dataset,
            spdx.ProfileIdentifierType.simpleLicensing])
        doc.rootElement.extend(self.roots)
        doc.element.extend(self.elements)
        objset = spdx.SHACLObjectSet()
        objset.add(doc)
        for element in self.elements:
            objset.add(element)
        buf = io.BytesIO()
        spdx.JSONLDSerializer().write(objset, buf, indent=2)
        return buf.getvalue().decode("utf-8")


def _purl(repo_id: str, revision: str | None) -> str:
    from packageurl import PackageURL

    namespace, _, name = repo_id.rpartition("/")
    return str(PackageURL(type="huggingface", namespace=namespace or None, name=name,
                          version=revision.lower() if revision else None))
