"""``ipp-rules good-faith HISTORY``: Good Faith Program eligibility of a reporting history.

The history is a CSV file with a header row naming the record fields, or JSON lines (one
object per line), read by :mod:`ipp_rules.cli.history`. Exit status: 0 eligible, 1 not
eligible, 2 invalid history, policy or arguments (every bad row is reported with its line
number). With ``--all-accounts``, every account of the history is assessed
(:mod:`ipp_rules.cli.good_faith_all`).
"""

from __future__ import annotations

import argparse
from datetime import UTC
from typing import Any, TextIO

from ipp_rules.cli.arguments import add_format, add_rules, now_in, parse_time
from ipp_rules.cli.bundles import BundleInUse, read_good_faith_policy
from ipp_rules.cli.good_faith_all import add_all_accounts_arguments, run_all_accounts
from ipp_rules.cli.history import evaluate_file
from ipp_rules.cli.output import EXIT_FOUND, EXIT_OK, write_json
from ipp_rules.cli.render_text import count
from ipp_rules.errors import ArgumentError
from ipp_rules.goodfaith import (
    Eligibility,
    GoodFaithPolicy,
    MembershipEvent,
    Rate,
    format_percent,
)

__all__ = ["add_parser", "eligibility_text", "run"]


def _membership(text: str) -> MembershipEvent:
    """``removed:2026-03-10`` (also ``withdrawn:`` and ``joined:``)."""
    event, _, on = text.partition(":")
    if event not in ("joined", "removed", "withdrawn") or not on:
        raise argparse.ArgumentTypeError(
            f"expected EVENT:DATE with EVENT joined, removed or withdrawn, like "
            f"removed:2026-03-10 (got {text!r})"
        )
    try:
        return MembershipEvent.model_validate({"event": event, "on": on})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date YYYY-MM-DD after {event}: (got {on!r})"
        ) from None


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``good-faith`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "good-faith",
        help="Good Faith Program eligibility of a reporting history (CSV or JSON lines)",
        description="Measure a rights holder's reporting history against the Good Faith "
        "Program policy and print the metrics and the verdict. Exit status: 0 eligible, "
        "1 not eligible, 2 invalid history, policy or arguments.",
    )
    parser.add_argument(
        "history",
        metavar="HISTORY",
        help="reporting history: CSV with a header row (submitted_at, platform, reason, "
        "outcome, counter_notification, false_information) or JSON lines; - for standard input",
    )
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="assess as of this date (00:00 that day, program time) or an ISO-8601 time with "
        "an offset; default: now",
    )
    parser.add_argument("--platform", default="taobao", help="marketplace (default: taobao)")
    add_rules(parser, "bundle folder holding good_faith.yaml, or the file")
    add_format(parser)
    parser.add_argument(
        "--history-format",
        choices=("auto", "csv", "jsonl", "parquet"),
        default="auto",
        help="auto: by the file suffix (.csv, .jsonl, .parquet), else by the first line; "
        "parquet only with --all-accounts",
    )
    parser.add_argument(
        "--membership",
        type=_membership,
        action="append",
        default=[],
        metavar="EVENT:DATE",
        help="the account joined, was removed or withdrew on DATE, e.g. removed:2026-03-10 "
        "(repeatable)",
    )
    add_all_accounts_arguments(parser)
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules good-faith`` with parsed ``args``."""
    if args.all_accounts:
        if args.scheduler is None:
            if args.part_size is not None:
                raise ArgumentError("--part-size goes with --scheduler")
            return run_all_accounts(args, out, err)
        from ipp_rules.cli.distributed import count_on

        if args.history_format != "auto":
            raise ArgumentError(
                "--history-format: with --scheduler each file is read by its name's ending "
                "(.csv, .jsonl, .parquet)"
            )
        return run_all_accounts(args, out, err, count_on(args))
    if args.scheduler is not None or args.part_size is not None:
        raise ArgumentError("--scheduler and --part-size go with --all-accounts")
    if args.output is not None:
        raise ArgumentError("--output is for --all-accounts: one account's result is printed")
    if args.history_format == "parquet":
        raise ArgumentError("--history-format parquet is read with --all-accounts only")
    as_of = parse_time(args.as_of, "--as-of") if args.as_of is not None else None
    policy, bundle = read_good_faith_policy(args.rules)
    if as_of is None:
        as_of = now_in(UTC)  # shown in the program's timezone, as every as-of is
    eligibility = evaluate_file(
        policy, args.history, as_of, args.platform, args.membership, args.history_format
    )
    if args.format == "json":
        write_json(out, {**eligibility.model_dump(mode="json"), **bundle.as_json()})
    else:
        out.write(eligibility_text(eligibility, policy, bundle))
    return EXIT_OK if eligibility.eligible else EXIT_FOUND


# ---------------------------------------------------------------------------------------------
# The text


def _rate_text(rate: Rate) -> str:
    fraction = rate.fraction()
    measured = "not measurable" if fraction is None else format_percent(fraction)
    text = f"{measured} ({rate.numerator} of {rate.denominator})"
    if rate.threshold is not None:
        need = "at least" if rate.bound == "min" else "at most"
        verdict = {True: "met", False: "NOT MET", None: "not tested"}[rate.met]
        text += f", {need} {rate.threshold_percent}: {verdict}"
    return text


def eligibility_text(
    eligibility: Eligibility, policy: GoodFaithPolicy, bundle: BundleInUse | None = None
) -> str:
    """The verdict, the metrics, the findings and the rules read, for a person."""
    metrics = eligibility.metrics
    period = eligibility.period
    local = "%Y-%m-%d %H:%M"
    verdict = "eligible" if eligibility.eligible else "NOT eligible"
    until = f" until {period.effective_until}" if period.effective_until else ""
    look_back = "whole history" if metrics.false_information_look_back == "history" else "window"
    rows: list[tuple[str, str]] = [
        ("platform", eligibility.platform),
        ("as of", f"{eligibility.as_of.strftime(local)} ({metrics.timezone})"),
        ("policy period", f"{period.name} (from {period.effective_from}{until})"),
        (
            "window",
            f"{metrics.window_start.strftime(local)} to {metrics.window_end.strftime(local)}, "
            f"end excluded ({count(metrics.window_months, 'month')})",
        ),
        ("requests", f"{metrics.requests} (at least {metrics.min_requests})"),
    ]
    rows.extend(
        (policy.rates[name].title, _rate_text(rate)) for name, rate in metrics.rates.items()
    )
    rows.append(
        (
            "false information",
            f"{count(metrics.false_information, 'request')} ({look_back}, every marketplace)",
        )
    )
    if metrics.other_marketplace_requests:
        rows.append(
            (
                "other marketplaces",
                f"{count(metrics.other_marketplace_requests, 'request')}, counted for false "
                "information only",
            )
        )
    if metrics.rejoin_from is not None:
        rows.append(("may rejoin from", metrics.rejoin_from.isoformat()))
    if bundle is not None:
        rows.append(("rules", bundle.text()))
    width = max(len(label) for label, _ in rows)
    lines = [f"{eligibility.program}: {verdict}", ""]
    lines.extend(f"  {label.ljust(width)}  {value}" for label, value in rows)
    if metrics.per_reason:
        lines += ["", "per reason code:"]
        for reason, reason_metrics in metrics.per_reason.items():
            lines.append(f"  {reason}: {count(reason_metrics.requests, 'request')}")
            lines.extend(
                f"    {policy.rates[name].title}: {_rate_text(rate)}"
                for name, rate in reason_metrics.rates.items()
            )
    if eligibility.findings:
        lines += ["", "findings:"]
        for finding in eligibility.findings:
            lines.append(f"  {finding.code}: {finding.message}")
        lines += ["", f"source: {period.source}"]
    return "\n".join(lines) + "\n"
