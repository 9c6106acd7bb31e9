"""The plain block YAML most card front matter is, read in one pass over its lines.

libyaml composes a node object per scalar and calls back into Python three times for each (tag
resolution, path resolvers, the node's constructor): on the real Hub cards that was four fifths of
reading a card's metadata. Most front matter is a narrow subset of YAML: block mappings and
sequences, one scalar per line, plain or simply quoted (or a one-line `[a, b]` list of such). This
module reads exactly that subset and gives up (returns ``None``) on anything else: other flow
collections, anchors, tags, block scalars (measured: libyaml reads `>-` texts as fast as Python
can), multi-line scalars, escapes, tabs, comments after a value, keys that are not plain strings,
characters libyaml refuses or treats as line breaks. The caller then parses the text with libyaml,
which stays the authority for every value and every error message; scalars are typed with PyYAML's
own resolver table and constructors, so ``yes``, ``017`` or ``2024-01-02`` read as before.
"""

import re
from collections.abc import Callable
from typing import Any

# Characters libyaml reads as something other than a printable character on one line: tabs,
# control characters, other line breaks, a byte-order mark, surrogates.
_ODD_CHAR = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                       "\U00010000-\U0010ffff]")
# A plain key as libyaml scans it on one line (no ':' or '#' inside), then ':' and a space or the end.
# (libyaml's simple keys are at most 1024 characters long.)
_KEY = re.compile(r"([A-Za-z_][\w./ -]{0,1000}):(?: |$)")
_SPECIAL_START = frozenset("[]{}#&*!|>%@`,?:'\"-")
# Keys seen to match _KEY whole and to read as strings (`name`, `type`: few, repeated), as written
# -> as read (trailing spaces cut). A line `key: value` whose `key` is here needs no regex: `key`
# holds no ':', so the first ': ' ends it, as _KEY would.
_STRING_KEYS: dict[str, str] = {}
# A scalar PyYAML reads as a plain decimal: an int (group 1: no leading zero, which is octal) or a
# float; int() and float() give PyYAML's values for these. Most evaluation scores are this.
_DECIMAL = re.compile(r"\A(?:([1-9][0-9]*)|[0-9]+\.[0-9]*)\Z")  # \A: linear under search too


class GiveUp(Exception):
    """The text leaves the subset: libyaml reads it."""


# Items of a one-line flow sequence read here: plain scalars with nothing flow-specific in them,
# or quoted ones with nothing to unescape. Anything else (nested collections, ':', comments,
# quotes around commas, empty items) is left to libyaml.
_FLOW_UNSAFE = frozenset("[]{}#:&*!|>%@`?")

_LINE = re.compile(r"^( *)([^ \n#][^\n]*)", re.M)  # a line's indentation and content, if any


def _is_entry(content: str) -> bool:
    """`- item` or a lone `-`: a block sequence entry."""
    return content[0] == "-" and (len(content) == 1 or content[1] == " ")


class _Reader:
    def __init__(self, indents: list[int], contents: list[str], budget: int, max_depth: int,
                 implicit: dict[Any, Any], typed: Callable[[str, str], Any]) -> None:
        self.indents = indents
        self.contents = contents
        self.count = len(indents)
        self.budget = budget
        self.flow_nodes = 0  # the items of flow sequences, counted apart from ``budget``
        self.max_depth = max_depth
        self.implicit = implicit  # first character -> [(tag, pattern)]: PyYAML's resolver table
        self.typed = typed  # (tag, text) -> the value PyYAML constructs, or raises GiveUp

    def block(self, i: int, depth: int) -> tuple[Any, int]:
        """The block node starting at record ``i``, and the record after it."""
        if _is_entry(self.contents[i]):
            return self.sequence(i, self.indents[i], depth)
        return self.mapping(i, self.indents[i], depth)

    def mapping(self, i: int, indent: int, depth: int) -> tuple[dict[str, Any], int]:
        if depth >= self.max_depth:
            raise GiveUp  # libyaml's reading refuses it, or says it is too deep
        out: dict[str, Any] = {}
        indents, contents, count = self.indents, self.contents, self.count
        budget = self.budget - 1
        while True:
            content = contents[i]
            written, colon, rest = content.partition(": ")
            key = _STRING_KEYS.get(written) if colon else None
            if key is None:
                key = _STRING_KEYS.get(content[:-1]) if content[-1] == ":" else None
                if key is None:
                    key, rest = self.key(content)
                else:
                    rest = ""
            else:
                rest = rest.strip(" ")
            i += 1
            if rest:
                budget -= 2
                out[key] = self.scalar(rest, depth)
            elif i < count and indents[i] > indent:
                self.budget = budget - 1
                out[key], i = self.block(i, depth + 1)
                budget = self.budget
            elif i < count and indents[i] == indent and _is_entry(contents[i]):
                self.budget = budget - 1
                out[key], i = self.sequence(i, indent, depth + 1)  # `tags:` then `- a` below
                budget = self.budget
            else:
                budget -= 2
                out[key] = None
            if i == count or indents[i] < indent:
                self.budget = budget
                return out, i
            if indents[i] > indent:
                raise GiveUp  # a continuation line, or an indentation libyaml refuses

    def flow_sequence(self, inner: str, depth: int) -> list[Any]:
        """`[a, 'b', "c"]` on one line, ``inner`` between its brackets."""
        if depth >= self.max_depth:
            raise GiveUp
        if not inner.strip(" "):
            return []
        if not _FLOW_UNSAFE.isdisjoint(inner):
            raise GiveUp
        items = []
        for item in inner.split(","):
            item = item.strip(" ")
            if not item or item[0] == "-":
                raise GiveUp  # an empty item, or a `-` libyaml may read as an indicator
            items.append(self.scalar(item, depth))
        self.flow_nodes += len(items)
        return items

    def key(self, content: str) -> tuple[str, str]:
        """The key of a `key: value` line and the value's text (spaces around it cut)."""
        m = _KEY.match(content)
        if m is None:
            raise GiveUp
        key = m.group(1).rstrip(" ")
        for _tag, pattern in self.implicit.get(key[0], ()):
            if pattern.match(key):
                raise GiveUp  # a key that reads as a bool or null
        if len(_STRING_KEYS) < 10_000:
            _STRING_KEYS[m.group(1)] = key
        return key, content[m.end():].strip(" ")

    def sequence(self, i: int, indent: int, depth: int) -> tuple[list[Any], int]:
        if depth >= self.max_depth:
            raise GiveUp
        out: list[Any] = []
        indents, contents, count = self.indents, self.contents, self.count
        self.budget -= 1
        while True:
            content = contents[i]
            if not _is_entry(content):
                return out, i  # the end of a sequence written at its key's indentation
            rest = content[1:].strip(" ")
            if not rest:
                i += 1
                if i < count and indents[i] > indent:
                    item, i = self.block(i, depth + 1)
                else:
                    self.budget -= 1
                    item = None
            elif _is_entry(rest):
                raise GiveUp  # `- - a`
            elif _KEY.match(rest):
                # `- name: x`: a mapping whose keys line up with `name`
                indents[i] = indent + len(content) - len(content[1:].lstrip(" "))
                contents[i] = rest
                item, i = self.mapping(i, indents[i], depth + 1)
            else:
                self.budget -= 1
                item = self.scalar(rest, depth)
                i += 1
            out.append(item)
            if i == count or indents[i] < indent:
                return out, i
            if indents[i] > indent:
                raise GiveUp

    def scalar(self, text: str, depth: int) -> Any:
        """A scalar written on one line after `key: ` or `- ` (spaces around it cut), in a
        collection at ``depth``; or a one-line flow sequence of scalars."""
        first = text[0]
        if first in _SPECIAL_START:
            if first == "[" and text[-1] == "]":
                return self.flow_sequence(text[1:-1], depth + 1)
            if first == "'":
                inner = text[1:-1]
                if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
                    raise GiveUp
                return inner.replace("''", "'")
            if first == '"':
                inner = text[1:-1]
                if len(text) < 2 or text[-1] != '"' or '"' in inner or "\\" in inner:
                    raise GiveUp
                return inner
            if first != "-" or len(text) == 1 or text[1] == " ":
                raise GiveUp  # an indicator: a flow collection, an anchor, a tag, a block scalar
        if ": " in text or " #" in text or text[-1] == ":":
            raise GiveUp  # a mapping libyaml refuses here, or a comment after the value
        candidates = self.implicit.get(first)
        if candidates is not None:
            number = _DECIMAL.match(text) if "0" <= first <= "9" else None
            if number is not None:
                return float(text) if number.group(1) is None else int(text)
            for tag, pattern in candidates:
                if pattern.match(text):
                    return self.typed(tag, text)
        return text


def read(text: str, max_nodes: int, max_depth: int, implicit: dict[Any, Any],
         typed: Callable[[str, str], Any]) -> Any:
    """The value of ``text`` when it is plain block YAML with a mapping at its root, else None
    (the caller then parses it with libyaml). ``implicit`` is PyYAML's implicit resolver table;
    ``typed(tag, text)`` constructs a scalar as PyYAML does, raising ``GiveUp`` when unsure."""
    if _ODD_CHAR.search(text):
        return None
    lines = _LINE.findall(text)  # blank lines and comment lines are left out
    if not lines:
        return None
    spaces, contents = zip(*lines, strict=True)
    reader = _Reader(list(map(len, spaces)), list(contents), max_nodes, max_depth, implicit, typed)
    try:
        value, end = reader.mapping(0, reader.indents[0], 0)
    except GiveUp:
        return None
    if end != reader.count or reader.budget - reader.flow_nodes < 0:
        return None
    return value
