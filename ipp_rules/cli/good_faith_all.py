"""``ipp-rules good-faith --all-accounts HISTORY``: Good Faith eligibility of every account of a
history at once.

The history is CSV, JSON lines or Parquet (by its ending, else by its first bytes), every
record naming its ``account``. The results go to ``--output FILE`` (``.parquet``, ``.jsonl``
or ``.csv``, written whole or not at all), else to the standard output as a table or JSON,
with a summary. Exit status: 0 every account eligible, 1 some account not, 2 an invalid
history, policy or arguments.

How the history is counted is a parameter of :func:`run_all_accounts` (a :data:`Counter`):
:func:`count_locally` counts it on this machine; another counter may count its partitions
elsewhere and merge the counts, and the rest of the command is the same.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
from collections.abc import Callable
from datetime import UTC
from typing import Any, TextIO

from ipp_rules.cli.arguments import add_scheduler, now_in, parse_time
from ipp_rules.cli.bundles import read_good_faith_policy
from ipp_rules.cli.output import EXIT_FOUND, EXIT_OK, write_json
from ipp_rules.errors import ArgumentError
from ipp_rules.goodfaith import (
    AccountsCount,
    AccountsEligibility,
    AccountsQuestion,
    HistoryFile,
    count_accounts,
    count_history,
    decide_accounts,
)
from ipp_rules.goodfaith.accounts import history_kind
from ipp_rules.text.files import open_regular, replacing

__all__ = [
    "OUTPUT_KINDS",
    "Counter",
    "add_all_accounts_arguments",
    "count_locally",
    "results_text",
    "run_all_accounts",
    "write_results",
]

Counter = Callable[[AccountsQuestion, str, str], AccountsCount]
"""How a history file is counted: ``(question, name, history_format) -> count``, the count of
every record of the file named ``name`` (``-``: standard input) for ``question``."""

OUTPUT_KINDS = (".parquet", ".jsonl", ".csv")
"""The results files ``--output`` writes, by ending."""


def add_all_accounts_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``good-faith --all-accounts`` (added to the ``good-faith`` parser)."""
    parser.add_argument(
        "--all-accounts",
        action="store_true",
        help="assess every account of the history (each record names its account); "
        "the history may also be Parquet",
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="with --all-accounts: write one row per account to FILE (.parquet, .jsonl or "
        ".csv), whole or not at all",
    )
    add_scheduler(parser, "with --all-accounts: count the history")


def count_locally(question: AccountsQuestion, name: str, history_format: str) -> AccountsCount:
    """Count the history file ``name`` on this machine (Parquet a row group at a time)."""
    if name == "-":
        import sys

        stream = sys.stdin.buffer
        history = HistoryFile(lambda: stream, "<stdin>", history_format, close=False)
        return count_accounts(question, history)
    kind = history_kind(name, history_format)
    if kind == "parquet":
        return count_history(question, name)
    return count_accounts(question, HistoryFile(lambda: open_regular(name), name, kind))


def run_all_accounts(
    args: argparse.Namespace, out: TextIO, err: TextIO, count: Counter = count_locally
) -> int:
    """Run ``ipp-rules good-faith --all-accounts`` with parsed ``args``, counting the history
    with ``count``."""
    if args.membership:
        raise ArgumentError(
            "--membership names the events of one account: it cannot be used with --all-accounts"
        )
    output = args.output
    if output is not None and os.path.splitext(output)[1].lower() not in OUTPUT_KINDS:
        raise ArgumentError(
            f"--output: expected a file ending in {', '.join(OUTPUT_KINDS)} (got {output!r})"
        )
    as_of = parse_time(args.as_of, "--as-of") if args.as_of is not None else None
    policy, bundle = read_good_faith_policy(args.rules)
    question = AccountsQuestion(policy, as_of or now_in(UTC), args.platform)
    history_format = "auto" if args.history_format == "auto" else args.history_format
    results = decide_accounts(question, count(question, args.history, history_format))
    summary = {
        "accounts": len(results),
        "eligible": results.eligible,
        "not_eligible": results.not_eligible,
    }
    if output is not None:
        write_results(results, output)
        if args.format == "json":
            write_json(out, {**summary, "output": output, **bundle.as_json()})
        else:
            out.write(_summary_text(summary) + f" written to {output}\n")
    elif args.format == "json":
        write_json(out, {**summary, "results": list(results.rows()), **bundle.as_json()})
    else:
        out.write(results_text(results))
        out.write(f"\nrules: {bundle.text()}\n")
    return EXIT_OK if results.not_eligible == 0 else EXIT_FOUND


def _summary_text(summary: dict[str, int]) -> str:
    return (
        f"{summary['accounts']} accounts: {summary['eligible']} eligible, "
        f"{summary['not_eligible']} not eligible;"
    )


def write_results(results: AccountsEligibility, name: str) -> None:
    """Write one row per account to ``name`` by its ending: Parquet (needs pyarrow), JSON
    lines (the findings as objects), or CSV (the codes separated by spaces, the findings as
    JSON text). The file is replaced whole, or left as it was."""
    kind = os.path.splitext(name)[1].lower()
    if kind == ".parquet":
        table = results.to_arrow()  # ImportError naming the extra before the file is touched
        import pyarrow.parquet as pq

        with replacing(name) as handle:
            pq.write_table(table, handle)
        return
    with replacing(name) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        if kind == ".jsonl":
            for row in results.rows():
                text.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(results.columns())
            for row in results.rows(findings_text=True):
                row["finding_codes"] = " ".join(row["finding_codes"])
                writer.writerow(_cell(value) for value in row.values())
        text.flush()
        text.detach()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def results_text(results: AccountsEligibility) -> str:
    """A table of every account (verdict, requests, the rates, the findings' codes), then the
    summary, for a person."""
    header = ("account", "verdict", "requests", "rates", "findings")
    table: list[tuple[str, ...]] = [header]
    for row in results.rows():
        rates = []
        for column, value in row.items():
            if column.endswith("_value"):
                rates.append("-" if value is None else f"{value:.2%}")
        table.append(
            (
                row["account"],
                "eligible" if row["eligible"] else "NOT eligible",
                str(row["requests"]),
                " / ".join(rates),
                " ".join(row["finding_codes"]) or "-",
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header) - 1)]
    lines = [
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(line, widths, strict=False)), line[-1]]
        ).rstrip()
        for line in table
    ]
    summary = {
        "accounts": len(results),
        "eligible": results.eligible,
        "not_eligible": results.not_eligible,
    }
    return "\n".join(lines) + "\n\n" + _summary_text(summary).rstrip(";") + "\n"
