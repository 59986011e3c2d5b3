"""engine.deadline() and engine.lifecycle(): the bundle's deadline policy through Engine."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from ipp_rules import Engine
from ipp_rules.errors import CalendarHorizonError, DeadlineError, LifecycleError
from tests.conftest import BUNDLE


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_china_worked_example(engine: Engine):
    deadline = engine.deadline(
        "taobao", "merchant_counter_notification", at("2026-09-18T10:00:00+08:00")
    )
    assert deadline.due == at("2026-09-23T00:00:00+08:00")
    assert deadline.last_day == date(2026, 9, 22)
    assert (deadline.business_days, deadline.calendar, deadline.timezone) == (
        3,
        "CN",
        "Asia/Shanghai",
    )
    assert deadline.source.startswith("IPR Protection Handbook")


def test_the_trigger_is_read_in_the_marketplace_timezone(engine: Engine):
    # 2026-09-17 17:00 UTC is already Friday 18 September in Shanghai.
    utc = engine.deadline("tmall", "rights_holder_response", at("2026-09-17T17:00:00+00:00"))
    assert utc.due == at("2026-09-23T00:00:00+08:00")


def test_lazada_uses_its_country_calendar_and_five_working_days(engine: Engine):
    deadline = engine.deadline(
        "lazada", "takedown_processing", at("2026-04-10T09:00:00+07:00"), country="TH"
    )
    assert deadline.timezone == "Asia/Bangkok"
    assert deadline.business_days == 5
    # Songkran: 13-15 April 2026 are public holidays in Thailand: 16, 17, 20, 21, 22.
    assert deadline.last_day == date(2026, 4, 22)


def test_a_naive_time_and_an_unknown_kind_are_input_errors(engine: Engine):
    with pytest.raises(DeadlineError):
        engine.deadline("taobao", "merchant_counter_notification", datetime(2026, 9, 18, 10))
    with pytest.raises(DeadlineError) as caught:
        engine.deadline("taobao", "merchant_reply", at("2026-09-18T10:00:00+08:00"))
    assert "merchant_counter_notification" in str(caught.value)


def test_past_the_published_horizon_the_bundled_rules_answer_with_an_estimate(engine: Engine):
    deadline = engine.deadline(
        "taobao", "merchant_counter_notification", at("2027-03-01T10:00:00+08:00")
    )
    assert deadline.estimate is True
    assert [(e.calendar, e.year) for e in deadline.estimates] == [("CN", 2027)]
    assert "State Council" in deadline.estimates[0].reason


def test_past_the_published_horizon_a_strict_bundle_refuses(tmp_path: Path):
    bundle = tmp_path / "bundle"
    shutil.copytree(BUNDLE, bundle)
    policy = bundle / "deadlines.yaml"
    text = policy.read_text(encoding="utf-8")
    assert "  allow_estimates: true\n" in text
    policy.write_text(
        text.replace("  allow_estimates: true\n", "  allow_estimates: false\n"), encoding="utf-8"
    )
    with Engine.from_path(bundle) as strict, pytest.raises(CalendarHorizonError) as caught:
        strict.deadline("taobao", "merchant_counter_notification", at("2027-03-01T10:00:00+08:00"))
    assert "allow_estimates: false" in str(caught.value)


def test_the_lifecycle_deems_a_silent_rights_holder_to_accept(engine: Engine):
    events = [
        {"kind": "submitted", "at": "2026-09-14T09:00:00+08:00"},
        {"kind": "taken_down", "at": "2026-09-15T09:00:00+08:00"},
        {"kind": "counter_notified", "at": "2026-09-18T10:00:00+08:00"},
    ]
    waiting = engine.lifecycle(events, "taobao", now=at("2026-09-22T12:00:00+08:00"))
    assert waiting.state == "counter_notified"
    assert waiting.next is not None and waiting.next.due == at("2026-09-23T00:00:00+08:00")
    later = engine.lifecycle(events, "taobao", now=at("2026-09-23T00:00:00+08:00"))
    assert later.state == "reinstated" and later.listing == "reinstated"
    assert [f.code for f in later.deemed] == ["COUNTER_NOTIFICATION_DEEMED_ACCEPTED"]


def test_an_impossible_sequence_is_an_error(engine: Engine):
    events = [
        {"kind": "submitted", "at": "2026-09-14T09:00:00+08:00"},
        {"kind": "rights_holder_disputed", "at": "2026-09-15T09:00:00+08:00"},
    ]
    with pytest.raises(LifecycleError) as caught:
        engine.lifecycle(events, "taobao")
    assert caught.value.index == 1


def test_the_deadline_policy_is_part_of_the_bundle_identity(tmp_path: Path):
    root = tmp_path / "bundle"
    shutil.copytree(BUNDLE, root)
    before = Engine.from_path(root, backend="reference").bundle.identity.sha256
    policy = root / "deadlines.yaml"
    policy.write_text(
        policy.read_text().replace("default: {business_days: 3}", "default: {business_days: 4}", 1)
    )
    with Engine.from_path(root, backend="reference") as engine:
        assert engine.bundle.identity.sha256 != before
        deadline = engine.deadline(
            "taobao", "merchant_counter_notification", at("2026-09-18T10:00:00+08:00")
        )
        assert deadline.due == at("2026-09-24T00:00:00+08:00")
