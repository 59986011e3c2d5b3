"""The service's metrics, in the Prometheus text format (``GET /metrics``).

One registry per application (never the process-wide default, so two applications in one
process, as in tests, count apart). With several worker processes (``--workers``), every
worker writes its metrics to files in a folder they share (prometheus-client's multiprocess
mode, ``PROMETHEUS_MULTIPROC_DIR``) and ``/metrics``, whichever worker answers, reads them
all: counters and histograms are summed over the workers, ``ipp_rules_bundle_info`` is shown
per worker (``pid`` label), so a reload that has not reached every worker yet shows.

- ``ipp_rules_requests_total{endpoint, method, status}`` and
  ``ipp_rules_request_duration_seconds{endpoint}`` (a histogram): every request, by the route
  it matched (``unmatched`` for none, and ``other`` for a method that is not HTTP's usual
  seven, so a scan of random paths or methods cannot grow the labels);
- ``ipp_rules_decisions_total{outcome}`` and ``ipp_rules_findings_total{code}``: the decisions
  made and their findings (batches included);
- ``ipp_rules_bundle_info{name, version, sha256}``: 1 for the bundle serving;
- ``ipp_rules_bundle_reloads_total{result}``: reloads that took (``success``) and that did not
  (``failure``, the previous bundle still serving);
- ``ipp_rules_decision_log_queued``, ``ipp_rules_decision_log_dropped_total`` and
  ``ipp_rules_decision_log_write_failures_total``: decision log lines waiting for the disk,
  lines dropped because the queue was full, and lines the disk refused.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from ipp_rules.models.decision import BundleIdentity, Decision

__all__ = ["CONTENT_TYPE", "Metrics"]

CONTENT_TYPE = CONTENT_TYPE_LATEST

_LATENCY_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0
)  # fmt: skip


class Metrics:
    """Every metric of one application, in its own registry."""

    def __init__(self) -> None:
        self.shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
        """The folder the workers share their metrics in, when there are several."""
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.requests = Counter(
            "ipp_rules_requests",
            "HTTP requests answered, by endpoint, method and status",
            ["endpoint", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "ipp_rules_request_duration_seconds",
            "Time from a request's start to the end of its response, by endpoint",
            ["endpoint"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.decisions = Counter(
            "ipp_rules_decisions", "Decisions made, by outcome", ["outcome"], registry=registry
        )
        self.findings = Counter(
            "ipp_rules_findings", "Findings in the decisions made, by code", ["code"],
            registry=registry,
        )  # fmt: skip
        self.bundle = Gauge(
            "ipp_rules_bundle_info",
            "The bundle serving (1), by name, version and sha256",
            ["name", "version", "sha256"],
            registry=registry,
            multiprocess_mode="liveall",
        )
        self.reloads = Counter(
            "ipp_rules_bundle_reloads",
            "Bundle reloads, by result (success, or failure: the previous bundle serves on)",
            ["result"],
            registry=registry,
        )
        self.log_queued = Gauge(
            "ipp_rules_decision_log_queued",
            "Decision log lines waiting to be written",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.log_dropped = Counter(
            "ipp_rules_decision_log_dropped",
            "Decision log lines dropped because the queue to the disk was full",
            registry=registry,
        )
        self.log_failed = Counter(
            "ipp_rules_decision_log_write_failures",
            "Decision log lines the disk refused (the error is in the service log)",
            registry=registry,
        )
        self._serving: tuple[str, str, str] | None = None
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}
        for outcome in ("accept", "needs_info", "reject"):
            self.decisions.labels(outcome)
        for result in ("success", "failure"):
            self.reloads.labels(result)

    def serving(self, identity: BundleIdentity) -> None:
        """``identity`` is the bundle serving now (the previous one's series goes to 0, or,
        with one process, is removed)."""
        labels = (identity.name, identity.version, identity.sha256)
        if self._serving is not None and self._serving != labels:
            if self.shared is None:
                self.bundle.remove(*self._serving)
            else:  # removing is not possible across processes
                self.bundle.labels(*self._serving).set(0)
        self._serving = labels
        self.bundle.labels(*labels).set(1)

    def decided(self, decision: Decision) -> None:
        self._child(self.decisions, decision.outcome).inc()
        for finding in decision.findings:
            self._child(self.findings, finding.code).inc()

    def answered(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        """A request to ``endpoint`` answered with ``status`` after ``seconds``."""
        self._child(self.requests, endpoint, method, str(status)).inc()
        self._child(self.latency, endpoint).observe(seconds)

    def _child(self, metric: Any, *labels: str) -> Any:
        """``metric.labels(*labels)``, looked up once: prometheus-client checks and converts
        the labels on every call, which costs a request microseconds a metric."""
        key = (id(metric), labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def text(self) -> bytes:
        if self.shared is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, self.shared)  # type: ignore[no-untyped-call]
        return generate_latest(registry)

    def close(self) -> None:
        """This process ends: its live gauges leave the shared metrics."""
        if self.shared is not None:
            mark_process_dead(os.getpid(), self.shared)  # type: ignore[no-untyped-call]
