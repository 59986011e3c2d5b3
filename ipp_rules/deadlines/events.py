"""A complaint's case events: what can happen to it, and an event read from a mapping, with
every problem worded for the person who wrote the events file."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ipp_rules.errors import LifecycleError, shown
from ipp_rules.models.complaint import AwareTimestamp
from ipp_rules.problems import suggest

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
        messages = []
        for error in exc.errors(include_url=False):
            where = ".".join(
                str(step) if str(step).isprintable() and str(step) else repr(str(step))
                for step in error["loc"]
            )
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "missing":
                message = "required, and missing"
            elif error["type"] == "extra_forbidden":
                fields = tuple(CaseEvent.model_fields)
                close = suggest(where, fields)
                hint = f"did you mean {close!r}? " if close else ""
                message = f"not a field of an event ({hint}the fields are {', '.join(fields)})"
            elif error["type"] == "literal_error" and where == "outcome":
                message = f"expected upheld or reinstated (got {shown(error['input'])})"
            elif error["type"] == "literal_error" and where == "kind":
                message = f"expected one of {', '.join(EVENT_KINDS)} (got {shown(error['input'])})"
            elif error["type"] == "datetime_out_of_range":
                pass  # already in plain words
            elif error["type"].startswith("timezone_aware") or error["type"].startswith("datetime"):
                message = (
                    "expected an ISO-8601 time with an offset, like 2026-09-18T10:00:00+08:00 "
                    f"(got {shown(error['input'])})"
                )
            messages.append(f"{where}: {message}" if where else message)
        raise LifecycleError(index, "; ".join(messages)) from None
