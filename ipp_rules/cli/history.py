"""Reading a Good Faith reporting history: a CSV file with a header row, or JSON lines.

Rows are streamed (a history of millions of rows is never held whole) and checked as they
are read; every bad row is a problem located at its line, and reading goes on so that all of
them are reported (the first :data:`MAX_REPORTED`, then how many more).
"""

from __future__ import annotations

import array
import csv
import itertools
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from ipp_rules.errors import HistoryError, JsonRefused
from ipp_rules.goodfaith import (
    Eligibility,
    GoodFaithPolicy,
    MembershipEvent,
    RecordRow,
    evaluate_good_faith_records,
    record_problems,
)
from ipp_rules.models.complaint import ISO_DATETIME, in_range
from ipp_rules.problems import Problem, suggest
from ipp_rules.text.files import bounded_lines, open_regular
from ipp_rules.text.json import unique_keys

__all__ = [
    "FIELDS",
    "MAX_LINE_BYTES",
    "MAX_REPORTED",
    "REQUIRED",
    "HistoryReader",
    "evaluate_file",
]

FIELDS = (
    "submitted_at",
    "platform",
    "reason",
    "outcome",
    "counter_notification",
    "false_information",
)
"""The fields of a record, in the order of a CSV header."""
REQUIRED = FIELDS[:4]
"""The fields every record has; the others default to none and false."""
MAX_REPORTED = 50
"""The most bad rows reported one by one."""
MAX_LINE_BYTES = 1_048_576
"""The longest line of a history read, in bytes: a longer one is a problem, and reading stops."""
_SNIFF_LINES = 20


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
        """The bad rows read so far as one error (the first few, then how many more)."""
        if not self.problems:
            return None
        problems = list(self.problems)
        if self.bad_rows > MAX_REPORTED:
            problems.append(
                Problem(f"and {self.bad_rows - MAX_REPORTED} more bad rows", file=self.label)
            )
        return HistoryError(problems)

    def _bad(self, line: int, messages: list[str]) -> None:
        self.bad_rows += 1
        if self.bad_rows <= MAX_REPORTED:
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
                values = json.loads(text, object_pairs_hook=unique_keys)
            except JsonRefused as exc:
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
    nearest = suggest(name, FIELDS)
    return f"; did you mean {nearest!r}?" if nearest else f" (expected: {', '.join(FIELDS)})"


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
