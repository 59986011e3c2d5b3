"""Files named from outside (command arguments, bundle manifests): regular files only.

A FIFO with no writer would block ``open`` forever, and a device such as ``/dev/zero`` never
ends. A file read is opened without blocking and checked before anything is read from it; a
file written is never opened at all, but written beside itself and renamed over it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from typing import BinaryIO

__all__ = ["bounded_lines", "open_regular", "replacing", "write_regular"]


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


def write_regular(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` as the whole of the file ``path``, or leave ``path`` as it was.

    ``OSError`` (with ``strerror``, and ``path`` as ``filename``) if ``path`` is a directory,
    pipe, device or socket, or the write fails. See :func:`replacing`.
    """
    with replacing(path) as handle:
        handle.write(data)


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A file to write in binary that becomes the whole of ``path`` when the block ends
    without an error; on an error ``path`` is left as it was, and nothing is left beside it.

    ``OSError`` (with ``strerror``, and ``path`` as ``filename``) if ``path`` is a directory,
    pipe, device or socket, or the write fails. The data goes to a new file in the same folder,
    which is then renamed over ``path``: the target is never opened, so a FIFO cannot block
    and a device is not written to, and a failed write (a full disk, an interrupted run)
    leaves no half file. An existing file keeps its permissions; a symbolic link is written
    through and stays a link. An ``OSError`` the block raises about no file (a write that
    fails) is raised as one about ``path``; one that names its file (an input that cannot be
    read) is raised as it is.
    """
    name = os.fspath(path)
    target = os.path.realpath(name)
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", name)
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError(
            errno.EINVAL, "not a regular file (a pipe, device or socket is not written)", name
        )
    folder, base = os.path.split(target)
    temporary = os.path.join(folder, f".{base}.{secrets.token_hex(4)}.tmp")
    try:
        # O_EXCL: a name someone placed there meanwhile (a link, a FIFO) is not opened.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _naming(exc, name) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None and hasattr(os, "fchmod"):  # POSIX
                os.fchmod(handle.fileno(), stat.S_IMODE(mode))
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError) and exc.filename is None:  # a file's own error names it
            raise _naming(exc, name) from None
        raise


def _naming(exc: OSError, name: str) -> OSError:
    """``exc`` about the file the caller named, not the temporary one (or none, on a write)."""
    return type(exc)(exc.errno, exc.strerror or str(exc), name)


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
