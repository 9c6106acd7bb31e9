"""Model card body parsing: headings (ATX and setext), sections, title, comments."""

from __future__ import annotations

import pytest

from modellint.facts.card import parse_card


def _headings(body: str) -> list[tuple[str, int, int]]:
    card = parse_card("README.md", "---\nlicense: mit\n---\n" + body)
    return [(s.title, s.level, s.line) for s in card.sections]


def test_atx_and_setext_headings_with_their_lines():
    body = "# Model\n\nText.\n\nTraining\n--------\n\nData.\n\nLicense\n=======\nMIT.\n"
    assert _headings(body) == [("Model", 1, 4), ("Training", 2, 8), ("License", 1, 13)]
    card = parse_card("README.md", "---\nlicense: mit\n---\n" + body)
    assert card.title == "Model" and card.section("^licen").text == "MIT."


def test_section_texts_run_to_the_next_heading():
    """Texts end where the next heading's line starts, an underline is its heading's own, and an
    underlined HTML heading reads as two headings of the same line, the first with no text."""
    card = parse_card("README.md", "---\nlicense: mit\n---\n# A\n---\none\n\n  two  \n<h2>B</h2>\n"
                      "---\nthree\nC\n===\n# D")
    assert [(s.title, s.line, s.text) for s in card.sections] == [
        ("A", 4, "one\n\n  two"), ("B", 9, ""), ("B", 9, "three"), ("C", 12, ""), ("D", 14, "")]


def test_an_underline_is_never_a_title_itself():
    assert _headings("Title\n=====\n=====\n") == [("Title", 1, 4)]


def test_a_rule_after_a_closing_fence_is_no_heading():
    assert _headings("# Use\n\n```bash\npip install x\n```\n---\n") == [("Use", 1, 4)]


def test_hashes_inside_a_fence_are_not_headings():
    assert _headings("```\n# not a heading\n```\n## Real\n") == [("Real", 2, 7)]


def test_comments_keep_their_line_numbers():
    card = parse_card("README.md", "---\nlicense: mit\n---\n# M\n\n<!-- modellint: x -->\n")
    assert card.comments == ((6, "modellint: x"),)


def test_prose_is_the_card_as_rendered():
    """Comments and fenced code are blanked, line numbers kept; a comment shown inside a fence is
    code, not a comment; an unclosed comment hides the rest, as on the Hub."""
    body = ("# M\nBuilt <!-- with Llama -->here.\n<!--\nBuilt with Llama\n-->\n```md\n"
            "<!-- modellint: ignore[ML301] reason=\"x\" -->\n# not a heading\n```\nAfter.\n<!-- open\n"
            "# hidden\n")
    card = parse_card("README.md", "---\nlicense: mit\n---\n" + body)
    assert card.prose.split("\n") == ["# M", "Built here.", "", "", "", "", "", "", "", "After.", "", ""]
    assert card.comments == ((5, "with Llama"), (6, "Built with Llama"))
    assert [s.title for s in card.sections] == ["M"]


@pytest.mark.parametrize("line", [
    "# a" + " " * 20000 + "b",  # a heading followed by a long run of spaces
    "#" + "[" * 20000,  # a heading of brackets
    "# " + "<" * 20000,
    "<!--" * 50000,  # a card of comment openers
])
def test_hostile_headings_parse_in_linear_time(line):
    import time

    start = time.perf_counter()
    parse_card("README.md", "---\nlicense: mit\n---\n" + line + "\n")
    assert time.perf_counter() - start < 1.0


def test_blank_lines_before_the_front_matter_are_allowed():
    # huggingface_hub and the Hub read such cards' metadata (scb10x/typhoon-7b's shape).
    card = parse_card("README.md", "\n\n---\nlicense: mit\nbase_model: acme/base\n---\n# M\n\nText.\n")
    assert card.has_front_matter and card.metadata == {"license": "mit", "base_model": "acme/base"}
    assert (card.front_line, dict(card.key_lines), card.body_line) == (3, {"license": 4, "base_model": 5}, 7)
    assert [(s.title, s.line) for s in card.sections] == [("M", 7)]
    broken = parse_card("README.md", "\n---\nlicense: [mit\n---\n")
    assert (broken.metadata_error_line, broken.metadata) == (4, {})  # one line later than unpadded
    assert not parse_card("README.md", "\ntext\n---\nlicense: mit\n---\n").has_front_matter
