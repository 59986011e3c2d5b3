"""Good Faith Program eligibility: worked examples at every boundary, the policy loader, and
hypothesis properties of the metrics."""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any, get_args
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from ipp_rules.errors import RulesetError, UnknownMarketplaceError
from ipp_rules.goodfaith import (
    MARKETPLACES,
    Eligibility,
    FalseInformationRule,
    GoodFaithError,
    GoodFaithPolicy,
    HistoryError,
    HistoryRecord,
    MembershipEvent,
    as_row,
    evaluate_good_faith,
    evaluate_good_faith_records,
    format_percent,
    history_records,
    load_good_faith_policy,
    record_problems,
)
from ipp_rules.policies import ENTRY_POINT_GROUP, reset_registry
from ipp_rules.policies import registry as registry_module
from tests.conftest import BUNDLE

POLICY = load_good_faith_policy(BUNDLE)
SH = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 5, 31)  # window [2026-02-28 00:00, 2026-05-31 00:00) China time
INSIDE = datetime(2026, 4, 1, 12, 0, tzinfo=SH)


def rec(
    when: datetime = INSIDE,
    outcome: str = "taken_down",
    counter: str = "none",
    *,
    reason: str = "counterfeit",
    platform: str = "taobao",
    false_information: bool = False,
) -> HistoryRecord:
    return HistoryRecord(
        submitted_at=when,
        platform=platform,
        reason=reason,
        outcome=outcome,
        counter_notification=counter,
        false_information=false_information,
    )


def many(count: int, *args: Any, **kwargs: Any) -> list[HistoryRecord]:
    """``count`` records an hour apart from ``when`` (default: inside the 2026 window)."""
    when = kwargs.pop("when", INSIDE)
    return [rec(when + timedelta(hours=i), *args, **kwargs) for i in range(count)]


def codes(result: Eligibility) -> list[str]:
    return [finding.code for finding in result.findings]


def evaluate(history: list[HistoryRecord], as_of: Any = AS_OF, **kwargs: Any) -> Eligibility:
    """Both entry points, which must agree; the model path's answer."""
    result = evaluate_good_faith(POLICY, history, as_of, **kwargs)
    fast = evaluate_good_faith_records(POLICY, [as_row(r) for r in history], as_of, **kwargs)
    assert fast == result
    return result


# ---------------------------------------------------------------------------------------------
# The bundled policy


def test_the_bundled_policy_has_the_three_periods_in_order():
    periods = POLICY.periods
    assert [(p.effective_from, p.effective_until) for p in periods] == [
        (date(2015, 4, 1), date(2018, 4, 15)),
        (date(2018, 4, 15), date(2022, 4, 15)),
        (date(2022, 4, 15), None),
    ]
    assert [p.window_months for p in periods] == [1, 3, 3]
    assert [p.min_requests for p in periods] == [0, 100, 100]
    assert [p.per_reason_code for p in periods] == [False, False, True]
    assert [p.rejoin_wait_months for p in periods] == [6, 3, 3]
    counter = [p.thresholds["counter_notification_success_rate"] for p in periods]
    assert [(t.bound, t.value) for t in counter] == [
        ("max", Fraction(3, 200)),
        ("max", Fraction(1, 20)),
        ("max", Fraction(1, 20)),
    ]
    success = [p.thresholds["takedown_success_rate"] for p in periods]
    assert {(t.bound, t.value) for t in success} == {("min", Fraction(9, 10))}
    assert all(p.marketplaces == ("taobao", "tmall", "tmall_global") for p in periods)
    assert all(p.source for p in periods)


def test_good_faith_names_do_not_reuse_the_rules_or_deadline_names():
    # A request's outcome is not a rule's OutcomeName; a program period is not a deadline Period.
    import ipp_rules.goodfaith as goodfaith

    assert isinstance(POLICY.period_on(AS_OF), goodfaith.ProgramPeriod)
    assert get_args(goodfaith.RequestOutcome) == goodfaith.OUTCOMES
    assert get_args(goodfaith.CounterNotificationState) == goodfaith.COUNTER_NOTIFICATIONS
    assert not {"Period", "OutcomeName", "CounterNotificationName"} & set(dir(goodfaith))
    schema = GoodFaithPolicy.model_json_schema()
    assert "ProgramPeriod" in schema["$defs"] and "Period" not in schema["$defs"]


def test_the_policy_serialises_thresholds_as_exact_percentages():
    dumped = POLICY.model_dump(mode="json")
    assert dumped["periods"][0]["thresholds"]["counter_notification_success_rate"] == {
        "min": None,
        "max": "1.5%",
    }
    assert GoodFaithPolicy.model_validate(POLICY.model_dump()) == POLICY
    schema = GoodFaithPolicy.model_json_schema()
    assert "periods" in schema["properties"]


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


def test_rates_are_numbers_and_percentages():
    # The rate was a string ("0.857143") beside a threshold written "90%".
    result = evaluate(many(6) + many(1, "rejected") + many(1, "taken_down", "succeeded"))
    rate = result.metrics.takedown_success_rate
    assert (rate.value, rate.percent) == (Decimal("0.875"), "87.5%")
    counter = result.metrics.counter_notification_success_rate
    assert (counter.value, counter.percent) == (Decimal("0.142857"), "about 14.29%")
    assert (counter.threshold, counter.threshold_percent) == (Decimal("0.05"), "5%")
    dumped = json.loads(result.model_dump_json())["metrics"]["rates"]
    assert dumped["counter_notification_success_rate"] == {
        "numerator": 1,
        "denominator": 7,
        "value": 0.142857,
        "percent": "about 14.29%",
        "bound": "max",
        "threshold": 0.05,
        "threshold_percent": "5%",
        "met": False,
    }
    assert Eligibility.model_validate_json(result.model_dump_json()) == result
    old = evaluate(many(10, when=datetime(2017, 5, 2, tzinfo=SH)), date(2017, 6, 1))
    assert old.metrics.counter_notification_success_rate.threshold == Decimal("0.015")


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


def test_there_is_no_policy_before_the_2015_launch():
    with pytest.raises(GoodFaithError, match="2015-04-01"):
        evaluate_good_faith(POLICY, [], date(2015, 3, 31))


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


def test_a_record_at_the_window_start_counts_and_one_at_as_of_does_not():
    start = datetime(2026, 2, 28, tzinfo=SH)
    end = datetime(2026, 5, 31, tzinfo=SH)
    history = [*many(100), rec(start, "rejected"), rec(end, "rejected")]
    history.append(rec(start - timedelta(microseconds=1), "rejected"))
    history.append(rec(end - timedelta(microseconds=1), "pending"))
    result = evaluate(history)
    assert result.metrics.requests == 102
    assert result.metrics.takedown_success_rate.denominator == 101


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


PLUGIN = Path(__file__).parent / "policies" / "plugin"


@pytest.fixture
def examplemart(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test plugin's marketplace in the registry, loaded from its entry point as an
    installed plugin would be (tests/policies/test_plugin.py installs it for real)."""
    monkeypatch.syspath_prepend(str(PLUGIN))
    plugin = EntryPoint("examplemart", "ipp_example_market:ExampleMartPolicy", ENTRY_POINT_GROUP)
    monkeypatch.setattr(
        registry_module,
        "entry_points",
        lambda *, group: (plugin,) if group == ENTRY_POINT_GROUP else (),
    )
    reset_registry()
    yield "examplemart"
    reset_registry()


def test_a_plugin_marketplace_is_a_marketplace_of_the_history(examplemart: str):
    # The history checked marketplaces against a closed enum: a marketplace the registry
    # accepts in a complaint was refused in a history.
    record = {
        "submitted_at": "2026-04-02T09:00:00+08:00",
        "platform": examplemart,
        "reason": "counterfeit",
        "outcome": "rejected",
    }
    documents = [
        *({**record, "platform": "taobao", "outcome": "taken_down"} for _ in range(150)),
        record,
        {**record, "false_information": True},
    ]
    records = history_records(documents)
    result = evaluate(records)
    assert codes(result) == ["GOOD_FAITH_FALSE_INFORMATION"]
    assert result.findings[0].message.startswith(
        "history[151], submitted 2026-04-02 09:00 (Asia/Shanghai) on examplemart, was found"
    )
    assert (result.metrics.requests, result.metrics.other_marketplace_requests) == (150, 2)
    assert codes(evaluate(records, platform=examplemart))[0] == "GOOD_FAITH_NOT_TAO"
    with pytest.raises(HistoryError) as caught:
        history_records([{**record, "platform": "examplemrt"}])
    [problem] = caught.value.problems
    assert problem.location == "history[0].platform"
    assert problem.message.endswith(", examplemart; did you mean 'examplemart'? (got 'examplemrt')")


def test_a_plugin_marketplace_in_a_history_file(examplemart: str, tmp_path: Path):
    from tests.cli.test_good_faith import HEADER, call

    history = tmp_path / "history.csv"
    row = "2026-04-01T10:00:00+08:00,{},counterfeit,taken_down,none,{}\n"
    history.write_text(
        HEADER + row.format("taobao", "false") * 100 + row.format(examplemart, "true")
    )
    status, out, err = call(str(history), "--as-of", "2026-05-31")
    assert (status, err) == (1, "")
    assert f"GOOD_FAITH_FALSE_INFORMATION: {history}:102, submitted 2026-04-01 10:00 " in out
    assert "(Asia/Shanghai) on examplemart" in out


def test_a_plugin_marketplace_can_be_a_program_marketplace(examplemart: str, tmp_path: Path):
    text = (
        (BUNDLE / "good_faith.yaml")
        .read_text()
        .replace("[taobao, tmall, tmall_global]", "[examplemart]")
    )
    (tmp_path / "good_faith.yaml").write_text(text)
    policy = load_good_faith_policy(tmp_path)
    assert policy.timezone == "Asia/Singapore"
    assert policy.periods[-1].marketplaces == (examplemart,)


def test_a_program_marketplace_the_registry_does_not_know_is_located(tmp_path: Path):
    path = _policy_file(tmp_path, ("[taobao, tmall, tmall_global]", "[taobao, tmal]"))
    line = _line_of(path, "[taobao, tmal]")
    [(location, message)] = _load_problems(path)
    assert location.endswith(f"good_faith.yaml:{line}:28")
    assert message == (
        "expected one of taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com, lazada; "
        "did you mean 'tmall'? (got 'tmal')"
    )


def test_deliberately_false_information_anywhere_in_the_history_bars_the_account():
    old = rec(datetime(2024, 1, 5, tzinfo=SH), "rejected", false_information=True)
    result = evaluate([*many(100), old])
    assert codes(result) == ["GOOD_FAITH_FALSE_INFORMATION"]
    assert result.metrics.false_information == 1
    assert "1 takedown request in the reporting history" in result.findings[0].message
    future = rec(datetime(2026, 6, 5, tzinfo=SH), false_information=True)
    assert evaluate([*many(100), future]).eligible


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


def test_a_row_time_no_date_holds_is_shown_as_posix_seconds():
    rows = [
        *(as_row(r) for r in many(150)),
        (-1e20, "aliexpress", "counterfeit", "rejected", "none", True),
    ]
    result = evaluate_good_faith_records(POLICY, rows, AS_OF)
    assert result.findings[0].path == "history[150]"
    assert result.findings[0].message.startswith(
        "history[150], submitted at -1e+20 POSIX seconds on aliexpress,"
    )


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
# Bad records


def test_a_record_is_validated_when_built():
    with pytest.raises(ValueError, match="timezone"):
        rec(datetime(2026, 4, 1))
    with pytest.raises(ValueError, match="no listing to counter-notify"):
        rec(outcome="rejected", counter="succeeded")
    with pytest.raises(ValueError, match="reason code"):
        rec(reason=" ")
    stored = rec(datetime(2026, 4, 1, 8, tzinfo=SH))
    assert stored.submitted_at == datetime(2026, 4, 1, 0, tzinfo=UTC)


def test_history_records_reports_every_bad_record_by_index():
    good = {"submitted_at": "2026-04-01T10:00:00+08:00", "platform": "taobao", "reason": "x"}
    with pytest.raises(HistoryError) as caught:
        history_records(
            [
                {**good, "outcome": "taken_down"},
                {**good, "outcome": "taken_dwn"},
                {**good, "outcome": "pending", "counter_notification": "failed"},
            ]
        )
    locations = [p.location for p in caught.value.problems]
    assert locations == ["history[1].outcome", "history[2].counter_notification"]


GOOD_VALUES: dict[str, Any] = {
    "submitted_at": INSIDE,
    "platform": "taobao",
    "reason": "counterfeit",
    "outcome": "taken_down",
    "counter_notification": "none",
    "false_information": False,
}
BAD_VALUES: list[dict[str, Any]] = [
    {},
    {"outcome": "taken_dwn"},
    {"outcome": "pending", "counter_notification": "failed"},
    {"platform": "ebay", "false_information": 1},
    {"reason": " counterfeit"},
]
BAD_PROBLEMS = [
    (
        "history[1].outcome",
        "expected one of taken_down, rejected, withdrawn, pending; did you mean 'taken_down'? "
        "(got 'taken_dwn')",
    ),
    (
        "history[2].counter_notification",
        "a request that was pending has no listing to counter-notify: counter_notification "
        "must be none (got 'failed')",
    ),
    (
        "history[3].platform",
        "expected one of taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com, lazada "
        "(got 'ebay')",
    ),
    ("history[3].false_information", "expected true or false (got 1)"),
    (
        "history[4].reason",
        "expected a reason code without leading or trailing spaces (got ' counterfeit')",
    ),
]


def _problems_of(call: Any) -> list[tuple[str, str]]:
    with pytest.raises(HistoryError) as caught:
        call()
    assert {p.code for p in caught.value.problems} == {"history_record"}
    return [(p.location, p.message) for p in caught.value.problems]


def test_every_entry_point_reports_a_bad_record_in_the_same_words_at_the_same_place():
    # Mappings were checked by the model (pydantic's words, the counter-notification problem at
    # the record), tuples and models by other checks: one history, three reports.
    entries = [{**GOOD_VALUES, **bad} for bad in BAD_VALUES]
    documents = [{**e, "submitted_at": e["submitted_at"].isoformat()} for e in entries]
    rows = [(e["submitted_at"].timestamp(), *list(e.values())[1:]) for e in entries]
    models = [HistoryRecord.model_construct(**e) for e in entries]
    assert _problems_of(lambda: history_records(documents)) == BAD_PROBLEMS
    assert _problems_of(lambda: evaluate_good_faith_records(POLICY, rows, AS_OF)) == BAD_PROBLEMS
    assert _problems_of(lambda: evaluate_good_faith(POLICY, models, AS_OF)) == BAD_PROBLEMS
    for entry, bad in zip(entries, BAD_VALUES, strict=True):
        values = list(entry.values())[1:]
        assert [field for field, _ in record_problems(*values)] == sorted(
            set(bad) - ({"outcome"} if "counter_notification" in bad else set()),
            key=list(GOOD_VALUES).index,
        )


def test_both_entry_points_count_in_the_one_pass(monkeypatch: pytest.MonkeyPatch):
    from ipp_rules.goodfaith import counting, deciding

    calls: list[type] = []

    def spy(entries: Any, start: Any, end: Any, look_back: frozenset[int]) -> Any:
        calls.append(type(start))
        return counting.tally_history(entries, start, end, look_back)

    monkeypatch.setattr(deciding, "tally_history", spy)
    history = [*many(100), rec(outcome="rejected", false_information=True)]
    evaluate(history)  # both entry points, which must agree
    assert calls == [datetime, float]


def test_bad_rows_are_located_in_a_sequence():
    row = as_row(rec())
    rows = [row, (*row[:3], "taken_dwn", "none", False), (math.nan, *row[1:]), row]
    with pytest.raises(HistoryError) as caught:
        evaluate_good_faith_records(POLICY, rows, AS_OF)
    problems = [(p.location, p.message) for p in caught.value.problems]
    assert problems[0][0] == "history[1].outcome"
    assert "did you mean 'taken_down'?" in problems[0][1]
    assert problems[1][0] == "history[2].submitted_at"


def test_bad_rows_in_an_iterator_are_still_reported():
    row = as_row(rec())
    with pytest.raises(HistoryError) as caught:
        evaluate_good_faith_records(POLICY, iter([row, (*row[:1], "ebay", *row[2:])]), AS_OF)
    assert caught.value.problems[0].location == "history[*].platform"
    with pytest.raises(HistoryError):
        evaluate_good_faith_records(POLICY, [("2026-04-01", *row[1:])], AS_OF)
    with pytest.raises(HistoryError) as caught:
        evaluate_good_faith(POLICY, [rec(), "not a record"], AS_OF)  # type: ignore[list-item]
    assert caught.value.problems[0].location == "history[1]"


def test_format_percent_is_exact_or_says_about():
    assert format_percent(Fraction(9, 10)) == "90%"
    assert format_percent(Fraction(501, 10000)) == "5.01%"
    assert format_percent(Fraction(3, 200)) == "1.5%"
    assert format_percent(Fraction(1, 3)) == "about 33.33%"
    assert format_percent(Fraction(0)) == "0%"
    assert format_percent(Fraction(1)) == "100%"


# ---------------------------------------------------------------------------------------------
# Loading the policy: every error located


def _policy_file(tmp_path: Path, edit: tuple[str, str], count: int = 1) -> Path:
    text = (BUNDLE / "good_faith.yaml").read_text()
    assert edit[0] in text
    target = tmp_path / "good_faith.yaml"
    target.write_text(text.replace(edit[0], edit[1], count))
    return target


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _load_problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(RulesetError) as caught:
        load_good_faith_policy(path.parent)
    return [(p.location, p.message) for p in caught.value.problems]


def test_a_misspelt_key_is_located_with_a_suggestion(tmp_path: Path):
    path = _policy_file(tmp_path, ("    window_months: 3\n", "    windw_months: 3\n"))
    line = _line_of(path, "windw_months")
    problems = _load_problems(path)
    assert (
        f"good_faith.yaml:{line}:5",
        "unknown key 'windw_months'; did you mean 'window_months'? (allowed here: name, "
        "effective_from, effective_until, source, marketplaces, window_months, min_requests, "
        "thresholds, per_reason_code, false_information, rejoin_wait_months)",
    ) in [(loc.rsplit("/", 1)[-1], msg) for loc, msg in problems]


def test_a_threshold_written_as_a_whole_percentage_without_percent_sign(tmp_path: Path):
    path = _policy_file(tmp_path, ("{max: 5%}", "{max: 5}"))
    line = _line_of(path, "{max: 5}")
    column = path.read_text().splitlines()[line - 1].index("5}") + 1
    [(location, message)] = _load_problems(path)
    assert location.endswith(f"good_faith.yaml:{line}:{column}")
    assert message == "5 is more than 1: write a percentage with % (like 5%) or a share like 0.90"


def test_a_decimal_threshold_is_read_exactly(tmp_path: Path):
    path = _policy_file(tmp_path, ("{min: 90%}", "{min: 0.90}"), count=3)
    policy = load_good_faith_policy(path)
    assert policy.periods[2].thresholds["takedown_success_rate"].value == Fraction(9, 10)


def test_yes_is_not_a_boolean(tmp_path: Path):
    path = _policy_file(tmp_path, ("per_reason_code: true", "per_reason_code: yes"))
    [(_, message)] = _load_problems(path)
    assert message == (
        "expected true or false, got 'yes'; "
        "write true or false (yes, no, on and off are not booleans here)"
    )


def test_cross_field_problems_are_located(tmp_path: Path):
    path = _policy_file(tmp_path, ("    denominator: ruled_on\n", "    denominator: ruled\n"))
    path.write_text(
        path.read_text()
        .replace("effective_from: 2018-04-15", "effective_from: 2018-04-16")
        .replace("counter_notification_success_rate: {max: 1.5%}", "counter_rate: {max: 1.5%}")
    )
    problems = _load_problems(path)
    lines = {
        "ruled": _line_of(path, "denominator: ruled"),
        "gap": _line_of(path, "effective_from: 2018-04-16"),
        "name": _line_of(path, "counter_rate:"),
    }
    assert [(loc.rsplit(":", 2)[-2], msg) for loc, msg in problems] == [
        (str(lines["ruled"]), "no record set named 'ruled'; did you mean 'ruled_on'?"),
        (
            str(lines["name"]),
            "no rate named 'counter_rate' (the rates: takedown_success_rate, "
            "counter_notification_success_rate)",
        ),
        (
            str(lines["gap"]),
            "periods must follow each other without gap or overlap, in date order: this one "
            "must start on 2018-04-15 (where the previous one ends), not 2018-04-16",
        ),
    ]


def test_a_numerator_must_be_inside_its_denominator(tmp_path: Path):
    path = _policy_file(
        tmp_path,
        (
            "    numerator: taken_down\n    denominator: ruled_on\n",
            "    numerator: taken_down\n    denominator: reinstated_on_counter_notification\n",
        ),
    )
    [(_, message)] = _load_problems(path)
    assert message.startswith(
        "every request counted in the numerator must be counted in the denominator too; "
        "'taken_down' also counts: taken_down with counter_notification failed"
    )


def test_a_policy_built_in_python_raises_on_cross_field_problems():
    data = POLICY.model_dump()
    data["periods"][1]["effective_from"] = date(2018, 4, 16)
    with pytest.raises(ValueError, match=r"periods\.1\.effective_from: periods must follow"):
        GoodFaithPolicy.model_validate(data)


def test_a_missing_file_is_a_ruleset_error(tmp_path: Path):
    with pytest.raises(RulesetError, match="cannot read file"):
        load_good_faith_policy(tmp_path)


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


@pytest.mark.parametrize("history", [None, 5, {"a": 1}, "history.csv"])
def test_a_history_that_is_not_a_list_of_records_is_refused(history: Any):
    # None and 5 raised TypeError; a mapping or a string was read item by item.
    with pytest.raises(HistoryError, match="expected a list of records") as caught:
        history_records(history)
    assert [p.location for p in caught.value.problems] == ["history"]


def test_a_time_at_the_edge_of_the_datetime_range_is_a_located_problem():
    # Converting it to UTC overflowed: OverflowError.
    good = {"platform": "taobao", "reason": "counterfeit", "outcome": "taken_down"}
    with pytest.raises(HistoryError) as caught:
        history_records([{**good, "submitted_at": "0001-01-01T00:00:00+14:00"}])
    [problem] = caught.value.problems
    assert problem.location == "history[0].submitted_at"
    assert problem.message == (
        "expected a time from 1900-01-01 to 2999-12-31 in UTC, got 0001-01-01T00:00:00+14:00"
    )


@pytest.mark.parametrize("timestamp", [1789000000, "1789000000", 1789000000.5])
def test_a_unix_timestamp_is_not_a_submission_time(timestamp: object) -> None:
    good = {"platform": "taobao", "reason": "counterfeit", "outcome": "taken_down"}
    with pytest.raises(HistoryError) as caught:
        history_records([{**good, "submitted_at": timestamp}])
    [problem] = caught.value.problems
    assert problem.location == "history[0].submitted_at"
    assert problem.message.startswith("expected an ISO-8601 date and time with a UTC offset")


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


def test_a_rejoin_day_past_the_last_date_is_a_good_faith_error():
    # Adding the wait to the removal raised ValueError: year 10000 is out of range.
    removed = MembershipEvent(event="removed", on=date(9999, 12, 30))
    with pytest.raises(GoodFaithError, match=r"may rejoin .* is past 9999-12-31"):
        evaluate_good_faith(POLICY, [], date(9999, 12, 31), membership=[removed])
