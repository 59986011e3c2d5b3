"""The types of facts: how a rule reads a value, and how the engine holds it.

A fact's *type* is what a ruleset compares it with (a date, a list of text); its *encoded*
type is what both backends see (dates as ordinal days, datetimes as epoch seconds, lists as
tuples), so every backend reads the same input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias

__all__ = [
    "DERIVED_PREFIX",
    "ENCODED_TYPES",
    "Encoded",
    "EncodedType",
    "FactType",
    "Scope",
]

Encoded: TypeAlias = bool | int | str | tuple[str, ...] | tuple[int, ...]
"""A fact value as the engine sees it."""

EncodedType = Literal["bool", "int", "str", "list_str", "list_int"]
"""The encoded type of a fact: dates and datetimes are ``int``."""

Scope = Literal["complaint", "listing"]
"""What a fact, and a rule reading it, is about: the complaint, or each of its listings."""

FactType = Literal["bool", "int", "str", "date", "datetime", "list_str", "list_int"]

ENCODED_TYPES: Mapping[FactType, EncodedType] = {
    "bool": "bool",
    "int": "int",
    "str": "str",
    "date": "int",
    "datetime": "int",
    "list_str": "list_str",
    "list_int": "list_int",
}

DERIVED_PREFIX = "derived."
