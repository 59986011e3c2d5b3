"""A history of mappings (parsed JSON) read into the columns it is counted in, without
building a model per record.

A dict whose values have the exact types a record holds (text, and ``True`` or ``False``) is
read straight into a record's values: its combination of values is checked once by
:func:`~ipp_rules.goodfaith.record_problems` (the checks the model's validators apply) and then
known by its number (:class:`~ipp_rules.goodfaith.columns.Combinations`), and its time is read
from its cached halves (:class:`~ipp_rules.goodfaith.instants.UtcTimes`). Every other record
(not a dict, a missing or unknown field, a value of another type, a combination that fails its
checks, a time not in the fast form) is validated by :class:`~ipp_rules.goodfaith.HistoryRecord`
itself, so every problem is the model's, at its path (``history[3].outcome``).
"""

from __future__ import annotations

import array
import itertools
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from operator import itemgetter
from typing import Any

from ipp_rules.goodfaith import columns
from ipp_rules.goodfaith.columns import Batch, Combinations
from ipp_rules.goodfaith.history import (
    ACCOUNT,
    HistoryRecord,
    account_problem,
    record_at,
    record_problems,
    record_values,
)
from ipp_rules.goodfaith.instants import HEAD_LENGTH, UtcTimes, utc_datetime
from ipp_rules.problems import Problem

__all__ = ["history_batches"]

_ALL_FIELDS = itemgetter(
    "submitted_at", "platform", "reason", "outcome", "counter_notification", "false_information"
)
_OPTIONAL = (("counter_notification", "none"), ("false_information", False))
_MAX_GOOD_ACCOUNTS = 1 << 20
"""The most account ids remembered as checked: past them each is checked again."""


def history_batches(
    items: Iterable[HistoryRecord | Mapping[str, Any]],
    problems: list[Problem],
    *,
    accounts: bool = False,
    start: int = 0,
) -> Iterator[Batch]:
    """The records of ``items`` (models, or mappings such as parsed JSON) as the columns they
    are counted in, each time a datetime in UTC as a model keeps it. A bad record is left out;
    its problems are added to ``problems``, in the words and at the paths of
    :func:`~ipp_rules.goodfaith.history_records` (``start`` is the index of the first item).

    A record's ``account`` is checked when given; with ``accounts`` it is needed, and it is the
    last value of the record's combination (``(platform, ..., false_information, account)``).
    """
    combinations = Combinations()
    known = combinations.numbers
    times = UtcTimes()
    heads, tails, read_time = times.heads, times.tails, times.read
    all_fields = _ALL_FIELDS
    good_accounts: set[str] = set()
    items = iter(items)
    while chunk := list(itertools.islice(items, columns.BATCH_ROWS)):
        moments: list[datetime] = []
        numbers = array.array("I")
        moment_of, number_of = moments.append, numbers.append
        for index, item in enumerate(chunk, start):
            if type(item) is dict:
                row: tuple[Any, ...] = ()
                if len(item) == 6 and not accounts:
                    try:
                        row = (*all_fields(item), None)
                    except KeyError:
                        row = ()
                else:
                    row = _with_defaults(item)
                if row:
                    submitted_at, platform, reason, outcome, counter, false_information, account = (
                        row
                    )
                    # Exact types first: 1 == True, and a str subclass may equal some text.
                    if (
                        str is type(platform) is type(reason) is type(outcome) is type(counter)
                        and (false_information is True or false_information is False)
                        and _good_account(account, accounts, good_accounts)
                    ):
                        values: tuple[Any, ...] = (
                            platform,
                            reason,
                            outcome,
                            counter,
                            false_information,
                        )
                        if accounts:
                            values = (*values, account)
                        number = known.get(values)
                        if number is None and not record_problems(*values[:5]):
                            number = combinations.number(values)
                        if number is not None:
                            if type(submitted_at) is str:
                                hour = heads.get(submitted_at[:HEAD_LENGTH])
                                past = tails.get(submitted_at[HEAD_LENGTH:])
                                moment = (
                                    hour + past
                                    if hour is not None and past is not None
                                    else read_time(submitted_at)
                                )
                            else:
                                moment = utc_datetime(submitted_at)
                            if moment is not None:
                                moment_of(moment)
                                number_of(number)
                                continue
            record = item if isinstance(item, HistoryRecord) else record_at(index, item, problems)
            if record is None:
                continue
            values = record_values(record)[1:]
            if accounts:
                if record.account is None:
                    missing = "missing required field 'account': expected the IPP account id"
                    problems.append(Problem(missing, "missing", path=("history", index, ACCOUNT)))
                    continue
                values = (*values, record.account)
            moment_of(record.submitted_at)
            number_of(combinations.number(values))
        start += len(chunk)
        yield Batch(moments, numbers, combinations)


def _good_account(account: Any, needed: bool, good: set[str]) -> bool:
    """Whether a mapping's account may be read without the model: absent when not needed, or
    text found right (and remembered in ``good``)."""
    if account is None:
        return not needed
    if type(account) is not str:
        return False
    if account in good:
        return True
    if account_problem(account) is not None:
        return False
    if len(good) < _MAX_GOOD_ACCOUNTS:
        good.add(account)
    return True


def _with_defaults(item: dict[str, Any]) -> tuple[Any, ...]:
    """A dict's six values in :data:`~ipp_rules.goodfaith.RecordRow` order, defaults filled in,
    then its account (or None); empty when a field is missing or another key is there (the
    model reports which)."""
    try:
        given = [item["submitted_at"], item["platform"], item["reason"], item["outcome"]]
    except KeyError:
        return ()
    for field, default in _OPTIONAL:
        value = item.get(field, _OPTIONAL)
        given.append(default if value is _OPTIONAL else value)
    given.append(item.get(ACCOUNT))
    present = 4 + sum(field in item for field, _ in (*_OPTIONAL, (ACCOUNT, None)))
    return tuple(given) if present == len(item) else ()
