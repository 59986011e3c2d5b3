"""Engine.evaluate_many and the worker pool: order, identical results, bad documents in
place, lazy reading, one engine per worker."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ipp_rules import Complaint, ComplaintError, Decision, Engine, EngineError
from ipp_rules.engine import batch
from ipp_rules.engine.batch import chunked, map_chunks
from ipp_rules.models.intake import load_complaint, load_complaint_json
from ipp_rules.problems import Problem
from tests.conftest import REPO, edit

CORPUS_LINES = (REPO / "docs" / "examples" / "corpus.jsonl").read_bytes().splitlines()


@pytest.fixture(scope="module")
def default_engine() -> Iterator[Engine]:
    with Engine.default() as engine:
        yield engine


def one_by_one(engine: Engine, lines: list[bytes]) -> list[str]:
    return [engine.evaluate(json.loads(line)).model_dump_json() for line in lines]


def nested(levels: int) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for _ in range(levels):
        document = {"evidence": [document]}
    return document


def test_in_this_process_the_results_are_evaluates_in_order(default_engine: Engine) -> None:
    lines = CORPUS_LINES
    expected = one_by_one(default_engine, lines)
    # Every kind of document: JSON bytes and text, a mapping, a model.
    documents = [
        (line, line.decode(), json.loads(line), load_complaint(json.loads(line)))[i % 4]
        for i, line in enumerate(lines)
    ]
    got = [d.model_dump_json() for d in default_engine.evaluate_many(documents)]
    assert got == expected


def test_bad_documents_in_the_middle_come_back_in_place(default_engine: Engine) -> None:
    bad: list[Any] = [b'{"platform": "taobao"}', b"not json", nested(1000), 7]
    documents: list[Any] = [*CORPUS_LINES[:3], *bad, *CORPUS_LINES[3:5]]
    results = list(default_engine.evaluate_many(documents, errors="return"))

    assert [r.model_dump_json() for r in results[:3] + results[7:]] == one_by_one(
        default_engine, CORPUS_LINES[:5]
    )
    errors = results[3:7]
    assert all(isinstance(error, ComplaintError) for error in errors)
    expected = [caught(load_complaint_json, source) for source in bad[:2]]
    expected += [caught(load_complaint, document) for document in bad[2:]]
    assert [error.problems for error in errors if isinstance(error, ComplaintError)] == expected


def caught(load: Callable[[Any], object], document: Any) -> tuple[Problem, ...]:
    with pytest.raises(ComplaintError) as error:
        load(document)
    return error.value.problems


def test_by_default_a_bad_document_raises_where_it_stands(default_engine: Engine) -> None:
    results = default_engine.evaluate_many([CORPUS_LINES[0], b"{}", CORPUS_LINES[1]])
    assert isinstance(next(results), Decision)
    with pytest.raises(ComplaintError, match="missing required field 'platform'"):
        next(results)
    assert list(results) == []


def test_the_input_is_read_only_as_far_as_the_results_are(default_engine: Engine) -> None:
    read: list[int] = []
    results = default_engine.evaluate_many(endless(read))
    assert len(list(itertools.islice(results, 5))) == 5
    assert len(read) == 5


def endless(read: list[int]) -> Iterator[bytes]:
    """The corpus lines over and over, never ending; ``read`` grows by one per line read."""
    for number in itertools.count():
        read.append(number)
        yield CORPUS_LINES[number % len(CORPUS_LINES)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"jobs": 0}, "jobs must be"),
        ({"jobs": -2}, "jobs must be"),
        ({"jobs": "2"}, "jobs must be"),
        ({"jobs": True}, "jobs must be"),
        ({"chunk_size": 0}, "chunk_size must be"),
        ({"errors": "ignore"}, "errors must be"),
    ],
)
def test_bad_arguments_are_refused_at_the_call(
    default_engine: Engine, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        default_engine.evaluate_many([], **arguments)


def test_chunks_are_read_lazily_and_keep_their_order() -> None:
    read: list[int] = []
    pieces = chunked(endless(read), 3)
    assert next(pieces) == CORPUS_LINES[:3]
    assert read == [0, 1, 2]
    assert [len(c) for c in chunked(range(7), 3)] == [3, 3, 1]


# ---------------------------------------------------------------------------------------------
# In worker processes


@pytest.mark.slow  # starts worker processes
def test_two_workers_give_the_same_results_in_the_same_order(default_engine: Engine) -> None:
    lines = CORPUS_LINES
    bad: list[Any] = [b'{"platform": "taobao", "platform": "tmall"}', nested(100_000), b"\xff"]
    documents: list[Any] = [*lines[:50], bad[0], *lines[50:120], bad[1], *lines[120:], bad[2]]
    one = list(default_engine.evaluate_many(documents, errors="return"))
    two = list(default_engine.evaluate_many(documents, jobs=2, errors="return", chunk_size=16))

    decisions = [r.model_dump_json() for r in two if isinstance(r, Decision)]
    assert decisions == one_by_one(default_engine, lines)
    # Errors come back from the workers intact, where the bad documents stood.
    assert [i for i, r in enumerate(two) if isinstance(r, ComplaintError)] == [50, 121, 204]
    assert [(type(r), str(r), getattr(r, "problems", None)) for r in two] == [
        (type(r), str(r), getattr(r, "problems", None)) for r in one
    ]
    assert [p.code for r in two if isinstance(r, ComplaintError) for p in r.problems] == [
        "duplicate_key",
        "nesting_too_deep",
        "json_invalid",
    ]


@pytest.mark.slow  # starts worker processes
def test_in_workers_the_input_is_read_a_few_chunks_ahead_at_most(default_engine: Engine) -> None:
    read: list[int] = []
    results = default_engine.evaluate_many(endless(read), jobs=2, chunk_size=4)
    try:
        first = list(itertools.islice(results, 5))
    finally:
        results.close()  # stops the workers
    assert [d.model_dump_json() for d in first] == one_by_one(default_engine, CORPUS_LINES[:5])
    # Two chunks per worker in flight, and one more sent as each is taken back.
    assert len(read) <= (2 * 2 + 2) * 4


@pytest.mark.slow  # starts worker processes
def test_in_workers_a_bad_document_raises_where_it_stands(default_engine: Engine) -> None:
    documents = [*CORPUS_LINES[:10], b"[]", *CORPUS_LINES[10:20]]
    results = default_engine.evaluate_many(documents, jobs=2, chunk_size=3)
    assert [d.model_dump_json() for d in itertools.islice(results, 10)] == one_by_one(
        default_engine, CORPUS_LINES[:10]
    )
    with pytest.raises(ComplaintError, match="expected the document to be an object"):
        next(results)
    assert list(results) == []


def engine_builds(chunk: list[bytes]) -> tuple[int, int, list[str]]:
    """In a worker: its process id, how many engines it has built, and the chunk decided."""
    outcomes = batch._decide_chunk(False, list(chunk))
    decisions = [o.model_dump_json() for o in outcomes if isinstance(o, Decision)]
    return os.getpid(), batch._Worker.builds, decisions


@pytest.mark.slow  # starts worker processes
def test_each_worker_builds_its_engine_once(default_engine: Engine) -> None:
    bundle = default_engine.bundle
    answers = list(
        map_chunks(
            engine_builds,
            chunked(CORPUS_LINES[:60], 3),
            jobs=2,
            initializer=batch._start_worker,
            initargs=(str(bundle.root.resolve()), default_engine.backend, bundle.identity.sha256),
        )
    )
    assert len(answers) == 20
    assert {builds for _, builds, _ in answers} == {1}
    assert len({pid for pid, _, _ in answers}) <= 2
    assert os.getpid() not in {pid for pid, _, _ in answers}
    decided = [decision for _, _, decisions in answers for decision in decisions]
    assert decided == one_by_one(default_engine, CORPUS_LINES[:60])


def fail_on_the_third(chunk: list[int]) -> list[int]:
    if 7 in chunk:
        raise ValueError("chunk 3 cannot be done")
    return [n * 10 for n in chunk]


@pytest.mark.slow  # starts worker processes
def test_an_error_in_a_worker_is_raised_when_its_chunks_turn_comes() -> None:
    answers = map_chunks(fail_on_the_third, chunked(range(20), 3), jobs=2)
    assert next(answers) == [0, 10, 20]
    assert next(answers) == [30, 40, 50]
    with pytest.raises(ValueError, match="chunk 3 cannot be done"):
        next(answers)


@pytest.mark.slow  # starts worker processes
def test_a_bundle_changed_on_disk_is_not_used_by_the_workers(bundle_copy: Path) -> None:
    with Engine.from_path(bundle_copy) as engine:
        edit(
            bundle_copy / "account.yaml", "title: An authorised agent must", "title: An agent must"
        )
        results = engine.evaluate_many(CORPUS_LINES[:4], jobs=2)
        with pytest.raises(EngineError, match="changed on disk after the engine loaded it"):
            next(results)


def test_a_complaint_model_is_sent_as_it_is() -> None:
    model = load_complaint(json.loads(CORPUS_LINES[0]))
    assert batch._sendable(model) is model
    assert isinstance(batch._sendable(nested(40)), ComplaintError)
    assert isinstance(model, Complaint)
