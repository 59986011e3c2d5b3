"""``ipp-rules deadline``: the days a period counts and skips, its end, and the rules read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from ipp_rules.cli.bundles import shown_folder
from ipp_rules.deadlines import Deadline, DeadlinePolicy, compute_deadline, load_deadline_policy
from ipp_rules.errors import CalendarHorizonError
from tests.cli.conftest import call, run_cli
from tests.conftest import BUNDLE
from tests.deadlines.examples import minimal


@pytest.fixture(scope="module")
def shipped() -> DeadlinePolicy:
    return load_deadline_policy(BUNDLE)


def test_deadline_prints_the_days_counted_and_the_due_instant():
    done = run_cli(
        "deadline", "taobao", "merchant_counter_notification", "2026-09-18T10:00:00+08:00"
    )
    assert done.returncode == 0, done.stderr
    assert "Sun 2026-09-20 (make-up working day), Mon 2026-09-21, Tue 2026-09-22" in done.stdout
    assert "due          2026-09-23T00:00:00+08:00" in done.stdout


def test_deadline_json_and_a_naive_time(tmp_path: Path):
    done = run_cli(
        "deadline",
        "lazada",
        "takedown_processing",
        "2026-04-10T09:00:00+07:00",
        "--country",
        "TH",
        "--format",
        "json",
    )
    assert json.loads(done.stdout)["last_day"] == "2026-04-22"
    naive = run_cli("deadline", "taobao", "merchant_counter_notification", "2026-09-18T10:00:00")
    assert naive.returncode == 2
    assert "RECEIVED_AT" in naive.stderr


def test_cli_text_lists_the_days_counted_and_not() -> None:
    status, out, err = call(
        "deadline", "taobao", "merchant_counter_notification", "2026-02-13T10:00:00+08:00"
    )
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == (
        "merchant_counter_notification: the merchant's window to counter-notify after a takedown"
    )
    assert lines[1:4] == [
        "  marketplace  taobao (calendar CN, Asia/Shanghai)",
        "  received     Fri 2026-02-13 10:00 Asia/Shanghai",
        "  period       3 business days after the day of receipt; ends at 24:00 local time of the",
    ]
    text = out
    assert (
        "  counted      Sat 2026-02-14 (make-up working day), Tue 2026-02-24, Wed 2026-02-25\n"
        in text
    )
    assert "  not counted  Sun 2026-02-15 to Mon 2026-02-23 (weekend; Chinese New Year's Eve;" in (
        text
    )
    assert "  last day     Wed 2026-02-25\n" in text
    assert (
        "  due          2026-02-26T00:00:00+08:00 (the end, exclusive: 24:00 on Wed 2026-02-25)\n"
        in text
    )


def test_cli_text_for_the_deemed_convention_and_hours(tmp_path: Path) -> None:
    data = minimal()
    data["semantics"]["non_business_trigger"] = "deemed_received_next_business_day"
    (tmp_path / "deadlines.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    status, out, _ = call(
        "deadline",
        "taobao",
        "merchant_counter_notification",
        "2026-02-15T10:00:00+08:00",
        "--rules",
        str(tmp_path / "deadlines.yaml"),
    )
    assert status == 0
    assert "  deemed received  Tue 2026-02-24\n" in out
    assert "2026-02-28T00:00:00+08:00" in out
    status, text, _ = call("deadline", "tmall", "takedown_processing", "2026-02-14T07:00:00Z")
    assert status == 0
    assert "(given as 2026-02-14T07:00:00+00:00)" in text
    assert "  due          2026-02-24T15:00:00+08:00 (the end, exclusive: 15:00 on Tue" in text


def test_cli_json_is_the_deadline_and_the_rules_read(shipped: DeadlinePolicy) -> None:
    status, out, _ = call(
        "deadline",
        "lazada",
        "takedown_processing",
        "2026-03-19T16:30:00Z",
        "--country",
        "ID",
        "--rules",
        str(BUNDLE),
        "--format",
        "json",
    )
    assert status == 0
    document = json.loads(out)
    assert (document.pop("bundle_folder"), document.pop("bundle_default")) == (str(BUNDLE), False)
    deadline = Deadline.model_validate(document)
    assert deadline.due.isoformat() == "2026-03-27T00:00:00+07:00"
    assert deadline == compute_deadline(
        shipped, "lazada", "takedown_processing", datetime(2026, 3, 19, 16, 30, tzinfo=UTC), "ID"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["taobao", "merchant_counter_notification", "2026-09-18T10:00"], "has no UTC offset"),
        (["taobao", "merchant_counter_notification", "18/09/2026"], "expected an ISO-8601 time"),
        (["taobao", "merchant_window", "2026-09-18T10:00Z"], "unknown deadline kind"),
        (["lazada", "takedown_processing", "2026-09-18T10:00Z"], "needs a country"),
        (["taobao", "takedown_processing", "2099-12-31T10:00Z"], "after 2028-12-31, the last day"),
        (
            ["taobao", "takedown_processing", "2026-09-18T10:00Z", "--rules", "/no/such"],
            "cannot read file",
        ),
    ],
)
def test_cli_invalid_input(argv: list[str], message: str) -> None:
    status, out, err = call("deadline", *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("ipp-rules deadline: ")
    assert message in err


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-23:59"])
def test_a_moment_at_the_edge_of_the_datetime_range_is_a_horizon_error(
    shipped: DeadlinePolicy, received_at: str
) -> None:
    # Converting it to Asia/Shanghai overflowed: OverflowError, a traceback from the command.
    with pytest.raises(CalendarHorizonError, match=received_at[:10]):
        compute_deadline(
            shipped, "taobao", "takedown_processing", datetime.fromisoformat(received_at)
        )
    done = run_cli("deadline", "taobao", "merchant_counter_notification", received_at)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(
        f"ipp-rules deadline: calendar CN: cannot answer for {received_at[:10]}"
    )


def test_cli_text_says_why_a_deadline_is_an_estimate() -> None:
    status, text, err = call(
        "deadline", "taobao", "merchant_counter_notification", "2026-12-30T10:00:00+08:00"
    )
    assert status == 0, err
    assert (
        "  estimate     yes: it counts days after 2026-12-31, the calendar's horizon, which are "
        "not\n               published data\n"
        "               2027 China calendar (CN): the State Council notice with its days off "
        "and\n"
    ) in text
    assert "to count them exactly, enter the 2027 notice under calendars: overrides: CN:" in text
    status, out, err = call(
        "deadline",
        "lazada",
        "rights_holder_response",
        "2027-01-05T10:00:00+07:00",
        "--country",
        "TH",
        "--format",
        "json",
    )
    assert status == 0, err
    document = json.loads(out)
    assert document["estimate"] is True
    assert [e["year"] for e in document["estimates"]] == [2027]
    assert document["estimates"][0]["note"].startswith("2027 Thailand calendar (TH): the Cabinet")


def test_the_advice_names_the_first_year_that_is_not_published() -> None:
    """A period across 2027 and 2028: entering 2028 alone would not help, 2027 comes first."""
    status, out, _ = call(
        "deadline", "taobao", "merchant_counter_notification", "2027-12-30T10:00:00+08:00"
    )
    assert status == 0
    assert "to count them exactly, enter the 2027 notice under" in out
    assert "2028 notice" not in out


def test_received_at_may_be_a_date_meaning_the_start_of_that_day_there() -> None:
    status, out, err = call(
        "deadline",
        "lazada",
        "takedown_processing",
        "2026-04-10",
        "--country",
        "TH",
        "--format",
        "json",
    )
    assert (status, err) == (0, "")
    assert json.loads(out)["received_at"] == "2026-04-10T00:00:00+07:00"
    status, out, err = call("deadline", "taobao", "takedown_processing", "2026-02-30")
    assert (status, out) == (2, "")
    assert err == (
        "ipp-rules deadline: RECEIVED_AT: '2026-02-30' is not a date of the calendar (YYYY-MM-DD)\n"
    )


def test_the_rules_read_are_named_last() -> None:
    _, out, _ = call("deadline", "taobao", "takedown_processing", "2026-09-18T10:00:00+08:00")
    assert out.splitlines()[-1] == (
        f"  rules        ipp-default 2026.11.0, the bundled default at {shown_folder(BUNDLE)}; "
        "pass a folder, or run `ipp-rules init FOLDER` to get an editable copy"
    )
    _, out, _ = call(
        "deadline",
        "taobao",
        "takedown_processing",
        "2026-09-18T10:00:00+08:00",
        "--rules",
        BUNDLE / "deadlines.yaml",
    )
    assert out.splitlines()[-1] == (
        f"  rules        the policy file {shown_folder(BUNDLE / 'deadlines.yaml')}"
    )


def test_a_country_in_lower_case_gets_a_suggestion() -> None:
    status, _, err = call(
        "deadline", "lazada", "takedown_processing", "2026-04-10T09:00:00+07:00", "--country", "th"
    )
    assert status == 2
    assert err == (
        "ipp-rules deadline: marketplace 'lazada' has no country 'th'; known: ID, MY, PH, SG, "
        "TH, VN (did you mean 'TH'?)\n"
    )


def test_the_country_help_lists_the_registry_s_country_platforms(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ipp_rules.cli.main import main
    from ipp_rules.policies import get_policy

    assert main(["deadline", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"lazada: {' '.join(get_policy('lazada').countries)}" in help_text
