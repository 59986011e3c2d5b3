"""``ipp-rules``: read the command line, run the one command it names, and end with its status.

:data:`COMMANDS` is a plain table from each command's name to the module that implements
it, imported on first use (the pattern of ``holidays``' registry): ``ipp-rules evaluate``
never imports what ``diff`` or ``check`` need. Each module has ``add_parser(subparsers)``
and ``run(args, out, err) -> int``; a command raises what goes wrong, and
:mod:`ipp_rules.cli.output` writes it the same way for every command (JSON with
``--format json``).

Exit status: 0 accept (or no problems), 1 needs_info or reject (or problems, failures,
changes), 2 invalid input, bundle or arguments.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO, cast

from ipp_rules import __version__
from ipp_rules.cli.arguments import CommandParser
from ipp_rules.cli.output import wants_json, write_error
from ipp_rules.errors import ArgumentError, IppRulesError

__all__ = ["COMMANDS", "Command", "CommandModule", "build_parser", "dispatch", "main"]


@dataclass(frozen=True)
class Command:
    """One entry of the command table: the module that implements it, and what it does in
    a line (for ``ipp-rules --help``, which imports no command)."""

    module: str
    summary: str


COMMANDS: Mapping[str, Command] = {
    "evaluate": Command("ipp_rules.cli.evaluate", "evaluate a complaint document (JSON or YAML)"),
    "good-faith": Command(
        "ipp_rules.cli.good_faith",
        "Good Faith Program eligibility of a reporting history (CSV or JSON lines)",
    ),
    "deadline": Command(
        "ipp_rules.cli.deadline",
        "when a deadline ends (business days of the marketplace's calendar)",
    ),
    "lifecycle": Command(
        "ipp_rules.cli.lifecycle",
        "a complaint's state from its events, what is due next and what was deemed",
    ),
    "check": Command(
        "ipp_rules.cli.check", "check a bundle: what does not load, and what loads but is wrong"
    ),
    "test": Command(
        "ipp_rules.cli.test", "run a bundle's YAML test cases and report rule coverage"
    ),
    "diff": Command(
        "ipp_rules.cli.diff",
        "decide a corpus of complaints under two bundles and report what changes",
    ),
    "explain": Command(
        "ipp_rules.cli.explain",
        "explain a decision: each finding's rule, source and the values it saw",
    ),
    "schema": Command(
        "ipp_rules.cli.schema",
        "print the JSON Schema of a rule file, manifest, test file, complaint, ...",
    ),
    "calendars": Command(
        "ipp_rules.cli.calendars",
        "each deadline calendar's horizon, where it comes from, and the estimated years",
    ),
    "init": Command(
        "ipp_rules.cli.init", "copy the bundled rules (and examples) into a folder, to edit them"
    ),
    "serve": Command("ipp_rules.cli.serve", "serve the engine over HTTP (JSON; OpenAPI)"),
    "workbench": Command(
        "ipp_rules.cli.workbench",
        "a local web page to decide, edit and preview rules, calendars and Good Faith",
    ),
}
"""Every command, by the name typed after ``ipp-rules``."""


class CommandModule(Protocol):
    """What a command module provides."""

    def add_parser(self, subparsers: Any) -> argparse.ArgumentParser: ...

    def run(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> int: ...


def command_module(name: str) -> CommandModule:
    """The module of command ``name``, imported now if it was not yet."""
    return cast(CommandModule, importlib.import_module(COMMANDS[name].module))


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``ipp-rules`` parser; only ``command``'s module is imported to add its arguments,
    the others are listed by their summary."""
    parser = CommandParser(
        prog="ipp-rules",
        description="Decide whether an IP takedown complaint is admissible under a rules bundle.",
    )
    parser.add_argument("--version", action="version", version=f"ipp-rules {__version__}")
    subparsers = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=CommandParser
    )
    for name, entry in COMMANDS.items():
        if name == command:
            command_module(name).add_parser(subparsers)
        else:
            subparsers.add_parser(name, help=entry.summary, description=entry.summary)
    return parser


def _command_named(arguments: Sequence[str]) -> str | None:
    """The command the arguments name: the first word that is not an option."""
    for word in arguments:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


_NAMELESS = frozenset({"evaluate", "explain"})
"""The commands whose errors have always started ``ipp-rules:``, without the command."""


def dispatch(arguments: Sequence[str], out: TextIO, err: TextIO) -> int:
    """Run the command ``arguments`` name, writing to ``out`` and ``err``; the exit status."""
    as_json = wants_json(arguments)
    name = _command_named(arguments)
    try:
        args = build_parser(name).parse_args(arguments)
    except ArgumentError as error:
        return write_error(name, error, as_json=as_json, out=out, err=err)
    command = command_module(args.command)
    try:
        return command.run(args, out, err)
    except (IppRulesError, OSError) as error:
        as_json = getattr(args, "format", "text") == "json"
        label = "ipp-rules" if args.command in _NAMELESS else None
        return write_error(args.command, error, as_json=as_json, out=out, err=err, label=label)


def main(argv: Sequence[str] | None = None) -> int:
    """``ipp-rules`` with ``argv`` (default: the process's arguments); the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        return dispatch(arguments, sys.stdout, sys.stderr)
    except SystemExit as done:  # --help and --version print and end here
        return done.code if isinstance(done.code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
