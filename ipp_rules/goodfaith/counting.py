"""Counting a history: one pass of tallies over its columns, and the problems of the records
it counted.

The pass reads a history as batches of columns (:mod:`~ipp_rules.goodfaith.columns`) and counts
records by (combination of values, window bucket) in a list; the tally is then keyed by (window
bucket, marketplace, reason code, outcome, counter-notification, false information), and
everything after it is arithmetic on the few distinct tallies. It also keeps the earliest
record marked as false information, which the finding names. Values are checked on the
distinct tallies, not per record, which keeps a million records well under a second; a bad
tally is then located by scanning the history again, when it is a sequence
(:func:`~ipp_rules.goodfaith.history.located_error`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from ipp_rules.goodfaith.columns import Batch
from ipp_rules.goodfaith.history import RECORD_PROBLEM, record_problems
from ipp_rules.goodfaith.policy import ProgramPeriod
from ipp_rules.problems import ANY_ITEM, Problem

__all__ = [
    "AFTER",
    "BEFORE",
    "INSIDE",
    "INVALID_TIME",
    "NamedRecord",
    "Tally",
    "WindowCounts",
    "look_back_buckets",
    "tally_history",
    "tally_problems",
]

Tally = dict[tuple[int, Any, Any, Any, Any, Any], int]
"""Records counted by (window bucket, platform, reason, outcome, counter-notification, false
information)."""

BEFORE, INSIDE, AFTER, INVALID_TIME = 1, 3, 2, 0
"""Window buckets: ``(ts >= start) * 2 + (ts < end)``. A NaN or other incomparable-but-accepted
value lands in bucket 0, which a valid time never does."""
_BUCKETS = 4


class NamedRecord(NamedTuple):
    """The record a finding names: its position in the history, when and where it was filed."""

    position: int
    submitted_at: datetime | float
    """A model's time, or a row's POSIX seconds (which may lie outside the datetime range)."""
    platform: str


def look_back_buckets(period: ProgramPeriod) -> frozenset[int]:
    """The window buckets the false-information condition reads."""
    if period.false_information.look_back == "window":
        return frozenset({INSIDE})
    return frozenset({BEFORE, INSIDE})


def tally_history(
    batches: Iterable[Batch], start: Any, end: Any, look_back: frozenset[int]
) -> tuple[Tally, NamedRecord | None]:
    """The tally of the records in ``batches``, and the earliest one marked false information
    in ``look_back`` (ties broken by the values, then the position, so the order of the
    records does not matter).

    The one counting pass of every entry point: times are POSIX seconds with ``start`` and
    ``end`` as seconds, or datetimes with datetime bounds.
    """
    counts: list[int] = []  # by combination number * 4 + window bucket
    flagged: set[int] = set()  # the numbers of combinations marked false information
    earliest: tuple[Any, ...] | None = None
    values: list[Any] = []
    offset = 0
    for times, numbers, combinations in batches:
        values = combinations.values
        for number in range(len(counts) // _BUCKETS, len(values)):
            counts.extend((0, 0, 0, 0))
            if values[number][4] is True:
                flagged.add(number)
        for ts, number in zip(times, numbers, strict=True):
            counts[number * _BUCKETS + (ts >= start) * 2 + (ts < end)] += 1
        if flagged and not flagged.isdisjoint(numbers):
            for index, (ts, number) in enumerate(zip(times, numbers, strict=True), offset):
                if number in flagged and (ts >= start) * 2 + (ts < end) in look_back:
                    candidate = (ts, *values[number][:4], index)
                    if earliest is None or candidate < earliest:
                        earliest = candidate
        offset += len(times)
    tally: Tally = {}
    for slot, count in enumerate(counts):
        if count:
            number, bucket = divmod(slot, _BUCKETS)
            platform, reason, outcome, counter, false_information = values[number]
            tally[(bucket, platform, reason, outcome, counter, false_information)] = count
    if earliest is None:
        return tally, None
    return tally, NamedRecord(earliest[-1], earliest[0], earliest[1])


def tally_problems(tally: Tally) -> list[Problem]:
    """The problems of the records counted, each at ``history[*].field``: no position is known
    yet (see :func:`located_error`)."""
    problems: list[Problem] = []
    for bucket, platform, reason, outcome, counter, false_information in tally:
        found = record_problems(platform, reason, outcome, counter, false_information)
        if bucket == INVALID_TIME:
            found.insert(0, ("submitted_at", "expected a time, got a value that is not one (NaN)"))
        for field, message in found:
            problems.append(Problem(message, RECORD_PROBLEM, path=("history", ANY_ITEM, field)))
    return list(dict.fromkeys(problems))


class WindowCounts:
    """In-window counts of the program's marketplaces, by reason and (outcome, counter); false
    information over the look-back on every marketplace of the account."""

    def __init__(
        self, tally: Mapping[Any, int], period: ProgramPeriod, look_back: frozenset[int]
    ) -> None:
        marketplaces = set(period.marketplaces)
        self.by_reason: dict[str, dict[tuple[str, str], int]] = {}
        self.requests = 0
        self.other_marketplaces = 0
        self.false_information = 0
        for (bucket, platform, reason, outcome, counter, false_info), count in tally.items():
            # One IPP account files on all the group's marketplaces: false information on any
            # of them is in the account's history, while volume and rates are the program's.
            if false_info is True and bucket in look_back:
                self.false_information += count
            if platform not in marketplaces:
                if bucket == INSIDE:
                    self.other_marketplaces += count
                continue
            if bucket != INSIDE:
                continue
            self.requests += count
            pairs = self.by_reason.setdefault(reason, {})
            pairs[(outcome, counter)] = pairs.get((outcome, counter), 0) + count
