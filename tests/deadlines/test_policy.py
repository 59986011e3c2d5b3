"""The deadline policy (``ipp_rules.deadlines.policy``): the file and its loader, which period and
settings apply to a marketplace and country, the shipped file, and the cache of resolved
deadlines."""

from __future__ import annotations

import copy
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from ipp_rules.deadlines import (
    DEADLINE_KINDS,
    DeadlinePolicy,
    DefaultSemantics,
    compute_deadline,
    compute_due,
    load_deadline_policy,
)
from ipp_rules.errors import DeadlineError, RulesetError
from tests.conftest import REPO
from tests.deadlines.examples import (
    MINIMAL,
    cn,
    due_of,
    load_text,
    minimal,
    policy_from,
    problems,
    with_semantics,
)

# ---------------------------------------------------------------------------------------------
# Which period, with which settings


def test_a_cutoff_end_from_the_file_defaults() -> None:
    policy = with_semantics(ends="cutoff", cutoff="18:00")
    deadline = compute_deadline(
        policy, "taobao", "merchant_counter_notification", cn("2026-09-18T10:00:00")
    )
    assert deadline.due.isoformat() == "2026-09-22T18:00:00+08:00"
    assert deadline.last_day == date(2026, 9, 22)
    assert deadline.semantics.model_dump(mode="json") == {
        "non_business_trigger": "count_from_next_day",
        "ends": "cutoff",
        "cutoff": "18:00",
    }


def test_a_period_with_its_own_settings_overrides_the_file() -> None:
    data = minimal()
    data["deadlines"]["rights_holder_response"]["default"] = {
        "business_days": 2,
        "ends": "cutoff",
        "cutoff": "17:30",
        "non_business_trigger": "deemed_received_next_business_day",
    }
    policy = policy_from(data)
    # Sunday Feb 15 (holiday) deemed received Tue Feb 24; Feb 25, 26; ends 17:30 on Feb 26.
    deadline = compute_deadline(policy, "1688", "rights_holder_response", cn("2026-02-15T09:00:00"))
    assert deadline.due.isoformat() == "2026-02-26T17:30:00+08:00"
    assert deadline.business_days == 2
    # The other kinds keep the file's settings.
    assert due_of(policy, cn("2026-02-15T09:00:00"), "1688") == "2026-02-27T00:00:00+08:00"


def test_a_period_may_return_to_end_of_day_under_a_cutoff_default() -> None:
    data = minimal()
    data["semantics"] = {"ends": "cutoff", "cutoff": "18:00"}
    data["deadlines"]["account_verification"]["default"] = {
        "business_days": 3,
        "ends": "end_of_day",
    }
    policy = policy_from(data)
    received = cn("2026-09-18T10:00:00")
    assert due_of(policy, received, kind="account_verification") == "2026-09-23T00:00:00+08:00"
    assert due_of(policy, received) == "2026-09-22T18:00:00+08:00"


def test_marketplace_and_country_periods_with_their_sources() -> None:
    data = minimal()
    data["deadlines"]["merchant_counter_notification"]["marketplaces"] = {
        "alibaba_com": {"business_days": 5, "source": "Alibaba.com rule"},
        "lazada": {
            "business_days": 4,
            "countries": {"VN": {"business_days": 2, "ends": "cutoff", "cutoff": "17:00"}},
        },
    }
    policy = policy_from(data)
    received = cn("2026-09-18T10:00:00")
    com = compute_deadline(policy, "alibaba_com", "merchant_counter_notification", received)
    assert (com.business_days, com.source) == (5, "Alibaba.com rule")
    assert com.due.isoformat() == "2026-09-25T00:00:00+08:00"
    tao = compute_deadline(policy, "taobao", "merchant_counter_notification", received)
    assert (tao.business_days, tao.source) == (3, "Handbook 1 A")
    vn = compute_deadline(policy, "lazada", "merchant_counter_notification", received, "VN")
    assert vn.due.isoformat() == "2026-09-22T17:00:00+07:00"
    assert vn.source == "Handbook 1 A"
    sg = compute_deadline(policy, "lazada", "merchant_counter_notification", received, "SG")
    assert sg.business_days == 4
    assert sg.due.isoformat() == "2026-09-25T00:00:00+08:00"


def test_an_unknown_kind_lists_the_known_ones(shipped: DeadlinePolicy) -> None:
    with pytest.raises(DeadlineError) as caught:
        compute_deadline(shipped, "taobao", "merchant_counter_notice", cn("2026-09-18"))
    (problem,) = caught.value.problems
    assert problem.location == "kind"
    assert "did you mean 'merchant_counter_notification'?" in problem.message
    for kind in DEADLINE_KINDS:
        assert kind in problem.message


# ---------------------------------------------------------------------------------------------
# The shipped file, and resolving once


def test_the_shipped_policy(shipped: DeadlinePolicy) -> None:
    assert load_deadline_policy(REPO / "rulesets" / "deadlines.yaml") == shipped
    assert shipped.calendars.allow_estimates is True
    assert shipped.calendars.indonesia_collective_leave is False
    assert shipped.semantics.non_business_trigger == "count_from_next_day"
    assert shipped.semantics.ends == "end_of_day"
    assert [shipped.rule(kind).default.business_days for kind in DEADLINE_KINDS] == [
        3,
        3,
        3,
        None,
    ]
    assert shipped.rule("takedown_processing").default.business_hours == 24
    shipped.warm_up()
    schema = DeadlinePolicy.model_json_schema()
    assert set(schema["properties"]) == {"semantics", "calendars", "deadlines"}


def test_concurrent_first_use_gives_one_answer() -> None:
    policy = with_semantics()
    received = [datetime(2026, 5, 1, tzinfo=UTC) + timedelta(hours=7 * i) for i in range(200)]
    expected = [
        compute_due(with_semantics(), "lazada", "takedown_processing", r, "VN") for r in received
    ]
    results: list[list[object]] = []
    barrier = threading.Barrier(6)

    def work() -> None:
        barrier.wait()
        results.append(
            [compute_due(policy, "lazada", "takedown_processing", r, "VN") for r in received]
        )

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 6


def test_a_question_is_resolved_once_and_a_copy_starts_afresh(shipped: DeadlinePolicy) -> None:
    terms = shipped.terms("lazada", "takedown_processing", "TH")
    assert shipped.terms("lazada", "takedown_processing", "TH") is terms
    assert (terms.platform, terms.country, terms.calendar_name, terms.timezone) == (
        "lazada",
        "TH",
        "TH",
        "Asia/Bangkok",
    )
    assert (terms.business_days, terms.business_hours, terms.calendar_key) == (5, None, "TH")
    policy = with_semantics()
    received = cn("2026-09-18T10:00:00")
    assert due_of(policy, received) == "2026-09-23T00:00:00+08:00"
    cutoff = DefaultSemantics(ends="cutoff", cutoff="18:00")
    changed = policy.model_copy(update={"semantics": cutoff})
    assert due_of(changed, received) == "2026-09-22T18:00:00+08:00"
    assert due_of(policy, received) == "2026-09-23T00:00:00+08:00"
    again = copy.deepcopy(policy)
    assert again == policy
    kind = "merchant_counter_notification"
    assert again.terms("taobao", kind) is not policy.terms("taobao", kind)


# ---------------------------------------------------------------------------------------------
# Loading, with file:line:column


def test_the_minimal_file_loads(tmp_path: Path) -> None:
    policy = load_text(tmp_path, MINIMAL)
    assert policy == policy_from(minimal())


def test_an_unknown_key_with_a_suggestion(tmp_path: Path) -> None:
    text = MINIMAL.replace("  allow_estimates: false", "  allow_estimate: false")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:7:3: unknown key 'allow_estimate'; did you mean 'allow_estimates'? "
        "(allowed here: first_year, last_year, allow_estimates, indonesia_collective_leave, "
        "overrides)"
    ]


def test_an_unknown_deadline_kind(tmp_path: Path) -> None:
    text = MINIMAL.replace("  account_verification:", "  acount_verification:")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:10:3: missing required deadline kind 'account_verification': "
        "expected an object of fields",
        "deadlines.yaml:18:3: unknown deadline kind 'acount_verification'; did you mean "
        "'account_verification'? (allowed here: merchant_counter_notification, "
        "rights_holder_response, account_verification, takedown_processing)",
    ]


def test_years_values_and_file_shape(tmp_path: Path) -> None:
    text = MINIMAL.replace("first_year: 2024", "first_year: 2030")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:5:3: first_year 2030 is after last_year 2027"
    ]
    text = MINIMAL.replace("allow_estimates: false", "allow_estimates: no")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:7:20: expected true or false, got 'no'; "
        "write true or false (yes, no, on and off are not booleans here)"
    ]
    assert problems(tmp_path, "- a list\n") == [
        "deadlines.yaml:1:1: expected a mapping of keys to values at the top of the file"
    ]
    with pytest.raises(RulesetError, match="cannot read file"):
        load_deadline_policy(tmp_path / "missing")
