"""The values of the file (``ipp_rules.deadlines.values``): marketplace, country and calendar
names checked against the registry with a suggestion, dates and reasons; in a file and in a
policy built in Python."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.deadlines.examples import MINIMAL, minimal, policy_from, problems


def test_an_unknown_marketplace(tmp_path: Path) -> None:
    text = MINIMAL.replace("      lazada: {", "      lazadda: {")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:27:7: unknown marketplace 'lazadda' (did you mean 'lazada'?); known: "
        "taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com, lazada"
    ]


def test_unknown_calendars_and_bad_dates_in_overrides(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "  overrides: {}\n",
        "  overrides:\n"
        "    CNN:\n"
        "      closures: {2026-10-09: maintenance}\n"
        "    MY:\n"
        "      closures:\n"
        "        2026-13-09: maintenance\n"
        "        2026-10-08: ''\n",
    )
    assert problems(tmp_path, text) == [
        "deadlines.yaml:9:5: unknown calendar 'CNN' (did you mean 'CN'?); the marketplaces' "
        "calendars are: CN, ID, MY-14, PH, SG, TH, VN",
        "deadlines.yaml:11:5: unknown calendar 'MY' (did you mean 'MY-14'?); the marketplaces' "
        "calendars are: CN, ID, MY-14, PH, SG, TH, VN",
        "deadlines.yaml:13:9: expected a date written YYYY-MM-DD, like 2026-03-02, "
        "got '2026-13-09' (month value is outside expected range of 1-12)",
        "deadlines.yaml:14:21: the reason must not be empty",
    ]


def test_a_python_built_policy_is_checked_too() -> None:
    data = copy.deepcopy(minimal())
    data["deadlines"]["takedown_processing"]["marketplaces"] = {"lazadda": {"business_days": 5}}
    with pytest.raises(ValueError, match="unknown marketplace 'lazadda'"):
        policy_from(data)
