"""``ipp-rules deadline`` and ``ipp-rules lifecycle`` (``ipp_rules.deadline_cli``): the text and
JSON they print, the days counted and not, estimates, and invalid input as exit status 2 with
the error (and the event's line) on standard error, never a traceback."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipp_rules.deadline_cli import add_parsers, run_deadline, run_lifecycle
from ipp_rules.deadlines import (
    CaseState,
    Deadline,
    DeadlinePolicy,
    compute_deadline,
    load_deadline_policy,
)
from tests.conftest import REPO
from tests.deadlines.examples import (
    MERCHANT_DUE,
    RESPONSE_DUE,
    SUBMITTED,
    TAKEN_DOWN,
    TO_COUNTER,
    at,
    ev,
    minimal,
)


@pytest.fixture(scope="module")
def shipped() -> DeadlinePolicy:
    return load_deadline_policy(REPO / "rulesets")


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ipp-rules")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def write_events(tmp_path: Path, events: list[dict[str, Any]], name: str = "events.json") -> str:
    file = tmp_path / name
    file.write_text(json.dumps(events), encoding="utf-8")
    return str(file)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipp_rules.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


# ---------------------------------------------------------------------------------------------
# ipp-rules deadline


def test_cli_text_lists_the_days_counted_and_not() -> None:
    out, err = io.StringIO(), io.StringIO()
    args = parse("deadline", "taobao", "merchant_counter_notification", "2026-02-13T10:00:00+08:00")
    assert run_deadline(args, out, err) == 0
    assert err.getvalue() == ""
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "merchant_counter_notification: the merchant's window to counter-notify after a takedown"
    )
    assert lines[1:4] == [
        "  marketplace  taobao (calendar CN, Asia/Shanghai)",
        "  received     Fri 2026-02-13 10:00 Asia/Shanghai",
        "  period       3 business days after the day of receipt; ends at 24:00 local time of the",
    ]
    text = out.getvalue()
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
    out = io.StringIO()
    args = parse(
        "deadline",
        "taobao",
        "merchant_counter_notification",
        "2026-02-15T10:00:00+08:00",
        "--rules",
        str(tmp_path / "deadlines.yaml"),
    )
    assert run_deadline(args, out, io.StringIO()) == 0
    assert "  deemed received  Tue 2026-02-24\n" in out.getvalue()
    assert "2026-02-28T00:00:00+08:00" in out.getvalue()
    out = io.StringIO()
    args = parse("deadline", "tmall", "takedown_processing", "2026-02-14T07:00:00Z")
    assert run_deadline(args, out, io.StringIO()) == 0
    text = out.getvalue()
    assert "(given as 2026-02-14T07:00:00+00:00)" in text
    assert "  due          2026-02-24T15:00:00+08:00 (the end, exclusive: 15:00 on Tue" in text


def test_cli_json_with_a_loaded_policy(shipped: DeadlinePolicy) -> None:
    out = io.StringIO()
    args = argparse.Namespace(
        platform="lazada",
        kind="takedown_processing",
        received_at="2026-03-19T16:30:00Z",
        country="ID",
        rules="/no/such/bundle",
        format="json",
    )
    assert run_deadline(args, out, io.StringIO(), policy=shipped) == 0
    deadline = Deadline.model_validate_json(out.getvalue())
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
def test_deadline_cli_invalid_input(argv: list[str], message: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_deadline(parse("deadline", *argv), out, err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith("ipp-rules deadline: ")
    assert message in err.getvalue()


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-23:59"])
def test_cli_a_moment_at_the_edge_of_the_datetime_range_is_a_horizon_error(
    received_at: str,
) -> None:
    # Converting it to Asia/Shanghai overflowed: OverflowError, a traceback from the command.
    done = _cli("deadline", "taobao", "merchant_counter_notification", received_at)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(
        f"ipp-rules deadline: calendar CN: cannot answer for {received_at[:10]}"
    )


def test_cli_text_says_why_a_deadline_is_an_estimate() -> None:
    out, err = io.StringIO(), io.StringIO()
    args = parse("deadline", "taobao", "merchant_counter_notification", "2026-12-30T10:00:00+08:00")
    assert run_deadline(args, out, err) == 0, err.getvalue()
    text = out.getvalue()
    assert (
        "  estimate     yes: it counts days after 2026-12-31, the calendar's horizon, which are "
        "not\n               published data\n"
        "               2027 China calendar (CN): the State Council notice with its days off "
        "and\n"
    ) in text
    assert "to count them exactly, enter the 2027 notice under calendars: overrides: CN:" in text
    out = io.StringIO()
    args = parse("deadline", "lazada", "rights_holder_response", "2027-01-05T10:00:00+07:00")
    args.country, args.format = "TH", "json"
    assert run_deadline(args, out, err) == 0, err.getvalue()
    document = json.loads(out.getvalue())
    assert document["estimate"] is True
    assert [e["year"] for e in document["estimates"]] == [2027]
    assert document["estimates"][0]["note"].startswith("2027 Thailand calendar (TH): the Cabinet")


def test_the_advice_names_the_first_year_that_is_not_published(shipped: DeadlinePolicy) -> None:
    """A period across 2027 and 2028: entering 2028 alone would not help, 2027 comes first."""
    out = io.StringIO()
    args = parse("deadline", "taobao", "merchant_counter_notification", "2027-12-30T10:00:00+08:00")
    assert run_deadline(args, out, io.StringIO(), policy=shipped) == 0
    assert "to count them exactly, enter the 2027 notice under" in out.getvalue()
    assert "2028 notice" not in out.getvalue()


# ---------------------------------------------------------------------------------------------
# ipp-rules lifecycle


def test_cli_text(tmp_path: Path, shipped: DeadlinePolicy) -> None:
    file = write_events(tmp_path, list(TO_COUNTER))
    out, err = io.StringIO(), io.StringIO()
    args = parse("lifecycle", file, "--platform", "taobao", "--now", RESPONSE_DUE)
    assert run_lifecycle(args, out, err) == 0
    assert err.getvalue() == ""
    text = out.getvalue()
    assert text.startswith("state    reinstated, final (listing reinstated)\n")
    assert "COUNTER_NOTIFICATION_DEEMED_ACCEPTED (events[2])" in text
    assert "next     nothing is due" in text


def test_cli_json_from_yaml_with_a_loaded_policy(tmp_path: Path, shipped: DeadlinePolicy) -> None:
    file = tmp_path / "events.yaml"
    file.write_text(
        f"- {{kind: submitted, at: '{SUBMITTED}'}}\n- {{kind: taken_down, at: '{TAKEN_DOWN}'}}\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    args = argparse.Namespace(
        events=str(file),
        platform="taobao",
        country=None,
        now="2026-09-16T12:00:00+08:00",
        rules=None,
        format="json",
    )
    assert run_lifecycle(args, out, io.StringIO(), policy=shipped) == 0
    state = CaseState.model_validate_json(out.getvalue())
    assert state.state == "taken_down"
    assert state.next is not None and state.next.due == at(MERCHANT_DUE)


def test_cli_bundle_folder_and_lazada_country(tmp_path: Path) -> None:
    file = write_events(
        tmp_path,
        [ev("submitted", "2026-03-18T10:00:00+07:00"), ev("taken_down", "2026-03-19T16:30:00Z")],
    )
    out = io.StringIO()
    args = parse(
        "lifecycle",
        file,
        "--platform",
        "lazada",
        "--country",
        "ID",
        "--now",
        "2026-03-20T09:00:00+07:00",
        "--rules",
        str(REPO / "rulesets"),
    )
    assert run_lifecycle(args, out, io.StringIO()) == 0
    text = " ".join(out.getvalue().split())
    assert "due 2026-03-25T00:00:00+07:00 (merchant_counter_notification, last day Tue" in text


def test_cli_errors_name_the_event_and_its_line(tmp_path: Path) -> None:
    file = tmp_path / "events.yaml"
    file.write_text(
        f"- {{kind: submitted, at: '{SUBMITTED}'}}\n"
        f"- {{kind: rights_holder_accepted, at: '{TAKEN_DOWN}'}}\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    args = parse("lifecycle", str(file), "--platform", "taobao", "--now", RESPONSE_DUE)
    assert run_lifecycle(args, io.StringIO(), err) == 2
    assert err.getvalue() == (
        f"ipp-rules lifecycle: {file}:2:3: event 1: a response (rights holder accepted) before "
        "any counter-notification\n"
    )


@pytest.mark.parametrize(
    ("content", "argv", "message"),
    [
        ("{kind: submitted}", [], "expected a list of events"),
        ("[", [], "invalid YAML"),
        ("[]", ["--now", "2026-09-20T10:00"], "has no UTC offset"),
        ("[]", ["--country", "ID"], "has no country platforms"),
        ("[]", ["--now", "2026-09-20T10:00:00+08:00"], "no events"),
    ],
)
def test_lifecycle_cli_invalid_input(
    tmp_path: Path, content: str, argv: list[str], message: str
) -> None:
    file = tmp_path / "events.yaml"
    file.write_text(content, encoding="utf-8")
    err = io.StringIO()
    args = parse("lifecycle", str(file), "--platform", "taobao", *argv)
    assert run_lifecycle(args, io.StringIO(), err) == 2
    assert err.getvalue().startswith("ipp-rules lifecycle: ")
    assert message in err.getvalue()


def test_cli_missing_file(tmp_path: Path) -> None:
    err = io.StringIO()
    args = parse("lifecycle", str(tmp_path / "none.json"), "--platform", "taobao")
    assert run_lifecycle(args, io.StringIO(), err) == 2
    assert "No such file or directory" in err.getvalue()


def test_cli_an_event_in_year_1_or_9999_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    # Converting the moment to Asia/Shanghai overflowed: OverflowError, exit status 1.
    file = tmp_path / "events.json"
    file.write_text(
        json.dumps([ev("submitted", SUBMITTED), ev("taken_down", "9999-12-31T23:59:59-23:59")]),
        encoding="utf-8",
    )
    for events, now in ((file, "9999-12-31T23:59:59-23:59"), (file, None)):
        argv = [sys.executable, "-m", "ipp_rules.cli", "lifecycle", str(events)]
        argv += ["--platform", "taobao"] + (["--now", now] if now else [])
        done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, timeout=120)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("ipp-rules lifecycle: ")
    file.write_text(json.dumps([ev("submitted", "0001-01-01T00:00:00+14:00")]), encoding="utf-8")
    err = io.StringIO()
    args = parse("lifecycle", str(file), "--platform", "taobao", "--now", SUBMITTED)
    assert run_lifecycle(args, io.StringIO(), err) == 2
    assert "event 0: at: expected a time from 1900-01-01 to 2999-12-31 in UTC, got 0001-01-01" in (
        err.getvalue()
    )


def test_cli_a_control_character_in_a_key_is_shown_escaped(tmp_path: Path) -> None:
    file = tmp_path / "events.json"
    file.write_text(json.dumps([{"kind": "submitted", "at": SUBMITTED, "\x00": 1}]))
    err = io.StringIO()
    args = parse("lifecycle", str(file), "--platform", "taobao")
    assert run_lifecycle(args, io.StringIO(), err) == 2
    assert "event 0: '\\x00': " in err.getvalue()
    assert "\x00" not in err.getvalue()


def test_cli_lifecycle_shows_the_estimate(tmp_path: Path) -> None:
    file = tmp_path / "events.json"
    file.write_text(
        json.dumps(
            [
                ev("submitted", "2026-12-20T09:00:00+08:00"),
                ev("taken_down", "2026-12-28T09:00:00+08:00"),
                ev("counter_notified", "2026-12-30T09:00:00+08:00"),
            ]
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    args = parse("lifecycle", str(file), "--platform", "taobao", "--now", "2026-12-31T09:00Z")
    assert run_lifecycle(args, out, io.StringIO()) == 0
    text = out.getvalue()
    assert "(rights_holder_response, last day Tue 2027-01-05, an estimate)" in text
    assert "estimate yes: a deadline here was counted past its calendar's horizon" in text
    assert "2027 China calendar (CN): the State Council notice" in text
    out = io.StringIO()
    args = parse(
        "lifecycle",
        str(file),
        "--platform",
        "taobao",
        "--now",
        "2026-12-31T09:00Z",
        "--format",
        "json",
    )
    assert run_lifecycle(args, out, io.StringIO()) == 0
    document = json.loads(out.getvalue())
    assert document["estimate"] is True
    assert document["next"]["estimate"] is True
    assert document["estimates"][0]["year"] == 2027
