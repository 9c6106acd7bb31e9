"""Small text files named by a configuration (waivers, baselines, config files), read with bounds.

A repository's configuration names files (``baseline``, ``waivers-file``); a path there may be a
FIFO (the read never returns), a device (``/dev/zero`` never ends) or a multi-gigabyte file.
Each is opened without blocking, must be a regular file, and is read up to a limit; a larger one
is refused. The errors are OSErrors with a ``strerror`` that says why, as ``open`` would give.
"""

import errno
import os
import stat


def read_text(path: str, limit: int, *, allow_pipe: bool = False) -> str:
    """The UTF-8 text of ``path`` (at most ``limit`` bytes). ``allow_pipe`` admits a FIFO the
    user named on the command line (``--config <(...)``), still read only up to the limit.
    Raises OSError, UnicodeDecodeError."""
    flags = os.O_RDONLY | (0 if allow_pipe else getattr(os, "O_NONBLOCK", 0))
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISREG(mode) or (allow_pipe and stat.S_ISFIFO(mode))):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, device or folder)", path)
        chunks = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    finally:
        os.close(fd)
    if got > limit:
        raise OSError(errno.EFBIG, f"larger than {_size(limit)}", path)
    return b"".join(chunks).decode("utf-8-sig")


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"
