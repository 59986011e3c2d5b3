"""``ipp-rules evaluate --batch``: one answer per line in order, the summary, the exit status,
the output file written whole or not at all."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from ipp_rules import Engine
from ipp_rules.cli import batch as batch_module
from ipp_rules.cli.batch import read_lines
from ipp_rules.cli.evaluate import _jobs
from ipp_rules.cli.main import dispatch
from ipp_rules.engine.batch import available_cores
from ipp_rules.models.intake import MAX_DOCUMENT_BYTES
from tests.cli.conftest import CORPUS, call, run_cli
from tests.conftest import edit

LINES = CORPUS.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def decisions() -> list[str]:
    """Each corpus line's decision, by ``evaluate``, as JSON."""
    with Engine.default() as engine:
        return [engine.evaluate(json.loads(line)).model_dump_json() for line in LINES]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_each_line_gets_its_answer_in_its_place(tmp_path: Path, decisions: list[str]) -> None:
    corpus = write_lines(
        tmp_path / "batch.jsonl",
        [
            *LINES[:3],
            '{"platform": "taobao"}',
            "",
            "not json",
            LINES[3][:-1] + ', "platform": "tmall"}',
            "  \t",
            *LINES[4:6],
        ],
    )
    status, out, err = call("evaluate", "--batch", corpus)

    assert status == 2
    answers = out.splitlines()
    assert len(answers) == 10
    assert [answers[i] for i in (0, 1, 2, 8, 9)] == [decisions[i] for i in (0, 1, 2, 4, 5)]
    assert answers[4] == answers[7] == "null"
    errors = [json.loads(answers[i]) for i in (3, 5, 6)]
    assert [e["line"] for e in errors] == [4, 6, 7]
    assert {e["error"]["type"] for e in errors} == {"ComplaintError"}
    first = errors[0]["error"]["problems"][0]
    assert (first["file"], first["line"], first["code"]) == (str(corpus), 4, "missing")
    assert errors[1]["error"]["problems"][0]["location"] == f"{corpus}:6:1"
    assert [p["code"] for p in errors[2]["error"]["problems"]] == ["duplicate_key"]
    assert err.startswith(f"batch {corpus}: 10 lines, 5 decided, 3 not valid, 2 blank\n")
    assert "lines not valid: 4, 6, 7 (their errors are in the output)\n" in err


def test_the_exit_status_is_evaluates(tmp_path: Path, decisions: list[str]) -> None:
    accepted = [line for line, d in zip(LINES, decisions, strict=True) if '"accept"' in d[:20]]
    rejected = [line for line, d in zip(LINES, decisions, strict=True) if '"reject"' in d[:20]]
    assert accepted and rejected
    cases = {"accepted": (accepted[:3], 0), "one not": ([*accepted[:2], rejected[0]], 1)}
    cases["empty"] = ([], 0)
    cases["blank only"] = ([""], 0)
    for name, (lines, expected) in cases.items():
        status, out, _ = call("evaluate", "--batch", write_lines(tmp_path / "b.jsonl", lines))
        assert status == expected, name
        assert len(out.splitlines()) == len(lines), name


def test_decisions_to_a_file_and_the_summary_as_json(tmp_path: Path, decisions: list[str]) -> None:
    corpus = write_lines(tmp_path / "in.jsonl", [*LINES[:20], "[]"])
    target = tmp_path / "out.jsonl"
    status, out, err = call(
        "evaluate", "--batch", corpus, "--output", target, "--format", "json", "--trace"
    )

    assert status == 2 and err == ""
    written = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["outcome"] for line in written[:20]] == [
        json.loads(d)["outcome"] for d in decisions[:20]
    ]
    assert all(json.loads(line)["trace"] is not None for line in written[:20])
    assert json.loads(written[20])["line"] == 21
    summary = json.loads(out)
    outcomes = [json.loads(d)["outcome"] for d in decisions[:20]]
    assert summary["outcomes"] == {o: outcomes.count(o) for o in ("accept", "needs_info", "reject")}
    assert (summary["lines"], summary["decided"], summary["invalid"]) == (21, 20, 1)
    assert summary["invalid_lines"] == [21]
    codes = [f["code"] for d in decisions[:20] for f in json.loads(d)["findings"]]
    assert {c: n["findings"] for c, n in summary["findings"].items()} == {
        c: codes.count(c) for c in set(codes)
    }
    assert summary["input"] == str(corpus) and summary["output"] == str(target)
    assert summary["bundle_default"] is True and len(summary["bundle"]["sha256"]) == 64


def test_a_run_that_fails_leaves_the_output_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_lines(tmp_path / "in.jsonl", LINES[:5])
    target = tmp_path / "out.jsonl"
    target.write_text("the last run\n")
    written: list[str] = []
    real = batch_module._line_json

    def fails_on_the_fourth(number: int, result: Any) -> str:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(real(number, result))
        return written[-1]

    monkeypatch.setattr(batch_module, "_line_json", fails_on_the_fourth)
    status, out, err = call("evaluate", "--batch", corpus, "--output", target)

    assert status == 2 and out == ""
    assert err == f"ipp-rules: No space left on device: {target}\n"
    assert target.read_text() == "the last run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_a_bundle_that_does_not_load_writes_no_output(tmp_path: Path, bundle_copy: Path) -> None:
    edit(bundle_copy / "bundle.yaml", "account.yaml", "acount.yaml")
    corpus = write_lines(tmp_path / "in.jsonl", LINES[:2])
    target = tmp_path / "out.jsonl"
    status, out, err = call(
        "evaluate", "--batch", corpus, "--rules", bundle_copy, "--output", target
    )
    assert status == 2 and out == ""
    assert "invalid ruleset bundle" in err
    assert not target.exists()


@pytest.mark.parametrize("jobs", ["0", "-1", "two", "1.5"])
def test_jobs_must_be_a_number_of_processes(jobs: str) -> None:
    status, out, err = call("evaluate", "--batch", CORPUS, f"--jobs={jobs}")
    assert status == 2 and out == ""
    assert "ipp-rules evaluate: error: argument --jobs: expected" in err
    status, out, _ = call("evaluate", "--batch", CORPUS, f"--jobs={jobs}", "--format", "json")
    error = json.loads(out)["error"]
    assert error["type"] == "ArgumentError" and "--jobs" in error["message"]


def test_jobs_are_kept_to_the_processors_available() -> None:
    assert _jobs("1") == 1
    assert _jobs("100000") == available_cores()
    assert _jobs("9" * 30) == available_cores()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jobs", "2", str(CORPUS)], "argument --jobs: goes with --batch FILE"),
        (["--output", "o.jsonl", str(CORPUS)], "argument --output: goes with --batch FILE"),
        (["x.json", "--batch", str(CORPUS)], "argument --batch: give FILE or --batch FILE"),
    ],
)
def test_batch_options_go_with_batch(args: list[str], message: str) -> None:
    status, out, err = call("evaluate", *args)
    assert (status, out) == (2, "")
    assert err.startswith("usage: ipp-rules evaluate [-h] ")
    assert f"\nipp-rules evaluate: error: {message}" in err


def test_a_line_too_long_is_an_error_in_its_place(tmp_path: Path, decisions: list[str]) -> None:
    long_line = '{"platform": "' + "x" * MAX_DOCUMENT_BYTES + '"}'
    corpus = write_lines(tmp_path / "in.jsonl", [LINES[0], long_line, LINES[1]])
    status, out, _ = call("evaluate", "--batch", corpus)
    answers = out.splitlines()
    assert status == 2
    assert [answers[0], answers[2]] == decisions[:2]
    (problem,) = json.loads(answers[1])["error"]["problems"]
    assert (problem["code"], problem["line"]) == ("document_too_large", 2)
    size = len(long_line.encode())
    assert (
        problem["message"]
        == f"expected a document of at most {MAX_DOCUMENT_BYTES} bytes, got {size}"
    )


def test_lines_are_read_as_they_come() -> None:
    stream = io.BytesIO(b"\xef\xbb\xbf{}\n\n" + b"x" * (MAX_DOCUMENT_BYTES + 5) + b"\nlast")
    lines = list(read_lines(stream, "in.jsonl"))
    assert [(line.number, line.text, line.size) for line in lines] == [
        (1, b"{}", 2),
        (2, b"", 0),
        (3, b"", MAX_DOCUMENT_BYTES + 5),
        (4, b"last", 4),
    ]
    assert [line.blank for line in lines] == [False, True, False, False]
    assert lines[2].too_long


@pytest.mark.slow  # a subprocess, with worker processes
def test_standard_input_in_two_processes_without_a_progress_bar_in_a_pipe(
    decisions: list[str],
) -> None:
    done = run_cli("evaluate", "--batch", "-", "--jobs", "2", stdin="\n".join(LINES[:150]) + "\n\n")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [*decisions[:150], "null"]
    # Not a terminal: the error output holds the summary, and no progress bar.
    assert done.stderr.startswith("batch <stdin>: 151 lines, 150 decided, 0 not valid, 1 blank\n")
    assert "\r" not in done.stderr and "[#" not in done.stderr


def test_on_a_terminal_a_progress_bar_counts_the_lines(tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    corpus = write_lines(tmp_path / "in.jsonl", [*LINES[:3], ""])
    out, err = io.StringIO(), Terminal()
    assert dispatch(["evaluate", "--batch", str(corpus)], out, err) == 1
    bar, _, summary = err.getvalue().partition("\x1b[2K")
    assert bar.startswith("\revaluate [") and bar.endswith("] 4/4\r")
    assert summary.startswith(f"batch {corpus}: 4 lines, 3 decided")
    assert len(out.getvalue().splitlines()) == 4
