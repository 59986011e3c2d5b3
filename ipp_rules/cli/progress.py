"""A progress bar for long commands, drawn on a terminal only.

When the stream is not a terminal (a pipe, a file, a test) nothing is written at all, so the
output of a command never depends on how long it took.
"""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]

_WIDTH = 30
_INTERVAL = 0.1


class Progress:
    """``done/total`` with a bar, redrawn in place at most ten times a second; ``done`` alone
    when the total is not known (``None``: a stream read as it comes)."""

    def __init__(self, total: int | None, stream: TextIO, label: str) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.label = label
        self.active = total != 0 and _is_terminal(stream)
        self._drawn = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.total is not None:
            self.done = min(self.total, self.done)
        now = time.monotonic()
        if self.active and (now - self._drawn >= _INTERVAL or self.done == self.total):
            self._drawn = now
            if self.total is None:
                self.stream.write(f"\r{self.label} {self.done}")
            else:
                filled = _WIDTH * self.done // self.total
                bar = "#" * filled + "." * (_WIDTH - filled)
                self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        """Clear the bar's line."""
        if self.active:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.active = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
