"""``ipp-rules good-faith HISTORY``: called through ``run`` and as a subprocess of a tiny main."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ipp_rules.cli import good_faith
from ipp_rules.cli.history import MAX_LINE_BYTES
from ipp_rules.goodfaith import HistoryError, history_records
from tests.cli import conftest
from tests.conftest import BUNDLE, REPO, as_documented

HEADER = "submitted_at,platform,reason,outcome,counter_notification,false_information\n"

# The tiny main another developer's `ipp-rules` wires the same way.
MAIN = """
import argparse, sys
from ipp_rules.cli import good_faith
parser = argparse.ArgumentParser(prog="ipp-rules")
good_faith.add_parser(parser.add_subparsers(dest="command", required=True))
sys.exit(good_faith.run(parser.parse_args(), sys.stdout, sys.stderr))
"""


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ipp-rules")
    good_faith.add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["good-faith", *argv])


def call(*argv: str) -> tuple[int, str, str]:
    return conftest.call("good-faith", *argv)


def csv_history(path: Path, taken_down: int, rejected: int = 0, reinstated: int = 0) -> Path:
    rows = [HEADER]
    for i in range(taken_down):
        counter = "succeeded" if i < reinstated else "none"
        rows.append(
            f"2026-04-01T{i % 24:02d}:00:00+08:00,taobao,counterfeit,taken_down,{counter},false\n"
        )
    rows.extend("2026-04-02T10:00:00+08:00,tmall,counterfeit,rejected,,\n" for _ in range(rejected))
    path.write_text("".join(rows))
    return path


def test_an_eligible_csv_history_exits_0(tmp_path: Path):
    history = csv_history(tmp_path / "history.csv", 90, rejected=10)
    status, out, err = call(str(history), "--as-of", "2026-05-31")
    assert (status, err) == (0, "")
    assert out.startswith("Good Faith Program: eligible\n")
    assert "  window                                2026-02-28 00:00 to 2026-05-31 00:00" in out
    assert "successful takedown rate              90% (90 of 100), at least 90%: met" in out
    assert "findings:" not in out


def test_a_history_that_misses_a_threshold_exits_1_and_explains(tmp_path: Path):
    history = csv_history(tmp_path / "history.csv", 100, reinstated=6)
    status, out, _ = call(str(history), "--as-of", "2026-05-31")
    assert status == 1
    assert out.startswith("Good Faith Program: NOT eligible\n")
    assert "successful counter-notification rate  6% (6 of 100), at most 5%: NOT MET" in out
    assert "  GOOD_FAITH_COUNTER_RATE_HIGH: The successful counter-notification rate" in out
    assert "source: Alibaba IPP" in out


def test_json_lines_in_and_json_out(tmp_path: Path):
    lines = [
        {
            "submitted_at": "2026-04-01T10:00:00+08:00",
            "platform": "taobao",
            "reason": "counterfeit",
            "outcome": "taken_down",
        }
    ] * 120
    history = tmp_path / "history"  # no suffix: sniffed from the first line
    history.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")
    status, out, _ = call(str(history), "--as-of", "2026-05-31", "--format", "json")
    assert status == 0
    result = json.loads(out)
    assert result["eligible"] is True
    assert result["metrics"]["requests"] == 120
    assert result["metrics"]["rates"]["takedown_success_rate"] == {
        "numerator": 120,
        "denominator": 120,
        "value": 1,
        "percent": "100%",
        "bound": "min",
        "threshold": 0.9,
        "threshold_percent": "90%",
        "met": True,
    }
    assert '"value": 1.0,' in out and '"threshold": 0.9,' in out  # numbers, not text
    assert result["metrics"]["window_start"] == "2026-02-28T00:00:00+08:00"


def test_false_information_on_another_marketplace_is_named_by_its_line(tmp_path: Path):
    clean = "2026-04-01T10:00:00+08:00,taobao,counterfeit,taken_down,none,false\n"
    history = tmp_path / "history.csv"
    history.write_text(
        HEADER
        + clean * 100
        + "\n"  # a blank line is skipped, but still a line of the file
        + "2025-12-02T09:30:00+08:00,aliexpress,counterfeit,rejected,,true\n"
        + clean * 50
    )
    status, out, err = call(str(history), "--as-of", "2026-05-31")
    assert (status, err) == (1, "")
    assert out.startswith("Good Faith Program: NOT eligible\n")
    assert "  requests                              150 (at least 100)\n" in out
    assert (
        "  false information                     1 request (whole history, every marketplace)\n"
        in (out)
    )
    assert (
        f"  GOOD_FAITH_FALSE_INFORMATION: {history}:103, submitted 2025-12-02 09:30 "
        "(Asia/Shanghai) on aliexpress, was found to contain deliberately false information (1 "
        "takedown request in the reporting history on any of the account's marketplaces); the "
        "Good Faith Program admits no account with such a history.\n"
    ) in out
    status, out, _ = call(str(history), "--as-of", "2026-05-31", "--format", "json")
    result = json.loads(out)
    assert (status, result["eligible"]) == (1, False)
    assert [(f["code"], f["path"]) for f in result["findings"]] == [
        ("GOOD_FAITH_FALSE_INFORMATION", f"{history}:103")
    ]
    assert result["metrics"]["false_information"] == 1
    assert result["metrics"]["other_marketplace_requests"] == 0


def test_a_json_lines_history_names_the_false_information_line(tmp_path: Path):
    record = {
        "submitted_at": "2026-04-01T10:00:00+08:00",
        "platform": "tmall",
        "reason": "counterfeit",
        "outcome": "taken_down",
    }
    flagged = {**record, "platform": "lazada", "false_information": True}
    history = tmp_path / "history.jsonl"
    history.write_text(
        "\n".join(json.dumps(line) for line in [record] * 120 + [flagged] + [record]) + "\n"
    )
    status, out, _ = call(str(history), "--as-of", "2026-05-31", "--format", "json")
    result = json.loads(out)
    assert (status, result["eligible"]) == (1, False)
    assert [f["path"] for f in result["findings"]] == [f"{history}:121"]
    assert result["metrics"]["false_information"] == 1
    assert result["metrics"]["other_marketplace_requests"] == 1


def test_every_bad_row_is_reported_with_its_line_number(tmp_path: Path):
    history = tmp_path / "history.csv"
    history.write_text(
        HEADER
        + "2026-04-01T10:00:00+08:00,taobao,counterfeit,taken_down,none,false\n"
        + "2026-04-01T10:00:00,taobao,counterfeit,taken_dwn,none,false\n"
        + "2026-04-01T10:00:00+08:00,ebay,counterfeit,rejected,succeeded,maybe\n"
        + "2026-04-01T10:00:00+08:00,taobao\n"
        + "2026-04-01T10:00:00+08:00,taobao,,taken_down,none,false\n"
    )
    status, out, err = call(str(history), "--as-of", "2026-05-31")
    assert (status, out) == (2, "")
    path = str(history)
    assert err.splitlines() == [
        "ipp-rules good-faith: invalid reporting history (7 problems)",
        f"  {path}:3: submitted_at: '2026-04-01T10:00:00' has no offset: add one, like +08:00 or Z",
        f"  {path}:3: outcome: expected one of taken_down, rejected, withdrawn, pending; "
        "did you mean 'taken_down'? (got 'taken_dwn')",
        f"  {path}:4: platform: expected one of taobao, tmall, tmall_global, 1688, aliexpress, "
        "alibaba_com, lazada (got 'ebay')",
        f"  {path}:4: counter_notification: a request that was rejected has no listing to "
        "counter-notify: counter_notification must be none (got 'succeeded')",
        f"  {path}:4: false_information: expected true or false (got 'maybe')",
        f"  {path}:5: expected 6 values, like the header row (got 2)",
        f"  {path}:6: missing reason",
    ]


def test_a_file_and_the_python_api_report_bad_records_in_the_same_words(tmp_path: Path):
    good = {
        "submitted_at": "2026-04-01T10:00:00+08:00",
        "platform": "taobao",
        "reason": "counterfeit",
        "outcome": "taken_down",
    }
    records = [
        good,
        {**good, "outcome": "taken_dwn"},
        {**good, "outcome": "pending", "counter_notification": "failed"},
        {**good, "platform": "ebay", "false_information": 1, "reason": " x"},
    ]
    history = tmp_path / "history.jsonl"
    history.write_text("".join(json.dumps(record) + "\n" for record in records))
    status, _, err = call(str(history), "--as-of", "2026-05-31")
    assert status == 2
    with pytest.raises(HistoryError) as caught:
        history_records(records)
    from_api = [
        f"  {history}:{p.path[1] + 1}: {p.path[2]}: {p.message}"  # a JSON line per record
        for p in caught.value.problems
    ]
    assert len(from_api) == 5
    assert err.splitlines()[1:] == from_api


def test_an_unknown_column_is_reported_with_a_suggestion(tmp_path: Path):
    history = tmp_path / "history.csv"
    history.write_text("submitted_at,platform,reason,outcome,counter_notificaton\n")
    status, _, err = call(str(history))
    assert status == 2
    assert f"{history}:1: unknown column 'counter_notificaton'; did you mean " in err


def test_bad_json_lines_are_located(tmp_path: Path):
    history = tmp_path / "history.jsonl"
    history.write_text(
        '{"submitted_at": "2026-04-01T10:00:00+08:00", "platform": "taobao", '
        '"reason": "counterfeit", "outcome": "taken_down"}\n'
        "\n"
        "{not json\n"
        '["a list"]\n'
        '{"submitted_at": "2026-04-01T10:00:00+08:00", "platfrom": "taobao"}\n'
        '{"submitted_at": 5, "platform": ["taobao"], "reason": "x", "outcome": "pending"}\n'
    )
    status, _, err = call(str(history), "--as-of", "2026-05-31")
    assert status == 2
    assert f"{history}:3: not valid JSON" in err
    assert f"{history}:4: expected a JSON object" in err
    assert f"{history}:5: unknown field 'platfrom'; did you mean 'platform'?" in err
    assert f"{history}:6: submitted_at: expected an ISO-8601 time as text (got 5)" in err
    assert f"{history}:6: platform: expected one of" in err


def test_one_and_zero_are_not_booleans_even_after_true_and_false(tmp_path: Path):
    """1 == True in Python: a row with 1 must not pass because a row with true did."""
    row = (
        '{{"submitted_at": "2026-04-0{day}T10:00:00+08:00", "platform": "taobao", '
        '"reason": "counterfeit", "outcome": "taken_down", "false_information": {value}}}\n'
    )
    history = tmp_path / "history.jsonl"
    history.write_text(
        row.format(day=1, value="true")
        + row.format(day=2, value="1")
        + row.format(day=3, value="false")
        + row.format(day=4, value="0")
    )
    status, _, err = call(str(history), "--as-of", "2026-05-31")
    assert status == 2
    assert f"{history}:2: false_information: expected true or false (got 1)" in err
    assert f"{history}:4: false_information: expected true or false (got 0)" in err
    assert f"{history}:1:" not in err and f"{history}:3:" not in err


def test_an_empty_csv_file_is_not_an_empty_history(tmp_path: Path):
    history = tmp_path / "history.csv"
    history.write_bytes(b"")
    status, _, err = call(str(history))
    assert status == 2
    assert f"{history}:1: the file is empty: expected a header row (submitted_at, " in err
    history.write_text(HEADER)  # a header and no rows: an empty history, not an error
    status, out, _ = call(str(history))
    assert status == 1
    assert "not eligible" in out.lower()


def test_the_command_line_takes_the_same_instants_as_the_model(tmp_path: Path):
    history = tmp_path / "history.csv"
    history.write_text(
        HEADER
        + "0001-01-01T00:00:00+14:00,taobao,counterfeit,taken_down,,\n"
        + "20260401T100000+0800,taobao,counterfeit,taken_down,,\n"
        + "2026-04-01T10:00:00+08:00,taobao,counterfeit,taken_down,false,\n"
    )
    status, _, err = call(str(history), "--as-of", "2026-05-31")
    assert status == 2
    assert f"{history}:2: submitted_at: expected a time from 1900-01-01 to 2999-12-31 in UTC" in err
    assert f"{history}:3: submitted_at: expected an ISO-8601 time like " in err
    assert f"{history}:4: counter_notification: " in err  # 'false' is not 'none'


def test_a_first_line_that_is_not_utf8_is_not_also_an_empty_file(tmp_path: Path):
    history = tmp_path / "history.csv"
    history.write_bytes(b"\xff\xfe,bad\n")
    status, _, err = call(str(history))
    assert status == 2
    assert f"{history}:1: not valid UTF-8" in err
    assert "the file is empty" not in err


def test_a_file_that_is_not_utf8_is_invalid(tmp_path: Path):
    history = tmp_path / "history.csv"
    history.write_bytes(HEADER.encode() + b"2026-04-01T10:00:00+08:00,taobao,\xff,pending,,\n")
    status, _, err = call(str(history))
    assert status == 2
    assert f"{history}:2: not valid UTF-8: invalid start byte at byte 34" in err


def test_a_missing_file_is_invalid(tmp_path: Path):
    status, _, err = call(str(tmp_path / "nothing.csv"))
    assert status == 2
    assert "No such file or directory" in err


def test_the_rules_option_reads_good_faith_yaml_from_another_bundle(tmp_path: Path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    text = (BUNDLE / "good_faith.yaml").read_text()
    (bundle / "good_faith.yaml").write_text(text.replace("{min: 90%}", "{min: 95%}"))
    history = csv_history(tmp_path / "history.csv", 93, rejected=7)
    assert call(str(history), "--as-of", "2026-05-31")[0] == 0
    status, out, _ = call(str(history), "--as-of", "2026-05-31", "--rules", str(bundle))
    assert status == 1
    assert "at least 95%: NOT MET" in out


def test_a_broken_policy_is_invalid_with_its_location(tmp_path: Path):
    text = (BUNDLE / "good_faith.yaml").read_text()
    (tmp_path / "good_faith.yaml").write_text(
        text.replace(
            "marketplaces: [taobao, tmall, tmall_global]", "marketplaces: [taobao, lazada]", 1
        )
    )
    line = next(
        i
        for i, row in enumerate((tmp_path / "good_faith.yaml").read_text().splitlines(), 1)
        if "lazada" in row
    )
    history = csv_history(tmp_path / "history.csv", 1)
    status, _, err = call(str(history), "--rules", str(tmp_path))
    assert status == 2
    assert (
        f"good_faith.yaml:{line}:28: lazada keeps its dates per country platform; the program's "
        "window needs marketplaces with one timezone"
    ) in err


def test_membership_platform_and_as_of_options(tmp_path: Path):
    history = csv_history(tmp_path / "history.csv", 100)
    status, out, _ = call(
        str(history), "--as-of", "2026-05-31T12:00:00+08:00", "--membership", "removed:2026-05-01"
    )
    assert status == 1
    assert "GOOD_FAITH_REJOIN_WAIT" in out
    assert "may rejoin from                       2026-08-01" in out
    status, out, _ = call(str(history), "--as-of", "2026-05-31", "--platform", "aliexpress")
    assert status == 1
    assert "GOOD_FAITH_NOT_TAO" in out
    status, _, err = call(str(history), "--as-of", "2014-01-01")
    assert status == 2
    assert "no Good Faith Program policy period is in force on 2014-01-01" in err
    status, _, err = call(str(history), "--platform", "taobaoo")
    assert status == 2
    assert "did you mean 'taobao'?" in err


@pytest.mark.parametrize("argv", [("--membership", "x:1"), ("--membership", "removed:1")])
def test_bad_options_are_usage_errors(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as caught:
        parse("history.csv", *argv)
    assert caught.value.code == 2
    assert "ipp-rules good-faith: error: argument" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("31/05/2026", "--as-of: expected an ISO-8601 time with an offset"),
        ("2026-05-31T10:00", "--as-of: '2026-05-31T10:00' has no UTC offset"),
    ],
)
def test_a_bad_as_of_is_an_error_naming_it(tmp_path: Path, as_of: str, message: str):
    # The same words as every other time argument (deadline, lifecycle --now, --today).
    history = csv_history(tmp_path / "history.csv", 1)
    status, out, err = call(str(history), "--as-of", as_of)
    assert (status, out) == (2, "")
    assert err.startswith(f"ipp-rules good-faith: {message}")


@pytest.mark.slow
def test_as_a_subprocess(tmp_path: Path):
    history = csv_history(tmp_path / "history.csv", 95, rejected=5)
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "good-faith", str(history), "--as-of", "2026-05-31"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Good Faith Program: eligible\n")
    assert "requests                              100 (at least 100)" in done.stdout
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            MAIN,
            "good-faith",
            "-",
            "--as-of",
            "2026-05-31",
            "--format",
            "json",
        ],
        input=HEADER + "2026-04-01T10:00:00+08:00,taobao,counterfeit,taken_down,,\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 1
    assert [f["code"] for f in json.loads(done.stdout)["findings"]] == [
        "GOOD_FAITH_TOO_FEW_REQUESTS"
    ]


# ---------------------------------------------------------------------------------------------
# docs/good-faith.md stays true

DOC = (REPO / "docs" / "good-faith.md").read_text()
_FENCE = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$", re.S | re.M)


def _block_after(marker: str, lang: str) -> str:
    start = DOC.index(marker)
    for match in _FENCE.finditer(DOC, start):
        if match["lang"] == lang:
            return match["body"]
    raise AssertionError(f"no ```{lang} block after {marker!r}")


def _console(marker: str) -> tuple[list[str], str]:
    """The command (arguments after ``ipp-rules good-faith``) and its pasted output."""
    body = _block_after(marker, "console")
    command, _, output = body.partition("\n")
    prefix = "$ ipp-rules good-faith "
    assert command.startswith(prefix), command
    return command.removeprefix(prefix).split(), output


def test_the_worked_example_is_real_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    Path("history.csv").write_text(_block_after("`history.csv` holds eleven requests", "text"))
    argv, expected = _console("Assessed on 2026-05-31")
    status, out, err = call(*argv)
    assert (status, err) == (1, "")
    assert as_documented(out) == expected


def test_the_pasted_json_rate_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    Path("history.csv").write_text(_block_after("`history.csv` holds eleven requests", "text"))
    argv, _ = _console("Assessed on 2026-05-31")
    status, out, _ = call(*argv, "--format", "json")
    assert status == 1
    shown = _block_after("Each rate there looks like this one", "json")
    rate = json.loads(out)["metrics"]["rates"]["takedown_success_rate"]
    assert json.loads(shown) == rate
    assert shown == json.dumps(rate, indent=2) + "\n"


def test_the_pasted_false_information_finding_is_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    rows = _block_after("`history.csv` holds eleven requests", "text").splitlines(keepends=True)
    assert ",aliexpress," in rows[10]
    rows[10] = rows[10].replace(",false\n", ",true\n")
    Path("history.csv").write_text("".join(rows))
    argv, _ = _console("Assessed on 2026-05-31")
    status, out, err = call(*argv)
    assert (status, err) == (1, "")
    assert (
        "  false information                     1 request (whole history, every marketplace)\n"
        in (out)
    )
    findings = out[out.index("findings:\n") :].splitlines()
    assert findings[1] == _block_after("Had row 10, the AliExpress request", "text").rstrip("\n")


def test_the_pasted_history_error_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    Path("bad.csv").write_text(
        HEADER
        + "2026-04-01T10:00:00+08:00,taobao,counterfeit,taken_down,none,false\n"
        + "2026-04-01T10:00:00,taobao,counterfeit,taken_dwn,none,false\n"
    )
    argv, expected = _console("A bad row in a history file")
    status, out, err = call(*argv)
    assert (status, out) == (2, "")
    assert err == expected


def test_the_rate_definitions_shown_are_the_bundled_ones():
    shown = yaml.safe_load(_block_after("This is how the rates look in the file", "yaml"))
    bundled = yaml.safe_load((BUNDLE / "good_faith.yaml").read_text())
    assert shown == {"record_sets": bundled["record_sets"], "rates": bundled["rates"]}


RECORD = (
    '{"submitted_at": "2026-04-01T10:00:00+08:00", "platform": "taobao", "reason": '
    '"counterfeit", "outcome": "taken_down"}'
)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, "not valid JSON: nested too deeply"),
        ('{"submitted_at": ' + "9" * 5000 + "}", "a number with thousands of digits"),
        (RECORD[:-1] + ', "platform": "tmall"}', "got 'platform' twice"),
    ],
)
def test_a_json_line_that_cannot_be_read_is_a_located_problem(
    tmp_path: Path, line: str, message: str
):
    # Deep nesting raised RecursionError (a traceback); a duplicate key kept the last value.
    history = tmp_path / "history.jsonl"
    history.write_text(RECORD + "\n" + line + "\n", encoding="utf-8")
    status, _, err = call(str(history), "--as-of", "2026-05-31")
    assert status == 2
    assert f"{history}:2: " in err
    assert message in err
    assert "sys.set_int_max_str_digits" not in err


def test_a_line_longer_than_the_limit_is_a_problem_and_reading_stops(tmp_path: Path):
    # A file without a newline (like /dev/zero) was read whole into memory.
    history = tmp_path / "history.csv"
    history.write_bytes(HEADER.encode() + b"x" * (MAX_LINE_BYTES + 10))
    status, _, err = call(str(history), "--as-of", "2026-05-31")
    assert status == 2
    assert f"{history}:2: line longer than {MAX_LINE_BYTES} bytes" in err


@pytest.mark.slow
def test_as_a_subprocess_an_endless_line_on_standard_input_ends_in_an_error():
    done = subprocess.run(
        [sys.executable, "-m", "ipp_rules", "good-faith", "-", "--as-of", "2026-05-31"],
        input=b"\0" * (MAX_LINE_BYTES * 3),
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    assert b"<stdin>:1: line longer than" in done.stderr


@pytest.mark.slow
def test_as_a_subprocess_as_of_at_the_edge_of_the_datetime_range(tmp_path: Path):
    # OverflowError converting it to China time: a traceback and exit status 1.
    history = csv_history(tmp_path / "history.csv", 1)
    for argv in (
        ["--as-of", "0001-01-01T00:00:00+14:00"],
        ["--as-of", "9999-12-31", "--membership", "removed:9999-12-30"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "ipp_rules", "good-faith", str(history), *argv],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("ipp-rules good-faith: ")
