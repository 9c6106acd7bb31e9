"""Pickle-based checkpoints (.bin/.pt/.pth/.ckpt, .pkl, .joblib): never unpickled.

A pickle has no license metadata. What can be said safely: is it a raw pickle stream or a zip
archive (``torch.save`` since 1.6), and for a zip, which entries its central directory lists.
The directory sits at the end of the file, so only the tail is read, within hard bounds.
"""

from __future__ import annotations

import io
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
    import zipfile

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
    try:
        # The directory and its trailer alone form a valid archive for zipfile: it works out the
        # offset shift itself, and only the listing is used, never the members.
        with zipfile.ZipFile(io.BytesIO(directory + tail[head:])) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, UnicodeDecodeError,
            NotImplementedError) as exc:  # zipfile refuses unknown versions this way
        raise HeaderError(f"zip central directory is malformed: {exc}") from None
    names = [i.filename for i in infos]
    return {
        "container": "zip",
        "entries": len(names),
        "entry_names": names[:LIST_ENTRIES],
        "pickles": [n for n in names if n.endswith((".pkl", ".pickle"))][:LIST_ENTRIES],
        "uncompressed_bytes": sum(i.file_size for i in infos),
    }
