"""Reading a request: its body within the limits, in a content type the endpoint reads, and
the JSON bodies of the endpoints that are not about one complaint, as models.

Every failure is a :class:`~ipp_rules.service.problems.ServiceProblem` with located problems:
a body over its limit is refused as soon as it is (its ``Content-Length``, or the bytes
received so far), a slow body past its time is a 408, a content type the endpoint does not
read a 415 naming the ones it does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request

from ipp_rules.errors import ComplaintError
from ipp_rules.goodfaith import MembershipEvent
from ipp_rules.models.intake import read_json_document
from ipp_rules.pydantic_errors import validation_problems
from ipp_rules.service.problems import ServiceProblem, problem_of_error
from ipp_rules.text.json import JsonDocument

__all__ = [
    "BODY_LABEL",
    "JSON_TYPES",
    "LINES_TYPES",
    "YAML_TYPES",
    "DeadlineRequest",
    "GoodFaithRequest",
    "LifecycleRequest",
    "media_type",
    "read_body",
    "read_model",
]

BODY_LABEL = "<body>"
"""How a problem's location names the request body."""

JSON_TYPES = frozenset({"application/json"})
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
LINES_TYPES = frozenset(
    {"application/jsonl", "application/x-ndjson", "application/json-lines", "application/jsonlines"}
)
CSV_TYPES = frozenset({"text/csv"})


def media_type(request: Request, accepted: Collection[str], default: str) -> str:
    """The request's media type, ``default`` when it names none; a 415 when it is not one of
    ``accepted`` (``application/<x>+json`` counts as JSON)."""
    header = request.headers.get("content-type")
    if header is None or not header.strip():
        return default
    kind = header.split(";", 1)[0].strip().lower()
    if kind.startswith("application/") and kind.endswith("+json"):
        kind = "application/json"
    if kind not in accepted:
        shown = ", ".join(sorted(accepted))
        raise ServiceProblem(
            415,
            "unsupported-media-type",
            "a content type this endpoint does not read",
            f"this endpoint reads {shown}, not {kind}",
        )
    return kind


async def read_body(request: Request, limit: int, seconds: float) -> bytes:
    """The whole body, at most ``limit`` bytes, received within ``seconds``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    receive = request.receive
    chunks: list[bytes] = []
    size = 0
    try:
        # asyncio's own timeout: a third of what anyio's cancel scope costs a request, and the
        # service runs on asyncio (uvicorn).
        async with asyncio.timeout(seconds):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":  # the client left: nobody to answer
                    raise ServiceProblem(
                        400,
                        "body-incomplete",
                        "a body that did not arrive whole",
                        f"the client closed the connection after {size} bytes of the body",
                    )
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise _too_large(size, limit, received=True)
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
    except TimeoutError:
        raise ServiceProblem(
            408,
            "body-too-slow",
            "a body that took too long to arrive",
            f"the body did not arrive within {seconds:g} s ({size} bytes received)",
            headers={"Connection": "close"},
        ) from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large(size: int, limit: int, *, received: bool = False) -> ServiceProblem:
    said = f"more than {limit} bytes arrived" if received else f"Content-Length is {size}"
    return ServiceProblem(
        413,
        "too-large",
        "a document over a limit",
        f"the body may hold at most {limit} bytes; {said}",
        headers={"Connection": "close"},
    )


def read_json(body: bytes, limit: int) -> JsonDocument:
    """``body`` read as one JSON document (strictly: UTF-8, no duplicate keys, no NaN)."""
    try:
        return read_json_document(body, BODY_LABEL, limit=limit)
    except ComplaintError as error:  # the reader's error names a complaint: this is a body
        problem = problem_of_error(error)
        problem.detail = "the body is not JSON this endpoint reads: " + "; ".join(
            str(found) for found in error.problems
        )
        raise problem from None


_M = TypeVar("_M", bound=BaseModel)


def read_model(body: bytes | JsonDocument, model: type[_M], limit: int) -> _M:
    """``body`` (JSON, or the document already read from it) validated as ``model``; a 422
    with every problem at its line and field."""
    document = body if isinstance(body, JsonDocument) else read_json(body, limit)
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        problems = validation_problems(exc, model, document.data, document, paths=True)
        raise ServiceProblem(
            422,
            "invalid-request",
            "a request that is not valid",
            f"the body is not a valid {model.__name__}: {len(problems)} problem(s)",
            problems,
        ) from None


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeadlineRequest(_Request):
    """When a period that starts at ``received_at`` ends, on the marketplace's calendar."""

    platform: str = Field(description="the marketplace, e.g. taobao, lazada")
    kind: str = Field(
        description="merchant_counter_notification, rights_holder_response, "
        "account_verification or takedown_processing"
    )
    received_at: AwareDatetime = Field(description="when the period starts, with its offset")
    country: str | None = Field(None, description="the country platform, for Lazada")


class LifecycleRequest(_Request):
    """A complaint's events, replayed to its state at ``now``."""

    platform: str
    country: str | None = None
    now: AwareDatetime | None = Field(
        None, description="the moment the state is asked for, with its offset (default: now)"
    )
    events: list[dict[str, Any]] = Field(
        description="the case events in order, as `ipp-rules lifecycle` reads them"
    )


class GoodFaithRequest(_Request):
    """A reporting history, measured against the Good Faith Program policy on ``as_of``."""

    as_of: date
    platform: str = "taobao"
    history: list[dict[str, Any]] = Field(
        description="records: submitted_at, platform, reason, outcome, counter_notification, "
        "false_information"
    )
    membership: list[MembershipEvent] = Field(default_factory=list)


Format = Literal["json", "yaml"]
