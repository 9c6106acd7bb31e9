"""License file contents: texts that match no known license, and known licenses altered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from modellint.facts import Facts
from modellint.identify import Change, IdentifiedLicense
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
            key = _key_change(lic)
            line = _line_of(lf.text, key.start if key else lic.start)
            yield Violation(_message(lf.text, lic, key), Location(lf.path, line),
                            _data(lf.text, lic))


def _key_change(lic: IdentifiedLicense) -> Change | None:
    """The change a reviewer must see first: an added restriction, then a removed section,
    then the largest."""
    if not lic.changes:
        return None
    return max(lic.changes, key=lambda c: (bool(c.restrictions), bool(c.sections),
                                           c.words + c.removed_words))


def _message(text: str, lic: IdentifiedLicense, key: Change | None) -> str:
    from modellint.identify.explain import quote

    others = [c for c in lic.candidates if c != lic.id]
    hedge = f" (it may also be {_ids(others)})" if others else ""
    if key is None:
        return (f"the text resembles `{lic.id}` but differs from it (similarity "
                f"{lic.confidence:.2f}){hedge}: the terms may not be the ones the name suggests")
    if any(c.renames for c in lic.changes):
        renamed = next((c for c in lic.changes if c.renames and c.kind != "removed"), key)
        return (f"the text follows the template of `{lic.id}` under another name "
                f"({quote(text, renamed)} at line {_line_of(text, renamed.start)}): it is probably a "
                f"different license built from the same template{hedge}; read it before "
                f"relying on `{lic.id}`'s terms")
    where = f"line {_line_of(text, key.start)}"
    if key.restrictions:
        kinds = ", ".join(k for k in key.restrictions
                          if k not in ("patent-grant-removed", "condition"))
        what = "passage added" if key.kind == "added" else "passage changed"
        if key.restrictions == ("condition",):
            return (f"the text is `{lic.id}` with a {what} at {where} that adds a condition: "
                    f"{quote(text, key)}; the terms are no longer `{lic.id}`'s{hedge}"
                    f"{_more(lic, key)}")
        if kinds:
            return (f"the text is `{lic.id}` with a {what} at {where} that restricts use "
                    f"({kinds}): {quote(text, key)}; the terms are no longer `{lic.id}`'s"
                    f"{hedge}{_more(lic, key)}")
    if key.sections:
        names = [f'"{s}"' for s in key.sections]
        sections = (f"section {names[0]}" if len(names) == 1
                    else f"sections {', '.join(names[:-1])} and {names[-1]}")
        verb = "removed" if key.kind == "removed" else f"replaced by {quote(text, key)}"
        grant = "; its patent grant is gone" if "patent-grant-removed" in key.restrictions else ""
        return (f"the text is `{lic.id}` with {sections} {verb} ({key.removed_words} "
                f"words, at {where}){grant}{hedge}{_more(lic, key)}")
    return (f"the text resembles `{lic.id}` (similarity {lic.confidence:.2f}) but differs: "
            f"{_counts(lic.changes)}; the first at {where}: {_describe(text, key)}{hedge}")


def _describe(text: str, c: Change) -> str:
    from modellint.identify.explain import quote

    if c.kind == "removed":
        return f"{c.removed_words} words of the license removed"
    if c.kind == "added":
        return f"added {quote(text, c)}"
    return f"{c.removed_words} words of the license replaced by {quote(text, c)}"


def _more(lic: IdentifiedLicense, key: Change) -> str:
    rest = [c for c in lic.changes if c is not key]
    return f" ({_counts(tuple(rest))} more)" if rest else ""


def _counts(changes: tuple[Change, ...]) -> str:
    kinds = {"added": 0, "removed": 0, "changed": 0}
    for c in changes:
        kinds[c.kind] += 1
    parts = [f"{n} passage{'s' if n > 1 else ''} {kind}" for kind, n in kinds.items() if n]
    return ", ".join(parts)


def _ids(ids: list[str]) -> str:
    return " or ".join(f"`{i}`" for i in ids)


def _data(text: str, lic: IdentifiedLicense) -> dict[str, Any]:
    from modellint.identify.explain import change_data

    data: dict[str, Any] = {"license": lic.id, "similarity": lic.confidence}
    if lic.candidates:
        data["candidates"] = list(lic.candidates)
    if lic.restrictions:
        data["restrictions"] = list(lic.restrictions)
    data["changes"] = [change_data(text, c) for c in lic.changes]
    return data
