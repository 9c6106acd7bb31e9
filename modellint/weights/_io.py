"""Bounded sequential reading of a weight header through a snapshot.

Every byte comes from ``snapshot.read_range``; on the Hub each call is an HTTP Range request, so
the reader fetches growing windows (first one already read by the caller) and counts what it
fetched against a hard budget. Skipping moves the position without fetching anything.
"""

from __future__ import annotations

from struct import Struct, unpack_from

from modellint.snapshot import Snapshot

FIRST_READ = 64 * 1024
MAX_WINDOW = 4 * 1024 * 1024


class HeaderError(Exception):
    """The header is truncated, oversized or malformed: becomes WeightFile.error (ML902)."""


class OverBudget(Exception):
    """Reading on would exceed the byte budget: stop and keep what was found."""


class RangeReader:
    def __init__(self, snapshot: Snapshot, path: str, size: int, first: bytes, budget: int) -> None:
        self.snapshot = snapshot
        self.path = path
        self.size = size
        self.budget = budget
        self.buf = first
        self.buf_start = 0
        self.pos = 0
        self.fetched = len(first)
        self.window = max(len(first), FIRST_READ)

    @property
    def remaining(self) -> int:
        return self.size - self.pos

    def _in_buffer(self, n: int) -> bool:
        off = self.pos - self.buf_start
        return 0 <= off and off + n <= len(self.buf)

    def ensure(self, n: int) -> None:
        """Make ``[pos, pos + n)`` available in the buffer."""
        if self.pos + n > self.size:
            raise HeaderError(
                f"truncated: needs {n} bytes at offset {self.pos} but the file has {self.size}")
        if self._in_buffer(n):
            return
        self.window = min(self.window * 2, MAX_WINDOW)
        end = min(self.size, self.pos + max(n, self.window))
        left = self.budget - self.fetched
        if left < n:
            raise OverBudget
        end = min(end, self.pos + left)
        data = self.snapshot.read_range(self.path, self.pos, end)
        self.fetched += len(data)
        if len(data) < n:
            raise HeaderError(f"truncated: file ends at offset {self.pos + len(data)}")
        self.buf, self.buf_start = data, self.pos

    def read(self, n: int) -> bytes:
        self.ensure(n)
        off = self.pos - self.buf_start
        self.pos += n
        return self.buf[off:off + n]

    def unpack(self, fmt: str, n: int) -> tuple:  # type: ignore[type-arg]
        self.ensure(n)
        value = unpack_from(fmt, self.buf, self.pos - self.buf_start)
        self.pos += n
        return value

    def skip(self, n: int) -> None:
        if n < 0 or self.pos + n > self.size:
            raise HeaderError(
                f"truncated: a {n}-byte field at offset {self.pos} runs past the end ({self.size})")
        self.pos += n

    def skip_prefixed(self, count: int, prefix: str, max_len: int) -> None:
        """Skip ``count`` length-prefixed items (GGUF strings) without keeping any of them."""
        width = 8 if prefix.endswith("Q") else 4
        unpack = Struct(prefix).unpack_from
        while count:
            self.ensure(width)
            buf, off, end = self.buf, self.pos - self.buf_start, len(self.buf)
            # Tight loop over what is already buffered: vocabularies hold 100k+ entries.
            while count and off + width <= end:
                (n,) = unpack(buf, off)
                if n > max_len:
                    raise HeaderError(f"string of {n} bytes at offset {self.buf_start + off}")
                off += width + n
                count -= 1
            self.pos = self.buf_start + off
            if self.pos > self.size:
                raise HeaderError(f"truncated: a string runs past the end ({self.size})")
