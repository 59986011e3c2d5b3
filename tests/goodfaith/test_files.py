"""files.py: a Good Faith reporting history read row by row, as CSV with a header row or as
JSON lines; each valid row is a record with its line, each bad row a problem at its line, and
reading goes on so that every bad row is reported."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipp_rules import Engine
from ipp_rules.errors import HistoryError
from ipp_rules.goodfaith import files, history_from_csv, lines
from ipp_rules.goodfaith.files import FIELDS, HistoryReader, seconds_of
from ipp_rules.goodfaith.history import MAX_REPORTED
from ipp_rules.goodfaith.instants import PosixTimes
from ipp_rules.problems import Problem
from tests.conftest import examples
from tests.goodfaith.test_instants import model_utc

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


# ---------------------------------------------------------------------------------------------
# A stream read in blocks, and the fast way through a CSV file


def read(data: bytes, label: str = "history.csv", kind: str = "auto") -> HistoryReader:
    """A reader of ``data`` as a stream, read whole: its rows are in :attr:`rows`."""
    reader = HistoryReader.from_stream(io.BytesIO(data), label, kind)
    reader.rows = list(reader)  # type: ignore[attr-defined]
    return reader


def outcome(reader: HistoryReader) -> tuple[Any, ...]:
    """Everything a reading gives: rows, their lines, problems, bad rows."""
    rows = reader.rows if hasattr(reader, "rows") else list(reader)
    return (
        rows,
        [reader.location(i) for i in range(len(rows))],
        problems(reader),
        reader.bad_rows,
    )


CELLS: dict[str, list[str]] = {
    "submitted_at": [
        "2026-03-02T10:00:00+08:00",
        "2026-03-02T10:15:00+08:00",
        "2026-04-01T02:00:00Z",
        "2026-04-01 02:00:00.5Z",
        " 2026-03-02T10:00:00+08:00 ",
        "2026-03-02T10:00:00z",
        "2026-03-02T10:00:00",
        "2026-03-02T10:00:00+08",
        "2026-02-30T10:00:00+08:00",
        "0001-01-01T00:00:00+14:00",
        "",
        "1789000000",
    ],
    "platform": ["taobao", "tmall", "1688", "aliexpress", "tmal", "", "taobao,tmall"],
    "reason": ["counterfeit", "test_buy", " x", 'say "no"', "two\nlines", "", "x" * 101],
    "outcome": ["taken_down", "rejected", "pending", "withdrawn", "taken_dwn", ""],
    "counter_notification": ["none", "", "succeeded", "failed", "false"],
    "false_information": ["false", "", "true", "TRUE", " False ", "maybe", "1"],
}
"""Cells right and wrong, some the csv module must quote (a comma, a quote, a line break)."""


@st.composite
def csv_files(draw: st.DrawFn, order: tuple[str, ...]) -> tuple[list[list[str]], str]:
    fields = draw(st.sampled_from([FIELDS, FIELDS[:4], FIELDS[:5]]))
    rows = draw(
        st.lists(
            st.one_of(
                st.tuples(*(st.sampled_from(CELLS[f][:3]) for f in fields)),  # mostly right
                st.tuples(*(st.sampled_from(CELLS[f]) for f in fields)),
                st.just(()),  # a blank line
                st.just(("2026-03-02T10:00:00+08:00", "taobao")),  # too few values
            ).map(list),
            max_size=30,
        )
    )
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return [list(fields), *rows], ending


def written(table: list[list[str]], order: list[int], ending: str, bom: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=ending)
    for row in table:
        writer.writerow(
            [row[i] for i in order if i < len(row)] if len(row) == len(table[0]) else row
        )
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


@settings(max_examples=examples(400), deadline=None)
@given(
    file=csv_files(FIELDS),
    bom=st.booleans(),
    block=st.sampled_from([16, 64, 4096]),
    batch=st.sampled_from([1, 3, 1 << 16]),
)
def test_the_fast_way_reads_as_the_careful_way(
    file: tuple[list[list[str]], str], bom: bool, block: int, batch: int
) -> None:
    # The time first: lines split at their first comma once their rest is known. The time
    # last: every line through the csv module. The same rows, lines and problems either way,
    # in any size of block, and as the lines read one by one.
    table, ending = file
    width = len(table[0])
    first = written(table, list(range(width)), ending, bom)
    last = written(table, [*range(1, width), 0], ending, bom)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lines, "BLOCK_BYTES", block)
        patch.setattr(files, "BATCH_ROWS", batch)
        fast, careful = read(first), read(last)
        one_by_one = HistoryReader(io.BytesIO(first).readlines(), "history.csv")
        assert outcome(one_by_one) == outcome(fast)
    assert outcome(fast) == outcome(careful)


def test_a_rest_is_only_known_once_read_right() -> None:
    # The same rest after a time the model refuses, then after a right one: the first line is
    # a problem, the second a row; a quoted rest is read by the csv module every time.
    data = (
        HEADER
        + "2026-03-02T10:00:00,taobao,counterfeit,taken_down,none,false\n"
        + "2026-03-02T10:00:00+08:00,taobao,counterfeit,taken_down,none,false\n"
        + "2026-03-02T11:00:00+08:00,taobao,counterfeit,taken_down,none,false\n"
        + '2026-03-02T12:00:00+08:00,"taobao",counterfeit,taken_down,none,false\n'
        + '2026-03-02T13:00:00+08:00,"taobao",counterfeit,taken_down,none,false\n'
        + "2026-03-02T14:00:00+08:00,taobao,counterfeit,taken_dwn,none,false\n"
        + "2026-03-02T15:00:00+08:00,taobao,counterfeit,taken_dwn,none,false\n"
    ).encode()
    reader = read(data)
    assert [row[0] for row in reader.rows] == [MARCH_2 + 3600 * h for h in range(4)]  # type: ignore[attr-defined]
    assert [reader.location(i) for i in range(4)] == [f"history.csv:{n}" for n in (3, 4, 5, 6)]
    assert [line for line, _ in problems(reader)] == [f"history.csv:{n}" for n in (2, 7, 8)]


def test_a_quoted_value_over_two_lines_is_one_row_at_its_last_line() -> None:
    data = (
        HEADER
        + '2026-03-02T10:00:00+08:00,taobao,counterfeit,taken_down,none,"true\n"\n'
        + '2026-03-02T11:00:00+08:00,taobao,"test,buy",taken_down,none,false\n'
        + '2026-03-02T12:00:00+08:00,taobao,"open\n'
    ).encode()
    reader = read(data)
    assert [row[2::3] for row in reader.rows] == [("counterfeit", True), ("test,buy", False)]  # type: ignore[attr-defined]
    assert [reader.location(i) for i in range(2)] == ["history.csv:3", "history.csv:4"]
    assert problems(reader) == [("history.csv:5", "not valid CSV: unexpected end of data")]


def test_a_bad_line_in_a_later_block_is_located(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lines, "BLOCK_BYTES", 256)
    row = "2026-03-02T10:00:00+08:00,taobao,counterfeit,taken_down,none,false\n"
    data = (HEADER + row * 20).encode() + b"2026-03-02T10:00:00+08:00,\xff,x,pending,,\n"
    reader = read(data + row.encode())
    assert len(reader.rows) == 20  # type: ignore[attr-defined]
    assert problems(reader) == [
        ("history.csv:22", "not valid UTF-8: invalid start byte at byte 27")
    ]
    monkeypatch.setattr(lines, "MAX_LINE_BYTES", 300)
    long = "2026-03-02T10:00:00+08:00,taobao," + "x" * 300 + ",pending,,\n"
    reader = read((HEADER + row * 20 + long + row).encode())
    assert len(reader.rows) == 20  # type: ignore[attr-defined]
    assert problems(reader) == [("history.csv:22", "line longer than 300 bytes")]
    reader = read((HEADER + row * 20).encode() + b"x" * 700)  # a last line with no end
    assert problems(reader) == [("history.csv:22", "line longer than 300 bytes")]


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02T10:00:00+08:00",
        " 2026-03-02T10:00:00+08:00 ",
        "2026-03-02T10:00:00.123456789+08:00",
        "2026-03-02t10:00:00z",
        "2026-03-02T10:00+0800",
        "2026-03-02T10:00:00+08",
        "2026-03-02T10:00:00+08:00:30",
        "2026-03-02T10:00:00+08:60",
        "2026-03-02T10:00:00.+08:00",
        "2026-03-02T10:00:00 +08:00",
        "2026-03-02X10:00:00+08:00",
        "2026-03-02T10:00:00",
        "1899-12-31T23:00:00Z",
    ],
)
def test_a_file_takes_the_times_the_model_takes(text: str) -> None:
    # fromisoformat took +08, an offset with seconds or 60 minutes, and refused z.
    seconds = seconds_of(text, PosixTimes())
    model = model_utc(text.strip())
    if model is None:
        assert isinstance(seconds, str)
    else:
        assert seconds == model.timestamp()


def test_a_history_from_csv_text_or_a_path(tmp_path: Path) -> None:
    text = HEADER + "2026-03-02T10:00:00+08:00,taobao,counterfeit,taken_down,,\n"
    history = history_from_csv(text)
    assert (
        list(history)
        == list(history)
        == [(MARCH_2, "taobao", "counterfeit", "taken_down", "none", False)]
    )
    assert (history.label, history.location(0)) == ("<text>", "<text>:2")
    path = tmp_path / "history.csv"
    path.write_text(text + "2026-03-02T10:00:00,taobao,counterfeit,taken_down,,\n")
    with pytest.raises(HistoryError) as caught:
        list(history_from_csv(path))
    assert [(p.location, p.message) for p in caught.value.problems] == [
        (
            f"{path}:3",
            "submitted_at: '2026-03-02T10:00:00' has no offset: add one, like +08:00 or Z",
        )
    ]
    with pytest.raises(IndexError):
        history_from_csv(path).location(0)  # nothing read yet
    with pytest.raises(FileNotFoundError):
        list(history_from_csv(tmp_path / "missing.csv"))


def test_the_engine_decides_a_history_file_naming_records_by_line(tmp_path: Path) -> None:
    rows = [
        f"2026-04-01T{h:02d}:00:00+08:00,taobao,counterfeit,taken_down,none,false\n"
        for h in range(24)
    ]
    flagged = "2025-12-24T18:05:00+08:00,aliexpress,counterfeit,rejected,none,true\n"
    path = tmp_path / "history.csv"
    path.write_text(HEADER + "".join(rows * 5) + flagged)
    with Engine.default(backend="reference") as engine:
        result = engine.good_faith(history_from_csv(path), date(2026, 5, 31))
    assert [(f.code, f.path) for f in result.findings] == [
        ("GOOD_FAITH_FALSE_INFORMATION", f"{path}:122")
    ]
    assert result.metrics.requests == 120
