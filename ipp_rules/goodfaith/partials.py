"""Every account of a history counted in parts: the question, where a part is, and the count
of a part, which merges with the count of any other part of the same history.

A history of every account can be counted a partition at a time, on one machine or many: each
partition is counted against one :class:`AccountsQuestion` into an :class:`AccountsCount`, and
the counts are merged (:func:`merge_counts`) in any grouping and any order to the same count.
What is kept per account is what judging reads (:class:`~ipp_rules.goodfaith.judging.Measures`:
sums), the earliest record marked false information (the least by time, values, then place in
the caller's input, whichever partition held it), and the first bad records by place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from ipp_rules.errors import GoodFaithError
from ipp_rules.goodfaith.history import MAX_REPORTED
from ipp_rules.goodfaith.judging import Setup
from ipp_rules.goodfaith.policy import GoodFaithPolicy
from ipp_rules.problems import Problem

__all__ = [
    "AccountSums",
    "AccountsCount",
    "AccountsQuestion",
    "BadRecord",
    "Flagged",
    "Where",
    "merge_counts",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Where(NamedTuple):
    """Where a partition is in the caller's input: the input's ``label`` and the position of
    the partition's first record in it. The record at index ``i`` of the partition is named
    ``label[offset + i]`` (``history[17]``, ``history.parquet[17]``); a history file's records
    are named by their line instead (``history.csv:18``)."""

    label: str = "history"
    offset: int = 0

    def name(self, index: int) -> str:
        """``history[17]``: the record at ``index`` of the partition."""
        return f"{self.label}[{self.offset + index}]"


class AccountsQuestion:
    """Good Faith eligibility of every account on ``as_of`` on ``platform``, under ``policy``:
    the period, the window and the rates, fixed once for every partition (picklable).

    ``GoodFaithError`` (an ``as_of`` without a timezone, a day before the first period) and
    ``UnknownMarketplaceError`` are raised here, before anything is counted.
    """

    def __init__(
        self, policy: GoodFaithPolicy, as_of: datetime | date, platform: str = "taobao"
    ) -> None:
        self.setup = Setup(policy, as_of, platform)
        self.start = self.setup.start_utc.timestamp()
        """The window's first instant, as POSIX seconds."""
        self.end = self.setup.end_utc.timestamp()
        self.start_micros = micros(self.setup.start_utc)
        """The window's first instant, as microseconds since 1970 (UTC)."""
        self.end_micros = micros(self.setup.end_utc)
        self.marketplaces = frozenset(self.setup.period.marketplaces)
        self.width = 1 + 2 * len(self.setup.rate_names)
        """How many sums a reason code has: its requests, then each rate's numerator and
        denominator."""
        self.key = (
            self.setup.as_of.isoformat(),
            self.setup.platform,
            self.setup.period.name,
            self.setup.rate_names,
            policy.model_dump_json(),
        )
        """What two counts must share to be merged."""


def micros(moment: datetime) -> int:
    """Microseconds since 1970-01-01 UTC, exactly."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class Flagged(NamedTuple):
    """The earliest record of an account marked false information, so far.

    Compared as a tuple up to ``position``: by time, then values, then place in the input, as
    the one-account count breaks ties, so that the least is the same however the history was
    split. ``where`` and ``submitted_at`` are what the finding shows.
    """

    seconds: float
    platform: str
    reason: str
    outcome: str
    counter_notification: str
    label: str
    position: int
    where: str
    submitted_at: datetime | float


class BadRecord(NamedTuple):
    """A bad record: its place (to keep the first ones) and its problems."""

    label: str
    position: int
    problems: tuple[Problem, ...]


class AccountSums:
    """One account's sums: requests, other marketplaces, false information, and per reason
    code the requests and each rate's numerator and denominator."""

    __slots__ = ("by_reason", "false_information", "other_marketplaces", "requests")

    def __init__(self) -> None:
        self.requests = 0
        self.other_marketplaces = 0
        self.false_information = 0
        self.by_reason: dict[str, list[int]] = {}

    def add(self, other: AccountSums) -> None:
        self.requests += other.requests
        self.other_marketplaces += other.other_marketplaces
        self.false_information += other.false_information
        for reason, sums in other.by_reason.items():
            mine = self.by_reason.get(reason)
            if mine is None:
                self.by_reason[reason] = list(sums)
            else:
                for index, value in enumerate(sums):
                    mine[index] += value

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.requests, self.other_marketplaces, self.false_information, self.by_reason)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.requests, self.other_marketplaces, self.false_information, self.by_reason = state

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AccountSums) and self.__getstate__() == other.__getstate__()

    __hash__ = None  # type: ignore[assignment]


class AccountsCount:
    """The count of some records of a history, per account (picklable, mergeable).

    ``sums`` holds each account's :class:`AccountSums`; ``flagged`` each account's earliest
    record marked false information in the look-back; ``bad`` the first
    :data:`~ipp_rules.goodfaith.history.MAX_REPORTED` bad records by place, and ``bad_records``
    how many there were in all.
    """

    def __init__(self, question: AccountsQuestion) -> None:
        self.key = question.key
        self.sums: dict[str, AccountSums] = {}
        self.flagged: dict[str, Flagged] = {}
        self.bad: list[BadRecord] = []
        self.bad_records = 0
        self.records = 0
        """Records counted (bad ones included)."""

    def account(self, name: str) -> AccountSums:
        """``name``'s sums, made empty if new."""
        sums = self.sums.get(name)
        if sums is None:
            sums = self.sums[name] = AccountSums()
        return sums

    def flag(self, account: str, record: Flagged) -> None:
        """Keep ``record`` if it is the earliest of ``account`` so far."""
        kept = self.flagged.get(account)
        if kept is None or record[:7] < kept[:7]:
            self.flagged[account] = record

    def add_bad(self, records: Iterable[BadRecord], count: int) -> None:
        """Add ``count`` bad records, of which ``records`` are the first (or all)."""
        self.bad_records += count
        self.bad = sorted([*self.bad, *records], key=lambda bad: bad[:2])[:MAX_REPORTED]

    def problems(self) -> list[Problem]:
        """The problems of the first bad records, then how many more there were."""
        problems = [problem for bad in self.bad for problem in bad.problems]
        if self.bad_records > len(self.bad):
            more = f"and {self.bad_records - len(self.bad)} more bad records"
            problems.append(Problem(more, "more_bad_records", path=("history",)))
        return problems

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AccountsCount) and (
            self.key,
            self.sums,
            self.flagged,
            self.bad,
            self.bad_records,
            self.records,
        ) == (other.key, other.sums, other.flagged, other.bad, other.bad_records, other.records)

    __hash__ = None  # type: ignore[assignment]


def merge_counts(first: AccountsCount, second: AccountsCount) -> AccountsCount:
    """The count of the records of both (neither is changed). Associative and commutative:
    any grouping and order of merges gives the same count. ``GoodFaithError`` if they count
    for different questions."""
    if first.key != second.key:
        raise GoodFaithError(
            "these counts answer different questions (another as-of, platform or policy): "
            "count every partition with the same AccountsQuestion"
        )
    merged = AccountsCount.__new__(AccountsCount)
    merged.key = first.key
    merged.sums = {}
    for source in (first, second):
        for account, sums in source.sums.items():
            merged.account(account).add(sums)
    merged.flagged = dict(first.flagged)
    for account, record in second.flagged.items():
        merged.flag(account, record)
    merged.bad = []
    merged.bad_records = 0
    merged.add_bad([*first.bad, *second.bad], first.bad_records + second.bad_records)
    merged.records = first.records + second.records
    return merged
