"""License, NOTICE, policy and changelog files: bounded reading, decoding, identification."""

import codecs
from typing import NamedTuple

from modellint.identify import IdentifiedLicense, identify_file
from modellint.snapshot import FileEntry, FileReadError, Snapshot

# License texts are a few hundred KiB at the very most; past this the file is truncated and said so.
MAX_TEXT_BYTES = 1024 * 1024
# Formats whose text we cannot read without a document parser: recorded, not reported as broken.
OPAQUE_SUFFIXES = (".pdf", ".docx", ".doc", ".odt", ".rtf")


class TextFile(NamedTuple):
    """A license, notice, policy or changelog file, read with bounds and identified."""

    path: str
    role: str  # license | notice | policy | changelog
    scope: str | None  # code | weights | data | None (the whole repository)
    size: int
    text: str | None  # None when not readable as text
    truncated: bool = False
    licenses: tuple[IdentifiedLicense, ...] = ()
    note: str | None = None  # e.g. "PDF: text not inspected"
    problem: str | None = None  # a read/decode problem (also reported as ML901)


def read_start(snapshot: Snapshot, path: str, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes from the start of ``path``, and whether the file holds more
    (raises FileReadError)."""
    data = snapshot.read_head(path, limit + 1)
    return data[:limit], len(data) > limit


def read_reason(exc: FileReadError) -> str:
    """Why a file could not be read, without the path a FileReadError message starts with."""
    return str(exc).split(": ", 1)[-1]


def decode(data: bytes, truncated: bool = False) -> tuple[str | None, str | None]:
    """Decode file bytes to text. Returns (text or None, problem or None)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, "claims UTF-16 but does not decode"
    if b"\x00" in data[:8192]:
        return None, "binary content (NUL bytes); not read as text"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(data) - 3:
            # The byte limit may cut a multi-byte character in half: that is not the file's fault.
            return data[: exc.start].decode("utf-8-sig"), None
        text = data.decode("utf-8", errors="replace")
        return text, f"not valid UTF-8 (first bad byte at offset {exc.start}); read with replacements"


def read_text_file(snapshot: Snapshot, entry: FileEntry, role: str, scope: str | None) -> TextFile:
    lower = entry.path.lower()
    if lower.endswith(OPAQUE_SUFFIXES):
        note = f"{lower.rsplit('.', 1)[-1].upper()} document: text not inspected"
        return TextFile(entry.path, role, scope, entry.size, None, note=note,
                        licenses=identify_file(entry.path, None))
    if entry.lfs is not None:
        return TextFile(entry.path, role, scope, entry.size, None,
                        note="git-lfs pointer: content not available locally",
                        licenses=identify_file(entry.path, None))
    try:
        data, truncated = read_start(snapshot, entry.path, MAX_TEXT_BYTES)
    except FileReadError as exc:
        return TextFile(entry.path, role, scope, entry.size, None, problem=read_reason(exc))
    text, problem = decode(data, truncated)
    if truncated and problem is None:
        problem = f"larger than {MAX_TEXT_BYTES // 1024} KiB; only the start was read"
    return TextFile(entry.path, role, scope, entry.size, text, truncated=truncated,
                    licenses=identify_file(entry.path, text, role), problem=problem)
