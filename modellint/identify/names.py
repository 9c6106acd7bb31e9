"""License names: the knowledge base bridge, name mentions, file names and KB phrases.

A mention ("licensed under the Llama 3.1 Community License") says which license a NOTICE or a
card section points to, without holding its text. Names are matched as whole token runs, so
"Llama 3 Community License" never matches inside "Llama 3.1 Community License".
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from typing import Any

from modellint.identify.tokens import GENERIC, normalise_phrase

# Common ways of naming software licenses in prose, beyond the names fingerprints carry.
_PROSE_NAMES = {
    "apache-2.0": ("Apache License, Version 2.0", "Apache License 2.0", "Apache 2.0 License",
                   "Apache License v2.0", "Apache-2.0 License"),
    "mit": ("MIT License", "MIT Licence"),
    "bsd-3-clause": ("BSD 3-Clause License", "3-Clause BSD License", "BSD-3-Clause License",
                     "New BSD License"),
    "bsd-2-clause": ("BSD 2-Clause License", "2-Clause BSD License", "Simplified BSD License"),
    "gpl-3.0": ("GNU General Public License v3.0", "GNU General Public License, version 3",
                "GPL-3.0 License", "GPLv3 License"),
    "gpl-2.0": ("GNU General Public License v2.0", "GNU General Public License, version 2"),
    "cc-by-4.0": ("Creative Commons Attribution 4.0 International", "CC BY 4.0 License"),
    "cc-by-nc-4.0": ("Creative Commons Attribution-NonCommercial 4.0 International",),
    "cc-by-sa-4.0": ("Creative Commons Attribution-ShareAlike 4.0 International",),
    "gemma": ("Gemma Terms of Use",),
    "openatom-model-license-1.0": ("OpenAtom Model License",),
}

# File-name stems that say nothing about which license a file holds.
_GENERIC_STEM_WORDS = {"license", "licence", "licenses", "model", "code", "weights", "copying",
                       "agreement", "terms", "the", "of", "use", "md", "txt", "pdf"}


@lru_cache(maxsize=1)
def knowledge_base() -> Any:
    """The knowledge base, or None when its records are broken (the rules report that; it must
    not stop identification)."""
    from modellint.knowledge import load_kb

    try:
        return load_kb()
    except Exception:
        return None


@lru_cache(maxsize=512)
def canonical_id(*candidates: str | None) -> str | None:
    """The KB id for the first candidate the KB resolves; else the first candidate itself."""
    kb = knowledge_base()
    if kb is not None:
        for value in candidates:
            if value:
                lic = kb.resolve(value)
                if lic is not None:
                    return str(lic.id)
    known = _fingerprint_ids()
    for value in candidates:
        if value and value.lower() in known:
            return known[value.lower()]
    return next((c for c in candidates if c), None)


@lru_cache(maxsize=1)
def fingerprinted_ids() -> frozenset[str]:
    """Ids (as the KB names them) of every license that has a fingerprint."""
    from modellint.identify.fingerprint import load_index

    return frozenset(canonical_id(e.id, e.scancode, e.spdx) or e.id
                     for e in load_index().entries)


@lru_cache(maxsize=1)
def _fingerprint_ids() -> dict[str, str]:
    """Lower-cased id, ScanCode key and SPDX id of each fingerprint -> its id."""
    from modellint.identify.fingerprint import load_index

    out: dict[str, str] = {}
    for entry in load_index().entries:
        for value in (entry.spdx, entry.scancode, entry.id):
            if value:
                out[value.lower()] = entry.id
    return out


@lru_cache(maxsize=1)
def name_table() -> tuple[tuple[str, str], ...]:
    """(normalised name, license id) pairs, longest names first."""
    from modellint.identify.fingerprint import load_index

    pairs: dict[str, str] = {}
    for entry in load_index().entries:
        lid = canonical_id(entry.id, entry.scancode, entry.spdx) or entry.id
        for name in entry.names:
            _add_name(pairs, name, lid)
    for lid, names in _PROSE_NAMES.items():
        for name in names:
            _add_name(pairs, name, canonical_id(lid) or lid)
    kb = knowledge_base()
    if kb is not None:
        for lic in kb.all():
            _add_name(pairs, lic.name, lic.id)
        for lic in kb.all():  # after every record's own name: an alias never takes a name
            # Aliases written as prose ("qwen research license agreement"), not as ids
            # ("cc-by-nc-4.0"): an id in prose is a value, not a name.
            for alias in (a for a in lic.aliases if " " in a.strip()):
                if "+" in alias:
                    continue  # see _add_name
                words = normalise_phrase(alias).split()
                if words[:1] == ["the"]:
                    words = words[1:]  # "the MIT license": the name is what follows
                if lic.kind not in ("family", "meta") and len(words) >= 3:
                    _add_name(pairs, " ".join(words), lic.id)
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


def _add_name(pairs: dict[str, str], name: str, lid: str) -> None:
    if "+" in name:
        return  # tokens drop the "++" of "Open RAIL++-M": it would read as its sibling's name
    norm = normalise_phrase(name)
    # One- or two-word names ("MIT", "Gemma") are too common in prose to count as a mention.
    if len(norm.split()) >= 3 or (len(norm.split()) == 2 and norm.endswith("license")):
        pairs.setdefault(norm, lid)


def find_mentions(joined: str) -> list[tuple[str, int, int]]:
    """(license id, first token, last token) for each license name in a joined token string."""
    found: list[tuple[str, int, int]] = []
    # Characters already claimed by a longer name, and the offsets of the spaces between tokens:
    # a text that repeats a name thousands of times costs each occurrence its own length, not a
    # scan of every earlier occurrence and of the text before it.
    claimed = bytearray(len(joined))
    spaces: list[int] | None = None
    table = name_table()
    for n in _table_rows(joined):
        norm, lid = table[n]
        needle = f" {norm} "
        at = joined.find(needle)
        while at >= 0:
            end = at + len(needle)
            if claimed.find(1, at, end) < 0:
                claimed[at:end] = b"\x01" * (end - at)
                if spaces is None:
                    spaces = [i for i, c in enumerate(joined) if c == " "]
                first = bisect_right(spaces, at) - 1  # the token after the space at ``at``
                found.append((lid, first, first + len(norm.split()) - 1))
            at = joined.find(needle, end - 1)
    return found


def _table_rows(joined: str) -> list[int]:
    """The rows of name_table(), in order, whose name may be in ``joined``: a name is found where
    its first word is one of the text's tokens, so only those rows are looked for (a statement's
    few words meet a dozen names rather than every one of several hundred)."""
    by_first = _rows_by_first_word()
    rows = [n for word in set(joined.split(" ")) for n in by_first.get(word, ())]
    rows.sort()
    return rows


@lru_cache(maxsize=1)
def _rows_by_first_word() -> dict[str, tuple[int, ...]]:
    rows: dict[str, list[int]] = {}
    for n, (norm, _) in enumerate(name_table()):
        rows.setdefault(norm.split(" ", 1)[0], []).append(n)
    return {word: tuple(numbers) for word, numbers in rows.items()}


@lru_cache(maxsize=1)
def kb_phrases() -> tuple[tuple[str, tuple[str, ...], int, tuple[bool, ...]], ...]:
    """(license id, normalised phrases, how many must appear, which phrases hold the license's
    own name) from the knowledge base."""
    kb = knowledge_base()
    if kb is None:
        return ()
    out = []
    for lic in kb.all():
        if lic.kind in ("family", "meta"):
            continue  # a family is never what a text holds
        phrases = tuple(p for p in (normalise_phrase(x) for x in lic.identify.phrases) if p)
        if phrases:  # the loader keeps min_phrases between 1 and len(phrases)
            own = name_words(lic.name, *lic.aliases)
            naming = tuple(bool(own.intersection(p.split())) for p in phrases)
            out.append((lic.id, phrases, lic.identify.min_phrases, naming))
    return tuple(out)


@lru_cache(maxsize=512)
def own_words(lid: str, names: tuple[str, ...] = ()) -> frozenset[str]:
    """The distinctive words of a license's names: ``names`` and the knowledge base's."""
    kb = knowledge_base()
    lic = kb.resolve(lid) if kb is not None else None
    extra = (lic.name, *lic.aliases) if lic is not None else ()
    return name_words(*names, *extra)


def name_words(*names: str) -> frozenset[str]:
    """The distinctive words of a license's names ("llama", "gemma", "qwen"): what is left
    once the words every license shares are taken out."""
    return frozenset(w for name in names for w in normalise_phrase(name).split()
                     if w not in GENERIC and not w.isdigit() and len(w) > 1)


def from_file_name(path: str) -> str | None:
    """A license id that a file's name alone gives ("LICENSE-llama3.1", "OpenAtom Model
    License.pdf"), or None."""
    base = path.rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base[1:] and not base.lower().startswith(
        ("license.", "licence.")) else base
    words = normalise_phrase(stem.replace("_", " ").replace("-", " ")).split()
    if not words or all(w in _GENERIC_STEM_WORDS for w in words):
        return None
    # The stem as written ("llama3.1") may be an id; else its words may be a known name.
    raw = base
    for prefix in ("license-", "licence-", "license_", "licence_", "license.", "licence."):
        if raw.lower().startswith(prefix):
            raw = raw[len(prefix):]
            break
    for suffix in (".pdf", ".md", ".txt", ".docx", ".doc"):
        if raw.lower().endswith(suffix):
            raw = raw[: -len(suffix)]
    kb = knowledge_base()
    if kb is not None and raw:
        lic = kb.resolve(raw)
        # Without a version in the name ("LICENSE.openmdw") only an exact id is trusted.
        if lic is not None and (raw.lower() == lic.id or any(c.isdigit() for c in raw)):
            return str(lic.id)
    from modellint.identify.fingerprint import load_index

    for entry in load_index().entries:
        if raw.lower() == entry.id:
            return canonical_id(entry.id, entry.scancode) or entry.id
    joined = " " + " ".join(words) + " "
    for norm, lid in name_table():
        if f" {norm} " in joined:
            return lid
    return None
