"""Altered license texts: what was added, removed or replaced, where, and what it restricts.

The canonical texts are the workspace's reference texts (ScanCode's records in
``shared/license-texts``); each test skips without them. Every alteration is written here, so the
expected passage and line are known exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from modellint.identify import identify_text
from tests.conftest import shared_path

NC = "The Software may not be used for any commercial purpose."


def reference(name: str) -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
    import corpus

    _, text = corpus.split_scancode(shared_path("license-texts", name).read_text(encoding="utf-8"))
    return text


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def one(text: str):
    (found,) = identify_text(text, license_file=True)
    return found


def passage(text: str, change) -> str:
    return text[change.start:change.end]


def test_mit_with_a_commercial_ban_inserted_reports_the_sentence_and_its_line():
    mit = reference("mit.LICENSE")
    text = ("MIT License\n\nCopyright (c) 2024 Acme Corp.\n\n"
            + mit.replace("the following conditions:\n", f"the following conditions:\n\n{NC}\n", 1))
    found = one(text)
    assert (found.id, found.modified, found.restrictions) == ("mit", True, ("non-commercial",))
    assert found.candidates == ()
    (change,) = found.changes
    assert (change.kind, passage(text, change), change.restrictions) == (
        "added", NC, ("non-commercial",))
    assert text[:change.start].count("\n") + 1 == line_of(text, NC)
    assert 0.9 < found.confidence < 1.0


def test_mit_with_the_ban_appended_after_the_disclaimer():
    mit = reference("mit.LICENSE")
    text = mit.rstrip() + "\n\n" + NC + "\n"
    found = one(text)
    (change,) = found.changes
    assert (found.id, found.modified, change.kind, passage(text, change)) == (
        "mit", True, "added", NC)
    assert change.restrictions == ("non-commercial",)


def test_apache_with_a_field_of_use_restriction_added():
    apache = reference("apache-2.0.LICENSE")
    anchor = "Work and such Derivative Works in Source or Object form."
    added = "The Work may only be used in medical devices and never for military purposes."
    text = apache.replace(anchor, f"{anchor}\n      {added}", 1)
    found = one(text)
    assert (found.id, found.modified) == ("apache-2.0", True)
    (change,) = found.changes
    assert (change.kind, passage(text, change)) == ("added", added)
    assert text[:change.start].count("\n") + 1 == line_of(text, added)
    assert change.restrictions == ("field-of-use",)
    assert found.restrictions == ("field-of-use",)


def test_apache_without_its_patent_section_names_the_section():
    apache = reference("apache-2.0.LICENSE")
    start = apache.index("   3. Grant of Patent License.")
    end = apache.index("   4. Redistribution.")
    text = apache[:start] + apache[end:]
    found = one(text)
    assert (found.id, found.modified) == ("apache-2.0", True)
    (change,) = found.changes
    assert (change.kind, change.sections, change.words) == (
        "removed", ("3. Grant of Patent License",), 0)
    assert change.removed_words > 100
    assert "patent-grant-removed" in found.restrictions
    # Reported where the text goes on after it: "4. Redistribution".
    assert text[:change.start].count("\n") + 1 == line_of(text, "4. Redistribution")


def test_layout_markdown_a_filled_copyright_line_and_optional_parts_are_not_changes():
    mit = reference("mit.LICENSE")
    styled = "# MIT License\n\nCopyright (c) 2019-2024 The Acme Authors\n\n" + " ".join(
        mit.split()).replace("The above copyright", "\n\n**The above copyright")
    assert (one(styled).id, one(styled).modified, one(styled).confidence) == ("mit", False, 1.0)
    apache = reference("apache-2.0.LICENSE")
    # The appendix on how to apply the license is optional; a copy without it is the license.
    short = apache[:apache.index("APPENDIX: How to apply")]
    found = one(short)
    assert (found.id, found.modified, found.changes) == ("apache-2.0", False, ())


def test_bsd_with_the_holder_named_is_the_license():
    bsd = reference("bsd-new.LICENSE")
    text = ("Copyright (c) 2020, NVIDIA CORPORATION. All rights reserved.\n\n"
            + bsd.replace("the ORGANIZATION", "NVIDIA CORPORATION"))
    found = one(text)
    assert (found.id, found.modified) == ("bsd-3-clause", False)


def test_a_changed_word_is_a_change():
    mit = reference("mit.LICENSE")
    text = mit.replace("without restriction", "with restrictions", 1)
    found = one(text)
    (change,) = found.changes
    assert (found.modified, change.kind, passage(text, change)) == (
        True, "changed", "with restrictions")
    assert change.removed_words == 2


def test_ml204_message_shows_the_added_restriction(make_repo, run_lint):
    mit = reference("mit.LICENSE")
    text = "Copyright (c) 2024 Acme\n\n" + mit.replace(
        "the following conditions:\n", f"the following conditions:\n\n{NC}\n", 1)
    repo = make_repo({"README.md": "---\nlicense: mit\n---\n# m\n", "LICENSE": text})
    report = run_lint(repo, select=("ML204",))
    (finding,) = report.active()
    assert (finding.code, finding.path, finding.line) == ("ML204", "LICENSE", line_of(text, NC))
    assert finding.message == (
        f'the text is `mit` with a passage added at line {line_of(text, NC)} that restricts use '
        f'(non-commercial): "{NC}"; the terms are no longer `mit`\'s')
    assert finding.data["restrictions"] == ["non-commercial"]
    assert finding.data["changes"] == [{
        "kind": "added", "line": line_of(text, NC), "end_line": line_of(text, NC), "words": 10,
        "removed_words": 0, "passage": NC, "restrictions": ["non-commercial"]}]


def test_ml204_message_names_the_removed_section(make_repo, run_lint):
    apache = reference("apache-2.0.LICENSE")
    text = apache[:apache.index("   3. Grant of Patent License.")] + apache[
        apache.index("   4. Redistribution."):]
    repo = make_repo({"README.md": "---\nlicense: apache-2.0\n---\n# m\n", "LICENSE": text})
    (finding,) = run_lint(repo, select=("ML204",)).active()
    line = line_of(text, "4. Redistribution")
    assert finding.line == line
    assert finding.message.startswith(
        'the text is `apache-2.0` with section "3. Grant of Patent License" removed (')
    assert finding.message.endswith(f"words, at line {line}); its patent grant is gone")


def test_the_license_picture_carries_an_added_non_commercial_clause(make_facts, make_repo, run_lint):
    mit = reference("mit.LICENSE")
    text = "Copyright (c) 2024 Acme\n\n" + mit.replace(
        "the following conditions:\n", f"the following conditions:\n\n{NC}\n", 1)
    files = {"README.md": "---\nlicense: mit\n---\n# acme\n\nLicensed under the MIT license.\n",
             "LICENSE": text}
    weights = make_facts(files).licenses.terms("weights")
    (lic,) = weights.licenses
    assert (lic.id, lic.obligations.non_commercial) == ("mit", True)
    assert [e.detail for e in weights.evidence if e.kind == "license-file"] == [
        "altered text: non-commercial"]
    report = run_lint(make_repo(files, "lint"), select=("ML404",))
    assert [(f.code, f.message) for f in report.active()] == [
        ("ML404", "mit allows no commercial use: the model cannot be used in commercial products "
                  "or services")]
    # The unaltered text is plain MIT: nothing for ML404.
    plain = {**files, "LICENSE": "Copyright (c) 2024 Acme\n\n" + mit}
    assert run_lint(make_repo(plain, "plain"), select=("ML404",)).active() == []


def test_an_added_duty_is_a_condition_and_a_following_license_is_not():
    bsd = reference("bsd-new.LICENSE")
    duty = ("Redistributions of any form whatsoever must retain the following acknowledgment: "
            "\"This product includes software developed by Acme.\"")
    text = bsd.rstrip() + "\n\n" + duty + "\n"
    found = one(text)
    (change,) = found.changes
    assert (found.id, found.modified, found.restrictions) == ("bsd-3-clause", True, ("condition",))
    assert (change.kind, passage(text, change)) == ("added", duty)
    # The same sentence as part of another license that follows, under its own title, is that
    # license's, not an edit of this one.
    mit = reference("mit.LICENSE")
    both = bsd.rstrip() + "\n\n----------\nLICENSE FOR the docs\n\n" + duty + "\n\n" + mit
    assert [(f.id, f.modified) for f in identify_text(both, license_file=True)] == [
        ("bsd-3-clause", False), ("mit", False)]
