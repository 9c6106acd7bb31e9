"""Pickle-based checkpoints (.bin/.pt/.pth/.ckpt, .pkl, .joblib): never unpickled.

A pickle has no license metadata. What can be said safely: is it a raw pickle stream or a zip
archive (``torch.save`` since 1.6), and for a zip, which entries its central directory lists.
The directory sits at the end of the file, so only the tail is read, within hard bounds. It is
parsed by hand: every length in it is checked against the bytes actually read, and ``zipfile``
would import pathlib (and more) into every local scan of a torch checkpoint.
"""

from __future__ import annotations

from struct import unpack_from
from typing import Any

from modellint.snapshot import Snapshot
from modellint.weights._io import HeaderError

NOTE = "pickle-based format: never unpickled; carries no license metadata"
TAIL = 66 * 1024  # end-of-central-directory record (22 bytes) + the longest comment + zip64
MAX_DIRECTORY = 8 * 1024 * 1024
LIST_ENTRIES = 50

_EOCD = b"PK\x05\x06"
_LOCATOR64 = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_ENTRY = b"PK\x01\x02"
_ENTRY_HEAD = 46  # fixed part of a central directory header; name, extra, comment follow
_UTF8_NAME = 0x800  # general-purpose flag: the name is UTF-8, else cp437
_ZIP64_EXTRA = 0x0001
_NO_SIZE = 0xFFFFFFFF  # a 32-bit size field saying "see the zip64 extra field"


def sniff(first: bytes) -> str:
    if first.startswith((b"PK\x03\x04", _EOCD)):
        return "zip"
    if first[:1] == b"\x80" and len(first) > 1 and 2 <= first[1] <= 5:
        return f"pickle protocol {first[1]}"
    if first[:1] in (b"(", b"}", b"]", b"c"):  # protocol 0/1 opcodes: MARK, dicts, GLOBAL
        return "pickle (old protocol)"
    return "unknown"


def _tail(snapshot: Snapshot, path: str, size: int, first: bytes) -> tuple[bytes, int]:
    if size <= len(first):
        return first[:size], 0
    start = max(0, size - TAIL)
    data = snapshot.read_range(path, start, size)
    if len(data) != size - start:
        raise HeaderError(f"truncated: the file ends before its listed size {size}")
    return data, start


def list_zip(snapshot: Snapshot, path: str, size: int, first: bytes) -> dict[str, Any]:
    """Entries of a zip checkpoint from its central directory; raise HeaderError if malformed."""
    tail, tail_start = _tail(snapshot, path, size, first)
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        raise HeaderError("zip archive without an end-of-central-directory record (truncated?)")
    count, cd_size, cd_offset = unpack_from("<10xHII", tail, at)
    head = at  # where the directory's trailer starts within ``tail``
    if 0xFFFFFFFF in (cd_size, cd_offset) or count == 0xFFFF:
        loc = at - 20
        if loc < 0 or tail[loc:loc + 4] != _LOCATOR64:
            raise HeaderError("zip64 archive without a zip64 locator")
        rec = unpack_from("<Q", tail, loc + 8)[0] - tail_start
        if rec < 0 or tail[rec:rec + 4] != _EOCD64 or rec + 56 > len(tail):
            raise HeaderError("zip64 end-of-central-directory record missing or out of reach")
        count, cd_size, cd_offset = unpack_from("<QQQ", tail, rec + 32)
        head = rec
    if cd_size > MAX_DIRECTORY:
        raise HeaderError(f"zip central directory of {cd_size} bytes is over the "
                          f"{MAX_DIRECTORY}-byte limit")
    cd_end = cd_offset + cd_size
    if cd_end != tail_start + head:
        raise HeaderError("zip central directory does not end where its trailer starts")
    if cd_offset >= tail_start:
        directory = tail[cd_offset - tail_start:head]
    else:
        directory = snapshot.read_range(path, cd_offset, tail_start) + tail[:head]
    if len(directory) != cd_size:
        raise HeaderError("truncated zip central directory")
    names, uncompressed = _entries(directory, count)
    return {
        "container": "zip",
        "entries": len(names),
        "entry_names": names[:LIST_ENTRIES],
        "pickles": [n for n in names if n.endswith((".pkl", ".pickle"))][:LIST_ENTRIES],
        "uncompressed_bytes": uncompressed,
    }


def _malformed(detail: str) -> HeaderError:
    return HeaderError(f"zip central directory is malformed: {detail}")


def _entries(directory: bytes, count: int) -> tuple[list[str], int]:
    """Names and total uncompressed size of the entries filling ``directory`` exactly."""
    names: list[str] = []
    total = 0
    at, end = 0, len(directory)
    while at < end:
        index = len(names)
        if at + _ENTRY_HEAD > end or directory[at:at + 4] != _ENTRY:
            raise _malformed(f"no entry header at byte {at} (entry {index})")
        (flags,) = unpack_from("<H", directory, at + 8)
        size, name_len, extra_len, comment_len = unpack_from("<IHHH", directory, at + 24)
        name_at = at + _ENTRY_HEAD
        extra_at = name_at + name_len
        at = extra_at + extra_len + comment_len
        if at > end:
            raise _malformed(f"entry {index} runs past the end of the directory")
        raw = directory[name_at:extra_at]
        try:
            name = raw.decode("utf-8" if flags & _UTF8_NAME else "cp437")  # cp437 maps every byte
        except UnicodeDecodeError:
            raise _malformed(f"entry {index} is flagged UTF-8 but its name is not") from None
        if size == _NO_SIZE:
            size = _zip64_size(directory, extra_at, extra_at + extra_len, index)
        names.append(name.split("\0", 1)[0])  # as zipfile does: a NUL ends the name
        total += size
    if len(names) != count:
        raise _malformed(f"its trailer counts {count} entries but it holds {len(names)}")
    return names, total


def _zip64_size(directory: bytes, at: int, end: int, index: int) -> int:
    """The uncompressed size from the zip64 extra field in ``directory[at:end]``."""
    while at + 4 <= end:
        kind, length = unpack_from("<HH", directory, at)
        at += 4
        if at + length > end:
            raise _malformed(f"entry {index} has an extra field running past its end")
        if kind == _ZIP64_EXTRA:
            if length < 8:
                raise _malformed(f"entry {index} has a zip64 field too short for its size")
            return int(unpack_from("<Q", directory, at)[0])
        at += length
    raise _malformed(f"entry {index} has a zip64 size but no zip64 extra field")
