"""A reporting history: its takedown-request records, their one set of checks, and the
account's membership events.

A history is given as :class:`HistoryRecord` models, as mappings (parsed JSON, validated by
:func:`history_records`, or read straight into the columns they are counted in by
:mod:`~ipp_rules.goodfaith.mappings`), or as plain :data:`RecordRow` tuples for histories too
large to build a model per record. One check per field (:func:`platform_problem` and the
others) says what is wrong with a value; :func:`record_problems` applies them to a record's
values, the model's validators apply them field by field, and :func:`located_error` places
each problem of a history of models or tuples at ``history[3].outcome``. So a bad record reads
the same whichever way it came in."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from operator import attrgetter
from typing import Annotated, Any, ClassVar, Literal, TypeAlias

from pydantic import (
    BeforeValidator,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ipp_rules.errors import HistoryError, shown
from ipp_rules.models.complaint import AwareTimestamp
from ipp_rules.models.types import IsoDate, Strict
from ipp_rules.policies.registry import BUILTIN_POLICIES, policies
from ipp_rules.problems import Problem, suggest
from ipp_rules.pydantic_errors import validation_problems
from ipp_rules.text.scalars import source_text

__all__ = [
    "ACCOUNT",
    "COUNTER_NOTIFIABLE",
    "COUNTER_NOTIFICATIONS",
    "MARKETPLACES",
    "MAX_ACCOUNT_CHARS",
    "MAX_REPORTED",
    "OUTCOMES",
    "POSSIBLE",
    "RECORD_PROBLEM",
    "CounterNotificationState",
    "EntryForm",
    "HistoryRecord",
    "MembershipEvent",
    "RecordRow",
    "RequestOutcome",
    "account_problem",
    "as_row",
    "check_history",
    "counter_notification_problem",
    "entry_problems",
    "false_information_problem",
    "history_records",
    "located_error",
    "outcome_problem",
    "platform_problem",
    "reason_problem",
    "record_at",
    "record_problems",
    "record_values",
]

RequestOutcome = Literal["taken_down", "rejected", "withdrawn", "pending"]
"""What became of a takedown request (not a rule's outcome: see
:data:`ipp_rules.rulesets.format.OutcomeName`)."""
CounterNotificationState = Literal["none", "succeeded", "failed", "pending"]
"""Where the merchant's counter-notification against a takedown stands."""
OUTCOMES: tuple[str, ...] = ("taken_down", "rejected", "withdrawn", "pending")
COUNTER_NOTIFICATIONS: tuple[str, ...] = ("none", "succeeded", "failed", "pending")
MARKETPLACES: tuple[str, ...] = tuple(policy.id for policy in BUILTIN_POLICIES)
"""The built-in marketplaces. A record may name any marketplace of the registry
(:func:`ipp_rules.policies.policies`), plugins' included: that is what is checked."""

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
ACCOUNT = "account"
"""The optional field naming the IPP account that filed a record: not read when one account
is assessed, needed on every record when every account is."""
MAX_ACCOUNT_CHARS = 200
"""The longest IPP account id a record may name."""
MAX_REPORTED = 50
"""Bad records reported by location before the rest are summarised."""
RECORD_PROBLEM = "history_record"
"""The code of a problem a record check finds, whichever way the record came in."""


# ---------------------------------------------------------------------------------------------
# The checks of one record: every entry point (models, mappings, tuples, files) uses these.


def _one_of(given: Any, allowed: Sequence[str]) -> str:
    close = suggest(given, allowed) if isinstance(given, str) else None
    hint = f"; did you mean '{close}'?" if close else ""
    return f"expected one of {', '.join(allowed)}{hint} (got {shown(given)})"


def platform_problem(platform: Any) -> str | None:
    """What is wrong with a record's marketplace, or None: it must be one the marketplace
    registry knows (built-in or plugin)."""
    known = policies()
    if isinstance(platform, str) and platform in known:
        return None
    return _one_of(platform, tuple(known))


def reason_problem(reason: Any) -> str | None:
    """What is wrong with a record's reason code, or None."""
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


def outcome_problem(outcome: Any) -> str | None:
    """What is wrong with a record's outcome, or None."""
    if isinstance(outcome, str) and outcome in OUTCOMES:
        return None
    return _one_of(outcome, OUTCOMES)


def counter_notification_problem(counter_notification: Any, outcome: Any) -> str | None:
    """What is wrong with a record's counter-notification, given its outcome, or None (an
    outcome that is not valid itself is not held against the counter-notification)."""
    if not isinstance(counter_notification, str) or (
        counter_notification not in COUNTER_NOTIFICATIONS
    ):
        return _one_of(counter_notification, COUNTER_NOTIFICATIONS)
    if (
        counter_notification != "none"
        and isinstance(outcome, str)
        and outcome in OUTCOMES
        and outcome not in COUNTER_NOTIFIABLE
    ):
        return (
            f"a request that was {outcome.replace('_', ' ')} has no listing to counter-notify: "
            f"counter_notification must be none (got {counter_notification!r})"
        )
    return None


def false_information_problem(false_information: Any) -> str | None:
    """What is wrong with a record's false-information mark, or None (only true and false are
    accepted: 1 and 0 are not)."""
    if isinstance(false_information, bool):
        return None
    return f"expected true or false (got {shown(false_information)})"


def account_problem(account: Any) -> str | None:
    """What is wrong with the IPP account a record names, or None: text of 1 to
    :data:`MAX_ACCOUNT_CHARS` characters, without control characters or surrounding spaces."""
    if not isinstance(account, str):
        return f"expected the IPP account id as text (got {shown(account)})"
    if not account.strip():
        return "expected an IPP account id (got an empty one)"
    if len(account) > MAX_ACCOUNT_CHARS:
        return f"an IPP account id has at most {MAX_ACCOUNT_CHARS} characters (got {len(account)})"
    if account != account.strip():
        return f"expected an IPP account id without leading or trailing spaces (got {account!r})"
    if not account.isprintable():
        return f"an IPP account id must not contain control characters (got {account!r})"
    return None


def record_problems(
    platform: Any, reason: Any, outcome: Any, counter_notification: Any, false_information: Any
) -> list[tuple[str, str]]:
    """What is wrong with one record's values, as (field, message) pairs in field order; empty
    when valid.

    The submission time is checked where it is read (it is a datetime in a
    :class:`HistoryRecord`, POSIX seconds in a :data:`RecordRow`, text in a file).
    """
    found = (
        ("platform", platform_problem(platform)),
        ("reason", reason_problem(reason)),
        ("outcome", outcome_problem(outcome)),
        ("counter_notification", counter_notification_problem(counter_notification, outcome)),
        ("false_information", false_information_problem(false_information)),
    )
    return [(field, message) for field, message in found if message is not None]


def _refuse(message: str | None) -> None:
    """Raise a record check's message as the validation error of the field being validated."""
    if message is not None:
        raise PydanticCustomError(RECORD_PROBLEM, message)


def _valid_platform(value: Any) -> Any:
    value = source_text(value)  # a marketplace written as a plain YAML number (1688)
    _refuse(platform_problem(value))
    return value


def _valid_reason(value: Any) -> Any:
    _refuse(reason_problem(value))
    return value


def _valid_outcome(value: Any) -> Any:
    _refuse(outcome_problem(value))
    return value


def _valid_false_information(value: Any) -> Any:
    _refuse(false_information_problem(value))
    return value


def _valid_account(value: Any) -> Any:
    if value is not None:
        _refuse(account_problem(value))
    return value


class HistoryRecord(Strict):
    """One takedown request in a rights holder's reporting history.

    Every value is checked by the record checks :func:`record_problems` is made of, so a
    record refused here is refused with the same words in a tuple or a file.
    ``submitted_at`` is kept as the same instant in UTC (comparisons between datetimes that
    share one ``tzinfo`` are several times faster, and the window is compared per record).
    """

    unknown_key: ClassVar[str] = "field"
    """What problems call a key of a record."""

    submitted_at: AwareTimestamp
    platform: Annotated[str, BeforeValidator(_valid_platform)]
    reason: Annotated[str, BeforeValidator(_valid_reason)]
    """The complaint reason code the request was filed under (``counterfeit``, ``test_buy``...)."""
    outcome: Annotated[RequestOutcome, BeforeValidator(_valid_outcome)]
    """``taken_down``: the platform removed the listing; ``rejected``: it refused; ``withdrawn``:
    the rights holder withdrew the request (before a decision, or after a takedown, e.g. to
    accept a counter-notification); ``pending``: not decided yet."""
    counter_notification: CounterNotificationState = "none"
    """The merchant's counter-notification against the takedown: ``succeeded`` means the listing
    was reinstated. Anything but ``none`` needs an outcome of ``taken_down`` or ``withdrawn``."""
    false_information: Annotated[bool, BeforeValidator(_valid_false_information)] = False
    """The request was found to contain deliberately false information."""
    account: Annotated[str | None, BeforeValidator(_valid_account)] = None
    """The IPP account that filed the request (:func:`account_problem` says what is one). An
    assessment of one account does not read it; one of every account
    (:func:`~ipp_rules.goodfaith.evaluate_good_faith_accounts`) groups the records by it."""

    @field_validator("submitted_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        try:
            return value.astimezone(UTC)
        except OverflowError:  # within hours of year 1 or year 9999's edge
            raise ValueError(f"{value.isoformat()} is out of range: no UTC date holds it") from None

    @field_validator("counter_notification", mode="before")
    @classmethod
    def _valid_counter_notification(cls, value: Any, info: ValidationInfo) -> Any:
        _refuse(counter_notification_problem(value, info.data.get("outcome")))
        return value


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


def check_history(items: object) -> None:
    """:class:`HistoryError` unless ``items`` is a list of records (or another iterable of
    them): not a mapping, not text."""
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise HistoryError(
            [
                Problem(
                    f"expected a list of records, got {type(items).__name__}",
                    "not_a_history",
                    path=("history",),
                )
            ]
        )


def record_at(index: int, item: Any, problems: list[Problem]) -> HistoryRecord | None:
    """The record the model makes of ``item``, or None with its problems added, each at its
    path in the history (``history[3].outcome``)."""
    try:
        return HistoryRecord.model_validate(item)
    except ValidationError as exc:
        problems.extend(
            replace(problem, path=("history", index, *problem.path))
            for problem in validation_problems(exc, HistoryRecord, item)
        )
        return None


def history_records(items: Iterable[HistoryRecord | Mapping[str, Any]]) -> list[HistoryRecord]:
    """Validate a history given as models or mappings (e.g. parsed JSON); :class:`HistoryError`
    lists every bad record with its path (``history[3].outcome``)."""
    check_history(items)
    records: list[HistoryRecord] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        record = item if isinstance(item, HistoryRecord) else record_at(index, item, problems)
        if record is not None:
            records.append(record)
    if problems:
        raise HistoryError(problems)
    return records


EntryForm = Literal["record", "row"]
"""How the entries of a history are given: :class:`HistoryRecord` models or
:data:`RecordRow` tuples."""

record_values: Callable[[HistoryRecord], tuple[Any, ...]] = attrgetter(
    "submitted_at", "platform", "reason", "outcome", "counter_notification", "false_information"
)
"""A record's values in :data:`RecordRow` order, its time still a datetime."""


def entry_problems(index: int, entry: Any, form: EntryForm) -> list[Problem]:
    """What is wrong with the entry at ``index`` of a history given in ``form``, each problem
    at its path (``history[3].outcome``); empty when it is valid."""
    where = ("history", index)
    if form == "record":
        if not isinstance(entry, HistoryRecord):
            message = f"expected a HistoryRecord (got {type(entry).__name__})"
            return [Problem(message, "not_a_record", path=where)]
        values = record_values(entry)
    elif isinstance(entry, tuple | list) and len(entry) == 6:
        values = tuple(entry)
    else:
        return [
            Problem(
                "expected a tuple (submitted_at, platform, reason, outcome, "
                "counter_notification, false_information)",
                "not_a_record",
                path=where,
            )
        ]
    problems = [
        Problem(message, RECORD_PROBLEM, path=(*where, field))
        for field, message in record_problems(*values[1:])
    ]
    time = _time_problem(values[0], form)
    if time is not None:
        problems.insert(0, Problem(time, RECORD_PROBLEM, path=(*where, "submitted_at")))
    return problems


def _time_problem(submitted_at: Any, form: EntryForm) -> str | None:
    if form == "record":
        if isinstance(submitted_at, datetime) and submitted_at.tzinfo is not None:
            return None
        return "expected an aware datetime"
    if (
        isinstance(submitted_at, bool)
        or not isinstance(submitted_at, int | float)
        or submitted_at != submitted_at  # NaN
    ):
        return f"expected POSIX seconds (got {shown(submitted_at)})"
    return None


def located_error(history: Iterable[Any], form: EntryForm, fallback: list[Problem]) -> HistoryError:
    """The error naming each bad entry of ``history`` by its position; without a sequence to
    scan again, the error of ``fallback``."""
    if not isinstance(history, Sequence):
        return HistoryError(fallback)
    problems: list[Problem] = []
    bad = 0
    for index, entry in enumerate(history):
        found = entry_problems(index, entry, form)
        if found:
            bad += 1
            if bad <= MAX_REPORTED:
                problems.extend(found)
    if bad > MAX_REPORTED:
        more = f"and {bad - MAX_REPORTED} more bad records"
        problems.append(Problem(more, "more_bad_records", path=("history",)))
    return HistoryError(problems or fallback)


class MembershipEvent(Strict):
    """The account joined the program, was removed from it, or withdrew from it, on a day
    (in the program's timezone)."""

    event: Literal["joined", "removed", "withdrawn"]
    on: IsoDate
