"""Good Faith eligibility of every account of a history at once.

A history of many IPP accounts names each record's account (its ``account`` field). It is
counted a partition at a time (:func:`count_accounts`: a list of records or mappings, plain
tuples, a history file, a ``pyarrow`` table or a ``pandas`` data frame), the counts are merged
(:func:`~ipp_rules.goodfaith.partials.merge_counts`), and :func:`decide_accounts` judges each
account as :func:`~ipp_rules.goodfaith.evaluate_good_faith_records` judges that account's
records alone: the same metrics and findings, a record named where it is in the caller's input.
:func:`evaluate_good_faith_accounts` does all three on one machine.

A record without an account is a bad record, named by its place: which account it counts for
cannot be guessed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from ipp_rules.errors import GoodFaithError, HistoryError
from ipp_rules.goodfaith.columns import BATCH_ROWS, Batch, Combinations
from ipp_rules.goodfaith.counting import AFTER, BEFORE, INSIDE, NamedRecord
from ipp_rules.goodfaith.files import HistoryFile, HistoryReader
from ipp_rules.goodfaith.history import (
    ACCOUNT,
    RECORD_PROBLEM,
    HistoryRecord,
    MembershipEvent,
    account_problem,
    check_history,
    record_problems,
)
from ipp_rules.goodfaith.judging import Judge, Measures
from ipp_rules.goodfaith.mappings import history_batches
from ipp_rules.goodfaith.partials import (
    AccountsCount,
    AccountsQuestion,
    BadRecord,
    Flagged,
    Where,
)
from ipp_rules.goodfaith.policy import GoodFaithPolicy
from ipp_rules.goodfaith.verdicts import AccountsEligibility
from ipp_rules.problems import Problem
from ipp_rules.text.files import open_regular

__all__ = [
    "AccountsHistory",
    "count_accounts",
    "count_history",
    "decide_accounts",
    "evaluate_good_faith_accounts",
    "history_kind",
]

AccountsHistory = Any
"""What :func:`evaluate_good_faith_accounts` takes: a path (``.csv``, ``.jsonl``/``.ndjson``,
``.parquet``), a :class:`~ipp_rules.goodfaith.HistoryFile`, a ``pyarrow.Table`` or
``RecordBatch``, a ``pandas.DataFrame``, or an iterable of records, mappings or tuples."""

_ROW_WIDTH = 7
_EMPTY = {BEFORE: 0, INSIDE: 0, AFTER: 0}


def history_kind(name: str, kind: str = "auto") -> str:
    """``csv``, ``jsonl`` or ``parquet``: ``kind`` if given, else by the name's ending, else
    by the file's first bytes (Parquet files start with ``PAR1``)."""
    if kind != "auto":
        return kind
    suffix = os.path.splitext(name)[1].lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if name != "-":
        with open_regular(name) as stream:
            if stream.read(4) == b"PAR1":
                return "parquet"
    return "auto"


def count_accounts(
    question: AccountsQuestion, partition: Any, where: Where | None = None
) -> AccountsCount:
    """The count of one partition of a history of every account.

    ``partition`` is a ``pyarrow.Table`` or ``RecordBatch`` or a ``pandas.DataFrame`` (one
    column per field), a :class:`~ipp_rules.goodfaith.HistoryFile` (read with each record's
    account; its records are named by line), or an iterable of
    :class:`~ipp_rules.goodfaith.HistoryRecord` models, mappings, or tuples ``(submitted_at as
    POSIX seconds, platform, reason, outcome, counter_notification, false_information,
    account)``. ``where`` says where the partition is in the caller's input, so a record is
    named ``label[offset + index]`` whatever partition held it.

    Bad records do not raise here: they are kept, by place, in the count, and
    :func:`decide_accounts` raises them. A partition that is not a history at all (a missing
    column, a text) raises :class:`HistoryError`.
    """
    where = Where() if where is None else where
    if isinstance(partition, HistoryFile):
        return _count_file(question, partition)
    module = type(partition).__module__.partition(".")[0]
    if module in ("pyarrow", "pandas"):
        from ipp_rules.goodfaith.columnar import count_table

        return count_table(question, partition, where)
    check_history(partition)
    items = iter(partition)
    first = next(items, None)
    count = AccountsCount(question)
    if first is None:
        return count
    chained = _chain(first, items)
    if isinstance(first, tuple | list):
        return _count_rows(question, count, chained, where)
    problems: list[Problem] = []
    batches = history_batches(chained, problems, accounts=True)
    _tally(question, count, batches, where.name, where.label, lambda index: where.offset + index)
    _add_problems(count, problems, where)
    return count


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _count_file(question: AccountsQuestion, history: HistoryFile) -> AccountsCount:
    count = AccountsCount(question)
    reader = HistoryReader.from_stream(
        history.open_stream(), history.label, history.kind, close=history.closes, accounts=True
    )
    _tally(question, count, reader.batches(), reader.location, history.label, reader.line)
    by_line: dict[int, list[Problem]] = {}
    for problem in reader.problems:
        by_line.setdefault(problem.line or 0, []).append(problem)
    count.add_bad(
        (BadRecord(history.label, line, tuple(found)) for line, found in by_line.items()),
        reader.bad_rows,
    )
    count.records += reader.bad_rows
    return count


def _add_problems(count: AccountsCount, problems: list[Problem], where: Where) -> None:
    """Problems at ``history[i].field`` (``i`` in the partition), as bad records by place."""
    by_index: dict[int, list[Problem]] = {}
    for problem in problems:
        index = problem.path[1] if len(problem.path) > 1 else 0
        assert isinstance(index, int)
        path = (where.label, where.offset + index, *problem.path[2:])
        by_index.setdefault(index, []).append(Problem(problem.message, problem.code, path=path))
    count.add_bad(
        (BadRecord(where.label, where.offset + i, tuple(p)) for i, p in by_index.items()),
        len(by_index),
    )
    count.records += len(by_index)


def _count_rows(
    question: AccountsQuestion, count: AccountsCount, rows: Iterator[Any], where: Where
) -> AccountsCount:
    """Plain tuples, checked once per distinct combination of values, their times per row."""
    problems: list[Problem] = []

    def batches() -> Iterator[Batch]:
        combinations = Combinations()
        known = combinations.numbers
        start = 0
        while True:
            times: list[float] = []
            numbers: list[int] = []
            for index in range(start, start + BATCH_ROWS):
                entry = next(rows, None)
                if entry is None:
                    break
                found = _row_problems(entry, known)
                if found:
                    problems.extend(
                        Problem(message, RECORD_PROBLEM, path=("history", index, *field))
                        for field, message in found
                    )
                    continue
                times.append(entry[0])
                numbers.append(combinations.number(tuple(entry[1:])))
            else:
                start += BATCH_ROWS
                yield Batch(times, numbers, combinations)
                continue
            yield Batch(times, numbers, combinations)
            return

    _tally(question, count, batches(), where.name, where.label, lambda index: where.offset + index)
    _add_problems(count, problems, where)
    return count


def _row_problems(entry: Any, known: Mapping[Any, int]) -> list[tuple[tuple[str, ...], str]]:
    """What is wrong with a tuple of a history of every account, as (path, message) pairs."""
    if not isinstance(entry, tuple | list) or len(entry) != _ROW_WIDTH:
        return [
            (
                (),
                "expected a tuple (submitted_at, platform, reason, outcome, "
                "counter_notification, false_information, account)",
            )
        ]
    submitted_at, *values = entry
    found: list[tuple[tuple[str, ...], str]] = []
    if (
        isinstance(submitted_at, bool)
        or not isinstance(submitted_at, int | float)
        or submitted_at != submitted_at  # NaN
    ):
        found.append((("submitted_at",), f"expected POSIX seconds (got {submitted_at!r:.60})"))
    try:  # only True and False are booleans here, though 1 == True
        checked = type(values[4]) is bool and tuple(values) in known
    except TypeError:  # a list where a value belongs
        checked = False
    if not checked:
        found += [((field,), message) for field, message in record_problems(*values[:5])]
        wrong = account_problem(values[5])
        if wrong is not None:
            found.append(((ACCOUNT,), wrong))
    return found


def _tally(
    question: AccountsQuestion,
    count: AccountsCount,
    batches: Iterable[Batch],
    name: Any,
    label: str,
    place: Any,
) -> None:
    """Count batches whose combinations end with the account: by (combination, window
    bucket), then into each account's sums; the earliest record marked false information of
    each account is kept, named by ``name(position)`` and placed by ``place(position)``."""
    setup = question.setup
    look_back = setup.look_back
    counts: list[dict[int, int]] = []
    values: list[Any] = []
    position = 0
    for times, numbers, combinations in batches:
        values = combinations.values
        if not times:
            continue
        start, end = (
            (question.start, question.end)
            if isinstance(times[0], float | int)
            else (setup.start_utc, setup.end_utc)
        )
        while len(counts) < len(values):
            counts.append(dict(_EMPTY))
        for index, (ts, number) in enumerate(zip(times, numbers, strict=True), position):
            bucket = (ts >= start) * 2 + (ts < end)
            counts[number][bucket] += 1
            platform, reason, outcome, counter, false_information, account = values[number]
            if false_information is True and bucket in look_back:
                seconds = ts if isinstance(ts, float | int) else ts.timestamp()
                count.flag(
                    account,
                    Flagged(
                        float(seconds),
                        platform,
                        reason,
                        outcome,
                        counter,
                        label,
                        place(index),
                        name(index),
                        ts,
                    ),
                )
        position += len(times)
    count.records += position
    for number, buckets in enumerate(counts):
        platform, reason, outcome, counter, false_information, account = values[number]
        sums = count.account(account)
        if false_information is True:
            sums.false_information += sum(buckets[bucket] for bucket in look_back)
        inside = buckets[INSIDE]
        if not inside:
            continue
        if platform not in question.marketplaces:
            sums.other_marketplaces += inside
            continue
        sums.requests += inside
        added = setup.contribution(outcome, counter)
        reason_sums = sums.by_reason.get(reason)
        if reason_sums is None:
            reason_sums = sums.by_reason[reason] = [0] * len(added)
        for slot, value in enumerate(added):
            reason_sums[slot] += value * inside


def decide_accounts(
    question: AccountsQuestion,
    count: AccountsCount,
    membership: Mapping[str, Iterable[MembershipEvent]] | None = None,
) -> AccountsEligibility:
    """The eligibility of every account counted (and of every account ``membership`` names),
    in account order. :class:`HistoryError` names the first bad records by place, then how
    many more there were; ``GoodFaithError`` for a membership not of this question."""
    if count.key != question.key:
        raise GoodFaithError("this count answers another question (as-of, platform or policy)")
    problems = count.problems()
    if problems:
        raise HistoryError(problems)
    events: dict[str, tuple[MembershipEvent, ...]] = {}
    if membership is not None and not isinstance(membership, Mapping):
        raise GoodFaithError(
            f"membership must map an account to its events (got {type(membership).__name__})"
        )
    for account, given in (membership or {}).items():
        wrong = account_problem(account)
        if wrong is not None:
            raise GoodFaithError(f"membership: {wrong}")
        if isinstance(given, MembershipEvent) or not isinstance(given, Iterable):
            raise GoodFaithError(f"membership of {account}: expected a list of events")
        events[account] = tuple(given)
    judge = Judge(question.setup)
    accounts = sorted(count.sums.keys() | events.keys())
    measures: list[Measures] = []
    verdicts = []
    for account in accounts:
        sums = count.sums.get(account)
        if sums is None:
            measured = Measures(0, 0, 0, {})
        else:
            measured = Measures(
                sums.requests, sums.other_marketplaces, sums.false_information, sums.by_reason
            )
        flagged = count.flagged.get(account)
        named = (
            None
            if flagged is None
            else NamedRecord(flagged.position, flagged.submitted_at, flagged.platform)
        )
        where = None if flagged is None else flagged.where
        measures.append(measured)
        verdicts.append(judge.verdict(measured, named, where, events.get(account, ())))
    return AccountsEligibility(judge, accounts, measures, verdicts)


def count_history(question: AccountsQuestion, history: AccountsHistory) -> AccountsCount:
    """The count of a whole history (see :data:`AccountsHistory`), on this machine: a path is
    read by its kind (a Parquet file a row group at a time), anything else is one partition."""
    if isinstance(history, str | os.PathLike):
        name = os.fspath(history)
        kind = history_kind(name)
        if kind == "parquet":
            from ipp_rules.goodfaith.columnar import count_parquet

            return count_parquet(question, name)
        return count_accounts(question, HistoryFile(lambda: open_regular(name), name, kind))
    if isinstance(history, HistoryRecord):
        check_history(history)  # a record is not a history
    return count_accounts(question, history)


def evaluate_good_faith_accounts(
    policy: GoodFaithPolicy,
    history: AccountsHistory,
    as_of: datetime | date,
    platform: str = "taobao",
    membership: Mapping[str, Iterable[MembershipEvent]] | None = None,
) -> AccountsEligibility:
    """Good Faith eligibility of every account of ``history`` (see :data:`AccountsHistory`)
    on ``platform`` at ``as_of``: each account as
    :func:`~ipp_rules.goodfaith.evaluate_good_faith_records` assesses its records alone.
    ``membership`` maps an account to its membership events."""
    question = AccountsQuestion(policy, as_of, platform)
    return decide_accounts(question, count_history(question, history), membership)
