"""``ipp-rules deadline`` and ``ipp-rules lifecycle``: deadlines and case states from the command
line.

``ipp-rules deadline PLATFORM KIND RECEIVED_AT [--country CC] [--rules BUNDLE] [--format]``
prints when a period ends and which days it counted. ``ipp-rules lifecycle EVENTS_FILE
--platform P [--country CC] [--now TIME] [--rules BUNDLE] [--format]`` replays a complaint's
events (a JSON or YAML list) and prints its state, what is due next and what was deemed.
Exit status: 0 answered, 2 invalid input, policy or arguments (the error on standard error).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from ipp_rules.calendars import BusinessCalendar
from ipp_rules.deadlines import (
    DEADLINE_KINDS,
    Deadline,
    DeadlinePolicy,
    calendar_key,
    compute_deadline,
    deadline_function,
    estimate_fix,
    load_deadline_policy,
)
from ipp_rules.deadlines.lifecycle import CaseState, replay
from ipp_rules.errors import DeadlineError, EventsFileError, IppRulesError, LifecycleError
from ipp_rules.problems import Problem
from ipp_rules.text.files import open_regular
from ipp_rules.text.yaml import YamlDocument, YamlLimits, load_yaml

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EventsFileError",
    "add_parsers",
    "case_text",
    "deadline_text",
    "load_events",
    "load_policy",
    "run_deadline",
    "run_lifecycle",
]

EXIT_OK = 0
EXIT_INVALID = 2
MAX_EVENTS_BYTES = 1_048_576
_LIMITS = YamlLimits(max_bytes=MAX_EVENTS_BYTES)
_WIDTH = 92


def add_parsers(subparsers: Any) -> None:
    """Add ``deadline`` and ``lifecycle`` to the ``ipp-rules`` subcommands
    (``parser.add_subparsers()``); ``args.command`` is the subcommand's name."""
    deadline: argparse.ArgumentParser = subparsers.add_parser(
        "deadline",
        help="when a deadline ends (business days of the marketplace's calendar)",
        description="Print when a period that started at RECEIVED_AT ends, which business "
        "days it counted and the policy behind it. Exit status: 0 answered, 2 invalid input "
        "or policy.",
    )
    deadline.add_argument("platform", metavar="PLATFORM", help="marketplace, e.g. taobao, lazada")
    deadline.add_argument("kind", metavar="KIND", help="one of " + ", ".join(DEADLINE_KINDS))
    deadline.add_argument(
        "received_at",
        metavar="RECEIVED_AT",
        help="when the period started: ISO-8601 with an offset, e.g. 2026-09-18T10:00:00+08:00",
    )
    _common(deadline)

    lifecycle: argparse.ArgumentParser = subparsers.add_parser(
        "lifecycle",
        help="a complaint's state from its events, what is due next and what was deemed",
        description="Replay a complaint's events (a JSON or YAML list of {kind, at, outcome}) "
        "and print its state, the listing's status, what is due next and by when, and what the "
        "policy deemed when a deadline passed. Exit status: 0 answered, 2 invalid events, "
        "policy or arguments.",
    )
    lifecycle.add_argument(
        "events", metavar="EVENTS_FILE", help="JSON or YAML list of events; - for standard input"
    )
    lifecycle.add_argument("--platform", required=True, help="marketplace, e.g. taobao, lazada")
    lifecycle.add_argument(
        "--now",
        metavar="TIME",
        help="the state as of this instant (ISO-8601 with an offset); default: the current time",
    )
    _common(lifecycle)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--country", metavar="CC", help="Lazada country platform: ID MY PH SG TH VN"
    )
    parser.add_argument(
        "--rules",
        metavar="BUNDLE",
        help="bundle folder holding deadlines.yaml, or the file (default: the bundled rulesets)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


# ---------------------------------------------------------------------------------------------
# Inputs


def load_policy(rules: str | Path | DeadlinePolicy | None = None) -> DeadlinePolicy:
    """A loaded policy as it is; a bundle folder (or its ``bundle.yaml``): the policy its
    manifest names, as ``Engine.from_path`` reads it; a ``deadlines.yaml`` file (or a folder
    holding only that file) loaded directly; ``None``: the bundled rulesets'."""
    if isinstance(rules, DeadlinePolicy):
        return rules
    from ipp_rules.engine.engine import default_bundle_path
    from ipp_rules.rulesets.bundle import MANIFEST, load_bundle_deadlines

    path = Path(rules) if rules else default_bundle_path()
    if path.name == MANIFEST or (path.is_dir() and (path / MANIFEST).exists()):
        return load_bundle_deadlines(path)
    return load_deadline_policy(path)


def _instant(text: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DeadlineError(
            [
                Problem(
                    f"expected an ISO-8601 time with an offset, like 2026-09-18T10:00:00+08:00 "
                    f"(got {text!r})",
                    path=(what,),
                )
            ]
        ) from None
    if moment.utcoffset() is None:
        raise DeadlineError(
            [
                Problem(
                    f"{text!r} has no UTC offset: add one, like +08:00 or Z (a time without an "
                    "offset could be any of several instants)",
                    path=(what,),
                )
            ]
        )
    return moment


def load_events(name: str) -> tuple[list[Any], YamlDocument]:
    """The events in file ``name`` (``-``: standard input), a JSON or YAML list, with the
    document for locations."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_EVENTS_BYTES + 1)
        label = "<stdin>"
    else:
        with open_regular(name) as handle:
            data = handle.read(MAX_EVENTS_BYTES + 1)
        label = name
    doc = load_yaml(data, label, limits=_LIMITS, error=EventsFileError)
    if not isinstance(doc.data, list):
        raise EventsFileError(
            [
                doc.problem(
                    (),
                    "expected a list of events, like [{kind: submitted, at: "
                    '"2026-09-14T09:00:00+08:00"}]',
                    "invalid",
                )
            ]
        )
    return doc.data, doc


# ---------------------------------------------------------------------------------------------
# Output


def _day(d: date) -> str:
    return f"{d.strftime('%a')} {d.isoformat()}"


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
        return f"{_day(d)} (make-up working day)"
    if info.kind == "working_override":
        return f"{_day(d)} (working day: {info.name})"
    if info.kind == "observance":
        return f"{_day(d)} ({info.name}, a working day)"
    return _day(d)


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
    info = calendar.describe(d)
    if info.name is None:
        return info.kind
    if info.kind == "weekend":
        return f"{info.name}, on a weekend day"
    return info.name


def _run(run: list[date], reasons: dict[str, None]) -> str:
    span = _day(run[0]) if len(run) == 1 else f"{_day(run[0])} to {_day(run[-1])}"
    return f"{span} ({'; '.join(reasons)})"


def deadline_text(deadline: Deadline, calendar: BusinessCalendar, title: str = "") -> str:
    """The deadline, the days it counted and skipped, and its source, for a person."""
    local = deadline.local_received_at
    where = deadline.platform + (f" {deadline.country}" if deadline.country else "")
    received = f"{_day(local.date())} {local.strftime('%H:%M')} {deadline.timezone}"
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
            rows.append(("deemed received", _day(start)))
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
    rows.append(("last day", _day(deadline.last_day)))
    due = deadline.due
    end_note = (
        f"24:00 on {_day(due.date() - timedelta(days=1))}"
        if due.time() == datetime.min.time() and deadline.business_days is not None
        else f"{due.strftime('%H:%M')} on {_day(due.date())}"
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
    return "\n".join(lines) + "\n"


_KEEP = ",\x00"
"""Joins items that a line may break between (and only there) in :func:`_wrap`."""


def _wrap(text: str, first: str, rest: str) -> list[str]:
    """``text`` wrapped at spaces, or only between items joined with :data:`_KEEP`."""
    if _KEEP not in text:
        return textwrap.wrap(
            text, _WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
        )
    lines: list[str] = []
    items = text.split(_KEEP)
    line = first + items[0]
    for item in items[1:]:
        line += ","
        if len(line) + 1 + len(item) > _WIDTH:
            lines.append(line)
            line = rest + item
        else:
            line += " " + item
    lines.append(line)
    return lines


def case_text(state: CaseState) -> str:
    """The case's state, what is due next and what was deemed, for a person."""
    final = ", final" if state.final else ""
    lines = [f"state    {state.state}{final} (listing {state.listing})"]
    if state.as_of is not None:
        lines.append(f"as of    {state.as_of.isoformat()}")
    step = state.next
    if step is None:
        lines.append("next     nothing is due")
    else:
        party = step.party.replace("_", " ")
        lines += _wrap(f"{party}: {step.action}", "next     ", "         ")
        if step.due is not None and step.last_day is not None:
            overdue = ", OVERDUE" if step.overdue else ""
            estimated = ", an estimate" if step.estimate else ""
            lines.append(
                f"due      {step.due.isoformat()} ({step.deadline_kind}, last day "
                f"{_day(step.last_day)}{estimated}){overdue}"
            )
        else:
            lines.append("due      no published period")
    if state.estimate:
        lines.append("estimate yes: a deadline here was counted past its calendar's horizon")
        for estimate in state.estimates:
            lines += _wrap(estimate.note, "         ", "         ")
    if state.deemed:
        lines.append("deemed:")
        for finding in state.deemed:
            lines.append(f"  {finding.code} ({finding.path})")
            lines += _wrap(finding.message, "    ", "    ")
    lines.append(f"events   {len(state.events)}:")
    for event in state.events:
        outcome = f" ({event.outcome})" if event.outcome else ""
        lines.append(f"  {event.at.isoformat()}  {event.kind}{outcome}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The commands


def _fail(command: str, err: TextIO, exc: Exception) -> int:
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        where = f": {exc.filename}" if exc.filename else ""
        err.write(f"ipp-rules {command}: {reason}{where}\n")
    else:
        err.write(f"ipp-rules {command}: {exc}\n")
    return EXIT_INVALID


def run_deadline(
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO | None = None,
    *,
    policy: DeadlinePolicy | None = None,
) -> int:
    """Run ``ipp-rules deadline`` with parsed ``args`` (``platform``, ``kind``,
    ``received_at``, ``country``, ``rules``, ``format``). ``policy``: a loaded policy to use
    instead of ``args.rules``."""
    err = sys.stderr if err is None else err
    try:
        loaded = load_policy(policy if policy is not None else getattr(args, "rules", None))
        received_at = _instant(args.received_at, "received_at")
        deadline = compute_deadline(
            loaded, args.platform, args.kind, received_at, getattr(args, "country", None)
        )
        calendar = loaded.calendar_for(deadline.platform, deadline.country)
        title = loaded.rule(deadline.kind).title
    except (IppRulesError, OSError) as exc:
        return _fail("deadline", err, exc)
    if getattr(args, "format", "text") == "json":
        out.write(deadline.model_dump_json(indent=2) + "\n")
    else:
        out.write(deadline_text(deadline, calendar, title))
    return EXIT_OK


def run_lifecycle(
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO | None = None,
    *,
    policy: DeadlinePolicy | None = None,
) -> int:
    """Run ``ipp-rules lifecycle`` with parsed ``args`` (``events``, ``platform``,
    ``country``, ``now``, ``rules``, ``format``). ``policy``: a loaded policy to use instead of
    ``args.rules``."""
    err = sys.stderr if err is None else err
    doc: YamlDocument | None = None
    try:
        loaded = load_policy(policy if policy is not None else getattr(args, "rules", None))
        now_text = getattr(args, "now", None)
        now = datetime.now(UTC) if not now_text else _instant(now_text, "--now")
        deadlines = deadline_function(loaded, args.platform, getattr(args, "country", None))
        events, doc = load_events(args.events)
        state = replay(events, deadlines=deadlines, now=now)
    except LifecycleError as exc:
        if doc is not None and exc.index is not None:
            err.write(f"ipp-rules lifecycle: {doc.location((exc.index,))}: {exc}\n")
            return EXIT_INVALID
        return _fail("lifecycle", err, exc)
    except (IppRulesError, OSError) as exc:
        return _fail("lifecycle", err, exc)
    if getattr(args, "format", "text") == "json":
        out.write(state.model_dump_json(indent=2) + "\n")
    else:
        out.write(case_text(state))
    return EXIT_OK
