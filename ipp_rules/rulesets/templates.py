"""Message templates: text with ``{fact.path}`` placeholders, and nothing else.

Python's ``str.format`` would let a template reach attributes (``{0.__class__}``) and format
specs; this parser accepts only a fact path between braces (``{{`` and ``}}`` are literal
braces), so a ruleset can read fact values and nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

__all__ = [
    "ABSENT",
    "Template",
    "format_value",
    "parse_template",
]

_PLACEHOLDER = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
ABSENT = "(not given)"


@dataclass(frozen=True)
class Template:
    """A parsed template: literal text and fact paths, alternating."""

    parts: tuple[str | tuple[str], ...]
    """Literal text, or a 1-tuple holding a fact path."""

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(p[0] for p in self.parts if isinstance(p, tuple))

    def render(self, facts: Mapping[str, Any]) -> str:
        out: list[str] = []
        for part in self.parts:
            out.append(format_value(facts.get(part[0])) if isinstance(part, tuple) else part)
        return "".join(out)


def format_value(value: Any) -> str:
    """A fact value as a person reads it."""
    if value is None:
        return ABSENT
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v) for v in value) if value else "(none)"
    return str(value)


def parse_template(text: str) -> Template:
    """Parse a template; a ValueError names the offending position."""
    parts: list[str | tuple[str]] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "{}" and text[i + 1 : i + 2] == ch:
            literal.append(ch)
            i += 2
            continue
        if ch == "}":
            raise ValueError(f"unmatched '}}' at character {i + 1}; write '}}}}' for a brace")
        if ch == "{":
            end = text.find("}", i + 1)
            if end < 0:
                raise ValueError(f"unclosed '{{' at character {i + 1}")
            name = text[i + 1 : end].strip()
            if not _PLACEHOLDER.fullmatch(name):
                raise ValueError(
                    f"'{{{text[i + 1 : end]}}}' at character {i + 1} is not a fact path; "
                    "a placeholder holds a fact path like {right.valid_until} and nothing else"
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append((name,))
            i = end + 1
            continue
        literal.append(ch)
        i += 1
    if literal:
        parts.append("".join(literal))
    return Template(tuple(parts))
