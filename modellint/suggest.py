"""'Did you mean ...?' for a mistyped key, rule, license id or option.

Below every module that names a user's mistake (configuration, specs, license records, policies,
waivers), so that none of them imports another just for this.
"""

from __future__ import annotations

from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str], *, kebab: bool = False) -> str:
    options = list(choices)
    if kebab:
        word = word.replace("_", "-")
        options = [o.replace("_", "-") for o in options]
    import difflib  # only when there is a mistake to name

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
