"""Inputs cut into parts: every line in exactly one part, with the number it has in its file."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipp_rules.cli.batch import read_lines
from ipp_rules.errors import InputError
from ipp_rules.scale import sources
from ipp_rules.scale.sources import (
    RawLine,
    count_newlines,
    find_inputs,
    number_parts,
    plan_parts,
    read_part,
    row_document,
)

LIMIT = 40
"""The document limit in these tests (a real one is 4 MiB): lines longer are measured, not
held."""

line_text = st.one_of(
    st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"x")),
    st.just(b""),
    st.just(b"  \t"),
    st.integers(LIMIT - 2, LIMIT + 60).map(lambda n: b"y" * n),
)


def numbered(path: Path, parts: list[sources.Part]) -> list[tuple[int, RawLine]]:
    counts = {i: count_newlines(part) for i, part in enumerate(parts) if part.before < 0}
    return [item for part in number_parts(parts, counts) for item in read_part(part)]  # type: ignore[misc]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the same patch each
@given(
    lines=st.lists(line_text, max_size=30),
    ending=st.booleans(),
    bom=st.booleans(),
    blocksize=st.integers(1, 200),
)
def test_blocks_give_every_line_once_with_its_number(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    lines: list[bytes],
    ending: bool,
    bom: bool,
    blocksize: int,
) -> None:
    monkeypatch.setattr(sources, "MAX_DOCUMENT_BYTES", LIMIT)
    monkeypatch.setattr("ipp_rules.cli.batch.MAX_DOCUMENT_BYTES", LIMIT)
    data = (b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines) + (b"\n" if ending else b"")
    path = tmp_path_factory.mktemp("blocks") / "corpus.jsonl"
    path.write_bytes(data)
    # What `evaluate --batch` reads from the whole file, line by line.
    expected = [
        (line.number, RawLine(line.text, line.size))
        for line in read_lines(io.BytesIO(data), "corpus.jsonl")
    ]
    parts = plan_parts([str(path)], blocksize=blocksize)
    assert numbered(path, parts) == expected
    if len(data) > blocksize:
        assert len(parts) == -(-len(data) // blocksize)


def test_a_block_whose_count_is_missing_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"{}\n" * 100)
    parts = plan_parts([str(path)], blocksize=50)
    with pytest.raises(ValueError, match="not counted yet"):
        list(read_part(parts[1]))


def test_patterns_name_files_in_order_relative_when_given_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    for name in ("b.jsonl", "a.jsonl", "c.parquet", "d.ndjson.gz"):
        (tmp_path / "in" / name).write_bytes(b"")
    assert find_inputs("in/*") == [
        os.path.join("in", "a.jsonl"),
        os.path.join("in", "b.jsonl"),
        os.path.join("in", "c.parquet"),
        os.path.join("in", "d.ndjson.gz"),
    ]
    # A file named outright is named as given; twice is once.
    assert find_inputs(["in/b.jsonl", "in/b.jsonl", str(tmp_path / "in" / "a.jsonl")]) == [
        "in/b.jsonl",
        str(tmp_path / "in" / "a.jsonl"),
    ]


def test_patterns_that_match_nothing_or_the_wrong_kind_are_located(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    os.mkfifo(tmp_path / "pipe.jsonl")
    with pytest.raises(InputError) as caught:
        find_inputs(
            [str(tmp_path / "*.csv"), str(tmp_path / "notes.txt"), str(tmp_path / "pipe.jsonl")]
        )
    problems = caught.value.problems
    assert [(p.code, Path(p.file or "").name) for p in problems] == [
        ("no_input", "*.csv"),
        ("input_kind", "notes.txt"),
        ("no_input", "pipe.jsonl"),  # a FIFO is no file: it could block forever
    ]


def test_a_compressed_file_is_one_part_read_whole(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"a": 1}\n\n{"b": 2}\n' * 1000))
    parts = plan_parts([str(path)], blocksize=100)
    assert len(parts) == 1
    items = list(read_part(parts[0]))
    assert len(items) == 3000
    assert items[1] == (2, RawLine(b"", 0))
    assert items[-1] == (3000, RawLine(b'{"b": 2}', 8))


def test_parquet_parts_are_runs_of_row_groups_numbered_by_row(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    table = pa.table({"complaint": [f'{{"n": {i}}}' for i in range(1000)]})
    pq.write_table(table, path, row_group_size=100)
    parts = plan_parts([str(path)], blocksize=1)
    assert [(p.start, p.end, p.before) for p in parts] == [(i, i + 1, 100 * i) for i in range(10)]
    items = [item for part in parts for item in read_part(part)]
    assert items == [(i + 1, f'{{"n": {i}}}') for i in range(1000)]
    whole = plan_parts([str(path)])
    assert [(p.start, p.end) for p in whole] == [(0, 10)]


def test_a_row_of_columns_is_a_document_without_its_nulls() -> None:
    row = {
        "platform": "taobao",
        "country": None,
        "right": {"id": "T", "designations": None, "documents": [{"kind": "x", "language": None}]},
    }
    assert row_document(row) == {
        "platform": "taobao",
        "right": {"id": "T", "documents": [{"kind": "x"}]},
    }
