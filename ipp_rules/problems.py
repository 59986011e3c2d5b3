"""Problems found in an input: where each is, as data, and one way to word and order them.

A :class:`Problem` carries its place as data (``file``, ``line``, ``column`` for text, ``path``
inside the document) and a ``code``; every text about it (``location``, ``str()``, JSON) is
derived from those fields, so no code ever parses a location back out of a string.

The rest of this module is shared by every loader (complaints, ruleset files, test files,
the Good Faith and deadline policies, histories, events, corpora):

- :func:`suggest`, the one "did you mean" (one cutoff, case and prefix fallbacks);
- :func:`best_first`, the one relevance ordering (in the spirit of python-jsonschema's
  ``best_match``): problems a person should read first come first;
- :func:`worded_pattern`, the words a problem shows for a field's pattern.

Pydantic's errors become problems in :mod:`ipp_rules.pydantic_errors`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ANY_ITEM",
    "CUTOFF",
    "PATTERN_WORDS",
    "DocumentPath",
    "Problem",
    "best_first",
    "format_path",
    "suggest",
    "worded_pattern",
]

DocumentPath = tuple[str | int, ...]
"""A place inside a document: mapping keys and list indexes from the top."""

ANY_ITEM = -1
"""A list index standing for "some item" (``history[*].outcome``), when which is not known."""

CUTOFF = 0.6
"""How alike a word must be to a known one to be suggested (``difflib`` ratio)."""

PATTERN_WORDS: dict[str, str] = {}
"""Field patterns in words: a problem shows these, not the regular expression."""


def worded_pattern(pattern: str, words: str) -> str:
    """``pattern``, with the words a problem shows for a value that does not match it."""
    PATTERN_WORDS[pattern] = words
    return pattern


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: what is wrong, its code, and where it is.

    ``file``/``line``/``column`` place it in a text (1-based); ``path`` places it inside the
    document (``("listings", 2, "url")``). Either or both may be known.
    """

    message: str
    code: str = "invalid"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: DocumentPath = ()
    subject: str | None = None
    """The rule, table or file the problem is about, when it is about one (``check``)."""

    @property
    def severity(self) -> str:
        """``warning`` for a ``check`` warning (a ``W-`` code); ``error`` otherwise."""
        return "warning" if self.code.startswith("W-") else "error"

    @property
    def position(self) -> str:
        """``file:line:column`` (as much of it as is known), or ``""``."""
        if self.file is None:
            return ""
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"

    @property
    def location(self) -> str:
        """Where the problem is, as people read it: ``listings[2].url (c.yaml:9:5)``, a path,
        or a position."""
        field = format_path(self.path)
        position = self.position
        if field and position:
            return f"{field} ({position})"
        return field or position

    def as_json(self) -> dict[str, Any]:
        """The problem as JSON: every field, and the location text derived from them."""
        return {
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": list(self.path),
            "location": self.location,
            "severity": self.severity,
            "subject": self.subject,
        }

    def __str__(self) -> str:
        location = self.location
        return f"{location}: {self.message}" if location else self.message


def format_path(path: DocumentPath) -> str:
    """``listings[2].url`` for ``("listings", 2, "url")``; odd keys shown quoted."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += "[*]" if part == ANY_ITEM else f"[{part}]"
        else:
            name = str(part)
            if len(name) > 60:
                name = name[:57] + "..."
            if not name.isprintable() or not name:  # a NUL, a bidi control, an empty key
                name = repr(name)
            text = f"{text}.{name}" if text else name
    return text


def suggest(word: str, known: Iterable[str]) -> str | None:
    """The known word ``word`` was most likely meant to be, or None.

    Close spellings first (:data:`CUTOFF`), then the same word in another case (``th`` for
    ``TH``), then a known word it begins (``tao`` for ``taobao``).
    """
    options = [k for k in dict.fromkeys(known) if k != word]
    close = difflib.get_close_matches(word, options, n=1, cutoff=CUTOFF)
    if close:
        return close[0]
    lowered = word.lower()
    for option in options:
        if option.lower() == lowered:
            return option
    if lowered:
        for option in options:
            if option.lower().startswith(lowered):
                return option
    return None


def best_first(problems: Iterable[Problem], files: Sequence[str] = ()) -> list[Problem]:
    """Problems in the order a person should read them, duplicates dropped: errors before
    warnings; then by file (``files`` first, in that order, then the others as they first
    appear); then by line and column. Problems that tie keep the order they were found in, so
    a loader's own order (a document's fields, top down) stands where positions say nothing."""
    unique = list(dict.fromkeys(problems))
    rank = {name: index for index, name in enumerate(files)}
    for problem in unique:
        if problem.file is not None:
            rank.setdefault(problem.file, len(rank))
    return sorted(
        unique,
        key=lambda p: (
            p.severity != "error",
            rank.get(p.file, -1) if p.file is not None else -1,
            p.line if p.line is not None else 0,
            p.column if p.column is not None else 0,
        ),
    )
