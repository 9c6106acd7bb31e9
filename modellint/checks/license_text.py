"""License file contents: texts that match no known license, and known licenses altered."""

from __future__ import annotations

from collections.abc import Iterator

from modellint.facts import Facts
from modellint.model import Location, Violation


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def license_text_unrecognized(facts: Facts) -> Iterator[Violation]:
    for lf in facts.license_files:
        if lf.text is None or lf.licenses:
            continue  # unreadable files are ML901's; PDFs and lfs pointers carry a note instead
        if not lf.text.strip():
            yield Violation("the license file is empty", Location(lf.path))
            continue
        yield Violation(
            "the text matches no license modellint knows: a reviewer has to read it to learn "
            "what it allows", Location(lf.path, 1), {"size": lf.size})


def license_text_modified(facts: Facts) -> Iterator[Violation]:
    for lf in facts.license_files:
        if lf.text is None:
            continue
        for lic in lf.licenses:
            if not lic.modified:
                continue
            yield Violation(
                f"the text resembles `{lic.id}` but differs from it (similarity "
                f"{lic.confidence:.2f}): the terms may not be the ones the name suggests",
                Location(lf.path, _line_of(lf.text, lic.start)),
                {"license": lic.id, "similarity": lic.confidence})
