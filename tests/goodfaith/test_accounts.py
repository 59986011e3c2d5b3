"""Every account at once: each account judged as the one-account assessment judges its records
alone, however the history is split, merged, or given (tuples, mappings, Arrow, Parquet)."""

from __future__ import annotations

import itertools
import math
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipp_rules import Engine
from ipp_rules.errors import GoodFaithError, HistoryError
from ipp_rules.goodfaith import (
    AccountsQuestion,
    MembershipEvent,
    Where,
    count_accounts,
    decide_accounts,
    evaluate_good_faith,
    evaluate_good_faith_accounts,
    evaluate_good_faith_records,
    history_from_csv,
    merge_counts,
)
from ipp_rules.goodfaith.files import seconds_of
from ipp_rules.goodfaith.instants import PosixTimes
from tests.goodfaith.histories import AS_OF, POLICY, rec

pa = pytest.importorskip("pyarrow")

START = datetime(2026, 1, 20, tzinfo=UTC).timestamp()
PLATFORMS = ("taobao", "tmall", "tmall_global", "aliexpress", "lazada")
PAIRS = (
    ("taken_down", "none"),
    ("taken_down", "none"),
    ("taken_down", "succeeded"),
    ("taken_down", "failed"),
    ("rejected", "none"),
    ("withdrawn", "succeeded"),
    ("withdrawn", "none"),
    ("pending", "none"),
)
CHINA = timezone(timedelta(hours=8))


def history(seed: int, accounts: int, records: int) -> list[tuple[Any, ...]]:
    """Rows (POSIX seconds, ..., account): times on a coarse grid, so that records tie."""
    rnd = random.Random(seed)
    rows = []
    for _ in range(records):
        outcome, counter = rnd.choice(PAIRS)
        rows.append(
            (
                START + rnd.randrange(0, 150) * 86400.0 + rnd.choice((0.0, 0.5)),
                rnd.choice(PLATFORMS),
                rnd.choice(("counterfeit", "test_buy", "image_misuse")),
                outcome,
                counter,
                rnd.random() < 0.02,
                f"acct-{rnd.randrange(accounts):05d}",
            )
        )
    return rows


def alone(rows: list[tuple[Any, ...]], account: str, label: str = "history") -> Any:
    """The one-account assessment of ``account``'s records, named where they are in ``rows``."""
    mine = [index for index, row in enumerate(rows) if row[6] == account]
    return evaluate_good_faith_records(
        POLICY,
        [rows[index][:6] for index in mine],
        AS_OF,
        record_location=lambda position: f"{label}[{mine[position]}]",
    )


def as_table(rows: list[tuple[Any, ...]]) -> Any:
    names = ("platform", "reason", "outcome", "counter_notification", "false_information")
    columns: dict[str, Any] = {
        "submitted_at": [
            datetime.fromtimestamp(row[0], CHINA if i % 3 else UTC)
            .isoformat()
            .replace("+00:00", "Z")
            for i, row in enumerate(rows)
        ]
    }
    for slot, name in enumerate(names, 1):
        columns[name] = [row[slot] for row in rows]
    columns["account"] = [row[6] for row in rows]
    return pa.table(columns)


@settings(max_examples=4, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    cuts=st.lists(st.integers(0, 6000), max_size=6),
    order=st.randoms(use_true_random=False),
)
def test_every_account_is_judged_as_its_records_alone_however_split(
    seed: int, cuts: list[int], order: random.Random
) -> None:
    rows = history(seed, accounts=1000, records=6000)
    question = AccountsQuestion(POLICY, AS_OF)
    bounds = sorted({0, len(rows), *cuts})
    counts = [
        count_accounts(question, rows[start:end], Where("history", start))
        for start, end in itertools.pairwise(bounds)
    ]
    order.shuffle(counts)
    while len(counts) > 1:  # merged in a random grouping and order
        first = counts.pop(order.randrange(len(counts)))
        second = counts.pop(order.randrange(len(counts)))
        counts.append(
            merge_counts(first, second) if order.random() < 0.5 else merge_counts(second, first)
        )
    results = decide_accounts(question, counts[0])
    whole = decide_accounts(question, count_accounts(question, rows))
    assert list(results) == list(whole)
    assert len(results) == len({row[6] for row in rows}) >= 990
    flagged = 0
    for account, eligibility in results:
        assert eligibility == alone(rows, account), account
        flagged += eligibility.metrics.false_information > 0
    assert flagged > 50  # findings that name a record were compared, with their locations


def test_the_arrow_path_counts_as_the_python_path(tmp_path: Path) -> None:
    rows = history(3, accounts=200, records=4000)
    table = as_table(rows)
    expected = list(evaluate_good_faith_accounts(POLICY, rows, AS_OF))
    assert list(evaluate_good_faith_accounts(POLICY, table, AS_OF)) == expected
    assert list(evaluate_good_faith_accounts(POLICY, table.to_pandas(), AS_OF)) == expected
    import pyarrow.parquet as pq

    path = tmp_path / "history.parquet"
    pq.write_table(table, path, row_group_size=700)
    by_file = list(evaluate_good_faith_accounts(POLICY, str(path), AS_OF))
    assert [account for account, _ in by_file] == [account for account, _ in expected]
    for (account, mine), (_, theirs) in zip(by_file, expected, strict=True):
        assert mine == alone(rows, account, str(path)), account
        assert mine.metrics == theirs.metrics


def test_records_and_mappings_and_csv_name_records_where_they_are() -> None:
    records = [
        rec(false_information=True, platform="aliexpress").model_copy(update={"account": "a"}),
        *(r.model_copy(update={"account": "b"}) for r in [rec(), rec()]),
        rec(false_information=True).model_copy(update={"account": "b"}),
    ]
    results = evaluate_good_faith_accounts(POLICY, records, AS_OF)
    assert results.accounts == ("a", "b")
    assert results["a"].findings[0].path == "history[0]"
    assert results["b"].findings[0].path == "history[3]"
    documents = [r.model_dump(mode="json") for r in records]
    assert list(evaluate_good_faith_accounts(POLICY, documents, AS_OF)) == list(results)
    text = "submitted_at,platform,reason,outcome,false_information,account\n" + "".join(
        f"{r.submitted_at.isoformat()},{r.platform},{r.reason},{r.outcome},"
        f"{str(r.false_information).lower()},{r.account}\n"
        for r in records
    )
    by_line = evaluate_good_faith_accounts(POLICY, history_from_csv(text), AS_OF)
    assert by_line["b"].findings[0].path == "<text>:5"
    one = evaluate_good_faith(POLICY, records[1:], AS_OF)  # the one-account API ignores it
    assert one.metrics.requests == 3


def test_a_record_without_an_account_is_a_bad_record_named_by_place() -> None:
    documents = [
        {**rec().model_dump(mode="json"), "account": "a"},
        rec().model_dump(mode="json"),
        {**rec().model_dump(mode="json"), "account": "x" * 201},
        {**rec().model_dump(mode="json"), "account": "a\x00b"},
    ]
    with pytest.raises(HistoryError) as raised:
        evaluate_good_faith_accounts(POLICY, documents, AS_OF)
    text = str(raised.value)
    assert "history[1].account: missing required field 'account'" in text
    assert "history[2].account: an IPP account id has at most 200 characters" in text
    assert "history[3].account: an IPP account id must not contain control characters" in text
    table = pa.table(
        {
            "submitted_at": ["2026-04-01T10:00:00+08:00", "2026-04-01T10:00:00", None],
            "platform": ["taobao", "taobao", "taobao"],
            "reason": ["counterfeit", "counterfeit", "counterfeit"],
            "outcome": ["taken_down", "taken_dwn", "taken_down"],
            "account": ["a", None, " a"],
        }
    )
    with pytest.raises(HistoryError) as raised:
        evaluate_good_faith_accounts(POLICY, table, AS_OF)
    lines = str(raised.value).splitlines()[1:]
    assert lines == [
        "  history[1].submitted_at: '2026-04-01T10:00:00' has no offset: add one, like +08:00 or Z",
        "  history[1].outcome: expected one of taken_down, rejected, withdrawn, pending; did "
        "you mean 'taken_down'? (got 'taken_dwn')",
        "  history[1].account: missing account",
        "  history[2].submitted_at: missing submitted_at",
        "  history[2].account: expected an IPP account id without leading or trailing spaces "
        "(got ' a')",
    ]


def test_hostile_tables_are_refused_in_words() -> None:
    base = {
        "submitted_at": ["2026-04-01T10:00:00+08:00"],
        "platform": ["taobao"],
        "reason": ["counterfeit"],
        "outcome": ["taken_down"],
    }
    with pytest.raises(HistoryError, match="missing column 'account'"):
        evaluate_good_faith_accounts(POLICY, pa.table(base), AS_OF)
    with pytest.raises(HistoryError, match="unknown column 'acount'; did you mean 'account'"):
        evaluate_good_faith_accounts(POLICY, pa.table({**base, "acount": ["a"]}), AS_OF)
    naive = pa.table({**base, "account": ["a"]}).set_column(
        0, "submitted_at", pa.array([datetime(2026, 4, 1)], pa.timestamp("us"))
    )
    with pytest.raises(HistoryError, match=r"history\[0\].submitted_at: .* has no offset"):
        evaluate_good_faith_accounts(POLICY, naive, AS_OF)
    aware = naive.set_column(
        0,
        "submitted_at",
        pa.array([datetime(2026, 4, 1, 2, tzinfo=UTC)], pa.timestamp("ns", "UTC")),
    )
    assert evaluate_good_faith_accounts(POLICY, aware, AS_OF)["a"].metrics.requests == 1
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({**base, "account": [float("nan")]})
    with pytest.raises(HistoryError, match="missing account"):
        evaluate_good_faith_accounts(POLICY, frame, AS_OF)
    mixed = pd.DataFrame({**base, "account": ["a"], "platform": [1688]})
    mixed["platform"] = mixed["platform"].astype(object)
    with pytest.raises(HistoryError, match="platform"):
        evaluate_good_faith_accounts(POLICY, mixed, AS_OF)
    with pytest.raises(HistoryError, match="expected POSIX seconds"):
        evaluate_good_faith_accounts(
            POLICY, [(math.nan, "taobao", "c", "taken_down", "none", False, "a")], AS_OF
        )


TIMES = [
    "2026-04-01T10:00:00+08:00",
    "2026-04-01T10:00:00.5Z",
    "2026-04-01 10:00+08:00",
    "2026-04-01T10:00:00z",
    " 2026-04-01T10:00:00+08:00 ",
    "2026-04-01T10:00:00+08",
    "2026-04-01T10:00:00+08:00:30",
    "2026-04-01T10:00:00+08:60",
    "2026-04-01T10:00:00.+08:00",
    "2026-04-01T24:00:00+08:00",
    "2026-02-30T10:00:00+08:00",
    "2026-04-01T10:00:60+08:00",
    "2999-12-31T23:59:59-23:59",
    "1900-01-01T00:00:00+01:00",
    "2026-04-01T10:00:00.1234567+08:00",
    "2026-04-01T10:00:00",
    "\uff12\uff10\uff12\uff16-04-01T10:00:00+08:00",  # fullwidth digits
    "",
]


def test_times_read_on_the_column_are_the_models() -> None:
    rows = len(TIMES)
    table = pa.table(
        {
            "submitted_at": TIMES,
            "platform": ["taobao"] * rows,
            "reason": ["counterfeit"] * rows,
            "outcome": ["taken_down"] * rows,
            "account": [f"a{i:02d}" for i in range(rows)],
        }
    )
    question = AccountsQuestion(POLICY, AS_OF)
    count = count_accounts(question, table)
    bad = {bad.position: str(bad.problems[0]) for bad in count.bad}
    for index, text in enumerate(TIMES):
        expected = seconds_of(text, PosixTimes())
        if isinstance(expected, str):
            assert bad[index] == f"history[{index}].submitted_at: {expected}", text
        else:
            assert index not in bad, text
            window = question.start <= expected < question.end
            assert count.sums[f"a{index:02d}"].requests == window, text


def test_membership_is_per_account_and_counts_must_share_their_question() -> None:
    rows = history(5, accounts=3, records=60)
    removed = MembershipEvent(event="removed", on="2026-05-01")
    results = evaluate_good_faith_accounts(
        POLICY, rows, AS_OF, membership={"acct-00001": [removed], "nobody": [removed]}
    )
    codes = [f.code for f in results["acct-00001"].findings]
    assert "GOOD_FAITH_REJOIN_WAIT" in codes
    assert "GOOD_FAITH_REJOIN_WAIT" not in [f.code for f in results["acct-00000"].findings]
    assert "nobody" in results and results["nobody"].metrics.requests == 0
    other = AccountsQuestion(POLICY, datetime(2026, 6, 1, tzinfo=UTC))
    with pytest.raises(GoodFaithError, match="different questions"):
        merge_counts(
            count_accounts(other, rows), count_accounts(AccountsQuestion(POLICY, AS_OF), rows)
        )
    with pytest.raises(GoodFaithError, match="membership"):
        evaluate_good_faith_accounts(POLICY, rows, AS_OF, membership={"": [removed]})


def test_results_as_rows_and_arrow_and_through_the_engine() -> None:
    rows = history(9, accounts=20, records=3000)
    with Engine.default() as engine:
        results = engine.good_faith_all(rows, AS_OF)
    table = results.to_arrow()
    assert table.num_rows == len(results) == 20
    plain = list(results.rows())
    assert [row["account"] for row in plain] == list(results.accounts)
    for row, (_, eligibility) in zip(plain, results, strict=True):
        rate = eligibility.metrics.takedown_success_rate
        assert row["eligible"] == eligibility.eligible
        assert row["takedown_success_rate_numerator"] == rate.numerator
        assert row["finding_codes"] == [f.code for f in eligibility.findings]
        assert [f["message"] for f in row["findings"]] == [f.message for f in eligibility.findings]
    assert table.column("account").to_pylist() == list(results.accounts)
    assert results.eligible + results.not_eligible == 20
