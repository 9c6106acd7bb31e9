"""The card front-matter loader gives exactly what ``yaml.safe_load`` gives, made JSON-friendly."""

from __future__ import annotations

import pytest
import yaml

from modellint.facts.card import MAX_YAML_DEPTH, MAX_YAML_NODES, parse_front_matter
from modellint.facts.yamlload import TooBig, load
from tests.conftest import shared_path


def reference(text: str):
    def plain(v):
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v if v is None or isinstance(v, (str, int, float, bool)) else str(v)

    return plain(yaml.safe_load(text))


DOCUMENTS = [
    "license: apache-2.0\ntags: [a, b]\n",
    "n: 0x1F\no: 017\ns: 1_000\nf: 1.5e3\ninf: .inf\nb: yes\nn2: ~\nd: 2024-01-02\n"
    "t: 2001-12-14t21:59:43.10-05:00\nq: 'yes'\n",
    "2: two\ntrue: t\nnull: n\n2024-01-01: day\n",
    "a: -0.0\nb: 1.5E+3\nc: 1.0e+400\nd: 007\ne: 10\nf: +5\ng: 1_0.5\nh: 0\ni: -.5\nj: 1:30\nk: [no, On, ~, '']\n",
    "base: &b {license: mit, tags: [x]}\nuse: *b\nagain: *b\n",
    "defaults: &d {a: 1}\nmerged:\n  <<: *d\n  b: 2\n",  # merge key: the standard path
    "s: !!set {a, b}\n",
    "bin: !!binary aGVsbG8=\n",
    "- a\n- b\n",
    "just a string",
    "dup: 1\ndup: 2\n",
    "",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_same_value_as_safe_load(text):
    assert load(text, MAX_YAML_NODES, MAX_YAML_DEPTH) == reference(text)


def test_alias_bomb_and_recursion_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    with pytest.raises(TooBig):
        load(bomb, MAX_YAML_NODES, MAX_YAML_DEPTH)
    with pytest.raises(TooBig):
        load("&a [*a]", MAX_YAML_NODES, MAX_YAML_DEPTH)
    with pytest.raises(TooBig):
        load("[" * 300 + "]" * 300, MAX_YAML_NODES, MAX_YAML_DEPTH)
    assert parse_front_matter("&a [*a]")[1] == (
        "front matter is too deeply nested or expands to too many nodes")


def test_errors_keep_their_message_and_line():
    assert parse_front_matter("a: 1\nb: [\n")[1:] == (
        "invalid YAML: did not find expected node content", 3)
    assert parse_front_matter("? [a]\n: 1\n")[1].startswith("invalid YAML: found unhashable key")
    assert parse_front_matter("x: !!python/object:os.system {}\n")[1].startswith(
        "invalid YAML: could not determine a constructor")


def test_every_real_card_reads_as_safe_load_does():
    cards = sorted(shared_path("hf-cards", "cards").glob("*.md"))
    compared = 0
    for path in cards:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if not lines or lines[0].strip() != "---":
            continue
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            continue
        text = "\n".join(lines[1:end])
        try:
            expected = reference(text)
        except (yaml.YAMLError, ValueError, TypeError):
            continue
        assert load(text, MAX_YAML_NODES, MAX_YAML_DEPTH) == expected, path.name
        compared += 1
    assert compared > 3000
