"""Property-based tests for the text-side parsers: whatever the bytes, no exception escapes.

(The weight-header parsers have their own in tests/test_weights_fuzz.py.)
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modellint.classify import classify
from modellint.facts import extract
from modellint.facts.card import parse_card, parse_front_matter
from modellint.facts.text import decode
from modellint.identify import identify_file, identify_text
from modellint.licensing import declared
from modellint.model import TargetInfo
from modellint.snapshot import MemorySnapshot, parse_lfs_pointer

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
yaml_ish = st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#\n \t,?%@`0123456789")), max_size=300)


@FAST
@given(st.binary(max_size=2048))
def test_decode_never_raises(data):
    text, problem = decode(data)
    assert text is not None or problem


@FAST
@given(yaml_ish)
def test_front_matter_parser_never_raises(text):
    value, error, line = parse_front_matter(text)
    assert error is None or isinstance(error, str)
    assert line is None or line >= 1


@FAST
@given(st.text(max_size=1500))
def test_card_parser_never_raises(text):
    card = parse_card("README.md", text)
    assert all(s.line >= 1 for s in card.sections)


@FAST
@given(yaml_ish)
def test_card_with_random_front_matter(body):
    card = parse_card("README.md", "---\n" + body + "\n---\n# t\n")
    assert card.metadata_error is None or card.metadata == {}


@FAST
@given(st.binary(max_size=400))
def test_lfs_pointer_parser(data):
    pointer = parse_lfs_pointer(b"version https://git-lfs.github.com/spec/v1\n" + data)
    assert pointer is None or (len(pointer.oid) == 64 and pointer.size >= 0)


@FAST
@given(st.text(max_size=3000))
def test_identification_never_raises(text):
    for found in identify_text(text) + tuple(identify_file("LICENSE", text)):
        assert 0 <= found.start <= found.end <= len(text)
        assert 0.0 <= found.confidence <= 1.0


@FAST
@given(st.text(min_size=1, max_size=80))
def test_classify_never_raises(path):
    classify(path)


license_values = st.one_of(st.text(max_size=40), st.lists(st.text(max_size=20), max_size=5),
                           st.integers(), st.none(), st.dictionaries(st.text(max_size=5), st.text(max_size=5)))


@FAST
@given(license_values, st.one_of(st.none(), st.text(max_size=30)), st.one_of(st.none(), st.text(max_size=30)))
def test_whole_extraction_and_declared_licenses(license_value, name, link):
    import yaml

    meta = {"license": license_value, "license_name": name, "license_link": link, "base_model": name}
    card = "---\n" + yaml.safe_dump(meta) + "---\n# model\n"
    snap = MemorySnapshot(TargetInfo(".", "local", "/x"), {"README.md": card.encode(), "LICENSE": b"x"})
    facts = extract(snap)
    for item in declared(facts):
        assert item.form in ("hub-id", "spdx", "alias", "other", "unknown", "invalid")


@FAST
@given(st.text(alphabet=st.sampled_from(list("Licence lICENSE–_.,-'s2 İß许可证ライセンス\u3040\uac00")),
               max_size=60) | st.text(max_size=60))
def test_normalised_phrases_are_the_tokens_joined(text):
    """normalise_phrase takes a shortcut past Tokens' spans; it must give the same words."""
    from modellint.identify.tokens import Tokens, normalise_phrase

    assert normalise_phrase(text) == " ".join(Tokens(text).words)
