"""Rows written out: JSON Lines or Parquet, one file or a folder of parts, never half.

* One file (``out.jsonl``, ``out.parquet``): written by the caller, in the order of the
  inputs, to a new name beside the target and renamed over it at the end (on an object
  store, where there is no rename, the object is created whole when it is closed).
* A folder (``out/``): each part is written by the worker that decided it, as
  ``part-00000.jsonl`` (or ``.parquet``), under a staging folder beside the target
  (``out.incomplete-<token>``), each file under a temporary name renamed when whole, so a
  part decided twice (a worker lost and its work redone) is written whole once. When every
  part is written, ``_SUCCESS`` is written and the staging folder becomes the target: renamed
  on a local disk, moved on an object store (where ``_SUCCESS`` is written last, so a reader
  that checks for it never reads a half output). A job that fails removes its staging
  folder; the target is never left half-written.

In JSON Lines an evaluate row's ``decision`` and ``error`` are written as JSON objects (the
decision exactly as ``Decision.model_dump_json()`` writes it); in Parquet they are JSON text.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal

from ipp_rules.errors import InputError
from ipp_rules.problems import Problem
from ipp_rules.scale.partitions import rows_table
from ipp_rules.scale.sources import filesystem
from ipp_rules.text.files import replacing

__all__ = [
    "SUCCESS",
    "Format",
    "OutputFolder",
    "PartDone",
    "finish_part",
    "output_format",
    "row_line",
    "single_file",
    "write_part",
    "write_rows",
]

SUCCESS = "_SUCCESS"
"""The file that says a folder output is whole."""
Format = Literal["jsonl", "parquet"]
_EMBEDDED = ("decision", "error")


def _local(fs: Any) -> bool:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return protocol in ("file", "local")


def output_format(target: str, default: Format | None = None) -> tuple[Format, bool]:
    """The format of the output ``target`` and whether it is one file: by its name, a
    ``.jsonl`` or ``.parquet`` file, else a folder of parts in ``default`` (JSON Lines)."""
    name = target.rstrip("/").lower()
    if not target.endswith(("/", os.sep)):
        if name.endswith((".jsonl", ".ndjson")):
            return "jsonl", True
        if name.endswith((".parquet", ".pq")):
            return "parquet", True
    return default or "jsonl", False


def row_line(row: Mapping[str, Any]) -> bytes:
    """An evaluate or diff row as one JSON line, JSON text fields as the objects they hold."""
    pieces = []
    for key, value in row.items():
        name = json.dumps(key)
        if key in _EMBEDDED and isinstance(value, str) and value[:1] in ("{", "["):
            pieces.append(f"{name}:{value}")
        else:
            pieces.append(f"{name}:{json.dumps(value, ensure_ascii=False)}")
    return ("{" + ",".join(pieces) + "}\n").encode("utf-8")


@contextlib.contextmanager
def _whole(url: str) -> Iterator[BinaryIO]:
    """A file to write that becomes ``url`` whole when the block ends, or not at all."""
    fs, path = filesystem(url)
    if _local(fs):
        with replacing(path) as handle:
            yield handle
        return
    temporary = f"{path}.incomplete-{secrets.token_hex(6)}"
    try:
        with fs.open(temporary, "wb") as handle:
            yield handle
        fs.mv(temporary, path)
    finally:
        with contextlib.suppress(OSError, FileNotFoundError):
            if fs.exists(temporary):
                fs.rm(temporary)


def write_rows(handle: BinaryIO, rows: Iterable[Mapping[str, Any]]) -> None:
    """``rows`` as JSON lines to ``handle``."""
    for row in rows:
        handle.write(row_line(row))


@contextlib.contextmanager
def single_file(target: str, fmt: Format, kind: str) -> Iterator[Callable[[Any], None]]:
    """A writer into the one file ``target`` of what :func:`finish_part` sends back (JSON
    lines as bytes, or an Arrow table), a part at a time in order; the file is made whole
    when the block ends without an error, else not made at all."""
    with _whole(target) as handle:
        if fmt == "jsonl":

            def write(data: bytes) -> None:
                handle.write(data)

            yield write
            return
        import pyarrow.parquet as pq

        from ipp_rules.scale.partitions import diff_schema, evaluate_schema

        schema = evaluate_schema() if kind == "evaluate" else diff_schema()
        with pq.ParquetWriter(handle, schema) as writer:
            yield writer.write_table


class OutputFolder:
    """A folder output being written: see the module's text."""

    def __init__(self, target: str, fmt: Format) -> None:
        self.target = target
        self.format: Format = fmt
        fs, path = filesystem(target)
        self.path = path.rstrip("/")
        if fs.exists(self.path) and (not fs.isdir(self.path) or fs.ls(self.path)):
            raise InputError(
                [
                    Problem(
                        "the output folder exists and is not empty: name a new one (a "
                        "job's output is never mixed with another's)",
                        "output_exists",
                        file=target,
                    )
                ],
                "an output that cannot be written",
            )
        self.staging = f"{self.path}.incomplete-{secrets.token_hex(6)}"
        fs.makedirs(self.staging, exist_ok=False)
        self.staging_url = _url(fs, self.staging)

    def finish(self) -> None:
        """Mark the output whole and put it in place."""
        fs, _ = filesystem(self.target)
        with fs.open(f"{self.staging}/{SUCCESS}", "wb"):
            pass
        if _local(fs):
            if fs.exists(self.path):  # an empty folder, checked at the start
                os.rmdir(self.path)
            os.rename(self.staging, self.path)
        else:
            fs.mv(self.staging, self.path, recursive=True)
            with contextlib.suppress(OSError, FileNotFoundError):
                fs.rm(self.staging, recursive=True)

    def abandon(self) -> None:
        """Remove what a failed job wrote."""
        fs, _ = filesystem(self.target)
        with contextlib.suppress(OSError, FileNotFoundError):
            fs.rm(self.staging, recursive=True)


def _url(fs: Any, path: str) -> str:
    if _local(fs):
        return path
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return f"{protocol}://{path}"


def write_part(
    rows: list[dict[str, Any]], staging_url: str, index: int, fmt: Format, kind: str
) -> None:
    """A part's rows written whole as ``part-NNNNN`` in the staging folder."""
    name = f"{staging_url}/part-{index:05d}.{fmt}"
    with _whole(name) as handle:
        if fmt == "jsonl":
            write_rows(handle, rows)
        else:
            import pyarrow.parquet as pq

            pq.write_table(rows_table(rows, kind), handle)


@dataclass
class PartDone:
    """What the caller gets back for one part: counts for the summary, and the part's output
    unless a worker wrote it (JSON lines as bytes, Parquet as an Arrow table, or for a diff
    the rows that changed or could not be decided)."""

    rows: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    complaints: Counter[str] = field(default_factory=Counter)
    invalid: list[tuple[str, int]] = field(default_factory=list)
    """Where the documents that are not valid complaints are (the first thousand)."""
    invalid_count: int = 0
    data: Any = None


_KEPT_INVALID = 1000


def finish_part(
    rows: list[dict[str, Any]],
    index: int,
    kind: str,
    fmt: Format,
    staging_url: str | None = None,
) -> PartDone:
    """Count a part's rows and write them (to the staging folder, when there is one) or send
    them back in ``fmt``."""
    done = PartDone(rows=len(rows))
    for row in rows:
        if row["error"] is not None:
            done.invalid_count += 1
            if len(done.invalid) < _KEPT_INVALID:
                done.invalid.append((row["source"], row["position"]))
        elif kind == "evaluate":
            done.outcomes[row["outcome"]] += 1
            done.findings.update(row["codes"])
            done.complaints.update(set(row["codes"]))
        elif row["changed"]:
            done.outcomes[f"{row['old_outcome']} -> {row['new_outcome']}"] += 1
    if kind == "diff":
        done.data = [row for row in rows if row["changed"] or row["error"] is not None]
    elif staging_url is not None:
        write_part(rows, staging_url, index, fmt, kind)
    elif fmt == "jsonl":
        done.data = b"".join(row_line(row) for row in rows)
    else:
        done.data = rows_table(rows, kind)
    return done
