"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error response of the service is one JSON object::

    {"type": "urn:ipp-rules:problem:invalid-complaint", "title": "invalid complaint document",
     "status": 422, "detail": "...", "request_id": "...",
     "problems": [{"code": "missing", "path": ["listings"], "line": 1, "column": 1, ...}]}

``problems`` holds the same structured problems as the library's errors
(:meth:`ipp_rules.problems.Problem.as_json`: code, message, field path, and line and column
where the input was JSON or YAML text). The status says whose the fault is: 400 a body that
cannot be read as a document at all, 413 a body or document over a limit, 415 a content type
the endpoint does not read, 422 a document that reads but is not valid, 503 a request over
its time budget. A 500 is only ever an error of the service itself, and shows no traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ipp_rules.errors import (
    ArgumentError,
    CalendarHorizonError,
    ComplaintError,
    DeadlineError,
    EngineError,
    EventsFileError,
    GoodFaithError,
    HistoryError,
    InputError,
    IppRulesError,
    JsonRefused,
    LifecycleError,
    RulesetError,
    UnknownMarketplaceError,
)
from ipp_rules.problems import Problem
from ipp_rules.service.middleware import request_id_of

__all__ = [
    "PROBLEM_JSON",
    "ServiceProblem",
    "answer_problem",
    "problem_of_error",
    "problem_response",
]

PROBLEM_JSON = "application/problem+json"

logger = logging.getLogger("ipp_rules.service")

UNREADABLE_CODES = frozenset(
    {"json_invalid", "yaml", "encoding", "duplicate_key", "non_finite_number", "tag"}
)
"""Problem codes of a body that cannot be read as a document at all: 400."""
OVERSIZE_CODES = frozenset(
    {
        "document_too_large",
        "too_large",
        "too_deep",
        "nesting_too_deep",
        "too_many_nodes",
        "scalar_too_long",
        "too_long",
        "over_limit",
    }
)
"""Problem codes of a body or document over a limit: 413."""


_SLUGS: tuple[tuple[type[IppRulesError], str], ...] = (
    (ComplaintError, "invalid-complaint"),
    (DeadlineError, "invalid-deadline-question"),
    (HistoryError, "invalid-history"),
    (EventsFileError, "invalid-events"),
    (LifecycleError, "impossible-case-events"),
    (UnknownMarketplaceError, "unknown-marketplace"),
    (CalendarHorizonError, "beyond-calendar-data"),
    (GoodFaithError, "good-faith-unanswerable"),
)
"""The ``type`` of a 422, by the kind of error (the first that matches)."""


class ServiceProblem(Exception):
    """A problem the service answers with: raised anywhere in a request, written by the
    application's error handler."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        problems: Iterable[Problem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.problems = tuple(problems)
        self.headers = dict(headers or {})

    def document(self, request_id: str | None) -> dict[str, Any]:
        document: dict[str, Any] = {
            "type": f"urn:ipp-rules:problem:{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if request_id is not None:
            document["request_id"] = request_id
        document["problems"] = [problem.as_json() for problem in self.problems]
        return document


def problem_of_error(error: BaseException) -> ServiceProblem:
    """The problem response for an error a request raised."""
    if isinstance(error, ServiceProblem):
        return error
    if isinstance(error, IppRulesError):
        problems = error.problems if isinstance(error, InputError | LifecycleError) else ()
        codes = {problem.code for problem in problems}
        detail = str(error)
        if isinstance(error, RulesetError):
            # The request is fine; the bundle in use cannot answer it (a policy it lacks).
            return ServiceProblem(409, "bundle-cannot-answer", error.title, detail, problems)
        if isinstance(error, JsonRefused) or (codes and codes <= UNREADABLE_CODES):
            return ServiceProblem(
                400, "unreadable-body", "a body that cannot be read", detail, problems
            )
        if codes & OVERSIZE_CODES:
            return ServiceProblem(413, "too-large", "a document over a limit", detail, problems)
        if isinstance(error, EngineError):
            return ServiceProblem(500, "engine-failure", error.title, detail)
        slug = next((slug for kind, slug in _SLUGS if isinstance(error, kind)), "invalid-input")
        return ServiceProblem(422, slug, error.title, detail, problems)
    return ServiceProblem(
        500, "internal-error", "internal error", "the service failed; the error is in its log"
    )


async def answer_problem(request: Request, exc: Exception) -> Response:
    """The exception handler of the service and the workbench: every error as problem
    details; a failure of the service itself logged with its traceback, never answered with
    it."""
    request_id = request_id_of(request.scope)
    if isinstance(exc, HTTPException):
        titles = {404: "no such endpoint", 405: "a method this endpoint does not take"}
        problem = ServiceProblem(
            exc.status_code,
            {404: "not-found", 405: "method-not-allowed"}.get(
                exc.status_code, f"http-{exc.status_code}"
            ),
            titles.get(exc.status_code, "an HTTP error"),
            f"{request.method} {request.url.path}: {exc.detail}",
            headers=dict(exc.headers or {}),
        )
    elif isinstance(exc, ArgumentError):
        problem = ServiceProblem(422, "invalid-request", "a request that is not valid", str(exc))
    else:
        problem = problem_of_error(exc)
        if problem.status >= 500 and not isinstance(exc, ServiceProblem):
            logger.error("request %s failed", request_id, exc_info=exc)
    return problem_response(problem, request_id)


def problem_response(problem: ServiceProblem, request_id: str | None) -> Response:
    document = problem.document(request_id)
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, problem.status, headers=problem.headers, media_type=PROBLEM_JSON)
