"""Numbers written as plain (unquoted) YAML scalars, remembering the text they were written as.

YAML reads ``platform: 1688`` as a number and ``group: 0304`` as a number that has lost its
leading zero. The strict loader keeps the source text beside the number, so a field that
expects text gets exactly what was typed (``"1688"``, ``"0304"``), while a field that expects a
number still gets a number.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "PlainFloat",
    "PlainInt",
    "source_text",
]


class PlainInt(int):
    """An integer read from a plain YAML scalar, with its source text."""

    text: str

    def __getnewargs__(self) -> tuple[str]:  # type: ignore[override]
        return (self.text,)  # pickled and copied from its source text

    def __new__(cls, text: str) -> PlainInt:
        self = super().__new__(cls, int(text, 10))
        self.text = text
        return self


class PlainFloat(float):
    """A float read from a plain YAML scalar, with its source text."""

    text: str

    def __getnewargs__(self) -> tuple[str]:  # type: ignore[override]
        return (self.text,)  # pickled and copied from its source text

    def __new__(cls, text: str) -> PlainFloat:
        self = super().__new__(cls, float(text))
        self.text = text
        return self


def source_text(value: Any) -> Any:
    """Validator for text fields: a plain YAML number becomes the text it was written as."""
    if isinstance(value, PlainInt | PlainFloat):
        return value.text
    return value
