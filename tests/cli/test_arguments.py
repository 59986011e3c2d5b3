"""The arguments commands share, and the one way every command reads a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ipp_rules.cli.arguments import CommandParser, instant, now_in, parse_time, parse_today
from ipp_rules.errors import ArgumentError
from tests.cli.conftest import call

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_date_and_a_time_with_an_offset_are_read() -> None:
    assert parse_time("2026-09-18", "--now") == date(2026, 9, 18)
    assert parse_time(" 2026-09-18T10:00:00+08:00 ", "--now") == datetime(
        2026, 9, 18, 10, tzinfo=timezone(timedelta(hours=8))
    )
    assert parse_time("2026-09-18T02:00Z", "--now") == datetime(2026, 9, 18, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2026-09-18T10:00",
            "--now: '2026-09-18T10:00' has no UTC offset: add one, like +08:00 or Z",
        ),
        (
            "18/09/2026",
            "--now: expected an ISO-8601 time with an offset, like 2026-09-18T10:00:00+08:00, "
            "or a date YYYY-MM-DD (got '18/09/2026')",
        ),
        ("2026-02-30", "--now: '2026-02-30' is not a date of the calendar (YYYY-MM-DD)"),
    ],
)
def test_anything_else_is_an_argument_error_naming_the_argument(text: str, message: str) -> None:
    with pytest.raises(ArgumentError) as caught:
        parse_time(text, "--now")
    assert str(caught.value).startswith(message)


def test_a_date_means_the_start_of_that_day_in_the_marketplaces_timezone() -> None:
    assert instant(date(2026, 9, 18), SHANGHAI) == datetime(2026, 9, 18, tzinfo=SHANGHAI)
    moment = datetime(2026, 9, 18, 10, tzinfo=UTC)
    assert instant(moment, SHANGHAI) is moment


def test_now_is_the_marketplaces_clock_to_the_second() -> None:
    now = now_in(SHANGHAI)
    assert now.microsecond == 0 and now.tzinfo is SHANGHAI


def test_today_is_a_date_or_the_date_of_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_today("2026-12-03") == date(2026, 12, 3)
    assert parse_today("2026-12-03T23:00:00-05:00") == date(2026, 12, 3)
    monkeypatch.setenv("IPP_RULES_TODAY", "2026-10-01")
    assert parse_today(None) == date(2026, 10, 1)


def test_the_parser_raises_instead_of_exiting() -> None:
    parser = CommandParser(prog="ipp-rules test")
    parser.add_argument("--count", type=int)
    with pytest.raises(ArgumentError) as caught:
        parser.parse_args(["--count", "many"])
    assert str(caught.value) == "argument --count: invalid int value: 'many'"
    assert caught.value.usage == "usage: ipp-rules test [-h] [--count COUNT]\n"
    assert caught.value.prog == "ipp-rules test"


def test_every_time_argument_is_refused_in_the_same_words(tmp_path: Path) -> None:
    events = tmp_path / "events.yaml"
    events.write_text("- {kind: submitted, at: '2026-09-14T09:00:00+08:00'}\n")
    history = tmp_path / "history.csv"
    history.write_text("submitted_at,platform,reason,outcome\n")
    words = "expected an ISO-8601 time with an offset, like 2026-09-18T10:00:00+08:00, or a date"
    for argument, command in (
        ("RECEIVED_AT", ["deadline", "taobao", "takedown_processing", "3 Dec"]),
        ("--now", ["lifecycle", events, "--platform", "taobao", "--now", "3 Dec"]),
        ("--as-of", ["good-faith", history, "--as-of", "3 Dec"]),
        ("--today", ["calendars", "--today", "3 Dec"]),
        ("--today", ["check", "--today", "3 Dec"]),
    ):
        status, out, err = call(*command)
        assert (status, out) == (2, ""), command
        assert f": {argument}: {words} YYYY-MM-DD (got '3 Dec')\n" in err, err
