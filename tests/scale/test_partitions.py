"""The partition functions: one row per document, the engine's own decision, in the
partition's own kind (rows, an Arrow table, a pandas DataFrame); a bad document is a row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from ipp_rules import Engine
from ipp_rules.analysis.corpus import read_corpus
from ipp_rules.analysis.diff import decide_lines
from ipp_rules.scale.partitions import (
    EVALUATE_FIELDS,
    diff_part_changes,
    diff_partition,
    evaluate_partition,
)
from ipp_rules.scale.sources import plan_parts
from tests.cli.conftest import CORPUS
from tests.conftest import BUNDLE, GOOD_FAITH_RELIEF, edit

DEEP: Any = "x"
for _ in range(40):  # deeper than a document may nest
    DEEP = [DEEP]

DOCUMENTS: list[dict[str, Any]] = [json.loads(line) for line in CORPUS.read_text().splitlines()]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture(scope="module")
def expected(engine: Engine) -> list[str]:
    return [engine.evaluate(document).model_dump_json() for document in DOCUMENTS]


def test_documents_as_mappings_or_text_are_decided_as_the_engine_decides(
    expected: list[str],
) -> None:
    texts = [json.dumps(document) for document in DOCUMENTS]
    for documents in (DOCUMENTS, texts, [text.encode() for text in texts]):
        rows = evaluate_partition(BUNDLE, documents, source="p", first=5)
        assert [row["decision"] for row in rows] == expected
        assert [row["position"] for row in rows] == list(range(5, 5 + len(DOCUMENTS)))
        assert {row["source"] for row in rows} == {"p"}
        assert all(tuple(row) == EVALUATE_FIELDS for row in rows)
        first = json.loads(expected[0])
        assert rows[0]["outcome"] == first["outcome"]
        assert rows[0]["codes"] == [finding["code"] for finding in first["findings"]]
        assert rows[0]["bundle"] == first["bundle"]["sha256"]


def test_an_arrow_table_of_json_text_or_of_columns_gives_an_arrow_table(
    expected: list[str],
) -> None:
    texts = pa.table(
        {"complaint": [json.dumps(d) for d in DOCUMENTS], "other": range(len(DOCUMENTS))}
    )
    # A column a field of any document; a row gets a null for every field its document lacks.
    columns = pa.Table.from_struct_array(pa.array(DOCUMENTS))
    for table in (texts, columns):
        decided = evaluate_partition(BUNDLE, table)
        assert isinstance(decided, pa.Table)
        assert decided.column("decision").to_pylist() == expected
        assert decided.column("position").to_pylist() == list(range(1, len(DOCUMENTS) + 1))


def test_a_pandas_frame_gives_a_frame_with_its_index(expected: list[str]) -> None:
    frame = pd.DataFrame(
        {"complaint": [json.dumps(d) for d in DOCUMENTS]},
        index=pd.Index([f"c{i}" for i in range(len(DOCUMENTS))], name="id"),
    )
    decided = evaluate_partition(BUNDLE, frame)
    assert isinstance(decided, pd.DataFrame)
    assert list(decided.index) == list(frame.index)
    assert list(decided["decision"]) == expected


def test_bad_documents_are_rows_with_their_problems_placed() -> None:
    documents: list[Any] = [
        DOCUMENTS[0],
        {**DOCUMENTS[0], "platform": "ebay"},
        "{not json",
        '{"a": 1, "a": 2}',
        None,
        [1, 2],
        {"deep": DEEP},
    ]
    rows = evaluate_partition(BUNDLE, documents, source="in.jsonl", first=10)
    assert [row["position"] for row in rows] == list(range(10, 17))
    assert rows[0]["error"] is None and rows[0]["outcome"] is not None
    for row in rows[1:]:
        assert row["outcome"] is None and row["decision"] is None and row["codes"] == []
        error = json.loads(row["error"])
        assert error["type"] == "ComplaintError" and error["problems"], row
        assert {p["file"] for p in error["problems"]} == {"in.jsonl"}
        assert {p["line"] for p in error["problems"]} == {row["position"]}
    assert json.loads(rows[1]["error"])["problems"][0]["path"] == ["platform"]
    assert "twice" in rows[3]["error"]
    assert "null" in rows[4]["error"] and "list" in rows[5]["error"]


def test_one_document_is_not_a_partition() -> None:
    with pytest.raises(TypeError, match="not one document"):
        evaluate_partition(BUNDLE, DOCUMENTS[0])


def test_diff_rows_say_what_changes_as_diff_decides_it(tmp_path: Path, bundle_copy: Path) -> None:
    edit(bundle_copy / "evidence.yaml", *GOOD_FAITH_RELIEF)
    rows = diff_partition(BUNDLE, bundle_copy, [*DOCUMENTS, "{bad"], source="c")
    assert len(rows) == len(DOCUMENTS) + 1
    changed = [row for row in rows if row["changed"]]
    assert changed and all(row["old_outcome"] and row["new_outcome"] for row in changed)
    assert all("evidence.counterfeit_description_missing" in row["disappeared"] for row in changed)
    assert rows[-1]["error"].startswith("not valid JSON") and not rows[-1]["changed"]
    # The part function keeps what the report needs: the same as `diff` decides.
    lines, _ = read_corpus(CORPUS)
    engines = (Engine.from_path(BUNDLE), Engine.from_path(bundle_copy))
    whole = decide_lines(engines, str(CORPUS), lines)
    (part,) = plan_parts([str(CORPUS)])
    decided, kept = diff_part_changes(BUNDLE, bundle_copy, part)
    assert decided == len(whole)
    assert kept == [r for r in whole if r.old != r.new]
    assert [row["position"] for row in changed] == [r.line for r in kept]
