"""What durable_rules 2.0.28 takes: the measured limits of a message and of a rule, and the
bounds on one chunk (``Limits``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

__all__ = [
    "MAX_INT",
    "MAX_LIST_LENGTH",
    "MAX_MESSAGE_BYTES",
    "MAX_PROPERTIES",
    "MAX_SEQUENCE_ENTRIES",
    "MAX_STRING_JSON",
    "Limits",
    "json_length",
]

MAX_INT = 2**53
MAX_STRING_JSON = 65_535
"""Longest JSON text of a string value (durable stores the length in 16 bits)."""
MAX_LIST_LENGTH = 10_000
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
"""durable refuses a value of 16 MiB or more (error 314); a whole message stays under this."""
MAX_PROPERTIES = 250
"""durable refuses more than 254 properties in a message (error 302)."""
MAX_SEQUENCE_ENTRIES = 31
"""durable keeps, per rule, an expression sequence of at most 31 entries: rete.h
``MAX_SEQUENCE_EXPRESSIONS`` is 32 and rete.c refuses the rule (error 113,
``ERR_EXPRESSION_LIMIT_EXCEEDED``) as soon as the sequence reaches 32."""


@dataclass(frozen=True)
class Limits:
    """Bounds on one chunk (one durable ruleset); see the package docstring."""

    rules: int = 64
    tests: int = 48
    """Distinct JSON test fragments, the marker included."""
    fanout: int = 48
    """Children of one alpha node (durable: 512-slot tables, 128-entry lists)."""
    stack: int = 48
    """Bound on durable's evaluation stack, which holds 64 entries."""
    paths: int = 4096
    """Paths through the alpha network when every test holds (evaluation time)."""
    properties: int = MAX_PROPERTIES
    expressions: int = MAX_SEQUENCE_ENTRIES
    """Entries of one rule's expression sequence (error 113); see ``network.sequence_length``."""


def json_length(text: str) -> int:
    """Length of the JSON text durable stores for ``text`` (escapes kept raw)."""
    if len(text) * 12 <= MAX_STRING_JSON:
        return len(text)  # short enough whatever its escapes; exact length not needed
    return len(json.dumps(text, ensure_ascii=True)) - 2
