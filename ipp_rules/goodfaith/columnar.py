"""Counting a history of every account as Arrow columns: ``pyarrow`` tables, ``pandas`` data
frames and Parquet files, with vectorised ``pyarrow.compute`` and ``numpy`` (the ``arrow``
extra: ``pip install 'ipp-rules[arrow]'``).

A batch of records is never made into Python objects. Each value column is
dictionary-encoded, and a record's values become one small number, its combination; each
distinct combination is checked once, by the checks the model applies
(:func:`~ipp_rules.goodfaith.record_problems`), and so is each distinct account. A submission
time given as text is read in halves, as :mod:`~ipp_rules.goodfaith.instants` reads it: each
distinct head (``2026-04-01T10``) and tail (``:15:00+08:00``) is read once, and a time whose
halves are not both of the common form is read whole by the model, once per distinct text, so
a file takes exactly the times the model takes. A time column of Arrow timestamps with a
timezone is read as it is; one without a timezone holds no instants, and every row is bad.

Records are then grouped by (account, reason code) and summed (the window bucket of each
record computed on the column), so what a batch leaves is a few numbers per account.

Kept whole: the counter of a batch and the caches of what it checked once per distinct value
(combinations, accounts, halves of times) are one piece of state, read by every step.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ipp_rules.errors import HistoryError
from ipp_rules.goodfaith.counting import INSIDE
from ipp_rules.goodfaith.files import COLUMNS, REQUIRED, seconds_of
from ipp_rules.goodfaith.history import (
    ACCOUNT,
    MAX_REPORTED,
    RECORD_PROBLEM,
    account_problem,
    record_problems,
)
from ipp_rules.goodfaith.instants import HEAD_FORM, HEAD_LENGTH, TAIL_FORM, PosixTimes
from ipp_rules.goodfaith.partials import (
    AccountsCount,
    AccountsQuestion,
    BadRecord,
    Flagged,
    Where,
    micros,
)
from ipp_rules.goodfaith.verdicts import import_pyarrow
from ipp_rules.models.complaint import EARLIEST_INSTANT, INSTANTS_END, AwareTimestamp
from ipp_rules.problems import Problem, suggest
from ipp_rules.text.files import open_regular

__all__ = ["BATCH_RECORDS", "count_parquet", "count_table"]

BATCH_RECORDS = 1 << 19
"""Records counted at a time: a Parquet file is read this many rows at a time."""
_COMPACT_ROWS = 1 << 21
"""Grouped rows kept before they are grouped again."""
_MAX_CACHED = 1 << 20
_VALUES = ("platform", "reason", "outcome", "counter_notification", "false_information")
_DEFAULTS = {"counter_notification": "none", "false_information": False}
_TIMESTAMP: TypeAdapter[Any] = TypeAdapter(AwareTimestamp)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EARLIEST = micros(EARLIEST_INSTANT)
_END = micros(INSTANTS_END)
_MISSING = object()
_PLAIN = r"^[!-~](?:[ -~]{0,198}[!-~])?$"
"""Account ids that are right on their face: 1 to 200 printable ASCII characters, no space at
either end (what :func:`~ipp_rules.goodfaith.history.account_problem` accepts of ASCII text).
Any other id is checked by that function, once per distinct id."""


def _modules() -> tuple[Any, Any, Any]:
    pa = import_pyarrow()
    import numpy as np
    import pyarrow.compute as pc

    return pa, pc, np


def count_table(question: AccountsQuestion, table: Any, where: Where) -> AccountsCount:
    """The count of a ``pyarrow.Table`` or ``RecordBatch``, or a ``pandas.DataFrame`` (one
    column per field), read :data:`BATCH_RECORDS` rows at a time."""
    pa, _, _ = _modules()
    if type(table).__module__.startswith("pandas"):
        try:
            table = pa.Table.from_pandas(table, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError):
            # A column of mixed values: each record is read as a mapping, and checked so.
            from ipp_rules.goodfaith.accounts import count_accounts

            records = table.astype(object).where(table.notna(), None).to_dict("records")
            return count_accounts(question, records, where)
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if not isinstance(table, pa.Table):
        raise HistoryError([Problem(f"expected a table, got {type(table).__name__}")])
    counter = _Counter(question, where.label)
    counter.check_columns(table.schema.names)
    offset = where.offset
    for batch in table.to_batches(max_chunksize=BATCH_RECORDS):
        counter.add(batch, offset)
        offset += batch.num_rows
    return counter.finish()


def count_parquet(
    question: AccountsQuestion, path: str | os.PathLike[str], label: str | None = None
) -> AccountsCount:
    """The count of a Parquet file, read :data:`BATCH_RECORDS` rows at a time (the value
    columns as dictionaries); its records are named ``history.parquet[17]`` (from 0)."""
    pa, _, _ = _modules()
    import pyarrow.parquet as pq

    name = os.fspath(path)
    label = name if label is None else label
    stream = open_regular(name)
    try:
        try:
            parquet = pq.ParquetFile(stream)
        except (pa.ArrowException, OSError) as exc:
            raise HistoryError([Problem(f"not a Parquet file: {exc}", file=label)]) from None
        names = parquet.schema_arrow.names
        counter = _Counter(question, label)
        counter.check_columns(names)
        dictionaries = [n for n in names if n not in ("submitted_at", "false_information")]
        parquet = pq.ParquetFile(stream, read_dictionary=dictionaries)
        offset = 0
        try:
            for batch in parquet.iter_batches(batch_size=BATCH_RECORDS):
                counter.add(batch, offset)
                offset += batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            problem = Problem(f"cannot read the Parquet file after row {offset}: {exc}", file=label)
            raise HistoryError([problem]) from None
        return counter.finish()
    finally:
        stream.close()


class _Counter:
    """Counts batches of one input, remembering what it checked."""

    def __init__(self, question: AccountsQuestion, label: str) -> None:
        self.pa, self.pc, self.np = _modules()
        self.question = question
        self.label = label
        self.count = AccountsCount(question)
        self.checked: dict[tuple[tuple[type, Any], ...], list[tuple[str, str]]] = {}
        self.accounts: dict[Any, str | None] = {}
        self.heads: dict[str, int | None] = {}
        self.tails: dict[str, int | None] = {}
        self.whole: dict[Any, int | str] = {}
        self.posix = PosixTimes()
        self.reasons: list[str] = []
        self.reason_ids: dict[str, int] = {}
        self.pending: list[Any] = []
        self.pending_rows = 0
        look_back = question.setup.look_back
        self.look_back = self.np.array([bucket in look_back for bucket in range(4)])

    def check_columns(self, names: list[str]) -> None:
        messages = []
        for name in names:
            if name not in COLUMNS:
                nearest = suggest(name, COLUMNS)
                hint = f"; did you mean {nearest!r}?" if nearest else ""
                messages.append(f"unknown column {name!r}{hint}")
            elif names.count(name) > 1:
                messages.append(f"column {name!r} appears more than once")
        messages += [f"missing column {n!r}" for n in (*REQUIRED, ACCOUNT) if n not in names]
        if messages:
            raise HistoryError([Problem(m, file=self.label) for m in dict.fromkeys(messages)])

    # -- one batch ---------------------------------------------------------------------------

    def add(self, batch: Any, offset: int) -> None:
        np = self.np
        rows = batch.num_rows
        if not rows:
            return
        self.count.records += rows
        columns = dict(zip(batch.schema.names, batch.columns, strict=True))
        codes, combos = self._combinations(columns, rows)
        problems = [self._values_problems(combo) for combo in combos]
        code_bad = np.array([bool(found) for found in problems], dtype=bool)
        account_index, account_values, plain = self._encode(ACCOUNT, columns[ACCOUNT], _PLAIN)
        account_bad = np.ones(len(account_values) + 1, dtype=bool)
        account_bad[:-1] = ~plain
        for index in np.flatnonzero(~plain).tolist():
            account_bad[index] = self._account_problem(account_values[index]) is not None
        times, time_bad = self._times(columns["submitted_at"])
        bad = code_bad[codes] | account_bad[account_index] | time_bad
        if bad.any():
            self._bad(
                np.flatnonzero(bad),
                offset,
                columns,
                problems,
                codes,
                account_values,
                account_index,
                time_bad,
            )
        good = ~bad
        question = self.question
        bucket = (times >= question.start_micros).astype(np.int8) * 2 + (
            times < question.end_micros
        )
        program, flag, reason_id, added = self._derived(combos)
        inside = good & (bucket == INSIDE)
        on_program = program[codes]
        counted = inside & on_program
        other = inside & ~on_program
        flagged = good & flag[codes] & self.look_back[bucket]
        chosen = np.flatnonzero(counted | other | flagged)
        if len(chosen):
            self._group(
                chosen,
                codes,
                account_index,
                account_values,
                reason_id,
                added,
                counted,
                other,
                flagged,
            )
        if flagged.any():
            self._flag(
                np.flatnonzero(flagged), offset, times, codes, combos, account_index, account_values
            )

    def _encode(self, name: str, column: Any, plain: str | None = None) -> Any:
        """Each row's index into the column's distinct values (a null: one past them); with
        ``plain``, a pattern, also which distinct values are text that matches it."""
        pa, pc, np = self.pa, self.pc, self.np
        try:
            encoded = (
                column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
            )
        except pa.ArrowException:
            problem = Problem(f"column {name!r} holds {column.type} values", file=self.label)
            raise HistoryError([problem]) from None
        values = encoded.dictionary.to_pylist()
        indices = pc.fill_null(encoded.indices, len(values))
        indices = indices.to_numpy(zero_copy_only=False).astype(np.int64)
        if plain is None:
            return indices, values
        dictionary = encoded.dictionary
        if pa.types.is_string(dictionary.type) or pa.types.is_large_string(dictionary.type):
            matched = pc.fill_null(pc.match_substring_regex(dictionary, plain), False)
            return indices, values, matched.to_numpy(zero_copy_only=False)
        return indices, values, np.zeros(len(values), dtype=bool)

    def _combinations(self, columns: dict[str, Any], rows: int) -> tuple[Any, list[Any]]:
        """Each row's combination number, and each number's values (``_MISSING`` for a null
        in a column every record needs)."""
        np = self.np
        code = np.zeros(rows, dtype=np.int64)
        tables: list[list[tuple[Any, ...]]] = []
        for name in _VALUES:
            column = columns.get(name)
            if column is None:
                tables.append([(_DEFAULTS[name],)])
                continue
            index, values = self._encode(name, column)
            null = _DEFAULTS.get(name, _MISSING)
            table = [(value,) for value in (*values, null)]
            if int(code.max(initial=0)) * len(table) > 1 << 60:  # a hostile variety
                code, tables = self._distinct(code, tables)
            tables.append(table)
            code = code * len(table) + index
        code, tables = self._distinct(code, tables)
        return code, tables[0]

    def _distinct(
        self, code: Any, tables: list[list[tuple[Any, ...]]]
    ) -> tuple[Any, list[list[tuple[Any, ...]]]]:
        """The codes numbered from 0 in order, and one table of their values."""
        np = self.np
        top = int(code.max(initial=0))
        if top < 1 << 24:
            present = np.flatnonzero(np.bincount(code, minlength=top + 1))
            lookup = np.zeros(top + 1, dtype=np.int64)
            lookup[present] = np.arange(len(present))
            code = lookup[code]
        else:
            present, code = np.unique(code, return_inverse=True)
            code = code.reshape(-1).astype(np.int64)
        sizes = [len(table) for table in tables]
        merged = []
        for number in present.tolist():
            values: tuple[Any, ...] = ()
            for size, table in zip(reversed(sizes), reversed(tables), strict=True):
                number, index = divmod(number, size)
                values = table[index] + values
            merged.append(values)
        return code, [merged]

    # -- checks, once per distinct value -----------------------------------------------------

    def _values_problems(self, combo: tuple[Any, ...]) -> list[tuple[str, str]]:
        """What is wrong with a combination of values, as (field, message) pairs."""
        key = tuple((type(value), value) for value in combo)
        found = self.checked.get(key)
        if found is None:
            missing = [
                (name, f"missing {name}")
                for name, value in zip(_VALUES, combo, strict=True)
                if value is _MISSING
            ]
            found = missing or record_problems(*combo)
            if len(self.checked) < _MAX_CACHED:
                self.checked[key] = found
        return found

    def _account_problem(self, account: Any) -> str | None:
        found = self.accounts.get(account, _MISSING)
        if found is _MISSING:
            found = account_problem(account)
            if len(self.accounts) < _MAX_CACHED:
                self.accounts[account] = found
        assert found is None or isinstance(found, str)
        return found

    def _derived(self, combos: list[tuple[Any, ...]]) -> tuple[Any, Any, Any, Any]:
        """Per combination: on the program's marketplaces, marked false information, its
        reason code's number, and what one in-window request adds to its reason's sums."""
        np = self.np
        question = self.question
        width = question.width
        program = np.zeros(len(combos), dtype=bool)
        flag = np.zeros(len(combos), dtype=bool)
        reason_id = np.zeros(len(combos), dtype=np.int64)
        added = np.zeros((len(combos), width), dtype=np.int64)
        for number, combo in enumerate(combos):
            if self._values_problems(combo):
                continue
            platform, reason, outcome, counter, false_information = combo
            program[number] = platform in question.marketplaces
            flag[number] = false_information is True
            known = self.reason_ids.get(reason)
            if known is None:
                known = self.reason_ids[reason] = len(self.reasons)
                self.reasons.append(reason)
            reason_id[number] = known
            added[number] = question.setup.contribution(outcome, counter)
        return program, flag, reason_id, added

    def _times(self, column: Any) -> tuple[Any, Any]:
        """Each row's time in microseconds since 1970, and whether it is bad."""
        pa, pc, np = self.pa, self.pc, self.np
        kind = column.type
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = kind.value_type
        null = column.is_null().to_numpy(zero_copy_only=False)
        if pa.types.is_timestamp(kind) and kind.tz is not None:
            values = pc.cast(column, pa.timestamp("us", kind.tz), safe=False)
            times = pc.fill_null(values.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
            return times, null | (times < _EARLIEST) | (times >= _END)
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            return np.zeros(len(column), dtype=np.int64), np.ones(len(column), dtype=bool)
        heads = pc.dictionary_encode(pc.utf8_slice_codeunits(column, 0, HEAD_LENGTH))
        tails = pc.dictionary_encode(pc.utf8_slice_codeunits(column, HEAD_LENGTH, 1 << 30))
        head_values, head_ok = self._halves(heads.dictionary.to_pylist(), self.heads, _head)
        tail_values, tail_ok = self._halves(tails.dictionary.to_pylist(), self.tails, _tail)
        head_index = pc.fill_null(heads.indices, len(head_ok) - 1).to_numpy(zero_copy_only=False)
        tail_index = pc.fill_null(tails.indices, len(tail_ok) - 1).to_numpy(zero_copy_only=False)
        times = head_values[head_index] + tail_values[tail_index]
        read = head_ok[head_index] & tail_ok[tail_index] & ~null
        bad = null.copy()
        rest = np.flatnonzero(~read & ~null)
        if len(rest):
            texts = column.take(pa.array(rest)).to_pylist()
            for row, text in zip(rest.tolist(), texts, strict=True):
                moment = self._whole(text)
                if isinstance(moment, str):
                    bad[row] = True
                else:
                    times[row] = moment
        return times, bad

    def _halves(self, texts: list[Any], cache: dict[str, int | None], read: Any) -> Any:
        """The microseconds of each distinct half (then a null's), and which were read."""
        np = self.np
        values = np.zeros(len(texts) + 1, dtype=np.int64)
        ok = np.zeros(len(texts) + 1, dtype=bool)
        for index, text in enumerate(texts):
            found = cache.get(text, _MISSING)
            if found is _MISSING:
                found = read(text)
                if len(cache) < _MAX_CACHED:
                    cache[text] = found
            if found is not None:
                assert isinstance(found, int)
                values[index] = found
                ok[index] = True
        return values, ok

    def _whole(self, text: Any) -> int | str:
        """A time read by the model: its microseconds, or what is wrong with it."""
        try:
            found = self.whole.get(text)
        except TypeError:
            found = None
        if found is None:
            seconds = seconds_of(text, self.posix)
            if isinstance(seconds, str):
                found = seconds
            else:
                found = micros(_TIMESTAMP.validate_python(text.strip()))
            if len(self.whole) < _MAX_CACHED:
                self.whole[text] = found
        return found

    def _time_problem(self, value: Any, kind: Any) -> str | None:
        """What is wrong with one row's time (a bad row's, for its problem)."""
        pa = self.pa
        if value is None:
            return "missing submitted_at"
        if pa.types.is_timestamp(kind):
            if kind.tz is None:
                return (
                    f"{str(value)!r} has no offset: the column is a timestamp without a "
                    "timezone; give it one, or write each time with its offset"
                )
            try:
                _TIMESTAMP.validate_python(value)
            except ValidationError as exc:
                return str(exc.errors(include_url=False)[0]["msg"])
            return None
        found = self._whole(value)
        return found if isinstance(found, str) else None

    # -- what a batch leaves -----------------------------------------------------------------

    def _group(
        self,
        chosen: Any,
        codes: Any,
        account_index: Any,
        account_values: list[Any],
        reason_id: Any,
        added: Any,
        counted: Any,
        other: Any,
        flagged: Any,
    ) -> None:
        """Sum the chosen rows by (account, reason code)."""
        pa, np = self.pa, self.np
        code = codes[chosen]
        reasons = max(len(self.reasons), 1)
        key = account_index[chosen] * reasons + reason_id[code]
        groups, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
        columns = {}
        weights = added[code] * counted[chosen][:, None]
        for slot in range(weights.shape[1]):
            columns[f"s{slot}"] = _sums(np, inverse, weights[:, slot], len(groups))
        columns["other"] = _sums(np, inverse, other[chosen], len(groups))
        columns["flagged"] = _sums(np, inverse, flagged[chosen], len(groups))
        accounts = pa.array(account_values, type=pa.string()).take(pa.array(groups // reasons))
        table = pa.table({"account": accounts, "reason": groups % reasons, **columns})
        self.pending.append(table)
        self.pending_rows += len(groups)
        if self.pending_rows > _COMPACT_ROWS:
            self._compact()

    def _compact(self) -> None:
        pa = self.pa
        if len(self.pending) <= 1:
            return
        table = pa.concat_tables(self.pending)
        names = [name for name in table.schema.names if name not in ("account", "reason")]
        grouped = table.group_by(["account", "reason"], use_threads=False).aggregate(
            [(name, "sum") for name in names]
        )
        self.pending = [grouped.rename_columns(["account", "reason", *names])]
        self.pending_rows = len(grouped)

    def _flag(
        self,
        rows: Any,
        offset: int,
        times: Any,
        codes: Any,
        combos: list[tuple[Any, ...]],
        account_index: Any,
        account_values: list[Any],
    ) -> None:
        """Keep each account's earliest record marked false information: the earliest time of
        each account found on the columns, then ties compared as the count compares them."""
        np = self.np
        order = np.lexsort((times[rows], account_index[rows]))
        rows = rows[order]
        accounts = account_index[rows]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = accounts[1:] != accounts[:-1]
        earliest = np.maximum.accumulate(np.where(first, np.arange(len(rows)), 0))
        keep = rows[times[rows] == times[rows][earliest]]
        for row in keep.tolist():
            platform, reason, outcome, counter, _ = combos[codes[row]]
            moment = _EPOCH + timedelta(microseconds=int(times[row]))
            seconds = moment.timestamp()
            position = offset + row
            self.count.flag(
                account_values[account_index[row]],
                Flagged(
                    seconds,
                    platform,
                    reason,
                    outcome,
                    counter,
                    self.label,
                    position,
                    f"{self.label}[{position}]",
                    seconds,
                ),
            )

    def _bad(
        self,
        rows: Any,
        offset: int,
        columns: dict[str, Any],
        problems: list[list[tuple[str, str]]],
        codes: Any,
        account_values: list[Any],
        account_index: Any,
        time_bad: Any,
    ) -> None:
        """The first bad rows' problems, each at ``label[position].field``."""
        pa = self.pa
        first = rows[: max(MAX_REPORTED - len(self.count.bad), 0)]
        time_column = columns["submitted_at"]
        kind = time_column.type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        times = time_column.take(pa.array(first)).to_pylist() if len(first) else []
        records = []
        for row, value in zip(first.tolist(), times, strict=True):
            position = offset + row
            found: list[tuple[str, str]] = []
            if time_bad[row]:
                problem = self._time_problem(value, kind)
                if problem is None:
                    problem = f"expected an ISO-8601 time as text (got {value!r:.60})"
                found.append(("submitted_at", problem))
            found += problems[codes[row]]
            index = account_index[row]
            if index >= len(account_values):
                found.append((ACCOUNT, f"missing {ACCOUNT}"))
            else:
                wrong = self._account_problem(account_values[index])
                if wrong is not None:
                    found.append((ACCOUNT, wrong))
            records.append(
                BadRecord(
                    self.label,
                    position,
                    tuple(
                        Problem(message, RECORD_PROBLEM, path=(self.label, position, field))
                        for field, message in found
                    ),
                )
            )
        self.count.add_bad(records, len(rows))

    def finish(self) -> AccountsCount:
        """The count of every batch added."""
        self._compact()
        count = self.count
        for table in self.pending:
            data = table.to_pydict()
            slots = [data[f"s{slot}"] for slot in range(self.question.width)]
            for index, (account, reason) in enumerate(
                zip(data["account"], data["reason"], strict=True)
            ):
                sums = count.account(account)
                sums.other_marketplaces += data["other"][index]
                sums.false_information += data["flagged"][index]
                requests = slots[0][index]
                if requests:
                    sums.requests += requests
                    measured = [column[index] for column in slots]
                    mine = sums.by_reason.get(self.reasons[reason])
                    if mine is None:
                        sums.by_reason[self.reasons[reason]] = measured
                    else:
                        for slot, value in enumerate(measured):
                            mine[slot] += value
        self.pending = []
        return count


def _sums(np: Any, inverse: Any, weights: Any, groups: int) -> Any:
    """Exact sums of integer ``weights`` by group."""
    return np.bincount(inverse, weights=weights, minlength=groups).astype(np.int64)


def _head(text: Any) -> int | None:
    """The microseconds of a time's head (as if its local time were UTC), or None when the
    model must read the time whole."""
    if (
        not isinstance(text, str)
        or HEAD_FORM.fullmatch(text) is None
        or not "1901" <= text < "2999"
    ):
        return None
    try:
        return micros(datetime.fromisoformat(text + ":00").replace(tzinfo=UTC))
    except ValueError:
        return None


def _tail(text: Any) -> int | None:
    """The microseconds past the hour less the offset of a time's tail, or None."""
    if not isinstance(text, str) or TAIL_FORM.fullmatch(text) is None:
        return None
    try:
        moment = datetime.fromisoformat("2000-01-01T00" + text)
    except ValueError:
        return None
    return micros(moment) - micros(datetime(2000, 1, 1, tzinfo=UTC))
