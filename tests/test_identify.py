"""License identification: exact ids, spans and flags on texts written for these tests, and the
reference texts of the workspace (skipped when absent)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from modellint.identify import fingerprint, identify_file, identify_text
from modellint.identify.fingerprint import Entry, Index
from modellint.identify.names import canonical_id
from modellint.identify.tokens import Tokens, shingle_hashes
from tests.conftest import shared_path

# A made-up license, written for these tests, long enough to fingerprint.
HARBOR_TERMS = """
Harbor Lantern Model Terms, edition 2

1. Who may use this. Any person or organisation that receives the Harbor Lantern weights may run
them, study them, and build new systems on top of them, for any lawful purpose, subject to the
conditions below.

2. Passing it on. When you hand the weights, or a model derived from them, to someone else, you
give that person a full copy of these terms and you keep every credit line that came with the
weights. A derived model must say in its documentation which parts you trained or changed.

3. Marks. These terms do not let you use the Harbor Lantern name or logo to promote your own
product, except to say truthfully where your model came from.

4. Outputs. The text, images and sounds the model produces belong to whoever produced them with
it; the authors claim nothing in them.

5. No promises. The weights come as they are. The authors are not responsible for any harm that
follows from using them, as far as the law of your country allows.

6. Ending. If you break these terms and do not fix the breach within thirty days of notice, your
permission to use the weights ends.
"""

# A second made-up text, in Chinese, for the character n-gram path.
LANTERN_ZH = (
    "灯塔模型许可条款。任何收到本模型权重的个人或组织，均可在合法目的范围内运行、研究并在其基础上构建新系统。"
    "向他人提供权重或衍生模型时，应同时提供本条款的完整副本，并保留随权重附带的全部署名信息。"
    "衍生模型须在文档中说明所训练或修改的部分。本条款不授予使用灯塔名称或标志推广自有产品的权利。"
    "模型生成的内容归使用者所有，作者不主张任何权利。权重按现状提供，作者不对使用造成的任何损害负责。"
)


@pytest.fixture
def with_test_licenses(monkeypatch):
    """The shipped index plus two fingerprints built, by the real builder, from the texts above."""
    base = fingerprint.load_index()
    extra = [Entry.from_text("harbor-lantern-2", HARBOR_TERMS,
                             names=("Harbor Lantern Model Terms",)),
             Entry.from_text("lantern-zh", LANTERN_ZH)]
    index = Index(list(base.entries) + extra)
    monkeypatch.setattr(fingerprint, "load_index", lambda: index)
    return index


def ids(found):
    return [(f.id, f.method, f.modified) for f in found]


# --- SPDX tags, mentions, file names --------------------------------------------------------

def test_spdx_tag_gives_the_id_and_its_span():
    text = "# header\n// SPDX-License-Identifier: MIT\n"
    (found,) = identify_text(text, license_file=True)
    assert (found.id, found.method, found.confidence) == ("mit", "spdx-tag", 1.0)
    assert text[found.start:found.end] == "MIT"


@pytest.mark.parametrize("line", [
    'SPDX-License-Identifier: "MIT"', "SPDX-License-Identifier: 'MIT'",
    "<!-- SPDX-License-Identifier: MIT -->", "/* SPDX-License-Identifier: MIT */",
])
def test_spdx_tag_quotes_and_comment_marks_are_not_part_of_the_id(line):
    text = f"x\n{line}\n"
    (found,) = identify_text(text)
    assert (found.id, text[found.start:found.end]) == ("mit", "MIT")


def test_spdx_expression_is_kept_whole():
    (found,) = identify_text("SPDX-License-Identifier: Apache-2.0 OR MIT\n")
    assert found.id == "Apache-2.0 OR MIT"


def test_notice_naming_two_licenses():
    text = ("Parts of this work come under the MIT License; the remainder is distributed under "
            "the Apache License, Version 2.0.")
    found = identify_text(text)
    assert ids(found) == [("mit", "mention", False), ("apache-2.0", "mention", False)]
    assert text[found[0].start:found[0].end] == "MIT License"
    assert text[found[1].start:found[1].end] == "Apache License, Version 2.0"


def test_mention_keeps_the_version_apart():
    found = identify_text("Llama 3.1 is licensed under the Llama 3.1 Community License, "
                          "Copyright (c) Meta Platforms, Inc.")
    assert ids(found) == [("llama3.1", "mention", False)]
    assert ids(identify_text("Built on the Meta Llama 3 Community License.")) == [
        ("llama3", "mention", False)]


def test_long_license_file_that_only_mentions_a_license_is_not_given_it():
    text = "These are our own terms. " * 200 + "Unlike the MIT License, they forbid resale."
    assert identify_text(text, license_file=True) == ()
    assert ids(identify_text(text)) == [("mit", "mention", False)]


def test_policies_and_changelogs_only_count_spdx_tags():
    text = "If you use Llama 3.1 you agree to this policy (Llama 3.1 Community License)."
    assert identify_file("USE_POLICY.md", text, "policy") == ()
    assert identify_file("CHANGELOG.md", "Moved to the MIT License.", "changelog") == ()
    assert ids(identify_file("NOTICE", text, "notice")) == [("llama3.1", "mention", False)]


@pytest.mark.parametrize(("path", "expected"), [
    ("OpenAtom Model License.pdf", "openatom-model-license-1.0"),
    ("LICENSE-llama3.1", "llama3.1"),
    ("weights/LICENSE-llama3.1.pdf", "llama3.1"),
    ("LICENSE.pdf", None),
    ("LICENSE-MODEL", None),
    ("LICENSE.openmdw", None),  # the version is not in the name
])
def test_file_name_identifies_unreadable_files(path, expected):
    found = identify_file(path, None, "license")
    assert [(f.id, f.method) for f in found] == ([(expected, "filename")] if expected else [])


def test_prose_without_license_holds_none():
    text = ("This model answers questions about gardening. It was trained for three days and "
            "is small enough for a laptop. Please report problems on the issue tracker.")
    assert identify_text(text, license_file=True) == ()
    assert identify_text("") == ()
    assert identify_text("   \n") == ()


# --- fingerprints -------------------------------------------------------------------------

def test_layout_and_markdown_do_not_change_tokens():
    plain = "Permission is granted, free of charge, to any person."
    styled = "**Permission** is  granted,\n free of charge,\nto any _person_!"
    assert Tokens(plain).words == Tokens(styled).words
    assert shingle_hashes(Tokens(plain).words) == shingle_hashes(Tokens(styled).words)


def test_cjk_characters_are_single_tokens():
    assert Tokens("许可证 License 第一版").words == ["许", "可", "证", "license", "第", "一", "版"]


def test_exact_text_is_identified_unmodified(with_test_licenses):
    (found,) = identify_text(HARBOR_TERMS, license_file=True)
    assert (found.id, found.method, found.modified, found.confidence) == (
        "harbor-lantern-2", "fingerprint", False, 1.0)
    assert HARBOR_TERMS[found.start:].startswith("Harbor Lantern")


def test_reflowed_markdown_copy_is_still_exact(with_test_licenses):
    styled = "# " + HARBOR_TERMS.replace("\n", " ").replace("Passing it on.", "**Passing it on.**")
    assert ids(identify_text(styled, license_file=True)) == [
        ("harbor-lantern-2", "fingerprint", False)]


def test_altered_text_is_flagged_modified(with_test_licenses):
    altered = HARBOR_TERMS.replace(
        "for any lawful purpose", "for research only and never for money or in any product "
        "that is sold, rented, licensed or offered as a service to paying customers, and only "
        "after written approval from the authors, which they may refuse for any reason")
    altered = altered.split("5. No promises.")[0]
    (found,) = identify_text(altered, license_file=True)
    assert (found.id, found.method, found.modified) == ("harbor-lantern-2", "fingerprint", True)
    assert 0.4 <= found.confidence < 0.9
    assert altered[found.start:].startswith("Harbor Lantern")


def test_two_licenses_in_one_file(with_test_licenses):
    text = HARBOR_TERMS + "\n\n----- Chinese version -----\n\n" + LANTERN_ZH
    found = identify_text(text, license_file=True)
    assert ids(found) == [("harbor-lantern-2", "fingerprint", False),
                          ("lantern-zh", "fingerprint", False)]
    assert found[0].end <= found[1].start
    assert text[found[1].start:found[1].end] == LANTERN_ZH[:len(LANTERN_ZH) - 1]


def test_other_chinese_text_is_not_the_license(with_test_licenses):
    other = ("本项目用于天气预报研究。模型每天更新一次，"
             "数据来自公开的气象站。如有问题请联系维护者。") * 3
    assert identify_text(other, license_file=True) == ()


def test_lint_reports_ml204_on_an_altered_license(with_test_licenses, make_repo, run_lint):
    altered = HARBOR_TERMS.split("4. Outputs.")[0] + "4. Outputs belong to the authors.\n"
    repo = make_repo({"README.md": "---\nlicense: other\n---\n", "LICENSE": altered,
                      "LICENSE-CODE": HARBOR_TERMS})
    report = run_lint(repo, select=("ML203", "ML204"))
    got = [(f.code, f.path, f.line, f.severity.value) for f in report.active()]
    assert got == [("ML204", "LICENSE", 15, "warning")]  # where the text departs from the terms
    finding = report.active()[0]
    data = finding.data
    assert set(data) == {"license", "similarity", "changes"}
    assert data["license"] == "harbor-lantern-2"
    assert 0.4 <= data["similarity"] < 0.9  # altered, yet recognisably the license
    assert [(c["kind"], c["line"], c.get("passage")) for c in data["changes"]] == [
        ("changed", 15, "belong to the authors.")]
    assert finding.message == (
        'the text is `harbor-lantern-2` with sections "5. No promises" and "6. Ending" replaced '
        'by "belong to the authors." (73 words, at line 15)')


# --- the workspace's reference texts ------------------------------------------------------

def _corpus():
    sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
    import corpus

    return corpus


def test_every_reference_text_is_identified():
    shared_path("license-texts")
    corpus = _corpus()
    wrong = []
    texts = list(corpus.reference_texts())
    assert len(texts) >= 40  # the whole folder was read, not an empty listing
    for name, header, text in texts:
        found = identify_text(text, license_file=True)
        expected = canonical_id(corpus.hub_id(header["key"]))
        if [(f.id, f.modified) for f in found] != [(expected, False)]:
            wrong.append((name, ids(found)))
    assert wrong == []


def test_realworld_license_files_hold_what_a_reader_finds():
    shared_path("realworld")
    corpus = _corpus()
    wrong = []
    for rel, expected in corpus.REALWORLD_EXPECTED.items():
        role = "notice" if rel.rsplit("/", 1)[-1].startswith("NOTICE") else "license"
        text = (corpus.REALWORLD / rel).read_text(encoding="utf-8")
        found = identify_file(rel, text, role)
        want = {canonical_id(e) for e in expected}
        if {f.id for f in found} != want or any(f.modified for f in found):
            wrong.append((rel, ids(found)))
    assert wrong == []


def test_a_real_license_with_a_clause_cut_is_modified():
    path = shared_path("realworld", "meta-llama__llama-models", "models", "llama3_1", "LICENSE")
    text = path.read_text(encoding="utf-8")
    cut = text[: len(text) // 2] + "\nYou may not use the Llama Materials commercially.\n"
    (found,) = identify_text(cut, license_file=True)
    assert (found.id, found.modified) == ("llama3.1", True)


def test_a_name_whose_plus_signs_tokens_drop_names_nothing():
    """"CreativeML OpenRAIL-M" must not read as Open RAIL++-M: tokens drop the "++", so the
    sibling's names with "+" in them name no license in prose."""
    from modellint.identify.names import find_mentions
    from modellint.identify.tokens import Tokens

    found = [lid for lid, _, _ in find_mentions(Tokens("under the CreativeML OpenRAIL-M").joined())]
    assert "openrail++" not in found
