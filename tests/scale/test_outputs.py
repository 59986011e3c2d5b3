"""Outputs are whole or absent: a failed job leaves nothing that looks complete."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ipp_rules.errors import InputError
from ipp_rules.scale.outputs import (
    SUCCESS,
    OutputFolder,
    finish_part,
    output_format,
    row_line,
    single_file,
    write_part,
)
from ipp_rules.scale.partitions import evaluate_partition
from tests.cli.conftest import CORPUS
from tests.conftest import BUNDLE

FIRST = json.loads(CORPUS.read_text().splitlines()[0])
ROWS = evaluate_partition(BUNDLE, [FIRST, "{bad"], source="in.jsonl")


def test_the_output_name_says_file_or_folder_and_format() -> None:
    assert output_format("out.jsonl") == ("jsonl", True)
    assert output_format("out.parquet") == ("parquet", True)
    assert output_format("out/") == ("jsonl", False)
    assert output_format("out", "parquet") == ("parquet", False)
    assert output_format("out.parquet/") == ("jsonl", False)


def test_a_json_line_holds_the_decision_and_error_as_objects() -> None:
    decided = evaluate_partition(
        BUNDLE,
        [
            json.loads(
                Path(BUNDLE.parent / "docs/examples/corpus.jsonl").read_text().splitlines()[0]
            )
        ],
    )
    line = json.loads(row_line(decided[0]))
    assert line["decision"] == json.loads(decided[0]["decision"])
    bad = json.loads(row_line(ROWS[1]))
    assert bad["decision"] is None and bad["error"]["type"] == "ComplaintError"
    assert row_line(ROWS[1]).endswith(b"}\n")


def test_a_folder_is_put_in_place_whole_with_its_success_mark(tmp_path: Path) -> None:
    target = tmp_path / "out"
    folder = OutputFolder(str(target) + "/", "parquet")
    assert not target.exists() and Path(folder.staging).is_dir()
    write_part(ROWS, folder.staging_url, 0, "parquet", "evaluate")
    write_part(ROWS, folder.staging_url, 0, "parquet", "evaluate")  # a part done twice: once
    write_part(ROWS[:1], folder.staging_url, 1, "parquet", "evaluate")
    folder.finish()
    assert sorted(p.name for p in target.iterdir()) == [
        SUCCESS,
        "part-00000.parquet",
        "part-00001.parquet",
    ]
    assert not Path(folder.staging).exists()
    assert pq.read_table(target / "part-00000.parquet").num_rows == 2
    assert pq.read_table(target).num_rows == 3


def test_a_failed_folder_leaves_nothing_and_a_full_one_is_not_touched(tmp_path: Path) -> None:
    folder = OutputFolder(str(tmp_path / "out"), "jsonl")
    write_part(ROWS, folder.staging_url, 0, "jsonl", "evaluate")
    folder.abandon()
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(InputError) as caught:
        OutputFolder(str(tmp_path / "full"), "jsonl")
    assert caught.value.problems[0].code == "output_exists"
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(InputError):
        OutputFolder(str(tmp_path / "file.txt"), "jsonl")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    folder = OutputFolder(str(empty), "jsonl")  # an empty folder may be the target
    folder.finish()
    assert [p.name for p in empty.iterdir()] == [SUCCESS]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_one_file_is_written_whole_or_not_at_all(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    done = finish_part(ROWS, 0, "evaluate", fmt)  # type: ignore[arg-type]
    with single_file(str(target), fmt, "evaluate") as write:  # type: ignore[arg-type]
        write(done.data)
        write(done.data)
    if fmt == "jsonl":
        assert len(target.read_bytes().splitlines()) == 4
    else:
        assert pq.read_table(target).num_rows == 4
    target.unlink()
    with pytest.raises(RuntimeError), single_file(str(target), fmt, "evaluate") as write:  # type: ignore[arg-type]
        write(done.data)
        raise RuntimeError("the job failed")
    assert list(tmp_path.iterdir()) == []


def test_a_part_is_counted_for_the_summary() -> None:
    done = finish_part(ROWS, 0, "evaluate", "jsonl")
    assert done.rows == 2 and done.invalid_count == 1
    assert done.invalid == [("in.jsonl", 2)]
    assert sum(done.outcomes.values()) == 1
    assert done.data.count(b"\n") == 2
