"""A complaint's case events: what can happen to it, and an event read from a mapping, with
every problem worded for the person who wrote the events file."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ipp_rules.errors import LifecycleError, shown
from ipp_rules.models.complaint import AwareTimestamp
from ipp_rules.problems import format_path
from ipp_rules.pydantic_errors import validation_problems

__all__ = [
    "EVENT_KINDS",
    "CaseEvent",
    "EventKind",
    "read_event",
]

EventKind = Literal[
    "submitted",
    "rejected",
    "taken_down",
    "counter_notified",
    "rights_holder_accepted",
    "rights_holder_disputed",
    "platform_decided",
    "withdrawn",
]
EVENT_KINDS: tuple[str, ...] = typing.get_args(EventKind)


class CaseEvent(BaseModel):
    """One thing that happened to a complaint, and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    unknown_key: ClassVar[str] = "field"
    """What problems call a key of an event."""

    kind: EventKind
    """``submitted`` (the rights holder filed it), ``rejected`` (the platform refused it),
    ``taken_down`` (the platform removed the listing), ``counter_notified`` (the merchant
    appealed), ``rights_holder_accepted`` / ``rights_holder_disputed`` (the answer to the
    counter-notification), ``platform_decided`` (the platform's decision on a dispute, with
    ``outcome``), ``withdrawn`` (the rights holder withdrew the complaint)."""
    at: AwareTimestamp
    """When it happened, with a UTC offset (ISO-8601 text or a datetime, never a Unix
    timestamp)."""
    outcome: Literal["upheld", "reinstated"] | None = None
    """For ``platform_decided`` only: ``upheld`` (the takedown stands) or ``reinstated``."""

    @model_validator(mode="after")
    def _outcome_only_for_decisions(self) -> CaseEvent:
        if self.kind == "platform_decided" and self.outcome is None:
            raise ValueError("platform_decided needs an outcome: upheld or reinstated")
        if self.kind != "platform_decided" and self.outcome is not None:
            raise ValueError(f"only platform_decided has an outcome, not {self.kind}")
        return self


def read_event(index: int, raw: CaseEvent | Mapping[str, Any]) -> CaseEvent:
    """Event ``index`` of a case as a :class:`CaseEvent`; a :class:`LifecycleError` naming the
    event and every problem with it otherwise."""
    if isinstance(raw, CaseEvent):
        return raw
    if not isinstance(raw, Mapping):
        raise LifecycleError(
            index, f"expected an event like {{kind: submitted, at: ...}}, got {shown(raw)}"
        )
    try:
        return CaseEvent.model_validate(raw)
    except ValidationError as exc:
        messages = [
            f"{format_path(problem.path)}: {problem.message}" if problem.path else problem.message
            for problem in validation_problems(exc, CaseEvent, raw)
        ]
        raise LifecycleError(index, "; ".join(messages)) from None
