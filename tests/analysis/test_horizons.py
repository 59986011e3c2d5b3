"""Calendar horizons from the command line: ``check``'s W-HORIZON, ``ipp-rules calendars`` and
``ipp-rules init``. Every "today" is fixed: no test here depends on the real date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from ipp_rules import Engine
from ipp_rules.analysis.horizons import calendar_statuses, horizon_warnings
from ipp_rules.deadlines import DeadlinePolicy, load_deadline_policy
from ipp_rules.tools.init import copy_bundle
from tests.conftest import BUNDLE
from tests.tools.conftest import edit, run_cli
from tests.tools.test_check import LINE

pytestmark = pytest.mark.slow  # subprocesses: run in CI, outside the fast subset

HORIZON = date(2026, 12, 31)  # CN, ID, PH, TH and VN with holidays 0.109
NEAR = {"CN", "ID", "PH", "TH", "VN"}

NOTICE_2027 = """  overrides:
    CN:
      notices:
        2027:
          source: notice entered for the test
          days_off:
            2027-01-01: New Year's Day
          working_days:
            2027-02-06: make-up working day
"""


@pytest.fixture(scope="module")
def statuses_59_days_before() -> list:  # type: ignore[type-arg]
    return calendar_statuses(load_deadline_policy(BUNDLE), HORIZON - timedelta(days=59))


def horizon_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if " W-HORIZON " in line]


def test_check_warns_59_days_before_a_horizon_and_not_61():
    before_59 = (HORIZON - timedelta(days=59)).isoformat()
    before_61 = (HORIZON - timedelta(days=61)).isoformat()
    near = run_cli("check", "--today", before_59)
    assert near.returncode == 0, near.stdout + near.stderr  # warnings only
    lines = horizon_lines(near.stdout)
    assert [line.split("W-HORIZON calendar ")[1].split(" ")[0] for line in lines] == [
        "CN",
        "ID",
        "PH",
        "TH",
        "VN",
    ]
    assert all(LINE.match(line) for line in lines)
    assert all(line.startswith("rulesets/deadlines.yaml:26:1: W-HORIZON ") for line in lines)
    china = lines[0]
    for words in (
        "calendar CN (China; taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com)",
        f"its horizon 2026-12-31 ends in 59 days (today {before_59})",
        "deadlines past it are estimates (estimate: true)",
        "2027: the State Council notice with its days off and make-up working days is not in "
        "the data",
        "enter the 2027 notice under calendars: overrides: CN: notices: 2027 in the bundle's "
        "deadlines.yaml",
        "`ipp-rules init FOLDER` copies the bundled rules into FOLDER to edit; then pass "
        "--rules FOLDER to every command",
    ):
        assert words in china, words
    assert near.stdout.splitlines()[-1].startswith("ipp-default 2026.11.0: 0 errors, 5 warnings")

    far = run_cli("check", "--today", before_61)
    assert far.returncode == 0
    assert horizon_lines(far.stdout) == []
    assert "W-HORIZON" not in far.stdout


def test_the_days_are_configurable(statuses_59_days_before: list) -> None:  # type: ignore[type-arg]
    today = HORIZON - timedelta(days=59)
    assert {w.key for w in horizon_warnings(statuses_59_days_before, today)} == NEAR
    assert horizon_warnings(statuses_59_days_before, today, days=58) == []
    assert {w.key for w in horizon_warnings(statuses_59_days_before, today, days=59)} == NEAR
    # MY-14 and SG reach to 2027-12-31: 424 days after.
    assert {w.key for w in horizon_warnings(statuses_59_days_before, today, days=424)} == (
        NEAR | {"MY-14", "SG"}
    )


def test_exactly_60_days_before_warns_and_a_past_horizon_says_so() -> None:
    policy = load_deadline_policy(BUNDLE)
    on_60 = HORIZON - timedelta(days=60)
    assert {w.key for w in horizon_warnings(calendar_statuses(policy, on_60), on_60)} == NEAR
    after = HORIZON + timedelta(days=3)
    (china, *_) = horizon_warnings(calendar_statuses(policy, after), after)
    assert china.days_left == -3
    assert "its horizon 2026-12-31 ended 3 days ago" in china.message


def test_an_entered_notice_stops_the_warning_and_check_points_at_it(tmp_path: Path):
    bundle = tmp_path / "my-bundle"
    copy_bundle(bundle)
    edit(bundle / "deadlines.yaml", "  overrides: {}\n", NOTICE_2027)
    edit(
        bundle / "deadlines.yaml",
        "  overrides:\n    CN:\n",
        "  overrides:\n    TH:\n      closures:\n        2026-12-30: closed\n    CN:\n",
    )
    done = run_cli(
        "check", "my-bundle", "--today", "2026-12-03", "--horizon-days", "30", cwd=tmp_path
    )
    lines = horizon_lines(done.stdout)
    keys = [line.split("W-HORIZON calendar ")[1].split(" ")[0] for line in lines]
    # In the order of where they point: `calendars`, then the calendar's own overrides.
    assert keys == ["ID", "PH", "VN", "TH"]
    th = next(line for line in lines if "calendar TH " in line)
    assert th.startswith("my-bundle/deadlines.yaml:") and th.split(":")[2] == "5"
    line_of_th = (bundle / "deadlines.yaml").read_text().splitlines().index("    TH:") + 1
    assert th.split(":")[1] == str(line_of_th)
    as_json = json.loads(
        run_cli(
            "check", "my-bundle", "--today", "2026-12-03", "--format", "json", cwd=tmp_path
        ).stdout
    )
    found = [p for p in as_json["problems"] if p["code"] == "W-HORIZON"]
    assert [p["subject"] for p in found] == ["ID", "PH", "VN", "TH"]
    assert all(p["severity"] == "warning" for p in found)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "3 Dec"], "--today: expected a date written YYYY-MM-DD (got '3 Dec')"),
        (["--horizon-days", "-1"], "--horizon-days: expected 0 or more (got -1)"),
    ],
)
def test_check_refuses_a_bad_today_or_days(args: list[str], message: str):
    done = run_cli("check", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr


# ---------------------------------------------------------------------------------------------
# ipp-rules calendars


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
        (["--today", "2026-13-01"], "--today: expected a date written YYYY-MM-DD"),
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


# ---------------------------------------------------------------------------------------------
# ipp-rules init


def test_init_copies_the_bundled_rules_to_edit(tmp_path: Path):
    done = run_cli("init", "my-bundle", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    bundle = tmp_path / "my-bundle"
    assert done.stdout.startswith("copied the bundled rules (ipp-default 2026.11.0, ")
    assert "--rules my-bundle" in done.stdout
    shipped = sorted(
        p.relative_to(BUNDLE)
        for p in BUNDLE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert sorted(p.relative_to(bundle) for p in bundle.rglob("*") if p.is_file()) == shipped
    with Engine.from_path(bundle) as copied, Engine.default() as default:
        assert copied.bundle.identity == default.bundle.identity
    # The copy is what --rules takes.
    deadline = run_cli(
        "deadline",
        "taobao",
        "merchant_counter_notification",
        "2026-09-18T10:00:00+08:00",
        "--rules",
        "my-bundle",
        cwd=tmp_path,
    )
    assert deadline.returncode == 0 and "2026-09-23T00:00:00+08:00" in deadline.stdout


def test_init_into_an_empty_folder_and_never_over_files(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("init", empty).returncode == 0
    assert (empty / "bundle.yaml").is_file()
    again = run_cli("init", empty)
    assert again.returncode == 2
    assert again.stdout == ""
    assert again.stderr == f"ipp-rules init: {empty}: already exists and is not an empty folder\n"
    file = tmp_path / "file"
    file.write_text("keep me", encoding="utf-8")
    assert run_cli("init", file).returncode == 2
    assert file.read_text(encoding="utf-8") == "keep me"


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


def test_a_horizon_at_the_end_of_the_built_years_says_to_raise_last_year() -> None:
    data = load_deadline_policy(BUNDLE).model_dump(mode="json")
    data["calendars"]["last_year"] = 2027
    policy = DeadlinePolicy.model_validate(data)
    today = date(2027, 12, 1)
    warned = horizon_warnings(calendar_statuses(policy, today), today)
    # Each calendar's horizon: past for five of them, the end of the years for MY-14 and SG.
    horizons = {
        w.key: w for w in warned if w.horizon < date(2027, 12, 31) or w.key in ("MY-14", "SG")
    }
    assert set(horizons) == NEAR | {"MY-14", "SG"}
    singapore = horizons["SG"].message
    assert "its horizon 2027-12-31 ends in 30 days (today 2027-12-01)" in singapore
    assert "it is the last day the calendars are built for, so deadlines from 2028-01-01" in (
        singapore
    )
    assert "Raise calendars: last_year in the bundle's deadlines.yaml" in singapore
    assert "its horizon 2026-12-31 ended 335 days ago" in horizons["CN"].message
    # The five whose horizon passed also get the end of the years, once each.
    ends = [
        w.key for w in warned if w.horizon == date(2027, 12, 31) and w.key not in ("MY-14", "SG")
    ]
    assert sorted(ends) == sorted(NEAR)


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


def test_init_fills_an_empty_folder_where_it_is(tmp_path: Path):
    here = tmp_path / "here"
    here.mkdir(mode=0o700)
    done = run_cli("init", ".", cwd=here)
    assert done.returncode == 0, done.stderr
    assert (here / "bundle.yaml").is_file()
    assert here.stat().st_mode & 0o777 == 0o700
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(private)
    assert run_cli("init", "link", cwd=tmp_path).returncode == 0
    assert (private / "bundle.yaml").is_file() and private.stat().st_mode & 0o777 == 0o700
