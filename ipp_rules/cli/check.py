"""``ipp-rules check [BUNDLE]``: what the loader rejects, and what loads but is wrong.

The first line names the bundle checked; then one line per problem,
``file:line:column: CODE message`` (editors and CI systems turn these into links); the last
sums up. The analyses are :func:`ipp_rules.analysis.check.check_bundle`. Exit status: 0 no
errors, 1 errors (or warnings, with ``--strict``), 2 a path that is not a bundle, or
invalid arguments.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ipp_rules.analysis.check import CheckReport, check_bundle, problem_line
from ipp_rules.analysis.horizons import DEFAULT_WARNING_DAYS
from ipp_rules.cli.arguments import add_backend, add_format, add_today, parse_today
from ipp_rules.cli.bundles import BundleInUse, chosen_path
from ipp_rules.cli.output import EXIT_FOUND, EXIT_OK, write_json
from ipp_rules.cli.render_text import count
from ipp_rules.errors import ArgumentError

__all__ = ["add_parser", "report_json", "report_text", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``check`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="check a bundle: what does not load, and what loads but is wrong",
        description="Check a bundle: every problem the loader finds, and rules that can never "
        "fire or always do, rules shadowed by another, tables and derived facts nobody reads, "
        "rules no test case makes fire, files bundle.yaml does not name, test cases naming rules "
        "that are not there. One line per problem: file:line:column: CODE message. "
        "Exit status: 0 no errors, 1 errors (or warnings, with --strict), 2 a path that is not a "
        "bundle, or invalid arguments.",
    )
    parser.add_argument(
        "bundle", metavar="BUNDLE", nargs="?", help="bundle folder (default: the bundled rules)"
    )
    add_format(parser)
    parser.add_argument("--strict", action="store_true", help="warnings fail the check too")
    add_today(parser)
    parser.add_argument(
        "--horizon-days",
        metavar="DAYS",
        type=int,
        default=DEFAULT_WARNING_DAYS,
        help="warn (W-HORIZON) when a calendar's horizon is at most DAYS days after today "
        f"(default: {DEFAULT_WARNING_DAYS})",
    )
    add_backend(parser)
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules check`` with parsed ``args``."""
    path, default = chosen_path(args.bundle)
    today = parse_today(args.today)
    if args.horizon_days < 0:
        raise ArgumentError(f"--horizon-days: expected 0 or more (got {args.horizon_days})")
    report = check_bundle(path, backend=args.backend, today=today, horizon_days=args.horizon_days)
    bundle = (
        BundleInUse.of(report.bundle, default)
        if report.bundle is not None
        else BundleInUse(path, default)
    )
    if args.format == "json":
        write_json(out, report_json(report, bundle))
    else:
        out.write(report_text(report, bundle))
    failing = report.problems if args.strict else report.errors
    return EXIT_FOUND if failing else EXIT_OK


def report_text(report: CheckReport, bundle: BundleInUse | None = None) -> str:
    """The bundle checked, one line per problem, and a summary."""
    lines = [f"bundle: {bundle.text()}"] if bundle is not None else []
    lines += [problem_line(problem) for problem in report.problems]
    errors, warnings = len(report.errors), len(report.warnings)
    if report.bundle is None:
        summary = f"the bundle does not load: {count(errors, 'error')}"
    else:
        manifest = report.bundle.manifest
        problems = (
            "no problems"
            if not report.problems
            else f"{count(errors, 'error')}, {count(warnings, 'warning')}"
        )
        summary = f"{manifest.name} {manifest.version}: {problems}"
    if report.allowed:
        summary += f" ({count(len(report.allowed), 'warning')} allowed by comments)"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def report_json(report: CheckReport, bundle: BundleInUse | None = None) -> dict[str, Any]:
    """The report as data: the bundle, the counts, and every problem."""
    identity = report.bundle.identity.model_dump() if report.bundle is not None else None
    return {
        "bundle": identity,
        **(bundle.as_json() if bundle is not None else {}),
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "problems": [problem.as_json() for problem in report.problems],
        "allowed": [problem.as_json() for problem in report.allowed],
    }
