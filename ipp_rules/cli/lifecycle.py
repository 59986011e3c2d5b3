"""``ipp-rules lifecycle EVENTS_FILE --platform P``: a complaint's state from its events.

Replays a complaint's events (a JSON or YAML list of ``{kind, at, outcome}``) and prints its
state, what is due next and by when, and what the policy deemed when a deadline passed.
Exit status: 0 answered, 2 invalid events, policy or arguments.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from ipp_rules.cli.arguments import add_format, add_rules, instant, now_in, parse_time
from ipp_rules.cli.bundles import BundleInUse, read_deadline_policy
from ipp_rules.cli.deadline import add_country
from ipp_rules.cli.output import EXIT_OK, write_json
from ipp_rules.cli.render_text import day_text, wrapped
from ipp_rules.deadlines import CaseState, deadline_function, replay
from ipp_rules.errors import EventsFileError, LifecycleError
from ipp_rules.policies import get_policy
from ipp_rules.text.files import open_regular
from ipp_rules.text.yaml import YamlDocument, YamlLimits, load_yaml

__all__ = [
    "MAX_EVENTS_BYTES",
    "add_parser",
    "case_text",
    "load_events",
    "run",
]

MAX_EVENTS_BYTES = 1_048_576
"""The largest events file read, in bytes."""
_LIMITS = YamlLimits(max_bytes=MAX_EVENTS_BYTES)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``lifecycle`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "lifecycle",
        help="a complaint's state from its events, what is due next and what was deemed",
        description="Replay a complaint's events (a JSON or YAML list of {kind, at, outcome}) "
        "and print its state, the listing's status, what is due next and by when, and what the "
        "policy deemed when a deadline passed. Exit status: 0 answered, 2 invalid events, "
        "policy or arguments.",
    )
    parser.add_argument(
        "events", metavar="EVENTS_FILE", help="JSON or YAML list of events; - for standard input"
    )
    parser.add_argument("--platform", required=True, help="marketplace, e.g. taobao, lazada")
    parser.add_argument(
        "--now",
        metavar="TIME",
        help="the state as of this instant: an ISO-8601 time with an offset, or a date (00:00 "
        "that day, marketplace time); default: the current time",
    )
    add_country(parser)
    add_rules(parser, "bundle folder holding deadlines.yaml, or the file")
    add_format(parser)
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules lifecycle`` with parsed ``args``."""
    written = parse_time(args.now, "--now") if args.now else None
    policy, bundle = read_deadline_policy(args.rules)
    zone = get_policy(args.platform).zone(args.country)
    now = now_in(zone) if written is None else instant(written, zone)
    deadlines = deadline_function(policy, args.platform, args.country)
    events, document = load_events(args.events)
    try:
        state = replay(events, deadlines=deadlines, now=now)
    except LifecycleError as error:
        if error.index is None:
            raise
        located = error.at(document.problem((error.index,), "", ""))
        raise located from None
    if args.format == "json":
        write_json(out, {**state.model_dump(mode="json"), **bundle.as_json()})
    else:
        out.write(case_text(state, bundle))
    return EXIT_OK


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
    document = load_yaml(data, label, limits=_LIMITS, error=EventsFileError)
    if not isinstance(document.data, list):
        raise EventsFileError(
            [
                document.problem(
                    (),
                    "expected a list of events, like [{kind: submitted, at: "
                    '"2026-09-14T09:00:00+08:00"}]',
                    "invalid",
                )
            ]
        )
    return document.data, document


def case_text(state: CaseState, bundle: BundleInUse | None = None) -> str:
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
        lines += wrapped(f"{party}: {step.action}", "next     ")
        if step.due is not None and step.last_day is not None:
            overdue = ", OVERDUE" if step.overdue else ""
            estimated = ", an estimate" if step.estimate else ""
            lines.append(
                f"due      {step.due.isoformat()} ({step.deadline_kind}, last day "
                f"{day_text(step.last_day)}{estimated}){overdue}"
            )
        else:
            lines.append("due      no published period")
    if state.estimate:
        lines.append("estimate yes: a deadline here was counted past its calendar's horizon")
        for estimate in state.estimates:
            lines += wrapped(estimate.note, "         ")
    if state.deemed:
        lines.append("deemed:")
        for finding in state.deemed:
            lines.append(f"  {finding.code} ({finding.path})")
            lines += wrapped(finding.message, "    ")
    lines.append(f"events   {len(state.events)}:")
    for event in state.events:
        outcome = f" ({event.outcome})" if event.outcome else ""
        lines.append(f"  {event.at.isoformat()}  {event.kind}{outcome}")
    if bundle is not None:  # one line, never wrapped: a path is copied whole
        lines.append(f"rules    {bundle.text()}")
    return "\n".join(lines) + "\n"
