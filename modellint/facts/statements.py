"""License statements in a model card's prose: who says which part is under which terms.

"The code and model are released under Apache 2.0", "the model weights are licensed under
MODEL_LICENSE", "Code license: MIT", "It is made available under a permissive Apache 2.0 license":
each names a license (by name, id, URL or a license file of the repository) and the part it speaks
for. A statement whose subject names no part ("It is made available ...") speaks for the model: a
model card's subject is its model. Statements that defer to the base model ("the original license
terms still apply") are kept too, naming no license.

Every pattern here is bounded and anchored so that the scan is linear in the card's size.
"""

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import NamedTuple

from modellint.facts.lineage_text import lowered, matches_at, matches_from

# Longer names first: "model card" is documentation, not the model.
COMPONENT_WORDS = (
    ("documentation", r"documentation|docs|model\s+card"),
    ("outputs", r"outputs?|generations?|generated\s+(?:text|content|images?)"),
    ("code", r"code|codebase|source|software|scripts?|implementation"),
    ("data", r"data|datasets?|corpus|corpora"),
    ("repository", r"repository|repo|project|everything|all\s+files|contents?"),
    ("weights", r"models?|weights?|parameters|checkpoints?|adapters?|lora|gguf"),
)
# Card prose is matched with ASCII classes (re.A): the words sought are English, and an ASCII
# case-insensitive pattern compiles several times faster, at every run's start.
_SUBJECT = re.compile(
    r"\b(?:" + "|".join(f"(?P<{c}>{w})" for c, w in COMPONENT_WORDS) + r")\b", re.I | re.A)
# "licensed under", "released publicly under", "governed by", "subject to", "made available under";
# a bare "under" right after a part's name ("the code under MIT") is an elliptical statement.
_VERB = re.compile(
    r"\b(?:licen[cs]ed|released|available|distributed|provided|published|covered|governed|shared"
    r"|offered|subject)\b(?:[^.;:\n]{0,40}?\b(?:under|by|to|as|with)\b)?|\bunder\b"
    r"|\bcompl(?:y|ies|iance)\s+with\b|\b(?:terms|restrictions|licen[cs]e)\s+(?:still\s+)?(?:apply|applies)\b",
    re.I | re.A)
# What every match of _VERB starts with (lower-cased).
_VERB_STARTS = ("licen", "released", "available", "distributed", "provided", "published", "covered",
                "governed", "shared", "offered", "subject", "under", "compl", "terms", "restrictions")
# Every match of _VERB holds one of these (lower-cased): a text without any needs no scan.
_HINT_WORDS = ("licen", "released", "available", "distributed", "provided", "published", "covered",
               "governed", "shared", "offered", "subject", "under", "compl", "appl")
# "Code license: MIT", "**License:** Apache 2.0", "- Model license - CC-BY-NC-4.0"
_LICENSE_LINE = re.compile(
    r"^[\s>*+\-|]{0,8}(?P<subj>[A-Za-z][A-Za-z ]{0,30}?)?[\s*_]{0,4}licen[cs]e[sd]?(?:\s+type)?[\s*_]{0,4}"
    r"(?:[:：|]|\s-\s)[\s*_]{0,4}(?P<obj>\S.{0,200})$", re.I | re.A)
_TO_BASE = re.compile(
    r"\b(?:base\s+model|original\s+(?:model|license|licen[cs]e\s+terms|terms)|same\s+(?:license|terms)"
    r"|upstream|parent\s+model)\b", re.I | re.A)
# The determiner's spaces belong to it: `\s*(?:the|...)?\s*` splits a run of spaces n ways.
_JOIN = re.compile(r"^\s*(?:,|and|&|/|as\s+well\s+as|plus)(?:\s*(?:the|its|our|all))?\s*$", re.I | re.A)
# Only run on a statement's object (OBJECT_WINDOW characters), so unbounded classes stay linear.
_LINK_TARGET = re.compile(r"\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_URL = re.compile(r"https?://[^\s()<>\]\"']+")
_CHUNK = re.compile(r"[^\s,;()\[\]{}*`\"'<>|]{1,80}")
_SENTENCE_END = re.compile(r"[.!?;]\s+")
_BLOCK_START = re.compile(r"^\s{0,3}(?:[-*+>|#]|\d{1,3}[.)])")
_FILE_WORD = re.compile(r"^[\w./-]{0,80}licen[cs]e[\w./-]{0,80}$|^copying[\w.-]{0,20}$", re.I | re.A)

MAX_SENTENCE = 600  # characters of one sentence examined
MAX_UNIT_LINES = 41  # lines of a paragraph examined as one unit
OBJECT_WINDOW = 140  # characters after the verb searched for the license
SUBJECT_WINDOW = 160  # characters before the verb searched for the part


class Statement(NamedTuple):
    """A sentence of the card saying which part is under which license."""

    components: tuple[str, ...]  # code | weights | data | outputs | documentation | repository
    license_ids: tuple[str, ...]  # knowledge-base ids named
    files: tuple[str, ...]  # repository license files named
    line: int
    text: str  # the sentence, cut short
    defers_to_base: bool = False  # "the original license terms still apply"
    form: str = "sentence"  # sentence | license-line


class Namer(NamedTuple):
    """What a statement's object is matched against."""

    resolve: Callable[[str], str | None]  # a name or id -> knowledge-base id (None: unknown)
    from_link: Callable[[str], str | None]  # a URL -> knowledge-base id
    mentions: Callable[[str], list[str]]  # full license names in a text -> ids
    license_files: Iterable[str]  # repository license file paths
    # The first word (up to a space or hyphen, lower-cased) of every name ``resolve`` knows; None:
    # not known. Most words of a statement begin no name, and are then not looked up at all.
    heads: frozenset[str] | None = None


def find_statements(prose: str, first_line: int, namer: Namer) -> tuple[Statement, ...]:
    """Every license statement in ``prose`` (the card body as read, starting at ``first_line``)."""
    files = {p.rsplit("/", 1)[-1].lower(): p for p in namer.license_files}
    files.update({p.lower(): p for p in namer.license_files})
    out: list[Statement] = []
    for text, line in _units(prose, first_line):
        low = text.lower()
        m = _LICENSE_LINE.match(text) if "licen" in low else None
        if m:
            st = _license_line(m, text, line, namer, files)
            if st is not None:
                out.append(st)
                continue
        if len(low) != len(text):  # "İ" lowers to two characters: places would differ
            for _, sentence in _sentences(text):
                out.extend(_in_sentence(sentence, line, namer, files))
            continue
        # Where a verb may start, found once over the unit rather than in each sentence; a
        # sentence holding none has no statement. (A start running past a sentence's end is no
        # match in it: every match starts with a whole start word.)
        places = sorted(at for start in _VERB_STARTS for at in _find_all(low, start))
        if not places:
            continue
        for pos, sentence in _sentences(text):
            here = places[bisect_left(places, pos):bisect_left(places, pos + len(sentence))]
            if here:
                out.extend(_in_sentence(sentence, line, namer, files, [at - pos for at in here]))
    return tuple(out)


def _find_all(text: str, word: str) -> list[int]:
    found = []
    at = text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def _units(prose: str, first_line: int) -> Iterable[tuple[str, int]]:
    """The units of the prose that hold one of _HINT_WORDS (no other can hold a statement: a
    license line holds "licen"), each with the line it starts on. A unit is a paragraph (soft-wrapped
    lines joined; a wall of text is examined in pieces of MAX_UNIT_LINES lines) or a single list
    item / table row / heading.

    The words are found in the whole lower-cased prose and only the units around them are cut
    out: most of a card's units hold none, and cutting every one costs more than all the rest."""
    low = lowered(prose)  # lower() keeps the newlines, so line numbers read the same in it
    lines = prose.split("\n")
    done = -1  # the last line of the last unit yielded
    line, counted = 0, 0  # the line of offset ``counted`` in ``low``
    # The next place of each word (-1: no more). Finding each word with str.find is several
    # times faster than running a pattern of them, which tries every word at every position.
    places = [low.find(word) for word in _HINT_WORDS]
    while True:
        at = min((p for p in places if p >= 0), default=-1)
        if at < 0:
            return
        line += low.count("\n", counted, at)
        counted = at
        start = _unit_start(lines, line, done + 1)
        end = start + 1
        while (end < len(lines) and end - start < MAX_UNIT_LINES and lines[end].strip()
               and not _BLOCK_START.match(lines[end])):
            end += 1
        yield " ".join(raw.strip() for raw in lines[start:end]), first_line + start
        done = end - 1
        # Search on from the line after the unit.
        while line < end and counted >= 0:
            counted = low.find("\n", counted)
            if counted >= 0:
                counted += 1
                line += 1
        if counted < 0:
            return
        places = [p if p < 0 or p >= counted else low.find(word, counted)
                  for p, word in zip(places, _HINT_WORDS, strict=True)]


def _unit_start(lines: list[str], hit: int, first: int) -> int:
    """The first line of the unit holding line ``hit`` (which is not blank), looking back no
    further than ``first``: the line after the last unit yielded, which starts a unit when it
    and the lines down to ``hit`` are all part of one paragraph."""
    top = hit
    while top > first and not _BLOCK_START.match(lines[top]) and lines[top - 1].strip():
        top -= 1
    # ``top`` starts a paragraph (after a blank line, at a list item...); a long one is cut into
    # pieces of MAX_UNIT_LINES lines from there.
    return top + (hit - top) // MAX_UNIT_LINES * MAX_UNIT_LINES


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    """The unit's sentences, each with where it starts in the unit."""
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        yield pos, text[pos:m.start() + 1][:MAX_SENTENCE]
        pos = m.end()
    if pos < len(text):
        yield pos, text[pos:][:MAX_SENTENCE]


def _in_sentence(sentence: str, line: int, namer: Namer, files: dict[str, str],
                 places: list[int] | None = None) -> list[Statement]:
    """The statements of a sentence (``places``: where its verbs may start, when known)."""
    out: list[Statement] = []
    verbs = (matches_from(_VERB, _VERB_STARTS, sentence, sentence.lower()) if places is None
             else matches_at(_VERB, sentence, places))
    prev_end = 0
    for n, m in enumerate(verbs):
        bare_under = m.group(0).lower() == "under"
        stop = verbs[n + 1].start() if n + 1 < len(verbs) else len(sentence)
        obj = sentence[m.end():min(stop, m.end() + OBJECT_WINDOW)]
        subject = sentence[max(prev_end, m.start() - SUBJECT_WINDOW):m.start()]
        prev_end = m.end()  # the next verb's subject starts after this one
        if m.group(0).lower().endswith(("apply", "applies")):
            # "the original license terms still apply": the base's terms carry on.
            if _TO_BASE.search(subject[-80:] + " " + m.group(0)):
                out.append(Statement(("weights",), (), (), line, _shown(sentence), True))
            continue
        # "MIT-licensed", "Apache 2.0 licensed": the name stands right before the verb.
        named_before = None if bare_under else _name_before(subject, namer)
        if named_before is not None:
            subject = subject[:named_before[0]]
        components = _components(subject)
        if components is None or bare_under and not components:
            continue  # the subject is something else ("Llama 3, which is licensed under ...")
        ids, named_files = _named(obj, namer, files)
        if named_before is not None and not ids and not named_files:
            ids = [named_before[1]]
        defers = not ids and not named_files and bool(_TO_BASE.search(obj))
        if ids or named_files or defers:
            out.append(Statement(tuple(components or ["weights"]), tuple(ids), tuple(named_files),
                                 line, _shown(sentence), defers))
    return out


_TAIL_CHUNKS = re.compile(r"[\w.+]{1,40}(?:[\s-]{1,3}[\w.+]{1,40}){0,3}[\s-]{0,3}$")
# _TAIL_CHUNKS read backwards, from the end. Its runs of word and of separator characters
# alternate, so the greedy match at the reversed text's start is the longest: it ends where the
# leftmost match of _TAIL_CHUNKS starts. One anchored match instead of a search that tries each
# of 60 places, backtracking over up to 40 characters at each.
_TAIL_CHUNKS_BACKWARDS = re.compile(r"[\s-]{0,3}(?:[\w.+]{1,40}[\s-]{1,3}){0,3}[\w.+]{1,40}")


def _tail_start(tail: str) -> int | None:
    """Where _TAIL_CHUNKS.search(tail) matches, or None."""
    if tail.endswith("\n"):  # `$` also matches before a final newline: search as written
        m = _TAIL_CHUNKS.search(tail)
        return None if m is None else m.start()
    m = _TAIL_CHUNKS_BACKWARDS.match(tail[::-1])
    return None if m is None else len(tail) - m.end()


def _name_before(subject: str, namer: Namer) -> tuple[int, str] | None:
    """(where it starts, id) of a license named at the very end of ``subject`` ("... is MIT-")."""
    start = _tail_start(subject[-60:])
    if start is None:
        return None
    offset = len(subject) - len(subject[-60:]) + start
    words = re.split(r"[\s-]+", subject[offset:].strip(" -"))
    for size in range(min(4, len(words)), 0, -1):
        found = _resolve_words(words[-size:], namer)
        if found is not None:
            cut = subject.rstrip(" -")
            for word in reversed(words[-size:]):
                cut = cut[:cut.rfind(word)].rstrip(" -")
            return len(cut), found
    return None


def _license_line(m: re.Match[str], text: str, line: int, namer: Namer,
                  files: dict[str, str]) -> Statement | None:
    ids, named_files = _named(m.group("obj"), namer, files)
    subject = (m.group("subj") or "").strip()
    if not ids and not named_files:
        return None
    components = _components(subject) if subject else []
    if components is None:
        return None  # "Some other license: ..." speaks of something else
    return Statement(tuple(components or ["weights"]), tuple(ids), tuple(named_files), line,
                     _shown(text), False, "license-line")


def _components(subject: str) -> list[str] | None:
    """The parts a statement's subject names: the one nearest the verb and those joined to it by
    "and" / "," ("the code and model weights"). [] when the subject is only a pronoun or empty
    ("It is made available under ..."): the card's subject, the model. None when the subject is
    something else ("Llama 3.1, which is licensed under ...", "a fine-tune of X, which is ...")."""
    low = subject.lower()
    if "repo" in low or "project" in low or "folder" in low:  # _PLACE needs one of them
        subject = _PLACE.sub(" ", subject)
    hits = [(m.start(), m.end(), m.lastgroup) for m in _SUBJECT.finditer(subject)]
    if not hits:
        return [] if _only(subject, _PRONOUNS_OR_LINKING) else None
    if not _only(subject[hits[-1][1]:], _LINKING):
        return None
    chosen = [hits[-1]]
    for hit in reversed(hits[:-1]):
        between = subject[hit[1]:chosen[-1][0]]
        if hit[2] == chosen[-1][2] or _JOIN.match(between) or not between.strip():
            chosen.append(hit)
        else:
            break
    return list(dict.fromkeys(str(h[2]) for h in reversed(chosen)))


def _only(text: str, words: frozenset[str]) -> bool:
    return all(w in words for w in _WORD.findall(text.lower()))


_WORD = re.compile(r"[a-z0-9']+")
# Words that may stand between a statement's subject and its verb ("the weights are also made").
_LINKING = frozenset({
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "shall", "can",
    "may", "also", "hereby", "publicly", "openly", "freely", "fully", "now", "itself", "themselves",
    "all", "both", "here", "herein", "made", "the", "its", "their", "our", "this", "these",
    "those", "entire", "whole", "full", "original", "released", "and", "in", "of", "s", "model's",
    "used", "for", "training", "train", "to", "must", "should", "please", "you", "users", "user",
    "need", "needs", "required", "obliged", "agree", "note", "that"})
_PRONOUNS = frozenset({"it", "this", "they", "these", "we", "which"})
_PRONOUNS_OR_LINKING = _PRONOUNS | _LINKING
# "in this repository" / "of this project" qualify a part; they are not the subject.
_PLACE = re.compile(
    r"\b(?:in|of|from|within|inside)\s+(?:this|the|our)\s+(?:repository|repo|project|folder)\b", re.I | re.A)


def _named(window: str, namer: Namer, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Knowledge-base ids and repository license files a statement's object names."""
    ids: list[str] = []
    named_files: list[str] = []
    for target in _LINK_TARGET.findall(window):
        _add_reference(target, namer, files, ids, named_files)
    for url in _URL.findall(_LINK_TARGET.sub(" ", window)):
        _add_reference(url, namer, files, ids, named_files)
    text = _without_modified(_URL.sub(" ", _LINK_TARGET.sub("]", window)))
    for lid in namer.mentions(text):
        if lid not in ids:
            ids.append(lid)
    chunks = [c.strip(".:!?") for c in _CHUNK.findall(text)]
    chunks = [c for c in chunks if c]
    i = 0
    while i < len(chunks):
        # Every name the chunks from here make begins with this chunk's head: a head that begins
        # no name is looked up once, not once per length.
        heads = namer.heads
        for size in (4, 3, 2, 1) if heads is None or _head(chunks[i]) in heads else ():
            if i + size > len(chunks):
                continue
            words = chunks[i:i + size]
            found = _resolve_words(words, namer)
            if found is not None:
                if found not in ids:
                    ids.append(found)
                i += size
                break
        else:
            word = chunks[i]
            path = files.get(word.lower().lstrip("./"))
            # Written as a file name (LICENSE, MODEL_LICENSE, license.txt), not the word "license".
            if (path and (word.isupper() or any(c in word for c in "._-/"))
                    and _FILE_WORD.match(word) and path not in named_files):
                named_files.append(path)
            i += 1
    return ids, named_files


_MODIFIER = re.compile(r"-(?:based|derived|like|style|inspired)\b", re.I | re.A)
_PHRASE_BREAK = re.compile(r"[,;()\[\]]")


def _without_modified(text: str) -> str:
    """Blank the license names that only qualify another license: "the permissive Apache
    2.0-based software license" names the license that is made from Apache 2.0, not Apache 2.0.
    The blank runs back from "-based" to the phrase's start (a comma, bracket or 40 characters)."""
    for m in _MODIFIER.finditer(text):
        head = text[max(0, m.start() - 40):m.start()]
        breaks = [b.end() for b in _PHRASE_BREAK.finditer(head)]
        start = m.start() - len(head) + (breaks[-1] if breaks else 0)
        text = text[:start] + " " * (m.end() - start) + text[m.end():]
    return text


def _resolve_words(words: list[str], namer: Namer) -> str | None:
    if len(words) == 1 and (len(words[0]) < 3 or words[0].lower() in _NOT_NAMES):
        return None
    # Both joins start with the first word, which holds no space: a name they make begins with it.
    if namer.heads is not None and words[0] and _head(words[0]) not in namer.heads:
        return None
    for joined in (" ".join(words), "-".join(words)):
        found = namer.resolve(joined)
        if found is not None:
            return found
    return None


def _head(word: str) -> str:
    """The part of a word a name could begin with (up to a hyphen), lower-cased."""
    return word.lower().split("-", 1)[0]


# Single words that the knowledge base resolves but that prose uses for other things.
_NOT_NAMES = frozenset({"other", "unknown", "none", "custom", "same", "original", "license",
                        "model", "this", "terms", "open", "free", "public", "research"})


def _add_reference(target: str, namer: Namer, files: dict[str, str], ids: list[str],
                   named_files: list[str]) -> None:
    from modellint.licensing import repo_path

    path = repo_path(target)
    if path is not None:
        hit = files.get(path.lower()) or files.get(path.rsplit("/", 1)[-1].lower())
        if hit and hit not in named_files:
            named_files.append(hit)
        return
    # A URL names a license by its known address; never a file of this repository (a
    # ".../blob/main/LICENSE" link is as likely the base model's).
    found = namer.from_link(target)
    if found is not None and found not in ids:
        ids.append(found)


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"
