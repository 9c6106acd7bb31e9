"""Stand-ins that `modellint init` and `modellint fix` leave for the author to replace."""

from collections.abc import Iterator

from modellint.edit import PLACEHOLDER_MARK
from modellint.facts import Facts
from modellint.model import Location, Violation

# ---- ML205 license-text-placeholder ----------------------------------------------------------


def license_text_placeholder(facts: Facts) -> Iterator[Violation]:
    for lf in facts.license_files:
        if lf.text is not None and lf.text.lstrip("\ufeff").startswith(PLACEHOLDER_MARK):
            named = [i.id for i in lf.licenses]
            what = f"the text of {named[0]}" if named else "the license text"
            yield Violation(f"{lf.path} is a placeholder, not a license: put {what} there, "
                            "taken from the licensor", Location(lf.path, 1),
                            {"license": named[0] if named else None})
