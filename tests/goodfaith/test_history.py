"""history: the records of a reporting history, their one set of checks, and where a bad
record is reported, whichever way the history came in (models, mappings, tuples, files)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ipp_rules.goodfaith import (
    HistoryError,
    HistoryRecord,
    as_row,
    evaluate_good_faith,
    evaluate_good_faith_records,
    history_records,
    record_problems,
)
from tests.goodfaith.histories import AS_OF, INSIDE, POLICY, SH, codes, evaluate, rec

# ---------------------------------------------------------------------------------------------
# Marketplaces of the registry, plugins' included


def test_a_plugin_marketplace_is_a_marketplace_of_the_history(examplemart: str):
    # The history checked marketplaces against a closed enum: a marketplace the registry
    # accepts in a complaint was refused in a history.
    record = {
        "submitted_at": "2026-04-02T09:00:00+08:00",
        "platform": examplemart,
        "reason": "counterfeit",
        "outcome": "rejected",
    }
    documents = [
        *({**record, "platform": "taobao", "outcome": "taken_down"} for _ in range(150)),
        record,
        {**record, "false_information": True},
    ]
    records = history_records(documents)
    result = evaluate(records)
    assert codes(result) == ["GOOD_FAITH_FALSE_INFORMATION"]
    assert result.findings[0].message.startswith(
        "history[151], submitted 2026-04-02 09:00 (Asia/Shanghai) on examplemart, was found"
    )
    assert (result.metrics.requests, result.metrics.other_marketplace_requests) == (150, 2)
    assert codes(evaluate(records, platform=examplemart))[0] == "GOOD_FAITH_NOT_TAO"
    with pytest.raises(HistoryError) as caught:
        history_records([{**record, "platform": "examplemrt"}])
    [problem] = caught.value.problems
    assert problem.location == "history[0].platform"
    assert problem.message.endswith(", examplemart; did you mean 'examplemart'? (got 'examplemrt')")


def test_a_plugin_marketplace_in_a_history_file(examplemart: str, tmp_path: Path):
    from tests.cli.test_good_faith import HEADER, call

    history = tmp_path / "history.csv"
    row = "2026-04-01T10:00:00+08:00,{},counterfeit,taken_down,none,{}\n"
    history.write_text(
        HEADER + row.format("taobao", "false") * 100 + row.format(examplemart, "true")
    )
    status, out, err = call(str(history), "--as-of", "2026-05-31")
    assert (status, err) == (1, "")
    assert f"GOOD_FAITH_FALSE_INFORMATION: {history}:102, submitted 2026-04-01 10:00 " in out
    assert "(Asia/Shanghai) on examplemart" in out


# ---------------------------------------------------------------------------------------------
# Bad records


def test_a_record_is_validated_when_built():
    with pytest.raises(ValueError, match="timezone"):
        rec(datetime(2026, 4, 1))
    with pytest.raises(ValueError, match="no listing to counter-notify"):
        rec(outcome="rejected", counter="succeeded")
    with pytest.raises(ValueError, match="reason code"):
        rec(reason=" ")
    stored = rec(datetime(2026, 4, 1, 8, tzinfo=SH))
    assert stored.submitted_at == datetime(2026, 4, 1, 0, tzinfo=UTC)


def test_history_records_reports_every_bad_record_by_index():
    good = {"submitted_at": "2026-04-01T10:00:00+08:00", "platform": "taobao", "reason": "x"}
    with pytest.raises(HistoryError) as caught:
        history_records(
            [
                {**good, "outcome": "taken_down"},
                {**good, "outcome": "taken_dwn"},
                {**good, "outcome": "pending", "counter_notification": "failed"},
            ]
        )
    locations = [p.location for p in caught.value.problems]
    assert locations == ["history[1].outcome", "history[2].counter_notification"]


GOOD_VALUES: dict[str, Any] = {
    "submitted_at": INSIDE,
    "platform": "taobao",
    "reason": "counterfeit",
    "outcome": "taken_down",
    "counter_notification": "none",
    "false_information": False,
}
BAD_VALUES: list[dict[str, Any]] = [
    {},
    {"outcome": "taken_dwn"},
    {"outcome": "pending", "counter_notification": "failed"},
    {"platform": "ebay", "false_information": 1},
    {"reason": " counterfeit"},
]
BAD_PROBLEMS = [
    (
        "history[1].outcome",
        "expected one of taken_down, rejected, withdrawn, pending; did you mean 'taken_down'? "
        "(got 'taken_dwn')",
    ),
    (
        "history[2].counter_notification",
        "a request that was pending has no listing to counter-notify: counter_notification "
        "must be none (got 'failed')",
    ),
    (
        "history[3].platform",
        "expected one of taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com, lazada "
        "(got 'ebay')",
    ),
    ("history[3].false_information", "expected true or false (got 1)"),
    (
        "history[4].reason",
        "expected a reason code without leading or trailing spaces (got ' counterfeit')",
    ),
]


def _problems_of(call: Any) -> list[tuple[str, str]]:
    with pytest.raises(HistoryError) as caught:
        call()
    assert {p.code for p in caught.value.problems} == {"history_record"}
    return [(p.location, p.message) for p in caught.value.problems]


def test_every_entry_point_reports_a_bad_record_in_the_same_words_at_the_same_place():
    # Mappings were checked by the model (pydantic's words, the counter-notification problem at
    # the record), tuples and models by other checks: one history, three reports.
    entries = [{**GOOD_VALUES, **bad} for bad in BAD_VALUES]
    documents = [{**e, "submitted_at": e["submitted_at"].isoformat()} for e in entries]
    rows = [(e["submitted_at"].timestamp(), *list(e.values())[1:]) for e in entries]
    models = [HistoryRecord.model_construct(**e) for e in entries]
    assert _problems_of(lambda: history_records(documents)) == BAD_PROBLEMS
    assert _problems_of(lambda: evaluate_good_faith_records(POLICY, rows, AS_OF)) == BAD_PROBLEMS
    assert _problems_of(lambda: evaluate_good_faith(POLICY, models, AS_OF)) == BAD_PROBLEMS
    for entry, bad in zip(entries, BAD_VALUES, strict=True):
        values = list(entry.values())[1:]
        assert [field for field, _ in record_problems(*values)] == sorted(
            set(bad) - ({"outcome"} if "counter_notification" in bad else set()),
            key=list(GOOD_VALUES).index,
        )


def test_bad_rows_are_located_in_a_sequence():
    row = as_row(rec())
    rows = [row, (*row[:3], "taken_dwn", "none", False), (math.nan, *row[1:]), row]
    with pytest.raises(HistoryError) as caught:
        evaluate_good_faith_records(POLICY, rows, AS_OF)
    problems = [(p.location, p.message) for p in caught.value.problems]
    assert problems[0][0] == "history[1].outcome"
    assert "did you mean 'taken_down'?" in problems[0][1]
    assert problems[1][0] == "history[2].submitted_at"


def test_bad_rows_in_an_iterator_are_still_reported():
    row = as_row(rec())
    with pytest.raises(HistoryError) as caught:
        evaluate_good_faith_records(POLICY, iter([row, (*row[:1], "ebay", *row[2:])]), AS_OF)
    assert caught.value.problems[0].location == "history[*].platform"
    with pytest.raises(HistoryError):
        evaluate_good_faith_records(POLICY, [("2026-04-01", *row[1:])], AS_OF)
    with pytest.raises(HistoryError) as caught:
        evaluate_good_faith(POLICY, [rec(), "not a record"], AS_OF)  # type: ignore[list-item]
    assert caught.value.problems[0].location == "history[1]"


@pytest.mark.parametrize("history", [None, 5, {"a": 1}, "history.csv"])
def test_a_history_that_is_not_a_list_of_records_is_refused(history: Any):
    # None and 5 raised TypeError; a mapping or a string was read item by item.
    with pytest.raises(HistoryError, match="expected a list of records") as caught:
        history_records(history)
    assert [p.location for p in caught.value.problems] == ["history"]


def test_a_time_at_the_edge_of_the_datetime_range_is_a_located_problem():
    # Converting it to UTC overflowed: OverflowError.
    good = {"platform": "taobao", "reason": "counterfeit", "outcome": "taken_down"}
    with pytest.raises(HistoryError) as caught:
        history_records([{**good, "submitted_at": "0001-01-01T00:00:00+14:00"}])
    [problem] = caught.value.problems
    assert problem.location == "history[0].submitted_at"
    assert problem.message == (
        "expected a time from 1900-01-01 to 2999-12-31 in UTC, got 0001-01-01T00:00:00+14:00"
    )


@pytest.mark.parametrize("timestamp", [1789000000, "1789000000", 1789000000.5])
def test_a_unix_timestamp_is_not_a_submission_time(timestamp: object) -> None:
    good = {"platform": "taobao", "reason": "counterfeit", "outcome": "taken_down"}
    with pytest.raises(HistoryError) as caught:
        history_records([{**good, "submitted_at": timestamp}])
    [problem] = caught.value.problems
    assert problem.location == "history[0].submitted_at"
    assert problem.message.startswith("expected an ISO-8601 date and time with a UTC offset")
