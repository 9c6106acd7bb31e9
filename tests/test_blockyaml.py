"""The plain-block reader gives what libyaml gives, or gives up; never a different value."""

from __future__ import annotations

import random

import pytest
import yaml

from modellint.facts import blockyaml, yamlload
from modellint.facts.card import MAX_YAML_DEPTH, MAX_YAML_NODES, parse_front_matter
from tests.test_yamlload import reference


def libyaml_reference(text: str):
    """What PyYAML's libyaml loader gives (it differs from the pure-Python one on some errors)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _plain(yaml.load(text, Loader=loader))


def _plain(v):
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v if v is None or isinstance(v, (str, int, float, bool)) else str(v)

CARD = """\
license: apache-2.0
language:
- en
- fr
tags:
  - text-generation
  - 'quoted: tag'
base_model: "org/base-7b"
pipeline_tag: text-generation
library_name: transformers
inference: true
widget:
- text: "Hello"
  example_title: Greeting
model-index:
- name: m
  results:
  - task:
      type: text-generation
    metrics:
    - type: accuracy
      value: 0.875
      verified: false
    - type: f1
      value: 71
# a comment line
extra_gated_fields:
  Company: text
  I agree to the terms: checkbox
released: 2024-01-02
version: 017
flag: yes
nothing:
"""


def read(text: str):
    return blockyaml.read(text, MAX_YAML_NODES, MAX_YAML_DEPTH, yamlload._IMPLICIT, yamlload._typed)


@pytest.mark.parametrize("text", [
    "license: mit\ntags:\n- a\n- b\n",
    "a:\n  b:\n    c: 1.5\n  d: -2\n",
    "a:\n  -   k: 1\n      j: 2\n  - k: 3\n",
    "a: 'it''s'\nb: \"x y\"\nc: ''\n",
    "a:\n-\n- x\n",
    "   a: 1\n   b: 2\n",
    "a: 1:30\nb: 0x1F\nc: .inf\nd: ~\ne: On\nf: 2001-12-14t21:59:43.10-05:00\n",
])
def test_reads_plain_block_yaml_as_libyaml_does(text):
    assert read(text) is not None
    assert read(text) == reference(text)


@pytest.mark.parametrize("text", [
    "a: [x, [y]]\n", "a: {b: 1}\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n",
    "a: >\n  text\n", "a: [x, , y]\n", "a: [x,\n  y]\n", "a: [b: c]\n", "a: [x] # c\n", "a: [-x]\n",
    "a: [http://x]\n", "a: ['x, y']\n", "a: b\n  continued\n", "a: b # comment\n", "a: \"esc\\n\"\n", "a:\tb\n",
    "yes: 1\n", "null: 1\n", "<<: {a: 1}\n", "- a\n- b\n", "a: b: c\n", "a: 2024-13-45\n",
    "a: 1\n  b: 2\n", "a:\n  - b\n  c: d\n", "? a\n: b\n", "a: -\n", "%YAML 1.1\n---\na: 1\n",
    "a: b\u2028c\n", "a: \x85\n", "k" * 1100 + ": v\n", "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 260)),
])
def test_gives_up_on_anything_else(text):
    assert read(text) is None


def test_mutated_front_matter_reads_as_libyaml_does():
    """Random edits of a card's front matter: whenever the subset reader answers, libyaml agrees;
    parse_front_matter (either path) gives libyaml's value, or an error exactly when it fails."""
    rnd = random.Random(18)
    pieces = [" ", "  ", "- ", ":", ": ", "#", " #", "'", '"', "''", "\\", "\t", "?", "[", "{", ",",
              "&a", "*a", "!", "|", ">", "yes", "017", "0x1F", "-1", "~", "2024-13-45", "<<", "=",
              "\u2028", "\ufeff", "\xa0", "---", "%", "@", "`", "\n", "\n  ", "\n- ", "\na: ", "9" * 30]
    answered = 0
    base = CARD.split("\n")
    for _ in range(1500):
        lines = list(base)
        for _ in range(rnd.randint(1, 3)):
            j = rnd.randrange(len(lines))
            p = rnd.randint(0, len(lines[j]))
            if rnd.random() < 0.6:
                lines[j] = lines[j][:p] + rnd.choice(pieces) + lines[j][p:]
            else:
                lines[j] = " " * rnd.randint(0, 4) + lines[j].lstrip(" ")
        text = "\n".join(lines)
        try:
            expected = libyaml_reference(text)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            expected = None
            assert read(text) is None
            assert parse_front_matter(text)[1] is not None
            continue
        value = read(text)
        if value is not None:
            answered += 1
            assert value == expected, text
        if isinstance(expected, dict):
            assert parse_front_matter(text)[0] == expected, text
    assert answered > 150  # the subset is the common case, not a corner


@pytest.mark.parametrize("text", [
    "a: 1.5\nb: 007.5\nc: 10\nd: 0\ne: 017\nf: 1.\ng: 00\nh: 1_000\ni: 123456789012345678901234\n"
    "j: 1.5e3\nk: 1.0e+3\nl: 0.0\nm: 09\nn: 1.2.3\no: 12:30\np: 2024-01-02\nq: 1e5\nr: 3.\n",
    "type: a\ntype : b\ntype:\n  x: 1\nname:  spaced  \nk.v/x-y z: 1\n",
])
def test_numbers_and_repeated_keys_read_exactly_as_libyaml_does(text):
    """Types too (1 is not 1.0, nor True): compared by repr, which == would not tell apart. The
    second read goes through the memo of keys already seen."""
    for _ in range(2):
        value = read(text)
        assert value is not None
        assert repr(value) == repr(libyaml_reference(text))


@pytest.mark.parametrize("text", [
    # One-line flow sequences of scalars, typed as PyYAML types them.
    "a: []\nb: [ ]\nc: [x]\nd: [x, y z,  w ]\ne: [1, 2.5, yes, ~, null, 017, 'q', \"d\", '']\n",
    "a:\n- [x, y]\n- []\nb: [it's, a\"b, 'it''s']\n",
    "a: [ a , b ]\nb: [1.5,2]\nc: [yes, No, on, 0x1F, 1_000, .inf, 2024-01-02]\nm:\n- name: x\n  tags: [a, b]\n",
])
def test_flow_sequences_read_as_libyaml_does(text):
    value = read(text)
    assert value is not None
    assert repr(value) == repr(libyaml_reference(text))


def test_flow_items_count_against_the_node_budget():
    """The mapping, its key, the sequence and its 50 items: 53 nodes, as libyaml's path counts."""
    text = "a: [" + ", ".join(["x"] * 50) + "]\n"
    assert blockyaml.read(text, 53, MAX_YAML_DEPTH, yamlload._IMPLICIT, yamlload._typed) is not None
    assert blockyaml.read(text, 52, MAX_YAML_DEPTH, yamlload._IMPLICIT, yamlload._typed) is None
    yamlload._Builder(53, MAX_YAML_DEPTH).build(yaml.compose(text, Loader=yamlload._Loader), 0)
    with pytest.raises(yamlload.TooBig):
        yamlload._Builder(52, MAX_YAML_DEPTH).build(yaml.compose(text, Loader=yamlload._Loader), 0)
