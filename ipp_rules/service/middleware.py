"""What every request goes through, as plain ASGI middleware: its request id, its line in the
access log, and its count and latency in the metrics.

The request id is the client's ``X-Request-ID`` when it sends a sensible one (1 to 128
letters, digits and ``-_.:``), else a new one (32 hex digits: the process's random prefix and
a count); either way it is on the response (every
response, errors included), in the access log, in the decision log and in problem details.

The access log is one JSON line per request on the ``ipp_rules.service.access`` logger:
``time``, ``request_id``, ``method``, ``path``, ``endpoint``, ``status``, ``duration_ms``,
``bytes_in``, ``bytes_out``, ``client``.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
import uuid
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ipp_rules.service.metrics import Metrics

__all__ = ["RequestContext", "request_id_of"]

access_logger = logging.getLogger("ipp_rules.service.access")

_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def request_id_of(scope: Scope) -> str | None:
    """The request id the middleware gave this request."""
    state = scope.get("state") or {}
    value = state.get("request_id")
    return value if isinstance(value, str) else None


class RequestContext:
    """Request id, access log and metrics around an application."""

    def __init__(
        self, app: ASGIApp, *, metrics: Metrics, endpoints: Collection[str], access_log: bool
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.endpoints = frozenset(endpoints)
        self.access_log = access_log
        # A made id is this process's random prefix and a count: unique, and a tenth of what
        # a uuid4 costs a request.
        self._prefix = uuid.uuid4().hex[:16]
        self._count = itertools.count(1)

    def _new_id(self) -> str:
        return f"{self._prefix}{next(self._count):016x}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = _header(scope, b"x-request-id")
        request_id = given if given is not None and _GOOD_ID.fullmatch(given) else None
        request_id = request_id or self._new_id()
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        sizes = {"in": 0, "out": 0}

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                sizes["in"] += len(message.get("body", b""))
            return message

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                sizes["out"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        finally:
            path = scope.get("path", "")
            endpoint = path if path in self.endpoints else UNMATCHED
            seconds = time.perf_counter() - started
            method = scope.get("method", "")
            shown = method if method in _METHODS else "other"  # a client's word: bounded
            self.metrics.answered(endpoint, shown, status, seconds)
            if self.access_log:
                line: dict[str, Any] = {
                    "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": path,
                    "endpoint": endpoint,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 3),
                    "bytes_in": sizes["in"],
                    "bytes_out": sizes["out"],
                    "client": _client(scope),
                }
                access_logger.info(json.dumps(line, ensure_ascii=False))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            try:
                return str(value.decode("latin-1"))
            except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
                return None
    return None


def _client(scope: Scope) -> str | None:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else None
