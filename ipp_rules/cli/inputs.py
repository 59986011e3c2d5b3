"""Reading a document the command line names: a file, or standard input for ``-``."""

from __future__ import annotations

import os
import sys

from ipp_rules.text.files import open_regular

__all__ = ["MAX_INPUT_BYTES", "read_input"]

MAX_INPUT_BYTES = 4 * 1024 * 1024
"""The largest document a command reads, in bytes."""


def read_input(name: str) -> tuple[bytes, str]:
    """The bytes of file ``name`` (``-``: standard input) and the label errors show for it;
    OSError if it cannot be read or is larger than :data:`MAX_INPUT_BYTES`."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        label = "<stdin>"
    else:
        with open_regular(name) as handle:
            if os.fstat(handle.fileno()).st_size > MAX_INPUT_BYTES:
                raise OSError(f"{name}: larger than {MAX_INPUT_BYTES} bytes")
            data = handle.read(MAX_INPUT_BYTES + 1)
        label = name
    if len(data) > MAX_INPUT_BYTES:
        raise OSError(f"{label}: larger than {MAX_INPUT_BYTES} bytes")
    return data, label
