"""What a command writes: its result as JSON, its errors, and the exit status it ends with.

An error is written one way for every command. As text it goes to the error output,
``ipp-rules COMMAND: what is wrong`` (with the usage line first for a command line
``argparse`` could not read). With ``--format json`` it is one JSON object on the standard
output instead, so a program reading the output always gets JSON::

    {"error": {"type": "RulesetError", "title": "invalid ruleset bundle",
               "message": "...", "problems": [{"code": ..., "file": ..., ...}]}}

``problems`` lists every located problem (:meth:`ipp_rules.problems.Problem.as_json`); it is
empty for an error that is not about places in an input. The exit status stays that of the
error: :data:`EXIT_INVALID` for input that cannot be used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from ipp_rules.errors import (
    ArgumentError,
    IppRulesError,
    error_document,
    error_text,
    problems_of,
)

__all__ = [
    "EXIT_FOUND",
    "EXIT_INVALID",
    "EXIT_OK",
    "error_document",
    "error_text",
    "problems_of",
    "wants_json",
    "write_error",
    "write_json",
]

EXIT_OK = 0
"""All is well: accepted, eligible, no problems, no changes."""
EXIT_FOUND = 1
"""Something was found: a complaint not accepted, a problem, a failing case, a change."""
EXIT_INVALID = 2
"""The input could not be used: a bundle, document or argument that is not valid."""


def wants_json(arguments: Sequence[str]) -> bool:
    """Whether the command line asks for ``--format json`` (read before ``argparse`` reads
    it, so that even an error in the command line itself is reported as JSON)."""
    for index, word in enumerate(arguments):
        if word == "--":
            return False
        if word == "--format=json":
            return True
        if word == "--format" and arguments[index + 1 : index + 2] == ["json"]:
            return True
    return False


def write_json(out: TextIO, document: Mapping[str, Any]) -> None:
    """``document`` as indented JSON, one object, ending with a newline."""
    out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def write_error(
    command: str | None,
    error: IppRulesError | OSError,
    *,
    as_json: bool,
    out: TextIO,
    err: TextIO,
    label: str | None = None,
) -> int:
    """Report ``error`` from ``command`` (None: before a command was known) and return the
    exit status: JSON on ``out`` when ``as_json``, else text on ``err``. ``label`` is how
    the text line starts (default ``ipp-rules COMMAND``)."""
    if as_json:
        write_json(out, error_document(error))
        return EXIT_INVALID
    prog = "ipp-rules" if command is None else f"ipp-rules {command}"
    if isinstance(error, ArgumentError) and error.usage is not None:
        # As argparse words it: the usage line, then the program and what is wrong.
        err.write(error.usage)
        err.write(f"{error.prog or prog}: error: {error}\n")
        return EXIT_INVALID
    err.write(f"{label or prog}: {error_text(error)}\n")
    return EXIT_INVALID
