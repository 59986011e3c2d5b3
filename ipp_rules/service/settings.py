"""What a running service is told at start-up: the bundle, the limits, reloading and logs."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipp_rules.engine.engine import BackendName
from ipp_rules.models.intake import MAX_DOCUMENT_BYTES

__all__ = ["SETTINGS_VARIABLE", "Limits", "Settings"]

SETTINGS_VARIABLE = "IPP_RULES_SERVICE_SETTINGS"
"""Where worker processes find their :class:`Settings` (as JSON)."""

MIB = 1024 * 1024
MAX_LISTINGS = 5000
"""The most listings the complaint model takes (``Complaint.listings``)."""


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the service. A request over a limit gets a problem
    response (413, or 503 over the time budget) and the service goes on serving."""

    body_bytes: int = MAX_DOCUMENT_BYTES
    """The body of ``/v1/evaluate``, ``/v1/deadline`` and ``/v1/lifecycle``, in bytes."""
    batch_body_bytes: int = 64 * MIB
    """The body of ``/v1/evaluate/batch`` and ``/v1/good-faith``, in bytes."""
    listings: int = 1000
    """Listings in one complaint (the model itself allows 5,000)."""
    batch_documents: int = 10_000
    """Complaints in one batch request."""
    history_records: int = 1_000_000
    """Records in one Good Faith history."""
    events: int = 1000
    """Events in one lifecycle request."""
    time_budget: float = 30.0
    """Seconds one request may take to decide; past it, the answer is a problem (503)."""
    body_seconds: float = 30.0
    """Seconds a client may take to send its body; past it, the answer is a problem (408)
    and the connection is closed (a slow client holds no thread meanwhile)."""

    def __post_init__(self) -> None:
        for name in (
            "body_bytes",
            "batch_body_bytes",
            "listings",
            "batch_documents",
            "history_records",
            "events",
        ):
            _positive(name, getattr(self, name))
        if self.body_bytes > MAX_DOCUMENT_BYTES:
            raise ValueError(
                f"body_bytes may be at most {MAX_DOCUMENT_BYTES} (the largest document the "
                f"library reads), not {self.body_bytes}"
            )
        if self.listings > MAX_LISTINGS:
            raise ValueError(
                f"listings may be at most {MAX_LISTINGS} (what the complaint model allows), "
                f"not {self.listings}"
            )
        for name in ("time_budget", "body_seconds"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be more than 0 seconds, not {getattr(self, name)!r}")


def _positive(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number, 1 or more, not {value!r}")


@dataclass(frozen=True)
class Settings:
    """Everything ``ipp-rules serve`` was started with."""

    rules: Path | None = None
    """The bundle folder; None for the bundled rules."""
    backend: BackendName = "auto"
    limits: Limits = field(default_factory=Limits)
    reload_token: str | None = None
    """The bearer token ``POST /v1/bundle/reload`` requires; None disables the endpoint."""
    watch: bool = False
    """Reload the bundle when a file in its folder changes."""
    decision_log: Path | None = None
    """Where one JSON line per decision is appended; None for no decision log."""
    log_inputs: bool = False
    """Whether the decision log holds each complaint itself (only its sha256 otherwise)."""
    decision_log_queue: int = 10_000
    """Decision log lines waiting for the disk at most; past it a line is counted as dropped."""
    access_log: bool = True
    """One JSON line per request on the error output."""
    shared: Path | None = None
    """With several worker processes: a folder they share, where a reload is announced to
    the others and the metrics of all are kept (None with one process)."""

    def __post_init__(self) -> None:
        if self.reload_token is not None and len(self.reload_token) < 16:
            raise ValueError("the reload token must be at least 16 characters long")
        _positive("decision_log_queue", self.decision_log_queue)

    def to_environment(self) -> str:
        """These settings as JSON, for worker processes (the reload token stays in its own
        environment variable)."""
        data = dataclasses.asdict(self)
        data.pop("reload_token")
        return json.dumps(data, default=str)

    @classmethod
    def from_environment(cls, text: str) -> Settings:
        """The settings :meth:`to_environment` wrote, with the token from the environment."""
        data: dict[str, Any] = json.loads(text)
        limits = Limits(**data.pop("limits"))
        for name in ("rules", "decision_log", "shared"):
            if data[name] is not None:
                data[name] = Path(data[name])
        return cls(limits=limits, reload_token=cls.token_from_environment(), **data)

    @staticmethod
    def token_from_environment() -> str | None:
        """The reload token in ``IPP_RULES_RELOAD_TOKEN``, if set (a token on the command line
        would show in the process list)."""
        return os.environ.get("IPP_RULES_RELOAD_TOKEN") or None
