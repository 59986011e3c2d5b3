"""The ASGI application ``ipp-rules serve`` runs: the endpoints
(:mod:`ipp_rules.service.endpoints`) on Starlette, behind the request context
(:mod:`ipp_rules.service.middleware`), with every error written as problem details.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from ipp_rules.errors import IppRulesError
from ipp_rules.service.decision_log import DecisionLog
from ipp_rules.service.endpoints import ENDPOINTS, ROUTES
from ipp_rules.service.middleware import RequestContext
from ipp_rules.service.problems import ServiceProblem, answer_problem
from ipp_rules.service.settings import SETTINGS_VARIABLE, Settings
from ipp_rules.service.state import Service

__all__ = ["app_from_environment", "create_app", "log_to_stderr"]


def app_from_environment() -> Starlette:
    """The application of one worker process of ``ipp-rules serve --workers N``: its settings
    from :data:`~ipp_rules.service.settings.SETTINGS_VARIABLE`, its log on the error output."""
    settings = Settings.from_environment(os.environ[SETTINGS_VARIABLE])
    log_to_stderr()
    return create_app(settings)


def log_to_stderr() -> None:
    """The service's log (and uvicorn's) on the error output, one line each."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("ipp_rules.service", "uvicorn"):
        named = logging.getLogger(name)
        named.handlers[:] = [handler]
        named.setLevel(logging.INFO)
        named.propagate = False


def create_app(settings: Settings | None = None) -> Starlette:
    """The application for ``settings`` (the bundled rules and default limits when None).

    The bundle is loaded here, so a bundle that does not load fails the start-up with its
    RulesetError, before the service listens.
    """
    settings = settings or Settings()
    service = Service(settings)
    if settings.decision_log is not None:  # a log that cannot be written stops the start
        with open(settings.decision_log, "a", encoding="utf-8"):
            pass

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.decision_log is not None:
            service.decision_log = DecisionLog(
                settings.decision_log,
                service.metrics,
                capacity=settings.decision_log_queue,
                log_inputs=settings.log_inputs,
            )
        tasks = []
        if settings.watch:
            tasks.append(asyncio.create_task(service.watch()))
        if settings.shared is not None:
            tasks.append(asyncio.create_task(service.follow()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if service.decision_log is not None:
                service.decision_log.close()
            service.metrics.close()

    app = Starlette(
        routes=ROUTES,
        exception_handlers={
            ServiceProblem: answer_problem,
            IppRulesError: answer_problem,
            HTTPException: answer_problem,
            Exception: answer_problem,
        },
        lifespan=lifespan,
    )
    app.state.service = service
    app.add_middleware(
        RequestContext,
        metrics=service.metrics,
        endpoints=ENDPOINTS,
        access_log=settings.access_log,
    )
    return app
