"""Data lineage checks: what a dataset owes the datasets it was made from (ML701-ML704), and what
a model card should know of the data it was trained on (ML705).

The sources' licenses are resolved in the facts layer (``facts.dataset``: the Hub, the audit's
batch, the local card index, the offline table); these checks only compare. Which licenses a
derived work may carry comes from ``rules/data/compatibility.toml`` (the table ML502 reads too).
Only sources whose license is known are judged: an unresolved source is never guessed at.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from modellint.checks._text import words
from modellint.checks.lineage import categories, compat_entry, kb, may_carry
from modellint.facts import Facts
from modellint.facts.dataset import DatasetRef
from modellint.model import Location, Violation

_FROM = {
    "hub": "its dataset card on the Hub",
    "batch": "its dataset card among this audit's targets",
    "index": "its dataset card in the local card index",
    "table": "modellint's offline table of well-known datasets",
}


def _records(ref: DatasetRef) -> list[Any]:
    """The knowledge-base records of a resolved dataset's licenses (unknown ones left out)."""
    base = kb()
    out = []
    for lic in ref.licenses:
        record = base.resolve(lic)
        if record is not None and "unknown" not in categories(record):
            out.append(record)
    return out


def _where(ref: DatasetRef) -> Location:
    return Location(ref.path, ref.line)


def _how(ref: DatasetRef) -> str:
    how = _FROM.get(ref.source or "", ref.source or "")
    if ref.source == "table" and ref.table_as_of:
        how += f", as of {ref.table_as_of}"
    return how


def _sources(facts: Facts) -> Iterable[DatasetRef]:
    return facts.dataset.sources if facts.dataset is not None else ()


def _own(facts: Facts) -> list[Any] | None:
    """The dataset's own declared licenses (knowledge-base records), or None when it declares
    nothing usable (ML102 / ML103 / ML107 speak for that)."""
    declared = facts.licenses.declared
    known = [d.license for d in declared if d.license is not None
             and "unknown" not in categories(d.license)]
    return known or None


# ---------------------------------------------------------------------------------------------
# ML701 source-license-incompatible


def source_license_incompatible(facts: Facts) -> Iterator[Violation]:
    """A source's license allows derived data only under some licenses (share-alike: the same
    terms; non-commercial: non-commercial terms) and the dataset declares none of them."""
    own = _own(facts)
    if own is None:
        return
    declared = ", ".join(f"`{d.value}`" for d in facts.licenses.declared)
    for ref in _sources(facts):
        records = _records(ref)
        entries = [(r, compat_entry(r)) for r in records]
        # A source under several licenses (a dual license) is honoured when any one allows it.
        if not entries or any(e is None or "any" in e.may_carry or not e.may_carry
                              or any(may_carry(e, r, o) for o in own) for r, e in entries):
            continue  # (no derivative at all: ML703's to say)
        record, entry = entries[0]
        assert entry is not None
        what = ("non-commercial terms" if "non-commercial" in categories(record)
                and not record.obligations.share_alike else _allowed(entry.may_carry, record.id))
        yield Violation(
            f"declared license {declared} breaks the terms of source dataset {ref.name!r}, "
            f"licensed `{record.id}` ({_how(ref)}): data derived from it must carry {what} "
            f"({entry.name}: {entry.clause})",
            _where(ref), {"source": ref.name, "source_license": record.id,
                          "declared": [d.value for d in facts.licenses.declared]})


def _allowed(may: Iterable[str], own_id: str) -> str:
    """The licenses a compatibility entry allows, in words: `a`, `b` or `c`."""
    ids = list(dict.fromkeys(own_id if m == "same" else m for m in may))
    shown = [f"`{i}`" for i in ids if ":" not in i] + [
        i.split(":", 1)[1] + " terms" for i in ids if ":" in i]
    if len(shown) == 1:
        return f"the same license ({shown[0]})" if ids == [own_id] else shown[0]
    return "one of " + ", ".join(shown[:-1]) + " or " + shown[-1]


# ---------------------------------------------------------------------------------------------
# ML702 source-attribution-missing


def _credited(prose_words: str, ref: DatasetRef) -> bool:
    """The card's prose names the source: its Hub id, or its name as words of their own."""
    for name in {ref.name, ref.name.rsplit("/", 1)[-1]}:
        wanted = words(name)
        if wanted and f" {wanted} " in prose_words:
            return True
    return False


def source_attribution_missing(facts: Facts, licenses: list[str] | None = None
                               ) -> Iterator[Violation]:
    """A source whose license asks for attribution is named nowhere in the card's prose."""
    card = facts.card
    if card is None or card.metadata_error:
        return
    wanted = {lic.lower() for lic in licenses or ()}
    prose_words = f" {words(card.prose)} "
    for ref in _sources(facts):
        needs = [r for r in _records(ref) if r.id in wanted]
        if len(needs) < len(_records(ref)) or not needs:
            continue  # a source also offered under terms that ask no credit is not judged
        if _credited(prose_words, ref):
            continue
        yield Violation(
            f"source dataset {ref.name!r} is licensed `{needs[0].id}` ({_how(ref)}), which asks "
            "users of data derived from it to credit it: name it in the card's text (its "
            "creators, a link, its license and what was changed), not only in `source_datasets`",
            _where(ref), {"source": ref.name, "source_license": needs[0].id})


# ---------------------------------------------------------------------------------------------
# ML703 source-no-derivatives


def source_no_derivatives(facts: Facts) -> Iterator[Violation]:
    """A source that allows no adapted version to be shared, which the card says it extends."""
    for ref in _sources(facts):
        if ref.relation != "extended":
            continue  # a copy or a subset in another format is not an adaptation
        records = _records(ref)
        if not records or not all(r.obligations.no_derivatives for r in records):
            continue
        record = records[0]
        entry = compat_entry(record)
        clause = f" ({entry.name}: {entry.clause})" if entry is not None else ""
        yield Violation(
            f"`source_datasets` says this dataset extends {ref.name!r}, licensed `{record.id}` "
            f"({_how(ref)}), which allows no adapted version of it to be shared{clause}",
            _where(ref), {"source": ref.name, "source_license": record.id})


# ---------------------------------------------------------------------------------------------
# ML704 source-license-unresolved


def source_license_unresolved(facts: Facts) -> Iterator[Violation]:
    """A Hub source dataset whose license could not be found: the checks above skipped it."""
    for ref in _sources(facts):
        if ref.dataset_id is None or ref.resolved:
            continue
        yield Violation(
            f"the license of source dataset {ref.dataset_id!r} could not be determined: "
            f"{ref.note or 'unknown'}; what it asks of this dataset was not checked",
            _where(ref), {"source": ref.dataset_id})


# ---------------------------------------------------------------------------------------------
# ML705 training-data-restricted


def training_data_restricted(facts: Facts) -> Iterator[Violation]:
    """A model card lists training data whose license is non-commercial, no-derivatives or
    share-alike."""
    for ref in facts.training_data:
        records = _records(ref)
        if not records:
            continue
        nc = [r for r in records if r.obligations.non_commercial or r.obligations.research_only]
        nd = [r for r in records if r.obligations.no_derivatives]
        sa = [r for r in records if r.obligations.share_alike]
        # Several licenses on one dataset: the least restrictive one may be the one that applies.
        if len(nc) == len(records):
            record = nc[0]
            terms = ("allow research use only" if record.obligations.research_only
                     else "forbid commercial use of the data")
        elif len(nd) == len(records):
            record = nd[0]
            terms = "allow no adapted version of the data to be shared"
        elif len(sa) == len(records):
            record = sa[0]
            terms = "ask that adaptations of the data be shared under the same license"
        else:
            continue
        yield Violation(
            f"trained on {ref.name!r}, licensed `{record.id}` ({_how(ref)}): its terms {terms}; "
            "whether such terms reach a model trained on the data is legally unsettled, so check "
            "them before relying on the model's own license",
            _where(ref), {"dataset": ref.name, "dataset_license": record.id})
