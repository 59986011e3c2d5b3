"""A corpus of complaint documents: one JSON object per line (JSON lines).

Lines are read as bytes and decoded one by one, so a bad line (not UTF-8, not JSON, not an
object, too long) is a problem located at its line number, and the lines around it still
count. Blank lines are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ipp_rules.errors import JsonRefused
from ipp_rules.models.intake import MAX_DOCUMENT_BYTES
from ipp_rules.problems import Problem
from ipp_rules.text.files import bounded_lines, open_regular
from ipp_rules.text.json import loads

__all__ = ["CorpusLine", "chunks", "corpus_line", "parse_line", "read_corpus", "too_long_problem"]


@dataclass(frozen=True)
class CorpusLine:
    """One line of a corpus: its number (from 1) and its text."""

    number: int
    text: str


def read_corpus(path: str | os.PathLike[str]) -> tuple[list[CorpusLine], list[Problem]]:
    """The non-blank lines of a corpus file, and the lines that are not text; OSError if the
    file cannot be read."""
    label = os.fspath(path)
    lines: list[CorpusLine] = []
    problems: list[Problem] = []
    with open_regular(path) as handle:
        raw_lines = bounded_lines(handle, MAX_DOCUMENT_BYTES, resume=True)
        for number, raw in enumerate(raw_lines, start=1):
            line = corpus_line(label, number, raw)
            if isinstance(line, Problem):
                problems.append(line)
            elif line is not None:
                lines.append(line)
    return lines, problems


def corpus_line(label: str, number: int, raw: bytes) -> CorpusLine | Problem | None:
    """Line ``number`` of the corpus ``label``, read as ``raw`` (without its line break, or
    longer than :data:`MAX_DOCUMENT_BYTES`, then cut there): its text, what is wrong with it,
    or None for a blank line."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        return too_long_problem(label, number)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(
            f"not valid UTF-8: {exc.reason} at byte {exc.start + 1}",
            "encoding",
            file=label,
            line=number,
        )
    if number == 1:
        text = text.removeprefix("\ufeff")
    return CorpusLine(number, text) if text.strip() else None


def too_long_problem(label: str, number: int) -> Problem:
    """The problem of line ``number``, longer than a document may be."""
    return Problem(f"longer than {MAX_DOCUMENT_BYTES} bytes", file=label, line=number)


def parse_line(label: str, line: CorpusLine) -> dict[str, Any] | Problem:
    """The complaint document on a line, or what is wrong with the line."""

    def problem(message: str, code: str) -> Problem:
        return Problem(message, code, file=label, line=line.number)

    try:
        # As ``ipp-rules evaluate`` reads a document: no key twice, no NaN or Infinity.
        data = loads(line.text)
    except JsonRefused as exc:
        return problem(f"not a valid complaint: {exc.message}", exc.code)
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            return problem("not valid JSON: a number with thousands of digits", "json")
        return problem(f"not valid JSON: {exc}", "json")
    except RecursionError:
        return problem("not valid JSON: nested too deeply", "json")
    if not isinstance(data, dict):
        return problem("expected a JSON object (a complaint document)", "model_type")
    return data


def chunks(lines: list[CorpusLine], size: int) -> Iterator[list[CorpusLine]]:
    """``lines`` in consecutive pieces of at most ``size``."""
    for start in range(0, len(lines), size):
        yield lines[start : start + size]
