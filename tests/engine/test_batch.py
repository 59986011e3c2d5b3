"""Engine.evaluate_many and the worker pool: order, identical results, bad documents in
place, lazy reading, one engine per worker."""

from __future__ import annotations

import gc
import itertools
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ipp_rules import Complaint, ComplaintError, Decision, Engine, EngineError
from ipp_rules.engine import batch
from ipp_rules.engine.batch import DecisionText, chunked, evaluate_many_text, map_chunks
from ipp_rules.models.intake import load_complaint, load_complaint_json
from ipp_rules.problems import Problem
from tests.conftest import REPO, edit

CORPUS_LINES = (REPO / "docs" / "examples" / "corpus.jsonl").read_bytes().splitlines()


@pytest.fixture(scope="module")
def default_engine() -> Iterator[Engine]:
    with Engine.default() as engine:
        yield engine


@pytest.fixture(params=["forked", "spawned"])
def workers(request: pytest.FixtureRequest, default_engine: Engine) -> Iterator[str]:
    """Each way workers start: forked (this process runs one thread), and spawned (another
    thread runs while the batch does, so forking would not be safe)."""
    if request.param == "forked":
        assert batch.can_fork(default_engine)
        yield request.param
        return
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        assert not batch.can_fork(default_engine)
        yield request.param
    finally:
        done.set()
        other.join()


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
def test_two_workers_give_the_same_results_in_the_same_order(
    default_engine: Engine, workers: str
) -> None:
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
    outcomes = batch._decide_chunk(False, batch._as_decision, list(chunk))
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
def test_a_bundle_changed_on_disk_is_not_used_by_spawned_workers(bundle_copy: Path) -> None:
    done = threading.Event()
    other = threading.Thread(target=done.wait)  # forking is not safe: the workers are spawned
    other.start()
    try:
        with Engine.from_path(bundle_copy) as engine:
            assert not batch.can_fork(engine)
            edit(
                bundle_copy / "account.yaml",
                "title: An authorised agent must",
                "title: An agent must",
            )
            results = engine.evaluate_many(CORPUS_LINES[:4], jobs=2)
            with pytest.raises(EngineError, match="changed on disk after the engine loaded it"):
                next(results)
    finally:
        done.set()
        other.join()


@pytest.mark.slow  # starts worker processes
def test_forked_workers_decide_with_the_bundle_the_caller_loaded(bundle_copy: Path) -> None:
    with Engine.from_path(bundle_copy) as engine:
        assert batch.can_fork(engine)
        loaded = engine.bundle.identity
        edit(
            bundle_copy / "account.yaml", "title: An authorised agent must", "title: An agent must"
        )
        decisions = list(engine.evaluate_many(CORPUS_LINES[:40], jobs=2, chunk_size=4))
        assert [d.bundle for d in decisions] == [loaded] * 40
        assert [d.model_dump_json() for d in decisions] == one_by_one(engine, CORPUS_LINES[:40])


def adopted(chunk: list[bytes]) -> tuple[int, int, bool, bool, list[str]]:
    """In a forked worker: its process id, the engines it built, whether it has one, whether
    what it inherited is frozen, and the chunk decided."""
    outcomes = batch._decide_chunk(False, batch._as_decision, list(chunk))
    decisions = [o.model_dump_json() for o in outcomes if isinstance(o, Decision)]
    engine = batch._Worker.engine
    return (
        os.getpid(),
        batch._Worker.builds,
        engine is not None,
        gc.get_freeze_count() > 0,
        (decisions),
    )


@pytest.mark.slow  # starts worker processes
def test_a_forked_worker_decides_with_the_engine_it_inherits(default_engine: Engine) -> None:
    answers = list(
        map_chunks(
            adopted,
            chunked(CORPUS_LINES[:30], 3),
            jobs=2,
            initializer=batch._adopt_engine,
            initargs=(default_engine,),
            fork=True,
        )
    )
    assert batch._Worker.engine is None  # only the workers adopted it
    assert {(builds, has, frozen) for _, builds, has, frozen, _ in answers} == {(0, True, True)}
    assert os.getpid() not in {answer[0] for answer in answers}
    decided = [decision for *_, decisions in answers for decision in decisions]
    assert decided == one_by_one(default_engine, CORPUS_LINES[:30])


def test_workers_are_forked_only_where_that_is_safe(
    default_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert batch.can_fork(default_engine)
    with Engine.default(backend="durable") as durable:
        assert not batch.can_fork(durable)  # its sessions live in a C library
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not batch.can_fork(default_engine)
    monkeypatch.undo()
    monkeypatch.setattr(batch.sys, "platform", "darwin")
    assert not batch.can_fork(default_engine)


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_decisions_as_text_are_what_the_models_write(default_engine: Engine, jobs: int) -> None:
    documents: list[Any] = [*CORPUS_LINES[:30], b"not json", *CORPUS_LINES[30:60]]
    texts = list(
        evaluate_many_text(default_engine, documents, jobs=jobs, errors="return", chunk_size=8)
    )
    models = list(default_engine.evaluate_many(documents, errors="return"))
    assert isinstance(texts[30], ComplaintError)
    assert str(texts[30]) == str(models[30])
    expected = [
        (d.model_dump_json(), d.outcome, tuple(f.code for f in d.findings))
        for d in models
        if isinstance(d, Decision)
    ]
    assert [tuple(t) for t in texts if isinstance(t, DecisionText)] == expected
    assert any(codes for _, _, codes in expected)  # the corpus has findings to list


def test_a_complaint_model_is_sent_as_it_is() -> None:
    model = load_complaint(json.loads(CORPUS_LINES[0]))
    assert batch._sendable(model) is model
    assert isinstance(batch._sendable(nested(40)), ComplaintError)
    assert isinstance(model, Complaint)
