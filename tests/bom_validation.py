"""Validate AI-BOM documents against their official definitions, offline.

CycloneDX: cyclonedx-python-lib's strict JSON validator, with the CycloneDX JSON schemas it bundles
(bom-1.7 / bom-1.6 and the SPDX license id list they reference).

SPDX 3.0.1: no package on the index ships the official JSON schema or the SHACL model file
(spdx-tools 0.8 bundles a pre-3.0 draft of the model in other namespaces; spdx3-validate downloads
the schema and SHACL from spdx.org at run time). spdx-python-model, the SPDX project's Python
bindings generated from the 3.0.1 SHACL model, is the offline check: reading the document checks
every class, property, datatype, enumeration value and IRI; writing it back checks every required
property; every referenced spdxId must be defined. On top, the SPDX licensing rules the bindings do
not check: each license expression parses with license-expression, and each LicenseRef in it is
mapped to a licensing text element of the document.
"""

from __future__ import annotations

import io
import json
from typing import Any

SPDX_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"


def validate_cyclonedx(text: str, version: str = "1.7") -> dict[str, Any]:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    schema = {"1.7": SchemaVersion.V1_7, "1.6": SchemaVersion.V1_6}[version]
    error = JsonStrictValidator(schema).validate_str(text)
    assert error is None, f"CycloneDX {version} schema: {error}"
    doc = json.loads(text)
    assert doc["bomFormat"] == "CycloneDX" and doc["specVersion"] == version
    return doc  # type: ignore[no-any-return]


def validate_spdx3(text: str) -> dict[str, Any]:
    from spdx_python_model import v3_0_1 as spdx

    doc = json.loads(text)
    assert doc["@context"] == SPDX_CONTEXT
    objset = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().read(io.BytesIO(text.encode("utf-8")), objset)
    assert not objset.missing_ids, f"undefined spdxIds: {sorted(objset.missing_ids)[:5]}"
    spdx.JSONLDSerializer().write(objset, io.BytesIO())  # raises on a missing required property
    graph = doc["@graph"]
    documents = [e for e in graph if e["type"] == "SpdxDocument"]
    assert len(documents) == 1
    assert {"core", "software", "ai", "dataset", "simpleLicensing"} <= set(documents[0]["profileConformance"])
    check_spdx_license_ids(graph)
    return doc  # type: ignore[no-any-return]


def check_spdx_license_ids(graph: list[dict[str, Any]]) -> None:
    """Every license expression parses, with ids SPDX lists or LicenseRefs defined in the document."""
    from license_expression import get_spdx_licensing

    licensing = get_spdx_licensing()
    texts = {e["spdxId"] for e in graph if e["type"] == "simplelicensing_SimpleLicensingText"}
    for e in graph:
        if e["type"] != "simplelicensing_LicenseExpression":
            continue
        expression = e["simplelicensing_licenseExpression"]
        refs = {d["key"]: d["value"] for d in e.get("simplelicensing_customIdToUri", [])}
        parsed = licensing.parse(expression, validate=False)
        for symbol in licensing.license_symbols(parsed, unique=True):
            key = str(symbol.key)
            if key.startswith("LicenseRef-"):
                assert key in refs and refs[key] in texts, f"{key} is not defined in the document"
            else:
                info = licensing.validate(key)
                assert not info.errors, f"{key!r} in {expression!r} is not an SPDX id: {info.errors}"
