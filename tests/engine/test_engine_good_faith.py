"""engine.good_faith(): the bundle's Good Faith policy over a history given as documents."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ipp_rules import Engine, RulesetError
from ipp_rules.goodfaith import HistoryError, MembershipEvent
from tests.conftest import BUNDLE


def history(taken_down: int, rejected: int, reinstated: int = 0) -> list[dict[str, Any]]:
    records = []
    for i in range(taken_down + rejected):
        records.append(
            {
                "submitted_at": f"2026-04-{1 + i % 28:02d}T10:00:00+08:00",
                "platform": "taobao",
                "reason": "counterfeit",
                "outcome": "taken_down" if i < taken_down else "rejected",
                "counter_notification": "succeeded" if i < reinstated else "none",
                "false_information": False,
            }
        )
    return records


def test_an_eligible_history_of_documents(engine: Engine):
    result = engine.good_faith(history(95, 5, reinstated=4), date(2026, 5, 1))
    assert result.eligible is True
    assert result.findings == ()
    assert result.metrics.requests == 100
    assert str(result.metrics.window_start.date()) == "2026-02-01"


def test_an_ineligible_history_says_why(engine: Engine):
    result = engine.good_faith(history(80, 19), date(2026, 5, 1))
    assert result.eligible is False
    assert {f.code for f in result.findings} >= {
        "GOOD_FAITH_TOO_FEW_REQUESTS",
        "GOOD_FAITH_SUCCESS_RATE_LOW",
    }
    assert all(f.category == "good_faith" for f in result.findings)


def test_only_the_tao_marketplaces(engine: Engine):
    result = engine.good_faith(history(100, 0), date(2026, 5, 1), platform="aliexpress")
    assert result.eligible is False
    assert "GOOD_FAITH_NOT_TAO" in {f.code for f in result.findings}


def test_false_information_on_another_marketplace_of_the_account_bars_it(engine: Engine):
    # The IPP account files on every marketplace; its whole reporting history must show no
    # false information, not only its requests on the Tao marketplaces.
    records = history(150, 0)
    records.append(
        {
            "submitted_at": "2025-11-20T10:00:00+08:00",
            "platform": "aliexpress",
            "reason": "counterfeit",
            "outcome": "rejected",
            "false_information": True,
        }
    )
    result = engine.good_faith(records, date(2026, 5, 1))
    assert result.eligible is False
    assert [(f.code, f.path) for f in result.findings] == [
        ("GOOD_FAITH_FALSE_INFORMATION", "history[150]")
    ]
    assert result.findings[0].message.startswith(
        "history[150], submitted 2025-11-20 10:00 (Asia/Shanghai) on aliexpress, was found to "
        "contain deliberately false information"
    )
    assert result.metrics.false_information == 1
    assert result.metrics.requests == 150


def test_a_removed_member_waits_three_months(engine: Engine):
    removed = [MembershipEvent(event="removed", on=date(2026, 3, 15))]
    result = engine.good_faith(history(100, 0), date(2026, 5, 1), membership=removed)
    assert "GOOD_FAITH_REJOIN_WAIT" in {f.code for f in result.findings}


def test_a_bad_record_names_its_place(engine: Engine):
    records = history(2, 0)
    records[1]["outcome"] = "taken down"
    with pytest.raises(HistoryError) as caught:
        engine.good_faith(records, date(2026, 5, 1))
    assert "history[1].outcome" in str(caught.value)


def test_a_bundle_without_a_good_faith_policy(tmp_path: Path):
    root = tmp_path / "bundle"
    shutil.copytree(BUNDLE, root)
    manifest = root / "bundle.yaml"
    manifest.write_text(manifest.read_text().replace("good_faith: good_faith.yaml\n", ""))
    with Engine.from_path(root, backend="reference") as engine, pytest.raises(RulesetError):
        engine.good_faith([], date(2026, 5, 1))


def test_the_policy_is_part_of_the_bundle_identity(tmp_path: Path):
    root = tmp_path / "bundle"
    shutil.copytree(BUNDLE, root)
    before = Engine.from_path(root, backend="reference").bundle.identity.sha256
    policy = root / "good_faith.yaml"
    policy.write_text(policy.read_text().replace("{min: 90%}", "{min: 95%}"))
    assert Engine.from_path(root, backend="reference").bundle.identity.sha256 != before
