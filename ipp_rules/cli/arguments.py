"""The arguments several commands share, and the one way every command reads a time.

``--rules``, ``--format``, ``--today`` and the hidden ``--backend`` are added here, so they
read and mean the same in every command. Every time argument (``deadline``'s RECEIVED_AT,
``lifecycle --now``, ``good-faith --as-of``, ``--today``) goes through :func:`parse_time`:
a date ``YYYY-MM-DD`` (the start of that day, in the marketplace's timezone where one
applies) or an ISO-8601 time with an offset. Anything else is an :class:`ArgumentError` that
names the argument.
"""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime, time, tzinfo
from typing import NoReturn

from ipp_rules.engine.engine import BACKENDS
from ipp_rules.errors import ArgumentError

__all__ = [
    "FORMATS",
    "CommandParser",
    "add_backend",
    "add_format",
    "add_rules",
    "add_scheduler",
    "add_today",
    "instant",
    "now_in",
    "parse_time",
    "parse_today",
    "part_size",
]

FORMATS = ("text", "json")
"""What ``--format`` takes: text for a person, json for a program."""

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_EXAMPLE = "2026-09-18T10:00:00+08:00"


class CommandParser(argparse.ArgumentParser):
    """An ``argparse`` parser that raises :class:`ArgumentError` where ``argparse`` would
    print and exit, so the command decides how to report it (text on the error output, or a
    JSON error object with ``--format json``)."""

    def error(self, message: str) -> NoReturn:
        raise ArgumentError(message, usage=self.format_usage(), prog=self.prog)


def add_rules(parser: argparse.ArgumentParser, what: str = "bundle folder") -> None:
    """``--rules BUNDLE``: the rules to read instead of the bundled ones."""
    parser.add_argument("--rules", metavar="BUNDLE", help=f"{what} (default: the bundled rules)")


def add_format(parser: argparse.ArgumentParser) -> None:
    """``--format text|json``; with json, errors are JSON too (on the standard output)."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default) or json; with json an error is one JSON object as well",
    )


def add_backend(parser: argparse.ArgumentParser) -> None:
    """The hidden ``--backend``: which rules engine backend decides (tests compare them)."""
    parser.add_argument(
        "--backend",
        choices=("auto", *BACKENDS),
        default="auto",
        help=argparse.SUPPRESS,
    )


def add_today(parser: argparse.ArgumentParser) -> None:
    """``--today DATE``: the date horizons are counted from."""
    # Imported by the commands that count horizons: every command imports this module, and
    # the horizons import the calendars and the ``holidays`` data.
    from ipp_rules.analysis.horizons import TODAY_VARIABLE

    parser.add_argument(
        "--today",
        metavar="DATE",
        help=f"count days left from this date, YYYY-MM-DD (default: ${TODAY_VARIABLE} if set, "
        "else today's date)",
    )


def parse_time(text: str, argument: str) -> date | datetime:
    """A time argument as written: a ``date`` for ``YYYY-MM-DD``, an aware ``datetime`` for
    an ISO-8601 time with an offset; :class:`ArgumentError` naming ``argument`` otherwise."""
    written = text.strip()
    if _DATE.fullmatch(written):
        try:
            return date.fromisoformat(written)
        except ValueError:
            raise ArgumentError(
                f"{argument}: {text!r} is not a date of the calendar (YYYY-MM-DD)"
            ) from None
    try:
        moment = datetime.fromisoformat(written)
    except ValueError:
        raise ArgumentError(
            f"{argument}: expected an ISO-8601 time with an offset, like {_TIME_EXAMPLE}, "
            f"or a date YYYY-MM-DD (got {text!r})"
        ) from None
    if moment.utcoffset() is None:
        raise ArgumentError(
            f"{argument}: {text!r} has no UTC offset: add one, like +08:00 or Z (a time "
            "without an offset could be any of several instants), or give a date YYYY-MM-DD"
        )
    return moment


def instant(value: date | datetime, zone: tzinfo) -> datetime:
    """The instant a parsed time argument means: a date is the start of that day in
    ``zone`` (the marketplace's timezone); a time is itself."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=zone)


def now_in(zone: tzinfo) -> datetime:
    """The current time in ``zone``, to the second: the default of ``--now`` and ``--as-of``,
    shown as the marketplace's clock shows it."""
    return datetime.now(zone).replace(microsecond=0)


def parse_today(text: str | None) -> date:
    """``--today`` as a date (a time means the date it has where it was written); when not
    given, ``$IPP_RULES_TODAY``, else the machine's date."""
    if text is None:
        from ipp_rules.analysis.horizons import today_from_environment  # see add_today

        return today_from_environment()
    value = parse_time(text, "--today")
    return value.date() if isinstance(value, datetime) else value


_UNITS = {"": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "g": 1 << 30}


def part_size(text: str) -> int:
    """``--part-size``: bytes, with an optional unit (``64MB``, ``512k``), 1 KiB to 4 GiB."""
    value = text.replace(" ", "").lower().removesuffix("ib").removesuffix("b")
    digits = value.rstrip("kmg")
    unit = value[len(digits) :]
    if not digits.isdigit() or len(digits) > 12 or unit not in _UNITS:
        raise argparse.ArgumentTypeError(f"expected a size like 64MB or 512k (got {text!r})")
    size = int(digits) * _UNITS[unit]
    if not 1 << 10 <= size <= 4 << 30:
        raise argparse.ArgumentTypeError(f"expected a size from 1KB to 4GB (got {text!r})")
    return size


def _scheduler(text: str) -> str:
    from ipp_rules.scale.schedulers import scheduler_address

    try:
        return scheduler_address(text)
    except ArgumentError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_scheduler(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--scheduler`` and ``--part-size`` to a command's parser."""
    parser.add_argument(
        "--scheduler",
        type=_scheduler,
        metavar="ADDRESS",
        help=f"{what} on Dask: 'local' (a cluster of one worker process per core) or a "
        "scheduler's address tcp://HOST:PORT; the inputs may then be glob patterns and fsspec "
        "URLs of JSON Lines or Parquet files (needs pip install 'ipp-rules[dask]')",
    )
    parser.add_argument(
        "--part-size",
        type=part_size,
        metavar="SIZE",
        help="with --scheduler: bytes of input a task decides (default 16MB)",
    )
