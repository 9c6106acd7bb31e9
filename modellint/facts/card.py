"""Model card facts: YAML front matter, key line numbers, body sections and the model's title."""

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

# Front matter bigger than this is skimmed: its bulky evaluation blocks (an MTEB `model-index` runs
# to 700 KB) are set aside unparsed, so the work stays bounded whatever the card holds and the
# metadata rules need (license, base_model, tags...) is still read. Valid front matter is never an
# error because it is large.
SKIM_FRONT_MATTER = 128 * 1024
MAX_FRONT_MATTER = 512 * 1024  # what is left after skimming is parsed up to this size
BULKY_KEYS = frozenset({"model-index", "widget", "eval_results", "results"})
MAX_BLOCK = 64 * 1024  # any other top-level block this large is set aside too
# Aliases let a few lines of YAML describe billions of nodes; walking past this many is refused.
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 200

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t](.*))?$")  # the closing #s are cut by _atx_title
_TOP_KEY = re.compile(r"^([A-Za-z_][\w.-]*)\s*:")
# The same in "\n" + lines joined by "\n", from a line's "\n": re skips from line to line.
_TOP_KEY_LINE = re.compile(r"\n([A-Za-z_][\w.-]*)[^\S\n]*:")
# Bounded spans keep these linear on hostile headings (a line of 20,000 `[`).
_LINK = re.compile(r"!?\[([^\]\[]{0,300})\]\([^()\s]{0,500}\)")
_TAG = re.compile(r"<[^<>]{1,200}>")
_DECORATION = str.maketrans("", "", "*_`")  # emphasis and inline code marks, dropped
MAX_TITLE = 500  # characters of a heading kept: titles are short
_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")  # a setext heading's underline
# In "\n" + lines joined by "\n": a line that may be an ATX or HTML heading or a setext underline.
_HEADING_START = re.compile(r"\n[^\S\n]{0,3}(?:#|<[hH][1-6]|=+[^\S\n]*$|-+[^\S\n]*$)", re.M)
# An HTML heading on one line, as cards written in HTML have them: `<h2 align="center">Data</h2>`.
_HTML_HEADING = re.compile(r"^\s{0,3}<h([1-6])(?:\s[^<>\n]{0,200})?>(.{0,500}?)</h\1\s{0,3}>", re.I)


class Section(NamedTuple):
    """A heading of the model card and the text under it."""

    title: str
    level: int
    line: int  # 1-based line of the heading in README.md
    text: str  # the section's own text, up to the next heading of any level


class Card(NamedTuple):
    """The model card: front matter, where each key sits, and the body's sections."""

    path: str
    has_front_matter: bool
    metadata: Mapping[str, Any]  # empty when absent or invalid
    metadata_error: str | None
    metadata_error_line: int | None
    key_lines: Mapping[str, int]  # top-level key -> 1-based line in README.md
    sections: tuple[Section, ...]
    title: str | None
    body: str
    body_line: int  # line where the body starts
    truncated: bool = False
    comments: tuple[tuple[int, str], ...] = ()  # (line, text) of HTML comments outside code
    # Top-level front-matter keys set aside unparsed to bound the work (a 700 KB `model-index`).
    skipped_keys: tuple[str, ...] = ()
    # The body as a reader sees it rendered: HTML comments and fenced code blocks blanked out,
    # line numbers kept. Rules read prose, never the raw body: a `<!-- TODO: Built with Llama -->`
    # says nothing to a reader, and a directive shown in a code fence is an example, not a directive.
    prose: str = ""
    # The fenced code blocks the card shows (everything else blanked, line numbers kept): a merge
    # recipe or a training config shown as code is visible to a reader, but it is not prose.
    code: str = ""
    front_line: int = 1  # 1-based line of the opening '---' (blank lines may come first)

    def section(self, *patterns: str) -> Section | None:
        """The first section whose title matches one of the regex ``patterns`` (case-insensitive)."""
        if not self.sections or not patterns:
            return None
        combined = _alternation(patterns)
        return next((sec for sec in self.sections if combined.search(sec.title)), None)


@lru_cache(maxsize=256)
def _alternation(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


def parse_front_matter(text: str) -> tuple[Any, str | None, int | None]:
    """Parse YAML front matter text. Returns (value, error message, error line within it)."""
    if len(text) > MAX_FRONT_MATTER:
        return None, f"front matter is larger than {MAX_FRONT_MATTER // 1024} KiB", None
    import yaml  # imported here so that commands which never read a card skip the cost

    from modellint.facts.yamlload import TooBig, load

    try:
        value = load(text, MAX_YAML_NODES, MAX_YAML_DEPTH)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        return None, f"invalid YAML: {problem}", (mark.line + 1) if mark else None
    except yaml.YAMLError as exc:
        return None, f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else 'parse error'}", None
    except (TooBig, RecursionError):
        return None, "front matter is too deeply nested or expands to too many nodes", None
    except (ValueError, TypeError, OverflowError) as exc:  # odd scalars (huge ints, bad dates)
        return None, f"invalid YAML value: {exc}", None
    return value, None, None


def parse_card(path: str, text: str, truncated: bool = False) -> Card:
    lines = text.splitlines()
    start = front_matter_start(lines)
    has_fm = start is not None
    start = start or 0
    metadata: Mapping[str, Any] = {}
    error: str | None = None
    error_line: int | None = None
    key_lines: dict[str, int] = {}
    body_start = 0
    skipped: tuple[str, ...] = ()
    body: str | None = None
    if has_fm:
        # The card from its opening '---', joined once: the closing line is found in it with a
        # regex, and the front matter text, its keys and the body are read from it (no join or
        # strip per line).
        joined = "\n".join(lines[start:])
        fm_from = len(lines[start]) + 1  # offset of the first front matter line
        closing = _closing_line(lines, start + 1, joined, fm_from)
        if closing is None and not truncated:
            error, error_line = "front matter starts with '---' but is never closed", start + 1
            body_start = len(lines)
        else:
            if closing is None:
                # The read limit cut the front matter: read what arrived, its last block aside
                # (the truncation itself is reported as a read problem, not as broken metadata).
                end = len(lines)
                fm_lines = _without_last_block(lines[start + 1:end])
                fm_text = "\n".join(fm_lines)
                key_text = "\n" + fm_text
            else:
                end, close_at = closing
                fm_lines = lines[start + 1:end]
                fm_text = joined[fm_from:close_at - 1]
                key_text = joined[fm_from - 1:close_at - 1]  # each line after a newline
                body = joined[close_at + len(lines[end]) + 1:]
            if len(fm_text) > SKIM_FRONT_MATTER:
                fm_text, skipped = _skim(fm_lines)
            value, error, rel_line = parse_front_matter(fm_text)
            if error is None and value is not None and not isinstance(value, dict):
                error = f"front matter is a {type(value).__name__}, not a mapping"
            elif error is None and isinstance(value, dict):
                metadata = value
            error_line = (rel_line + start + 1) if rel_line else (start + 1 if error else None)
            key_lines = _top_keys(key_text, start + 2)  # past the opening '---', and 1-based
            body_start = end + 1
    if body is None:
        body = "\n".join(lines[body_start:])
    prose_lines, comments, code_lines = _prose_lines(lines, body_start, body)
    prose = "\n".join(prose_lines[body_start:])
    sections, title = _parse_body(prose_lines, body_start, prose)
    return Card(
        path=path,
        has_front_matter=has_fm,
        metadata=metadata,
        metadata_error=error,
        metadata_error_line=error_line,
        key_lines=key_lines,
        sections=sections,
        title=title,
        body=body,
        body_line=body_start + 1,
        truncated=truncated,
        comments=comments,
        skipped_keys=skipped,
        prose=prose,
        code="\n".join(code_lines) if any(code_lines) else "",
        front_line=start + 1,
    )


def front_matter_start(lines: Sequence[str]) -> int | None:
    """Index of the line opening the front matter: the first line that is not blank, when it is
    '---'. Blank lines before it are allowed, as the Hub and huggingface_hub read cards."""
    for i, line in enumerate(lines):
        if line.strip():
            return i if line.strip() == "---" else None
    return None


def _closing_line(lines: list[str], first: int, joined: str, pos: int) -> tuple[int, int] | None:
    """The index of the first line from ``first`` that strips to '---' or '...', and its offset in
    ``joined`` (``lines`` from some line on, joined by newlines; ``pos`` is line ``first``'s
    offset), else None. Found with str.find, faster than a strip of every line; '...' is looked
    for only before the first '---' line (a card closes its front matter with '---')."""
    dashes = _first_line(lines, first, joined, pos, len(joined), "---")
    dots = _first_line(lines, first, joined, pos, dashes[1] if dashes else len(joined), "...")
    return dots or dashes


def _first_line(lines: list[str], first: int, joined: str, pos: int, stop: int, mark: str
                ) -> tuple[int, int] | None:
    """(index, offset) of the first line from ``first`` starting before ``stop`` that strips to
    ``mark``: only lines holding it are looked at, each once."""
    line, counted = first, pos
    while (at := joined.find(mark, pos, stop)) >= 0:
        line_start = joined.rfind("\n", 0, at) + 1
        line += joined.count("\n", counted, line_start)
        counted = line_start
        if lines[line].strip() == mark:
            return line, line_start
        pos = joined.find("\n", at)  # on to the next line
        if pos < 0:
            break
    return None


def _top_keys(text: str, first_line: int) -> dict[str, int]:
    """Each top-level key of the front matter -> the line it first appears on. ``text`` is the
    front matter's lines, each after a newline; one regex scan instead of a match per line."""
    keys: dict[str, int] = {}
    line, pos = first_line - 1, 0
    for m in _TOP_KEY_LINE.finditer(text):
        line += text.count("\n", pos, m.start() + 1)
        pos = m.start() + 1
        keys.setdefault(m.group(1), line)
    return keys


def _blocks(fm_lines: list[str]) -> list[tuple[str | None, int, int]]:
    """(top-level key or None, first line, end line) of each top-level block of front matter."""
    starts = [(i, m.group(1)) for i, line in enumerate(fm_lines)
              if (m := _TOP_KEY.match(line)) is not None]
    blocks: list[tuple[str | None, int, int]] = []
    if not starts or starts[0][0] > 0:
        blocks.append((None, 0, starts[0][0] if starts else len(fm_lines)))
    for n, (i, key) in enumerate(starts):
        blocks.append((key, i, starts[n + 1][0] if n + 1 < len(starts) else len(fm_lines)))
    return blocks


def _skim(fm_lines: list[str]) -> tuple[str, tuple[str, ...]]:
    """Front matter with its bulky top-level blocks replaced by blank lines (line numbers kept),
    and the keys set aside. One pass over the lines."""
    out = list(fm_lines)
    skipped: list[str] = []
    for key, first, stop in _blocks(fm_lines):
        size = sum(len(line) + 1 for line in fm_lines[first:stop])
        if key is not None and (key in BULKY_KEYS or size > MAX_BLOCK):
            out[first:stop] = [""] * (stop - first)
            skipped.append(key)
    return "\n".join(out), tuple(dict.fromkeys(skipped))


def _without_last_block(fm_lines: list[str]) -> list[str]:
    """Front matter cut by a read limit, without its last (possibly cut) top-level block."""
    blocks = _blocks(fm_lines)
    return fm_lines[:blocks[-1][1]] if len(blocks) > 1 else []


def _marked_lines(body: str, start: int) -> list[int]:
    """Indexes (from ``start``) of the body's lines that may open or close a fence or hold `<!--`,
    in order: the only lines _prose_lines must look at one by one outside a comment. Found with
    str.find, which skips through text several times faster than a regex search."""
    found: list[int] = []  # offsets in body
    at = body.find("<!--")
    while at >= 0:
        found.append(at)
        at = body.find("<!--", at + 4)
    for fence in ("```", "~~~"):
        at = body.find(fence)
        while at >= 0:
            line_start = body.rfind("\n", 0, at) + 1
            if at - line_start <= 3:  # _FENCE.match decides; this only keeps the line
                found.append(line_start)
            at = body.find(fence, at + 3)
    found.sort()
    marked: list[int] = []
    line, pos = start, 0
    for at in found:
        line += body.count("\n", pos, at)
        pos = at
        if not marked or marked[-1] != line:
            marked.append(line)
    return marked


def _prose_lines(lines: list[str], start: int, body: str | None = None
                 ) -> tuple[list[str], tuple[tuple[int, str], ...], list[str]]:
    """The card's lines with HTML comments and fenced code blanked (same count, so line numbers
    hold), the comments found outside code as (line, text), and the body's lines with only the
    fenced code kept. One pass with str.find: linear in the card's size whatever it holds (an
    unclosed `<!--` hides the rest, as on the Hub). ``body`` is ``lines[start:]`` joined by
    newlines."""
    out = lines[:start]
    code: list[str] = []
    comments: list[tuple[int, str]] = []
    in_fence = False
    comment: list[str] | None = None  # the open comment's parts
    comment_line = 0
    # Lines holding neither a fence nor `<!--` are copied in runs (most of a card), not one by one.
    marked = _marked_lines("\n".join(lines[start:]) if body is None else body, start)
    marked.append(len(lines))
    next_mark = 0
    i = start
    while i < len(lines):
        if comment is None:
            while marked[next_mark] < i:
                next_mark += 1
            stop = marked[next_mark]
            if stop > i:
                run = lines[i:stop]
                blank = [""] * len(run)
                out.extend(blank if in_fence else run)
                code.extend(run if in_fence else blank)
                i = stop
                continue
        line = lines[i]
        i += 1
        if comment is None and in_fence:
            if _FENCE.match(line):
                in_fence = False
                line = ""
            out.append("")
            code.append(line)
            continue
        if comment is None and _FENCE.match(line):
            in_fence = True
            out.append("")
            code.append("")
            continue
        code.append("")
        spans = _code_spans(line) if "`" in line and "<!--" in line else []
        span = 0
        kept: list[str] = []
        pos = 0
        while pos <= len(line):
            if comment is not None:
                close = line.find("-->", pos)
                if close < 0:
                    comment.append(line[pos:])
                    break
                comment.append(line[pos:close])
                comments.append((comment_line, "\n".join(comment).strip()))
                comment = None
                pos = close + 3
                continue
            opening = line.find("<!--", pos)
            while opening >= 0 and span < len(spans):  # `<!-- -->` as inline code is shown
                while span < len(spans) and spans[span][1] <= opening:
                    span += 1
                if span == len(spans) or spans[span][0] > opening:
                    break
                opening = line.find("<!--", spans[span][1])
            if opening < 0:
                kept.append(line[pos:])
                break
            kept.append(line[pos:opening])
            comment, comment_line = [], i  # i is already the next line: this one, 1-based
            pos = opening + 4
        out.append("".join(kept))
    return out, tuple(comments), code


def _code_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of the inline code spans of one line: a run of backticks up to the next run of
    the same length (CommonMark). One pass over the runs, then one over their lengths: linear."""
    runs: list[tuple[int, int]] = []  # (start, length)
    at = line.find("`")
    while at >= 0:
        end = at
        while end < len(line) and line[end] == "`":
            end += 1
        runs.append((at, end - at))
        at = line.find("`", end)
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for j in range(len(runs) - 1, -1, -1):
        following[j] = last.get(runs[j][1])
        last[runs[j][1]] = j
    spans = []
    j = 0
    while j < len(runs):
        k = following[j]
        if k is None:
            j += 1
            continue
        spans.append((runs[j][0], runs[k][0] + runs[k][1]))
        j = k + 1
    return spans


def _parse_body(lines: list[str], start: int, prose: str | None = None
                ) -> tuple[tuple[Section, ...], str | None]:
    """Headings and their sections, read from the prose lines (code and comments blanked).
    ``prose`` is ``lines[start:]`` joined by newlines."""
    if prose is None:
        prose = "\n".join(lines[start:])
    # (line index, level, title, where the line starts in the prose)
    headings: list[tuple[int, int, str, int]] = []
    # Only a line starting with `#`, `<`, `=` or `-` (after up to three spaces) can be or underline
    # a heading: those are found in one scan of the text, the rest never looked at.
    text = "\n" + prose
    i, pos = start - 1, 0
    for candidate in _HEADING_START.finditer(text):
        i += text.count("\n", pos, candidate.start() + 1)
        pos = candidate.start() + 1
        line = lines[i]
        m = _ATX.match(line) if "#" in line[:4] else None
        if m:
            headings.append((i, len(m.group(1)), _atx_title(m.group(2) or ""), candidate.start()))
        elif "<" in line[:4] and (h := _HTML_HEADING.match(line)):
            headings.append((i, int(h.group(1)), h.group(2).strip()[:MAX_TITLE], candidate.start()))
        elif (
            i > start
            and lines[i - 1].strip()
            and _UNDERLINE.match(line)
            and not _ATX.match(lines[i - 1])
            and not _UNDERLINE.match(lines[i - 1])  # an underline is no title
        ):
            level = 1 if line.strip().startswith("=") else 2
            title_at = prose.rfind("\n", 0, candidate.start() - 1) + 1
            headings.append((i - 1, level, lines[i - 1].strip()[:MAX_TITLE], title_at))
    sections = []
    # A section's text is sliced from the prose: from the line after its heading (and underline)
    # to the line before the next heading, as the lines between joined by newlines.
    for n, (idx, level, heading, at) in enumerate(headings):
        stop = headings[n + 1][3] - 1 if n + 1 < len(headings) else len(prose)
        first = prose.find("\n", at) + 1
        if first and idx + 1 < len(lines) and _UNDERLINE.match(lines[idx + 1]):
            first = prose.find("\n", first) + 1  # setext headings own their underline
        text = prose[first:stop].strip() if 0 < first <= stop else ""
        sections.append(Section(_plain(heading), level, idx + 1, text))
    title = next((s.title for s in sections if s.level == 1), None)
    return tuple(sections), title


def _atx_title(text: str) -> str:
    """A heading's text without its optional closing run of #s (cut in Python: the regex form
    of this backtracks quadratically on long runs of spaces)."""
    text = text.strip()
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip()
    return text[:MAX_TITLE]


def _plain(title: str) -> str:
    """Strip Markdown decoration from a heading: links, emphasis, inline code, HTML tags."""
    if "](" in title:  # each pattern needs its literal: most headings skip both
        title = _LINK.sub(r"\1", title)
    if "<" in title:
        title = _TAG.sub("", title)
    if "*" in title or "_" in title or "`" in title:  # translate looks up every character
        title = title.translate(_DECORATION)
    return title.strip()
