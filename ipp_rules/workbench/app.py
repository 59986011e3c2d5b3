"""The workbench's web application: the page and its assets, and the JSON endpoints the page
calls, on the same ASGI stack as ``ipp-rules serve`` (Starlette, problem details).

Nothing here runs code from the page: the page sends documents and rule files as text, and
they go through the library's strict loaders (size limits, no YAML tags). A file the page
names must be one of the bundle's own. An edit is checked and previewed in a scratch copy of
the bundle; the folder itself is written only by ``POST /api/save``, and only when the
workbench was started with ``--allow-save``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import anyio
from pydantic import AwareDatetime, BaseModel, ConfigDict
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ipp_rules.errors import ArgumentError, IppRulesError
from ipp_rules.service.bundles import BundleHolder
from ipp_rules.service.problems import ServiceProblem, answer_problem
from ipp_rules.service.requests import read_body, read_model
from ipp_rules.workbench import views

__all__ = ["STATIC", "Workbench", "create_workbench"]

STATIC = Path(__file__).parent / "static"
"""The page, its script, its styles and its words: shipped in the package, nothing fetched."""

MIB = 1024 * 1024
BODY_BYTES = 4 * MIB
HISTORY_BYTES = 64 * MIB
BODY_SECONDS = 30.0


class Workbench:
    """What the endpoints share: the bundle folder and its engine, the corpus, the examples."""

    def __init__(
        self,
        folder: Path,
        *,
        corpus: Path | None,
        examples: Path | None,
        allow_save: bool,
    ) -> None:
        self.bundles = BundleHolder(folder, "auto")
        self.folder = self.bundles.folder
        self.corpus = corpus
        self.examples = examples
        self.allow_save = allow_save
        self.corpus_lines = (
            corpus.read_text(encoding="utf-8").splitlines() if corpus is not None else []
        )

    def example_names(self) -> list[str]:
        if self.examples is None:
            return []
        return sorted(
            path.name
            for path in self.examples.iterdir()
            if path.suffix in (".json", ".yaml", ".yml") and path.name.startswith("complaint")
        )


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    text: str


class _Decide(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    trace: bool = False


class _Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    platform: str
    kind: str
    received_at: AwareDatetime
    country: str | None = None


class _GoodFaith(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    format: str = "csv"
    as_of: date
    platform: str = "taobao"


def _bench(request: Request) -> Workbench:
    bench: Workbench = request.app.state.workbench
    return bench


def _json(document: Any) -> Response:
    return Response(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        media_type="application/json",
    )


async def _read(request: Request, model: type[Any], limit: int = BODY_BYTES) -> Any:
    body = await read_body(request, limit, BODY_SECONDS)
    return read_model(body, model, limit)


async def page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html")


async def state(request: Request) -> Response:
    """The bundle, the examples, the corpus and the calendars: what the page starts from."""
    bench = _bench(request)
    engine = bench.bundles.current.engine
    identity = engine.bundle.identity
    calendars = []
    if engine.bundle.deadlines is not None:
        from ipp_rules.analysis.horizons import calendar_statuses, today_from_environment

        for status in calendar_statuses(engine.bundle.deadlines, today_from_environment()):
            calendars.append(
                {
                    "key": status.key,
                    "label": status.label,
                    "horizon": status.horizon.isoformat(),
                    "marketplaces": [
                        {"platform": m.platform, "country": m.country} for m in status.marketplaces
                    ],
                }
            )
    return _json(
        {
            "bundle": {**identity.model_dump(), "folder": str(bench.folder.resolve())},
            "allow_save": bench.allow_save,
            "good_faith_file": engine.bundle.manifest.good_faith,
            "examples": bench.example_names(),
            "corpus": None
            if bench.corpus is None
            else {"label": bench.corpus.name, "lines": len(bench.corpus_lines)},
            "calendars": calendars,
        }
    )


async def example(request: Request) -> Response:
    bench = _bench(request)
    name = request.path_params["name"]
    if name not in bench.example_names():
        raise ServiceProblem(404, "not-found", "no such example", f"no example named {name!r}")
    assert bench.examples is not None
    return Response((bench.examples / name).read_text(encoding="utf-8"), media_type="text/plain")


async def corpus_line(request: Request) -> Response:
    bench = _bench(request)
    number = request.path_params["number"]
    if not 1 <= number <= len(bench.corpus_lines):
        raise ServiceProblem(404, "not-found", "no such line", f"the corpus has no line {number}")
    return Response(bench.corpus_lines[number - 1], media_type="text/plain")


async def decide(request: Request) -> Response:
    asked: _Decide = await _read(request, _Decide)
    engine = _bench(request).bundles.current.engine
    return _json(await anyio.to_thread.run_sync(views.decide, engine, asked.text, asked.trace))


async def rules(request: Request) -> Response:
    folder = _bench(request).folder
    return _json(await anyio.to_thread.run_sync(views.rules_view, folder))


async def tests(request: Request) -> Response:
    engine = _bench(request).bundles.current.engine
    return _json(await anyio.to_thread.run_sync(views.bundle_tests, engine))


async def check(request: Request) -> Response:
    asked: _Edit = await _read(request, _Edit)
    folder = _bench(request).folder
    return _json(await anyio.to_thread.run_sync(views.check_edit, folder, asked.file, asked.text))


async def preview(request: Request) -> Response:
    bench = _bench(request)
    asked: _Edit = await _read(request, _Edit)
    if bench.corpus is None:
        raise ServiceProblem(
            409, "no-corpus", "no corpus to preview on", "start the workbench with --corpus FILE"
        )
    corpus = bench.corpus
    result = await anyio.to_thread.run_sync(
        views.preview_edit, bench.folder, asked.file, asked.text, corpus
    )
    return _json(result)


async def save(request: Request) -> Response:
    """Write an edited file, when saving is allowed and the edited bundle has no error."""
    bench = _bench(request)
    asked: _Edit = await _read(request, _Edit)
    if not bench.allow_save:
        raise ServiceProblem(
            403,
            "save-disabled",
            "saving is disabled",
            "the workbench was started without --allow-save: download the file instead",
        )
    checked = await anyio.to_thread.run_sync(views.check_edit, bench.folder, asked.file, asked.text)
    if checked["errors"]:
        raise ServiceProblem(
            422,
            "edit-has-errors",
            "an edit with errors",
            f"the bundle would not load or has errors ({checked['errors']}): not saved",
        )
    path = views.bundle_file(bench.folder, asked.file)
    staged = path.with_name(f".{path.name}.saving")
    staged.write_text(asked.text, encoding="utf-8")
    staged.replace(path)
    loaded = await anyio.to_thread.run_sync(bench.bundles.reload)
    return _json({"saved": asked.file, "bundle": loaded.engine.bundle.identity.model_dump()})


async def calendar(request: Request) -> Response:
    engine = _bench(request).bundles.current.engine
    try:
        name = request.query_params["name"]
        year = int(request.query_params["year"])
        month = int(request.query_params["month"])
        if not 1 <= month <= 12 or not 1900 <= year <= 2200:
            raise ValueError
    except (KeyError, ValueError):
        raise ArgumentError("expected ?name=CN&year=2026&month=9") from None
    return _json(await anyio.to_thread.run_sync(views.calendar_month, engine, name, year, month))


async def deadline(request: Request) -> Response:
    asked: _Deadline = await _read(request, _Deadline)
    engine = _bench(request).bundles.current.engine
    received: datetime = asked.received_at
    result = await anyio.to_thread.run_sync(
        views.deadline_days, engine, asked.platform, asked.kind, received, asked.country
    )
    return _json(result)


async def good_faith(request: Request) -> Response:
    asked: _GoodFaith = await _read(request, _GoodFaith, HISTORY_BYTES)
    engine = _bench(request).bundles.current.engine
    kind = "jsonl" if asked.format == "json" else "csv"
    result = await anyio.to_thread.run_sync(
        views.good_faith_view, engine, asked.text, kind, asked.as_of, asked.platform
    )
    return _json(result)


class _GoodFaithEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    text: str
    history: str
    format: str = "csv"
    as_of: date
    platform: str = "taobao"


async def preview_good_faith(request: Request) -> Response:
    """A history's eligibility before and after an edit of the Good Faith policy."""
    asked: _GoodFaithEdit = await _read(request, _GoodFaithEdit, HISTORY_BYTES)
    bench = _bench(request)
    kind = "jsonl" if asked.format == "json" else "csv"
    result = await anyio.to_thread.run_sync(
        lambda: views.preview_good_faith(
            bench.folder, asked.file, asked.text, asked.history, kind, asked.as_of, asked.platform
        )
    )
    return _json(result)


def create_workbench(
    folder: Path,
    *,
    corpus: Path | None = None,
    examples: Path | None = None,
    allow_save: bool = False,
) -> Starlette:
    """The workbench on the bundle ``folder`` (loaded here: a bundle that does not load is
    its RulesetError, before anything listens)."""
    bench = Workbench(folder, corpus=corpus, examples=examples, allow_save=allow_save)

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/api/state", state),
            Route("/api/examples/{name}", example),
            Route("/api/corpus/{number:int}", corpus_line),
            Route("/api/decide", decide, methods=["POST"]),
            Route("/api/rules", rules),
            Route("/api/tests", tests),
            Route("/api/check", check, methods=["POST"]),
            Route("/api/preview", preview, methods=["POST"]),
            Route("/api/save", save, methods=["POST"]),
            Route("/api/calendar", calendar),
            Route("/api/deadline", deadline, methods=["POST"]),
            Route("/api/good-faith", good_faith, methods=["POST"]),
            Route("/api/preview-good-faith", preview_good_faith, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={
            ServiceProblem: answer_problem,
            IppRulesError: answer_problem,
            HTTPException: answer_problem,
        },
    )
    app.state.workbench = bench
    return app
