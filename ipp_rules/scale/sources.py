"""The inputs of a distributed job: JSON Lines and Parquet files, local or behind an fsspec URL,
cut into parts that are decided independently.

:func:`find_inputs` expands paths and glob patterns (``corpus/*.jsonl``,
``s3://bucket/2026/*.parquet``) into files, in name order. :func:`plan_parts` cuts them:

* a JSON Lines file into blocks of about ``blocksize`` bytes. A block holds the lines that
  start inside it, so a line is never split; a line's number is counted from the file's start,
  so a block needs to know how many lines come before it (:func:`count_newlines` of the blocks
  before, one cheap pass: :func:`number_parts`). A compressed file (``.gz``, ``.bz2``, ``.xz``,
  ``.zst``) is one block;
* a Parquet file into runs of row groups of about ``blocksize`` bytes (its own metadata says
  how many rows come before each).

:func:`read_part` gives each input of a part with its position (a JSON Lines line number, a
Parquet row number, both counted from 1) and its document (the text of a line, or a row), or
the :class:`~ipp_rules.problems.Problem` of a line that holds none; blank lines are no input.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO, Literal, NamedTuple

from ipp_rules.errors import InputError
from ipp_rules.models.intake import MAX_DOCUMENT_BYTES
from ipp_rules.problems import Problem

__all__ = [
    "COMPRESSED",
    "DEFAULT_BLOCKSIZE",
    "JSON_COLUMN",
    "Item",
    "Part",
    "RawLine",
    "count_newlines",
    "filesystem",
    "find_inputs",
    "input_kind",
    "number_parts",
    "plan_parts",
    "read_parquet_part",
    "read_part",
    "row_document",
    "table_items",
]

DEFAULT_BLOCKSIZE = 16 << 20
"""Bytes of input a part holds: some ten thousand complaints, a few seconds of one core."""
JSON_COLUMN = "complaint"
"""The Parquet column read as one complaint document of JSON text a row, when there is one;
otherwise every column is a top-level field of the document."""
COMPRESSED = (".gz", ".bz2", ".xz", ".zst")
_JSON_LINES = (".jsonl", ".ndjson", ".json")
_PARQUET = (".parquet", ".pq")

_BOM = b"\xef\xbb\xbf"

Kind = Literal["jsonl", "parquet", "csv"]


@dataclass(frozen=True)
class Part:
    """A piece of one input file, decided as one task."""

    source: str
    """The file, as found (a path, or a URL with its protocol)."""
    kind: Kind
    start: int
    """JSON Lines: the first byte; Parquet: the first row group."""
    end: int
    """JSON Lines: the byte after the block (-1: to the end); Parquet: the row group after."""
    before: int = 0
    """JSON Lines: the line breaks before ``start``; Parquet: the rows before ``start``."""
    compression: str | None = None


class RawLine(NamedTuple):
    """A line of a JSON Lines file as read: its bytes without the line break (empty when it
    is longer than a document may be, and not kept), and its length in bytes."""

    data: bytes
    size: int


Item = tuple[int, "RawLine | str | Mapping[str, Any] | None"]
"""An input of a part: its position, and what is there: a line of a JSON Lines file, the
JSON text of a row's complaint column (None: null), or a row as a document."""


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system of ``url`` (a path, or a URL with its protocol) and the path in
    it."""
    from fsspec.core import url_to_fs

    fs, path = url_to_fs(url)
    return fs, str(path)


def input_kind(name: str, csv: bool = False) -> tuple[Kind, str | None]:
    """What a file is by its name: JSON Lines or Parquet (or CSV, when ``csv``: a history),
    and its compression; InputError otherwise."""
    lowered = name.lower()
    compression = None
    for suffix, codec in zip(COMPRESSED, ("gzip", "bz2", "xz", "zstd"), strict=True):
        if lowered.endswith(suffix):
            lowered, compression = lowered.removesuffix(suffix), codec
            break
    if lowered.endswith(_JSON_LINES):
        return "jsonl", compression
    if lowered.endswith(_PARQUET) and compression is None:
        return "parquet", None
    if csv and lowered.endswith(".csv"):
        return "csv", compression
    raise InputError(
        [
            Problem(
                "expected JSON Lines (.jsonl, .ndjson, .json, possibly compressed) or Parquet "
                "(.parquet) by the file's name",
                "input_kind",
                file=name,
            )
        ],
        "inputs that cannot be read",
    )


def find_inputs(patterns: str | Sequence[str], *, csv: bool = False) -> list[str]:
    """The files that ``patterns`` (paths, glob patterns, fsspec URLs) name, each once, in the
    order of the patterns and by name within one; InputError naming a pattern that matches no
    regular file, or a file of another kind than JSON Lines or Parquet."""
    if isinstance(patterns, str):
        patterns = [patterns]
    found: dict[str, None] = {}
    problems: list[Problem] = []
    for pattern in patterns:
        fs, path = filesystem(pattern)
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        matches = sorted(fs.glob(path)) if _has_magic(path) else [path]
        files = [match for match in matches if _is_file(fs, match)]
        if not files:
            problems.append(Problem("no file matches", "no_input", file=pattern))
            continue
        for name in files:
            shown = _shown(pattern, name, protocol, matches == [path])
            try:
                input_kind(shown, csv)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            found[shown] = None
    if problems:
        raise InputError(problems, "inputs that cannot be read")
    return list(found)


def _shown(pattern: str, name: str, protocol: str, given: bool) -> str:
    """A file as the job names it: as given when it was named, else relative to the working
    folder when the pattern was, else with its protocol (a URL)."""
    if given:
        return pattern
    if protocol not in ("file", "local"):
        return f"{protocol}://{name}"
    return os.path.relpath(name) if not os.path.isabs(pattern) else name


def _has_magic(path: str) -> bool:
    return any(char in path for char in "*?[")


def _is_file(fs: Any, path: str) -> bool:
    try:
        info = fs.info(path)
    except (OSError, ValueError):
        return False
    if info.get("type") != "file":
        return False
    # A local FIFO or device is no file to read (it might never end).
    local = getattr(fs, "protocol", None) in ("file", ("file", "local"))
    return not local or os.path.isfile(path)


def plan_parts(
    files: Sequence[str], *, blocksize: int = DEFAULT_BLOCKSIZE, csv: bool = False
) -> list[Part]:
    """``files`` cut into parts of about ``blocksize`` bytes, in order. JSON Lines blocks after
    a file's first do not know their line numbers yet: see :func:`number_parts`. A CSV file
    (``csv``: a history, whose header names the columns of every line) is one part."""
    if isinstance(blocksize, bool) or not isinstance(blocksize, int) or blocksize < 1:
        raise ValueError(f"blocksize must be a number of bytes, 1 or more, not {blocksize!r}")
    parts: list[Part] = []
    for source in files:
        kind, compression = input_kind(source, csv)
        fs, path = filesystem(source)
        if kind == "parquet":
            parts.extend(_parquet_parts(fs, path, source, blocksize))
            continue
        if kind == "csv":
            parts.append(Part(source, "csv", 0, -1, 0, compression))
            continue
        size = fs.size(path)
        if compression is not None or size is None or size <= blocksize:
            parts.append(Part(source, "jsonl", 0, -1, 0, compression))
            continue
        starts = range(0, size, blocksize)
        parts.extend(
            Part(source, "jsonl", start, min(start + blocksize, size), -1) for start in starts
        )
    return parts


def _parquet_parts(fs: Any, path: str, source: str, blocksize: int) -> Iterator[Part]:
    import pyarrow.parquet as pq

    with fs.open(path, "rb") as handle:
        metadata = pq.ParquetFile(handle).metadata
    groups = [metadata.row_group(i) for i in range(metadata.num_row_groups)]
    start, rows, size, before = 0, 0, 0, 0
    for index, group in enumerate(groups):
        rows += group.num_rows
        size += group.total_byte_size
        if size >= blocksize or index == len(groups) - 1:
            yield Part(source, "parquet", start, index + 1, before)
            start, before, size = index + 1, before + rows, 0
            rows = 0
    if not groups:
        yield Part(source, "parquet", 0, 0, 0)


def count_newlines(part: Part) -> int:
    """The line breaks in a JSON Lines block's bytes."""
    fs, path = filesystem(part.source)
    count = 0
    with fs.open(path, "rb") as handle:
        handle.seek(part.start)
        left = part.end - part.start
        while left > 0 and (block := handle.read(min(left, 1 << 20))):
            count += block.count(b"\n")
            left -= len(block)
    return count


def number_parts(parts: Sequence[Part], counts: Mapping[int, int]) -> list[Part]:
    """``parts`` with the line breaks before each JSON Lines block filled in, ``counts`` being
    :func:`count_newlines` of every part (by index) whose ``before`` is unknown (-1) or that
    comes before one in its file."""
    numbered: list[Part] = []
    seen: dict[str, int] = {}
    for index, part in enumerate(parts):
        if part.kind == "jsonl" and part.end != -1:
            before = seen.get(part.source, 0)
            numbered.append(replace(part, before=before))
            seen[part.source] = before + counts[index]
        else:
            numbered.append(part)
    return numbered


def read_part(part: Part, column: str = JSON_COLUMN) -> Iterator[Item]:
    """The inputs of ``part``, in order, each with its position: see the module's text."""
    if part.kind == "parquet":
        yield from _parquet_items(part, column)
        return
    if part.end != -1 and part.before < 0:
        raise ValueError(f"{part.source}: a block's line numbers are not counted yet")
    fs, path = filesystem(part.source)
    with fs.open(path, "rb", compression=part.compression) as handle:
        number = part.before
        for raw, size in _block_lines(handle, part.start, part.end):
            number += 1
            if raw is None:  # the rest of a line the block before holds
                continue
            yield number, RawLine(raw, size)


def _block_lines(handle: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes | None, int]]:
    """The lines (with their breaks) that start in ``[start, end)`` (``end`` -1: to the
    file's end), each with its length in bytes (break excluded); none is held past the
    document limit: a longer one is yielded empty, its rest read through and measured, as
    ``evaluate --batch`` reads lines. A block that starts inside a line first yields None for
    the rest of that line (its line break is counted in the block)."""
    limit = MAX_DOCUMENT_BYTES
    position = start
    handle.seek(max(start - 1, 0))
    marked = False
    if start == 0:  # a byte-order mark opening the file is no part of its first line
        marked = handle.read(len(_BOM)) == _BOM
        position = len(_BOM) if marked else 0
    elif handle.read(1) != b"\n":
        read, _ = _read_through(handle, limit)
        position += read
        yield None, 0
    handle.seek(position)
    first = start == 0  # the file's first line is the first block's, wherever it ends
    while first or end == -1 or position < end:
        line = handle.readline(limit + 2)
        if not line:
            if first and marked:  # nothing but the mark: one blank line
                yield b"", 0
            return
        first = False
        position += len(line)
        text = line.removesuffix(b"\n")
        size = len(text)
        if size > limit:
            if len(text) == len(line):  # the line goes on
                read, broken = _read_through(handle, limit)
                position += read
                size += read - broken
            text = b""
        yield text, size


def _read_through(handle: BinaryIO, limit: int) -> tuple[int, int]:
    """Read on to the end of the line: the bytes read, and 1 if they end with a line break."""
    read = 0
    while piece := handle.readline(limit + 2):
        read += len(piece)
        if piece.endswith(b"\n"):
            return read, 1
    return read, 0


def _parquet_items(part: Part, column: str) -> Iterator[Item]:
    yield from table_items(read_parquet_part(part), part.before + 1, column)


def read_parquet_part(part: Part) -> Any:
    """The rows of a Parquet part, as an Arrow table."""
    import pyarrow.parquet as pq

    fs, path = filesystem(part.source)
    with fs.open(path, "rb") as handle:
        return pq.ParquetFile(handle).read_row_groups(list(range(part.start, part.end)))


def table_items(table: Any, first: int, column: str = JSON_COLUMN) -> Iterator[Item]:
    """The rows of an Arrow table as inputs numbered from ``first``: the text of ``column``
    when the table has it as text, else each row as a document (see :func:`row_document`)."""
    import pyarrow as pa

    if column in table.column_names and _is_text(pa, table.schema.field(column).type):
        for number, text in enumerate(table.column(column).to_pylist(), first):
            yield number, text
        return
    for number, row in enumerate(table.to_pylist(), first):
        yield number, row_document(row)


def _is_text(pa: Any, kind: Any) -> bool:
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def row_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row of columns (a top-level field each, nested values as structs and lists) as a
    complaint document. A table gives every row every field of its schema, a null where a
    document had none, so a null is read as no value: dropped from objects, at any depth."""
    return {key: _without_nulls(value) for key, value in row.items() if value is not None}


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value
