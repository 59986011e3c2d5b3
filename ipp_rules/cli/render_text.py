"""The small pieces of wording every command's text output shares: counts, days, wrapping."""

from __future__ import annotations

import textwrap
from datetime import date

__all__ = ["WIDTH", "count", "day_text", "wrapped"]

WIDTH = 92
"""The width text output is wrapped to."""


def count(number: int, word: str) -> str:
    """``1 rule``, ``3 rules``."""
    return f"{number} {word}{'s' if number != 1 else ''}"


def day_text(day: date) -> str:
    """``Fri 2026-09-18``."""
    return f"{day.strftime('%a')} {day.isoformat()}"


def wrapped(
    text: str, first: str, rest: str | None = None, *, at_hyphens: bool = False
) -> list[str]:
    """``text`` wrapped to :data:`WIDTH` at spaces (and after hyphens only if
    ``at_hyphens``), its first line starting with ``first`` and the others with ``rest``
    (spaces as wide as ``first`` when not given)."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=" " * len(first) if rest is None else rest,
        break_on_hyphens=at_hyphens,
    )
