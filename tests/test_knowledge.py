"""The license knowledge base: strict loading, coverage of the Hub list, ids that exist."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from modellint.knowledge import KBError, load_dir, load_kb
from tests.conftest import ROOT, shared_path

RECORDS = ROOT / "rules" / "licenses"


def _scancode_index() -> dict[str, dict]:
    import license_expression

    path = Path(license_expression.__file__).parent / "data" / "scancode-licensedb-index.json"
    return {e["license_key"]: e for e in json.loads(path.read_text(encoding="utf-8"))}


def test_every_hub_id_has_a_record():
    kb = load_kb()
    hub = kb.hub_ids()
    assert len(hub) == 83  # the Hub's list (hub-docs repositories-licenses.md, 2026-08-22)
    for hub_id in ("apache-2.0", "openrail", "openrail++", "cc", "odc-by", "gfdl", "lgpl-lr",
                   "llama4", "grok2-community", "openmdw-1.1", "apple-amlr", "other", "unknown"):
        assert hub_id in hub and kb.get(hub_id).hub_id == hub_id
    assert kb.get("other").kind == "meta" and kb.get("unknown").kind == "meta"
    assert {kb.get(f).kind for f in ("openrail", "cc", "bsd", "gpl", "lgpl", "gfdl")} == {"family"}


def test_license_other_cases_are_covered():
    kb = load_kb()
    for lic_id in ("openatom-model-license-1.0", "tongyi-qianwen", "tongyi-qianwen-research",
                   "qwen-license", "qwen-research", "deepseek-license", "mistral-research",
                   "mistral-non-production", "nvidia-open-model", "falcon-llm", "falcon-180b-tii",
                   "stability-ai-community", "faipl-1.0-sd", "flux-1-dev-non-commercial-license",
                   "stabilityai-nc-research-community", "stabilityai-nc-community",
                   "stable-video-diffusion-nc-community", "sdxl-0.9-research",
                   "microsoft-research-license", "yi-license", "chatglm-6b-license", "glm-4",
                   "llama-license-2023", "coqui-public-model-license", "falcon-mamba-license"):
        lic = kb.get(lic_id)
        assert lic is not None and lic.hub_id is None and lic.kind == "model", lic_id


def test_scancode_and_spdx_ids_exist_in_the_bundled_index():
    index = _scancode_index()
    spdx_keys = {e["spdx_license_key"].lower() for e in index.values() if e["spdx_license_key"]}
    # Added to SPDX after the index that license-expression 30.4.4 bundles.
    newer_than_index = {"openmdw-1.0"}
    for lic in load_kb().all():
        if lic.scancode:
            assert lic.scancode in index, f"{lic.path}: scancode {lic.scancode!r}"
            assert not index[lic.scancode]["is_deprecated"], lic.path
        if lic.spdx and lic.spdx.lower() not in newer_than_index:
            assert lic.spdx.lower() in spdx_keys, f"{lic.path}: spdx {lic.spdx!r}"
            assert not lic.spdx.startswith("LicenseRef-"), lic.path


def test_records_state_their_verification():
    for lic in load_kb().all():
        assert lic.sources, lic.path
        if not lic.verified:
            assert lic.notes and "unverified" in (lic.notes + (lic.outputs_note or "")).lower() \
                or "not read" in lic.notes.lower(), lic.path


@pytest.mark.parametrize("value,expected", [
    ("Apache-2.0", "apache-2.0"), ("APACHE-2.0", "apache-2.0"), ("apache 2.0", "apache-2.0"),
    ("bsd-new", "bsd-3-clause"), ("LicenseRef-scancode-llama-3.1-license-2024", "llama3.1"),
    ("llama-4-cla-2025", "llama4"), ("GPL-3.0-or-later", "gpl-3.0"), ("GPL-2.0+", "gpl-2.0"),
    ("google-gemma-terms-of-use", "gemma"), ("tongyi-qianwen", "tongyi-qianwen"),
    ("qwen", "qwen-license"), ("qwen-research", "qwen-research"), ("deepseek", "deepseek-license"),
    ("deepseek-license", "deepseek-license"), ("mrl", "mistral-research"),
    ("MNPL", "mistral-non-production"), ("falcon-llm-license", "falcon-llm"),
    ("LicenseRef-OpenMDW-1.0", "openmdw-1.0"), ("OpenMDW-1.0", "openmdw-1.0"),
    ("  Llama 3.1 Community License Agreement ", "llama3.1"),
    ("CC-BY-NC-SA-4.0", "cc-by-nc-sa-4.0"),
    ("boost-1.0", "bsl-1.0"), ("stable-diffusion-2022-08-22", "creativeml-openrail-m"),
    # license_name spellings seen in real Hub cards with `license: other`
    ("faipl-1.0-sd", "faipl-1.0-sd"), ("fair-ai-public-license-1.0-sd", "faipl-1.0-sd"),
    ("LicenseRef-scancode-fair-ai-public-1.0-sd", "faipl-1.0-sd"),
    ("flux-1-dev-non-commercial-license", "flux-1-dev-non-commercial-license"),
    ("flux-dev-license", "flux-1-dev-non-commercial-license"),
    ("microsoft-research-license", "microsoft-research-license"),
    ("msrla", "microsoft-research-license"), ("glm-4", "glm-4"), ("yi-license", "yi-license"),
    ("sai-nc-community", "stabilityai-nc-research-community"),
    ("stable-cascade-nc-community", "stabilityai-nc-research-community"),
    ("stabilityai-nc-research-community", "stabilityai-nc-research-community"),
    ("stabilityai-ai-community", "stability-ai-community"),
    ("stable-video-diffusion-community", "stable-video-diffusion-nc-community"),
    ("coqui-public-model-license", "coqui-public-model-license"),
    ("falcon-mamba-7b-license", "falcon-mamba-license"),
    ("llama-license-2023", "llama-license-2023"), ("chatglm-6b-license", "chatglm-6b-license"),
])
def test_resolve(value, expected):
    lic = load_kb().resolve(value)
    assert lic is not None and lic.id == expected


@pytest.mark.parametrize("value", ["", "apache", "llama", "LicenseRef-", "not-a-license"])
def test_resolve_misses(value):
    assert load_kb().resolve(value) is None


def test_key_obligations():
    kb = load_kb()
    llama = kb.get("llama3.1").obligations
    assert llama.notice_text.startswith(
        "Llama 3.1 is licensed under the Llama 3.1 Community License")
    assert (llama.display_phrase, llama.name_prefix) == ("Built with Llama", "Llama")
    assert kb.get("llama3").obligations.name_prefix == "Llama 3"
    gemma = kb.get("gemma")
    assert gemma.obligations.pass_through and gemma.obligations.state_changes
    assert "weights" in gemma.grants and gemma.outputs == "no-claim"
    assert kb.get("cc-by-nc-nd-4.0").obligations.no_derivatives
    assert kb.get("qwen-research").obligations.research_only
    assert "weights" not in kb.get("mit").grants and kb.get("mit").kind == "software"
    assert kb.get("openatom-model-license-1.0").obligations.state_changes


def test_model_licenses_the_identifier_returns_have_records():
    fingerprints = json.loads((ROOT / "modellint" / "identify" / "fingerprints.json").read_text(
        encoding="utf-8"))["licenses"]
    kb = load_kb()
    missing = {e["id"] for e in fingerprints if kb.resolve(e["id"]) is None}
    assert missing <= {"apple-sscl"}, missing  # a sample-code license, not a model's


def test_non_commercial_and_copyleft_model_licenses():
    kb = load_kb()
    for lic_id in ("flux-1-dev-non-commercial-license", "stabilityai-nc-research-community",
                   "stable-video-diffusion-nc-community", "llama-license-2023",
                   "coqui-public-model-license", "microsoft-research-license"):
        assert kb.get(lic_id).obligations.non_commercial, lic_id
    faipl = kb.get("faipl-1.0-sd")
    assert faipl.obligations.share_alike and faipl.obligations.use_restrictions
    assert not faipl.obligations.non_commercial and faipl.outputs == "no-claim"
    assert kb.get("llama-license-2023").obligations.research_only
    assert kb.get("coqui-public-model-license").outputs == "restricted"
    assert kb.get("flux-1-dev-non-commercial-license").obligations.notice_text.startswith(
        "The FLUX.1 [dev] Model is licensed by Black Forest Labs")


def test_records_from_the_cache_equal_records_checked_from_toml(tmp_path, monkeypatch):
    """Cached records are built unchecked; they must be the very records that the strict TOML
    path builds (which is what a run without a fresh copy gets)."""
    monkeypatch.setenv("MODELLINT_CACHE_DIR", str(tmp_path / "cache"))
    from_toml = load_dir(RECORDS)  # parsed, checked, cached
    assert list((tmp_path / "cache" / "records").glob("licenses-*.marshal"))
    monkeypatch.setattr("modellint.records.parse_records", _no_parsing)
    from_copy = load_dir(RECORDS)
    assert [lic.id for lic in from_copy.all()] == [lic.id for lic in from_toml.all()]
    assert from_copy.all() == from_toml.all()
    assert len(from_toml.all()) == len(list(RECORDS.glob("*.toml")))


def test_an_invalid_record_is_refused_and_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("MODELLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("modellint.records.SETTLE_NS", 0)
    d = _copy(tmp_path)
    rec = d / "mit.toml"
    rec.write_text(rec.read_text().replace('kind = "software"', 'kind = "softwear"'))
    with pytest.raises(KBError, match="mit.toml: field 'kind': 'softwear' is not one of"):
        load_dir(d)
    assert not (tmp_path / "cache" / "records").exists()


def test_an_edited_record_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setenv("MODELLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("modellint.records.SETTLE_NS", 0)
    d = _copy(tmp_path)
    assert load_dir(d).get("mit").name == "MIT License"
    rec = d / "mit.toml"
    rec.write_text(rec.read_text().replace('name = "MIT License"', 'name = "MIT (edited)"'))
    assert load_dir(d).get("mit").name == "MIT (edited)"


def _no_parsing(directory):
    raise AssertionError(f"{directory} was parsed, not read from its cached copy")


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "licenses"
    shutil.copytree(RECORDS, d)
    return d


GOOD = RECORDS / "mit.toml"


def _bad(tmp_path: Path, edit, name: str = "mit.toml") -> str:
    d = tmp_path / "licenses"
    d.mkdir()
    (d / name).write_text(edit(GOOD.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(KBError) as exc:
        load_dir(d)
    return str(exc.value)


@pytest.mark.parametrize("edit,file,field", [
    (lambda t: 'colour = "red"\n' + t, "mit.toml", "colour"),
    (lambda t: t + 'colour = "red"\n', "mit.toml", "identify.colour"),
    (lambda t: t.replace('kind = "software"', 'kind = "program"'), "mit.toml", "kind"),
    (lambda t: t.replace('grants = ["code", "documentation"]', 'grants = ["code", "recipes"]'),
     "mit.toml", "grants"),
    (lambda t: t.replace("license_copy = true", 'license_copy = "yes"'), "mit.toml",
     "obligations.license_copy"),
    (lambda t: t.replace("license_copy = true", "licence_copy = true"), "mit.toml",
     "obligations.licence_copy"),
    (lambda t: t.replace('outputs = "silent"', 'outputs = "free"'), "mit.toml", "outputs"),
    (lambda t: t.replace('name = "MIT License"\n', ""), "mit.toml", "name"),
    (lambda t: t.replace('verified = true', 'verified = "true"'), "mit.toml", "verified"),
    (lambda t: t.replace('[identify]', '[identify]\nmin_phrases = 5'), "mit.toml",
     "identify.min_phrases"),
    (lambda t: t.replace('aliases = [', 'aliases = [3, '), "mit.toml", "aliases"),
    (lambda t: t.replace('id = "mit"', 'id = "MIT"'), "mit.toml", "id"),
    (lambda t: t.replace('id = "mit"', 'id = "isc"'), "mit.toml", "id"),
])
def test_loader_errors_name_file_and_field(tmp_path, edit, file, field):
    message = _bad(tmp_path, edit)
    assert message.startswith(f"licenses/{file}: field {field!r}"), message


def test_unknown_field_suggests(tmp_path):
    message = _bad(tmp_path, lambda t: t.replace('summary =', 'sumary ='))
    assert "did you mean 'summary'" in message


def test_toml_syntax_error_names_file(tmp_path):
    message = _bad(tmp_path, lambda t: t + "broken = [\n")
    assert message.startswith("licenses/mit.toml: ")


def test_duplicate_alias_across_records(tmp_path):
    d = tmp_path / "licenses"
    d.mkdir()
    shutil.copy(GOOD, d / "mit.toml")
    isc = (RECORDS / "isc.toml").read_text().replace('aliases = ["isc license"]',
                                                     'aliases = ["isc license", "Expat"]')
    (d / "isc.toml").write_text(isc)
    with pytest.raises(KBError, match=r"^licenses/mit\.toml: field 'aliases': 'expat' already "
                                      r"names isc \(licenses/isc\.toml\)"):
        load_dir(d)


def test_load_is_fast():
    import time

    load_kb.cache_clear()
    start = time.perf_counter()
    load_kb()
    elapsed = time.perf_counter() - start
    assert elapsed < 0.1, elapsed  # ~5 ms on a quiet machine; generous for loaded CI


def test_phrases_appear_in_canonical_texts():
    texts = shared_path("license-texts")
    by_scancode = {lic.scancode: lic for lic in load_kb().all() if lic.scancode}
    checked = 0
    for path in sorted(texts.iterdir()):
        lic = by_scancode.get(path.name.rsplit(".", 1)[0])
        if lic is None:  # e.g. openatom-model-license-1.0.txt: no ScanCode key
            lic = load_kb().get(path.name.rsplit(".", 1)[0])
        if lic is None or (lic.scancode and lic.scancode != path.name.rsplit(".", 1)[0]):
            continue
        text = _norm(path.read_text(encoding="utf-8", errors="replace"))
        hits = [p for p in lic.identify.phrases if _norm(p) in text]
        assert len(hits) >= lic.identify.min_phrases, (path.name, lic.identify.phrases)
        checked += 1
    assert checked >= 40


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\"'`]", "", text).lower().split())


def test_records_are_plain_files():
    names = sorted(p.name for p in RECORDS.iterdir() if p.suffix == ".toml")
    assert len(names) == len(load_kb()) and all(os.sep not in n for n in names)


def test_holders_are_hub_organisations_of_model_licenses():
    kb = load_kb()
    held = {lic.id: lic.holders for lic in kb.all() if lic.holders}
    assert held["llama3.1"] == ("meta-llama",) and held["gemma"] == ("google",)
    assert held["qwen-license"] == ("qwen",)  # written "Qwen", matched lower-cased
    for lid, orgs in held.items():
        assert kb.get(lid).kind == "model", lid  # template licenses (MIT, RAIL) have no one holder
        for org in orgs:
            assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", org), (lid, org)
