"""The endpoints of the service, and the routes they answer on.

Each reads its body within its limits (:mod:`ipp_rules.service.requests`), decides with the
bundle current when it started (:class:`~ipp_rules.service.state.Service`) and answers JSON,
or raises a :class:`~ipp_rules.service.problems.ServiceProblem` the application writes as
problem details.
"""

from __future__ import annotations

import hmac
import io
import json
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ipp_rules.errors import HistoryError, InputError, IppRulesError, LifecycleError
from ipp_rules.goodfaith import HistoryFile
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import Decision
from ipp_rules.models.intake import load_complaint, load_complaint_json
from ipp_rules.problems import Problem
from ipp_rules.service.metrics import CONTENT_TYPE
from ipp_rules.service.middleware import request_id_of
from ipp_rules.service.openapi import docs_page, openapi_schema
from ipp_rules.service.problems import ServiceProblem, problem_of_error
from ipp_rules.service.requests import (
    BODY_LABEL,
    CSV_TYPES,
    JSON_TYPES,
    LINES_TYPES,
    YAML_TYPES,
    DeadlineRequest,
    GoodFaithRequest,
    LifecycleRequest,
    media_type,
    read_body,
    read_json,
    read_model,
)
from ipp_rules.service.state import Service, over_budget
from ipp_rules.text.json import JsonDocument

__all__ = ["ENDPOINTS", "ROUTES"]

BATCH_CHUNK = 32
"""Complaints of a batch decided in one trip to a worker thread."""


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _request_id(request: Request) -> str:
    return request_id_of(request.scope) or ""


def _compact(document: Any) -> str:
    """JSON as the decisions are written: no spaces."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _json(document: Any, status: int = 200) -> Response:
    return Response(_compact(document), status, media_type="application/json")


# ---------------------------------------------------------------------------------------------
# Endpoints


async def evaluate(request: Request) -> Response:
    """``POST /v1/evaluate``: one complaint (JSON or YAML) → its Decision."""
    service = _service(request)
    kind = media_type(request, JSON_TYPES | YAML_TYPES, "application/json")
    trace = _flag(request, "trace")
    body = await read_body(request, service.limits.body_bytes, service.limits.body_seconds)
    engine = service.bundles.current.engine

    def decide() -> tuple[Complaint, Decision]:
        complaint = service.complaint_of(body, kind)
        return complaint, engine.evaluate(complaint, trace=trace)

    complaint, decision = await service.work(decide, len(body))
    service.decided(decision, complaint, _request_id(request), "/v1/evaluate")
    return Response(decision.model_dump_json(), media_type="application/json")


async def evaluate_batch(request: Request) -> Response:
    """``POST /v1/evaluate/batch``: a JSON array or JSON Lines of complaints → JSON Lines, one
    decision or one located error per complaint, in order, streamed as they are decided."""
    service = _service(request)
    kind = media_type(request, JSON_TYPES | LINES_TYPES, "application/json")
    trace = _flag(request, "trace")
    body = await read_body(request, service.limits.batch_body_bytes, service.limits.body_seconds)
    started = time.monotonic()  # as for one complaint, the budget counts once the body is in
    # Reading up to the batch body limit is CPU work too: not on the event loop (and bounded
    # by the body limit, not by the time budget, which is for deciding).
    limit = service.limits.batch_documents
    items = await anyio.to_thread.run_sync(lambda: _batch_items(body, kind, limit))
    engine = service.bundles.current.engine
    request_id = _request_id(request)
    budget = service.limits.time_budget

    def decide(chunk: list[tuple[int, int | None, Any]]) -> list[tuple[int, str, Any]]:
        lines: list[tuple[int, str, Any]] = []
        for index, line, item in chunk:
            if item is _BLANK:  # no complaint: null keeps answer N on body line N
                lines.append((index, "null", None))
                continue
            try:
                complaint = (
                    load_complaint_json(item, BODY_LABEL)
                    if isinstance(item, bytes)
                    else load_complaint(item)
                )
                service.check_listings(complaint)
                decision = engine.evaluate(complaint, trace=trace)
            except (IppRulesError, ServiceProblem) as error:
                lines.append((index, _item_error(index, line, error), None))
                continue
            lines.append((index, decision.model_dump_json(), (decision, complaint)))
        return lines

    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(items), BATCH_CHUNK):
            chunk = items[start : start + BATCH_CHUNK]
            if time.monotonic() - started > budget:
                problem = over_budget(budget)
                for index, line, item in chunk:
                    text = "null" if item is _BLANK else _item_error(index, line, problem)
                    yield (text + "\n").encode()
                continue
            for index, text, made in await anyio.to_thread.run_sync(partial(decide, chunk)):
                if made is not None:
                    service.decided(made[0], made[1], request_id, "/v1/evaluate/batch", index)
                yield (text + "\n").encode()

    return StreamingResponse(stream(), media_type="application/jsonl")


_BLANK = object()
"""A blank line of a JSON Lines batch: answered ``null``, as ``evaluate --batch`` answers it."""


def _batch_items(body: bytes, kind: str, limit: int) -> list[tuple[int, int | None, Any]]:
    """The batch's items: (index, line in the body or None, JSON text, mapping or
    :data:`_BLANK`). In JSON Lines, item N is line N + 1 (a final line break ends the last
    line, it does not open another)."""
    items: list[tuple[int, int | None, Any]] = []
    if kind in LINES_TYPES:
        lines = body.split(b"\n")
        if lines and not lines[-1].strip(b" \t\r"):
            lines.pop()
        for number, line in enumerate(lines, 1):
            blank = not line.strip(b" \t\r")
            items.append((number - 1, number, _BLANK if blank else line))
    else:
        document = read_json(body, len(body) + 1)
        if not isinstance(document.data, list):
            problem = document.problem((), "expected a JSON array of complaints", "model_type")
            raise ServiceProblem(
                422, "invalid-request", "a request that is not valid",
                "the body must be a JSON array of complaints (or JSON Lines)", [problem],
            )  # fmt: skip
        items = [(index, None, item) for index, item in enumerate(document.data)]
    complaints = sum(item is not _BLANK for _, _, item in items)
    if complaints > limit:
        raise ServiceProblem(
            413,
            "too-large",
            "a document over a limit",
            f"a batch may hold at most {limit} complaints, this one holds {complaints}",
            [Problem(f"expected at most {limit} complaints", "over_limit")],
        )
    return items


def _item_error(index: int, line: int | None, error: BaseException) -> str:
    """One batch item's error line: its index, its line in the body, and the problem, each
    problem placed on the body's line (a line is a whole document: its problems are on its
    first line, or nowhere in particular)."""
    if line is not None and isinstance(error, InputError) and error.problems:
        moved = [
            replace(problem, line=line + (problem.line or 1) - 1) for problem in error.problems
        ]
        error = type(error)(moved)
    item: dict[str, Any] = {"index": index}
    if line is not None:
        item["line"] = line
    item["error"] = problem_of_error(error).document(None)
    return _compact(item)


async def deadline(request: Request) -> Response:
    """``POST /v1/deadline``: when a period ends on the marketplace's calendar."""
    service = _service(request)
    media_type(request, JSON_TYPES, "application/json")
    body = await read_body(request, service.limits.body_bytes, service.limits.body_seconds)
    engine = service.bundles.current.engine

    def answer() -> Any:
        asked = read_model(body, DeadlineRequest, service.limits.body_bytes)
        return engine.deadline(asked.platform, asked.kind, asked.received_at, asked.country)

    answered = await service.work(answer, len(body))
    return Response(answered.model_dump_json(), media_type="application/json")


async def lifecycle(request: Request) -> Response:
    """``POST /v1/lifecycle``: a complaint's state from its events, and what is due."""
    service = _service(request)
    media_type(request, JSON_TYPES, "application/json")
    body = await read_body(request, service.limits.body_bytes, service.limits.body_seconds)
    engine = service.bundles.current.engine
    limit = service.limits.events

    def replay() -> Any:
        document = read_json(body, service.limits.body_bytes)
        asked = read_model(document, LifecycleRequest, service.limits.body_bytes)
        if len(asked.events) > limit:
            problem = document.problem(
                ("events",), f"expected at most {limit} events", "over_limit"
            )
            raise ServiceProblem(
                413,
                "too-large",
                "a document over a limit",
                f"a case may hold at most {limit} events here",
                [problem],
            )
        try:
            now = asked.now or datetime.now(UTC)  # the state now, when no moment is given
            return engine.lifecycle(asked.events, asked.platform, asked.country, now)
        except LifecycleError as error:
            if error.index is None:
                raise
            raise error.at(document.problem(("events", error.index), "", "")) from None

    state = await service.work(replay, len(body))
    return Response(state.model_dump_json(), media_type="application/json")


async def good_faith(request: Request) -> Response:
    """``POST /v1/good-faith``: eligibility of a reporting history (JSON, or CSV with
    ``?as_of=`` and ``?platform=``)."""
    service = _service(request)
    kind = media_type(request, JSON_TYPES | CSV_TYPES, "application/json")
    body = await read_body(request, service.limits.batch_body_bytes, service.limits.body_seconds)
    engine = service.bundles.current.engine
    limit = service.limits.history_records
    if kind in CSV_TYPES:
        as_of = _date_parameter(request, "as_of")
        platform = request.query_params.get("platform", "taobao")

        def work() -> Any:
            records = sum(1 for line in body.splitlines() if line.strip()) - 1  # the header
            _check_records(records, limit)
            history = HistoryFile(lambda: io.BytesIO(body), BODY_LABEL, "csv")
            return engine.good_faith(history, as_of, platform)

    else:

        def work() -> Any:
            document = read_json(body, service.limits.batch_body_bytes)
            asked = read_model(document, GoodFaithRequest, service.limits.batch_body_bytes)
            _check_records(len(asked.history), limit)
            try:
                return engine.good_faith(
                    asked.history, asked.as_of, asked.platform, asked.membership
                )
            except HistoryError as error:  # placed in the body, as the events of a case are
                raise HistoryError(
                    [_placed(document, problem) for problem in error.problems]
                ) from None

    eligibility = await service.in_thread(work)
    return Response(eligibility.model_dump_json(), media_type="application/json")


def _placed(document: JsonDocument, problem: Problem) -> Problem:
    """``problem`` at the line and column of its path in ``document``."""
    if not problem.path or problem.line is not None:
        return problem
    mark = document.position(problem.path)
    return replace(problem, file=BODY_LABEL, line=mark.line, column=mark.column)


def _check_records(records: int, limit: int) -> None:
    if records > limit:
        raise ServiceProblem(
            413,
            "too-large",
            "a document over a limit",
            f"a history may hold at most {limit} records here, this one holds {records}",
            [Problem(f"expected at most {limit} records", "over_limit", path=("history",))],
        )


def _date_parameter(request: Request, name: str) -> date:
    text = request.query_params.get(name)
    try:
        if text is None:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        shown = "missing" if text is None else repr(text)
        raise ServiceProblem(
            422,
            "invalid-request",
            "a request that is not valid",
            f"the query parameter {name} must be a date YYYY-MM-DD ({shown})",
            [Problem(f"expected a date YYYY-MM-DD, got {shown}", "invalid", path=(name,))],
        ) from None


def _flag(request: Request, name: str) -> bool:
    if not request.scope.get("query_string"):  # most requests: no query to parse
        return False
    text = request.query_params.get(name, "false").lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no", ""):
        return False
    raise ServiceProblem(
        422,
        "invalid-request",
        "a request that is not valid",
        f"the query parameter {name} must be true or false, not {text!r}",
        [Problem(f"expected true or false, got {text!r}", "invalid", path=(name,))],
    )


async def bundle(request: Request) -> Response:
    """``GET /v1/bundle``: the bundle serving, and the last reload that failed, if any."""
    service = _service(request)
    document = service.bundles.current.describe()
    failure = service.bundles.last_failure
    document["last_reload_error"] = None if failure is None else failure.describe()
    return _json(document)


async def reload(request: Request) -> Response:
    """``POST /v1/bundle/reload``: load the bundle folder again (bearer token required)."""
    service = _service(request)
    token = service.settings.reload_token
    if token is None:
        raise ServiceProblem(
            403,
            "reload-disabled",
            "bundle reload is disabled",
            "this service was started without a reload token, so it cannot be reloaded over "
            "HTTP (set IPP_RULES_RELOAD_TOKEN, or use --watch)",
        )
    given = request.headers.get("authorization", "")
    scheme, _, credentials = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    ):
        raise ServiceProblem(
            401,
            "unauthorized",
            "a reload without the right token",
            "POST /v1/bundle/reload needs Authorization: Bearer <the service's reload token>",
            headers={"WWW-Authenticate": 'Bearer realm="ipp-rules"'},
        )
    try:
        loaded = await service.reload("POST /v1/bundle/reload")
        service.announce()
    except (IppRulesError, OSError) as error:
        problem = problem_of_error(error)
        raise ServiceProblem(
            422,
            "reload-failed",
            "a bundle that does not load",
            f"the bundle did not load, the previous one serves on: {error}",
            problem.problems,
        ) from None
    return _json({**loaded.describe(), "last_reload_error": None})


async def healthz(request: Request) -> Response:
    """``GET /healthz``: the process answers."""
    return _json({"status": "ok"})


async def readyz(request: Request) -> Response:
    """``GET /readyz``: a bundle is loaded and serving."""
    identity = _service(request).bundles.current.engine.bundle.identity
    return _json({"status": "ready", "bundle": identity.model_dump()})


async def metrics(request: Request) -> Response:
    """``GET /metrics``: the Prometheus text format."""
    return Response(_service(request).metrics.text(), media_type=CONTENT_TYPE)


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_schema())


async def docs(request: Request) -> Response:
    return HTMLResponse(docs_page(openapi_schema()))


ROUTES = [
    Route("/v1/evaluate", evaluate, methods=["POST"]),
    Route("/v1/evaluate/batch", evaluate_batch, methods=["POST"]),
    Route("/v1/deadline", deadline, methods=["POST"]),
    Route("/v1/lifecycle", lifecycle, methods=["POST"]),
    Route("/v1/good-faith", good_faith, methods=["POST"]),
    Route("/v1/bundle", bundle, methods=["GET"]),
    Route("/v1/bundle/reload", reload, methods=["POST"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/openapi.json", openapi, methods=["GET"]),
    Route("/docs", docs, methods=["GET"]),
]
ENDPOINTS = tuple(route.path for route in ROUTES)
