"""``ipp-rules good-faith --all-accounts HISTORY``: every account, to a file or the screen."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ipp_rules.goodfaith import evaluate_good_faith_accounts
from tests.cli import conftest
from tests.goodfaith.histories import AS_OF, POLICY

HEADER = "submitted_at,platform,reason,outcome,counter_notification,false_information,account\n"


def call(*argv: str | Path) -> tuple[int, str, str]:
    return conftest.call("good-faith", "--all-accounts", *argv)


def write_history(path: Path, good: int = 100, bad: int = 0) -> Path:
    """Account ``good`` qualifies (100 takedowns); ``poor`` does not (rejections)."""
    lines = [HEADER]
    lines += [
        f"2026-04-01T10:{i % 60:02d}:00+08:00,taobao,counterfeit,taken_down,none,false,good\n"
        for i in range(good)
    ]
    lines += [
        f"2026-04-02T10:{i % 60:02d}:00+08:00,tmall,test_buy,rejected,none,false,poor\n"
        for i in range(bad)
    ]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_every_account_eligible_exits_0_and_prints_a_table(tmp_path: Path) -> None:
    code, out, _ = call(write_history(tmp_path / "h.csv"), "--as-of", "2026-05-31")
    assert code == 0
    assert "good     eligible" in out
    assert "1 accounts: 1 eligible, 0 not eligible" in out


def test_outputs_read_back_as_the_library_answers(tmp_path: Path) -> None:
    history = write_history(tmp_path / "h.csv", good=100, bad=3)
    expected = evaluate_good_faith_accounts(POLICY, str(history), AS_OF)
    rows = list(expected.rows())
    for name in ("out.jsonl", "out.csv", "out.parquet"):
        code, out, _ = call(history, "--as-of", "2026-05-31", "--output", tmp_path / name)
        assert code == 1, name
        assert "2 accounts: 1 eligible, 1 not eligible; written to" in out
    jsonl = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert jsonl == rows
    with (tmp_path / "out.csv").open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [row["account"] for row in table] == ["good", "poor"]
    assert table[1]["finding_codes"].split() == rows[1]["finding_codes"]
    assert json.loads(table[1]["findings"]) == rows[1]["findings"]
    assert table[1]["eligible"] == "false"
    pq = pytest.importorskip("pyarrow.parquet")
    parquet = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [json.loads(row["findings"]) for row in parquet] == [r["findings"] for r in rows]
    assert [row["requests"] for row in parquet] == [100, 3]


def test_json_on_standard_output(tmp_path: Path) -> None:
    code, out, _ = call(
        write_history(tmp_path / "h.csv", bad=1), "--as-of", "2026-05-31", "--format", "json"
    )
    document = json.loads(out)
    assert code == 1
    assert (document["accounts"], document["eligible"], document["not_eligible"]) == (2, 1, 1)
    assert [row["account"] for row in document["results"]] == ["good", "poor"]


def test_a_parquet_history_is_read_by_its_content(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    table = pcsv.read_csv(
        write_history(tmp_path / "h.csv"),
        convert_options=pcsv.ConvertOptions(column_types={"submitted_at": pa.string()}),
    )
    pq.write_table(table, tmp_path / "history.data")
    code, out, _ = call(tmp_path / "history.data", "--as-of", "2026-05-31")
    assert code == 0, out


def test_bad_rows_and_arguments_exit_2(tmp_path: Path) -> None:
    history = tmp_path / "bad.csv"
    history.write_text(
        HEADER
        + "2026-04-01T10:00:00,taobao,counterfeit,taken_down,none,false,a\n"
        + "2026-04-01T10:00:00Z,taobao,counterfeit,taken_down,none,false,\n"
    )
    code, _, err = call(history, "--as-of", "2026-05-31", "--output", tmp_path / "out.jsonl")
    assert code == 2
    assert "bad.csv:2: submitted_at: '2026-04-01T10:00:00' has no offset" in err
    assert "bad.csv:3: missing account" in err
    assert not (tmp_path / "out.jsonl").exists()
    no_column = tmp_path / "one.csv"
    no_column.write_text(
        HEADER.replace(",account", "") + "2026-04-01T10:00:00Z,taobao,c,taken_down,none,false\n"
    )
    code, _, err = call(no_column, "--as-of", "2026-05-31")
    assert code == 2 and "missing column 'account'" in err
    code, _, err = call(write_history(tmp_path / "h.csv"), "--output", tmp_path / "out.txt")
    assert code == 2 and "--output: expected a file ending in .parquet, .jsonl, .csv" in err
    code, _, err = call(write_history(tmp_path / "h.csv"), "--membership", "removed:2026-03-10")
    assert code == 2 and "--membership" in err
    code, _, err = conftest.call("good-faith", tmp_path / "h.csv", "--output", tmp_path / "o.csv")
    assert code == 2 and "--output is for --all-accounts" in err
