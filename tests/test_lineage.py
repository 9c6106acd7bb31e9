"""Lineage facts (declared bases, resolution, walk), inherited use restrictions and policy config.
The examples under examples/ are checked, every finding exactly, by tests/test_examples.py."""

from __future__ import annotations

import pytest

from modellint.checks.lineage import inherited_use_restrictions
from modellint.config import ConfigError, Settings, load_profile, parse_settings
from modellint.facts import WeightFile
from modellint.facts.card import parse_card
from modellint.facts.lineage import (
    ResolvedBase,
    clear_cache,
    gguf_bases,
    resolve_lineage,
    table_lookup,
)


def card(text: str):
    return parse_card("README.md", text)


class FakeHub:
    """A resolver over a dict of base cards, counting lookups (the real one is the Hub source)."""

    cache_key = "fake-hub"

    def __init__(self, cards: dict[str, dict | None]) -> None:
        self.cards = cards
        self.calls: list[str] = []

    def license_of(self, model_id: str) -> ResolvedBase | None:
        self.calls.append(model_id)
        meta = self.cards.get(model_id, "missing")
        if meta == "missing":
            return ResolvedBase(model_id, error="no such model on the Hub")
        if meta is None:
            return None  # offline
        return ResolvedBase(
            model_id,
            license=tuple([meta["license"]]),
            license_name=meta.get("license_name"),
            license_link=meta.get("license_link"),
            base_models=tuple(meta.get("base_model", [])),
        )


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_cache()
    yield
    clear_cache()


def test_table_distinguishes_qwen_sizes():
    assert table_lookup("Qwen/Qwen2.5-3B-Instruct").license == "qwen-research"
    assert table_lookup("Qwen/Qwen2.5-72B-Instruct").license == "qwen-license"
    assert table_lookup("Qwen/Qwen2.5-32B-Instruct").license == "apache-2.0"
    assert table_lookup("Qwen/Qwen2.5-Coder-3B-Instruct").license == "qwen-research"
    assert table_lookup("Qwen/Qwen1.5-32B").license == "tongyi-qianwen-research"
    assert table_lookup("Qwen/Qwen1.5-32B-Chat").license == "tongyi-qianwen"
    assert table_lookup("Qwen/Qwen2-72B-Instruct").license == "tongyi-qianwen"
    assert (
        table_lookup("https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct").license
        == "llama3.3"
    )
    assert table_lookup("google/gemma-4-31b-it").license == "apache-2.0"
    assert table_lookup("google/gemma-2-9b-it").license == "gemma"
    assert table_lookup("deepseek-ai/DeepSeek-R1-Distill-Llama-8B").license == "llama3.1"
    assert table_lookup("acme/unknown") is None


def test_table_licenses_are_known_to_the_knowledge_base():
    from modellint.facts.lineage import base_model_table
    from modellint.knowledge import load_kb

    kb = load_kb()
    entries = [e for group in base_model_table().values() for e in group]
    assert len(entries) >= 30
    assert [e.license for e in entries if kb.get(e.license) is None] == []


def test_table_patterns_name_their_organisation_literally():
    """Lookups only compile the patterns of the model's organisation, so each must spell it out."""
    import re

    from modellint.facts.lineage import base_model_table

    for group in base_model_table().values():
        for entry in group:
            for pattern in entry.patterns:
                assert re.fullmatch(r"[a-z0-9._-]+/.*", pattern), pattern
                re.compile(pattern)


def test_gguf_base_keys():
    meta = {
        "general.base_model.count": 2,
        "general.base_model.0.repo_url": "https://huggingface.co/google/gemma-2-9b-it",
        "general.base_model.0.name": "Gemma 2 9b It",
        "general.base_model.1.name": "Foundation 7B",
        "general.base_model.1.organization": "Acme",
    }
    assert gguf_bases(meta) == ["google/gemma-2-9b-it", "Acme/Foundation-7B"]
    wf = WeightFile("m.gguf", "gguf", 10, metadata=meta)
    lineage = resolve_lineage(None, {}, [wf], None)
    assert [(b.model_id, b.declared_in, b.licenses) for b in lineage.bases] == [
        ("google/gemma-2-9b-it", "gguf", ("gemma",)),
        ("Acme/Foundation-7B", "gguf", ()),
    ]
    assert (lineage.relation, lineage.relation_inferred) == ("merge", True)


def test_relation_declared_inferred_and_adapter():
    c = card("---\nbase_model: [a/b, c/d]\nbase_model_relation: finetune\n---\n")
    assert resolve_lineage(c, {}, [], None).relation == "finetune"
    lin = resolve_lineage(
        None, {"adapter_config.json": {"base_model_name_or_path": "a/b"}}, [], None
    )
    assert (lin.relation, lin.bases[0].declared_in) == ("adapter", "adapter_config")
    assert resolve_lineage(card("---\nlicense: mit\n---\n"), {}, [], None).bases == ()


@pytest.mark.parametrize("name,quantized", [
    ("Meta-Llama-3.1-70B-Instruct-quantized.w4a16", True),
    ("Llama-3.2-3B-Instruct-bnb-4bit", True),
    ("Mistral-7B-Instruct-v0.2-GGUF", True),
    ("mistral-nemo-instruct-2407-awq", True),
    ("Llama-2-13B-chat-GPTQ", True),
    ("Meta-Llama-3.1-8B-Instruct-FP8", True),
    ("Qwen2-7B-Instruct-w8a8", True),
    ("phi-2-Q4_K_M", True),
    ("Llama-3.2-3B-Instruct", False),
    ("Phi-3-mini-4k-instruct", False),
    ("quantum-chemistry-bert", False),
])
def test_a_quantization_is_known_by_its_name(name, quantized):
    c = card("---\nbase_model: a/b\n---\n")
    relation = resolve_lineage(c, {}, [], None, name=name).relation
    assert relation == ("quantized" if quantized else "finetune")


def test_a_quantized_by_key_or_tag_makes_a_quantization():
    for meta in ("quantized_by: someone", "tags: [nf4]", "tags: [bitsandbytes]"):
        c = card(f"---\nbase_model: a/b\n{meta}\n---\n")
        assert resolve_lineage(c, {}, [], None, name="x").relation == "quantized", meta


def test_walk_is_depth_limited_cycle_safe_and_cached():
    hub = FakeHub(
        {
            "me/quant": {"license": "apache-2.0", "base_model": ["me/ft"]},
            "me/ft": {"license": "apache-2.0", "base_model": ["meta-llama/Llama-3.1-8B"]},
            "meta-llama/Llama-3.1-8B": {
                "license": "llama3.1",
                "base_model": ["me/quant"],
            },  # a cycle
        }
    )
    c = card("---\nbase_model: me/quant\n---\n")
    lineage = resolve_lineage(c, {}, [], hub)
    assert [(b.model_id, b.depth, b.licenses, b.source) for b in lineage.bases] == [
        ("me/quant", 1, ("apache-2.0",), "hub"),
        ("me/ft", 2, ("apache-2.0",), "hub"),
        ("meta-llama/Llama-3.1-8B", 3, ("llama3.1",), "hub"),
    ]
    resolve_lineage(c, {}, [], hub)
    assert hub.calls == ["me/quant", "me/ft", "meta-llama/Llama-3.1-8B"]  # second run: cache only
    shallow = resolve_lineage(c, {}, [], FakeHub(hub.cards), max_depth=1)
    assert [b.model_id for b in shallow.bases] == ["me/quant"]


def test_offline_hub_falls_back_to_table_and_missing_repo_is_said():
    hub = FakeHub({"meta-llama/Llama-3.1-8B": None})
    lineage = resolve_lineage(
        card("---\nbase_model: [meta-llama/Llama-3.1-8B, acme/x]\n---\n"), {}, [], hub
    )
    llama, acme = lineage.bases
    assert (llama.licenses, llama.source, llama.table_family) == (
        ("llama3.1",),
        "table",
        "Llama 3.1",
    )
    assert (acme.licenses, acme.note) == ((), "no such model on the Hub")


def test_hub_other_license_name_resolves_through_the_kb():
    hub = FakeHub({"deepseek-ai/x": {"license": "other", "license_name": "deepseek"}})
    (base,) = resolve_lineage(card("---\nbase_model: deepseek-ai/x\n---\n"), {}, [], hub).bases
    assert base.licenses == ("deepseek-license",)


def test_a_base_card_under_other_resolves_through_its_license_link():
    link = "https://github.com/meta-llama/llama-models/blob/main/models/llama3/LICENSE"
    hub = FakeHub({"acme/x": {"license": "other", "license_link": link}})
    (base,) = resolve_lineage(card("---\nbase_model: acme/x\n---\n"), {}, [], hub).bases
    assert base.licenses == ("llama3",)


def test_a_crashing_resolver_becomes_a_note():
    class Broken:
        def license_of(self, model_id):
            raise RuntimeError("boom")

    (base,) = resolve_lineage(card("---\nbase_model: acme/x\n---\n"), {}, [], Broken()).bases
    assert base.note == "lookup failed: RuntimeError: boom" and not base.resolved


def test_inherited_use_restrictions(make_facts):
    files = {
        "README.md": "---\nlicense: mit\nbase_model: CompVis/stable-diffusion-v1-4\n---\n# sd\n"
    }
    (item,) = inherited_use_restrictions(make_facts(files))
    assert (item.license_id, item.location.path, item.location.line) == (
        "creativeml-openrail-m",
        "README.md",
        3,
    )
    # referenced in the card, or shipped as a policy file: nothing inherited is missing
    files["README.md"] += "\nUse is subject to the use-based restrictions of Attachment A.\n"
    assert inherited_use_restrictions(make_facts(files)) == []
    # the own license carries pass-through restrictions itself: ML403's own part judges it
    own = {
        "README.md": "---\nlicense: openrail\n"
        "base_model: CompVis/stable-diffusion-v1-4\n---\n# sd\n"
    }
    assert inherited_use_restrictions(make_facts(own)) == []
    # Llama's acceptable use policy binds the licensee but is not a pass-through duty
    llama = {
        "README.md": "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n---\n# x\n"
    }
    assert inherited_use_restrictions(make_facts(llama)) == []
    assert [(e.id, e.detail) for e in make_facts(llama).licenses.inherited] == [
        ("llama3.1", "meta-llama/Llama-3.1-8B")]


@pytest.mark.parametrize(
    "table,message",
    [
        ({"deny": ["non-comercial"]}, "did you mean 'non-commercial'"),
        ({"weights": {"allow": "mit"}}, "must be a list of strings"),
        ({"model": {"allow": ["mit"]}}, "unknown key 'model'"),
    ],
)
def test_policy_config_errors(table, message):
    with pytest.raises(ConfigError, match=message):
        parse_settings({"policy": table}, "cfg")


def test_policy_normalises_ids_and_merges_over_profile():
    settings = parse_settings(
        {"profile": "commercial-use", "policy": {"code": {"allow": ["Apache-2.0"]}}}, "cfg"
    )
    assert settings.policy == {
        "deny": ["non-commercial", "unknown"],
        "code": {"allow": ["apache-2.0"]},
    }


@pytest.mark.parametrize("name", ["commercial-use", "open-source-ai", "permissive-only"])
def test_profiles_load(name):
    assert load_profile(name, None, Settings()).policy
