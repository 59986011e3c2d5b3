"""Policies, instants and case events the deadline tests share."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipp_rules.deadlines import (
    CaseState,
    DeadlinePolicy,
    compute_deadline,
    deadline_function,
    load_deadline_policy,
    replay,
)
from ipp_rules.errors import LifecycleError, RulesetError

CST = timezone(timedelta(hours=8))
WIB = timezone(timedelta(hours=7))


MINIMAL = """\
semantics:
  non_business_trigger: count_from_next_day
  ends: end_of_day
calendars:
  first_year: 2024
  last_year: 2027
  allow_estimates: false
  overrides: {}
deadlines:
  merchant_counter_notification:
    title: merchant window
    source: Handbook 1 A
    default: {business_days: 3}
  rights_holder_response:
    title: response window
    source: Handbook 2 B 3
    default: {business_days: 3}
  account_verification:
    title: verification
    source: Handbook 2 A Step 4
    default: {business_days: 3}
  takedown_processing:
    title: processing
    source: Handbook 3 A
    default: {business_hours: 24}
    marketplaces:
      lazada: {business_days: 5, source: Handbook 3 B}
"""


def minimal() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MINIMAL)
    return data


def policy_from(data: dict[str, Any]) -> DeadlinePolicy:
    return DeadlinePolicy.model_validate(data)


def with_semantics(**semantics: Any) -> DeadlinePolicy:
    data = minimal()
    data["semantics"] = {**data["semantics"], **semantics}
    return policy_from(data)


def cn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def due_of(policy: DeadlinePolicy, received: datetime, platform: str = "taobao", **kw: Any) -> str:
    kind = kw.pop("kind", "merchant_counter_notification")
    return compute_deadline(policy, platform, kind, received, **kw).due.isoformat()


NOTICE_2027 = {
    "source": "notice entered for the test",
    "days_off": {
        "2027-01-01": "New Year's Day",
        "2027-01-04": "New Year holiday (moved)",
    },
    "working_days": {"2027-01-09": "make-up working day"},
}


def load_text(tmp_path: Path, text: str) -> DeadlinePolicy:
    file = tmp_path / "deadlines.yaml"
    file.write_text(text, encoding="utf-8")
    return load_deadline_policy(tmp_path)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RulesetError) as caught:
        load_text(tmp_path, text)
    return [str(problem).removeprefix(str(tmp_path) + "/") for problem in caught.value.problems]


# ---------------------------------------------------------------------------------------------
# A Taobao case
# Submitted Mon 2026-09-14, taken down Tue 09-15 (the merchant's 3 business days are Sep 16, 17, 18:
# due 09-19T00:00), counter-notified Fri 09-18 (the rights holder's 3 business days are the
# make-up Sunday Sep 20, Sep 21, 22: due 09-23T00:00).
SUBMITTED = "2026-09-14T09:00:00+08:00"
TAKEN_DOWN = "2026-09-15T10:00:00+08:00"
MERCHANT_DUE = "2026-09-19T00:00:00+08:00"
COUNTER = "2026-09-18T10:00:00+08:00"
RESPONSE_DUE = "2026-09-23T00:00:00+08:00"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def ev(kind: str, when: str, outcome: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"kind": kind, "at": when}
    if outcome is not None:
        event["outcome"] = outcome
    return event


def run(policy: DeadlinePolicy, *events: dict[str, Any], now: str | None = None) -> CaseState:
    return replay(
        events,
        deadlines=deadline_function(policy, "taobao"),
        now=None if now is None else at(now),
    )


def fails(
    policy: DeadlinePolicy, *events: dict[str, Any], now: str | None = None
) -> LifecycleError:
    with pytest.raises(LifecycleError) as caught:
        run(policy, *events, now=now)
    return caught.value


TO_COUNTER = (
    ev("submitted", SUBMITTED),
    ev("taken_down", TAKEN_DOWN),
    ev("counter_notified", COUNTER),
)
