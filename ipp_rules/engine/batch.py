"""Many complaints decided in order, as a stream: in this process, or in worker processes.

:func:`evaluate_many` (which ``Engine.evaluate_many`` calls) reads its documents lazily and
yields one result per document, in their order. With ``jobs=1`` it decides each document as
it is read. With ``jobs=N`` the documents go in chunks to N worker processes, and never more
than two chunks per process are in flight: the input is read only as far as the results
are, and memory holds a few chunks whatever the length of the input or of the output.

The workers are forked from this process where that is safe (:func:`can_fork`: Linux, one
thread, not the durable backend): they start in milliseconds and decide with the engine
already built, so they cannot see another bundle than the caller's. Elsewhere they are
spawned, each building its engine once from the bundle folder (a pool initializer) and
checking that it is the bundle the caller loaded; no durable_rules state (C handles, their
locks) is ever forked.

:func:`map_chunks` is that pool for any work done in chunks: ``diff`` decides its corpus with
it too (spawned: its workers build engines the caller never built).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeAlias, TypeVar

from ipp_rules.engine.engine import BackendName, Engine
from ipp_rules.errors import ComplaintError, EngineError, IppRulesError
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import Decision, Outcome
from ipp_rules.models.intake import check_shape, load_complaint_json

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DecisionText",
    "Document",
    "ErrorMode",
    "available_cores",
    "can_fork",
    "chunked",
    "evaluate_many",
    "evaluate_many_text",
    "map_chunks",
]

Document: TypeAlias = Complaint | Mapping[str, Any] | str | bytes
"""What :func:`evaluate_many` decides: a model, a document as a mapping, or one JSON document
as text."""

ErrorMode: TypeAlias = Literal["raise", "return"]
"""What a document that is not a valid complaint does to a batch: ``raise`` its
:class:`ComplaintError` (the batch ends there), or ``return`` it in the document's place."""

DEFAULT_CHUNK_SIZE = 256
"""Documents sent to a worker at a time: a chunk takes a few tens of milliseconds to decide,
so sending it and receiving its results (about half a millisecond of this process's time a
chunk, whatever its length) costs little beside deciding it, and a few chunks in flight keep
memory small."""

_T = TypeVar("_T")
_R = TypeVar("_R")
_Result: TypeAlias = Decision | ComplaintError
_D = TypeVar("_D", Decision, "DecisionText")
"""What a decision is given as: itself, or as text."""


def available_cores() -> int:
    """The processors this process may run on (its affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork(engine: Engine) -> bool:
    """Whether worker processes may be forked from this one to decide with ``engine``.

    Only where the system forks (not Windows, not macOS, where Python no longer does by
    default), only while this process runs a single thread (a lock another thread held at the
    fork would stay held forever in the copy), and never with the durable backend, whose
    rule sessions live in a C library with its own state and locks.
    """
    return sys.platform == "linux" and threading.active_count() == 1 and engine.backend != "durable"


def chunked(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``items`` in consecutive lists of ``size`` (the last may be shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def map_chunks(
    function: Callable[[list[_T]], _R],
    chunks: Iterable[list[_T]],
    *,
    jobs: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    ahead: int | None = None,
    fork: bool = False,
) -> Generator[_R, None, None]:
    """``function(chunk)`` for each chunk, computed in ``jobs`` worker processes and yielded
    in the order of the chunks.

    Each worker runs ``initializer(*initargs)`` once when it starts. ``function`` and the
    chunks are pickled (``function`` must be importable: a module's function, or a
    ``functools.partial`` of one). Chunks are read lazily: at most ``ahead`` (default two per
    process) are in flight. Closing the iterator cancels the chunks not started and stops the
    pool. An error ``function`` raises is raised here, when its chunk's turn comes; a worker
    that dies is an :class:`EngineError`.

    Workers are spawned (a new interpreter, which imports what it needs), unless ``fork``:
    then they are forked from this process, start in milliseconds and inherit what it has
    built (``initargs`` are not pickled). Fork only when this process runs one thread and
    holds nothing a copy must not use (:func:`can_fork`).
    """
    limit = ahead if ahead is not None else 2 * jobs
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("fork" if fork else "spawn"),
        initializer=initializer,
        initargs=initargs,
    )
    pending: deque[Future[_R]] = deque()
    source = iter(chunks)
    try:
        pending.extend(pool.submit(function, chunk) for chunk in itertools.islice(source, limit))
        while pending:
            try:
                result = pending.popleft().result()
            except BrokenProcessPool as exc:
                raise EngineError(f"a worker process ended unexpectedly: {exc}") from exc
            pending.extend(pool.submit(function, chunk) for chunk in itertools.islice(source, 1))
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------------------------------------
# Deciding documents


def evaluate_many(
    engine: Engine,
    documents: Iterable[Document],
    *,
    jobs: int = 1,
    errors: ErrorMode = "raise",
    trace: bool = False,
    chunk_size: int | None = None,
) -> Generator[_Result, None, None]:
    """Each document's decision by ``engine``, in the order of ``documents``, read lazily.

    See ``Engine.evaluate_many``. The arguments are checked now, not when the first result is
    asked for.
    """
    return _many(engine, documents, jobs, errors, trace, chunk_size, _as_decision)


def evaluate_many_text(
    engine: Engine,
    documents: Iterable[Document],
    *,
    jobs: int = 1,
    errors: ErrorMode = "raise",
    trace: bool = False,
    chunk_size: int | None = None,
) -> Generator[DecisionText | ComplaintError, None, None]:
    """:func:`evaluate_many`, each decision given as its JSON text, outcome and finding codes.

    For a caller that writes the decisions out (``ipp-rules evaluate --batch``): the text is
    written where the decision is made, so with ``jobs`` > 1 the workers do it, and what comes
    back costs this process next to nothing to receive, where a decision costs it a tenth of
    deciding it (rebuilding the models it is made of).
    """
    return _many(engine, documents, jobs, errors, trace, chunk_size, DecisionText.of)


def _many(
    engine: Engine,
    documents: Iterable[Document],
    jobs: int,
    errors: ErrorMode,
    trace: bool,
    chunk_size: int | None,
    render: Callable[[Decision], _D],
) -> Generator[_D | ComplaintError, None, None]:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of processes, 1 or more, not {jobs!r}")
    if chunk_size is None:
        chunk_size = DEFAULT_CHUNK_SIZE
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a whole number, 1 or more, not {chunk_size!r}")
    if errors not in ("raise", "return"):
        raise ValueError(f"errors must be 'raise' or 'return', not {errors!r}")
    if jobs == 1:
        return _in_this_process(engine, documents, errors, trace, render)
    return _in_workers(engine, documents, jobs, errors, trace, chunk_size, render)


class DecisionText(NamedTuple):
    """A decision as text: what :func:`evaluate_many_text` yields."""

    json: str
    """The decision's JSON, as ``Decision.model_dump_json()`` writes it."""
    outcome: Outcome
    codes: tuple[str, ...]
    """The codes of its findings, in their order (repeated where a code is)."""

    @classmethod
    def of(cls, decision: Decision) -> DecisionText:
        codes = tuple(finding.code for finding in decision.findings)
        return cls(decision.model_dump_json(), decision.outcome, codes)


def _as_decision(decision: Decision) -> Decision:
    return decision


def _decide(engine: Engine, document: Document, trace: bool) -> Decision:
    if isinstance(document, str | bytes):
        document = load_complaint_json(document)
    return engine.evaluate(document, trace=trace)


def _in_this_process(
    engine: Engine,
    documents: Iterable[Document],
    errors: ErrorMode,
    trace: bool,
    render: Callable[[Decision], _D],
) -> Generator[_D | ComplaintError, None, None]:
    for document in documents:
        try:
            decision = _decide(engine, document, trace)
        except ComplaintError as error:
            if errors == "raise":
                raise
            yield error
            continue
        yield render(decision)


def _in_workers(
    engine: Engine,
    documents: Iterable[Document],
    jobs: int,
    errors: ErrorMode,
    trace: bool,
    chunk_size: int,
    render: Callable[[Decision], _D],
) -> Generator[_D | ComplaintError, None, None]:
    sendable = (_sendable(document) for document in documents)
    fork = can_fork(engine)
    if fork:  # the workers use this engine: no start-up, and the bundle it loaded
        initializer: Callable[..., None] = _adopt_engine
        initargs: tuple[Any, ...] = (engine,)
    else:
        bundle = engine.bundle
        initializer = _start_worker
        initargs = (str(Path(bundle.root).resolve()), engine.backend, bundle.identity.sha256)
    chunks = map_chunks(
        partial(_decide_chunk, trace, render),
        chunked(sendable, chunk_size),
        jobs=jobs,
        initializer=initializer,
        initargs=initargs,
        fork=fork,
    )
    with contextlib.closing(chunks):  # the pool stops as soon as this iterator does
        for outcomes in chunks:
            for outcome in outcomes:
                if isinstance(outcome, ComplaintError):
                    if errors == "raise":
                        raise outcome
                    yield outcome
                elif isinstance(outcome, Exception):
                    raise outcome
                else:
                    yield outcome


def _sendable(document: Document) -> Document | ComplaintError:
    """``document`` as it goes to a worker; a document too deep or too large to be a complaint
    is refused here, as ``evaluate`` refuses it, before pickling it could overflow the stack."""
    if isinstance(document, Complaint | str | bytes):
        return document
    try:
        check_shape(document)
    except ComplaintError as error:
        return error
    return document


# ---------------------------------------------------------------------------------------------
# In a worker process


class _Worker:
    """A worker process's engine, built once by :func:`_start_worker` (or inherited, in a
    forked worker: :func:`_adopt_engine`); ``builds`` counts the engines built in this
    process (one, in a spawned worker)."""

    engine: Engine | None = None
    failure: IppRulesError | None = None
    builds = 0


def _start_worker(root: str, backend: BackendName, sha256: str) -> None:
    try:
        engine = Engine.from_path(root, backend=backend)
    except IppRulesError as error:  # raised with the first chunk, intact
        _Worker.failure = error
        return
    _Worker.builds += 1
    if engine.bundle.identity.sha256 != sha256:
        _Worker.failure = EngineError(
            f"the bundle in {root} changed on disk after the engine loaded it (sha256 "
            f"{sha256[:12]}, now {engine.bundle.identity.sha256[:12]}): reload the engine"
        )
        engine.close()
        return
    _Worker.engine = engine


def _adopt_engine(engine: Engine) -> None:
    """A forked worker's start: the engine it inherited is its own. What it inherited is
    moved out of reach of its garbage collector, which would otherwise write to every
    object's header and so copy every page it shares with the caller."""
    gc.freeze()
    _Worker.engine = engine


def _decide_chunk(
    trace: bool, render: Callable[[Decision], _D], documents: list[Document | ComplaintError]
) -> list[_D | Exception]:
    """Each document's decision (as ``render`` gives it) or ComplaintError; an error of any
    other kind ends the chunk there, with the worker's traceback as a note."""
    if _Worker.failure is not None:
        raise _Worker.failure
    engine = _Worker.engine
    assert engine is not None, "the worker was not started"
    outcomes: list[_D | Exception] = []
    for document in documents:
        if isinstance(document, ComplaintError):
            outcomes.append(document)
            continue
        try:
            outcomes.append(render(_decide(engine, document, trace)))
        except ComplaintError as error:
            outcomes.append(error)
        except Exception as error:
            error.add_note(f"in worker process {os.getpid()}:\n{traceback.format_exc()}")
            outcomes.append(error)
            break
    return outcomes
