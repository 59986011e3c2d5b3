"""Deciding the eligibility of one account's history: one pass over the history counts it,
and :mod:`~ipp_rules.goodfaith.judging` finds one finding per unmet condition.

Three entry points feed the same pass:

* :func:`evaluate_good_faith` takes :class:`~ipp_rules.goodfaith.HistoryRecord` models;
* :func:`evaluate_good_faith_history` takes models or mappings (parsed JSON), as
  ``Engine.good_faith`` does, and reads mappings without building a model per record;
* :func:`evaluate_good_faith_records` takes plain :data:`~ipp_rules.goodfaith.RecordRow`
  tuples with the submission time as POSIX seconds, for histories too large to build a model
  per record.

Rates are compared with their thresholds as exact fractions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from ipp_rules.errors import HistoryError, IppRulesError
from ipp_rules.goodfaith.columns import entry_batches
from ipp_rules.goodfaith.counting import NamedRecord, Tally, tally_history, tally_problems
from ipp_rules.goodfaith.files import HistoryFile
from ipp_rules.goodfaith.history import (
    HistoryRecord,
    MembershipEvent,
    RecordRow,
    check_history,
    history_records,
    located_error,
    record_values,
)
from ipp_rules.goodfaith.judging import Judge, Setup, measures_of
from ipp_rules.goodfaith.mappings import history_batches
from ipp_rules.goodfaith.policy import GoodFaithPolicy
from ipp_rules.goodfaith.results import Eligibility
from ipp_rules.problems import Problem

__all__ = ["evaluate_good_faith", "evaluate_good_faith_history", "evaluate_good_faith_records"]


def evaluate_good_faith(
    policy: GoodFaithPolicy,
    history: Iterable[HistoryRecord],
    as_of: datetime | date,
    platform: str = "taobao",
    membership: Iterable[MembershipEvent] = (),
) -> Eligibility:
    """Whether ``history`` qualifies for the Good Faith Program on ``platform`` at ``as_of``.

    The window is ``[as_of - window_months, as_of)`` in the program's timezone; ``as_of`` given
    as a date means 00:00 that day there. The period in force on ``as_of``'s local date decides.
    """
    setup = Setup(policy, as_of, platform)
    try:
        batches = entry_batches(map(record_values, history))
        tally, named = tally_history(batches, setup.start_utc, setup.end_utc, setup.look_back)
    except (AttributeError, TypeError) as exc:
        raise located_error(
            history, "record", [Problem(str(exc), "not_a_history", path=("history",))]
        ) from None
    problems = tally_problems(tally)
    if problems:
        raise located_error(history, "record", problems)
    return _decide(setup, tally, named, _history_index, tuple(membership))


def evaluate_good_faith_history(
    policy: GoodFaithPolicy,
    history: Iterable[HistoryRecord | Mapping[str, Any]] | HistoryFile,
    as_of: datetime | date,
    platform: str = "taobao",
    membership: Iterable[MembershipEvent] = (),
) -> Eligibility:
    """:func:`evaluate_good_faith` over what ``Engine.good_faith`` takes: models or mappings
    (parsed JSON), or a history file (:func:`~ipp_rules.goodfaith.history_from_csv`).

    A bad record in a list is reported as :func:`history_records` reports it
    (``history[3].outcome``, in the model's words), and a mapping whose values are right is
    counted without building a model (:func:`history_batches`). A bad row of a file is reported
    at its line (``history.csv:5``), and so is the record a finding names.

    A bad history is reported before a bad question (an ``as_of`` or ``platform`` that cannot
    be answered), as when the history was validated first.
    """
    if isinstance(history, HistoryFile):
        return evaluate_good_faith_records(policy, history, as_of, platform, membership)
    check_history(history)
    try:
        setup = Setup(policy, as_of, platform)
    except IppRulesError:
        history_records(history)
        raise
    problems: list[Problem] = []
    batches = history_batches(history, problems)
    tally, named = tally_history(batches, setup.start_utc, setup.end_utc, setup.look_back)
    if problems:
        raise HistoryError(problems)
    return _decide(setup, tally, named, _history_index, tuple(membership))


def evaluate_good_faith_records(
    policy: GoodFaithPolicy,
    rows: Iterable[RecordRow],
    as_of: datetime | date,
    platform: str = "taobao",
    membership: Iterable[MembershipEvent] = (),
    *,
    record_location: Callable[[int], str] | None = None,
) -> Eligibility:
    """:func:`evaluate_good_faith` over plain tuples (see :data:`RecordRow`): the fast path.

    Values are checked once per distinct combination, after counting; a bad record raises
    :class:`HistoryError`, located by index when ``rows`` is a sequence. A finding about one
    record names it by its position, ``history[3]``, or by its line when ``rows`` is a
    :class:`~ipp_rules.goodfaith.HistoryFile` (``history.csv:5``); ``record_location`` names
    it otherwise.
    """
    setup = Setup(policy, as_of, platform)
    start = setup.start_utc.timestamp()
    end = setup.end_utc.timestamp()
    try:
        batches = rows.batches() if isinstance(rows, HistoryFile) else entry_batches(rows)
        tally, named = tally_history(batches, start, end, setup.look_back)
    except (TypeError, ValueError) as exc:
        raise located_error(
            rows, "row", [Problem(str(exc), "not_a_history", path=("history",))]
        ) from None
    problems = tally_problems(tally)
    if problems:
        raise located_error(rows, "row", problems)
    if record_location is None:
        record_location = rows.location if isinstance(rows, HistoryFile) else _history_index
    return _decide(setup, tally, named, record_location, tuple(membership))


def _history_index(index: int) -> str:
    return f"history[{index}]"


def _decide(
    setup: Setup,
    tally: Tally,
    named: NamedRecord | None,
    location: Callable[[int], str],
    membership: Sequence[MembershipEvent],
) -> Eligibility:
    judge = Judge(setup)
    measures = measures_of(setup, tally)
    where = None if named is None else location(named.position)
    return judge.eligibility(measures, judge.verdict(measures, named, where, membership))
