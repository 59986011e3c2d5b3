"""history: the records of a reporting history, their one set of checks, and where a bad
record is reported, whichever way the history came in (models, mappings, tuples, files)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipp_rules.goodfaith import (
    GoodFaithError,
    HistoryError,
    HistoryRecord,
    as_row,
    columns,
    evaluate_good_faith,
    evaluate_good_faith_history,
    evaluate_good_faith_records,
    history_batches,
    history_records,
    record_problems,
)
from ipp_rules.goodfaith.history import record_values
from ipp_rules.problems import Problem
from tests.conftest import examples
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


# ---------------------------------------------------------------------------------------------
# Mappings read without a model: the same values, the same problems, the same eligibility


class Platform(StrEnum):
    TAOBAO = "taobao"  # equal to the text, but not text: the model decides


SHANGHAI = ZoneInfo("Asia/Shanghai")
ZONES = [UTC, SHANGHAI, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=45))]


def _time_text(seconds: int, micro: int, zone: Any, written: str) -> str:
    moment = (
        datetime(2025, 11, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=micro)
    ).astimezone(zone)
    text = moment.isoformat()
    if written == "Z" and text.endswith("+00:00"):
        return text.removesuffix("+00:00") + "Z"
    return text.replace("T", " ") if written == "space" else text


RECORDS = st.fixed_dictionaries(
    {
        "submitted_at": st.builds(
            _time_text,
            st.integers(0, 200 * 86400),  # 2025-11-01 to 2026-05-20
            st.sampled_from([0, 0, 0, 250000, 1]),
            st.sampled_from(ZONES),
            st.sampled_from(["isoformat", "Z", "space"]),
        ),
        "platform": st.sampled_from(
            ["taobao", "tmall", "tmall_global", "aliexpress", "1688", "lazada"]
        ),
        "reason": st.sampled_from(["counterfeit", "test_buy", "image_misuse"]),
        "outcome": st.sampled_from(["taken_down", "taken_down", "rejected", "pending"]),
    },
    optional={
        "counter_notification": st.sampled_from(["none", "none", "failed", "pending"]),
        "false_information": st.sampled_from([False, False, False, True]),
    },
).map(
    lambda record: (
        {**record, "counter_notification": "none"}
        if record["outcome"] != "taken_down" and "counter_notification" in record
        else record
    )
)
"""Right records: a counter-notification only after a takedown."""

SLOW: dict[str, list[Any]] = {
    "submitted_at": [
        "2026-04-01T10:00:00z",
        "2026-03-01t10:00:00+08:00",
        datetime(2026, 4, 1, 10, tzinfo=SHANGHAI),
        datetime(2026, 3, 8, 2, 30, tzinfo=ZoneInfo("America/New_York")),  # in the gap
        datetime(2026, 4, 1, 10, tzinfo=timezone(timedelta(hours=-3))),
    ],
    "platform": [Platform.TAOBAO],
}
"""Right values the model takes, which are not read without it."""
WRONG: dict[str, list[Any]] = {
    "submitted_at": [
        "2026-04-01T10:00:00",
        "2026-04-01T10:00:00+08",
        "2026-02-30T10:00:00+08:00",
        "0001-01-01T00:00:00+14:00",
        "1899-12-31T23:00:00Z",
        " 2026-04-01T10:00:00+08:00",
        "20260401T100000+0800",
        1789000000,
        None,
        ["2026-04-01T10:00:00Z"],
        datetime(2026, 4, 1, 10),
    ],
    "platform": ["ebay", "tmal", 1688, None, ["taobao"]],
    "reason": [" counterfeit", "", "x" * 101, 5, "a\x00b"],
    "outcome": ["taken_dwn", 1, None, "withdrawn"],
    "counter_notification": ["false", None, True, "succeeded"],
    "false_information": [1, 0, "true", None, 1.0],
}
"""Values the model refuses (or refuses beside another: succeeded after a rejection)."""
OTHERS: list[Any] = [
    ("2026-04-01T10:00:00+08:00", "taobao", "counterfeit", "taken_down", "none", False),
    "not a record",
    MappingProxyType(
        {
            "submitted_at": "2026-04-01T10:00:00+08:00",
            "platform": "taobao",
            "reason": "x",
            "outcome": "pending",
        }
    ),
    rec(),
]
"""Entries that are not dicts: the model decides."""


def _edits(values: dict[str, list[Any]], *, shapes: bool) -> st.SearchStrategy[Any]:
    edits = [
        st.tuples(st.sampled_from(sorted(values)), st.just("=")).flatmap(
            lambda pair: st.tuples(st.just(pair[0]), st.sampled_from(values[pair[0]]))
        )
    ]
    if shapes:
        edits += [
            st.tuples(st.just("whole"), st.sampled_from(OTHERS)),
            st.tuples(st.just("drop"), st.sampled_from(list(RECORD_FIELDS))),
            st.tuples(st.just("add"), st.just("note")),
        ]
    return st.one_of(edits)


RECORD_FIELDS = ("submitted_at", "platform", "reason", "outcome", "counter_notification")


@st.composite
def histories(draw: st.DrawFn, *, slow: int, wrong: int, size: int) -> list[Any]:
    """Right records as mappings, a few values the model takes only the slow way, and up to
    ``wrong`` wrong values or entries of another shape."""
    history: list[Any] = draw(st.lists(RECORDS, min_size=1, max_size=size))
    changes = draw(st.lists(_edits(SLOW, shapes=False), max_size=slow))
    changes += draw(st.lists(_edits(WRONG, shapes=True), max_size=wrong))
    for what, value in changes:
        index = draw(st.integers(0, len(history) - 1))
        entry = history[index]
        if what == "whole" or not isinstance(entry, dict):
            history[index] = value if what == "whole" else entry
        elif what == "drop":
            entry.pop(value, None)
        elif what == "add":
            entry[value] = 1
        else:
            entry[what] = value
    return history


def _model_way(history: list[Any]) -> tuple[list[tuple[Any, ...]] | None, list[Problem]]:
    try:
        records = history_records(history)
    except HistoryError as exc:
        return None, list(exc.problems)
    return [record_values(r) for r in records], []


@settings(max_examples=examples(600), deadline=None)
@given(history=histories(slow=2, wrong=3, size=8), batch=st.sampled_from([1, 3, 1 << 16]))
def test_a_mapping_is_read_to_the_values_and_problems_the_model_gives(
    history: list[Any], batch: int
) -> None:
    values, problems = _model_way(history)
    found: list[Problem] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "BATCH_ROWS", batch)
        entries = [
            (moment, *read.combinations.values[number])
            for read in history_batches(history, found)
            for moment, number in zip(read.times, read.numbers, strict=True)
        ]
    assert (list(HistoryError(found).problems) if found else []) == problems
    if values is not None:
        assert entries == values
        assert [type(v) for e in entries for v in e] == [type(v) for e in values for v in e]


@settings(max_examples=examples(300), deadline=None)
@given(
    history=histories(slow=3, wrong=1, size=60),
    as_of=st.sampled_from([AS_OF, date(2026, 4, 15), datetime(2026, 5, 1, 9, 30, tzinfo=SHANGHAI)]),
)
def test_a_history_of_mappings_is_decided_as_its_models_are(history: list[Any], as_of: Any) -> None:
    try:
        records = history_records(history)
    except HistoryError as exc:
        with pytest.raises(HistoryError) as caught:
            evaluate_good_faith_history(POLICY, history, as_of)
        assert caught.value.problems == exc.problems
        return
    expected = evaluate_good_faith(POLICY, records, as_of)
    assert evaluate_good_faith_history(POLICY, history, as_of) == expected
    assert evaluate_good_faith_history(POLICY, iter(history), as_of) == expected


def test_a_bad_history_is_reported_before_a_bad_question():
    # The engine validated the history first, then asked the question.
    bad = [
        {
            "submitted_at": "2026-04-01T10:00:00+08:00",
            "platform": "taobao",
            "reason": "x",
            "outcome": "taken_dwn",
        }
    ]
    with pytest.raises(HistoryError) as caught:
        evaluate_good_faith_history(POLICY, bad, datetime(2026, 5, 1))  # naive: a bad question
    assert [p.location for p in caught.value.problems] == ["history[0].outcome"]
    with pytest.raises(HistoryError):
        evaluate_good_faith_history(POLICY, iter(bad), AS_OF, platform="ebay")
    with pytest.raises(GoodFaithError, match="no timezone"):
        evaluate_good_faith_history(POLICY, [], datetime(2026, 5, 1))
    with pytest.raises(HistoryError, match="expected a list of records"):
        evaluate_good_faith_history(POLICY, {"a": 1}, AS_OF)  # type: ignore[arg-type]
