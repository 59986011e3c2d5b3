"""``ipp-rules calendars [--rules BUNDLE] [--today DATE]``: every business-day calendar the
deadlines count on, with its horizon, where the horizon comes from, the days left before it,
and the years past it that are estimates (and why).

Exit status: 0 listed, 2 invalid arguments or policy.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any, TextIO

from ipp_rules.analysis.horizons import (
    DEFAULT_WARNING_DAYS,
    CalendarStatus,
    calendar_statuses,
    days_text,
    horizon_warnings,
    marketplaces_text,
)
from ipp_rules.calendars import HOLIDAYS_VERSION
from ipp_rules.cli.arguments import add_format, add_rules, add_today, parse_today
from ipp_rules.cli.bundles import BundleInUse, read_deadline_policy
from ipp_rules.cli.output import EXIT_OK, write_json
from ipp_rules.cli.render_text import wrapped
from ipp_rules.deadlines import POLICY_FILE
from ipp_rules.errors import ArgumentError

__all__ = ["add_parser", "run", "statuses_text"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``calendars`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "calendars",
        help="each deadline calendar's horizon, where it comes from, and the estimated years",
        description="List every business-day calendar the deadlines count on: the marketplaces "
        "using it, its horizon (the last day of published holiday data) and where it comes "
        "from (the installed holidays release, or notices entered in deadlines.yaml), the days "
        "left before it, and the years past it that are only estimated, with why. Exit "
        "status: 0 listed, 2 invalid arguments or policy.",
    )
    add_rules(parser, "bundle folder holding deadlines.yaml, or the file")
    add_today(parser)
    parser.add_argument(
        "--warn-days",
        metavar="DAYS",
        type=int,
        default=DEFAULT_WARNING_DAYS,
        help=f"flag horizons at most DAYS days away (default: {DEFAULT_WARNING_DAYS})",
    )
    add_format(parser)
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules calendars`` with parsed ``args``."""
    today = parse_today(args.today)
    if args.warn_days < 0:
        raise ArgumentError(f"--warn-days: expected 0 or more days (got {args.warn_days})")
    policy, bundle = read_deadline_policy(args.rules)
    statuses = calendar_statuses(policy, today)
    if args.format == "json":
        warnings = horizon_warnings(statuses, today, args.warn_days)
        document = {
            "today": today.isoformat(),
            **bundle.as_json(),
            "holidays_version": HOLIDAYS_VERSION,
            "warn_days": args.warn_days,
            "calendars": [status.model_dump(mode="json") for status in statuses],
            "warnings": [warning.model_dump(mode="json") for warning in warnings],
        }
        write_json(out, document)
    else:
        out.write(statuses_text(statuses, today, args.warn_days, bundle))
    return EXIT_OK


def statuses_text(
    statuses: list[CalendarStatus],
    today: date,
    warn_days: int,
    bundle: BundleInUse | None = None,
) -> str:
    """The calendars for a person: the rules read, one block each, then the ones whose
    horizon is near."""
    allow = statuses[0].allow_estimates if statuses else True
    first, last = (statuses[0].first_day.year, statuses[0].last_day.year) if statuses else (0, 0)
    lines = [
        f"calendars built for {first} to {last} (holidays {HOLIDAYS_VERSION}); past a "
        + (
            "horizon deadlines are estimates (allow_estimates: true)"
            if allow
            else "horizon deadlines are refused (allow_estimates: false)"
        )
        + f"; today {today.isoformat()}",
    ]
    if bundle is not None:
        lines.append(f"rules: {bundle.text()}")
    lines.append("")
    width = max((len(s.calendar) for s in statuses), default=2)
    indent = " " * (width + 2)
    for status in statuses:
        lines.append(f"{status.calendar.ljust(width)}  {status.label}: {marketplaces_text(status)}")
        lines += wrapped(
            f"{status.horizon.isoformat()}, {_left(status.days_left)}; from {status.source}",
            f"{indent}horizon    ",
        )
        if not status.estimated_years:
            lines.append(f"{indent}estimated  none up to {status.last_day.isoformat()}")
        for index, year in enumerate(status.estimated_years):
            head = "estimated  " if index == 0 else " " * 11
            lines += wrapped(f"{year.year}: {'; '.join(year.reasons)}", f"{indent}{head}")
        lines.append("")
    near = [s.calendar for s in statuses if s.days_left <= warn_days]
    ending = [s.calendar for s in statuses if s.days_to_last_day <= warn_days]
    if near:
        lines += wrapped(
            f"{len(near)} of {len(statuses)} horizons are past or end within {warn_days} days: "
            f"{', '.join(near)}. A year's notice is entered in the bundle's {POLICY_FILE} "
            "(calendars: overrides: <calendar>: notices: <year>); `ipp-rules check` warns "
            "about them.",
            "",
        )
    else:
        lines.append(f"no horizon ends within {warn_days} days")
    if ending:
        lines += wrapped(
            f"the years the calendars are built for end within {warn_days} days "
            f"({statuses[0].last_day.isoformat()}): raise calendars: last_year in the "
            f"bundle's {POLICY_FILE}.",
            "",
        )
    return "\n".join(lines) + "\n"


def _left(days: int) -> str:
    if days == 0:
        return "ends today"
    return f"{days_text(days)} left" if days > 0 else f"passed {days_text(days)} ago"
