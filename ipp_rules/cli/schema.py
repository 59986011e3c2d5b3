"""``ipp-rules schema KIND``: print (or write) the JSON Schema of a kind of file.

The schemas are generated from the models that validate the files
(:mod:`ipp_rules.analysis.schemas`); editors use them to check and complete YAML as staff
type. Exit status: 0 printed or written, 2 the output file cannot be written.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ipp_rules.analysis.schemas import SCHEMAS, schema_text
from ipp_rules.cli.output import EXIT_INVALID, EXIT_OK
from ipp_rules.text.files import write_regular

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``schema`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a rule file, manifest, test file, complaint, ...",
        description="Print the JSON Schema of a kind of file, generated from the models that "
        "validate it. Editors use these to check and complete YAML as you type; the bundled "
        "files name theirs on their first line (# yaml-language-server: $schema=...).",
    )
    parser.add_argument("kind", metavar="KIND", choices=tuple(SCHEMAS), help=", ".join(SCHEMAS))
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the output")
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules schema`` with parsed ``args``."""
    text = schema_text(args.kind)
    if args.output and args.output != "-":
        try:
            write_regular(args.output, text.encode("utf-8"))
        except (OSError, ValueError) as exc:  # ValueError: a name with a NUL in it
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            err.write(f"ipp-rules schema: {reason}: {args.output}\n")
            return EXIT_INVALID
    else:
        out.write(text)
    return EXIT_OK
