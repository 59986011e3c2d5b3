"""``ipp-rules calendars [--rules BUNDLE] [--today DATE]``: every business-day calendar the
deadlines count on, with its horizon, where the horizon comes from, the days left before it,
and the years past it that are estimates (and why).

Exit status: 0 listed, 2 invalid arguments or policy.
"""

from __future__ import annotations

import argparse
import json
import os
import textwrap
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
from ipp_rules.deadlines import POLICY_FILE
from ipp_rules.errors import ArgumentError, IppRulesError

__all__ = [
    "TODAY_VARIABLE",
    "add_parser",
    "parse_today",
    "run",
    "statuses_text",
    "today_argument",
]

EXIT_OK = 0
EXIT_INVALID = 2
_WIDTH = 92


def today_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--today DATE`` (default: the machine's date) to ``parser``."""
    parser.add_argument(
        "--today",
        metavar="DATE",
        help=f"count days left from this date, YYYY-MM-DD (default: ${TODAY_VARIABLE} if set, "
        "else today's date)",
    )


TODAY_VARIABLE = "IPP_RULES_TODAY"
"""An environment variable that sets today's date for ``check`` and ``calendars`` when
``--today`` is not given (``YYYY-MM-DD``): reproducible runs, e.g. in a CI job."""


def parse_today(text: str | None) -> date:
    """``--today`` as a date; when not given, :data:`TODAY_VARIABLE`, else the machine's date."""
    what = "--today"
    if text is None:
        text = os.environ.get(TODAY_VARIABLE)
        what = TODAY_VARIABLE
        if text is None:
            return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ArgumentError(f"{what}: expected a date written YYYY-MM-DD (got {text!r})") from None


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
    parser.add_argument(
        "--rules",
        metavar="BUNDLE",
        help="bundle folder holding deadlines.yaml, or the file (default: the bundled rulesets)",
    )
    today_argument(parser)
    parser.add_argument(
        "--warn-days",
        metavar="DAYS",
        type=int,
        default=DEFAULT_WARNING_DAYS,
        help=f"flag horizons at most DAYS days away (default: {DEFAULT_WARNING_DAYS})",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules calendars`` with parsed ``args``."""
    from ipp_rules.deadline_cli import load_policy

    try:
        today = parse_today(args.today)
        if args.warn_days < 0:
            raise ArgumentError(f"--warn-days: expected 0 or more days (got {args.warn_days})")
        policy = load_policy(args.rules)
        statuses = calendar_statuses(policy, today)
    except (IppRulesError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = f": {exc.filename}" if isinstance(exc, OSError) and exc.filename else ""
        err.write(f"ipp-rules calendars: {reason}{where}\n")
        return EXIT_INVALID
    if args.format == "json":
        warnings = horizon_warnings(statuses, today, args.warn_days)
        document = {
            "today": today.isoformat(),
            "holidays_version": HOLIDAYS_VERSION,
            "warn_days": args.warn_days,
            "calendars": [status.model_dump(mode="json") for status in statuses],
            "warnings": [warning.model_dump(mode="json") for warning in warnings],
        }
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(statuses_text(statuses, today, args.warn_days))
    return EXIT_OK


def statuses_text(statuses: list[CalendarStatus], today: date, warn_days: int) -> str:
    """The calendars for a person: one block each, then the ones whose horizon is near."""
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
        "",
    ]
    width = max((len(s.calendar) for s in statuses), default=2)
    indent = " " * (width + 2)
    for status in statuses:
        lines.append(f"{status.calendar.ljust(width)}  {status.label}: {marketplaces_text(status)}")
        lines += _wrap(
            f"{status.horizon.isoformat()}, {_left(status.days_left)}; from {status.source}",
            f"{indent}horizon    ",
        )
        if not status.estimated_years:
            lines.append(f"{indent}estimated  none up to {status.last_day.isoformat()}")
        for index, year in enumerate(status.estimated_years):
            head = "estimated  " if index == 0 else " " * 11
            lines += _wrap(f"{year.year}: {'; '.join(year.reasons)}", f"{indent}{head}")
        lines.append("")
    near = [s.calendar for s in statuses if s.days_left <= warn_days]
    ending = [s.calendar for s in statuses if s.days_to_last_day <= warn_days]
    if near:
        lines += _wrap(
            f"{len(near)} of {len(statuses)} horizons are past or end within {warn_days} days: "
            f"{', '.join(near)}. A year's notice is entered in the bundle's {POLICY_FILE} "
            "(calendars: overrides: <calendar>: notices: <year>); `ipp-rules check` warns "
            "about them.",
            "",
        )
    else:
        lines.append(f"no horizon ends within {warn_days} days")
    if ending:
        lines += _wrap(
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


def _wrap(text: str, first: str) -> list[str]:
    return textwrap.wrap(
        text,
        _WIDTH,
        initial_indent=first,
        subsequent_indent=" " * len(first),
        break_on_hyphens=False,
    )
