"""The decision log: one JSON line per decision, so any decision can be traced to the exact
bundle that made it.

A line holds the time, the request id, the endpoint, the bundle (name, version, sha256), the
sha256 of the canonical input (the complaint as validated, dumped as JSON with sorted keys:
the same complaint written two ways has one hash), the outcome and the finding codes; the
complaint itself only when the service was started with ``--log-inputs``.

Responses never wait for the disk: lines go to a bounded queue that one thread writes out.
When the queue is full the line is dropped, counted in
``ipp_rules_decision_log_dropped_total`` and warned about in the service log, never lost
silently.
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import Decision
from ipp_rules.service.metrics import Metrics

__all__ = ["DecisionLog", "canonical_input"]

logger = logging.getLogger("ipp_rules.service")

_STOP = object()


def canonical_input(complaint: Complaint) -> bytes:
    """The complaint as validated, as JSON with sorted keys and no spaces."""
    data = complaint.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class DecisionLog:
    """Appends decision lines to ``path`` from a thread of its own, through a queue of at
    most ``capacity`` lines."""

    def __init__(self, path: Path, metrics: Metrics, *, capacity: int, log_inputs: bool) -> None:
        self.path = path
        self.log_inputs = log_inputs
        self._metrics = metrics
        self._queue: queue.Queue[object] = queue.Queue(capacity)
        self._handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self._thread = threading.Thread(target=self._write, name="decision-log", daemon=True)
        self._thread.start()

    def record(
        self,
        decision: Decision,
        complaint: Complaint,
        *,
        request_id: str,
        endpoint: str,
        index: int | None = None,
    ) -> None:
        """Queue the line for ``decision``; drop and count it if the queue is full."""
        line: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="microseconds"),
            "request_id": request_id,
            "endpoint": endpoint,
        }
        if index is not None:
            line["index"] = index
        line["bundle"] = decision.bundle.model_dump()
        canonical = canonical_input(complaint)
        line["input_sha256"] = hashlib.sha256(canonical).hexdigest()
        line["outcome"] = decision.outcome
        line["codes"] = [finding.code for finding in decision.findings]
        if self.log_inputs:
            line["input"] = json.loads(canonical)
        try:
            self._queue.put_nowait(line)
        except queue.Full:
            self._metrics.log_dropped.inc()
            logger.warning(
                "decision log queue full: the line for request %s was dropped", request_id
            )
        self._metrics.log_queued.set(self._queue.qsize())

    def _write(self) -> None:
        while (line := self._queue.get()) is not _STOP:
            try:
                self._handle.write(json.dumps(line, ensure_ascii=False) + "\n")
                if self._queue.empty():
                    self._handle.flush()
            except OSError as error:
                self._metrics.log_failed.inc()
                logger.error("the decision log %s cannot be written: %s", self.path, error)
            self._metrics.log_queued.set(self._queue.qsize())
        self._handle.flush()

    def close(self) -> None:
        """Write what is queued, then stop."""
        self._queue.put(_STOP)
        self._thread.join()
        self._handle.close()
