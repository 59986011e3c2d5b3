"""Reading a reporting history from a file: CSV with a header row, or JSON lines.

:func:`history_from_csv` names a CSV file (or holds CSV text) as a :class:`HistoryFile`, which
``Engine.good_faith`` and :func:`~ipp_rules.goodfaith.evaluate_good_faith_history` take as they
take a list of records. A :class:`HistoryReader` does the reading: rows are streamed (a history
of millions of rows is never held whole) and checked as they are read; every bad row is a
problem located at its line, and reading goes on so that all of them are reported (the first
:data:`~ipp_rules.goodfaith.history.MAX_REPORTED`, then how many more).

A stream is read and decoded in blocks (:mod:`~ipp_rules.goodfaith.lines`). When the time is
the first column, as in the documented header, each line is split at its first comma: the rest
of a line (``taobao,counterfeit,taken_down,none,false``) repeats, and once a rest has been read
through the ``csv`` module and passed the record checks, a line with the same rest is a row as
soon as its time is read (:class:`~ipp_rules.goodfaith.instants.PosixTimes`). Every other line,
the first with each rest included, is read the careful way, the only one that words problems.
Rows are read as the columns they are counted in (:mod:`~ipp_rules.goodfaith.columns`).
"""

from __future__ import annotations

import array
import csv
import io
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from pydantic import TypeAdapter, ValidationError

from ipp_rules.errors import HistoryError, JsonRefused
from ipp_rules.goodfaith.columns import BATCH_ROWS, Batch, Combinations
from ipp_rules.goodfaith.history import (
    ACCOUNT,
    MAX_REPORTED,
    RecordRow,
    account_problem,
    record_problems,
)
from ipp_rules.goodfaith.instants import HEAD_LENGTH, PosixTimes
from ipp_rules.goodfaith.lines import RowLines, decoded_lines, stream_lines
from ipp_rules.models.complaint import AwareTimestamp
from ipp_rules.problems import Problem, suggest
from ipp_rules.text.files import open_regular
from ipp_rules.text.json import unique_keys

__all__ = [
    "COLUMNS",
    "FIELDS",
    "REQUIRED",
    "HistoryFile",
    "HistoryReader",
    "history_from_csv",
    "seconds_of",
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
COLUMNS = (*FIELDS, ACCOUNT)
"""Every field a history file may hold."""
_SNIFF_LINES = 20
_TIMESTAMP: TypeAdapter[Any] = TypeAdapter(AwareTimestamp)


def seconds_of(value: Any, times: PosixTimes) -> float | str:
    """POSIX seconds of a submission time in a file, or what is wrong with it: the instants the
    history model accepts (spaces around the time allowed), in the words of a file's problems."""
    if not isinstance(value, str):
        return f"expected an ISO-8601 time as text (got {value!r})"
    text = value.strip()
    seconds = times.read(text)
    if seconds is not None:
        return seconds
    try:
        moment = _TIMESTAMP.validate_python(text)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        if error["type"] == "timezone_aware":
            return f"{value!r} has no offset: add one, like +08:00 or Z"
        if error["type"] == "datetime_out_of_range":
            return str(error["msg"])
        return f"expected an ISO-8601 time like 2026-03-02T10:15:00+08:00 (got {value!r})"
    seconds = moment.timestamp()
    assert isinstance(seconds, float)
    return seconds


class HistoryReader:
    """The valid rows of a history file, streamed; bad rows are kept as located problems.

    Iterate once (the evaluation consumes it), then check :attr:`problems` (or
    :meth:`error`); :meth:`location` says on which line each row read was. ``lines`` are the
    file's lines (text or bytes, each with its line break); :meth:`from_stream` reads a binary
    stream in blocks, which is much faster for a large file.
    """

    def __init__(
        self,
        lines: Iterable[str | bytes],
        label: str,
        kind: str = "auto",
        *,
        accounts: bool = False,
    ) -> None:
        self._start(decoded_lines(lines, self._bad), label, kind, accounts)

    @classmethod
    def from_stream(
        cls,
        stream: BinaryIO,
        label: str,
        kind: str = "auto",
        *,
        close: bool = False,
        accounts: bool = False,
    ) -> HistoryReader:
        """A reader of ``stream``'s bytes, read a block at a time
        (:func:`~ipp_rules.goodfaith.lines.stream_lines`); with ``close``, the stream is closed
        once read (or when the reader is dropped)."""
        reader = cls.__new__(cls)
        reader._start(stream_lines(stream, reader._bad, close=close), label, kind, accounts)
        return reader

    def _start(self, lines: Iterator[str], label: str, kind: str, accounts: bool) -> None:
        self.label = label
        self.accounts = accounts
        """Whether each row's account is read: then it is needed, and it is the last value of
        the row's combination (``(platform, ..., false_information, account)``)."""
        self.problems: list[Problem] = []
        self.bad_rows = 0
        self._row_lines = RowLines()
        self._valid: set[tuple[tuple[type, Any], ...]] = set()
        """Value combinations already found valid, each value with its type: 1 == True and
        0 == False in Python, but only true and false are booleans here."""
        self._times = PosixTimes()
        self._combinations = Combinations()
        head, rest = _peek(lines)
        if kind == "auto":
            kind = _sniff(label, head)
        self.kind = kind
        self._lines = rest

    def batches(self) -> Iterator[Batch]:
        """The valid rows as the columns they are counted in (read once)."""
        if self.kind == "jsonl":
            return self._jsonl()
        return self._csv()

    def __iter__(self) -> Iterator[RecordRow]:
        return _rows(self.batches())

    def location(self, position: int) -> str:
        """``history.csv:5``: where the row at ``position`` (from 0, in the order read) is."""
        return f"{self.label}:{self._row_lines.line(position)}"

    def line(self, position: int) -> int:
        """The line of the row at ``position`` (from 0, in the order read)."""
        return self._row_lines.line(position)

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
        needed = (*REQUIRED, ACCOUNT) if self.accounts else REQUIRED
        messages = [f"missing {field}" for field in needed if values.get(field) in (None, "")]
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
        key: tuple[Any, ...] = (
            values["platform"],
            values["reason"],
            values["outcome"],
            counter,
            false_information,
        )
        account = values.get(ACCOUNT)
        if account not in (None, ""):
            wrong = account_problem(account)
            if wrong is not None:
                messages.append(f"{ACCOUNT}: {wrong}")
        if self.accounts:
            key = (*key, account)
        typed = tuple((type(value), value) for value in key)
        try:
            known = typed in self._valid
        except TypeError:  # a JSON list or object where a value belongs
            known = False
        if not known:
            found = record_problems(*key[:5])
            if found:
                messages[:0] = [f"{field}: {message}" for field, message in found]
            elif not messages:
                self._valid.add(typed)
        seconds = seconds_of(submitted, self._times)
        if isinstance(seconds, str):
            messages.insert(0, f"submitted_at: {seconds}")
        if messages:
            self._bad(line, messages)
            return None
        assert not isinstance(seconds, str)
        return (seconds, *key)

    def _csv(self) -> Iterator[Batch]:
        lines = self._lines
        reader = csv.reader(lines, strict=True)
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
        fast = columns[0] == "submitted_at"
        combinations = self._combinations
        known: dict[str, int] = {}
        """The rest of a line after its time, to the number of the values of a row with it."""
        heads, tails, read_time = self._times.heads, self._times.tails, self._times.read
        base = reader.line_num + 1  # the line of the line at index 0, plus lines spanned
        skipped = 0  # lines that were no row
        self._row_lines.at(0, base)
        index = -1
        while chunk := list(itertools.islice(lines, BATCH_ROWS)):
            times = array.array("d")
            numbers = array.array("I")
            time_of, number_of = times.append, numbers.append
            rest_of_chunk = iter(chunk)
            first = index + 1
            for index, line in enumerate(rest_of_chunk, first):
                if fast:
                    submitted, _, rest = line.partition(",")
                    number = known.get(rest)
                    if number is not None:
                        hour = heads.get(submitted[:HEAD_LENGTH])
                        past = tails.get(submitted[HEAD_LENGTH:])
                        seconds = (
                            hour + past
                            if hour is not None and past is not None
                            else read_time(submitted)
                        )
                        if seconds is not None:
                            time_of(seconds)
                            number_of(number)
                            continue
                # The careful way: this line, and the next ones if a quoted value spans them.
                reader = csv.reader(itertools.chain((line,), rest_of_chunk, lines), strict=True)
                try:
                    cells = next(reader)
                except csv.Error as exc:
                    self._bad(index + base + reader.line_num - 1, [f"not valid CSV: {exc}"])
                    yield Batch(times, numbers, combinations)
                    return
                spanned = reader.line_num - 1
                base += spanned
                at = index + base  # a row is at its last line
                row = None
                if len(cells) == width:
                    values = dict(zip(columns, cells, strict=True))
                    row = self._row(at, values, text_booleans=True)
                elif cells:
                    self._bad(
                        at, [f"expected {width} values, like the header row (got {len(cells)})"]
                    )
                position = index - skipped
                if row is None:
                    skipped += 1
                    self._row_lines.at(position, at + 1)  # the next row, if the next line is one
                    continue
                self._row_lines.at(position, at)
                number = combinations.number(row[1:])
                if fast and not spanned and _plain(cells, submitted, rest):
                    known[rest] = number
                time_of(row[0])
                number_of(number)
            yield Batch(times, numbers, combinations)

    def _header(self, header: list[str]) -> list[str] | None:
        columns = [name.strip() for name in header]
        messages = []
        for name in columns:
            if name not in COLUMNS:
                messages.append(f"unknown column {name!r}{_suggest(name)}")
            elif columns.count(name) > 1:
                messages.append(f"column {name!r} appears more than once")
        needed = (*REQUIRED, ACCOUNT) if self.accounts else REQUIRED
        messages.extend(f"missing column {name!r}" for name in needed if name not in columns)
        if messages:
            self._bad(1, list(dict.fromkeys(messages)))
            return None
        return columns

    def _jsonl(self) -> Iterator[Batch]:
        combinations = self._combinations
        position = 0
        lines = enumerate(self._lines, start=1)
        while chunk := list(itertools.islice(lines, BATCH_ROWS)):
            times = array.array("d")
            numbers = array.array("I")
            for line, text in chunk:
                row = self._json_row(line, text)
                if row is not None:
                    self._row_lines.at(position, line)
                    position += 1
                    times.append(row[0])
                    numbers.append(combinations.number(row[1:]))
            yield Batch(times, numbers, combinations)

    def _json_row(self, line: int, text: str) -> RecordRow | None:
        if not text.strip():
            return None
        try:
            values = json.loads(text, object_pairs_hook=unique_keys)
        except JsonRefused as exc:
            self._bad(line, [f"not valid JSON: {exc.message}"])
            return None
        except ValueError as exc:
            if "integer string conversion" in str(exc):
                self._bad(line, ["not valid JSON: a number with thousands of digits"])
                return None
            self._bad(line, [f"not valid JSON: {exc}"])
            return None
        except RecursionError:
            self._bad(line, ["not valid JSON: nested too deeply"])
            return None
        if not isinstance(values, dict):
            self._bad(line, ['expected a JSON object, like {"submitted_at": ...}'])
            return None
        unknown = [f"unknown field {k!r}{_suggest(k)}" for k in values if k not in COLUMNS]
        if unknown:
            self._bad(line, unknown)
            return None
        return self._row(line, values, text_booleans=False)


def _plain(cells: list[str], submitted: str, rest: str) -> bool:
    """Whether a line the ``csv`` module read as ``cells`` reads the same split at its commas,
    its time first: then any line with that rest after a time reads so."""
    fields = rest.removesuffix("\n").removesuffix("\r").split(",")
    return cells[0] == submitted and cells[1:] == fields


class HistoryFile:
    """A reporting history in a file, read each time it is iterated: its valid rows as
    :data:`~ipp_rules.goodfaith.RecordRow` tuples, then :class:`HistoryError` naming every
    bad row by its line (``history.csv:5``) if there was one. :meth:`location` names the line
    of a row read; :meth:`batches` reads the rows as the columns they are counted in.

    ``open_stream`` gives the file's bytes, closed after reading unless ``close`` is false (a
    stream the caller closes, such as standard input); ``kind`` is ``csv``, ``jsonl`` or
    ``auto`` (by the name's ending, else by the first line).
    """

    def __init__(
        self,
        open_stream: Callable[[], BinaryIO],
        label: str,
        kind: str = "auto",
        *,
        close: bool = True,
        accounts: bool = False,
    ) -> None:
        self.label = label
        self.kind = kind
        self.accounts = accounts
        """Whether rows are read with their account (see :attr:`HistoryReader.accounts`)."""
        self._open = open_stream
        self.closes = close
        """Whether the stream is closed once read."""
        self._reader: HistoryReader | None = None

    def open_stream(self) -> BinaryIO:
        """The file's bytes, from the start."""
        return self._open()

    def batches(self) -> Iterator[Batch]:
        """The file's rows read as the columns they are counted in; then its error, if a row
        was bad."""
        stream = self._open()
        reader = HistoryReader.from_stream(
            stream, self.label, self.kind, close=self.closes, accounts=self.accounts
        )
        self._reader = reader
        return itertools.chain(reader.batches(), _raise_bad_rows(reader))

    def __iter__(self) -> Iterator[RecordRow]:
        return _rows(self.batches())

    def location(self, position: int) -> str:
        """``history.csv:5``: where the row at ``position`` of the last reading is."""
        if self._reader is None:
            raise IndexError("the history file has not been read")
        return self._reader.location(position)


def _rows(batches: Iterable[Batch]) -> Iterator[RecordRow]:
    for times, numbers, combinations in batches:
        values = combinations.values
        for seconds, number in zip(times, numbers, strict=True):
            yield (seconds, *values[number])


def _raise_bad_rows(reader: HistoryReader) -> Iterator[Batch]:
    """Nothing, once ``reader`` has been read: or its error, if a row was bad."""
    error = reader.error()
    if error is not None:
        raise error
    yield from ()


def history_from_csv(path_or_text: str | os.PathLike[str]) -> HistoryFile:
    """A reporting history in CSV with a header row (see ``docs/good-faith.md``): the path of
    a file, or the CSV text itself (a ``str`` holding a line break). A bad row is reported at
    its line: ``history.csv:5``, or ``<text>:5``."""
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        data = path_or_text.encode("utf-8", "surrogateescape")
        return HistoryFile(lambda: io.BytesIO(data), "<text>", "csv")
    path = os.fspath(path_or_text)
    return HistoryFile(lambda: open_regular(path), path, "csv")


def _suggest(name: str) -> str:
    nearest = suggest(name, COLUMNS)
    return f"; did you mean {nearest!r}?" if nearest else f" (expected: {', '.join(COLUMNS)})"


def _peek(lines: Iterator[str]) -> tuple[list[str], Iterator[str]]:
    head = list(itertools.islice(lines, _SNIFF_LINES))
    return head, itertools.chain(head, lines)


def _sniff(label: str, head: list[str]) -> str:
    suffix = os.path.splitext(label)[1].lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    first = next((line.lstrip() for line in head if line.strip()), "")
    return "jsonl" if first.startswith("{") else "csv"
