"""A history as columns, the form it is counted in: batches of records, each the records'
times and the numbers of their combinations of values.

A record's values other than its time (platform, reason, outcome, counter-notification, false
information) take a few hundred distinct combinations in a history of millions of records.
Each combination is numbered once (:class:`Combinations`), so a record is a time and a small
number, and counting indexes a list by number and window bucket instead of hashing six values
per record. Batches of at most :data:`BATCH_ROWS` records keep the memory a history file needs
bounded while it is read.

Every entry point feeds the one counting pass
(:func:`~ipp_rules.goodfaith.counting.tally_history`) with batches:
:func:`entry_batches` makes them of a record's values (models, plain tuples), and the fast
readers of mappings and files make them as they read.
"""

from __future__ import annotations

import array
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

__all__ = ["BATCH_ROWS", "Batch", "Combination", "Combinations", "entry_batches"]

BATCH_ROWS = 1 << 12
"""The most records in one batch: few enough that a batch's records stay in the processor's
caches while it is read a column at a time."""

Combination = tuple[Any, ...]
"""A record's values other than its time: (platform, reason, outcome, counter_notification,
false_information)."""


class Combinations:
    """The combinations of values of a history's records, numbered in the order first seen."""

    def __init__(self) -> None:
        self.numbers: dict[Any, int] = {}
        """A combination (or a reader's own key for one) to its number."""
        self.values: list[Combination] = []
        """Each number's combination."""

    def number(self, combination: Combination, key: Any = None) -> int:
        """The number of ``combination``, given one if new; ``key`` (default: the combination
        itself) is what :attr:`numbers` finds it by."""
        key = combination if key is None else key
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.values)
            self.values.append(combination)
        return number


class Batch(NamedTuple):
    """Some records of a history, in order: ``times[i]`` and ``numbers[i]`` are a record's."""

    times: Sequence[Any]
    """POSIX seconds, or datetimes: whatever the window's bounds are compared with."""
    numbers: Sequence[int]
    combinations: Combinations
    """The history's combinations (the same for every batch, growing as they are read)."""


def entry_batches(entries: Iterable[Sequence[Any]]) -> Iterator[Batch]:
    """``entries`` (each a record's values in :data:`~ipp_rules.goodfaith.RecordRow` order, its
    time POSIX seconds or a datetime) as batches. An entry that is not six values raises
    ``ValueError``, a value that cannot be a key ``TypeError``."""
    combinations = Combinations()
    known = combinations.numbers
    entries = iter(entries)
    while chunk := list(itertools.islice(entries, BATCH_ROWS)):
        times: list[Any] = []
        numbers = array.array("I")
        time_of, number_of = times.append, numbers.append
        for ts, platform, reason, outcome, counter, false_information in chunk:
            values = (platform, reason, outcome, counter, false_information)
            number = known.get(values)
            if number is None:
                number = combinations.number(values)
            time_of(ts)
            number_of(number)
        yield Batch(times, numbers, combinations)
