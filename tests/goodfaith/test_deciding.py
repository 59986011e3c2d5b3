"""deciding: the entry points ``evaluate_good_faith`` and ``evaluate_good_faith_records``,
with worked examples at every boundary (volume, rates, periods, window, marketplace, rejoining)
and hypothesis properties of the verdict."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from ipp_rules.errors import UnknownMarketplaceError
from ipp_rules.goodfaith import (
    MARKETPLACES,
    Eligibility,
    GoodFaithError,
    HistoryRecord,
    MembershipEvent,
    as_row,
    evaluate_good_faith,
    evaluate_good_faith_records,
)
from tests.goodfaith.histories import AS_OF, POLICY, SH, codes, evaluate, many, rec

# ---------------------------------------------------------------------------------------------
# Volume


def test_99_requests_are_too_few_and_100_are_enough():
    too_few = evaluate(many(99))
    assert not too_few.eligible
    assert codes(too_few) == ["GOOD_FAITH_TOO_FEW_REQUESTS"]
    assert too_few.metrics.requests == 99
    assert "99 takedown requests on taobao, tmall and tmall_global" in too_few.findings[0].message
    assert "needs at least 100" in too_few.findings[0].message
    enough = evaluate(many(100))
    assert enough.eligible, enough.findings
    assert enough.findings == ()
    assert enough.metrics.requests == 100


def test_pending_and_withdrawn_requests_count_towards_the_volume_but_not_the_rates():
    history = many(90) + many(10, "pending") + many(5, "withdrawn")
    result = evaluate(history)
    assert result.eligible
    assert result.metrics.requests == 105
    assert result.metrics.takedown_success_rate.denominator == 90
    assert result.metrics.counter_notification_success_rate.denominator == 90


# ---------------------------------------------------------------------------------------------
# Successful takedown rate


def test_exactly_90_percent_is_eligible_and_89_is_not():
    exact = evaluate(many(90) + many(10, "rejected"))
    assert exact.eligible
    rate = exact.metrics.takedown_success_rate
    assert (rate.numerator, rate.denominator, rate.value) == (90, 100, Decimal("0.9"))
    assert rate.fraction() == Fraction(9, 10)
    assert (rate.threshold, rate.threshold_percent, rate.met) == (Decimal("0.9"), "90%", True)

    low = evaluate(many(89) + many(11, "rejected"))
    # One reason code: its own test (in force since 2022-04-15) fails with the overall one.
    assert codes(low) == ["GOOD_FAITH_SUCCESS_RATE_LOW", "GOOD_FAITH_SUCCESS_RATE_LOW_REASON_CODE"]
    message = low.findings[0].message
    assert message == (
        "The successful takedown rate in the 3 months from 2026-02-28 00:00 to 2026-05-31 00:00 "
        "(Asia/Shanghai, end excluded) is 89%, counting requests whose listing was taken down "
        "(89) out of requests the platform ruled on (100); it must be at least 90%."
    )
    assert low.findings[0].source == POLICY.periods[2].source


def test_a_rate_just_under_the_bound_is_not_rounded_up():
    # 89,999 of 100,000 (89.999%) is shown as "about 90%" but fails: the test is exact.
    kept = as_row(rec())
    rejected = as_row(rec(outcome="rejected"))
    rows = [kept] * 89_999 + [rejected] * 10_001
    result = evaluate_good_faith_records(POLICY, rows, AS_OF)
    rate = result.metrics.takedown_success_rate
    assert (rate.numerator, rate.denominator) == (89_999, 100_000)
    assert rate.met is False
    assert "about 90%" in result.findings[0].message


def test_a_takedown_later_withdrawn_after_a_counter_notification_counts_as_taken_down():
    history = many(90) + many(10, "withdrawn", "succeeded")
    result = evaluate(history)
    success = result.metrics.takedown_success_rate
    counter = result.metrics.counter_notification_success_rate
    assert (success.numerator, success.denominator) == (100, 100)
    assert (counter.numerator, counter.denominator) == (10, 100)
    assert codes(result) == [
        "GOOD_FAITH_COUNTER_RATE_HIGH",
        "GOOD_FAITH_COUNTER_RATE_HIGH_REASON_CODE",
    ]


# ---------------------------------------------------------------------------------------------
# Successful counter-notification rate


def test_exactly_5_percent_of_takedowns_reinstated_is_eligible():
    history = many(171) + many(9, "taken_down", "succeeded") + many(20, "rejected")
    result = evaluate(history)
    assert result.eligible, result.findings
    counter = result.metrics.counter_notification_success_rate
    assert (counter.numerator, counter.denominator, counter.value) == (9, 180, Decimal("0.05"))
    assert result.metrics.takedown_success_rate.fraction() == Fraction(9, 10)


def test_5_01_percent_is_too_high():
    rows = [as_row(r) for r in many(1)]
    ok, reinstated = rows[0], as_row(rec(counter="succeeded"))
    fine = evaluate_good_faith_records(POLICY, [ok] * 9_500 + [reinstated] * 500, AS_OF)
    assert fine.eligible
    high = evaluate_good_faith_records(POLICY, [ok] * 9_499 + [reinstated] * 501, AS_OF)
    assert codes(high) == [
        "GOOD_FAITH_COUNTER_RATE_HIGH",
        "GOOD_FAITH_COUNTER_RATE_HIGH_REASON_CODE",
    ]
    assert (
        "is 5.01%, counting takedowns reversed by a merchant's counter-notification (501) out of "
        "requests whose listing was taken down (10000)"
    ) in high.findings[0].message
    assert "it must be at most 5%." in high.findings[0].message


def test_failed_and_pending_counter_notifications_are_not_successful():
    history = many(80) + many(10, "taken_down", "failed") + many(10, "taken_down", "pending")
    result = evaluate(history)
    assert result.eligible
    counter = result.metrics.counter_notification_success_rate
    assert (counter.numerator, counter.denominator) == (0, 100)


# ---------------------------------------------------------------------------------------------
# The 2015 period: one-month window, 1.5%, no minimum volume


def test_the_2015_period_allows_1_5_percent_over_one_month():
    as_of = date(2017, 6, 1)  # window [2017-05-01, 2017-06-01)
    start = datetime(2017, 5, 1, tzinfo=SH)
    base = many(197, when=start) + many(3, "taken_down", "succeeded", when=start)
    at_bound = evaluate(base, as_of)
    assert at_bound.eligible, at_bound.findings
    assert at_bound.period.name == "2015 launch"
    assert at_bound.metrics.window_start == start
    assert at_bound.metrics.window_months == 1

    over = evaluate(many(196, when=start) + many(4, "taken_down", "succeeded", when=start), as_of)
    assert codes(over) == ["GOOD_FAITH_COUNTER_RATE_HIGH"]  # no per-reason test before 2022
    assert "it must be at most 1.5%." in over.findings[0].message


def test_the_same_2_percent_history_passes_under_the_2018_rules():
    def history(start: datetime) -> list[HistoryRecord]:
        return many(196, when=start) + many(4, "taken_down", "succeeded", when=start)

    assert not evaluate(history(datetime(2017, 5, 1, tzinfo=SH)), date(2017, 6, 1)).eligible
    assert evaluate(history(datetime(2019, 5, 1, tzinfo=SH)), date(2019, 6, 1)).eligible


def test_the_2015_window_is_one_month():
    as_of = date(2017, 6, 1)
    before = many(50, "rejected", when=datetime(2017, 4, 28, 12, tzinfo=SH))
    inside = many(10, when=datetime(2017, 5, 1, tzinfo=SH))
    result = evaluate(before + inside, as_of)
    assert result.eligible
    assert result.metrics.requests == 10


def test_an_empty_history_cannot_show_a_rate():
    result = evaluate([], date(2017, 6, 1))
    assert codes(result) == ["GOOD_FAITH_SUCCESS_RATE_LOW", "GOOD_FAITH_COUNTER_RATE_HIGH"]
    assert "cannot be measured" in result.findings[0].message
    assert "there are no requests the platform ruled on" in result.findings[0].message
    assert result.metrics.takedown_success_rate.value is None


# ---------------------------------------------------------------------------------------------
# Per reason code from 2022-04-15


def _reason_history(as_of: date) -> list[HistoryRecord]:
    start = datetime.combine(as_of - relativedelta(months=2), datetime.min.time(), tzinfo=SH)
    good = many(150, when=start)
    weak = many(5, reason="test_buy", when=start) + many(
        5, "rejected", reason="test_buy", when=start
    )
    return good + weak


def test_a_weak_reason_code_fails_from_2022_04_15_but_not_before():
    before = evaluate(_reason_history(date(2022, 4, 14)), date(2022, 4, 14))
    assert before.eligible, before.findings
    assert before.period.name == "2018 upgrade"
    assert before.metrics.per_reason["test_buy"].rates["takedown_success_rate"].met is None

    after = evaluate(_reason_history(date(2022, 4, 15)), date(2022, 4, 15))
    assert after.period.name == "2022 upgrade"
    assert codes(after) == ["GOOD_FAITH_SUCCESS_RATE_LOW_REASON_CODE"]
    finding = after.findings[0]
    assert finding.path == "history[reason=test_buy]"
    assert finding.message.startswith("For reason code test_buy, the successful takedown rate")
    assert "is 50%, counting requests whose listing was taken down (5) out of" in finding.message
    assert after.metrics.takedown_success_rate.fraction() == Fraction(155, 160)
    test_buy = after.metrics.per_reason["test_buy"]
    assert test_buy.requests == 10
    assert test_buy.rates["takedown_success_rate"].met is False
    assert after.metrics.per_reason["counterfeit"].rates["takedown_success_rate"].met is True


def test_a_reason_code_with_nothing_decided_is_not_tested():
    result = evaluate(many(100) + many(3, "pending", reason="model_not_exist"))
    assert result.eligible
    rate = result.metrics.per_reason["model_not_exist"].rates["takedown_success_rate"]
    assert (rate.denominator, rate.met, rate.value) == (0, None, None)


def test_the_period_is_chosen_by_the_local_date_of_as_of():
    # 2022-04-14T16:00Z is 2022-04-15 00:00 in Shanghai: the 2022 rules apply.
    moment = datetime(2022, 4, 14, 16, 0, tzinfo=UTC)
    result = evaluate(_reason_history(date(2022, 4, 15)), moment)
    assert result.period.name == "2022 upgrade"
    assert result.as_of == datetime(2022, 4, 15, tzinfo=SH)


# ---------------------------------------------------------------------------------------------
# The window


def test_month_end_as_of_clips_the_window_start():
    result = evaluate([], date(2026, 5, 31))
    assert result.metrics.window_start == datetime(2026, 2, 28, tzinfo=SH)
    assert result.metrics.window_end == datetime(2026, 5, 31, tzinfo=SH)
    assert evaluate([], date(2026, 3, 31)).metrics.window_start == datetime(2025, 12, 31, tzinfo=SH)
    assert evaluate([], date(2024, 5, 31)).metrics.window_start == datetime(2024, 2, 29, tzinfo=SH)


def test_the_window_is_counted_in_china_time():
    as_of = date(2026, 6, 1)  # window starts 2026-03-01 00:00 +08:00 = 2026-02-28T16:00Z
    march_1_in_shanghai = datetime(2026, 2, 28, 17, 0, tzinfo=UTC)
    still_february = datetime(2026, 2, 28, 15, 59, tzinfo=UTC)
    history = many(100, when=datetime(2026, 4, 1, tzinfo=SH))
    result = evaluate([*history, rec(march_1_in_shanghai, "pending")], as_of)
    assert result.metrics.requests == 101
    result = evaluate([*history, rec(still_february, "pending")], as_of)
    assert result.metrics.requests == 100


def test_as_of_a_date_is_midnight_in_china():
    history = [*many(100), rec(datetime(2026, 5, 30, 23, 59, tzinfo=SH), "pending")]
    by_date = evaluate(history, date(2026, 5, 31))
    by_time = evaluate(history, datetime(2026, 5, 30, 16, 0, tzinfo=UTC))
    assert by_date == by_time
    assert by_date.as_of.isoformat() == "2026-05-31T00:00:00+08:00"


def test_a_naive_as_of_is_refused():
    with pytest.raises(GoodFaithError, match="no timezone"):
        evaluate_good_faith(POLICY, [], datetime(2026, 5, 31))


@pytest.mark.parametrize(
    "as_of",
    [
        datetime.fromisoformat("0001-01-01T00:00:00+14:00"),
        datetime.fromisoformat("9999-12-31T23:59:59-23:59"),
    ],
)
def test_an_as_of_at_the_edge_of_the_datetime_range_is_a_good_faith_error(as_of: datetime):
    with pytest.raises(GoodFaithError, match="is out of range"):
        evaluate_good_faith(POLICY, [], as_of)


# ---------------------------------------------------------------------------------------------
# Marketplaces, false information, rejoining


def test_only_the_tao_marketplaces_qualify():
    history = many(100, platform="tmall") + many(50, "rejected", platform="aliexpress")
    result = evaluate(history, platform="aliexpress")
    assert codes(result) == ["GOOD_FAITH_NOT_TAO"]
    assert result.findings[0].path == "platform"
    assert "applies only on taobao, tmall and tmall_global" in result.findings[0].message
    assert result.metrics.requests == 100
    assert result.metrics.other_marketplace_requests == 50
    assert evaluate(history, platform="tmall_global").eligible


def test_an_unknown_marketplace_is_an_error_with_a_suggestion():
    with pytest.raises(UnknownMarketplaceError) as caught:
        evaluate_good_faith(POLICY, [], AS_OF, platform="taobaoo")
    assert caught.value.suggestion == "taobao"


def test_deliberately_false_information_anywhere_in_the_history_bars_the_account():
    old = rec(datetime(2024, 1, 5, tzinfo=SH), "rejected", false_information=True)
    result = evaluate([*many(100), old])
    assert codes(result) == ["GOOD_FAITH_FALSE_INFORMATION"]
    assert result.metrics.false_information == 1
    assert "1 takedown request in the reporting history" in result.findings[0].message
    future = rec(datetime(2026, 6, 5, tzinfo=SH), false_information=True)
    assert evaluate([*many(100), future]).eligible


def test_a_removed_account_waits_three_months_to_rejoin():
    removed = MembershipEvent(event="removed", on=date(2026, 4, 10))
    result = evaluate(many(100), membership=[removed])
    assert codes(result) == ["GOOD_FAITH_REJOIN_WAIT"]
    assert result.metrics.rejoin_from == date(2026, 7, 10)
    assert result.findings[0].message == (
        "The account was removed from the Good Faith Program on 2026-04-10 and may rejoin "
        "from 2026-07-10 (a wait of 3 months)."
    )
    recent = many(100, when=datetime(2026, 5, 1, tzinfo=SH))
    assert codes(evaluate(recent, date(2026, 7, 9), membership=[removed])) == [
        "GOOD_FAITH_REJOIN_WAIT"
    ]
    assert evaluate(recent, date(2026, 7, 10), membership=[removed]).eligible
    served = MembershipEvent(event="removed", on=date(2026, 2, 28))
    assert evaluate(many(100), membership=[served]).eligible


def test_a_voluntary_withdrawal_also_waits_and_a_later_admission_ends_the_wait():
    withdrawn = MembershipEvent(event="withdrawn", on=date(2026, 5, 1))
    result = evaluate(many(100), membership=[withdrawn])
    assert codes(result) == ["GOOD_FAITH_REJOIN_WAIT"]
    assert "withdrew from the Good Faith Program on 2026-05-01" in result.findings[0].message
    joined = MembershipEvent(event="joined", on=date(2026, 5, 20))
    assert evaluate(many(100), membership=[joined, withdrawn]).eligible


def test_the_2015_rejoin_wait_was_six_months():
    start = datetime(2017, 5, 1, tzinfo=SH)
    removed = MembershipEvent(event="removed", on=date(2017, 1, 15))
    result = evaluate(many(10, when=start), date(2017, 6, 1), membership=[removed])
    assert result.metrics.rejoin_from == date(2017, 7, 15)


def test_a_rejoin_day_past_the_last_date_is_a_good_faith_error():
    # Adding the wait to the removal raised ValueError: year 10000 is out of range.
    removed = MembershipEvent(event="removed", on=date(9999, 12, 30))
    with pytest.raises(GoodFaithError, match=r"may rejoin .* is past 9999-12-31"):
        evaluate_good_faith(POLICY, [], date(9999, 12, 31), membership=[removed])


def test_every_unmet_condition_has_a_finding_in_a_stable_order():
    history = (
        many(40, platform="tmall")
        + many(10, "rejected", platform="tmall")
        + many(5, "taken_down", "succeeded")
        + [rec(outcome="rejected", false_information=True)]
    )
    removed = MembershipEvent(event="removed", on=date(2026, 5, 1))
    result = evaluate(history, platform="lazada", membership=[removed])
    assert codes(result) == [
        "GOOD_FAITH_NOT_TAO",
        "GOOD_FAITH_REJOIN_WAIT",
        "GOOD_FAITH_FALSE_INFORMATION",
        "GOOD_FAITH_TOO_FEW_REQUESTS",
        "GOOD_FAITH_SUCCESS_RATE_LOW",
        "GOOD_FAITH_COUNTER_RATE_HIGH",
        "GOOD_FAITH_SUCCESS_RATE_LOW_REASON_CODE",
        "GOOD_FAITH_COUNTER_RATE_HIGH_REASON_CODE",
    ]
    assert {f.category for f in result.findings} == {"good_faith"}
    assert {f.severity for f in result.findings} == {"error"}
    assert Eligibility.model_validate_json(result.model_dump_json()) == result


# ---------------------------------------------------------------------------------------------
# Properties

TAO = ("taobao", "tmall", "tmall_global")
REASONS = ("counterfeit", "test_buy", "image_misuse")
PAIRS = (
    [("taken_down", "none")] * 12
    + [("taken_down", "failed"), ("taken_down", "pending"), ("taken_down", "succeeded")]
    + [("rejected", "none"), ("withdrawn", "none"), ("withdrawn", "succeeded"), ("pending", "none")]
)


# Local wall-clock times with a day of the month of at most 28, so whole-month shifts are exact.
local_times = st.builds(
    lambda y, m, d, h, mi: datetime(y, m, d, h, mi, tzinfo=SH),
    st.integers(2023, 2026),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 23),
    st.sampled_from((0, 30)),
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[date, list[HistoryRecord], list[MembershipEvent]]:
    """An as-of date, a history around it (a bulk of successful takedowns plus varied records,
    on days of the month up to 28) and membership events."""
    as_of = draw(st.builds(date, st.integers(2024, 2025), st.integers(1, 12), st.integers(1, 28)))

    def near(months: int) -> date:
        """A day ``months`` from as_of's month, on a day of the month of at most 28."""
        month = as_of + relativedelta(months=months)
        return date(month.year, month.month, draw(st.integers(1, 28)))

    def around(months: int) -> datetime:
        day = near(months)
        return datetime(day.year, day.month, day.day, draw(st.integers(0, 23)), tzinfo=SH)

    # The bulk: successful takedowns, enough for the minimum volume in most examples.
    records = [
        rec(around(draw(st.integers(-2, -1))), reason=draw(st.sampled_from(REASONS)))
        for _ in range(draw(st.sampled_from((0, 50, 95, 100, 120, 150))))
    ]
    for _ in range(draw(st.integers(0, 10))):
        outcome, counter = draw(st.sampled_from(PAIRS))
        template = dict(
            outcome=outcome,
            counter=counter,
            reason=draw(st.sampled_from(REASONS)),
            platform=draw(st.sampled_from((*TAO, "aliexpress"))),
            false_information=draw(st.sampled_from((False,) * 39 + (True,))),
        )
        for _ in range(draw(st.integers(1, 6))):
            records.append(rec(around(draw(st.integers(-4, 0))), **template))
    membership = [
        MembershipEvent(event=event, on=near(months))
        for event, months in draw(
            st.lists(
                st.tuples(st.sampled_from(("joined", "removed", "withdrawn")), st.integers(-7, 0)),
                max_size=2,
            )
        )
    ]
    return as_of, records, membership


def _shift_day(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def _essence(result: Eligibility) -> tuple[Any, ...]:
    """Everything but the dates themselves."""
    m = result.metrics
    return (
        result.eligible,
        [(f.code, f.path) for f in result.findings],
        m.requests,
        m.rates,
        m.per_reason,
        m.false_information,
        m.other_marketplace_requests,
    )


@settings(max_examples=40, deadline=None)
@given(histories(), st.sampled_from(TAO), local_times, st.sampled_from(REASONS), st.data())
def test_adding_a_successful_takedown_never_adds_a_finding(case, platform, when, reason, data):
    as_of, history, membership = case
    counter = data.draw(st.sampled_from(("none", "failed")))
    before = evaluate_good_faith(POLICY, history, as_of, membership=membership)
    added = rec(when, "taken_down", counter, reason=reason, platform=platform)
    after = evaluate_good_faith(POLICY, [*history, added], as_of, membership=membership)
    assert {(f.code, f.path) for f in after.findings} <= {(f.code, f.path) for f in before.findings}
    assert after.eligible or not before.eligible


@settings(max_examples=40, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_record_order_never_matters(case, rnd: random.Random):
    """Only the position of a record a finding names changes, and it names an equal record."""
    as_of, history, membership = case
    shuffled = list(history)
    rnd.shuffle(shuffled)
    first = evaluate_good_faith(POLICY, history, as_of, membership=membership)
    second = evaluate_good_faith(POLICY, shuffled, as_of, membership=list(reversed(membership)))
    assert _unplaced(first) == _unplaced(second)
    assert [_named(f, history) for f in first.findings] == [
        _named(f, shuffled) for f in second.findings
    ]
    rows = [as_row(r) for r in shuffled]
    assert evaluate_good_faith_records(POLICY, rows, as_of, membership=membership) == second


@settings(max_examples=30, deadline=None)
@given(
    histories(),
    st.sampled_from(MARKETPLACES),
    st.sampled_from(PAIRS),
    st.integers(1, 3 * 366 * 24),
    st.integers(0, 10**6),
)
def test_one_false_information_record_in_the_look_back_always_bars_the_account(
    case, platform, pair, hours_before, place
):
    """On any marketplace, at any time before as_of (the look-back is the whole history)."""
    as_of, history, membership = case
    end = datetime.combine(as_of, time(0), tzinfo=SH)
    when = end - timedelta(hours=hours_before)
    outcome, counter = pair
    flagged = rec(when, outcome, counter, platform=platform, false_information=True)
    position = place % (len(history) + 1)
    added = [*history[:position], flagged, *history[position:]]
    before = evaluate_good_faith(POLICY, history, as_of, membership=membership)
    after = evaluate_good_faith(POLICY, added, as_of, membership=membership)
    assert after.eligible is False
    [finding] = [f for f in after.findings if f.code == "GOOD_FAITH_FALSE_INFORMATION"]
    assert after.metrics.false_information == before.metrics.false_information + 1
    named = _named(finding, added)
    assert named is not None and named.false_information
    assert named.submitted_at == min(
        r.submitted_at for r in added if r.false_information and r.submitted_at < end
    )
    if before.metrics.false_information == 0:
        assert finding.path == f"history[{position}]"
    rows = [as_row(r) for r in added]
    assert evaluate_good_faith_records(POLICY, rows, as_of, membership=membership) == after


_POSITION = re.compile(r"^history\[(\d+)\]")


def _unplaced(result: Eligibility) -> Eligibility:
    """The result with the position of a named record left out."""
    findings = tuple(
        f.model_copy(
            update={
                "path": _POSITION.sub("history[*]", f.path),
                "message": _POSITION.sub("history[*]", f.message),
            }
        )
        for f in result.findings
    )
    return result.model_copy(update={"findings": findings})


def _named(finding: Any, history: list[HistoryRecord]) -> HistoryRecord | None:
    found = _POSITION.match(finding.path)
    return history[int(found[1])] if found else None


@settings(max_examples=40, deadline=None)
@given(histories(), st.integers(-18, 18))
def test_shifting_everything_by_whole_months_keeps_the_result(case, months):
    as_of, history, membership = case

    def shift(moment: datetime) -> datetime:
        return (moment.astimezone(SH) + relativedelta(months=months)).astimezone(UTC)

    shifted = [r.model_copy(update={"submitted_at": shift(r.submitted_at)}) for r in history]
    events = [e.model_copy(update={"on": _shift_day(e.on, months)}) for e in membership]
    original = evaluate_good_faith(POLICY, history, as_of, membership=membership)
    moved = evaluate_good_faith(POLICY, shifted, _shift_day(as_of, months), membership=events)
    assert moved.metrics.window_start == original.metrics.window_start + relativedelta(
        months=months
    )
    assert _essence(moved) == _essence(original)
    if original.metrics.rejoin_from is not None:
        assert moved.metrics.rejoin_from == _shift_day(original.metrics.rejoin_from, months)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(0, 30),
    st.sampled_from(TAO),
    st.integers(0, 30 * 24),
)
def test_histories_exactly_at_every_bound_are_eligible(scale, pending, platform, offset):
    """200·k requests: 90% taken down, 5% of those reinstated; plus pending requests."""
    start = datetime(2026, 3, 1, tzinfo=SH) + timedelta(hours=offset)
    kept = many(171 * scale, platform=platform, when=start)
    reinstated = many(9 * scale, "taken_down", "succeeded", platform=platform, when=start)
    rejected = many(20 * scale, "rejected", platform=platform, when=start)
    waiting = many(pending, "pending", platform=platform, when=start)
    result = evaluate_good_faith(POLICY, kept + reinstated + rejected + waiting, AS_OF)
    assert result.eligible, result.findings
    assert result.metrics.takedown_success_rate.fraction() == Fraction(9, 10)
    assert result.metrics.counter_notification_success_rate.fraction() == Fraction(1, 20)
    hundred = evaluate_good_faith(
        POLICY,
        many(90, platform=platform, when=start)
        + many(10, "rejected", platform=platform, when=start),
        AS_OF,
    )
    assert hundred.eligible
    assert (hundred.metrics.requests, hundred.metrics.takedown_success_rate.value) == (
        100,
        Decimal("0.9"),
    )
