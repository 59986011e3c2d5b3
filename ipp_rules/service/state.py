"""What the endpoints of a service share: its settings, the bundle serving, the metrics and
the decision log, and how work runs in threads within the time budget.

Deciding is CPU work: each request decides in a worker thread (``anyio.to_thread``), so the
event loop goes on answering health checks, metrics and other requests, and a request past
its time budget is answered with a problem at once (the thread finishes on its own; its
result is dropped). A request takes the bundle current when it starts and keeps it to its
end (:mod:`ipp_rules.service.bundles`), so every answer names the bundle that made it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import anyio

from ipp_rules.errors import IppRulesError
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import Decision
from ipp_rules.models.intake import load_complaint_json, parse_complaint_document
from ipp_rules.problems import Problem
from ipp_rules.service.bundles import BundleHolder, Loaded
from ipp_rules.service.decision_log import DecisionLog
from ipp_rules.service.metrics import Metrics
from ipp_rules.service.problems import ServiceProblem
from ipp_rules.service.requests import BODY_LABEL, YAML_TYPES
from ipp_rules.service.settings import Settings

__all__ = ["INLINE_BYTES", "Service", "over_budget", "read_generation"]

logger = logging.getLogger("ipp_rules.service")

_T = TypeVar("_T")

INLINE_BYTES = 32 * 1024
"""Bodies up to this size are decided on the event loop: a complaint this long (about 200
listings) decides in a millisecond or two, while sending the work to a thread and back costs
the request about a quarter of a millisecond and the decision, in a thread whose caches are
cold, several times its time in a loop (measured with ``benchmarks/serve.py``). Longer bodies
go to threads, where the time budget can cut them short."""


class Service:
    """What the endpoints share: the settings, the bundle, the metrics and the logs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limits = settings.limits
        self.metrics = Metrics()
        self.bundles = BundleHolder(settings.rules, settings.backend)
        self.metrics.serving(self.bundles.current.engine.bundle.identity)
        self.decision_log: DecisionLog | None = None
        self._reload_lock = asyncio.Lock()
        self._generation = 0

    # ----------------------------------------------------------------------------------------
    # Running work in threads, within the time budget

    async def work(self, work: Callable[[], _T], size: int) -> _T:
        """``work()`` for a body of ``size`` bytes: done at once on the event loop when the
        body is small (:data:`INLINE_BYTES`: it decides in a millisecond or two, less than a
        trip to a thread costs), else in a thread, within the time budget."""
        if size <= INLINE_BYTES:
            return work()
        return await self.in_thread(work)

    async def in_thread(self, work: Callable[[], _T]) -> _T:
        """``work()`` in a worker thread; a 503 problem once past the time budget (the thread
        finishes on its own and its result is dropped)."""
        budget = self.limits.time_budget
        try:
            with anyio.fail_after(budget):
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except TimeoutError:
            raise over_budget(budget) from None

    # ----------------------------------------------------------------------------------------
    # Bundles

    async def reload(self, reason: str) -> Loaded:
        """Load the bundle folder again; the previous bundle serves on if it fails."""
        async with self._reload_lock:
            try:
                loaded = await anyio.to_thread.run_sync(self.bundles.reload)
            except (IppRulesError, OSError) as error:
                self.metrics.reloads.labels("failure").inc()
                said = "; ".join(line.strip() for line in str(error).splitlines())
                logger.error(
                    "bundle reload (%s) failed, the previous bundle serves on: %s", reason, said
                )
                raise
            self.metrics.reloads.labels("success").inc()
            self.metrics.serving(loaded.engine.bundle.identity)
            identity = loaded.engine.bundle.identity
            logger.info(
                "bundle reloaded (%s): %s %s sha256 %s",
                reason,
                identity.name,
                identity.version,
                identity.sha256,
            )
            return loaded

    # With several worker processes, a reload over HTTP reaches one of them: it writes the
    # reload's number in the shared folder, and the others, reading it twice a second, reload
    # too (each from the folder, each keeping its bundle if the folder no longer loads).

    def announce(self) -> None:
        """Tell the other worker processes that the bundle was reloaded."""
        shared = self.settings.shared
        if shared is None:
            return
        self._generation = read_generation(shared) + 1
        staged = shared / f"generation.{os.getpid()}"
        staged.write_text(str(self._generation))
        staged.replace(shared / "generation")

    async def follow(self) -> None:
        """Reload whenever another worker announces a reload (until cancelled)."""
        assert self.settings.shared is not None
        shared = self.settings.shared
        self._generation = read_generation(shared)
        while True:
            await asyncio.sleep(0.5)
            generation = read_generation(shared)
            if generation != self._generation:
                self._generation = generation
                with contextlib.suppress(IppRulesError, OSError):
                    await self.reload("announced by another worker process")

    async def watch(self) -> None:
        """Reload whenever a file in the bundle folder changes (until cancelled)."""
        import watchfiles

        folder = self.bundles.folder
        async for _ in watchfiles.awatch(folder, debounce=200, recursive=True):
            with contextlib.suppress(IppRulesError, OSError):
                await self.reload(f"a change in {folder}")

    # ----------------------------------------------------------------------------------------
    # Decisions

    def decided(
        self,
        decision: Decision,
        complaint: Complaint,
        request_id: str,
        endpoint: str,
        index: int | None = None,
    ) -> None:
        self.metrics.decided(decision)
        if self.decision_log is not None:
            self.decision_log.record(
                decision, complaint, request_id=request_id, endpoint=endpoint, index=index
            )

    def complaint_of(self, body: bytes, kind: str) -> Complaint:
        """The complaint in ``body`` (JSON or YAML), within the listing limit."""
        if kind in YAML_TYPES:
            complaint = parse_complaint_document(body, BODY_LABEL, format="yaml")
        else:
            complaint = load_complaint_json(body, BODY_LABEL)
        self.check_listings(complaint)
        return complaint

    def check_listings(self, complaint: Complaint, at: tuple[str | int, ...] = ()) -> None:
        limit = self.limits.listings
        if len(complaint.listings) > limit:
            problem = Problem(
                f"expected at most {limit} listings in one complaint (this service's limit), "
                f"got {len(complaint.listings)}",
                "over_limit",
                path=(*at, "listings"),
            )
            raise ServiceProblem(
                413,
                "too-large",
                "a document over a limit",
                f"a complaint may hold at most {limit} listings here",
                [problem],
            )


def read_generation(shared: Path) -> int:
    try:
        return int((shared / "generation").read_text() or 0)
    except (OSError, ValueError):
        return 0


def over_budget(budget: float) -> ServiceProblem:
    return ServiceProblem(
        503,
        "over-time-budget",
        "a request over its time budget",
        f"the request was not decided within {budget:g} seconds",
        headers={"Retry-After": "1"},
    )
