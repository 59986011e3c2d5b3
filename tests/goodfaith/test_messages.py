"""messages: the words of the findings, as people read them."""

from __future__ import annotations

from datetime import UTC, datetime

from ipp_rules.goodfaith import as_row, evaluate_good_faith_records
from ipp_rules.goodfaith.messages import joined, local_time, months, requests, submitted
from tests.goodfaith.histories import AS_OF, POLICY, SH, many


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


def test_a_submission_time_is_shown_in_the_program_timezone():
    moment = datetime(2026, 4, 1, 4, 0, tzinfo=UTC)
    assert submitted(moment, "Asia/Shanghai") == "2026-04-01 12:00 (Asia/Shanghai)"
    assert submitted(moment.timestamp(), "Asia/Shanghai") == "2026-04-01 12:00 (Asia/Shanghai)"
    assert submitted(-1e20, "Asia/Shanghai") == "at -1e+20 POSIX seconds"


def test_a_local_time_shows_seconds_only_when_there_are_some():
    assert local_time(datetime(2026, 2, 28, tzinfo=SH)) == "2026-02-28 00:00"
    assert local_time(datetime(2025, 12, 24, 18, 5, 30, tzinfo=SH)) == "2025-12-24 18:05:30"
    assert local_time(datetime(2026, 1, 1, 0, 0, 0, 500, tzinfo=SH)) == "2026-01-01 00:00:00.000500"


def test_names_are_joined_and_counts_named_in_the_singular_or_plural():
    assert joined([]) == ""
    assert joined(["taobao"]) == "taobao"
    assert joined(["taobao", "tmall"]) == "taobao and tmall"
    assert joined(("taobao", "tmall", "tmall_global")) == "taobao, tmall and tmall_global"
    assert [months(n) for n in (0, 1, 3)] == ["0 months", "1 month", "3 months"]
    assert [requests(n) for n in (0, 1, 8)] == [
        "0 takedown requests",
        "1 takedown request",
        "8 takedown requests",
    ]
