"""A reporting history: its takedown-request records, their checks, and membership events.

A history is given as :class:`HistoryRecord` models, as mappings (parsed JSON, validated by
:func:`history_records`), or as plain :data:`RecordRow` tuples for histories too large to
build a model per record. :func:`record_problems` says what is wrong with one record's values.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import (
    BeforeValidator,
    ConfigDict,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ipp_rules.errors import HistoryError, shown
from ipp_rules.models.complaint import AwareTimestamp
from ipp_rules.models.marketplace import Platform
from ipp_rules.models.types import IsoDate, Strict
from ipp_rules.problems import Problem
from ipp_rules.text.scalars import source_text

__all__ = [
    "COUNTER_NOTIFIABLE",
    "COUNTER_NOTIFICATIONS",
    "MARKETPLACES",
    "OUTCOMES",
    "POSSIBLE",
    "CounterNotificationState",
    "HistoryRecord",
    "MembershipEvent",
    "RecordRow",
    "RequestOutcome",
    "as_row",
    "history_records",
    "record_problems",
]

RequestOutcome = Literal["taken_down", "rejected", "withdrawn", "pending"]
"""What became of a takedown request (not a rule's outcome: see
:data:`ipp_rules.rulesets.format.OutcomeName`)."""
CounterNotificationState = Literal["none", "succeeded", "failed", "pending"]
"""Where the merchant's counter-notification against a takedown stands."""
OUTCOMES: tuple[str, ...] = ("taken_down", "rejected", "withdrawn", "pending")
COUNTER_NOTIFICATIONS: tuple[str, ...] = ("none", "succeeded", "failed", "pending")
MARKETPLACES: tuple[str, ...] = tuple(platform.value for platform in Platform)

COUNTER_NOTIFIABLE = frozenset({"taken_down", "withdrawn"})
"""The outcomes a counter-notification can follow: only a request whose listing was taken
down (and possibly withdrawn afterwards, e.g. when the rights holder accepted the
counter-notification) can have one."""

POSSIBLE: tuple[tuple[str, str], ...] = tuple(
    (outcome, counter)
    for outcome in OUTCOMES
    for counter in COUNTER_NOTIFICATIONS
    if counter == "none" or outcome in COUNTER_NOTIFIABLE
)
"""The (outcome, counter-notification) pairs a consistent record can have."""

_MAX_REASON_CHARS = 100


def _reason_problem(reason: Any) -> str | None:
    if not isinstance(reason, str):
        return f"expected the reason code as text (got {shown(reason)})"
    if not reason.strip():
        return "expected a reason code (got an empty one)"
    if reason != reason.strip():
        return f"expected a reason code without leading or trailing spaces (got {reason!r})"
    if len(reason) > _MAX_REASON_CHARS:
        return f"a reason code has at most {_MAX_REASON_CHARS} characters"
    if not reason.isprintable():
        return f"a reason code must not contain control characters (got {reason!r})"
    return None


def _one_of(given: Any, allowed: Sequence[str]) -> str:
    hint = ""
    if isinstance(given, str):
        close = difflib.get_close_matches(given, allowed, n=1, cutoff=0.6)
        if close:
            hint = f"; did you mean '{close[0]}'?"
    return f"expected one of {', '.join(allowed)}{hint} (got {shown(given)})"


def record_problems(
    platform: Any, reason: Any, outcome: Any, counter_notification: Any, false_information: Any
) -> list[tuple[str, str]]:
    """What is wrong with one record's values, as (field, message) pairs; empty when valid.

    The submission time is checked where it is read (it is a datetime in a
    :class:`HistoryRecord`, POSIX seconds in a :data:`RecordRow`).
    """
    problems: list[tuple[str, str]] = []
    if not isinstance(platform, str) or platform not in MARKETPLACES:
        problems.append(("platform", _one_of(platform, MARKETPLACES)))
    message = _reason_problem(reason)
    if message is not None:
        problems.append(("reason", message))
    if not isinstance(outcome, str) or outcome not in OUTCOMES:
        problems.append(("outcome", _one_of(outcome, OUTCOMES)))
    if not isinstance(counter_notification, str) or counter_notification not in (
        COUNTER_NOTIFICATIONS
    ):
        problems.append(
            ("counter_notification", _one_of(counter_notification, COUNTER_NOTIFICATIONS))
        )
    elif (
        counter_notification != "none"
        and isinstance(outcome, str)
        and outcome in OUTCOMES
        and outcome not in COUNTER_NOTIFIABLE
    ):
        problems.append(
            (
                "counter_notification",
                f"a request that was {outcome.replace('_', ' ')} has no listing to counter-notify: "
                f"counter_notification must be none (got {counter_notification!r})",
            )
        )
    if not isinstance(false_information, bool):
        problems.append(
            ("false_information", f"expected true or false (got {shown(false_information)})")
        )
    return problems


def _marketplace_text(value: Any) -> Any:
    """A marketplace is text: anything else is refused here, before the enum's own error,
    whose message would ``repr`` a hostile value of any depth."""
    value = source_text(value)
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    return value


class HistoryRecord(Strict):
    """One takedown request in a rights holder's reporting history.

    ``submitted_at`` is kept as the same instant in UTC (comparisons between datetimes that
    share one ``tzinfo`` are several times faster, and the window is compared per record).
    """

    model_config = ConfigDict(use_enum_values=True)

    submitted_at: AwareTimestamp
    platform: Annotated[Platform, BeforeValidator(_marketplace_text)]
    reason: str
    """The complaint reason code the request was filed under (``counterfeit``, ``test_buy``...)."""
    outcome: RequestOutcome
    """``taken_down``: the platform removed the listing; ``rejected``: it refused; ``withdrawn``:
    the rights holder withdrew the request (before a decision, or after a takedown, e.g. to
    accept a counter-notification); ``pending``: not decided yet."""
    counter_notification: CounterNotificationState = "none"
    """The merchant's counter-notification against the takedown: ``succeeded`` means the listing
    was reinstated. Anything but ``none`` needs an outcome of ``taken_down`` or ``withdrawn``."""
    false_information: StrictBool = False
    """The request was found to contain deliberately false information."""

    @field_validator("submitted_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        try:
            return value.astimezone(UTC)
        except OverflowError:  # within hours of year 1 or year 9999's edge
            raise ValueError(f"{value.isoformat()} is out of range: no UTC date holds it") from None

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        message = _reason_problem(value)
        if message is not None:
            raise ValueError(message)
        return value

    @model_validator(mode="after")
    def _counter_notification_needs_takedown(self) -> HistoryRecord:
        if self.counter_notification != "none" and self.outcome not in COUNTER_NOTIFIABLE:
            raise ValueError(
                f"a request that was {self.outcome.replace('_', ' ')} has no listing to "
                f"counter-notify: counter_notification must be none "
                f"(got {self.counter_notification!r})"
            )
        return self


RecordRow: TypeAlias = tuple[float, str, str, str, str, bool]
"""A history record as a plain tuple: (submitted_at as POSIX seconds, platform, reason,
outcome, counter_notification, false_information). The fast input of
:func:`~ipp_rules.goodfaith.evaluate_good_faith_records`."""


def as_row(record: HistoryRecord) -> RecordRow:
    """The plain-tuple form of a record."""
    return (
        record.submitted_at.timestamp(),
        record.platform,
        record.reason,
        record.outcome,
        record.counter_notification,
        record.false_information,
    )


def history_records(items: Iterable[HistoryRecord | Mapping[str, Any]]) -> list[HistoryRecord]:
    """Validate a history given as models or mappings (e.g. parsed JSON); :class:`HistoryError`
    lists every bad record with its path (``history[3].outcome``)."""
    records: list[HistoryRecord] = []
    problems: list[Problem] = []
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise HistoryError(
            [Problem(f"expected a list of records, got {type(items).__name__}", path=("history",))]
        )
    for index, item in enumerate(items):
        if isinstance(item, HistoryRecord):
            records.append(item)
            continue
        try:
            records.append(HistoryRecord.model_validate(item))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                message = error["msg"].removeprefix("Value error, ")
                problems.append(Problem(message, path=("history", index, *error["loc"])))
    if problems:
        raise HistoryError(problems)
    return records


class MembershipEvent(Strict):
    """The account joined the program, was removed from it, or withdrew from it, on a day
    (in the program's timezone)."""

    event: Literal["joined", "removed", "withdrawn"]
    on: IsoDate
