"""The partition functions: a bundle and a partition of documents in, one row per document out.

They are the whole of the work a distributed job does, and know nothing of the engine that
distributes it: Dask calls them (:mod:`ipp_rules.dask`), and so can Spark's ``mapInPandas``,
a process pool, or a loop. A partition is

* an iterable of documents (mappings, or JSON text as ``str`` or ``bytes``), or
* a pyarrow ``Table`` or pandas ``DataFrame``: either a text column :data:`JSON_COLUMN`
  (``complaint``) holding each row's complaint as JSON, or one column per top-level field of
  the complaint (nested values as structs and lists; a null is no value).

and what comes back is of the same kind: a list of row dicts, or an Arrow table, or a pandas
``DataFrame`` (with the input's index). The engine is built once per process and bundle
(:func:`~ipp_rules.scale.bundles.engine_for`), never once per partition.

An evaluate row (:data:`EVALUATE_SCHEMA`): ``source`` and ``position`` (where the document
was: a file and its line or row, counted from 1), ``outcome`` and ``codes`` (the findings'
codes, in order), ``decision`` (the Decision's JSON, as ``Decision.model_dump_json()`` writes
it), ``error`` (for a document that is not a valid complaint: the error as JSON, its
problems placed at the position as a line; then ``outcome`` and ``decision`` are null), and
``bundle`` (the sha256 of the bundle that decided).

A diff row (:data:`DIFF_SCHEMA`): ``source``, ``position``, ``old_outcome``,
``new_outcome``, ``changed``, the findings that ``appeared`` and ``disappeared`` and each
decision's ``old_findings`` and ``new_findings`` (as JSON lists of ``[rule, code, path]``),
and ``error`` (a document that is not a valid complaint). A complaint changes when its
outcome does, or the multiset of its findings, as ``ipp-rules diff`` compares them.

A bad document is a row with its problems, never an exception: only a bundle that does not
load (``RulesetError``) or an input that cannot be read (``OSError``) stops a partition.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ipp_rules.analysis.corpus import CorpusLine, corpus_line, parse_line, too_long_problem
from ipp_rules.analysis.diff import LineResult, decide_document
from ipp_rules.engine.engine import BackendName, Engine
from ipp_rules.errors import ComplaintError, error_document
from ipp_rules.models.intake import (
    check_shape,
    document_too_large,
    load_complaint_json,
    on_line,
)
from ipp_rules.problems import Problem
from ipp_rules.scale.bundles import BundleLike, engine_for
from ipp_rules.scale.sources import JSON_COLUMN, Item, Part, RawLine, read_part, table_items

__all__ = [
    "DIFF_FIELDS",
    "EVALUATE_FIELDS",
    "diff_items",
    "diff_part",
    "diff_part_changes",
    "diff_partition",
    "diff_results",
    "diff_row",
    "diff_schema",
    "evaluate_items",
    "evaluate_part",
    "evaluate_partition",
    "evaluate_schema",
    "rows_table",
]

EVALUATE_FIELDS = ("source", "position", "outcome", "codes", "decision", "error", "bundle")
DIFF_FIELDS = (
    "source",
    "position",
    "old_outcome",
    "new_outcome",
    "changed",
    "appeared",
    "disappeared",
    "old_findings",
    "new_findings",
    "error",
)
_BLANK = b" \t\r\n"


def evaluate_schema() -> Any:
    """The Arrow schema of evaluate rows."""
    import pyarrow as pa

    return pa.schema(
        [
            ("source", pa.string()),
            ("position", pa.int64()),
            ("outcome", pa.string()),
            ("codes", pa.list_(pa.string())),
            ("decision", pa.string()),
            ("error", pa.string()),
            ("bundle", pa.string()),
        ]
    )


def diff_schema() -> Any:
    """The Arrow schema of diff rows."""
    import pyarrow as pa

    return pa.schema(
        [
            ("source", pa.string()),
            ("position", pa.int64()),
            ("old_outcome", pa.string()),
            ("new_outcome", pa.string()),
            ("changed", pa.bool_()),
            ("appeared", pa.string()),
            ("disappeared", pa.string()),
            ("old_findings", pa.string()),
            ("new_findings", pa.string()),
            ("error", pa.string()),
        ]
    )


def rows_table(rows: list[dict[str, Any]], kind: str) -> Any:
    """``rows`` (of :func:`evaluate_items` or :func:`diff_items`) as an Arrow table."""
    import pyarrow as pa

    schema = evaluate_schema() if kind == "evaluate" else diff_schema()
    return pa.Table.from_pylist(rows, schema=schema)


# ---------------------------------------------------------------------------------------------
# Rows from inputs


def evaluate_items(
    engine: Engine, items: Iterable[Item], source: str, *, trace: bool = False
) -> list[dict[str, Any]]:
    """One evaluate row for each input of ``items``."""
    sha256 = engine.bundle.identity.sha256
    rows: list[dict[str, Any]] = []
    for number, document in items:
        row: dict[str, Any] = {
            "source": source,
            "position": number,
            "outcome": None,
            "codes": [],
            "decision": None,
            "error": None,
            "bundle": sha256,
        }
        if isinstance(document, RawLine) and _blank(document):
            continue  # a blank line is no input
        try:
            decision = engine.evaluate(_complaint(document, source), trace=trace)
        except ComplaintError as error:
            located = on_line(error, source, number)
            row["error"] = json.dumps(error_document(located)["error"], ensure_ascii=False)
        else:
            row["outcome"] = decision.outcome
            row["codes"] = [finding.code for finding in decision.findings]
            row["decision"] = decision.model_dump_json()
        rows.append(row)
    return rows


def _blank(line: RawLine) -> bool:
    return line.size == len(line.data) and not line.data.strip(_BLANK)


def _complaint(document: RawLine | str | bytes | Mapping[str, Any] | None, source: str) -> Any:
    """What ``engine.evaluate`` takes for one input, or the ComplaintError it is."""
    if isinstance(document, RawLine):
        if document.size > len(document.data):
            raise document_too_large(document.size, source)
        return load_complaint_json(document.data)
    if isinstance(document, str | bytes):
        return load_complaint_json(document)
    if document is None:
        raise ComplaintError([Problem("expected a complaint document, got null", "model_type")])
    if not isinstance(document, Mapping):
        raise ComplaintError(
            [
                Problem(
                    f"expected a complaint document (an object), got {type(document).__name__}",
                    "model_type",
                )
            ]
        )
    check_shape(document)
    return document


def diff_items(
    engines: tuple[Engine, Engine], items: Iterable[Item], source: str
) -> list[dict[str, Any]]:
    """One diff row for each input of ``items``, each decided as ``ipp-rules diff`` decides a
    corpus line."""
    return [diff_row(source, result) for result in diff_results(engines, items, source)]


def diff_results(
    engines: tuple[Engine, Engine], items: Iterable[Item], source: str
) -> Iterator[LineResult]:
    """Each input of ``items`` decided under both engines, as ``ipp-rules diff`` decides a
    corpus line."""
    for number, document in items:
        parsed = _diff_document(source, number, document)
        if parsed is not None:
            yield decide_document(engines, source, number, parsed)


def _diff_document(
    source: str, number: int, document: RawLine | str | bytes | Mapping[str, Any] | None
) -> Mapping[str, Any] | Problem | None:
    if isinstance(document, RawLine):
        if document.size > len(document.data):
            return too_long_problem(source, number)
        line = corpus_line(source, number, document.data)
        return line if line is None else _parsed(source, line)
    if isinstance(document, bytes):
        line = corpus_line(source, number, document)
        if line is None:
            return Problem("blank: no complaint", "model_type", file=source, line=number)
        return _parsed(source, line)
    if isinstance(document, str):
        return _parsed(source, CorpusLine(number, document))
    if isinstance(document, Mapping):
        return document
    shown = "null" if document is None else type(document).__name__
    return Problem(
        f"expected a complaint document (an object), got {shown}",
        "model_type",
        file=source,
        line=number,
    )


def _parsed(source: str, line: CorpusLine | Problem) -> Mapping[str, Any] | Problem:
    return line if isinstance(line, Problem) else parse_line(source, line)


def diff_row(source: str, result: LineResult) -> dict[str, Any]:
    """A diff row from one decided line."""
    row: dict[str, Any] = {
        "source": source,
        "position": result.line,
        "old_outcome": None,
        "new_outcome": None,
        "changed": False,
        "appeared": "[]",
        "disappeared": "[]",
        "old_findings": "[]",
        "new_findings": "[]",
        "error": None,
    }
    if result.problem is not None:
        row["error"] = result.problem.message
        return row
    assert result.old is not None and result.new is not None
    before, after = Counter(result.old.findings), Counter(result.new.findings)
    row.update(
        old_outcome=result.old.outcome,
        new_outcome=result.new.outcome,
        changed=_changed(result),
        appeared=_keys(tuple((after - before).elements())),
        disappeared=_keys(tuple((before - after).elements())),
        old_findings=_keys(result.old.findings),
        new_findings=_keys(result.new.findings),
    )
    return row


def _keys(keys: tuple[tuple[str, str, str], ...]) -> str:
    return json.dumps([list(key) for key in keys], ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------
# The partition functions


def evaluate_part(
    bundle: BundleLike, part: Part, *, trace: bool = False, column: str = JSON_COLUMN
) -> list[dict[str, Any]]:
    """The evaluate rows of one part of the input files."""
    return evaluate_items(engine_for(bundle), read_part(part, column), part.source, trace=trace)


def diff_part(
    old: BundleLike, new: BundleLike, part: Part, *, column: str = JSON_COLUMN
) -> list[dict[str, Any]]:
    """The diff rows of one part of the input files."""
    return diff_items((engine_for(old), engine_for(new)), read_part(part, column), part.source)


def diff_part_changes(
    old: BundleLike, new: BundleLike, part: Part, *, column: str = JSON_COLUMN
) -> tuple[int, list[LineResult]]:
    """What ``ipp-rules diff`` reports of one part: how many of its complaints were decided,
    and its lines whose decision changes or that could not be decided."""
    engines = (engine_for(old), engine_for(new))
    decided, kept = 0, []
    for result in diff_results(engines, read_part(part, column), part.source):
        if result.problem is None:
            decided += 1
        if result.problem is not None or _changed(result):
            kept.append(result)
    return decided, kept


def _changed(result: LineResult) -> bool:
    assert result.old is not None and result.new is not None
    return result.old.outcome != result.new.outcome or Counter(result.old.findings) != Counter(
        result.new.findings
    )


def evaluate_partition(
    bundle: BundleLike,
    documents: Any,
    *,
    source: str = "",
    first: int = 1,
    column: str = JSON_COLUMN,
    trace: bool = False,
    backend: BackendName = "auto",
) -> Any:
    """The decisions of a partition of documents by ``bundle`` (a payload or a folder), as
    rows of the partition's own kind: see the module's text. ``source`` and ``first`` say
    where the partition's documents are (its label, the position of its first)."""
    engine = engine_for(bundle, backend)
    items, finish = _partition(documents, first, column)
    return finish(evaluate_items(engine, items, source, trace=trace), "evaluate")


def diff_partition(
    old: BundleLike,
    new: BundleLike,
    documents: Any,
    *,
    source: str = "",
    first: int = 1,
    column: str = JSON_COLUMN,
    backend: BackendName = "auto",
) -> Any:
    """The diff rows of a partition of documents between two bundles: see the module's
    text."""
    engines = (engine_for(old, backend), engine_for(new, backend))
    items, finish = _partition(documents, first, column)
    return finish(diff_items(engines, items, source), "diff")


def _partition(documents: Any, first: int, column: str) -> tuple[Iterator[Item], Any]:
    """A partition's inputs, and how rows go back in the partition's kind."""
    kind = type(documents).__module__.split(".")[0]
    if kind == "pandas":
        import pandas as pd
        import pyarrow as pa

        frame: pd.DataFrame = documents
        table = pa.Table.from_pandas(frame, preserve_index=False)

        def as_frame(rows: list[dict[str, Any]], what: str) -> pd.DataFrame:
            return rows_table(rows, what).to_pandas().set_axis(frame.index)

        return table_items(table, first, column), as_frame
    if kind == "pyarrow":
        return table_items(documents, first, column), rows_table
    if isinstance(documents, str | bytes | Mapping):
        raise TypeError("documents must be an iterable of documents, not one document")
    return enumerate(documents, first), lambda rows, what: rows
