"""history.py: a Good Faith reporting history read row by row, as CSV with a header row or as
JSON lines; each valid row is a record with its line, each bad row a problem at its line, and
reading goes on so that every bad row is reported."""

from __future__ import annotations

import io
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ipp_rules.cli.history import MAX_REPORTED, HistoryReader, evaluate_file
from ipp_rules.errors import HistoryError
from ipp_rules.goodfaith import GoodFaithPolicy
from ipp_rules.problems import Problem
from ipp_rules.rulesets.bundle import load_bundle
from tests.conftest import BUNDLE, REPO

HEADER = "submitted_at,platform,reason,outcome,counter_notification,false_information\n"
MARCH_2 = datetime(2026, 3, 2, 2, tzinfo=UTC).timestamp()  # 2026-03-02T10:00:00+08:00
MARCH_3 = datetime(2026, 3, 3, 10, tzinfo=UTC).timestamp()


def problems(reader: HistoryReader) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in reader.problems]


def test_csv_rows_are_records_with_their_lines() -> None:
    reader = HistoryReader(
        [
            HEADER,
            "2026-03-02T10:00:00+08:00,taobao,counterfeit,taken_down,,\n",
            "\n",
            "2026-03-03T10:00:00Z,tmall,counterfeit,withdrawn,succeeded,TRUE\n",
        ],
        "history.csv",
    )
    assert list(reader) == [
        (MARCH_2, "taobao", "counterfeit", "taken_down", "none", False),
        (MARCH_3, "tmall", "counterfeit", "withdrawn", "succeeded", True),
    ]
    assert (reader.kind, reader.location(0), reader.location(1)) == (
        "csv",
        "history.csv:2",
        "history.csv:4",
    )
    assert reader.problems == [] and reader.error() is None


def test_a_byte_order_mark_before_the_header_is_dropped() -> None:
    reader = HistoryReader(
        [
            "\ufeffsubmitted_at,platform,reason,outcome\n",
            "2026-03-02T10:00:00+08:00,1688,x,pending\n",
        ],
        "history.csv",
    )
    assert list(reader) == [(MARCH_2, "1688", "x", "pending", "none", False)]


def test_bad_csv_rows_are_each_located_and_the_others_still_read() -> None:
    reader = HistoryReader(
        [
            HEADER,
            "2026-03-04T10:00:00,tmall,counterfeit,rejected,,\n",
            "2026-03-05T10:00:00+08:00,tmal,counterfeit,rejected,succeeded,maybe\n",
            "2026-03-05T10:00:00+08:00,taobao\n",
            ",taobao,counterfeit,,,\n",
            "2026-03-02T10:00:00+08:00,taobao,counterfeit,taken_down,,\n",
        ],
        "history.csv",
    )
    assert [row[1] for row in reader] == ["taobao"]
    assert reader.location(0) == "history.csv:6"
    assert problems(reader) == [
        (
            "history.csv:2",
            "submitted_at: '2026-03-04T10:00:00' has no offset: add one, like +08:00 or Z",
        ),
        (
            "history.csv:3",
            "platform: expected one of taobao, tmall, tmall_global, 1688, aliexpress, "
            "alibaba_com, lazada; did you mean 'tmall'? (got 'tmal')",
        ),
        (
            "history.csv:3",
            "counter_notification: a request that was rejected has no listing to "
            "counter-notify: counter_notification must be none (got 'succeeded')",
        ),
        ("history.csv:3", "false_information: expected true or false (got 'maybe')"),
        ("history.csv:4", "expected 6 values, like the header row (got 2)"),
        ("history.csv:5", "missing submitted_at"),
        ("history.csv:5", "missing outcome"),
    ]
    assert reader.bad_rows == 4
    error = reader.error()
    assert isinstance(error, HistoryError) and len(error.problems) == 7


def test_a_bad_header_stops_the_reading() -> None:
    reader = HistoryReader(
        ["submitted_at,platform,reason,outcom,platform\n", "x,y,z,w,v\n"], "history.csv"
    )
    assert list(reader) == []
    assert problems(reader) == [
        ("history.csv:1", "column 'platform' appears more than once"),
        ("history.csv:1", "unknown column 'outcom'; did you mean 'outcome'?"),
        ("history.csv:1", "missing column 'outcome'"),
    ]


def test_an_empty_file_and_a_line_that_is_not_utf_8() -> None:
    empty = HistoryReader([], "history.csv")
    assert list(empty) == []
    assert problems(empty) == [
        (
            "history.csv:1",
            "the file is empty: expected a header row (submitted_at, platform, reason, outcome...)",
        )
    ]
    binary = HistoryReader(
        [b"submitted_at,platform,reason,outcome\n", b"\xff,x\n", b"more\n"], "history.csv"
    )
    assert list(binary) == []
    assert problems(binary) == [("history.csv:2", "not valid UTF-8: invalid start byte at byte 1")]


def test_json_lines_take_json_booleans_only() -> None:
    row = (
        '{"submitted_at": "2026-03-02T10:00:00+08:00", "platform": "taobao", '
        '"reason": "counterfeit", "outcome": "taken_down"'
    )
    reader = HistoryReader(
        [
            row + "}\n",
            row + ', "false_information": "true"}\n',
            "[1]\n",
            '{"submited_at": 1}\n',
            "{bad\n",
            row.replace('"2026-03-02T10:00:00+08:00"', "5") + "}\n",
            "\n",
            row + ', "false_information": true}\n',
        ],
        "history.txt",
    )
    assert list(reader) == [
        (MARCH_2, "taobao", "counterfeit", "taken_down", "none", False),
        (MARCH_2, "taobao", "counterfeit", "taken_down", "none", True),
    ]
    assert (reader.kind, reader.location(1)) == ("jsonl", "history.txt:8")
    assert problems(reader) == [
        ("history.txt:2", "false_information: expected true or false (got 'true')"),
        ("history.txt:3", 'expected a JSON object, like {"submitted_at": ...}'),
        ("history.txt:4", "unknown field 'submited_at'; did you mean 'submitted_at'?"),
        (
            "history.txt:5",
            "not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
        ("history.txt:6", "submitted_at: expected an ISO-8601 time as text (got 5)"),
    ]


@pytest.mark.parametrize(
    ("label", "head", "kind"),
    [
        ("history.csv", ['{"submitted_at": 1}\n'], "csv"),  # the name decides first
        ("history.ndjson", [HEADER], "jsonl"),
        ("HISTORY.JSON", [], "jsonl"),
        ("<stdin>", ["\n", '  {"submitted_at": 1}\n'], "jsonl"),  # then the first line
        ("<stdin>", [HEADER], "csv"),
        ("<stdin>", [], "csv"),
    ],
    ids=["csv_name", "ndjson_name", "json_name", "object_line", "header_line", "nothing"],
)
def test_the_format_is_told_by_the_name_then_the_first_line(
    label: str, head: list[str], kind: str
) -> None:
    assert HistoryReader(head, label).kind == kind


def test_only_the_first_bad_rows_are_reported_one_by_one() -> None:
    reader = HistoryReader(["submitted_at,platform,reason,outcome\n"] + [",,,\n"] * 52, "h.csv")
    assert list(reader) == []
    assert reader.bad_rows == 52
    assert len(reader.problems) == 4 * MAX_REPORTED == 200
    error = reader.error()
    assert error is not None
    assert error.problems[0] == Problem("and 2 more bad rows", file="h.csv")
    assert len(error.problems) == 201


@pytest.fixture(scope="module")
def policy() -> GoodFaithPolicy:
    good_faith = load_bundle(BUNDLE).good_faith
    assert good_faith is not None
    return good_faith


def test_a_history_file_is_evaluated(policy: GoodFaithPolicy) -> None:
    history = REPO / "docs" / "examples" / "history-2027.csv"
    assert evaluate_file(policy, str(history), date(2027, 3, 1)).eligible is True


def test_bad_rows_of_a_history_file_are_one_error(policy: GoodFaithPolicy, tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text(
        "submitted_at,platform,reason,outcome\n"
        "2026-03-02T10:00:00+08:00,taobao,counterfeit,taken_down\n"
        "2026-03-02T10:00:00,taobao,counterfeit,taken_down\n"
    )
    with pytest.raises(HistoryError) as raised:
        evaluate_file(policy, str(history), date(2026, 4, 1))
    assert [(p.location, p.message) for p in raised.value.problems] == [
        (
            f"{history}:3",
            "submitted_at: '2026-03-02T10:00:00' has no offset: add one, like +08:00 or Z",
        )
    ]


def test_a_dash_reads_the_history_from_standard_input(
    policy: GoodFaithPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "submitted_at,platform,reason,outcome\n2026-03-02T10:00:00,taobao,x,taken_down\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(rows.encode())))
    with pytest.raises(HistoryError) as raised:
        evaluate_file(policy, "-", date(2026, 4, 1))
    assert [p.location for p in raised.value.problems] == ["<stdin>:2"]
