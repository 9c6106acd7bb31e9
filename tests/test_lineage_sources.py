"""Where base licenses come from: the audit's own targets (batch), the local card index, the
offline table; and the lineage facts read from prose and names."""

import json
import os
from pathlib import Path

import pytest

from modellint.cardindex import CardEntry, CardIndex, build_batch, cards_in, entry_from_card, front_matter, write_index
from modellint.facts.lineage import ChainResolver, clear_cache
from modellint.facts.lineage_text import family_in, name_mention, prose_mentions
from tests.conftest import run_cli


def clone(root: Path, hub_id: str, card: str) -> Path:
    """A folder laid out like a clone of hub_id: the card, and a .git whose origin is the Hub."""
    folder = root / hub_id
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text(
        f'[remote "origin"]\n\turl = https://huggingface.co/{hub_id}\n')
    (folder / "README.md").write_text(card)
    return folder


BASE_CARD = "---\nlicense: cc-by-nc-4.0\nbase_model: acme/root\n---\n# base\n"
CHILD_CARD = "---\nlicense: mit\nbase_model: acme/base-7b\n---\n# child\n"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def test_front_matter_only_and_broken_cards():
    assert front_matter("---\nlicense: mit\n---\n# body: [x\n") == {"license": "mit"}
    assert front_matter("# no front matter\n") == {}
    assert front_matter("---\nlicense: [unclosed\n---\n") == {}
    assert front_matter("---\nlicense: mit\n") == {}  # never closed


def test_index_round_trip_and_lookup_is_case_insensitive(tmp_path):
    path = str(tmp_path / "i.sqlite")
    entries = [entry_from_card("Acme/Base-7B", BASE_CARD, "a.md"),
               CardEntry("acme/other", ("other",), "acme-license", "LICENSE", (), None)]
    assert write_index(path, entries) == 2
    index = CardIndex(path, "index")
    got = index.license_of("acme/base-7b")
    assert (got.model_id, got.license, got.base_models, got.source) == (
        "Acme/Base-7B", ("cc-by-nc-4.0",), ("acme/root",), "index")
    assert index.license_of("acme/missing") is None
    assert len(index) == 2


def test_a_corrupt_index_answers_nothing(tmp_path):
    path = tmp_path / "bad.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    assert CardIndex(str(path), "index").license_of("acme/base") is None


def test_chain_answers_with_the_first_resolver_that_knows(tmp_path):
    first, second = str(tmp_path / "1.sqlite"), str(tmp_path / "2.sqlite")
    write_index(first, [CardEntry("acme/nolicense", (), None, None, (), None)])
    write_index(second, [CardEntry("acme/nolicense", ("mit",), None, None, (), None),
                         CardEntry("acme/b", ("apache-2.0",), None, None, (), None)])
    chain = ChainResolver([CardIndex(first, "batch"), CardIndex(second, "index")])
    assert chain.license_of("acme/nolicense").source == "index"  # the first had no license
    assert chain.license_of("acme/b").license == ("apache-2.0",)
    assert chain.license_of("acme/none") is None


def test_cards_in_reads_collections_clones_and_cache_folders(tmp_path):
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "acme_base-7b.md").write_text(BASE_CARD)
    clone(tmp_path / "clones", "acme/child", CHILD_CARD)
    snap = tmp_path / "hub" / "models--acme--cached" / "snapshots" / "abc"
    snap.mkdir(parents=True)
    (snap / "README.md").write_text("---\nlicense: apache-2.0\n---\n")
    found = sorted(repo for folder in ("cards", "clones", "hub")
                   for repo, _ in cards_in(str(tmp_path / folder)))
    assert found == ["acme/base-7b", "acme/cached", "acme/child"]


def test_batch_indexes_local_targets_with_a_hub_id(tmp_path):
    base = clone(tmp_path, "acme/base-7b", BASE_CARD)
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "README.md").write_text(CHILD_CARD)  # no Hub id: nothing to resolve from it
    path = build_batch([str(base), str(plain), "hf://acme/remote"], str(tmp_path / "cache"))
    assert path is not None and CardIndex(path, "batch").license_of("acme/base-7b") is not None
    assert len(CardIndex(path, "batch")) == 1
    assert build_batch([str(plain)], str(tmp_path / "cache")) is None


def test_a_batch_lists_cards_and_reads_a_base_only_when_asked(tmp_path):
    import sqlite3

    base = clone(tmp_path, "acme/base-7b", BASE_CARD)
    other = clone(tmp_path, "acme/other", CHILD_CARD)
    gone = clone(tmp_path, "acme/gone", BASE_CARD)
    (gone / "README.md").unlink()
    (gone / "README.md").mkdir()  # a card that cannot be read is not listed
    path = build_batch([str(base), str(other), str(gone)], str(tmp_path / "cache"))
    assert path is not None
    with sqlite3.connect(path) as db:  # where each card is, nothing parsed yet
        rows = db.execute("SELECT id, license, base_models, path FROM cards ORDER BY id").fetchall()
    assert rows == [("acme/base-7b", None, None, str(base / "README.md")),
                    ("acme/other", None, None, str(other / "README.md"))]
    index = CardIndex(path, "batch")
    expected = entry_from_card("acme/base-7b", BASE_CARD, str(base / "README.md"))
    assert index.get("ACME/Base-7B") == expected
    assert expected.license == ("cc-by-nc-4.0",) and expected.base_models == ("acme/root",)
    # Parsed once per process: a later lookup answers from what was read, not the file.
    (base / "README.md").write_text(CHILD_CARD)
    assert index.get("acme/base-7b") == expected
    # A listed card gone by the time it is asked for answers nothing (no crash).
    (other / "README.md").unlink()
    assert index.get("acme/other") is None
    assert index.license_of("acme/other") is None
    assert index.get("acme/gone") is None


def test_a_batch_found_by_worker_processes_is_the_one_found_here(tmp_path):
    # Three chunks of cards found by two forked processes: the same rows, and a later copy of
    # an id still wins over an earlier one (the chunks are written in the targets' order).
    import sqlite3

    from modellint.cardindex import BATCH_CHUNK

    targets = []
    for n in range(2 * BATCH_CHUNK + 40):
        hub_id = "acme/dup" if n in (3, BATCH_CHUNK + 7) else f"acme/m{n}"
        targets.append(str(clone(tmp_path / f"copy{n}", hub_id, CHILD_CARD)))
    tables = []
    for workers in (1, 2):
        path = build_batch(targets, str(tmp_path / f"cache{workers}"), workers=workers)
        assert path is not None
        with sqlite3.connect(path) as db:
            tables.append(db.execute("SELECT * FROM cards ORDER BY id").fetchall())
    assert tables[0] == tables[1] and len(tables[0]) == 2 * BATCH_CHUNK + 39
    dup = [row for row in tables[1] if row[0] == "acme/dup"]
    assert dup[0][-1] == str(tmp_path / f"copy{BATCH_CHUNK + 7}" / "acme/dup" / "README.md")


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_an_audit_resolves_a_base_that_is_one_of_its_targets(tmp_path, executor):
    base = clone(tmp_path / "t", "acme/base-7b", BASE_CARD)
    child = clone(tmp_path / "t", "acme/child", CHILD_CARD)
    env = {**os.environ, "MODELLINT_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    proc = run_cli("check", str(child), str(base), "--select", "ML502,ML504", "--format", "json",
                   "--executor", executor, "-j", "2", env=env)
    report = json.loads(proc.stdout)
    found = [(f["code"], Path(f["target"]).name) for f in report["findings"]]
    assert ("ML502", "child") in found
    message = next(f["message"] for f in report["findings"] if f["code"] == "ML502")
    assert "licensed `cc-by-nc-4.0`" in message
    assert "the base's card among this audit's targets" in message
    # The base's own base (acme/root), read from the base's card in the batch, is in no source.
    unresolved = sorted((Path(f["target"]).name, f["message"].split(" could not")[0])
                        for f in report["findings"] if f["code"] == "ML504")
    assert unresolved == [("base-7b", "the license of base model 'acme/root'"),
                          ("child", "the license of base model 'acme/root' (the base of "
                                    "'acme/base-7b')")]
    assert not list((tmp_path / "cache" / "batches").iterdir())  # the batch index went away
    # Alone, the child cannot see its base.
    alone = run_cli("check", str(child), "--select", "ML502,ML504", "--format", "json", env=env)
    assert [f["code"] for f in json.loads(alone.stdout)["findings"]] == ["ML504"]


def test_index_command_builds_the_local_index_a_scan_then_reads(tmp_path):
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "acme_base-7b.md").write_text(BASE_CARD)
    child = clone(tmp_path / "t", "acme/child", CHILD_CARD)
    env = {**os.environ, "MODELLINT_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    built = run_cli("index", "build", str(cards), env=env)
    assert built.returncode == 0, built.stderr
    assert "indexed 1 card(s)" in built.stderr
    shown = run_cli("index", "show", "ACME/base-7b", env=env)
    assert json.loads(shown.stdout)["license"] == ["cc-by-nc-4.0"]
    assert run_cli("index", "show", "acme/nothing", env=env).returncode == 1
    proc = run_cli("check", str(child), "--select", "ML502", "--format", "json", env=env)
    [finding] = json.loads(proc.stdout)["findings"]
    assert "the base's card in the local card index" in finding["message"]


def test_index_build_needs_something_to_index(tmp_path):
    env = {**os.environ, "MODELLINT_CACHE_DIR": str(tmp_path / "cache")}
    proc = run_cli("index", "build", env=env)
    assert proc.returncode == 2 and "--hub-cache" in proc.stderr


# ---- prose and names ----


@pytest.mark.parametrize("text,family", [
    ("Llama-2-7b-chat", "Llama 2"), ("llama2_13b", "Llama 2"), ("Meta-Llama-3-8B", "Llama 3"),
    ("Llama-3.1-8B", "Llama 3.1"), ("Llama-3_1-Nemotron", "Llama 3.1"), ("CodeLlama-70B", "Code Llama"),
    ("gemma-2-9b-it", "Gemma"), ("Mistral-7B-v0.1", "Mistral / Mixtral (Apache-2.0 releases)"),
    ("Qwen2.5-3B-Instruct", "Qwen 2.5 3B (research license)"),
    ("Qwen2.5-7B-Instruct", "Qwen 2 / 2.5 / 3 (Apache-2.0 sizes)"),
    ("FLUX.1-dev-LoRA", "FLUX.1 [dev]"), ("flux1-schnell", "FLUX.1 [schnell]"),
    ("animagine-sdxl", "Stable Diffusion XL"), ("sd15-lora", "Stable Diffusion 1.x"),
    ("llama-7b-hf", "LLaMA 1"),
])
def test_family_names(text, family):
    found = family_in(text, names_only=True)
    assert found is not None and found[0].family == family


@pytest.mark.parametrize("text", ["TinyLlama-1.1B", "open_llama_7b", "long_llama_3b",
                                  "llama.cpp", "Codellama-3-8B-x", "mistralite", "qwenvl"])
def test_not_family_names(text):
    found = family_in(text, names_only=True)
    assert found is None or found[0].family not in ("LLaMA 1", "Llama 3", "Code Llama")


def test_llama1_needs_its_spelling_in_prose():
    assert [m.family for m in prose_mentions("Finetuned from model: [LLaMA](x)", 5)] == ["LLaMA 1"]
    assert prose_mentions("This is based on Llama, the model family.", 5) == []


def test_prose_mentions_carry_kind_relation_and_line():
    prose = ("Intro.\n\nThis is a GGUF format model files for "
             "[Meta's Llama 2 7B](https://huggingface.co/meta-llama/Llama-2-7b-hf).\n")
    [m] = prose_mentions(prose, 10)
    assert (m.kind, m.model_id, m.relation, m.line) == (
        "prose-link", "meta-llama/Llama-2-7b-hf", "quantized", 12)


def test_test_models_with_random_weights_are_no_derivatives():
    assert name_mention("tiny-random-Llama-3") is None
    assert name_mention("Llama-3-8B-Instruct-abliterated").family == "Llama 3"


def test_prose_scan_is_linear_on_hostile_lines():
    import time

    hostile = ("fine-tuned from " + "Llama " * 20000 + "\n") * 3 + "based on " + "[" * 100000
    start = time.process_time()
    prose_mentions(hostile, 1)
    assert time.process_time() - start < 2.0


def test_every_family_pattern_needs_a_name_stem():
    """lineage.NAME_STEMS lets a scan skip the family patterns for names without any stem: each
    family must be spelt with one of them."""
    from modellint.facts.lineage import NAME_STEMS
    from modellint.facts.lineage_text import families

    for fam in families():
        if fam.in_names:
            for alternative in fam.pattern.pattern.split("|(?:"):
                assert NAME_STEMS.search(alternative.replace("-?", "")), (fam.family, alternative)


@pytest.mark.parametrize("card,relation", [
    ("---\nbase_model: black-forest-labs/FLUX.1-dev\ntags:\n- lora\n---\n", "adapter"),
    ("---\nbase_model: mistralai/Mistral-7B-v0.1\nlibrary_name: peft\n---\n", "adapter"),
    ("---\nbase_model: mistralai/Mistral-7B-v0.1\ntags:\n- gguf\n---\n", "quantized"),
    ("---\nbase_model: mistralai/Mistral-7B-v0.1\n---\n", "finetune"),
    ("---\nlicense: mit\n---\n\nThis is a merge of [a/b](https://huggingface.co/a/b).\n", "merge"),
])
def test_relation_from_metadata_and_prose(make_facts, card, relation):
    facts = make_facts({"README.md": card})
    assert (facts.lineage.relation, facts.lineage.relation_inferred) == (relation, True)


# ---- the split layout: LICENSE for the code beside MODEL_LICENSE for the weights ----

LINEAGE_AND_FIELD_RULES = ("ML107", "ML108", "ML109", "ML110", "ML202", "ML502", "ML504", "ML506")


def _chatglm_layout(make_repo, card: str):
    from tests.conftest import shared_path

    texts = shared_path("realworld", "THUDM__ChatGLM-6B")
    return make_repo({"README.md": card, "LICENSE": (texts / "LICENSE").read_text(),
                      "MODEL_LICENSE": (texts / "MODEL_LICENSE").read_text()})


@pytest.mark.parametrize("card", [
    # THUDM/chatglm3-6b's front matter: no license field; the prose scopes the two files.
    "---\nlanguage:\n- zh\ntags:\n- chatglm\n---\n# ChatGLM3-6B\n\n## License\n\nThe code in this "
    "repository is open source under the Apache-2.0 license; the ChatGLM3-6B model weights are "
    "used under the [Model License](MODEL_LICENSE).\n",
    "---\nlicense: other\nlicense_name: chatglm-6b-license\nlicense_link: MODEL_LICENSE\n---\n"
    "# ChatGLM-6B\n",
])
def test_split_layout_raises_no_lineage_or_field_finding(make_repo, run_lint, card):
    repo = _chatglm_layout(make_repo, card)
    report = run_lint(repo)
    assert [f.code for f in report.active() if f.code in LINEAGE_AND_FIELD_RULES] == []


def test_a_fine_tune_of_the_split_layout_model_is_judged_on_the_weights_terms(make_repo, run_lint):
    """A derivative in the same layout inherits the weights' license (MODEL_LICENSE), not the
    code's Apache-2.0: the prose naming ChatGLM is checked against chatglm's terms only when a
    source gives them, and the code license never counts as the base's."""
    card = ("---\nlicense: other\nlicense_name: chatglm-6b-license\nlicense_link: MODEL_LICENSE\n"
            "base_model: THUDM/chatglm-6b\n---\n# chatglm-ft\n\nThis model is a fine-tuned version "
            "of [THUDM/chatglm-6b](https://huggingface.co/THUDM/chatglm-6b).\n")
    repo = _chatglm_layout(make_repo, card)
    report = run_lint(repo)
    codes = [f.code for f in report.active() if f.code in LINEAGE_AND_FIELD_RULES]
    assert codes == ["ML504"]  # chatglm-6b is in no offline source: said, not guessed


def test_no_batch_index_when_caching_is_off(tmp_path, monkeypatch):
    base = clone(tmp_path, "acme/base-7b", BASE_CARD)
    monkeypatch.setenv("MODELLINT_CACHE_DIR", "")
    assert build_batch([str(base)]) is None
