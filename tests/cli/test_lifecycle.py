"""``ipp-rules lifecycle``: a case's state from its events, what is due, what was deemed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ipp_rules.deadlines.lifecycle import CaseState
from tests.cli.conftest import call, run_cli
from tests.conftest import REPO
from tests.deadlines.examples import (
    MERCHANT_DUE,
    RESPONSE_DUE,
    SUBMITTED,
    TAKEN_DOWN,
    TO_COUNTER,
    at,
    ev,
)


def write_events(tmp_path: Path, events: list[dict[str, Any]], name: str = "events.json") -> str:
    file = tmp_path / name
    file.write_text(json.dumps(events), encoding="utf-8")
    return str(file)


def test_lifecycle_replays_events_from_a_file(tmp_path: Path):
    events = tmp_path / "events.yaml"
    events.write_text(
        "- {kind: submitted, at: '2026-09-14T09:00:00+08:00'}\n"
        "- {kind: taken_down, at: '2026-09-15T09:00:00+08:00'}\n"
        "- {kind: counter_notified, at: '2026-09-18T10:00:00+08:00'}\n"
    )
    done = run_cli(
        "lifecycle",
        str(events),
        "--platform",
        "taobao",
        "--now",
        "2026-09-24T09:00:00+08:00",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout)
    assert state["state"] == "reinstated"
    assert [f["code"] for f in state["deemed"]] == ["COUNTER_NOTIFICATION_DEEMED_ACCEPTED"]


def test_cli_text(tmp_path: Path) -> None:
    file = write_events(tmp_path, list(TO_COUNTER))
    status, text, err = call("lifecycle", file, "--platform", "taobao", "--now", RESPONSE_DUE)
    assert status == 0
    assert err == ""
    assert text.startswith("state    reinstated, final (listing reinstated)\n")
    assert "COUNTER_NOTIFICATION_DEEMED_ACCEPTED (events[2])" in text
    assert "next     nothing is due" in text


def test_cli_json_from_yaml(tmp_path: Path) -> None:
    file = tmp_path / "events.yaml"
    file.write_text(
        f"- {{kind: submitted, at: '{SUBMITTED}'}}\n- {{kind: taken_down, at: '{TAKEN_DOWN}'}}\n",
        encoding="utf-8",
    )
    status, out, _ = call(
        "lifecycle",
        str(file),
        "--platform",
        "taobao",
        "--now",
        "2026-09-16T12:00:00+08:00",
        "--format",
        "json",
    )
    assert status == 0
    document = json.loads(out)
    assert (document.pop("bundle_folder"), document.pop("bundle_default")) == (
        str(REPO / "rulesets"),
        True,
    )
    state = CaseState.model_validate(document)
    assert state.state == "taken_down"
    assert state.next is not None and state.next.due == at(MERCHANT_DUE)


def test_cli_bundle_folder_and_lazada_country(tmp_path: Path) -> None:
    file = write_events(
        tmp_path,
        [ev("submitted", "2026-03-18T10:00:00+07:00"), ev("taken_down", "2026-03-19T16:30:00Z")],
    )
    status, out, _ = call(
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
    assert status == 0
    text = " ".join(out.split())
    assert "due 2026-03-25T00:00:00+07:00 (merchant_counter_notification, last day Tue" in text


def test_cli_errors_name_the_event_and_its_line(tmp_path: Path) -> None:
    file = tmp_path / "events.yaml"
    file.write_text(
        f"- {{kind: submitted, at: '{SUBMITTED}'}}\n"
        f"- {{kind: rights_holder_accepted, at: '{TAKEN_DOWN}'}}\n",
        encoding="utf-8",
    )
    status, _, err = call("lifecycle", str(file), "--platform", "taobao", "--now", RESPONSE_DUE)
    assert status == 2
    assert err == (
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
def test_cli_invalid_input(tmp_path: Path, content: str, argv: list[str], message: str) -> None:
    file = tmp_path / "events.yaml"
    file.write_text(content, encoding="utf-8")
    status, _, err = call("lifecycle", str(file), "--platform", "taobao", *argv)
    assert status == 2
    assert err.startswith("ipp-rules lifecycle: ")
    assert message in err


def test_cli_missing_file(tmp_path: Path) -> None:
    status, _, err = call("lifecycle", str(tmp_path / "none.json"), "--platform", "taobao")
    assert status == 2
    assert "No such file or directory" in err


def test_cli_an_event_in_year_1_or_9999_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    # Converting the moment to Asia/Shanghai overflowed: OverflowError, exit status 1.
    file = tmp_path / "events.json"
    file.write_text(
        json.dumps([ev("submitted", SUBMITTED), ev("taken_down", "9999-12-31T23:59:59-23:59")]),
        encoding="utf-8",
    )
    for events, now in ((file, "9999-12-31T23:59:59-23:59"), (file, None)):
        argv = ["lifecycle", str(events), "--platform", "taobao"] + (["--now", now] if now else [])
        done = run_cli(*argv, timeout=120)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("ipp-rules lifecycle: ")
    file.write_text(json.dumps([ev("submitted", "0001-01-01T00:00:00+14:00")]), encoding="utf-8")
    status, _, err = call("lifecycle", str(file), "--platform", "taobao", "--now", SUBMITTED)
    assert status == 2
    assert "event 0: at: expected a time from 1900-01-01 to 2999-12-31 in UTC, got 0001-01-01" in (
        err
    )


def test_cli_a_control_character_in_a_key_is_shown_escaped(tmp_path: Path) -> None:
    file = tmp_path / "events.json"
    file.write_text(json.dumps([{"kind": "submitted", "at": SUBMITTED, "\x00": 1}]))
    status, _, err = call("lifecycle", str(file), "--platform", "taobao")
    assert status == 2
    assert "event 0: '\\x00': " in err
    assert "\x00" not in err


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
    status, text, _ = call(
        "lifecycle", str(file), "--platform", "taobao", "--now", "2026-12-31T09:00Z"
    )
    assert status == 0
    assert "(rights_holder_response, last day Tue 2027-01-05, an estimate)" in text
    assert "estimate yes: a deadline here was counted past its calendar's horizon" in text
    assert "2027 China calendar (CN): the State Council notice" in text
    status, out, _ = call(
        "lifecycle",
        str(file),
        "--platform",
        "taobao",
        "--now",
        "2026-12-31T09:00Z",
        "--format",
        "json",
    )
    assert status == 0
    document = json.loads(out)
    assert document["estimate"] is True
    assert document["next"]["estimate"] is True
    assert document["estimates"][0]["year"] == 2027


# ---------------------------------------------------------------------------------------------
# One time syntax, suggestions


def test_now_takes_a_date_as_every_time_argument_does(tmp_path: Path) -> None:
    file = write_events(tmp_path, list(TO_COUNTER))
    _, by_date, _ = call("lifecycle", file, "--platform", "taobao", "--now", "2026-09-21")
    status, by_time, err = call(
        "lifecycle", file, "--platform", "taobao", "--now", "2026-09-21T00:00:00+08:00"
    )
    assert (status, err) == (0, "")
    # A date is the start of that day in the marketplace's timezone.
    assert by_date == by_time
    assert "as of    2026-09-21T00:00:00+08:00\n" in by_date


def test_the_default_now_is_marketplace_time_to_the_second(tmp_path: Path) -> None:
    file = write_events(tmp_path, list(TO_COUNTER))
    status, out, _ = call("lifecycle", file, "--platform", "taobao")
    assert status == 0
    assert re.search(r"^as of    \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", out, re.M), out
    _, out, _ = call("lifecycle", file, "--platform", "lazada", "--country", "TH")
    assert re.search(r"^as of    \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$", out, re.M), out


def test_a_misspelt_event_kind_gets_a_suggestion(tmp_path: Path) -> None:
    file = tmp_path / "events.yaml"
    file.write_text(
        f"- {{kind: submitted, at: '{SUBMITTED}'}}\n- {{kind: taken_dwn, at: '{TAKEN_DOWN}'}}\n"
    )
    status, _, err = call("lifecycle", str(file), "--platform", "taobao", "--now", RESPONSE_DUE)
    assert status == 2
    assert err.startswith(f"ipp-rules lifecycle: {file}:2:3: event 1: kind: expected one of ")
    assert err.endswith("got 'taken_dwn'; did you mean 'taken_down'?\n")


def test_a_country_in_lower_case_gets_a_suggestion(tmp_path: Path) -> None:
    file = write_events(tmp_path, [ev("submitted", "2026-03-18T10:00:00+07:00")])
    status, _, err = call("lifecycle", file, "--platform", "lazada", "--country", "th")
    assert status == 2
    assert "has no country 'th'; known: ID, MY, PH, SG, TH, VN (did you mean 'TH'?)" in err
