"""The values the deadlines file is written with, each checked where it is read.

The deadline kinds, the two settings' words, a cut-off time, bounded texts (titles, citations,
reasons), and marketplace, country platform and calendar names checked against the
marketplace registry (:mod:`ipp_rules.policies`): a marketplace a plugin registers is as valid
here as a built-in one, and no list of names is written in this package.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Sequence
from datetime import time
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from ipp_rules.errors import shown
from ipp_rules.models.types import Text
from ipp_rules.policies.base import CalendarSpec, calendar_name
from ipp_rules.policies.registry import policies
from ipp_rules.problems import suggest

__all__ = [
    "DEADLINE_KINDS",
    "CalendarKey",
    "Citation",
    "CountryKey",
    "Cutoff",
    "DeadlineKind",
    "Ends",
    "MarketplaceKey",
    "NonBusinessTrigger",
    "PolicyPart",
    "Reason",
    "Title",
    "unknown_kind",
]

DeadlineKind = Literal[
    "merchant_counter_notification",
    "rights_holder_response",
    "account_verification",
    "takedown_processing",
]
DEADLINE_KINDS: Final[tuple[str, ...]] = typing.get_args(DeadlineKind)
"""``merchant_counter_notification``: the merchant's window to counter-notify after a
takedown; ``rights_holder_response``: the rights holder's window to accept or dispute a
counter-notification; ``account_verification``: Alibaba's verification of an IPP account's
documents; ``takedown_processing``: the platform's processing of a takedown request."""

NonBusinessTrigger = Literal["count_from_next_day", "deemed_received_next_business_day"]
"""What a trigger on a non-business day means for a ``business_days`` period."""
Ends = Literal["end_of_day", "cutoff"]
"""Where a ``business_days`` period ends on its last day."""

_MIDNIGHT = time(0)
_CUTOFF = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


class PolicyPart(BaseModel):
    """A part of the deadlines file: unknown keys are refused, and nothing changes once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _cutoff(value: Any) -> Any:
    """A local time of day written ``"HH:MM"``, after 00:00."""
    if isinstance(value, time):
        found: time | None = value if value.tzinfo is None else None
    elif isinstance(value, str) and _CUTOFF.fullmatch(value.strip()):
        hour, minute = value.strip().split(":")
        found = time(int(hour), int(minute))
    else:
        found = None
    if found is None:
        raise PydanticCustomError(
            "cutoff",
            'expected a local time written "HH:MM", like "18:00" (got {given})',
            {"given": repr(value)},
        )
    if found == _MIDNIGHT:
        raise PydanticCustomError(
            "cutoff",
            'a cut-off at "00:00" would end the period before its last day starts; for the '
            "end of the day write ends: end_of_day",
        )
    return found


Cutoff = Annotated[
    time,
    BeforeValidator(_cutoff),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$", "examples": ["18:00"]}
    ),
]
"""A local time of day, written ``"HH:MM"`` and after 00:00."""


def _text(what: str, longest: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                raise PydanticCustomError("text", "{what} must not be empty", {"what": what})
            if len(value) > longest:
                raise PydanticCustomError(
                    "text",
                    "{what} has at most {longest} characters",
                    {"what": what, "longest": longest},
                )
            return value.strip()
        return value

    return check


Reason = Annotated[Text, AfterValidator(_text("the reason", 200))]
"""Why a day is closed or worked: at most 200 characters."""
Citation = Annotated[Text, AfterValidator(_text("the source", 2000))]
"""Where a period or a notice comes from: at most 2,000 characters."""
Title = Annotated[Text, AfterValidator(_text("the title", 200))]
"""What a period is for, in plain words: at most 200 characters."""


def _did_you_mean(value: str, known: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the known name ``value`` most likely meant, or ``""``."""
    close = suggest(value, known)
    return f" (did you mean '{close}'?)" if close else ""


def unknown_kind(kind: object) -> str:
    """The message for a deadline kind that is not one of :data:`DEADLINE_KINDS`."""
    name = kind if isinstance(kind, str) else shown(kind)
    return (
        f"unknown deadline kind {shown(name)}{_did_you_mean(str(name), DEADLINE_KINDS)}; known: "
        + ", ".join(DEADLINE_KINDS)
    )


def _registered(
    code: str, noun: str, listed: str, known: Callable[[], Sequence[str]]
) -> Callable[[str], str]:
    """A validator that takes a name the registry knows now, in the words of ``noun``, with
    a suggestion and the names ``listed`` (``"known"``)."""

    def check(value: str) -> str:
        names = tuple(known())
        if value not in names:
            raise PydanticCustomError(
                code,
                f"unknown {noun} '{{given}}'{{hint}}; {listed}: {{known}}",
                {"given": value, "hint": _did_you_mean(value, names), "known": ", ".join(names)},
            )
        return value

    return check


_known_marketplace = _registered("marketplace", "marketplace", "known", lambda: tuple(policies()))


def _all_countries() -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for p in policies().values() for c in p.countries))


_known_country = _registered("country", "country platform", "known", _all_countries)


def _marketplace_calendars() -> dict[str, CalendarSpec]:
    """Every registered marketplace calendar by its name (``CN``, ``MY-14``, ...)."""
    specs: dict[str, CalendarSpec] = {}
    for policy in policies().values():
        for country in policy.countries or (None,):
            spec = policy.calendar(country)
            specs.setdefault(calendar_name(spec), spec)
    return specs


_known_calendar = _registered(
    "calendar",
    "calendar",
    "the marketplaces' calendars are",
    lambda: tuple(_marketplace_calendars()),
)


MarketplaceKey = Annotated[Text, AfterValidator(_known_marketplace)]
"""A registered marketplace's id (``taobao``, ``lazada``, or a plugin's)."""
CountryKey = Annotated[Text, AfterValidator(_known_country)]
"""A country platform some registered marketplace has (Lazada's ``ID`` ... ``VN``)."""
CalendarKey = Annotated[Text, AfterValidator(_known_calendar)]
"""The name of a calendar some registered marketplace counts on (``CN``, ``MY-14``)."""
