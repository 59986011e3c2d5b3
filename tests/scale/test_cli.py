"""``--scheduler`` on the command line: what it refuses before any work, and a whole run on
a LocalCluster it starts itself."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ipp_rules.cli.arguments import part_size
from tests.cli.conftest import CORPUS, call, run_cli
from tests.conftest import BUNDLE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "http://x:1"], "expected 'local' or a scheduler address"),
        (["--scheduler", "tcp://a b"], "expected 'local' or a scheduler address"),
        (["--scheduler", "local", "--jobs", "2"], "--jobs: not with --scheduler"),
        (["--part-size", "1MB"], "--part-size: goes with --scheduler"),
        (["--output-format", "parquet"], "--output-format: goes with --scheduler"),
        (["--scheduler", "local", "--part-size", "12"], "from 1KB to 4GB"),
        (["--scheduler", "local", "--part-size", "lots"], "a size like 64MB"),
    ],
)
def test_arguments_that_cannot_go_together_are_refused_first(args: list[str], message: str) -> None:
    status, _, err = call("evaluate", "--batch", CORPUS, *args)
    assert status == 2
    assert message in err


def test_diff_refuses_jobs_and_part_size_out_of_place() -> None:
    status, _, err = call("diff", BUNDLE, BUNDLE, "--corpus", CORPUS, "--part-size", "1MB")
    assert (status, "--part-size: goes with --scheduler" in err) == (2, True)
    status, _, err = call(
        "diff", BUNDLE, BUNDLE, "--corpus", CORPUS, "--scheduler", "local", "--jobs", "2"
    )
    assert (status, "--jobs: not with --scheduler" in err) == (2, True)


def test_sizes_read_with_their_units() -> None:
    assert [part_size(t) for t in ("64MB", "512k", "2048", "1GiB", "1 m")] == [
        64 << 20,
        512 << 10,
        2048,
        1 << 30,
        1 << 20,
    ]


@pytest.mark.slow  # starts a LocalCluster of its own
def test_a_run_on_a_local_cluster_of_its_own(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    (inputs / "a.jsonl").write_text("\n".join(lines[:100]) + "\n", encoding="utf-8")
    (inputs / "b.jsonl").write_text("\n".join([*lines[100:], "{bad"]) + "\n", encoding="utf-8")
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    # An output folder in use is refused before any work, and left as it was.
    done = run_cli(
        "evaluate", "--batch", "in/*.jsonl", "--scheduler", "local", "--output", "taken/",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert "taken/: the output folder exists and is not empty" in done.stderr
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["x"]
    done = run_cli(
        "evaluate", "--batch", "in/*.jsonl", "--scheduler", "local", "--output", "out.parquet",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr  # one line is not a complaint
    assert done.stdout.startswith("batch in/*.jsonl: 203 lines, 202 decided, 1 not valid, 0 blank")
    assert "lines not valid: in/b.jsonl:103 (their errors are in the output)" in done.stdout
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("source").to_pylist() == [
        "in/a.jsonl" if n < 100 else "in/b.jsonl" for n in range(203)
    ]
    assert table.column("position").to_pylist() == [*range(1, 101), *range(1, 104)]
    error = json.loads(table.column("error").to_pylist()[-1])
    assert error["problems"][0]["file"] == "in/b.jsonl" and error["problems"][0]["line"] == 103
    # Nothing matches: the pattern is named.
    done = run_cli("evaluate", "--batch", "none/*.jsonl", "--scheduler", "local", cwd=tmp_path)
    assert done.returncode == 2
    assert "none/*.jsonl: no file matches" in done.stderr
