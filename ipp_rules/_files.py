"""Opening files named from outside (command arguments, bundle manifests): regular files only.

A FIFO with no writer would block ``open`` forever, and a device such as ``/dev/zero`` never
ends. The file is opened without blocking and checked before anything is read from it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from typing import BinaryIO

__all__ = ["bounded_lines", "open_regular"]


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading in binary; ``OSError`` (with ``strerror`` and
    ``filename``) if it cannot be opened or is a directory, pipe, device or socket."""
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # POSIX; elsewhere FIFOs cannot be named
    fd = os.open(path, os.O_RDONLY | nonblocking)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", os.fspath(path))
        if not stat.S_ISREG(mode):
            raise OSError(
                errno.EINVAL,
                "not a regular file (a pipe, device or socket is not read)",
                os.fspath(path),
            )
        if nonblocking:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def bounded_lines(stream: BinaryIO, limit: int, *, resume: bool = False) -> Iterator[bytes]:
    """The stream's lines, none read past ``limit`` + 1 bytes, so a stream with no newline
    cannot fill memory. A longer line is yielded cut there (the reader reports it); then the
    lines end, or with ``resume`` (for a regular file, which ends) the rest of that line is
    skipped and the next lines follow."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        yield line
        if len(line) > limit:
            if not resume:
                return
            while line and not line.endswith(b"\n"):
                line = stream.readline(limit + 1)
