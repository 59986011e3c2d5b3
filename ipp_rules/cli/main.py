"""The ``ipp-rules`` command and its subcommands.

Exit status: 0 accept (or no problems), 1 needs_info or reject (or problems, failures,
changes), 2 invalid input or bundle.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TextIO

from ipp_rules import deadline_cli, goodfaith_cli
from ipp_rules.errors import IppRulesError
from ipp_rules.tools import calendars, cases, check, diff, explain, init, schema
from ipp_rules.tools.inputs import read_input

EXIT_ACCEPT = 0
EXIT_NOT_ACCEPTED = 1
EXIT_INVALID = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipp-rules",
        description="Decide whether an IP takedown complaint is admissible under a rules bundle.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    evaluate = commands.add_parser(
        "evaluate",
        help="evaluate a complaint document (JSON or YAML)",
        description="Evaluate a complaint document and print the decision. Exit status: 0 "
        "accept, 1 needs_info or reject, 2 invalid document or bundle.",
    )
    evaluate.add_argument(
        "file", metavar="FILE", help="complaint document (.json, .yaml; - for standard input)"
    )
    evaluate.add_argument(
        "--rules", metavar="PATH", help="bundle folder (default: the bundled rulesets)"
    )
    evaluate.add_argument("--format", choices=("text", "json"), default="text")
    evaluate.add_argument(
        "--trace", action="store_true", help="include the rules that fired and the values they saw"
    )
    evaluate.add_argument(
        "--backend",
        choices=("auto", "durable", "reference"),
        default="auto",
        help=argparse.SUPPRESS,
    )
    goodfaith_cli.add_parser(commands)
    deadline_cli.add_parsers(commands)
    for tool in _TOOLS.values():
        tool.add_parser(commands)
    return parser


class _Tool(Protocol):
    """A subcommand module: it adds its parser and runs with the parsed arguments."""

    def add_parser(self, subparsers: Any) -> argparse.ArgumentParser: ...

    def run(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> int: ...


_TOOLS: Mapping[str, _Tool] = {
    "check": check,
    "test": cases,
    "diff": diff,
    "explain": explain,
    "schema": schema,
    "calendars": calendars,
    "init": init,
}


def _evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from ipp_rules.engine.engine import Engine
    from ipp_rules.models.intake import parse_complaint_document
    from ipp_rules.render import decision_text

    data, label = read_input(args.file)
    complaint = parse_complaint_document(data, label)
    engine = (
        Engine.from_path(args.rules, backend=args.backend)
        if args.rules
        else Engine.default(backend=args.backend)
    )
    try:
        decision = engine.evaluate(complaint, trace=args.trace)
    finally:
        engine.close()
    if args.format == "json":
        out.write(decision.model_dump_json(indent=2) + "\n")
    else:
        out.write(decision_text(decision))
    return EXIT_ACCEPT if decision.outcome == "accept" else EXIT_NOT_ACCEPTED


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "evaluate":
            return _evaluate(args, sys.stdout)
        if args.command == "good-faith":
            return goodfaith_cli.run(args, sys.stdout)
        if args.command == "deadline":
            return deadline_cli.run_deadline(args, sys.stdout)
        if args.command == "lifecycle":
            return deadline_cli.run_lifecycle(args, sys.stdout)
        if args.command in _TOOLS:
            return _TOOLS[args.command].run(args, sys.stdout, sys.stderr)
    except IppRulesError as exc:
        print(f"ipp-rules: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(
            f"ipp-rules: {exc.strerror}: {exc.filename}"
            if exc.strerror and exc.filename
            else f"ipp-rules: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    raise AssertionError(f"unhandled command {args.command}")  # argparse restricts the choices


if __name__ == "__main__":
    sys.exit(main())
