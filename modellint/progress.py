"""Audit progress on stderr: a bar redrawn in place on a terminal, a plain line every few
seconds elsewhere (CI logs), both with done / total, rate and time left."""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

LOG_INTERVAL = 5.0  # seconds between lines in a log


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """Counts finished targets and shows done / total / rate / ETA."""

    def __init__(self, total: int, stream: TextIO, *, tty: bool,
                 interval: float = LOG_INTERVAL, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self.total = total
        self.done = 0
        self.stream = stream
        self.tty = tty
        self.interval = interval
        self._clock = clock
        self._start = clock()
        self._last = self._start
        self._lock = threading.Lock()

    def status(self) -> str:
        elapsed = max(self._clock() - self._start, 1e-9)
        rate = self.done / elapsed
        text = f"{self.done}/{self.total} done, {rate:.1f} targets/s"
        if 0 < self.done < self.total and rate > 0:
            text += f", ETA {_duration((self.total - self.done) / rate)}"
        return text

    def advance(self, target: str = "", count: int = 1) -> None:
        with self._lock:
            self.done += count
            now = self._clock()
            if self.tty:
                width = 24
                filled = width * self.done // max(self.total, 1)
                bar = "#" * filled + "." * (width - filled)
                self.stream.write(f"\r\x1b[2K[{bar}] {self.status()} {_printable(target)[-40:]}")
                self.stream.flush()
            elif now - self._last >= self.interval:
                self._last = now
                self.stream.write(f"modellint: {self.status()}\n")
                self.stream.flush()

    def close(self, interrupted: bool = False) -> None:
        with self._lock:
            if self.tty:
                self.stream.write("\r\x1b[2K")
            if interrupted or (not self.tty and self._clock() - self._start >= self.interval):
                word = "interrupted at" if interrupted else "finished:"
                self.stream.write(f"modellint: {word} {self.status()}\n")
            self.stream.flush()


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def stderr_progress(total: int, stream: TextIO | None = None,
                    isatty: bool | None = None) -> Progress | None:
    """A bar on a terminal, log lines elsewhere; None for a single target."""
    if total <= 1:
        return None
    stream = stream or sys.stderr
    tty = stream.isatty() if isatty is None else isatty
    try:
        interval = float(os.environ.get("MODELLINT_PROGRESS_SECONDS", LOG_INTERVAL))
    except ValueError:
        interval = LOG_INTERVAL
    return Progress(total, stream, tty=tty, interval=interval)
