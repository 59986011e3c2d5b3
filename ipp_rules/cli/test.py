"""``ipp-rules test [BUNDLE]``: run a bundle's YAML test cases and report rule coverage.

The same cases the pytest plugin collects (``tests/test_*.yaml``), without pytest: the
bundle run, each failing case in the bundle's own words, each test file that does not load,
then which rules fired in some case and which never did. Exit status: 0 every case passes
(and coverage is at least ``--min-coverage``), 1 a case fails or coverage is too low, 2 the
bundle or a test file does not load.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ipp_rules.cli.arguments import add_backend, add_format
from ipp_rules.cli.bundles import BundleInUse, read_engine
from ipp_rules.cli.output import EXIT_FOUND, EXIT_INVALID, EXIT_OK, error_document, write_json
from ipp_rules.cli.render_text import count
from ipp_rules.errors import RulesetError
from ipp_rules.testing.cases import BundleTestRun, CaseResult, run_bundle_tests
from ipp_rules.testing.coverage import RuleCoverage, format_percent, rule_coverage

__all__ = ["add_parser", "run"]


def _percent(text: str) -> float:
    value = text.strip().removesuffix("%")
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentage like 90 (got {text!r})") from None
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"expected a percentage from 0 to 100 (got {text!r})")
    return number


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``test`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "test",
        help="run a bundle's YAML test cases and report rule coverage",
        description="Run the test cases in the bundle's tests/ folder and print each failing "
        "case, then the rule coverage: how many rules of each file fired in some case (with "
        "--verbose, how many cases each rule fired in), and the rules no case makes fire. "
        "Exit status: 0 all pass, 1 a case fails or coverage is below --min-coverage, 2 the "
        "bundle or a test file does not load.",
    )
    parser.add_argument(
        "bundle", metavar="BUNDLE", nargs="?", help="bundle folder (default: the bundled rules)"
    )
    parser.add_argument(
        "--min-coverage",
        type=_percent,
        metavar="PERCENT",
        help="fail when fewer than PERCENT of the rules fire in some case",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every rule with the number of cases it fired in",
    )
    add_format(parser)
    add_backend(parser)
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules test`` with parsed ``args``."""
    engine, bundle = read_engine(args.bundle, args.backend)
    with engine:
        tests = run_bundle_tests(engine)
    coverage = rule_coverage(engine.bundle, tests.results)
    low = args.min_coverage is not None and coverage.percent < args.min_coverage
    error = RulesetError(tests.problems, title="invalid test file") if tests.problems else None
    if args.format == "json":
        document = _json(engine.bundle.identity.model_dump(), bundle, tests, coverage, low)
        if error is not None:
            document.update(error_document(error))
        write_json(out, document)
    else:
        out.write(_text(bundle, tests, coverage, args.verbose))
        if low:
            out.write(
                f"rule coverage {format_percent(coverage.percent)} is below the minimum "
                f"{format_percent(args.min_coverage)}\n"
            )
    if error is not None:
        if args.format != "json":
            err.write(f"ipp-rules test: {error}\n")
        return EXIT_INVALID
    return EXIT_FOUND if tests.failed or low else EXIT_OK


def _text(bundle: BundleInUse, tests: BundleTestRun, coverage: RuleCoverage, verbose: bool) -> str:
    lines: list[str] = [f"bundle: {bundle.text()}"]
    for result in tests.failed:
        lines += [f"FAILED {result.report()}", ""]
    for unloaded in tests.unloaded:
        lines += [f"NOT LOADED {unloaded}: its cases did not run (why is on the error output)", ""]
    passed = len(tests.results) - len(tests.failed)
    named = " ".join(part for part in (bundle.name, bundle.version) if part)
    if tests.unloaded:
        # A file that does not load is a failure of its own: no count of failed cases here
        # may read as if all went well.
        ran = len(tests.files) - len(tests.unloaded)
        failed = f", {len(tests.failed)} failed" if tests.failed else ""
        lines.append(
            f"{named}: {count(len(tests.unloaded), 'test file')} did not load; "
            f"{count(len(tests.results), 'case')} in the other {count(ran, 'file')}: "
            f"{passed} passed{failed}"
        )
    else:
        lines.append(
            f"{named}: {count(len(tests.results), 'case')} in "
            f"{count(len(tests.files), 'file')}: {passed} passed, {len(tests.failed)} failed"
        )
    lines += [
        "",
        f"rule coverage: {len(coverage.fired)} of {count(coverage.total, 'rule')} fired in "
        f"some case ({format_percent(coverage.percent)})",
    ]
    by_file = coverage.by_file()
    name_width = max((len(file) for file in by_file), default=0)
    rule_width = max((len(rule) for rule in coverage.cases), default=0)
    for file, rules in by_file.items():
        fired = sum(1 for rule in rules if coverage.cases[rule])
        lines.append(f"  {file.ljust(name_width)}  {fired} of {count(len(rules), 'rule')} fired")
        if verbose:
            for rule in rules:
                cases = coverage.cases[rule]
                shown = count(cases, "case") if cases else "never fired"
                lines.append(f"    {rule.ljust(rule_width)}  {shown}")
    never = coverage.never_fired
    lines.append(f"rules no case makes fire: {', '.join(never) if never else 'none'}")
    return "\n".join(lines) + "\n"


def _json(
    identity: dict[str, Any],
    bundle: BundleInUse,
    tests: BundleTestRun,
    coverage: RuleCoverage,
    low: bool,
) -> dict[str, Any]:
    return {
        "bundle": identity,
        **bundle.as_json(),
        "files": [str(path) for path in tests.files],
        "cases": len(tests.results),
        "passed": len(tests.results) - len(tests.failed),
        "failed": [_failure(result) for result in tests.failed],
        "invalid_files": [str(problem) for problem in tests.problems],
        "coverage": {
            "percent": round(coverage.percent, 2),
            "fired": len(coverage.fired),
            "total": coverage.total,
            "below_minimum": low,
            "rules": [
                {"rule": rule, "file": coverage.files[rule], "cases": cases}
                for rule, cases in coverage.cases.items()
            ],
            "never_fired": coverage.never_fired,
        },
    }


def _failure(result: CaseResult) -> dict[str, Any]:
    return {
        "name": result.name,
        "location": result.location,
        "failures": result.failures,
        "expected": result.expected.model_dump(),
        "outcome": result.outcome,
        "codes": result.codes,
        "fired": result.fired,
    }
