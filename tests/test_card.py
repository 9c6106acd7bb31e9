"""Model card body parsing: headings (ATX and setext), sections, title, comments."""

from __future__ import annotations

from modellint.facts.card import parse_card


def _headings(body: str) -> list[tuple[str, int, int]]:
    card = parse_card("README.md", "---\nlicense: mit\n---\n" + body)
    return [(s.title, s.level, s.line) for s in card.sections]


def test_atx_and_setext_headings_with_their_lines():
    body = "# Model\n\nText.\n\nTraining\n--------\n\nData.\n\nLicense\n=======\nMIT.\n"
    assert _headings(body) == [("Model", 1, 4), ("Training", 2, 8), ("License", 1, 13)]
    card = parse_card("README.md", "---\nlicense: mit\n---\n" + body)
    assert card.title == "Model" and card.section("^licen").text == "MIT."


def test_an_underline_is_never_a_title_itself():
    assert _headings("Title\n=====\n=====\n") == [("Title", 1, 4)]


def test_a_rule_after_a_closing_fence_is_no_heading():
    assert _headings("# Use\n\n```bash\npip install x\n```\n---\n") == [("Use", 1, 4)]


def test_hashes_inside_a_fence_are_not_headings():
    assert _headings("```\n# not a heading\n```\n## Real\n") == [("Real", 2, 7)]


def test_comments_keep_their_line_numbers():
    card = parse_card("README.md", "---\nlicense: mit\n---\n# M\n\n<!-- modellint: x -->\n")
    assert card.comments == ((6, "modellint: x"),)
