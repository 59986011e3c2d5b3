"""The lines of a history file: read from a stream in blocks, decoded, each with its line
break, and the line of each row read.

A line that is too long or not UTF-8 is a problem located at its line, and reading stops
there, after the lines before it. A stream is read :data:`BLOCK_BYTES` at a time and decoded
a block at a time (a million lines decoded one by one cost as much as reading their rows);
lines given one by one (:func:`decoded_lines`) are read to the same lines with the same
problems.
"""

from __future__ import annotations

import bisect
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

__all__ = ["BLOCK_BYTES", "MAX_LINE_BYTES", "RowLines", "decoded_lines", "stream_lines"]

MAX_LINE_BYTES = 1_048_576
"""The longest line of a history read, in bytes with its line break: a longer one is a
problem, and reading stops."""
BLOCK_BYTES = 1 << 20
"""How much of a stream is read and decoded at a time (at most :data:`MAX_LINE_BYTES`)."""

Bad = Callable[[int, list[str]], None]
"""Where a problem goes: its line and its messages."""


def decoded_lines(lines: Iterable[str | bytes], bad: Bad) -> Iterator[str]:
    """The lines as text (a leading BOM dropped), stopping with a problem (to ``bad``) at the
    first line that is too long or not UTF-8."""
    for number, line in enumerate(lines, start=1):
        refused = _refused(line)
        if refused is not None:
            bad(number, [refused])
            return
        text = line.decode("utf-8") if isinstance(line, bytes) else line
        yield text.removeprefix("\ufeff") if number == 1 else text


def stream_lines(stream: BinaryIO, bad: Bad, *, close: bool = False) -> Iterator[str]:
    """The lines of ``stream`` as :func:`decoded_lines` gives them, split at ``\\n`` only;
    with ``close``, the stream is closed once read (or when the lines are dropped)."""
    return itertools.chain.from_iterable(_blocks(stream, bad, close))


def _blocks(stream: BinaryIO, bad: Bad, close: bool) -> Iterator[Iterable[str]]:
    try:
        yield from _read_blocks(stream, bad)
    finally:
        if close:
            stream.close()


def _read_blocks(stream: BinaryIO, bad: Bad) -> Iterator[Iterable[str]]:
    """The stream's lines, a block of whole lines at a time."""
    before = 0  # lines in the blocks given so far
    rest = b""
    while True:
        chunk = stream.read(BLOCK_BYTES)
        data = rest + chunk if rest else chunk
        cut = data.rfind(b"\n") + 1 if chunk else len(data)
        block, rest = data[:cut], data[cut:]
        if block:
            # A line inside one read is at most BLOCK_BYTES long: only the first line of a
            # block, which began in an earlier read, can be too long.
            first = block.find(b"\n") + 1 or len(block)
            try:
                text = None if first > MAX_LINE_BYTES else block.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is None:  # line by line, to stop at the bad one
                for line in io.BytesIO(block):
                    before += 1
                    refused = _refused(line)
                    if refused is not None:
                        bad(before, [refused])
                        return
                    decoded = line.decode("utf-8")
                    yield (decoded.removeprefix("\ufeff") if before == 1 else decoded,)
            else:
                if not before:
                    text = text.removeprefix("\ufeff")
                yield io.StringIO(text, newline="\n")
                before += block.count(b"\n")
        if not chunk:
            return
        if len(rest) > MAX_LINE_BYTES:  # a line with no end in sight
            bad(before + 1, [f"line longer than {MAX_LINE_BYTES} bytes"])
            return


def _refused(line: str | bytes) -> str | None:
    """Why a line of a history file is not read (too long, not UTF-8), or None."""
    if len(line) > MAX_LINE_BYTES:
        return f"line longer than {MAX_LINE_BYTES} bytes"
    if isinstance(line, bytes):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"not valid UTF-8: {exc.reason} at byte {exc.start + 1}"
    return None


class RowLines:
    """The line of each row read, kept as runs of rows on consecutive lines: a few numbers for
    a file of millions of rows, and nothing to do for a row that follows the one before."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        """The position of the first row of each run."""
        self._gaps: list[int] = []
        """Each run's line less position."""

    def at(self, position: int, line: int) -> None:
        """The row at ``position`` is on ``line`` (or will be, if it comes next), and the rows
        after it on the lines after, until told otherwise."""
        gap = line - position
        if self._starts and self._starts[-1] == position:
            self._gaps[-1] = gap
            if len(self._gaps) > 1 and self._gaps[-2] == gap:
                del self._starts[-1], self._gaps[-1]
        elif not self._gaps or self._gaps[-1] != gap:
            self._starts.append(position)
            self._gaps.append(gap)

    def line(self, position: int) -> int:
        """The line of the row at ``position``."""
        if position < 0 or not self._starts:
            raise IndexError(f"no row at {position}")
        return position + self._gaps[bisect.bisect_right(self._starts, position) - 1]
