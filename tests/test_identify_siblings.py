"""Sibling licenses: two licenses built from one template are told apart by the passages that
differ, both ways, and a text that follows a known template under a name modellint does not
know is never given the known license's id with full confidence.

The texts are real license files of ``shared/realworld`` (skipped without it). Where only one
side of a pair is there, the other is rebuilt from it by the passages that differ between the
two published texts (names, the clause one has and the other lacks), as read in the public
copies named in ``tests/benchmarks/corpus.py``; a rebuilt text must then match that license's
fingerprint exactly, which it only does when the rebuild is word for word.
"""

from __future__ import annotations

import pytest

from modellint.identify import identify_text
from tests.conftest import shared_path

STABILITY = ("Stability-AI__generative-models", "model_licenses")


def realworld(*parts: str) -> str:
    return shared_path("realworld", *parts).read_text(encoding="utf-8")


def one(text: str):
    (found,) = identify_text(text, license_file=True)
    return found


def sure(text: str) -> tuple[str, float, bool, tuple[str, ...]]:
    f = one(text)
    return f.id, f.confidence, f.modified, f.candidates


def chatglm2_from_chatglm() -> str:
    """ChatGLM2-6B's MODEL_LICENSE: ChatGLM-6B's with the model's name changed and without the
    older text's exclusion of later models (in both languages)."""
    text = realworld("THUDM__ChatGLM-6B", "MODEL_LICENSE")
    text = text.replace("（不包括二代模型 ChatGLM2-6B 以及后续模型）", "")
    text = text.replace(" (does not include the second-generation model ChatGLM2-6B and "
                        "subsequent models)", "")
    return text.replace("ChatGLM-6B", "ChatGLM2-6B")


def deepfloyd_from_sdxl() -> str:
    """DeepFloyd IF's LICENSE-MODEL: the SDXL 0.9 research license with DeepFloyd's names."""
    text = realworld(*STABILITY, "LICENSE-SDXL0.9")
    head, rest = text.split("This License Agreement", 1)
    text = "DEEPFLOYD IF LICENSE AGREEMENT\n\nThis License Agreement" + rest
    text = text.replace("“SDXL 0.9 is licensed under the SDXL Research License",
                        "“DeepFloyd is licensed under the DeepFloyd License")
    return text


def test_chatglm_and_chatglm2_each_way():
    assert sure(realworld("THUDM__ChatGLM-6B", "MODEL_LICENSE")) == (
        "chatglm-6b-license", 1.0, False, ())
    assert sure(chatglm2_from_chatglm()) == ("chatglm2-6b-license", 1.0, False, ())


def test_sdxl_research_and_deepfloyd_each_way():
    assert sure(realworld(*STABILITY, "LICENSE-SDXL0.9")) == ("sdxl-0.9-research", 1.0, False, ())
    assert sure(deepfloyd_from_sdxl()) == ("deepfloyd-if-license", 1.0, False, ())


@pytest.mark.parametrize(("name", "expected"), [
    ("LICENSE-SDXL-Turbo", "stabilityai-nc-research-community"),
    ("LICENCE-SD-Turbo", "stabilityai-nc-research-community"),
    ("LICENSE-SV3D", "stabilityai-nc-community"),
    ("LICENSE-SVD", "stable-video-diffusion-nc-community"),
])
def test_stability_non_commercial_community_licenses_each_way(name, expected):
    assert sure(realworld(*STABILITY, name)) == (expected, 1.0, False, ())


def test_openrail_m_and_rail_plus_plus_each_way():
    assert sure(realworld("CompVis__stable-diffusion", "LICENSE")) == (
        "creativeml-openrail-m", 1.0, False, ())
    assert sure(realworld(*STABILITY, "LICENSE-SDXL1.0")) == ("openrail++", 1.0, False, ())


def test_openrail_m_with_the_update_clause_cut_is_not_rail_plus_plus():
    """CreativeML Open RAIL-M differs from RAIL++-M by clauses, not names: a copy that lost one
    of its own clauses is an altered RAIL-M, not RAIL++-M."""
    text = realworld("CompVis__stable-diffusion", "LICENSE")
    cut = text.replace("You shall undertake reasonable efforts to use the latest version of the "
                       "Model.", "")
    assert cut != text
    found = one(cut)
    assert (found.id, found.modified) == ("creativeml-openrail-m", True)
    assert found.confidence < 1.0


def test_tongyi_research_and_a_qwen_research_text_each_way():
    tongyi = realworld("QwenLM__Qwen", "Tongyi Qianwen RESEARCH LICENSE AGREEMENT")
    assert sure(tongyi) == ("tongyi-qianwen-research", 1.0, False, ())
    # The Tongyi research template under the Qwen Research License's name: the text names a
    # license the knowledge base knows, so that one is reported, short of full confidence, with
    # the template's license among the candidates.
    qwen = tongyi.replace("Tongyi Qianwen", "Qwen")
    found = one(qwen)
    assert found.id == "qwen-research"
    assert found.confidence < 1.0
    assert found.candidates[:2] == ("qwen-research", "tongyi-qianwen-research")
    assert all(c.renames for c in found.changes)


def test_a_template_under_an_unknown_name_is_never_the_known_license():
    text = realworld("THUDM__ChatGLM-6B", "MODEL_LICENSE").replace("ChatGLM-6B", "NovaLM-9B")
    found = one(text)
    assert found.modified and found.confidence < 0.5  # below what the rules take as evidence
    assert "chatglm-6b-license" in found.candidates
    assert found.changes and all(c.renames for c in found.changes)
    assert {text[c.start:c.end] for c in found.changes} == {"NovaLM-9B"}


def test_a_template_under_another_name_with_a_clause_of_its_own_is_not_sure_either():
    """ChatGLM-6B's template renamed, with a non-commercial clause added (as CharacterGLM-6B's
    license is built): a sibling, so below the rules' threshold whatever else it changed."""
    text = realworld("THUDM__ChatGLM-6B", "MODEL_LICENSE").replace("ChatGLM-6B", "NovaLM-9B")
    text = text.replace("royalty-free copyright license to use the Software.",
                        "royalty-free copyright license to use the Software solely for your "
                        "non-commercial research purposes.")
    found = one(text)
    assert (found.id, found.modified) == ("chatglm-6b-license", True)
    assert found.confidence < 0.5
    assert any(c.renames for c in found.changes) and not all(c.renames for c in found.changes)


def _mit() -> str:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
    import corpus

    _, text = corpus.split_scancode(shared_path("license-texts", "mit.LICENSE").read_text())
    return text


def test_mit_and_the_json_license_each_way():
    """The JSON license is MIT with one sentence added: each is itself, never the other."""
    mit = _mit()
    json_text = mit.replace("substantial portions of the Software.\n",
                            "substantial portions of the Software.\n\n"
                            "The Software shall be used for Good, not Evil.\n", 1)
    assert json_text != mit
    assert sure(mit) == ("mit", 1.0, False, ())
    assert sure(json_text) == ("json", 1.0, False, ())
