"""counting: the one pass over a history, its window buckets, false information counted on
every marketplace over the look-back, and the earliest such record, whatever the order."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import pytest

from ipp_rules.goodfaith import (
    FalseInformationRule,
    GoodFaithPolicy,
    HistoryError,
    as_row,
    columns,
    evaluate_good_faith_records,
    files,
)
from tests.goodfaith.histories import AS_OF, POLICY, SH, codes, evaluate, many, rec

# ---------------------------------------------------------------------------------------------
# The window's buckets


def test_a_record_at_the_window_start_counts_and_one_at_as_of_does_not():
    start = datetime(2026, 2, 28, tzinfo=SH)
    end = datetime(2026, 5, 31, tzinfo=SH)
    history = [*many(100), rec(start, "rejected"), rec(end, "rejected")]
    history.append(rec(start - timedelta(microseconds=1), "rejected"))
    history.append(rec(end - timedelta(microseconds=1), "pending"))
    result = evaluate(history)
    assert result.metrics.requests == 102
    assert result.metrics.takedown_success_rate.denominator == 101


def test_a_time_that_is_not_one_lands_in_no_bucket_and_is_reported():
    # NaN compares false with both bounds: bucket 0, which a valid time never lands in.
    row = as_row(rec())
    with pytest.raises(HistoryError) as caught:
        evaluate_good_faith_records(POLICY, iter([row, (math.nan, *row[1:])]), AS_OF)
    assert [(p.location, p.message, p.code) for p in caught.value.problems] == [
        (
            "history[*].submitted_at",
            "expected a time, got a value that is not one (NaN)",
            "history_record",
        )
    ]


# ---------------------------------------------------------------------------------------------
# False information on every marketplace, over the look-back


# One IPP account files on all seven marketplaces (handbook, Introduction), and the account's
# reporting history must show no false information (Section 1 A, "The Good Faith Program"):
# a request outside the Tao marketplaces counts for that condition, not for volume or rates.
OUTSIDE = ("aliexpress", "alibaba_com", "1688", "lazada")


def window_look_back() -> GoodFaithPolicy:
    """The bundled policy with false information looked for in the window only."""
    rule = FalseInformationRule(allowed=False, look_back="window")
    periods = tuple(p.model_copy(update={"false_information": rule}) for p in POLICY.periods)
    return POLICY.model_copy(update={"periods": periods})


@pytest.mark.parametrize("platform", OUTSIDE)
def test_false_information_on_a_marketplace_outside_the_program_bars_the_account(platform: str):
    flagged = rec(
        datetime(2026, 4, 2, 9, tzinfo=SH), "rejected", platform=platform, false_information=True
    )
    result = evaluate([*many(150), flagged])
    assert result.eligible is False
    assert codes(result) == ["GOOD_FAITH_FALSE_INFORMATION"]
    assert result.findings[0].path == "history[150]"
    assert result.findings[0].message == (
        f"history[150], submitted 2026-04-02 09:00 (Asia/Shanghai) on {platform}, was found to "
        "contain deliberately false information (1 takedown request in the reporting history "
        "on any of the account's marketplaces); the Good Faith Program admits no account with "
        "such a history."
    )
    assert result.metrics.false_information == 1
    assert result.metrics.requests == 150
    assert result.metrics.other_marketplace_requests == 1
    assert result.metrics.takedown_success_rate.fraction() == 1


def test_false_information_outside_the_program_counts_over_the_whole_history():
    old = rec(datetime(2024, 1, 5, 8, 30, tzinfo=SH), platform="aliexpress", false_information=True)
    result = evaluate([old, *many(150)])
    assert codes(result) == ["GOOD_FAITH_FALSE_INFORMATION"]
    assert result.findings[0].path == "history[0]"
    assert "submitted 2024-01-05 08:30 (Asia/Shanghai) on aliexpress" in result.findings[0].message
    assert (result.metrics.false_information, result.metrics.other_marketplace_requests) == (1, 0)
    future = rec(datetime(2026, 5, 31, tzinfo=SH), platform="aliexpress", false_information=True)
    after = evaluate([*many(150), future])
    assert after.eligible
    assert after.metrics.false_information == 0


def test_with_a_window_look_back_only_false_information_in_the_window_counts():
    policy = window_look_back()
    before = rec(datetime(2026, 2, 27, 23, tzinfo=SH), platform="1688", false_information=True)
    inside = rec(datetime(2026, 2, 28, tzinfo=SH), platform="1688", false_information=True)
    rows = [as_row(r) for r in [*many(150), before]]
    assert evaluate_good_faith_records(policy, rows, AS_OF).eligible
    result = evaluate_good_faith_records(policy, [*rows, as_row(inside)], AS_OF)
    assert codes(result) == ["GOOD_FAITH_FALSE_INFORMATION"]
    assert result.findings[0].path == "history[151]"
    assert result.findings[0].message.startswith(
        "history[151], submitted 2026-02-28 00:00 (Asia/Shanghai) on 1688, was found to contain "
        "deliberately false information (1 takedown request in the assessment window on any "
        "of the account's marketplaces)"
    )
    assert result.metrics.false_information == 1
    assert result.metrics.false_information_look_back == "window"


def test_the_finding_names_the_earliest_false_information_record_in_any_order():
    history = many(150)
    history[5] = rec(datetime(2026, 3, 10, tzinfo=SH), false_information=True)
    history.insert(
        40,
        rec(
            datetime(2025, 1, 1, tzinfo=SH),
            "rejected",
            platform="alibaba_com",
            false_information=True,
        ),
    )
    history.append(rec(datetime(2026, 5, 1, tzinfo=SH), platform="1688", false_information=True))
    result = evaluate(history)
    assert codes(result) == ["GOOD_FAITH_FALSE_INFORMATION"]
    assert result.findings[0].path == "history[40]"
    assert result.findings[0].message.startswith(
        "history[40], submitted 2025-01-01 00:00 (Asia/Shanghai) on alibaba_com, was found to "
        "contain deliberately false information (the earliest of 3 takedown requests in the "
        "reporting history on any of the account's marketplaces)"
    )
    assert result.metrics.false_information == 3
    reversed_rows = (as_row(r) for r in reversed(history))  # an iterator, not a sequence
    backwards = evaluate_good_faith_records(POLICY, reversed_rows, AS_OF)
    assert backwards.findings[0].path == f"history[{len(history) - 1 - 40}]"
    assert backwards.metrics == result.metrics


def test_the_fast_path_names_the_record_in_an_iterator_of_rows():
    flagged = rec(
        datetime(2025, 12, 24, 18, 5, 30, tzinfo=SH),
        "withdrawn",
        platform="aliexpress",
        false_information=True,
    )
    rows = iter([as_row(flagged), *(as_row(r) for r in many(150))])
    result = evaluate_good_faith_records(POLICY, rows, AS_OF)
    assert result.eligible is False
    assert [(f.code, f.path) for f in result.findings] == [
        ("GOOD_FAITH_FALSE_INFORMATION", "history[0]")
    ]
    assert "submitted 2025-12-24 18:05:30 (Asia/Shanghai) on aliexpress" in (
        result.findings[0].message
    )
    assert result.metrics.false_information == 1


# ---------------------------------------------------------------------------------------------
# One pass for every entry point


def test_every_entry_point_counts_in_the_one_pass(monkeypatch: pytest.MonkeyPatch):
    from ipp_rules.goodfaith import counting, deciding

    calls: list[type] = []

    def spy(entries: Any, start: Any, end: Any, look_back: frozenset[int]) -> Any:
        calls.append(type(start))
        return counting.tally_history(entries, start, end, look_back)

    monkeypatch.setattr(deciding, "tally_history", spy)
    history = [*many(100), rec(outcome="rejected", false_information=True)]
    evaluate(history)  # every entry point, which must agree
    # models and mappings count datetimes; tuples and a file, POSIX seconds
    assert calls == [datetime, float, datetime, float]


@pytest.mark.parametrize("size", [1, 2, 7])
def test_batches_of_any_size_count_the_same(monkeypatch: pytest.MonkeyPatch, size: int):
    # The records are counted a batch at a time: the earliest false information and its
    # position must not depend on where a batch ends.
    history = many(30)
    history[4] = rec(datetime(2026, 3, 10, tzinfo=SH), false_information=True)
    history[17] = rec(datetime(2025, 1, 1, tzinfo=SH), "rejected", false_information=True)
    history[23] = rec(datetime(2025, 1, 1, tzinfo=SH), "rejected", false_information=True)
    whole = evaluate(history)
    for module in (columns, files):
        monkeypatch.setattr(module, "BATCH_ROWS", size)
    assert evaluate(history) == whole
    assert whole.findings[0].path == "history[17]"
