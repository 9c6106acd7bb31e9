"""Weight-file checks: headers that cannot be read, and licenses embedded in them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from modellint.checks._util import card_location
from modellint.classify import PICKLE_FORMATS
from modellint.facts import Facts, WeightFile
from modellint.knowledge import KnowledgeBase, load_kb
from modellint.licensing import card_license_values
from modellint.model import Location, Violation

# Values that say "no usable license id here" rather than naming one.
_PLACEHOLDERS = frozenset({"other", "unknown", "none", "n/a", "na", "see license", "custom"})


def _all_weights(facts: Facts) -> tuple[WeightFile, ...]:
    return tuple(facts.weights) + tuple(facts.weight_index_files)


MAX_LISTED = 5  # missing shards named in a message; the data lists all


def weight_header_invalid(facts: Facts) -> Iterator[Violation]:
    for wf in _all_weights(facts):
        if wf.error:
            what = ("index" if wf.format == "weights-index"
                    else f"{wf.format} zip directory" if wf.summary.get("container") == "zip"
                    or wf.format in PICKLE_FORMATS else f"{wf.format} header")
            yield Violation(f"{what} is invalid: {wf.error}", Location(wf.path),
                            {"format": wf.format, "error": wf.error})
        missing = wf.summary.get("missing_shards") if wf.format == "weights-index" else None
        if missing:
            shown = ", ".join(missing[:MAX_LISTED]) + (
                f" and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else "")
            yield Violation(f"index lists {len(missing)} shard(s) that are not in the repository: "
                            f"{shown}", Location(wf.path),
                            {"format": wf.format, "missing_shards": list(missing)})


def _declared_values(facts: Facts) -> list[str]:
    """The card's license values, and `license_name` when one of them is `other`."""
    meta = facts.metadata
    values = card_license_values(meta)
    name = meta.get("license_name")
    if any(v.lower() == "other" for v in values) and isinstance(name, str) and name.strip():
        values.append(name.strip())
    return values


def _squash(value: str) -> str:
    return re.sub(r"[^a-z0-9+]", "", value.lower())


def _canonical(value: str, kb: KnowledgeBase) -> str:
    """One comparable key per license: the KB id when the KB knows it, else the squashed text,
    so `Apache-2.0`, `apache-2.0` and `apache 2.0` agree."""
    # Cards and converters often drop the trailing "Agreement" of a license's full name.
    lic = kb.resolve(value) or (kb.resolve(value + " Agreement")
                                if value.lower().endswith("license") else None)
    return f"kb:{lic.id.lower()}" if lic is not None else _squash(value)


def _symbols(value: str) -> list[str]:
    """The license ids of an SPDX expression (`MIT OR Apache-2.0`), or [] when it is not one."""
    from license_expression import ExpressionError

    from modellint.licensing import _spdx_licensing

    try:
        # The cached parser: building one costs ~20 ms, once per weight file made scans crawl.
        parsed = _spdx_licensing().parse(value, validate=False)
    except (ExpressionError, TypeError, ValueError, RecursionError):
        return []
    return [str(s.key) for s in getattr(parsed, "symbols", ())] if parsed is not None else []


class _Declared(NamedTuple):
    """The card's license keys, computed once per scan rather than once per weight file."""

    direct: frozenset[str]  # each declared value as a whole
    with_symbols: frozenset[str]  # plus each license id inside a declared SPDX expression


def _declared_keys(declared: Iterable[str], kb: KnowledgeBase) -> _Declared:
    direct = {_canonical(d, kb) for d in declared}
    symbols = {_canonical(s, kb) for d in declared for s in _symbols(d)}
    return _Declared(frozenset(direct), frozenset(direct | symbols))


def _agrees(embedded: str, keys: _Declared, kb: KnowledgeBase) -> bool:
    if _canonical(embedded, kb) in keys.direct:
        return True
    symbols = _symbols(embedded)
    return bool(symbols) and all(_canonical(s, kb) in keys.with_symbols for s in symbols)


def _judged(wf: WeightFile) -> tuple[str, str] | None:
    """The embedded license to compare: the first key naming an actual license."""
    from modellint.weights import embedded_licenses

    for key, value in embedded_licenses(wf):
        if value.lower() in _PLACEHOLDERS or value.lower().startswith(("http://", "https://")):
            continue
        return key, value
    return None


def embedded_license_mismatch(facts: Facts) -> Iterator[Violation]:
    card = facts.card
    if card is None or card.metadata_error:
        return
    declared = _declared_values(facts)
    if not declared:
        return  # ML102 speaks for a card without a license
    kb = load_kb()
    keys: _Declared | None = None
    for wf in _all_weights(facts):
        found = _judged(wf)
        if found is None:
            continue
        if keys is None:
            keys = _declared_keys(declared, kb)
        key, value = found
        if _agrees(value, keys, kb):
            continue
        said = ", ".join(repr(d) for d in declared)
        yield Violation(
            f"the file embeds `{key}: {value}` but the model card declares {said}: whoever gets "
            "only this file sees a different license",
            Location(wf.path),
            {"key": key, "embedded": value, "declared": declared,
             "card": card_location(facts, "license").path},
        )
