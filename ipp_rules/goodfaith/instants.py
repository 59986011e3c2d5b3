"""Submission times read fast, accepting exactly the texts the history model accepts.

A history of a million records holds a million times, nearly all different, and reading each
one through the model's :data:`~ipp_rules.models.complaint.AwareTimestamp` (or
``datetime.fromisoformat`` and a conversion to UTC) was most of the cost of a large history.
The halves of a time repeat, though: its date and hour (``2026-04-01T10``, the *head*, always
:data:`HEAD_LENGTH` characters) and the rest (``:15:00+08:00``, the *tail*). Each half is
checked and converted the first time it is seen; after that, a time is two dictionary look-ups
and a sum, which the loops over records write out themselves (:attr:`Halves.heads`,
:attr:`Halves.tails`) and which :meth:`Halves.read` does for a time with a half not seen yet.

Only the common form is read this way (:data:`FAST_FORM`: a date, ``T`` or a space, hours and
minutes, optional seconds with up to six decimals, then ``Z`` or an offset ``+HH:MM``), and
only heads in the years 1901 to 2998 are kept, so any time read from them is one the model's
range allows. Within that form ``datetime.fromisoformat`` and the model accept the same texts
as the same instants (tests compare them on generated texts). Every other text is answered
``None``, and the caller asks the model, which decides and words the problem: the model stays
the one rule of what a submission time is.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from ipp_rules.models.complaint import in_range

__all__ = [
    "FAST_FORM",
    "HEAD_FORM",
    "HEAD_LENGTH",
    "MAX_HALVES",
    "TAIL_FORM",
    "Halves",
    "PosixTimes",
    "UtcTimes",
    "utc_datetime",
]

HEAD_LENGTH = 13
"""The characters of a time's head: ``2026-04-01T10``."""
HEAD_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}")
"""A time's head: its date and hour."""
TAIL_FORM = re.compile(r":[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-5][0-9])")
"""A time's tail: its minutes, optional seconds and decimals, and its offset."""
FAST_FORM = re.compile(HEAD_FORM.pattern + TAIL_FORM.pattern)
"""The times read from their halves. ``fromisoformat`` accepts more than the model does around
this form (``+08``, ``+08:00:30``, ``+08:60``, a space before the offset, ``10:00:00.+08:00``);
inside it, the two agree."""
MAX_HALVES = 1 << 16
"""The most heads, and the most tails, kept: past them a time is read whole, as the halves of
a hostile history need not repeat."""

H = TypeVar("H", datetime, float)
T = TypeVar("T", timedelta, float)


class Halves(ABC, Generic[H, T]):
    """The halves of the times seen so far, each converted once; ``head + tail`` is the
    instant. One per history read: the caches grow with the history's variety, up to
    :data:`MAX_HALVES` each."""

    def __init__(self) -> None:
        self.heads: dict[str, H] = {}
        """A head (``2026-04-01T10``) to its hour, as if its local time were UTC."""
        self.tails: dict[str, T] = {}
        """A tail (``:15:00+08:00``) to its minutes and seconds less its offset."""

    def read(self, text: Any) -> H | None:
        """The instant ``text`` names, learning its halves; ``None`` when the model must decide
        (another form, a text no date or time holds, a time outside the model's range)."""
        if not isinstance(text, str) or FAST_FORM.fullmatch(text) is None:
            return None
        try:
            moment = in_range(datetime.fromisoformat(text))
        except ValueError:
            return None
        head, tail = text[:HEAD_LENGTH], text[HEAD_LENGTH:]
        if "1901" <= head < "2999" and len(self.heads) < MAX_HALVES:
            hour = datetime.fromisoformat(head + ":00").replace(tzinfo=UTC)
            self.heads[head] = self._head(hour)
        rest = self._tail(moment)
        if rest is not None and len(self.tails) < MAX_HALVES:
            self.tails[tail] = rest
        return self._whole(moment)

    @abstractmethod
    def _head(self, hour: datetime) -> H:
        """The value kept for a head: its hour, as if its local time were UTC."""

    @abstractmethod
    def _tail(self, moment: datetime) -> T | None:
        """The value kept for a tail, or None where one is not kept."""

    @abstractmethod
    def _whole(self, moment: datetime) -> H:
        """The value of a time read whole."""


def _past_the_hour(moment: datetime) -> timedelta:
    offset = moment.utcoffset()
    assert offset is not None  # fromisoformat gave an offset: the form ends with one
    elapsed = timedelta(
        minutes=moment.minute, seconds=moment.second, microseconds=moment.microsecond
    )
    return elapsed - offset


class UtcTimes(Halves[datetime, timedelta]):
    """Times as datetimes in UTC, the values a :class:`~ipp_rules.goodfaith.HistoryRecord`
    holds."""

    def _head(self, hour: datetime) -> datetime:
        return hour

    def _tail(self, moment: datetime) -> timedelta:
        return _past_the_hour(moment)

    def _whole(self, moment: datetime) -> datetime:
        return moment.astimezone(UTC)


class PosixTimes(Halves[float, float]):
    """Times as POSIX seconds, the time of a :data:`~ipp_rules.goodfaith.RecordRow`. Tails
    with decimals are not kept: a sum of two floats could differ from ``timestamp()`` in the
    last bit, where whole seconds add exactly."""

    def _head(self, hour: datetime) -> float:
        return hour.timestamp()

    def _tail(self, moment: datetime) -> float | None:
        if moment.microsecond:
            return None
        return _past_the_hour(moment).total_seconds()

    def _whole(self, moment: datetime) -> float:
        return moment.timestamp()


def utc_datetime(value: Any) -> datetime | None:
    """A datetime given as the time, in UTC, as the model keeps it; ``None`` when the model must
    decide (no timezone, one of another kind than a fixed offset or a ``ZoneInfo``, a datetime
    subclass, a time outside the model's range)."""
    if type(value) is not datetime or type(value.tzinfo) not in (timezone, ZoneInfo):
        return None
    try:
        return in_range(value).astimezone(UTC)
    except ValueError:
        return None
