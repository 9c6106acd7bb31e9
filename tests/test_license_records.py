"""The OpenMDW and OpenAtom records against the license texts they summarise.

Each fact the comparison states (scope of the grant, datasets and trade secrets, outputs, hosted
services, language) is checked against a short phrase of the text it rests on; the texts live in
../shared (development workspace only), so these tests skip without it.
"""

from __future__ import annotations

import re

import pytest

from modellint.knowledge import load_kb
from tests.conftest import shared_path


def _text(*parts: str) -> str:
    return " ".join(shared_path(*parts).read_text(encoding="utf-8").split())


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def test_openmdw_10_record_matches_its_text(kb):
    text = _text("license-texts", "openmdw-1.0.txt")
    lic = kb.get("openmdw-1.0")
    assert "(including architecture and parameters)" in text
    assert "(including associated data, documentation and software)" in text
    assert {"weights", "architecture", "data", "documentation", "code"} <= lic.grants
    assert "copyright, patent, database, and trade secret rights" in text
    assert lic.rights == ("copyright", "patent", "database", "trade-secret")
    assert "does not impose any restrictions or obligations with respect to any use" in text
    assert lic.outputs == "no-claim"
    assert "hosted" not in text.lower() and "service" not in text.lower()
    assert lic.hosted_note.startswith("No hosted-service clause")
    assert "infringe any patent, then" in text
    assert "governed" not in text.lower() and lic.governing_law == "none stated"
    assert lic.languages == ("en",)
    assert lic.obligations.license_copy and not lic.obligations.state_changes


def test_openmdw_11_differs_from_10_only_in_name_and_termination(kb):
    old = _text("license-texts", "openmdw-1.0.txt")
    new = _text("realworld", "NVIDIA__cosmos", "LICENSE")
    assert re.sub(r"1\.0", "1.1", old).replace("patent, then", "patent or copyright, then") == new
    assert "patent or a copyright" in kb.get("openmdw-1.1").patent_note
    assert "copyright" not in kb.get("openmdw-1.0").patent_note


def test_openatom_record_matches_its_text(kb):
    text = _text("license-texts", "openatom-model-license-1.0.txt")
    lic = kb.get("openatom-model-license-1.0")
    assert "weights, biases and checkpoints" in text
    assert "the accompanying Data" in text and "model architecture description" in text
    assert {"weights", "architecture", "data", "documentation", "code"} <= lic.grants
    assert "Grant of Other Intellectual Property Rights License" in text
    assert "except trademark right as explicitly excluded" in text
    assert "trade secret" not in text.lower() and "database" not in text.lower()
    assert lic.rights == ("copyright", "patent", "other-ip")
    assert "Licensor claims no rights in the Output" in text and lic.outputs == "no-claim"
    assert "Item (1) and (3) in this section shall not apply" in text
    assert "keep the notices and use it lawfully" in lic.hosted_note
    assert "Chinese version shall prevail" in text and lic.languages == ("zh", "en")
    assert "prominent notices stating that You modified the files" in text
    assert lic.obligations.state_changes and lic.obligations.license_copy
