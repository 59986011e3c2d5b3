"""Where a distributed job runs: ``local``, or the address of a running Dask scheduler."""

from __future__ import annotations

import re

from ipp_rules.errors import ArgumentError

__all__ = ["scheduler_address"]

_ADDRESS = re.compile(r"(tcp|tls)://[A-Za-z0-9._\-\[\]:]{1,255}")


def scheduler_address(text: str) -> str:
    """``local``, or a scheduler's address ``tcp://HOST:PORT`` (``tls://``); ArgumentError
    otherwise."""
    if text == "local" or _ADDRESS.fullmatch(text):
        return text
    raise ArgumentError(
        f"expected 'local' or a scheduler address like tcp://10.0.0.5:8786 (got {text!r})"
    )
