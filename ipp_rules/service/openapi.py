"""The service's OpenAPI document (``GET /openapi.json``) and its docs page (``GET /docs``).

The schemas are generated from the same pydantic models the library validates and answers
with (``Complaint``, ``Decision``, ``Deadline``, ``CaseState``, ``Eligibility`` and the
request bodies), so the document cannot drift from what the service reads and writes. The
docs page is plain HTML written from the document: no script, nothing fetched from elsewhere,
so it works offline.
"""

from __future__ import annotations

import functools
import html
import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ipp_rules import __version__
from ipp_rules.deadlines import CaseState, Deadline
from ipp_rules.goodfaith import Eligibility
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import Decision
from ipp_rules.service.requests import DeadlineRequest, GoodFaithRequest, LifecycleRequest

__all__ = ["docs_page", "openapi_schema"]

_REF = "#/components/schemas/{model}"

_PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details, with the located problems of the input",
    "required": ["type", "title", "status", "detail", "problems"],
    "properties": {
        "type": {
            "type": "string",
            "examples": ["urn:ipp-rules:problem:invalid-complaint"],
        },
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "request_id": {"type": "string"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "file": {"type": ["string", "null"]},
                    "line": {"type": ["integer", "null"]},
                    "column": {"type": ["integer", "null"]},
                    "path": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "location": {"type": "string"},
                    "severity": {"type": "string"},
                    "subject": {"type": ["string", "null"]},
                },
            },
        },
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def _json_body(name: str, description: str, *more: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": _ref(name)}}
    content.update(dict(more))
    return {"required": True, "description": description, "content": content}


def _answers(name: str | None, description: str, *statuses: int) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if name is not None:
        answers["200"] = {
            "description": description,
            "content": {"application/json": {"schema": _ref(name)}},
        }
    for status in statuses:
        answers[str(status)] = {
            "description": _STATUS_WORDS[status],
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
    return answers


_STATUS_WORDS = {
    400: "a body that cannot be read (not JSON or YAML, bad UTF-8, a key given twice)",
    401: "a reload without the right bearer token",
    403: "reloading is disabled (the service has no reload token)",
    408: "a body that took too long to arrive",
    409: "the bundle serving cannot answer this (it has no such policy)",
    413: "a body, document, batch or history over a limit",
    415: "a content type this endpoint does not read",
    422: "a document that reads but is not valid, every problem located",
    503: "a request over its time budget",
}

_TRACE = {
    "name": "trace",
    "in": "query",
    "required": False,
    "schema": {"type": "boolean", "default": False},
    "description": "include the rules that fired and the values they saw",
}


@functools.cache
def openapi_schema() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every endpoint."""
    models: list[tuple[type[BaseModel], Any]] = [
        (Complaint, "validation"),
        (DeadlineRequest, "validation"),
        (LifecycleRequest, "validation"),
        (GoodFaithRequest, "validation"),
        (Decision, "serialization"),
        (Deadline, "serialization"),
        (CaseState, "serialization"),
        (Eligibility, "serialization"),
    ]
    _, generated = models_json_schema(models, ref_template=_REF)
    schemas = dict(generated.get("$defs", {}))
    schemas["Problem"] = _PROBLEM
    yaml_body = ("application/yaml", {"schema": _ref("Complaint")})
    paths: dict[str, Any] = {
        "/v1/evaluate": {
            "post": {
                "summary": "Decide one complaint",
                "parameters": [_TRACE],
                "requestBody": _json_body("Complaint", "the complaint, JSON or YAML", yaml_body),
                "responses": _answers("Decision", "the decision", 400, 408, 413, 415, 422, 503),
            }
        },
        "/v1/evaluate/batch": {
            "post": {
                "summary": "Decide many complaints, streamed back as JSON Lines in order",
                "parameters": [_TRACE],
                "requestBody": {
                    "required": True,
                    "description": "a JSON array of complaints, or JSON Lines (one per line)",
                    "content": {
                        "application/json": {
                            "schema": {"type": "array", "items": _ref("Complaint")}
                        },
                        "application/jsonl": {"schema": {"type": "string"}},
                    },
                },
                "responses": {
                    "200": {
                        "description": "one JSON line per item, in order: a complaint's "
                        'Decision, or {"index": N, "line": L, "error": <Problem>} (an error '
                        "over the time budget too), or null for a blank line of JSON Lines",
                        "content": {"application/jsonl": {"schema": {"type": "string"}}},
                    },
                    **_answers(None, "", 400, 408, 413, 415, 422),  # 503: per line
                },
            }
        },
        "/v1/deadline": {
            "post": {
                "summary": "When a period ends on the marketplace's calendar",
                "requestBody": _json_body("DeadlineRequest", "the question"),
                "responses": _answers(
                    "Deadline", "the deadline", 400, 408, 409, 413, 415, 422, 503
                ),
            }
        },
        "/v1/lifecycle": {
            "post": {
                "summary": "A complaint's state from its events, what is due and what was deemed",
                "requestBody": _json_body("LifecycleRequest", "the events"),
                "responses": _answers(
                    "CaseState", "the case's state", 400, 408, 409, 413, 415, 422, 503
                ),
            }
        },
        "/v1/good-faith": {
            "post": {
                "summary": "Good Faith Program eligibility of a reporting history",
                "parameters": [
                    {
                        "name": "as_of",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "format": "date"},
                        "description": "with a CSV body: the day eligibility is decided on",
                    },
                    {
                        "name": "platform",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "default": "taobao"},
                        "description": "with a CSV body: the marketplace",
                    },
                ],
                "requestBody": _json_body(
                    "GoodFaithRequest",
                    "the history as JSON, or as CSV with a header row (text/csv)",
                    ("text/csv", {"schema": {"type": "string"}}),
                ),
                "responses": _answers(
                    "Eligibility", "the eligibility", 400, 408, 409, 413, 415, 422, 503
                ),
            }
        },
        "/v1/bundle": {
            "get": {
                "summary": "The bundle serving: name, version, sha256, folder, rules, and the "
                "last reload that failed",
                "responses": {"200": {"description": "the bundle"}},
            }
        },
        "/v1/bundle/reload": {
            "post": {
                "summary": "Load the bundle folder again (Authorization: Bearer <token>)",
                "responses": {
                    "200": {"description": "the bundle now serving"},
                    **_answers(None, "", 401, 403, 422),
                },
            }
        },
        "/healthz": {
            "get": {
                "summary": "The process answers",
                "responses": {"200": {"description": "alive"}},
            }
        },
        "/readyz": {
            "get": {"summary": "A bundle is loaded", "responses": {"200": {"description": "ready"}}}
        },
        "/metrics": {
            "get": {
                "summary": "Metrics in the Prometheus text format",
                "responses": {"200": {"description": "the metrics"}},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ipp-rules",
            "version": __version__,
            "description": "Admissibility of IP takedown complaints on the Alibaba group "
            "marketplaces, and what is due next in their life. Errors are RFC 9457 problem "
            "details (application/problem+json).",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }


def docs_page(schema: dict[str, Any]) -> str:
    """The endpoints of ``schema`` as one HTML page: each with its summary, parameters, body
    types and answers, and the schemas at the end."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(schema['info']['title'])} API</title>",
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem}code,pre{font:13px ui-monospace,monospace}pre{background:#f4f4f4;"
        "padding:.5rem;overflow:auto}h2{border-top:1px solid #ddd;padding-top:1rem}</style>",
        "</head><body>",
        f"<h1>{html.escape(schema['info']['title'])} {html.escape(schema['info']['version'])}</h1>",
        f"<p>{html.escape(schema['info']['description'])}</p>",
        "<p>The machine-readable document: <a href='/openapi.json'>/openapi.json</a>.</p>",
    ]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            parts.append(f"<h2 id='{html.escape(path)}'><code>{method.upper()} "
                         f"{html.escape(path)}</code></h2>")  # fmt: skip
            parts.append(f"<p>{html.escape(operation.get('summary', ''))}</p>")
            for parameter in operation.get("parameters", []):
                parts.append(
                    f"<p>Query <code>{html.escape(parameter['name'])}</code>: "
                    f"{html.escape(parameter.get('description', ''))}</p>"
                )
            body = operation.get("requestBody")
            if body:
                kinds = ", ".join(f"<code>{html.escape(k)}</code>" for k in body["content"])
                parts.append(f"<p>Body ({kinds}): {html.escape(body.get('description', ''))}</p>")
            parts.append("<ul>")
            for status, answer in operation["responses"].items():
                parts.append(f"<li><b>{status}</b> {html.escape(answer['description'])}</li>")
            parts.append("</ul>")
    parts.append("<h2>Schemas</h2>")
    for name, body in schema["components"]["schemas"].items():
        text = json.dumps(body, indent=2, ensure_ascii=False)
        parts.append(f"<h3 id='schema-{html.escape(name)}'>{html.escape(name)}</h3>"
                     f"<pre>{html.escape(text)}</pre>")  # fmt: skip
    parts.append("</body></html>")
    return "\n".join(parts)
