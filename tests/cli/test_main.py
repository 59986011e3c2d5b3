"""``ipp-rules`` itself: the table of commands, what every command shares (bundle paths that
are not bundles, errors as JSON), ``--version`` and ``python -m ipp_rules``."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ipp_rules import __version__
from ipp_rules.cli.main import COMMANDS
from tests.cli.conftest import EXAMPLES, call, run_cli
from tests.conftest import BUNDLE, REPO


@pytest.mark.parametrize("args", [[], ["evaluate"], ["evaluate", "x", "--format", "xml"]])
def test_bad_arguments_exit_2(args: list[str]):
    assert run_cli(*args).returncode == 2


CORPUS = EXAMPLES / "corpus.jsonl"


COMPLAINT = str(EXAMPLES / "complaint-lazada-th.yaml")


BUNDLE_COMMANDS = {
    "check": lambda p: ["check", p],
    "test": lambda p: ["test", p],
    "diff OLD": lambda p: ["diff", p, str(BUNDLE), "--corpus", str(CORPUS)],
    "diff NEW": lambda p: ["diff", str(BUNDLE), p, "--corpus", str(CORPUS)],
    "explain": lambda p: ["explain", COMPLAINT, "--rules", p],
    "evaluate": lambda p: ["evaluate", COMPLAINT, "--rules", p],
    "deadline": lambda p: [
        "deadline",
        "taobao",
        "takedown_processing",
        "2026-09-18T10:00:00+08:00",
        "--rules",
        p,
    ],
    "lifecycle": lambda p: ["lifecycle", "EVENTS", "--platform", "taobao", "--rules", p],
    "good-faith": lambda p: ["good-faith", str(EXAMPLES / "history-2027.csv"), "--rules", p],
}


def unusable_path(kind: str, tmp_path: Path) -> Path:
    if kind == "missing":
        return tmp_path / "no-such-bundle"
    if kind == "empty folder":
        (tmp_path / "empty").mkdir()
        return tmp_path / "empty"
    if kind == "a file":
        (tmp_path / "rules.txt").write_text("these are not rules\n")
        return tmp_path / "rules.txt"
    return Path("/dev/null")


@pytest.mark.parametrize("kind", ["missing", "empty folder", "a file", "/dev/null"])
@pytest.mark.parametrize("command", sorted(BUNDLE_COMMANDS))
def test_a_path_that_is_not_a_bundle_exits_2_naming_it_on_stderr(
    command: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from ipp_rules.cli import main

    path = unusable_path(kind, tmp_path)
    events = tmp_path / "events.yaml"
    events.write_text("- {kind: submitted, at: '2026-09-14T09:00:00+08:00'}\n")
    argv = [str(events) if a == "EVENTS" else a for a in BUNDLE_COMMANDS[command](str(path))]
    status = main(argv)
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert str(path) in err, err
    assert err.startswith(f"ipp-rules {command.split()[0]}: ") or err.startswith("ipp-rules: ")


# ---------------------------------------------------------------------------------------------
# The table of commands


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_module_adds_its_parser_and_runs(name: str) -> None:
    module = importlib.import_module(COMMANDS[name].module)
    assert callable(module.run)
    parser = argparse.ArgumentParser(prog="ipp-rules")
    subparsers = parser.add_subparsers(dest="command")
    module.add_parser(subparsers)
    assert list(subparsers.choices) == [name]


def test_a_command_module_is_imported_only_when_its_command_runs() -> None:
    probe = (
        "import sys, contextlib, io\n"
        "from ipp_rules.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['schema', 'manifest'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('ipp_rules.cli.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip()
    assert "'ipp_rules.cli.schema'" in loaded
    for other in ("diff", "check", "evaluate", "good_faith", "lifecycle"):
        assert f"'ipp_rules.cli.{other}'" not in loaded


# ---------------------------------------------------------------------------------------------
# --version and python -m ipp_rules


def test_version_names_the_package_version() -> None:
    done = run_cli("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"ipp-rules {__version__}\n", "")


def test_python_m_ipp_rules_is_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ipp_rules", "evaluate", COMPLAINT],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("outcome: accept\n")


# ---------------------------------------------------------------------------------------------
# Errors as JSON with --format json


def _bad_history(tmp_path: Path) -> Path:
    path = tmp_path / "history.csv"
    path.write_text("submitted_at,platform,reason,outcome\nnot a time,taobao,counterfeit,x\n")
    return path


def _bad_events(tmp_path: Path) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text("- {kind: submitted, at: '2026-09-14T09:00:00+08:00'}\n- {kind: taken_dwn}\n")
    return path


def _bad_complaint(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("platform: lazada\nsubmitted_at: 2026-03-02T10:15:00\nchannel: fax\n")
    return path


JSON_ERRORS = {
    "evaluate": (lambda t: ["evaluate", _bad_complaint(t)], "ComplaintError"),
    "explain": (lambda t: ["explain", _bad_complaint(t)], "ComplaintError"),
    "good-faith": (
        lambda t: ["good-faith", _bad_history(t), "--as-of", "2026-05-31"],
        "HistoryError",
    ),
    "deadline": (lambda t: ["deadline", "taobao", "takedown_processing", "18/09"], "ArgumentError"),
    "lifecycle": (
        lambda t: ["lifecycle", _bad_events(t), "--platform", "taobao"],
        "LifecycleError",
    ),
    "check": (lambda t: ["check", t / "nowhere"], "BundlePathError"),
    "test": (lambda t: ["test", t / "nowhere"], "BundlePathError"),
    "diff": (lambda t: ["diff", BUNDLE, t / "nowhere", "--corpus", CORPUS], "BundlePathError"),
    "calendars": (lambda t: ["calendars", "--warn-days", "-1"], "ArgumentError"),
}


@pytest.mark.parametrize("command", sorted(JSON_ERRORS))
def test_with_format_json_an_error_is_one_json_object_on_the_output(
    command: str, tmp_path: Path
) -> None:
    arguments, kind = JSON_ERRORS[command]
    status, out, err = call(*arguments(tmp_path), "--format", "json")
    assert (status, err) == (2, "")
    document = json.loads(out)
    assert list(document) == ["error"]
    error = document["error"]
    assert set(error) == {"type", "title", "message", "problems"}
    assert error["type"] == kind
    assert error["title"] and error["message"]
    for problem in error["problems"]:
        assert set(problem) >= {"code", "message", "file", "line", "column", "path"}
    # In text, the same error is on the error output, as it has always been.
    status, out, err = call(*arguments(tmp_path))
    assert (status, out) == (2, "")
    assert err.startswith("ipp-rules")


def test_a_json_error_lists_every_located_problem(tmp_path: Path) -> None:
    status, out, _ = call("evaluate", _bad_complaint(tmp_path), "--format", "json")
    error = json.loads(out)["error"]
    assert status == 2
    assert error["title"] == "invalid complaint document"
    fields = {problem["path"][0] for problem in error["problems"]}
    assert {"country", "channel"} <= fields
    assert all(problem["file"] == str(tmp_path / "bad.yaml") for problem in error["problems"])
    status, out, _ = call(
        "lifecycle", _bad_events(tmp_path), "--platform", "taobao", "--format", "json"
    )
    (problem,) = json.loads(out)["error"]["problems"]
    assert (problem["line"], problem["column"]) == (2, 3)
    assert problem["message"].startswith("event 1: ")


def test_a_command_line_argparse_cannot_read_is_a_json_error_too() -> None:
    status, out, err = call("evaluate", "x.json", "--format", "json", "--trace", "--nope")
    assert (status, err) == (2, "")
    error = json.loads(out)["error"]
    assert (error["type"], error["problems"]) == ("ArgumentError", [])
    assert error["message"] == "unrecognized arguments: --nope"
    status, out, err = call("evaluate", "--format", "json")
    assert status == 2 and json.loads(out)["error"]["message"].startswith(
        "the following arguments are required: FILE"
    )
    # Without --format json, argparse's own words on the error output, usage first.
    status, out, err = call("evaluate", "x.json", "--nope")
    assert (status, out) == (2, "")
    assert err.startswith("usage: ipp-rules [-h] [--version] COMMAND ...\n")
    assert err.endswith("\nipp-rules: error: unrecognized arguments: --nope\n")
    status, out, err = call("evaluate")
    assert (status, out) == (2, "")
    assert err.startswith("usage: ipp-rules evaluate [-h] ")
    assert err.endswith("\nipp-rules evaluate: error: the following arguments are required: FILE\n")


def test_a_file_that_cannot_be_read_is_a_json_error_with_its_name(tmp_path: Path) -> None:
    status, out, _ = call("evaluate", tmp_path / "none.json", "--format", "json")
    assert status == 2
    error = json.loads(out)["error"]
    assert error["type"] == "FileNotFoundError"
    assert error["message"] == f"No such file or directory: {tmp_path / 'none.json'}"
    assert error["problems"] == []
