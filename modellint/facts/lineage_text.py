"""Lineage evidence beyond ``base_model``: bases that the card's prose or the repository's name names.

The Hub builds its model tree from ``base_model`` alone, but many derivatives say what they derive
from only in words: "This model is a fine-tuned version of [meta-llama/Llama-2-7b-hf](...)",
"- **Finetuned from model:** mistralai/Mistral-7B-v0.1", "a Llama 2 13B fine-tune", "Must comply
with license of Llama2", or a repository named ``Llama-2-7b-chat-finetune``. Each such mention is
kept with where it was found and how strong it is (``STRENGTH``, strongest first):

- ``prose-link``: a Hub model id (a huggingface.co link, or an ``org/name`` id in backticks or
  right after a "Base model:" style label) named by a relation phrase;
- ``prose-name``: a well-known family name (the ``[[family]]`` entries of
  ``rules/data/base-models.toml``: Llama 2, Mistral 7B, SDXL, FLUX.1 [dev] ...) named by a
  relation phrase, or right before "fine-tune";
- ``license-statement``: the card says the model must comply with, or is subject to, a family's
  license;
- ``name``: a family name in the repository's own name.

Relation phrases say what kind of derivative it is: "quantized version of" / "GGUF format model
files for" (quantized), "merge of" (merge), "LoRA for" (adapter), "fine-tuned from" / "based on"
(finetune). Every pattern is anchored on literal words and bounded, so the scan is linear in the
card's size; family patterns run only on short windows next to a relation phrase and on the name.
"""

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from modellint.prefilter import (
    WordScan,
    lowered,  # noqa: F401 - the card's prose lower-cased once, shared
)

STRENGTH = {"declared": 1.0, "prose-link": 0.9, "prose-name": 0.7, "license-statement": 0.7,
            "name": 0.5}
WINDOW = 160  # characters after a relation phrase searched for what it names
BEFORE = 48  # characters before "fine-tune" searched for a family name ("a Llama 2 13B fine-tune")
MAX_MENTIONS = 16
NEAR = 40  # the base a phrase names starts within this many characters after it


class BaseMention(NamedTuple):
    """A base model named outside ``base_model``, with where and how strongly."""

    kind: str  # prose-link | prose-name | license-statement | name
    model_id: str | None  # the Hub id, when one is named
    family: str | None  # the family label, when a family name is named
    license: str | None  # the family's license (knowledge-base id), for family mentions
    relation: str | None  # finetune | merge | quantized | adapter | None (not said)
    line: int | None  # card line (None for the repository's name)
    text: str  # the phrase as written, shortened

    @property
    def strength(self) -> float:
        return STRENGTH[self.kind]

    @property
    def shown(self) -> str:
        return self.model_id or self.family or "?"


class Family(NamedTuple):
    """A well-known base model family, recognised by name."""

    family: str
    pattern: re.Pattern[str]
    license: str
    hub_id: str | None  # a representative Hub id (for "add base_model: ..." advice)
    in_names: bool  # also recognised in a repository's name (not only in prose)
    case: str | None  # the spelling the name must have as written ("LLaMA": LLaMA 1, not Llama)


@lru_cache(maxsize=1)
def families() -> tuple[Family, ...]:
    from modellint.registry import rules_data

    out = []
    for e in rules_data("base-models.toml").get("family", []):
        pattern = re.compile("|".join(f"(?:{p})" for p in e["names"]), re.A)
        out.append(Family(e["family"], pattern, e["license"], e.get("hub_id"),
                          bool(e.get("in_names", True)), e.get("case")))
    return tuple(out)


def _normal(text: str) -> str:
    """Lower-case, with runs of spaces, underscores and hyphens as one hyphen: family patterns are
    written once for "Llama 2", "llama_2" and "Llama-2". Keeps the length (offsets stay valid)."""
    return text.lower().translate(_SEPARATORS)


# What a run of `[\s_-]` used to be replaced by, one character for one: every space (what `\s`
# matches: str.isspace, listed here since scanning every code point at import costs 0.1 s; a test
# checks the list) and underscore becomes a hyphen. `translate` does it without a regex callback.
SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200b))) + (
    "\u2028\u2029\u202f\u205f\u3000")
_SEPARATORS = str.maketrans(dict.fromkeys(SPACES + "_", "-"))


def family_in(text: str, names_only: bool = False) -> tuple[Family, int, int] | None:
    """The family named earliest in ``text`` (first entry wins at the same place)."""
    low = _normal(text)
    best: tuple[Family, int, int] | None = None
    for fam in _candidates(low):
        if names_only and not fam.in_names:
            continue
        m = fam.pattern.search(low)
        if m and fam.case and not text.startswith(fam.case, m.start()):
            continue
        if m and (best is None or m.start() < best[1]):
            best = (fam, m.start(), m.end())
    return best


def _candidates(low: str) -> list[Family]:
    """The families, in order, that may be named in ``low``: those one of whose needles it holds
    (and any without needles). Python's ``re`` tries a pattern that starts with a lookbehind at
    every position; thirty of them over each window cost more than the rest of the scan."""
    always, by_needle = _needle_index()
    picked = set(always)
    for needle, numbers in by_needle:
        if needle in low:
            picked.update(numbers)
    every = families()
    return [every[n] for n in sorted(picked)]


@lru_cache(maxsize=1)
def _needle_index() -> tuple[tuple[int, ...], tuple[tuple[str, tuple[int, ...]], ...]]:
    """(families without needles, (needle, the families needing it)...)."""
    always: list[int] = []
    by_needle: dict[str, list[int]] = {}
    for n, fam in enumerate(families()):
        needles = _needles(fam.pattern)
        if needles is None:
            always.append(n)
        for needle in needles or ():
            by_needle.setdefault(needle, []).append(n)
    return tuple(always), tuple((k, tuple(v)) for k, v in by_needle.items())


def _needles(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literal strings one of which every match of ``pattern`` holds (read from its parse tree),
    or None when that is not known (a case-insensitive pattern, a match that may be empty...)."""
    try:  # Python 3.11 and later
        from re import _constants, _parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as _constants  # type: ignore[no-redef]
        import sre_parse as _parser  # type: ignore[no-redef]

    if pattern.flags & re.IGNORECASE:
        return None
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    if parsed.state.flags & re.IGNORECASE:
        return None  # an inline (?i)

    def of_sequence(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
        """The strongest needles of a sequence: a run of literals, or a required group's."""
        best: frozenset[str] | None = None
        run: list[str] = []

        def keep(found: frozenset[str] | None) -> None:
            nonlocal best
            if found and (best is None or min(map(len, found)) > min(map(len, best))):
                best = found

        for op, av in items:
            if op is _constants.LITERAL:
                run.append(chr(av))
                continue
            keep(frozenset({"".join(run)}) if run else None)
            run = []
            keep(of_item(op, av))
        keep(frozenset({"".join(run)}) if run else None)
        return best

    def of_item(op: Any, av: Any) -> frozenset[str] | None:
        if op is _constants.SUBPATTERN:
            _, add_flags, _, inner = av
            return None if add_flags & re.IGNORECASE else of_sequence(inner)
        if op is _constants.BRANCH:
            alternatives = [of_sequence(a) for a in av[1]]
            if any(a is None for a in alternatives):
                return None
            return frozenset().union(*(a for a in alternatives if a is not None))
        if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and av[0] >= 1:
            return of_sequence(av[2])
        return None  # optional parts, classes, lookarounds (not part of the match): nothing sure

    return of_sequence(parsed)


# ---------------------------------------------------------------------------------------------
# Relation phrases

_RELATION = re.compile(
    r"\b(?:"
    r"(?P<quantized>quanti[sz]ed\s+(?:versions?|models?|variants?)\s+of|quanti[sz]ations?\s+of"
    r"|quants?\s+of|(?:gguf|ggml|gptq|awq|exl2|mlx)\s+(?:format\s+)?(?:model\s+)?"
    r"(?:files|quants?|quanti[sz]ations?|versions?|conversions?|weights)\s+(?:for|of))"
    r"|(?P<merge>merge\s+of|merged\s+(?:from|with))"
    r"|(?P<adapter>(?:q?lora|adapter)s?\s+(?:adapter\s+)?(?:for|of))"
    r"|(?P<finetune>fine-?\s?tun(?:ed|ing)\s+(?:version\s+of|versions\s+of|from|of|on(?:\s+top\s+of)?)"
    r"|fine-?\s?tunes?\s+of|(?:further\s+|continued\s+)?(?:pre-?)?trained\s+(?:on\s+top\s+of|from)"
    r"|continued\s+pre-?training\s+(?:of|from|on)|initiali[sz]ed\s+(?:from|with)"
    r"|derived\s+from|based\s+on|built\s+(?:up)?on(?:\s+top\s+of)?)"
    r")\b", re.I | re.A)
# "- **Finetuned from model:** x", "Base model: x", "Original model: [x](...)"
_LABEL = re.compile(
    r"^[\s>*+|-]{0,6}(?:\*\*|__)?\s{0,2}(?P<label>fine-?\s?tuned\s+from(?:\s+model)?|base\s+model"
    r"|original\s+model|parent\s+model|model\s+base|quanti[sz]ed\s+from|merged?\s+from)"
    r"(?:\s{0,2}\[optional\])?\s{0,2}(?:\*\*|__)?\s{0,2}[:：]\s{0,2}(?:\*\*|__)?", re.I | re.A)
# "a Llama 2 13B fine-tune", "Mistral-7B finetune": the family stands before the noun.
_NOUN = re.compile(r"\bfine-?\s?tunes?\b(?!\s*(?:d\b|of\b|on\b|from\b))", re.I | re.A)
# "Must comply with license of Llama2", "subject to the Llama 2 Community License".
_LICENSE_OF = re.compile(
    r"\b(?:compl(?:y|ies|iance)\s+with|subject\s+to|governed\s+by|bound\s+by|inherits?|follows?)"
    r"\s+(?:the\s+)?(?:original\s+)?(?:(?:licen[cs]es?|terms(?:\s+of\s+use)?)\s+of\s+(?:the\s+)?)?",
    re.I | re.A)
_LICENSE_WORD = re.compile(r"^[\s\w.()-]{0,24}?\b(?:licen[cs]e|agreement|terms)\b", re.I | re.A)
_MERGE_LIST = re.compile(
    r"\bmodels?\s+(?:were\s+|was\s+)?(?:included|used)\s+in\s+the\s+merge\b", re.I | re.A)
# A model page is /org/name, or a file or revision of it (/tree/, /blob/, /resolve/...); anything
# else under the Hub's own site sections (documentation pages such as
# /transformers/model_doc/pegasus.html, blog posts, tasks) is no model.
_HUB_LINK = re.compile(
    r"https?://(?:www\.)?huggingface\.co/(?!(?:datasets|spaces|docs|blog|papers|api|collections"
    r"|transformers|tasks|learn|models|organizations|settings|join|pricing|chat)/)"
    r"(?P<id>[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96})"
    r"(?=$|[\s)\]>\"'#?,;]|/(?:tree|blob|resolve|raw|discussions|commit|commits)\b|/?(?:$|[\s)\]]))", re.A)
_TICKED_ID = re.compile(r"`(?P<id>[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96})`", re.A)
_BARE_ID = re.compile(r"^[\s\[*_`(]{0,4}(?P<id>[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96})", re.A)
_URL = re.compile(r"https?://[^\s)\]>\"']{1,500}", re.A)
# "this model", "our model", "it": the phrase speaks of the card's own model (the reverse relation).
_SELF = re.compile(r"^\W{0,4}(?:this|our|the\s+present|it|itself)\b", re.I | re.A)
# Markdown links to something that is not a model (a dataset, a Space, a model card) and what
# they show: "[`OpenAssistant/oasst1`](https://huggingface.co/datasets/...)", "[DALL-E Mini model
# card](...)".
_NOT_A_MODEL = re.compile(
    r"\[[^\[\]\n]{0,200}\]\(\s*https?://(?:www\.)?huggingface\.co/(?:datasets|spaces)/[^)\s]{0,300}\)"
    r"|https?://(?:www\.)?huggingface\.co/(?:datasets|spaces)/[^\s)\]]{0,300}"
    r"|\[[^\[\]\n]{0,200}\bmodel\s+card\]\([^)\s]{0,300}\)", re.I | re.A)
# "trained from scratch (on ...)": the opposite of a derivative.
_SCRATCH = re.compile(r"^\W{0,4}(?:the\s+)?(?:scratch|random(?:ly)?\s+initiali[sz]ed|zero)\b", re.I | re.A)
_ARCHITECTURE = re.compile(r"^[\w\s.-]{0,24}\barchitecture", re.I | re.A)
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")
# What every match of a pattern starts with (lower-cased): the pattern is tried only there (see
# matches_from).
_RELATION_STARTS = ("quant", "gguf", "ggml", "gptq", "awq", "exl2", "mlx", "merge", "lora", "qlora",
                    "adapter", "fine", "further", "continued", "pre", "trained", "initiali",
                    "derived", "based", "built")
_NOUN_STARTS = ("fine",)
_LICENSE_OF_STARTS = ("compl", "subject", "governed", "bound", "inherit", "follow")


def matches_from(pattern: re.Pattern[str], starts: tuple[str, ...], text: str,
                 low: str) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a case-insensitive ASCII pattern each of whose matches
    starts with one of ``starts``, tried only where those are in ``low`` (``text`` lower-cased).
    Python's ``re`` has no literal scan for such a pattern: it tries it at every position, which
    costs far more than finding the few places with ``str.find``."""
    if len(low) != len(text):  # "İ" lowers to two characters: places would differ
        return list(pattern.finditer(text))
    places = []
    for start in starts:
        at = low.find(start)
        while at >= 0:
            places.append(at)
            at = low.find(start, at + 1)
    return matches_at(pattern, text, sorted(places))


def matches_at(pattern: re.Pattern[str], text: str, places: Iterable[int]) -> list[re.Match[str]]:
    """``pattern.finditer(text)``, given the places (in order) where its matches may start.
    ``match(text, at)`` sees the text before ``at`` (``\b``), so the matches are ``finditer``'s:
    in order, each the first from the end of the one before."""
    found = []
    floor = 0
    for at in places:
        if at >= floor:
            m = pattern.match(text, at)
            if m is not None:
                found.append(m)
                floor = m.end()
    return found


def _clean_id(model_id: str) -> str | None:
    model_id = model_id.rstrip(".,;:)")
    for cut in ("/tree/", "/blob/", "/resolve/", "/discussions", "#", "?"):
        model_id = model_id.split(cut, 1)[0]
    parts = model_id.split("/")
    if len(parts) != 2 or not all(re.search(r"[A-Za-z]", p) for p in parts):
        return None
    return model_id.removesuffix(".git")


def _first_object(window: str, labelled: bool, ticked: bool = True
                  ) -> tuple[str | None, Family | None]:
    """The first base a phrase names in ``window``: a Hub id (a link, a ticked id, or, after a
    label, a bare id) or a family name, whichever comes first. A phrase about the card's own
    model ("a quantized version of this model can be found at ...") names no base of it, and
    links to datasets, Spaces or another model's card are no base either."""
    if _SELF.match(window) or _SCRATCH.match(window):
        return None, None
    window = _NOT_A_MODEL.sub(lambda m: " " * len(m.group(0)), window)
    candidates: list[tuple[int, str | None, Family | None]] = []
    m = _HUB_LINK.search(window)
    if m:
        candidates.append((_link_start(window, m.start()), _clean_id(m.group("id")), None))
    m = _TICKED_ID.search(window) if ticked else None
    if m:
        candidates.append((m.start(), _clean_id(m.group("id")), None))
    if labelled:
        m = _BARE_ID.match(window)
        if m and not window[m.end():m.end() + 1].startswith(("(", "]")):
            candidates.append((m.start("id"), _clean_id(m.group("id")), None))
    blanked = _URL.sub(lambda u: " " * len(u.group(0)), window)
    found = family_in(blanked)
    if found is not None and not _ARCHITECTURE.match(blanked[found[2]:]):
        candidates.append((found[1], None, found[0]))
    # What a phrase names stands right after it ("a fine-tuned version of [X]", "based on the
    # Llama 2 7B model"), not at the end of a long clause.
    candidates = [c for c in candidates if (c[1] is not None or c[2] is not None)
                  and c[0] <= NEAR]
    if not candidates:
        return None, None
    _, model_id, fam = min(candidates, key=lambda c: c[0])
    return model_id, fam


def _link_start(window: str, url_start: int) -> int:
    """Where the markdown link around a URL starts ("[text](url)": at its "["), so that a link's
    text and target count as one place."""
    if url_start >= 2 and window[url_start - 2:url_start] == "](":
        opening = window.rfind("[", 0, url_start)
        return opening if opening >= 0 else url_start
    return url_start


def _cut(window: str) -> str:
    """The window up to the end of its sentence (a URL's dots do not end it)."""
    blanked = _URL.sub(lambda u: "x" * len(u.group(0)), window)
    m = _SENTENCE_END.search(blanked)
    return window[:m.start()] if m else window


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:159] + "…"


def prose_mentions(prose: str, first_line: int, low: str | None = None,
                   places: dict[str, list[int]] | None = None) -> list[BaseMention]:
    """Bases the card's prose names, in the order they appear, each Hub id or family once
    (``low``: the prose lower-cased, and ``places``: ``prose_places(low)``, when the caller has
    them)."""
    out: list[BaseMention] = []
    seen: set[str] = set()

    def add(kind: str, model_id: str | None, fam: Family | None, relation: str | None,
            line: int, text: str) -> None:
        key = (model_id or (fam.family if fam else "")).lower()
        if key and key not in seen and len(out) < MAX_MENTIONS:
            seen.add(key)
            out.append(BaseMention(kind, model_id, fam.family if fam else None,
                                   fam.license if fam else None, relation, line, _shown(text)))

    low = prose.lower() if low is None else low
    places = _places(low) if places is None else places
    picked = _lines_to_read(prose, low, places)
    # Where the phrases may start, from the triggers' places (when the offsets of the prose are
    # those of the lower-cased prose): each line's patterns are tried only there.
    starts = _starts(low, places) if len(low) == len(prose) else None
    starts_at = [at for at, _ in starts] if starts is not None else []
    merge_list_until = -1
    for offset, start, end in picked:  # only these lines are cut out of the prose, not every line
        raw = prose[start:end] if end >= 0 else prose[start:]
        lineno = first_line + offset
        if len(raw) > 4000:
            raw = raw[:4000]  # a wall of text on one line: its start is enough
        if offset <= merge_list_until:
            m = _HUB_LINK.search(raw) or _TICKED_ID.search(raw) or _BARE_ID.match(raw.lstrip("*-+ "))
            if m:
                add("prose-link", _clean_id(m.group("id")), None, "merge", lineno, raw)
                continue
        if starts is None:
            line_low = raw.lower()
            relations = matches_from(_RELATION, _RELATION_STARTS, raw, line_low)
            nouns = matches_from(_NOUN, _NOUN_STARTS, raw, line_low)
            licenses_of = matches_from(_LICENSE_OF, _LICENSE_OF_STARTS, raw, line_low)
            merge = "merge" in line_low
        else:
            here = starts[bisect_left(starts_at, start):bisect_left(starts_at, start + len(raw))]
            if not here:  # no phrase starts on the line ("merge" is one of the starts): only a label
                relations = nouns = licenses_of = []
                merge = False
            else:
                if any(w in _TRAIN for _, w in here):
                    here = sorted(here + _line_places(low, start, start + len(raw), _BEFORE_TRAIN))
                relations = matches_at(_RELATION, raw,
                                        [at - start for at, w in here if w in _RELATION_STARTS])
                nouns = matches_at(_NOUN, raw, [at - start for at, w in here if w in _NOUN_STARTS])
                licenses_of = matches_at(_LICENSE_OF, raw,
                                          [at - start for at, w in here if w in _LICENSE_OF_STARTS])
                merge = "merge" in low[start:start + len(raw)]
        if merge and _MERGE_LIST.search(raw):
            merge_list_until = offset + 16
            continue
        label = _LABEL.match(raw)
        if label:
            model_id, fam = _first_object(_cut(raw[label.end():label.end() + WINDOW]), True)
            relation = _label_relation(label.group("label"))
            if model_id or fam:
                add("prose-link" if model_id else "prose-name", model_id, fam, relation, lineno, raw)
                continue
        for m in relations:
            if _about_others(raw, m.start()):
                continue
            window = _cut(raw[m.end():m.end() + WINDOW])
            phrase = m.group(0).lower()
            # "fine-tuned on `org/data`" names data more often than a model: only a link to a
            # model or a family name counts there.
            loose = phrase.startswith(("fine-tuned on", "finetuned on", "fine tuned on",
                                       "fine-tuning on", "finetuning on"))
            model_id, fam = _first_object(window, False, ticked=not loose)
            relation = m.lastgroup
            if model_id or fam:
                add("prose-link" if model_id else "prose-name", model_id, fam, relation, lineno,
                    raw[max(0, m.start() - 40):m.end() + 100])
        for m in nouns:
            before = _URL.sub(lambda u: " " * len(u.group(0)), raw[max(0, m.start() - BEFORE):m.start()])
            found = family_in(before)
            # The family stands right before the noun, with at most a size between ("Llama 2
            # 13B fine-tune"), never "the python split of StarCoder to finetune".
            if found is not None and _ADJACENT.match(before[found[2]:]) and not _about_others(
                    raw, m.start()):
                add("prose-name", None, found[0], "finetune", lineno,
                    raw[max(0, m.start() - BEFORE):m.end()])
        for m in licenses_of:
            window = _cut(raw[m.end():m.end() + 80])
            found = family_in(window)
            if found is None or found[1] > 12:
                continue
            # "the license of Llama 2" names it already; "the Llama 2 license" needs the word.
            if m.group(0).lower().rstrip().endswith(" of") or _LICENSE_WORD.match(window[found[2]:]):
                add("license-statement", None, found[0], None, lineno,
                    raw[max(0, m.start() - 20):m.end() + 60])
    return out


_ADJACENT = re.compile(r"^(?:[\s.-]{0,3}[0-9.]{1,6}[bm]?(?:[\s-]{0,3}(?:chat|instruct|base|hf|model))?)?"
                       r"[\s-]{0,3}$", re.I | re.A)
# A sentence that speaks of other models: news ("GuoFeng4 based on SDXL has been released"),
# a plural subject ("Domain-Specific Models Pre-Trained from Llama3-8B", "versions based on"), or
# a linked subject ("new [rerankers](...), built upon ... GEMMA"), or any model of a kind ("can
# be adapted to any base model based on SDXL": what it works with, not what it was made from).
_OTHERS = re.compile(
    r"\b(?:released?|releasing|coming\s+soon|models|versions|variants|checkpoints|rerankers"
    r"|embeddings)\b|\]\(|https?://|\bany\s+(?:[a-z0-9-]+\s+){0,2}models?\b", re.I | re.A)
_SENTENCE_START = re.compile(r"(?:^|[.!?;]\s|:\s)(?=[^.!?;]*$)", re.A)


def _about_others(line: str, at: int) -> bool:
    """Does the sentence around a relation phrase speak of another model: its subject before
    the phrase, or news after it ("... based on SDXL has been released")?"""
    head = line[max(0, at - 160):at]
    head = _URL.sub("url", head) if "](" not in head else head
    m = _SENTENCE_START.search(head)
    subject = head[m.end():] if m else head
    if _OTHERS.search(subject):
        return True
    tail = _cut(line[at:at + WINDOW])
    return bool(_NEWS.search(tail))


# News of a release ("has been released", "is now out"), not a license statement ("is released
# under Apache-2.0", which is just what ML502 must see).
_NEWS = re.compile(r"\b(?:has|have)\s+been\s+released\b|\b(?:is|are)\s+now\s+(?:out|released|available)\b"
                   r"|\bcoming\s+soon\b", re.I | re.A)


def prose_places(low: str) -> dict[str, list[int]]:
    """Where each word the scan looks for is in the lower-cased prose (for ``prose_mentions``)."""
    return _places(low)


def _places(low: str) -> dict[str, list[int]]:
    """Where each trigger is in the lower-cased prose (each prose is searched for each word of
    _SCANNED, the most costly step of the lineage facts)."""
    out = _word_scan().places(low)
    for stem, words in _SHARED_STEMS.items():
        for word in words:
            out[word] = [at for at in out[stem] if low.startswith(word, at)]
    return out


@lru_cache(maxsize=1)
def _word_scan() -> WordScan:
    return WordScan(_SCANNED)


def _starts(low: str, places: dict[str, list[int]]) -> list[tuple[int, str]]:
    """(place, word) where a phrase may start, in order: the triggers that start phrases; "qlora"
    before a "lora"; "fine" four to six characters before a "tun" (every phrase starting with
    "fine" goes on "fine-tun", "fine tun", "finetun" or "fine- tun"). Phrases starting "further",
    "continued" or "pre" go on to "trained" or "training": a line holding one of those is
    searched for them (_BEFORE_TRAIN)."""
    found = [(at, word) for word in _STARTS_TRIGGERED for at in places[word]]
    found += [(at - 1, "qlora") for at in places["lora"] if at and low[at - 1] == "q"]
    found += [(at - n, "fine") for at in places["tun"] for n in (4, 5, 6)
              if at >= n and low.startswith("fine", at - n)]
    found += [(at, "training") for at in places["training"]]  # a marker for _BEFORE_TRAIN
    return sorted(found)


def _line_places(low: str, start: int, end: int, words: tuple[str, ...]) -> list[tuple[int, str]]:
    found = []
    for word in words:
        at = low.find(word, start, end)
        while at >= 0:
            found.append((at, word))
            at = low.find(word, at + 1, end)
    return found


def _lines_to_read(prose: str, low: str, places: dict[str, list[int]]) -> list[tuple[int, int, int]]:
    """The lines where a phrase could name a base, and the lines after a "models included in the
    merge" header: (line (0-based), where it starts, where it ends: its newline's offset, -1 for
    the last line). Lines are picked by the literal words every phrase holds, found with
    ``str.find`` over the lower-cased prose (a card of 5,000 lines has a few dozen such lines),
    and only those lines meet the patterns.

    A place's line is the number of newlines of the prose before it, counted from the place
    before: no list of every line's end is made (most of a card's lines are never read)."""
    line_of: dict[int, int] = {}
    line = last = 0
    for at in sorted({at for word in _TRIGGERS for at in places[word]}):
        line += prose.count("\n", last, at)
        last = at
        line_of[at] = line
    found: dict[int, int] = {}  # line -> a place on it (-1: right after the line before)
    for word in _TRIGGERS:
        for at in places[word]:
            if len(found) >= MAX_LINES:
                break
            found.setdefault(line_of[at], at)
    for m in _MERGE_LIST.finditer(prose) if "merge" in low else ():
        line = prose.count("\n", 0, m.start())
        found.setdefault(line, m.start())
        for following in range(line + 1, line + 17):
            found.setdefault(following, -1)
    out = []
    end = -1
    for line in sorted(found):
        at = found[line]
        if at >= 0:  # the newlines either side of a place on the line
            start = prose.rfind("\n", 0, at) + 1
        elif end >= 0:  # one of the lines after a merge header: the line before was just read
            start = end + 1
        else:
            continue  # past the prose's last line
        end = prose.find("\n", start)
        out.append((line, start, end))
    return out


# The literal words of the relation, noun, license and label phrases (one of them is in every
# match): a line without any of them cannot name a base.
_TRIGGERS = ("tun", "quant", "gguf", "ggml", "gptq", "awq", "exl2", "mlx", "merge", "lora",
             "adapter", "trained", "training", "initiali", "derived", "based", "built", "compl",
             "subject", "governed", "bound", "inherit", "follow", "base model", "original model",
             "parent model", "model base")
MAX_LINES = 2000  # a card of endless "fine-tuned" lines: its first lines are enough
# Triggers found through a shorter word they all begin with: one search for both.
_SHARED_STEMS = {"train": ("trained", "training"), "base": ("based", "base model")}
_SCANNED = tuple(dict.fromkeys(
    next((stem for stem, words in _SHARED_STEMS.items() if word in words), word) for word in _TRIGGERS))
_STARTS_TRIGGERED = tuple(w for w in dict.fromkeys(_RELATION_STARTS + _NOUN_STARTS + _LICENSE_OF_STARTS)
                          if w in _TRIGGERS)
_TRAIN = ("trained", "training")
_BEFORE_TRAIN = ("further", "continued", "pre")



def _label_relation(label: str) -> str | None:
    low = label.lower()
    if low.startswith("quanti"):
        return "quantized"
    if low.startswith("merge"):
        return "merge"
    if low.startswith("fine"):
        return "finetune"
    return None


# Test models with random weights and configuration-only copies carry a family's name but not
# its weights ("tiny-random-LlamaForCausalLM", "tiny-random-Llama-3").
_NOT_A_DERIVATIVE_NAME = re.compile(r"(?:^|[-_.])(?:tiny-?)?random(?:$|[-_.])", re.I | re.A)


def name_mention(name: str | None) -> BaseMention | None:
    """A family named in the repository's name (``Llama-2-7b-chat-finetune``)."""
    if not name:
        return None
    if _NOT_A_DERIVATIVE_NAME.search(name):
        return None
    found = family_in(name, names_only=True)
    if found is None:
        return None
    fam = found[0]
    return BaseMention("name", None, fam.family, fam.license, None, None, name)


def strongest(mentions: Iterable[BaseMention]) -> Iterator[BaseMention]:
    """Mentions ordered strongest first, keeping the card's order within a kind."""
    return iter(sorted(mentions, key=lambda m: -m.strength))
