"""``ipp-rules deadline PLATFORM KIND RECEIVED_AT``: when a period ends, day by day.

Prints when a period that started at RECEIVED_AT ends, which business days it counted and
which it skipped (and why), the policy behind it, and the rules it was read from. Exit
status: 0 answered, 2 invalid input, policy or arguments.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from ipp_rules.calendars import BusinessCalendar
from ipp_rules.cli.arguments import add_format, add_rules, instant, parse_time
from ipp_rules.cli.bundles import BundleInUse, read_deadline_policy
from ipp_rules.cli.output import EXIT_OK, write_json
from ipp_rules.cli.render_text import WIDTH, day_text, wrapped
from ipp_rules.deadlines import (
    DEADLINE_KINDS,
    Deadline,
    calendar_key,
    compute_deadline,
    estimate_fix,
)
from ipp_rules.policies import get_policy, policies

__all__ = ["add_country", "add_parser", "deadline_text", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``deadline`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "deadline",
        help="when a deadline ends (business days of the marketplace's calendar)",
        description="Print when a period that started at RECEIVED_AT ends, which business "
        "days it counted and the policy behind it. Exit status: 0 answered, 2 invalid input "
        "or policy.",
    )
    parser.add_argument("platform", metavar="PLATFORM", help="marketplace, e.g. taobao, lazada")
    parser.add_argument("kind", metavar="KIND", help="one of " + ", ".join(DEADLINE_KINDS))
    parser.add_argument(
        "received_at",
        metavar="RECEIVED_AT",
        help="when the period started: an ISO-8601 time with an offset, e.g. "
        "2026-09-18T10:00:00+08:00, or a date (00:00 that day, marketplace time)",
    )
    add_country(parser)
    add_rules(parser, "bundle folder holding deadlines.yaml, or the file")
    add_format(parser)
    return parser


def add_country(parser: argparse.ArgumentParser) -> None:
    """``--country CC``: the marketplace's country platform, for those that have them (the
    registry says which: Lazada's, and a plugin's)."""
    platforms = "; ".join(
        f"{policy.id}: {' '.join(policy.countries)}"
        for policy in policies().values()
        if policy.countries
    )
    parser.add_argument(
        "--country", metavar="CC", help=f"the marketplace's country platform ({platforms})"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules deadline`` with parsed ``args``."""
    written = parse_time(args.received_at, "RECEIVED_AT")
    policy, bundle = read_deadline_policy(args.rules)
    received_at = instant(written, get_policy(args.platform).zone(args.country))
    deadline = compute_deadline(policy, args.platform, args.kind, received_at, args.country)
    if args.format == "json":
        write_json(out, {**deadline.model_dump(mode="json"), **bundle.as_json()})
    else:
        calendar = policy.calendar_for(deadline.platform, deadline.country)
        title = policy.rule(deadline.kind).title
        out.write(deadline_text(deadline, calendar, title, bundle))
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# The text


def _period_words(deadline: Deadline) -> str:
    semantics = deadline.semantics
    if deadline.business_hours is not None:
        hours = deadline.business_hours
        return (
            f"{hours} business hour{'s' if hours != 1 else ''}: the clock runs on business "
            "days only, from the receipt (from 00:00 of the next business day if received on a "
            "non-business day)"
        )
    n = deadline.business_days
    text = f"{n} business day{'s' if n != 1 else ''} after the day of receipt"
    if semantics.non_business_trigger == "deemed_received_next_business_day":
        text += " (a receipt on a non-business day is deemed received on the next business day)"
    if semantics.ends == "cutoff" and semantics.cutoff is not None:
        text += f"; ends at {semantics.cutoff.strftime('%H:%M')} local time of the last day"
    else:
        text += "; ends at 24:00 local time of the last day"
    return text


def _label(calendar: BusinessCalendar, d: date) -> str:
    info = calendar.describe(d)
    if info.kind == "make_up_workday":
        return f"{day_text(d)} (make-up working day)"
    if info.kind == "working_override":
        return f"{day_text(d)} (working day: {info.name})"
    if info.kind == "observance":
        return f"{day_text(d)} ({info.name}, a working day)"
    return day_text(d)


def _skipped(calendar: BusinessCalendar, first: date, last: date) -> Iterator[str]:
    """Runs of non-business days in ``[first, last]`` with why each is not counted."""
    run: list[date] = []
    reasons: dict[str, None] = {}
    d = first
    while d <= last:
        if calendar.is_business_day(d):
            if run:
                yield _run(run, reasons)
                run, reasons = [], {}
        else:
            run.append(d)
            reasons[_why_closed(calendar, d)] = None
        d += timedelta(days=1)
    if run:
        yield _run(run, reasons)


def _why_closed(calendar: BusinessCalendar, d: date) -> str:
    """Why ``d`` is not a business day: the weekend, or the holiday's name."""
    info = calendar.describe(d)
    if info.name is None:
        return info.kind
    if info.kind == "weekend":
        return f"{info.name}, on a weekend day"
    return info.name


def _run(run: list[date], reasons: dict[str, None]) -> str:
    span = day_text(run[0]) if len(run) == 1 else f"{day_text(run[0])} to {day_text(run[-1])}"
    return f"{span} ({'; '.join(reasons)})"


def deadline_text(
    deadline: Deadline,
    calendar: BusinessCalendar,
    title: str = "",
    bundle: BundleInUse | None = None,
) -> str:
    """The deadline, the days it counted and skipped, its source, and the rules it was read
    from, for a person."""
    local = deadline.local_received_at
    where = deadline.platform + (f" {deadline.country}" if deadline.country else "")
    received = f"{day_text(local.date())} {local.strftime('%H:%M')} {deadline.timezone}"
    if deadline.received_at.utcoffset() != local.utcoffset():
        received += f" (given as {deadline.received_at.isoformat()})"
    start = local.date()
    if not calendar.is_business_day(start):
        received += f" (not a business day: {_why_closed(calendar, start)})"
    rows: list[tuple[str, str]] = [
        ("marketplace", f"{where} (calendar {deadline.calendar}, {deadline.timezone})"),
        ("received", received),
        ("period", _period_words(deadline)),
    ]
    if deadline.business_days is not None:
        if not calendar.is_business_day(start) and (
            deadline.semantics.non_business_trigger == "deemed_received_next_business_day"
        ):
            start = calendar.add_business_days(start, 0)
            rows.append(("deemed received", day_text(start)))
        counted = [
            start + timedelta(days=i)
            for i in range(1, (deadline.last_day - start).days + 1)
            if calendar.is_business_day(start + timedelta(days=i))
        ]
        shown = [_label(calendar, d) for d in counted[:10]]
        if len(counted) > 10:
            shown.append(f"... ({len(counted)} days)")
        rows.append(("counted", _KEEP.join(shown)))
        first_skipped = start + timedelta(days=1)
    else:
        first_skipped = start
    skipped = list(_skipped(calendar, first_skipped, deadline.last_day))
    if skipped:
        rows.append(("not counted", skipped[0]))
        rows.extend(("", more) for more in skipped[1:])
    rows.append(("last day", day_text(deadline.last_day)))
    due = deadline.due
    end_note = (
        f"24:00 on {day_text(due.date() - timedelta(days=1))}"
        if due.time() == datetime.min.time() and deadline.business_days is not None
        else f"{due.strftime('%H:%M')} on {day_text(due.date())}"
    )
    rows.append(("due", f"{due.isoformat()} (the end, exclusive: {end_note})"))
    if deadline.estimate:
        rows.append(
            (
                "estimate",
                f"yes: it counts days after {calendar.horizon.isoformat()}, the calendar's "
                "horizon, which are not published data",
            )
        )
        rows.extend(("", estimate.note) for estimate in deadline.estimates)
        key = calendar_key(deadline.platform, deadline.country)
        rows.append(("", f"to count them exactly, {estimate_fix(key, calendar)}"))
    rows.append(("source", deadline.source))
    width = max(len(label) for label, _ in rows)
    lines = [deadline.kind + (f": {title}" if title else "")]
    for label, value in rows:
        lines += _wrap(value, f"  {label.ljust(width)}  ", " " * (width + 4))
    if bundle is not None:  # one line, never wrapped: a path is copied whole
        lines.append(f"  {'rules'.ljust(width)}  {bundle.text()}")
    return "\n".join(lines) + "\n"


_KEEP = ",\x00"
"""Joins items that a line may break between (and only there) in :func:`_wrap`."""


def _wrap(text: str, first: str, rest: str) -> list[str]:
    """``text`` wrapped at spaces, or only between items joined with :data:`_KEEP`."""
    if _KEEP not in text:
        return wrapped(text, first, rest)
    lines: list[str] = []
    items = text.split(_KEEP)
    line = first + items[0]
    for item in items[1:]:
        line += ","
        if len(line) + 1 + len(item) > WIDTH:
            lines.append(line)
            line = rest + item
        else:
            line += " " + item
    lines.append(line)
    return lines
