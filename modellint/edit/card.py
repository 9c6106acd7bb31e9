"""Edit a model card (README.md) in place: its YAML front matter and its Markdown body.

The front matter is loaded with ruamel.yaml's round-trip loader, which keeps comments, key order
and quoting. A full round-trip dump still reflows what it does not edit (indentation, long
strings, trailing spaces: on the 3,433 real Hub cards in the evaluation material one in seven came
back different), so only the top-level keys that an edit touched are dumped anew; every other line
of the file is kept byte for byte. ruamel.yaml is imported here only, never on a scan's path.
"""

from __future__ import annotations

import io
import re
from typing import Any

from modellint.edit import EditError
from modellint.facts.card import front_matter_start

_SEQ_UNDER_KEY = re.compile(r"^\S[^\n]*:[ \t]*\n( *)- ", re.M)
_NESTED_MAP = re.compile(r"^\S[^\n]*:[ \t]*\n( +)[^\s#-][^\n]*:", re.M)
_END = "\x00end"  # the pseudo-key of what follows the last key
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t](.*))?$")  # linear: the closing #s are cut in Python
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def _yaml(front: str) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a value an edit writes
    seq = _SEQ_UNDER_KEY.search(front)
    nested = _NESTED_MAP.search(front)
    offset = len(seq.group(1)) if seq else 0
    mapping = len(nested.group(1)) if nested else 2
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return yaml


class CardDoc:
    """README.md as front matter (a round-trip mapping) and body, edited then rendered back."""

    def __init__(self, text: str) -> None:
        self.bom = text.startswith("\ufeff")
        text = text.removeprefix("\ufeff")
        self.newline = "\r\n" if "\r\n" in text else "\n"
        text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        start = front_matter_start(lines)
        self.has_front_matter = start is not None
        self._front = ""  # the front matter as written, without its '---' lines
        self._opening = self._closing = "---"
        self._had_rest = True
        self.body = text
        if start is not None:
            end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() in ("---", "...")),
                       None)
            if end is None:
                raise EditError("README.md: the front matter is never closed ('---'); fix it first")
            self._front = "".join(line + "\n" for line in lines[start + 1:end])
            # Blank lines before the opening '---' are kept as they were.
            self._opening = "\n".join(lines[:start + 1])
            self._closing = lines[end]
            self._had_rest = end + 1 < len(lines)
            self.body = "\n".join(lines[end + 1:])
        self._yaml = _yaml(self._front)
        self.data = self._load(self._front)
        self._lines = {str(k): self.data.lc.key(k)[0] for k in self.data}  # before any edit
        self._dirty: set[str] = set()

    def _load(self, front: str) -> Any:
        from ruamel.yaml import CommentedMap
        from ruamel.yaml.constructor import DuplicateKeyError
        from ruamel.yaml.error import YAMLError

        if not front.strip():
            return CommentedMap()
        try:
            data = self._yaml.load(front)
        except DuplicateKeyError as exc:
            where = f" (line {exc.problem_mark.line + 2})" if exc.problem_mark else ""
            raise EditError(f"README.md: the front matter repeats a key{where}; remove the "
                            "duplicate first") from None
        except YAMLError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid YAML"
            raise EditError(f"README.md: the front matter is not valid YAML ({first}); "
                            "fix it first (ML106)") from None
        except Exception as exc:  # noqa: BLE001 - odd scalars, recursion: never a traceback
            raise EditError(f"README.md: the front matter cannot be read ({type(exc).__name__}); "
                            "fix it first (ML106)") from None
        if data is None:
            return CommentedMap()
        if not isinstance(data, CommentedMap):
            raise EditError("README.md: the front matter is not a mapping; fix it first (ML106)")
        return data

    # -- front matter ---------------------------------------------------------------------

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def set(self, key: str, value: Any, after: str | None = None) -> None:
        """Set a top-level key. A new key goes after ``after`` (when present) or at the end; a
        string replacing a quoted string keeps its quotes."""
        if key in self.data:
            old = self.data[key]
            if isinstance(value, str) and type(old).__name__.endswith("QuotedScalarString"):
                value = type(old)(value)
            if old == value and type(old) is type(value):
                return
            self.data[key] = value
        elif after is not None and after in self.data:
            self.data.insert(list(self.data).index(after) + 1, key, value)
        else:
            self.data[key] = value
        self._dirty.add(key)

    def mark_dirty(self, key: str) -> None:
        """Say that a value was changed in place (a list item), so that it is dumped anew."""
        self._dirty.add(key)

    def remove(self, key: str) -> None:
        if key in self.data:
            del self.data[key]
            self._dirty.add(key)

    def add_to_list(self, key: str, item: str, after: str | None = None) -> None:
        """Add ``item`` to a key holding a string or a list of strings (a string becomes a list)."""
        from ruamel.yaml import CommentedSeq

        old = self.data.get(key)
        if old is None or old == "" or old == []:
            self.set(key, item, after)
        elif isinstance(old, list):
            if item not in old:
                old.append(item)
                self._dirty.add(key)
        elif old != item:
            seq = CommentedSeq([old, item])
            self.set(key, seq, after)

    # -- body -----------------------------------------------------------------------------

    def headings(self) -> list[tuple[int, int, str]]:
        """(line index in the body, level, title) of each ATX heading outside code fences."""
        out = []
        fenced = False
        for i, line in enumerate(self.body.split("\n")):
            if _FENCE.match(line):
                fenced = not fenced
                continue
            m = None if fenced else _ATX.match(line)
            if m:
                from modellint.facts.card import _atx_title

                out.append((i, len(m.group(1)), _atx_title(m.group(2) or "")))
        return out

    def open_fence(self) -> str | None:
        """The fence (``` or ~~~) left open at the end of the body, if any."""
        opener: str | None = None
        for line in self.body.split("\n"):
            m = _FENCE.match(line)
            if m:
                opener = None if opener else m.group(1)
        return opener

    def append_section(self, title: str, text: str, level: int = 2) -> None:
        """Add a section at the end of the body (closing a code block left open there, which
        would otherwise swallow the new heading)."""
        fence = self.open_fence()
        if fence:
            self.body = self.body.rstrip("\n") + "\n" + fence + "\n"
        body = self.body.rstrip("\n")
        sep = "\n\n" if body.strip() else ""
        self.body = f"{body}{sep}{'#' * level} {title}\n\n{text.strip()}\n"

    def add_paragraph_under_title(self, text: str) -> None:
        """Put a paragraph right under the card's first level-1 heading (else at the top)."""
        lines = self.body.split("\n")
        top = next((i for i, level, _ in self.headings() if level == 1), None)
        at = top + 1 if top is not None else 0
        while top is None and at < len(lines) and not lines[at].strip():
            at += 1
        if at < len(lines) and not lines[at].strip():
            lines[at:at] = ["", text.strip()] if top is not None else [text.strip(), ""]
        else:
            lines[at:at] = ([""] if top is not None else []) + [text.strip(), ""]
        self.body = "\n".join(lines)

    # -- rendering ------------------------------------------------------------------------

    def render(self) -> str:
        front = self._render_front()
        tail = "\n" + self.body if (self._had_rest or self.body) else ""
        if self.has_front_matter:
            text = f"{self._opening}\n{front}{self._closing}{tail}"
        elif front.strip():  # front matter added to a card that had none
            text = f"---\n{front}---\n{self.body}"
        else:
            text = self.body
        text = text.replace("\n", self.newline)
        return ("\ufeff" if self.bom else "") + text

    def _render_front(self) -> str:
        if not self._dirty:
            return self._front
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        dumped = out.getvalue()
        if self.data.fa.flow_style() or (not self._lines and any(
                line.strip() and not line.lstrip().startswith("#") for line in self._front.splitlines())):
            return dumped  # a flow mapping (`{}`, `{license: mit}`) is rewritten whole
        old_blocks, lead = _blocks(self._front, self._lines)
        reloaded = self._yaml.load(dumped)
        new_blocks, _ = _blocks(dumped, {str(k): reloaded.lc.key(k)[0] for k in reloaded})
        if old_blocks is None or new_blocks is None:  # keys sharing lines (flow style): no splice
            return dumped
        parts = [lead]
        for key in self.data:
            name = str(key)
            if name in self._dirty or name not in old_blocks:
                keep_lead = old_blocks[name][0] if name in old_blocks else ""
                parts.append(keep_lead + new_blocks[name][1])
            else:
                parts.append(old_blocks[name][0] + old_blocks[name][1])
        parts.append(old_blocks.get(_END, ("", ""))[0])
        return "".join(parts)


def _blocks(front: str, key_lines: dict[str, int]) -> tuple[dict[str, tuple[str, str]] | None, str]:
    """Split front matter text into top-level key blocks: key -> (lead, block), where ``lead`` is
    the blank and comment lines right above the key, and the text before the first key.
    ``key_lines`` gives each key's 0-based line; None when two keys share a line (flow style)."""
    lines = front.splitlines(keepends=True)
    if not key_lines:
        return {}, front
    starts = sorted((line, key) for key, line in key_lines.items())
    if len({line for line, _ in starts}) < len(starts):
        return None, front
    raw: list[tuple[str, list[str]]] = []
    for n, (line, key) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        raw.append((key, lines[line:stop]))
    prelude = "".join(lines[: starts[0][0]])
    out: dict[str, tuple[str, str]] = {}
    carry: list[str] = []  # trailing comment lines of the block above, which belong to this key
    for key, block in raw:
        tail: list[str] = []
        while len(block) > 1 and (not block[-1].strip() or block[-1].startswith("#")):
            tail.insert(0, block.pop())
        out[key] = ("".join(carry), "".join(block))
        carry = tail
    out[_END] = ("".join(carry), "")  # blank and comment lines after the last key stay last
    return out, prelude


def edit_card(text: str | None) -> CardDoc:
    """A CardDoc for README.md's text (None: a new card)."""
    return CardDoc(text if text is not None else "")


__all__ = ["CardDoc", "edit_card"]
