"""``ipp-rules check``: the bundle checked, one line per problem, the summary, the exit status."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from ipp_rules.cli.init import copy_bundle
from tests.analysis.test_check import LINE, codes
from tests.analysis.test_horizons import HORIZON, NOTICE_2027, horizon_lines
from tests.analysis.test_rule_checks import WRONG_RULES
from tests.cli.conftest import run_cli
from tests.cli.test_main import unusable_path
from tests.conftest import append, edit


def test_the_bundled_rules_have_no_problems():
    done = run_cli("check")
    assert done.returncode == 0, done.stdout + done.stderr
    # The bundled default is named as such, so nobody takes it for the folder in front of them.
    assert re.fullmatch(
        r"bundle: ipp-default \S+, the bundled default at rulesets; pass a folder, or run "
        r"`ipp-rules init FOLDER` to get an editable copy\n"
        r"ipp-default \S+: no problems \(2 warnings allowed by comments\)\n",
        done.stdout,
    )
    assert done.stderr == ""


def test_a_bundle_that_does_not_load_reports_every_loader_problem_and_fails(bundle_copy: Path):
    edit(
        bundle_copy / "account.yaml",
        "complainant.identity_verified: {eq: false}",
        "complainant.identity_verifed: {eq: false}",
    )
    edit(bundle_copy / "tests" / "test_scope.yaml", "cases:", "casez:")
    done = run_cli("check", bundle_copy.name, cwd=bundle_copy.parent)
    assert done.returncode == 1
    bundle, *lines = done.stdout.splitlines()
    assert bundle == "bundle: my-bundle"
    assert all(LINE.match(line) for line in lines[:-1]), done.stdout
    assert lines[-1] == f"the bundle does not load: {len(lines) - 1} errors"
    assert lines[0].startswith("my-bundle/account.yaml:")
    assert "E-LOAD 'complainant.identity_verifed' names no fact; did you mean" in lines[0]
    assert [line.split(": ")[1].split()[0] for line in lines[1:-1]] == ["E-TESTS", "E-TESTS"]
    assert all(line.startswith("my-bundle/tests/test_scope.yaml:") for line in lines[1:-1])
    assert "unknown key 'casez'; did you mean 'cases'?" in done.stdout


def test_a_bundle_that_loads_but_is_wrong_gets_one_warning_per_problem(bundle_copy: Path):
    append(bundle_copy / "account.yaml", WRONG_RULES)
    done = run_cli("check", bundle_copy.name, cwd=bundle_copy.parent)
    assert done.returncode == 0, done.stdout  # warnings only
    found = codes(done.stdout)
    assert sorted(set(found)) == [
        "W-ALWAYS-TRUE",
        "W-NEVER-TRUE",
        "W-SHADOWED",
        "W-UNTESTED",
        "W-UNUSED-DERIVED",
        "W-UNUSED-TABLE",
    ]
    text = done.stdout
    assert (
        "W-NEVER-TRUE rule account.contradiction can never fire: listings.count: lt 5 and "
        "listings.count: gt 10 cannot both hold" in text
    )
    assert "rule account.no_values can never fire: 'right.type: {in: ...}' names no values" in text
    assert "rule account.every_complaint fires for every complaint" in text
    assert re.search(
        r"W-SHADOWED rule account.unverified_agent is shadowed by account.identity_not_verified "
        r"\(my-bundle/account.yaml:[0-9]+:5\): whenever it fires",
        text,
    )
    assert "rule account.agent_derived derives derived.nobody_reads_this, but no rule" in text
    assert (
        "rule account.old_rule can never fire: submitted_on: lt 2020-01-01 and submitted_on: "
        "gte 2021-01-01 cannot hold together while it is in force (from 2021-01-01)" in text
    )
    assert "W-UNUSED-TABLE table forgotten is not read" in text
    assert "waiver account.never_waived never applies" in text
    untested = set(re.findall(r"W-UNTESTED no test case makes rule (\S+) fire", text))
    assert untested == {"account.contradiction", "account.no_values", "account.old_rule"}
    # Lines are in file order, then by line.
    positions = [(m["file"], int(m["line"])) for m in map(LINE.match, text.splitlines()) if m]
    account = [line for file, line in positions if file.endswith("account.yaml")]
    assert account == sorted(account)

    strict = run_cli("check", "--strict", bundle_copy.name, cwd=bundle_copy.parent)
    assert strict.returncode == 1
    as_json = json.loads(run_cli("check", "--format", "json", bundle_copy, cwd=bundle_copy).stdout)
    assert as_json["errors"] == 0 and as_json["warnings"] == len(found)
    assert (as_json["bundle_folder"], as_json["bundle_default"]) == (
        str(bundle_copy.resolve()),
        False,
    )
    assert {p["code"] for p in as_json["problems"]} == set(found)
    first = as_json["problems"][0]
    assert set(first) == {
        "file",
        "line",
        "column",
        "path",
        "location",
        "code",
        "severity",
        "message",
        "subject",
    }
    assert first["severity"] == "warning" and isinstance(first["line"], int)


def test_an_unknown_folder_is_invalid_input(tmp_path: Path):
    done = run_cli("check", tmp_path / "nowhere")
    assert done.returncode == 2
    assert done.stderr == f"ipp-rules check: {tmp_path / 'nowhere'}: no such file or folder\n"


def test_a_test_file_that_is_a_symlink_loop_is_an_error_not_a_traceback(bundle_copy: Path):
    # Path.resolve() raised RuntimeError("Symlink loop") while naming the file.
    (bundle_copy / "tests" / "test_loop.yaml").symlink_to("test_loop.yaml")
    done = run_cli("check", bundle_copy)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"tests/test_loop\.yaml:1:1: E-TESTS cannot read file", done.stdout)


@pytest.mark.slow
def test_check_warns_59_days_before_a_horizon_and_not_61():
    before_59 = (HORIZON - timedelta(days=59)).isoformat()
    before_61 = (HORIZON - timedelta(days=61)).isoformat()
    near = run_cli("check", "--today", before_59)
    assert near.returncode == 0, near.stdout + near.stderr  # warnings only
    lines = horizon_lines(near.stdout)
    assert [line.split("W-HORIZON calendar ")[1].split(" ")[0] for line in lines] == [
        "CN",
        "ID",
        "PH",
        "TH",
        "VN",
    ]
    assert all(LINE.match(line) for line in lines)
    assert all(line.startswith("rulesets/deadlines.yaml:26:1: W-HORIZON ") for line in lines)
    china = lines[0]
    for words in (
        "calendar CN (China; taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com)",
        f"its horizon 2026-12-31 ends in 59 days (today {before_59})",
        "deadlines past it are estimates (estimate: true)",
        "2027: the State Council notice with its days off and make-up working days is not in "
        "the data",
        "enter the 2027 notice under calendars: overrides: CN: notices: 2027 in the bundle's "
        "deadlines.yaml",
        "`ipp-rules init FOLDER` copies the bundled rules into FOLDER to edit; then pass "
        "--rules FOLDER to every command",
    ):
        assert words in china, words
    assert near.stdout.splitlines()[-1].startswith("ipp-default 2026.11.0: 0 errors, 5 warnings")

    far = run_cli("check", "--today", before_61)
    assert far.returncode == 0
    assert horizon_lines(far.stdout) == []
    assert "W-HORIZON" not in far.stdout


@pytest.mark.slow
def test_an_entered_notice_stops_the_warning_and_check_points_at_it(tmp_path: Path):
    bundle = tmp_path / "my-bundle"
    copy_bundle(bundle)
    edit(bundle / "deadlines.yaml", "  overrides: {}\n", NOTICE_2027)
    edit(
        bundle / "deadlines.yaml",
        "  overrides:\n    CN:\n",
        "  overrides:\n    TH:\n      closures:\n        2026-12-30: closed\n    CN:\n",
    )
    done = run_cli(
        "check", "my-bundle", "--today", "2026-12-03", "--horizon-days", "30", cwd=tmp_path
    )
    lines = horizon_lines(done.stdout)
    keys = [line.split("W-HORIZON calendar ")[1].split(" ")[0] for line in lines]
    # In the order of where they point: `calendars`, then the calendar's own overrides.
    assert keys == ["ID", "PH", "VN", "TH"]
    th = next(line for line in lines if "calendar TH " in line)
    assert th.startswith("my-bundle/deadlines.yaml:") and th.split(":")[2] == "5"
    line_of_th = (bundle / "deadlines.yaml").read_text().splitlines().index("    TH:") + 1
    assert th.split(":")[1] == str(line_of_th)
    as_json = json.loads(
        run_cli(
            "check", "my-bundle", "--today", "2026-12-03", "--format", "json", cwd=tmp_path
        ).stdout
    )
    found = [p for p in as_json["problems"] if p["code"] == "W-HORIZON"]
    assert [p["subject"] for p in found] == ["ID", "PH", "VN", "TH"]
    assert all(p["severity"] == "warning" for p in found)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--today", "3 Dec"],
            "--today: expected an ISO-8601 time with an offset, like 2026-09-18T10:00:00+08:00, "
            "or a date YYYY-MM-DD (got '3 Dec')",
        ),
        (["--horizon-days", "-1"], "--horizon-days: expected 0 or more (got -1)"),
    ],
)
def test_check_refuses_a_bad_today_or_days(args: list[str], message: str):
    done = run_cli("check", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("missing", "no such file or folder"),
        ("empty folder", "not a bundle: no bundle.yaml in this folder"),
        ("a file", "not a bundle: a bundle is a folder holding bundle.yaml"),
        ("/dev/null", "not a bundle: a bundle is a folder holding bundle.yaml"),
    ],
)
def test_check_says_why_a_path_is_not_a_bundle(
    kind: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from ipp_rules.cli import main

    path = unusable_path(kind, tmp_path)
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr() == ("", f"ipp-rules check: {path}: {why}\n")


def test_a_bundle_that_does_not_load_is_still_checked_with_exit_1(tmp_path: Path):
    # The line: past bundle.yaml, what is wrong is the bundle's own problem (E-LOAD).
    (tmp_path / "bundle.yaml").write_text("name: t\nversion: '1'\nrulesets: [gone.yaml]\n")
    done = run_cli("check", str(tmp_path))
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert "E-LOAD no file 'gone.yaml' in the bundle folder" in done.stdout
