"""``ipp-rules calendars``: each calendar's horizon, where it comes from, the estimated years."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ipp_rules import Engine
from ipp_rules.analysis.horizons import calendar_statuses, horizon_warnings
from ipp_rules.cli.init import copy_bundle
from ipp_rules.deadlines import load_deadline_policy
from tests.analysis.test_horizons import NEAR, NOTICE_2027
from tests.cli.conftest import run_cli
from tests.conftest import BUNDLE, edit

pytestmark = pytest.mark.slow  # subprocesses: run in CI, outside the fast subset


def test_calendars_lists_every_horizon_with_its_source_and_estimated_years():
    done = run_cli("calendars", "--today", "2026-12-03", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["today"] == "2026-12-03"
    rows = {c["calendar"]: c for c in document["calendars"]}
    assert list(rows) == ["CN", "ID", "MY-14", "PH", "SG", "TH", "VN"]
    china = rows["CN"]
    assert (china["horizon"], china["horizon_source"], china["days_left"]) == (
        "2026-12-31",
        "data",
        28,
    )
    assert china["source"] == f"holidays {document['holidays_version']}"
    assert [m["platform"] for m in china["marketplaces"]] == [
        "taobao",
        "tmall",
        "tmall_global",
        "1688",
        "aliexpress",
        "alibaba_com",
    ]
    assert [y["year"] for y in china["estimated_years"]] == [2027, 2028]
    assert "State Council notice" in china["estimated_years"][0]["reasons"][0]
    assert rows["MY-14"]["horizon"] == "2027-12-31" and rows["MY-14"]["days_left"] == 393
    assert rows["MY-14"]["marketplaces"] == [{"platform": "lazada", "country": "MY"}]
    assert [y["year"] for y in rows["SG"]["estimated_years"]] == [2028]
    assert {w["key"] for w in document["warnings"]} == NEAR
    text = run_cli("calendars", "--today", "2026-12-03").stdout
    assert "CN     China: taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com" in text
    assert "horizon    2026-12-31, 28 days left; from holidays" in text
    assert "5 of 7 horizons are past or end within 60 days: CN, ID, PH, TH, VN." in " ".join(
        text.split()
    )


def test_calendars_of_a_bundle_with_a_notice_and_a_strict_setting(tmp_path: Path):
    bundle = tmp_path / "my-bundle"
    copy_bundle(bundle)
    edit(bundle / "deadlines.yaml", "  overrides: {}\n", NOTICE_2027)
    edit(bundle / "deadlines.yaml", "  allow_estimates: true\n", "  allow_estimates: false\n")
    done = run_cli("calendars", "--rules", bundle, "--today", "2026-12-03", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {c["key"]: c for c in json.loads(done.stdout)["calendars"]}
    china = rows["CN"]
    assert (china["calendar"], china["horizon"], china["horizon_source"]) == (
        "CN*",
        "2027-12-31",
        "notices",
    )
    assert china["source"].endswith("notices entered in deadlines.yaml (2027)")
    assert [y["year"] for y in china["estimated_years"]] == [2028]
    assert china["allow_estimates"] is False
    text = run_cli("calendars", "--rules", bundle, "--today", "2026-12-03").stdout
    assert "past a horizon deadlines are refused (allow_estimates: false)" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "2026-13-01"], "--today: '2026-13-01' is not a date of the calendar"),
        (["--warn-days", "-5"], "--warn-days: expected 0 or more days"),
        (["--rules", "/no/such/bundle"], "/no/such/bundle"),
    ],
)
def test_calendars_refuses_bad_arguments(args: list[str], message: str):
    done = run_cli("calendars", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("ipp-rules calendars: ") and message in done.stderr


def test_the_today_variable_is_the_default_and_is_checked(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IPP_RULES_TODAY", "2026-12-30")
    done = run_cli("calendars", "--format", "json")
    assert json.loads(done.stdout)["today"] == "2026-12-30"
    monkeypatch.setenv("IPP_RULES_TODAY", "soon")
    done = run_cli("calendars")
    assert done.returncode == 2
    assert "IPP_RULES_TODAY: expected a date written YYYY-MM-DD (got 'soon')" in done.stderr


def test_the_end_of_the_built_years_is_warned_about_too() -> None:
    """After last_year no deadline is answered at all: check says so before it comes."""
    policy = load_deadline_policy(BUNDLE)
    today = date(2028, 12, 1)
    warnings = horizon_warnings(calendar_statuses(policy, today), today)
    ends = [w for w in warnings if w.horizon == date(2028, 12, 31)]
    assert [w.key for w in ends] == ["CN", "ID", "MY-14", "PH", "SG", "TH", "VN"]
    assert ends[0].days_left == 30
    assert ends[0].message.startswith(
        "calendar CN (China; taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com): the "
        "years it is built for end on 2028-12-31, in 30 days (today 2028-12-01): deadlines "
        "from 2029-01-01 on cannot be answered, estimate or not. Raise calendars: last_year in "
        "the bundle's deadlines.yaml."
    )
    # 61 days before, no such warning; the horizons passed long ago are still warned about.
    earlier = date(2028, 10, 31)
    warned = horizon_warnings(calendar_statuses(policy, earlier), earlier)
    assert all(w.horizon != date(2028, 12, 31) for w in warned)
    assert {w.key for w in warned} == NEAR | {"MY-14", "SG"}
    text = run_cli("calendars", "--today", "2028-12-01").stdout
    assert "the years the calendars are built for end within 60 days (2028-12-31)" in text


def test_the_command_line_reads_the_deadlines_the_manifest_names(tmp_path: Path):
    """As Engine.from_path does: bundle.yaml's deadlines entry, not a file by its usual name."""
    bundle = tmp_path / "my-bundle"
    copy_bundle(bundle)
    (bundle / "deadlines.yaml").rename(bundle / "deadlines-2027.yaml")
    edit(bundle / "bundle.yaml", "deadlines: deadlines.yaml", "deadlines: deadlines-2027.yaml")
    edit(bundle / "deadlines-2027.yaml", "  overrides: {}\n", NOTICE_2027)
    done = run_cli("calendars", "--rules", bundle, "--today", "2026-12-03", "--format", "json")
    rows = {c["key"]: c for c in json.loads(done.stdout)["calendars"]}
    assert rows["CN"]["horizon"] == "2027-12-31"
    deadline = run_cli(
        "deadline",
        "taobao",
        "merchant_counter_notification",
        "2026-12-30T10:00:00+08:00",
        "--rules",
        bundle,
        "--format",
        "json",
    )
    assert json.loads(deadline.stdout)["estimate"] is False
    with Engine.from_path(bundle) as engine:
        api = engine.deadline(
            "taobao", "merchant_counter_notification", datetime(2026, 12, 30, 2, tzinfo=UTC)
        )
    assert api.estimate is False
