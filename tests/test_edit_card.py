"""Editing a card in place (modellint.edit.card) and writing edits safely (modellint.edit)."""

from __future__ import annotations

import os
import stat

import pytest

from modellint.edit import ChangeSet, EditError
from modellint.edit.card import CardDoc
from tests.conftest import shared_path

CARD = """---
# Card metadata, kept by hand
language:
  - en   # English only
license: "Apache 2.0"  # as the authors wrote it
tags: [chat, 'fine-tuned']
# the base this was trained from
base_model: meta-llama/Llama-3.1-8B
model-index:
  - name: demo
    results:
       - task: {type: text-generation}
---
# Demo

Body text.
"""


def test_untouched_card_renders_byte_for_byte():
    for text in (CARD, CARD.replace("\n", "\r\n"), "\ufeff" + CARD, "# no front matter\n",
                 "---\nlicense: mit\n---", ""):
        assert CardDoc(text).render() == text


def test_an_edit_rewrites_only_the_keys_it_touches():
    doc = CardDoc(CARD)
    doc.set("license", "other")
    doc.set("license_name", "openmdw-1.0", after="license")
    doc.add_to_list("base_model", "acme/other-base")
    assert doc.render() == CARD.replace(
        'license: "Apache 2.0"  # as the authors wrote it\n',
        'license: "other"       # as the authors wrote it\nlicense_name: openmdw-1.0\n').replace(
        "base_model: meta-llama/Llama-3.1-8B\n",
        "base_model:\n  - meta-llama/Llama-3.1-8B\n  - acme/other-base\n")


def test_remove_and_append_keep_the_rest():
    doc = CardDoc(CARD)
    doc.remove("tags")
    doc.set("datasets", ["acme/web"])
    out = doc.render()
    assert "tags:" not in out and out.count("# the base this was trained from") == 1
    assert out.endswith("       - task: {type: text-generation}\ndatasets:\n  - acme/web\n---\n"
                        "# Demo\n\nBody text.\n")


@pytest.mark.parametrize(("front", "expected"), [
    ("{}", "license: mit\n"),
    ("{tags: [a]}", "{tags: [a], license: mit}\n"),
])
def test_a_flow_mapping_front_matter_is_rewritten_whole(front, expected):
    doc = CardDoc(f"---\n{front}\n---\n# m\n")
    doc.set("license", "mit")
    assert doc.render() == f"---\n{expected}---\n# m\n"


def test_crlf_and_bom_survive_an_edit():
    doc = CardDoc("\ufeff" + CARD.replace("\n", "\r\n"))
    doc.set("license", "mit")
    out = doc.render()
    assert out.startswith("\ufeff---\r\n") and "\n" not in out.replace("\r\n", "")
    assert 'license: "mit"' in out


def test_front_matter_is_added_to_a_card_without_one():
    doc = CardDoc("# Title\n\nText.\n")
    doc.set("license", "mit")
    doc.add_paragraph_under_title("**Built with Llama**")
    doc.append_section("Outputs", "We claim none.")
    assert doc.render() == ("---\nlicense: mit\n---\n# Title\n\n**Built with Llama**\n\nText.\n\n"
                            "## Outputs\n\nWe claim none.\n")


def test_a_section_after_an_unclosed_code_block_closes_it_first():
    doc = CardDoc("# T\n\n```bibtex\n@misc{x}\n")
    doc.append_section("Outputs", "Ours.")
    assert doc.render() == "# T\n\n```bibtex\n@misc{x}\n```\n\n## Outputs\n\nOurs.\n"
    assert [title for _, _, title in doc.headings()] == ["T", "Outputs"]


def test_headings_inside_code_fences_are_not_sections():
    doc = CardDoc("# T\n\n```\n# not a heading\n```\n## Real\n")
    assert [(level, title) for _, level, title in doc.headings()] == [(1, "T"), (2, "Real")]


@pytest.mark.parametrize(("text", "message"), [
    ("---\nlicense: [\n---\n", "the front matter is not valid YAML"),
    ("---\na: 1\na: 2\n---\n", "the front matter repeats a key (line 3); remove the duplicate"),
    ("---\n- a\n---\n", "the front matter is not a mapping"),
    ("---\nlicense: mit\n", "the front matter is never closed"),
])
def test_broken_front_matter_is_refused_with_one_line(text, message):
    with pytest.raises(EditError) as info:
        CardDoc(text)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_changeset_diff_and_apply(tmp_path):
    (tmp_path / "README.md").write_text("a\nb\n")
    os.chmod(tmp_path / "README.md", 0o640)
    changes = ChangeSet(str(tmp_path))
    changes.write("README.md", "a\nc\n", "edit")
    changes.write("NOTICE", "n", "new")
    assert changes.diff() == ("--- /dev/null\n+++ b/NOTICE\n@@ -0,0 +1 @@\n+n\n"
                              "\\ No newline at end of file\n"
                              "--- a/README.md\n+++ b/README.md\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n")
    assert (tmp_path / "README.md").read_text() == "a\nb\n"  # nothing written yet
    assert changes.apply() == ["NOTICE", "README.md"]
    assert (tmp_path / "README.md").read_text() == "a\nc\n"
    assert stat.S_IMODE(os.stat(tmp_path / "README.md").st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["NOTICE", "README.md"]


def test_changeset_never_writes_through_links_or_outside(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "LICENSE").symlink_to(outside)
    changes = ChangeSet(str(repo))
    for path, message in (("LICENSE", "symbolic link"), ("../outside.txt", "not a path inside"),
                          ("/etc/passwd", "symbolic link")):
        if path.startswith("/"):
            (repo / "etc").symlink_to("/etc")
            path = "etc/passwd"
        with pytest.raises(EditError) as info:
            changes.write(path, "x", "no")
        assert message in str(info.value)
    assert outside.read_text() == "keep"


def test_real_cards_round_trip_and_edit_only_the_license_lines():
    """On real Hub cards: untouched cards come back byte for byte, and setting `license` plus
    adding `license_name` changes no other line (a sample; the whole corpus is measured by
    tests/benchmarks/card_edits.py)."""
    import difflib

    folder = shared_path("hf-cards", "cards")
    names = sorted(os.listdir(folder))[::40]
    edited = 0
    for name in names:
        text = (folder / name).read_text(encoding="utf-8", errors="replace")
        try:
            doc = CardDoc(text)
        except EditError:
            continue
        assert doc.render() == text, name
        if not isinstance(doc.get("license"), str):
            continue
        doc.set("license", "apache-2.0")
        doc.set("license_name", "x-license", after="license")
        changed = [line for line in difflib.unified_diff(text.splitlines(), doc.render().splitlines(),
                                                         n=0, lineterm="")
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert all(line[1:].startswith("license") for line in changed), (name, changed)
        edited += 1
    assert edited > 50


def test_blank_lines_before_the_front_matter_are_kept_and_no_second_one_is_added():
    doc = CardDoc("\n\n---\nlicense: mit\n---\n# m\n")
    assert doc.data["license"] == "mit"
    doc.set("license_name", "x", after="license")
    assert doc.render() == "\n\n---\nlicense: mit\nlicense_name: x\n---\n# m\n"
    assert CardDoc("\n\n---\nlicense: mit\n---\n# m\n").render() == "\n\n---\nlicense: mit\n---\n# m\n"
