"""``ipp-rules good-faith HISTORY``: Good Faith Program eligibility of a reporting history.

The history is a CSV file with a header row naming the record fields, or JSON lines (one
object per line). Exit status: 0 eligible, 1 not eligible, 2 invalid history, policy or
arguments (every bad row is reported with its line number).
"""

from __future__ import annotations

import argparse
import array
import csv
import difflib
import itertools
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ipp_rules.errors import IppRulesError, RulesetError
from ipp_rules.goodfaith import (
    Eligibility,
    GoodFaithPolicy,
    HistoryError,
    MembershipEvent,
    Rate,
    RecordRow,
    evaluate_good_faith_records,
    format_percent,
    load_good_faith_policy,
    record_problems,
)
from ipp_rules.models.complaint import ISO_DATETIME, in_range
from ipp_rules.models.intake import _JsonRefused, _unique_keys
from ipp_rules.problems import Problem
from ipp_rules.text.files import bounded_lines, open_regular

__all__ = [
    "EXIT_ELIGIBLE",
    "EXIT_INVALID",
    "EXIT_NOT_ELIGIBLE",
    "HistoryReader",
    "add_parser",
    "eligibility_text",
    "run",
]

EXIT_ELIGIBLE = 0
EXIT_NOT_ELIGIBLE = 1
EXIT_INVALID = 2

FIELDS = (
    "submitted_at",
    "platform",
    "reason",
    "outcome",
    "counter_notification",
    "false_information",
)
REQUIRED = FIELDS[:4]
_MAX_REPORTED = 50
MAX_LINE_BYTES = 1_048_576
"""The longest line of a history read, in bytes: a longer one is a problem, and reading stops."""
_SNIFF_LINES = 20


def _as_of(text: str) -> datetime | date:
    """``YYYY-MM-DD`` or an ISO-8601 time with an offset."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date YYYY-MM-DD or a time with an offset like "
            f"2026-05-31T09:00:00+08:00 (got {text!r})"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no offset: add one (like +08:00) or give a date"
        )
    return moment


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
    """Add ``good-faith`` to the ``ipp-rules`` subcommands (``parser.add_subparsers()``)."""
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
        type=_as_of,
        metavar="DATE",
        help="assess as of this date (00:00 that day, program time) or time with offset; "
        "default: now",
    )
    parser.add_argument("--platform", default="taobao", help="marketplace (default: taobao)")
    parser.add_argument(
        "--rules",
        metavar="BUNDLE",
        help="bundle folder holding good_faith.yaml, or the file (default: the bundled rulesets)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--history-format",
        choices=("auto", "csv", "jsonl"),
        default="auto",
        help="auto: by the file suffix (.csv, .jsonl), else by the first line",
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
    return parser


# ---------------------------------------------------------------------------------------------
# Reading a history file


class HistoryReader:
    """The valid rows of a history file, streamed; bad rows are kept as located problems.

    Iterate once (the evaluation consumes it), then check :attr:`problems`;
    :meth:`location` says on which line each row read was.
    """

    def __init__(self, lines: Iterable[str | bytes], label: str, kind: str = "auto") -> None:
        self.label = label
        self.problems: list[Problem] = []
        self.bad_rows = 0
        self._row_lines = array.array("Q")
        """The line of each row read, by position (8 bytes a row)."""
        self._valid: set[tuple[tuple[type, Any], ...]] = set()
        """Value combinations already found valid, each value with its type: 1 == True and
        0 == False in Python, but only true and false are booleans here."""
        head, rest = _peek(self._decoded(iter(lines)))
        if kind == "auto":
            kind = _sniff(label, head)
        self.kind = kind
        self._lines = rest

    def _decoded(self, lines: Iterator[str | bytes]) -> Iterator[str]:
        """The lines as text (a leading BOM dropped), stopping with a located problem at the
        first line that is not UTF-8."""
        for number, line in enumerate(lines, start=1):
            if len(line) > MAX_LINE_BYTES:
                self._bad(number, [f"line longer than {MAX_LINE_BYTES} bytes"])
                return
            if isinstance(line, bytes):
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self._bad(number, [f"not valid UTF-8: {exc.reason} at byte {exc.start + 1}"])
                    return
            else:
                text = line
            yield text.removeprefix("\ufeff") if number == 1 else text

    def __iter__(self) -> Iterator[RecordRow]:
        if self.kind == "jsonl":
            return self._jsonl()
        return self._csv()

    def location(self, position: int) -> str:
        """``history.csv:5``: where the row at ``position`` (from 0, in the order read) is."""
        return f"{self.label}:{self._row_lines[position]}"

    def error(self) -> HistoryError | None:
        if not self.problems:
            return None
        problems = list(self.problems)
        if self.bad_rows > _MAX_REPORTED:
            problems.append(
                Problem(f"and {self.bad_rows - _MAX_REPORTED} more bad rows", file=self.label)
            )
        return HistoryError(problems)

    def _bad(self, line: int, messages: list[str]) -> None:
        self.bad_rows += 1
        if self.bad_rows <= _MAX_REPORTED:
            self.problems.extend(Problem(m, file=self.label, line=line) for m in messages)

    def _row(self, line: int, values: dict[str, Any], *, text_booleans: bool) -> RecordRow | None:
        messages = [f"missing {field}" for field in REQUIRED if values.get(field) in (None, "")]
        if messages:
            self._bad(line, messages)
            return None
        submitted = values["submitted_at"]
        counter = values.get("counter_notification")
        if counter in (None, ""):
            counter = "none"
        false_information: Any = values.get("false_information")
        if false_information in (None, ""):
            false_information = False
        elif text_booleans and isinstance(false_information, str):
            false_information = {"true": True, "false": False}.get(
                false_information.strip().lower(), false_information
            )
        key = (values["platform"], values["reason"], values["outcome"], counter, false_information)
        typed = tuple((type(value), value) for value in key)
        try:
            known = typed in self._valid
        except TypeError:  # a JSON list or object where a value belongs
            known = False
        if not known:
            found = record_problems(*key)
            if found:
                messages = [f"{field}: {message}" for field, message in found]
            else:
                self._valid.add(typed)
        seconds = _seconds(submitted)
        if isinstance(seconds, str):
            messages.insert(0, f"submitted_at: {seconds}")
        if messages:
            self._bad(line, messages)
            return None
        assert not isinstance(seconds, str)
        self._row_lines.append(line)
        return (seconds, *key)

    def _csv(self) -> Iterator[RecordRow]:
        reader = csv.reader(self._lines, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self._bad(reader.line_num, [f"not valid CSV: {exc}"])
            return
        if header is None:
            if not self.problems:  # not a first line already refused (not UTF-8, too long)
                self._bad(
                    1, [f"the file is empty: expected a header row ({', '.join(REQUIRED)}...)"]
                )
            return
        columns = self._header(header)
        if columns is None:
            return
        width = len(columns)
        while True:
            try:
                cells = next(reader, None)
            except csv.Error as exc:
                self._bad(reader.line_num, [f"not valid CSV: {exc}"])
                return
            if cells is None:
                return
            if not cells:
                continue
            line = reader.line_num
            if len(cells) != width:
                self._bad(
                    line, [f"expected {width} values, like the header row (got {len(cells)})"]
                )
                continue
            row = self._row(line, dict(zip(columns, cells, strict=True)), text_booleans=True)
            if row is not None:
                yield row

    def _header(self, header: list[str]) -> list[str] | None:
        columns = [name.strip() for name in header]
        messages = []
        for name in columns:
            if name not in FIELDS:
                messages.append(f"unknown column {name!r}{_suggest(name)}")
            elif columns.count(name) > 1:
                messages.append(f"column {name!r} appears more than once")
        messages.extend(f"missing column {name!r}" for name in REQUIRED if name not in columns)
        if messages:
            self._bad(1, list(dict.fromkeys(messages)))
            return None
        return columns

    def _jsonl(self) -> Iterator[RecordRow]:
        for line, text in enumerate(self._lines, start=1):
            if not text.strip():
                continue
            try:
                values = json.loads(text, object_pairs_hook=_unique_keys)
            except _JsonRefused as exc:
                self._bad(line, [f"not valid JSON: {exc.message}"])
                continue
            except ValueError as exc:
                if "integer string conversion" in str(exc):
                    self._bad(line, ["not valid JSON: a number with thousands of digits"])
                    continue
                self._bad(line, [f"not valid JSON: {exc}"])
                continue
            except RecursionError:
                self._bad(line, ["not valid JSON: nested too deeply"])
                continue
            if not isinstance(values, dict):
                self._bad(line, ['expected a JSON object, like {"submitted_at": ...}'])
                continue
            unknown = [f"unknown field {k!r}{_suggest(k)}" for k in values if k not in FIELDS]
            if unknown:
                self._bad(line, unknown)
                continue
            row = self._row(line, values, text_booleans=False)
            if row is not None:
                yield row


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f" (expected: {', '.join(FIELDS)})"


def _seconds(value: Any) -> float | str:
    """POSIX seconds of an ISO-8601 time with an offset, or what is wrong with it: the same
    instants the history model accepts (no compact forms, years 1900 to 2999 in UTC)."""
    if not isinstance(value, str):
        return f"expected an ISO-8601 time as text (got {value!r})"
    text = value.strip()
    if not ISO_DATETIME.fullmatch(text):
        return f"expected an ISO-8601 time like 2026-03-02T10:15:00+08:00 (got {value!r})"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return f"expected an ISO-8601 time like 2026-03-02T10:15:00+08:00 (got {value!r})"
    if moment.tzinfo is None or moment.utcoffset() is None:
        return f"{value!r} has no offset: add one, like +08:00 or Z"
    try:
        return in_range(moment).timestamp()
    except ValueError as exc:
        return str(exc)


def _peek(lines: Iterator[str]) -> tuple[list[str], Iterator[str]]:
    head = list(itertools.islice(lines, _SNIFF_LINES))
    return head, itertools.chain(head, lines)


def _sniff(label: str, head: list[str]) -> str:
    suffix = Path(label).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    first = next((line.lstrip() for line in head if line.strip()), "")
    return "jsonl" if first.startswith("{") else "csv"


def _open(name: str) -> tuple[BinaryIO, str]:
    """The file's bytes (decoded line by line, so a bad byte is reported on its line)."""
    if name == "-":
        return sys.stdin.buffer, "<stdin>"
    return open_regular(name), name


# ---------------------------------------------------------------------------------------------
# Output


def _rate_text(rate: Rate) -> str:
    fraction = rate.fraction()
    measured = "not measurable" if fraction is None else format_percent(fraction)
    text = f"{measured} ({rate.numerator} of {rate.denominator})"
    if rate.threshold is not None:
        need = "at least" if rate.bound == "min" else "at most"
        verdict = {True: "met", False: "NOT MET", None: "not tested"}[rate.met]
        text += f", {need} {rate.threshold}: {verdict}"
    return text


def _requests(count: int) -> str:
    return f"{count} request{'s' if count != 1 else ''}"


def eligibility_text(eligibility: Eligibility, policy: GoodFaithPolicy) -> str:
    """The verdict, the metrics and the findings, for a person."""
    m = eligibility.metrics
    period = eligibility.period
    local = "%Y-%m-%d %H:%M"
    verdict = "eligible" if eligibility.eligible else "NOT eligible"
    until = f" until {period.effective_until}" if period.effective_until else ""
    look_back = "whole history" if m.false_information_look_back == "history" else "window"
    rows: list[tuple[str, str]] = [
        ("platform", eligibility.platform),
        ("as of", f"{eligibility.as_of.strftime(local)} ({m.timezone})"),
        ("policy period", f"{period.name} (from {period.effective_from}{until})"),
        (
            "window",
            f"{m.window_start.strftime(local)} to {m.window_end.strftime(local)}, end excluded "
            f"({m.window_months} month{'s' if m.window_months != 1 else ''})",
        ),
        ("requests", f"{m.requests} (at least {m.min_requests})"),
    ]
    rows.extend((policy.rates[name].title, _rate_text(rate)) for name, rate in m.rates.items())
    rows.append(
        (
            "false information",
            f"{_requests(m.false_information)} ({look_back}, every marketplace)",
        )
    )
    if m.other_marketplace_requests:
        rows.append(
            (
                "other marketplaces",
                f"{_requests(m.other_marketplace_requests)}, counted for false information only",
            )
        )
    if m.rejoin_from is not None:
        rows.append(("may rejoin from", m.rejoin_from.isoformat()))
    width = max(len(label) for label, _ in rows)
    lines = [f"{eligibility.program}: {verdict}", ""]
    lines.extend(f"  {label.ljust(width)}  {value}" for label, value in rows)
    if m.per_reason:
        lines += ["", "per reason code:"]
        for reason, metrics in m.per_reason.items():
            lines.append(f"  {reason}: {_requests(metrics.requests)}")
            lines.extend(
                f"    {policy.rates[name].title}: {_rate_text(rate)}"
                for name, rate in metrics.rates.items()
            )
    if eligibility.findings:
        lines += ["", "findings:"]
        for finding in eligibility.findings:
            lines.append(f"  {finding.code}: {finding.message}")
        lines += ["", f"source: {period.source}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The command


def _policy(rules: str | None) -> GoodFaithPolicy:
    """The Good Faith policy of a bundle (the whole bundle is loaded and checked), or of a
    policy file (or a folder holding only ``good_faith.yaml``) given directly."""
    from ipp_rules.engine.engine import default_bundle_path
    from ipp_rules.rulesets.bundle import load_bundle

    path = Path(rules) if rules else default_bundle_path()
    if path.is_dir() and not (path / "bundle.yaml").is_file():
        return load_good_faith_policy(path)  # a folder holding only good_faith.yaml
    if path.is_file() and path.name != "bundle.yaml":
        return load_good_faith_policy(path)
    policy = load_bundle(path).good_faith
    if policy is None:
        raise RulesetError(
            [Problem("this bundle has no good_faith policy", "no_policy", file=str(path))]
        )
    return policy


def evaluate_file(
    policy: GoodFaithPolicy,
    name: str,
    as_of: datetime | date,
    platform: str = "taobao",
    membership: Iterable[MembershipEvent] = (),
    history_format: str = "auto",
) -> Eligibility:
    """Eligibility of the history in file ``name`` (``-``: standard input); every bad row is a
    located problem of one :class:`HistoryError`."""
    stream, label = _open(name)
    try:
        reader = HistoryReader(bounded_lines(stream, MAX_LINE_BYTES), label, history_format)
        eligibility = evaluate_good_faith_records(
            policy, reader, as_of, platform, tuple(membership), record_location=reader.location
        )
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    error = reader.error()
    if error is not None:
        raise error
    return eligibility


def run(args: argparse.Namespace, out: TextIO, err: TextIO | None = None) -> int:
    """Run ``ipp-rules good-faith`` with parsed ``args``; errors go to ``err`` (stderr)."""
    err = sys.stderr if err is None else err
    try:
        policy = _policy(args.rules)
        as_of = args.as_of if args.as_of is not None else datetime.now(UTC)
        eligibility = evaluate_file(
            policy,
            args.history,
            as_of,
            args.platform,
            args.membership,
            args.history_format,
        )
    except IppRulesError as exc:
        err.write(f"ipp-rules good-faith: {exc}\n")
        return EXIT_INVALID
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = f": {exc.filename}" if exc.filename else ""
        err.write(f"ipp-rules good-faith: {reason}{where}\n")
        return EXIT_INVALID
    if args.format == "json":
        out.write(eligibility.model_dump_json(indent=2) + "\n")
    else:
        out.write(eligibility_text(eligibility, policy))
    return EXIT_ELIGIBLE if eligibility.eligible else EXIT_NOT_ELIGIBLE
