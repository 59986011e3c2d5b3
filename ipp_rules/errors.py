"""Every error ipp-rules raises on purpose, in one place.

Each carries where the problem is and why, as data and as a message. The hierarchy::

    IppRulesError
    ├── InputError                  an input that is not valid; .problems lists every problem
    │   ├── ComplaintError          a complaint document that does not match the model
    │   ├── RulesetError            a bundle that cannot be loaded or compiled
    │   │   └── BundlePathError     a path that names no bundle at all
    │   ├── DeadlineError           a deadline question that cannot be asked as written
    │   ├── HistoryError            a Good Faith reporting history with bad records
    │   └── EventsFileError         a file of case events that is not a list of events
    ├── EngineError                 the rules engine failed in a way it could not recover from
    ├── UnknownMarketplaceError     a marketplace no registered policy knows
    ├── CalendarHorizonError        a business-day question past what a calendar can answer
    ├── LifecycleError              case events that cannot have happened in this order
    ├── GoodFaithError              a Good Faith question that cannot be answered
    ├── ArgumentError               a command-line argument that cannot be used
    ├── JsonRefused                 valid JSON that a document may not use (a key twice, NaN)
    ├── PolicyDefinitionError       a marketplace policy declared with inconsistent data
    └── CalendarConfigError         a calendar that cannot be built as asked

:class:`~ipp_rules.problems.Problem`, the located problem an :class:`InputError` lists, is
defined beside the helpers that make problems, in :mod:`ipp_rules.problems`.
"""

from __future__ import annotations

import reprlib
from dataclasses import replace
from datetime import date
from typing import Any

from ipp_rules.problems import Problem, best_first

__all__ = [
    "ArgumentError",
    "BundlePathError",
    "CalendarConfigError",
    "CalendarHorizonError",
    "ComplaintError",
    "DeadlineError",
    "EngineError",
    "EventsFileError",
    "GoodFaithError",
    "HistoryError",
    "InputError",
    "IppRulesError",
    "JsonRefused",
    "LifecycleError",
    "PolicyDefinitionError",
    "RulesetError",
    "UnknownMarketplaceError",
    "error_document",
    "error_text",
    "problems_of",
    "shown",
]

_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = 60
_REPR.maxother = 60


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message, bounded in length and depth: a hostile input (a list
    nested 100,000 deep, a container holding itself) costs a few characters, never a
    ``RecursionError``."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class IppRulesError(Exception):
    """Base class of every error ipp-rules raises on purpose.

    ``title`` names the kind of error in a few words (``invalid ruleset bundle``), for a
    person or a program choosing how to show it; the message says what is wrong."""

    title = "error"


class InputError(IppRulesError):
    """An input that is not valid: ``problems`` lists every problem found, not only the
    first, each located as data (:class:`~ipp_rules.problems.Problem`)."""

    title = "invalid input"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], title: str | None = None):
        self.problems: tuple[Problem, ...] = tuple(best_first(problems))
        if title is not None:
            self.title = title
        super().__init__(self._render())

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt from its problems and title (an engine in another process, a Dask worker).
        return (type(self), (list(self.problems), self.title))

    def _render(self) -> str:
        count = len(self.problems)
        head = f"{self.title} ({count} problem{'s' if count != 1 else ''})"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class ComplaintError(InputError):
    """A complaint document that does not match the complaint model."""

    title = "invalid complaint document"


class RulesetError(InputError):
    """A ruleset bundle that cannot be loaded or compiled; locations are ``file:line:column``."""

    title = "invalid ruleset bundle"


class BundlePathError(RulesetError):
    """A path that names no bundle at all: it does not exist, is not a folder (nor a folder's
    ``bundle.yaml``), holds no ``bundle.yaml``, or cannot be read. Unlike a bundle that does
    not load, there is nothing in it to report on, so every command treats it as unusable
    input. ``problems`` holds the one problem, located at the path."""

    title = "not a bundle"

    def __init__(self, location: str, message: str, code: str):
        super().__init__([Problem(message, code, file=location)])

    def _render(self) -> str:
        return str(self.problems[0])

    def __reduce__(self) -> tuple[object, ...]:
        (problem,) = self.problems
        return (BundlePathError, (problem.file, problem.message, problem.code))


class EngineError(IppRulesError):
    """The rules engine failed in a way the wrapper could not recover from."""

    title = "rules engine failure"


class UnknownMarketplaceError(IppRulesError):
    """A marketplace (or a marketplace's country platform) that no registered policy knows.

    ``marketplace`` is the name asked for, ``known`` the ids (or, with ``country``, the
    countries) that would have been accepted, and ``suggestion`` the nearest of them.
    """

    title = "unknown marketplace"

    def __init__(
        self,
        marketplace: str,
        known: tuple[str, ...] | list[str] = (),
        *,
        suggestion: str | None = None,
        country: str | None = None,
        message: str | None = None,
    ):
        self.marketplace = marketplace
        self.known: tuple[str, ...] = tuple(known)
        self.suggestion = suggestion
        self.country = country
        if message is None:
            message = f"unknown marketplace {marketplace!r}"
            if self.known:
                message += f"; known: {', '.join(self.known)}"
            if suggestion is not None:
                message += f" (did you mean {suggestion!r}?)"
        self.message = message
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _unknown_marketplace,
            (self.marketplace, self.known, self.suggestion, self.country, self.message),
        )


def _unknown_marketplace(
    marketplace: str,
    known: tuple[str, ...],
    suggestion: str | None,
    country: str | None,
    message: str,
) -> UnknownMarketplaceError:
    """Rebuild an :class:`UnknownMarketplaceError` when it is unpickled."""
    return UnknownMarketplaceError(
        marketplace, known, suggestion=suggestion, country=country, message=message
    )


class CalendarHorizonError(IppRulesError):
    """A business-day question a calendar cannot answer from published holiday data.

    ``asked`` lies past ``horizon``, the last date the calendar ``calendar`` is published for
    (and the calendar was not built to accept rule-based estimates): ``past_horizon`` is true.
    Or it lies outside the years the calendar was built for at all: ``past_horizon`` is false,
    and the message does not blame the horizon. ``detail`` says which.
    """

    title = "a date beyond a calendar's data"

    def __init__(
        self,
        calendar: str,
        asked: date,
        horizon: date,
        detail: str = "",
        *,
        past_horizon: bool = True,
    ) -> None:
        self.calendar = calendar
        self.asked = asked
        self.horizon = horizon
        self.detail = detail
        self.past_horizon = past_horizon
        message = f"calendar {calendar}: cannot answer for {asked.isoformat()}"
        if past_horizon:
            message += f", its horizon is {horizon.isoformat()}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_horizon_error,
            (self.calendar, self.asked, self.horizon, self.detail, self.past_horizon),
        )


class DeadlineError(InputError):
    """A deadline question that cannot be answered as asked: a ``received_at`` without an
    offset, or an unknown deadline kind. Locations name the argument (``received_at``,
    ``kind``)."""

    title = "invalid deadline question"


class LifecycleError(IppRulesError):
    """A complaint's events that cannot have happened in this order.

    ``index`` is the position of the offending event in the list (``None`` when the problem
    is not one event's, e.g. a ``now`` without an offset), ``message`` says what is wrong.
    ``problems`` holds the event's place in the file it was read from, once :meth:`at` has
    located it (empty before).
    """

    title = "impossible case events"

    def __init__(self, index: int | None, message: str, *, place: Problem | None = None) -> None:
        self.index = index
        self.message = message
        where = f"event {index}: " if index is not None else ""
        self.problems: tuple[Problem, ...] = ()
        text = where + message
        if place is not None:
            self.problems = (replace(place, message=text, code="lifecycle"),)
            text = f"{place.position}: {text}" if place.position else text
        self.place = place
        super().__init__(text)

    def at(self, place: Problem) -> LifecycleError:
        """This error, located at ``place``: where the event is written in its file."""
        return LifecycleError(self.index, self.message, place=place)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_lifecycle_error, (self.index, self.message, self.place))


def _rebuild_lifecycle_error(
    index: int | None, message: str, place: Problem | None
) -> LifecycleError:
    return LifecycleError(index, message, place=place)


def _rebuild_horizon_error(
    calendar: str, asked: date, horizon: date, detail: str, past_horizon: bool
) -> CalendarHorizonError:
    return CalendarHorizonError(calendar, asked, horizon, detail, past_horizon=past_horizon)


class PolicyDefinitionError(IppRulesError, ValueError):
    """A marketplace policy, URL form or calendar spec declared with inconsistent data."""

    title = "inconsistent marketplace policy"


class CalendarConfigError(IppRulesError, ValueError):
    """A calendar that cannot be built as asked: an unknown country, subdivision or category,
    years outside the ``holidays`` data, or overrides that contradict each other."""

    title = "a calendar that cannot be built"


class GoodFaithError(IppRulesError):
    """A Good Faith question that cannot be answered: a naive ``as_of``, or a date no policy
    period covers."""

    title = "a Good Faith question that cannot be answered"


class HistoryError(InputError):
    """A reporting history with records that do not match the record format."""

    title = "invalid reporting history"


class EventsFileError(InputError):
    """An events file that is not a JSON or YAML list of events."""

    title = "invalid events file"


class ArgumentError(IppRulesError):
    """A command-line argument that cannot be used (a date that is not a date, ...).

    When the command line itself could not be read (an unknown option, a missing argument),
    ``usage`` is the usage line and ``prog`` the program that could not read it, as
    ``argparse`` words them."""

    title = "invalid argument"

    def __init__(self, message: str, *, usage: str | None = None, prog: str | None = None) -> None:
        self.usage = usage
        self.prog = prog
        super().__init__(message)


class JsonRefused(IppRulesError):
    """Valid JSON syntax that a document may not use: a key twice in one object, NaN or
    Infinity, a number too large to be finite. Raised from the JSON parser's hooks
    (:func:`ipp_rules.text.json.loads`); ``code`` names which."""

    title = "JSON a document may not use"

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __reduce__(self) -> tuple[object, ...]:
        return (JsonRefused, (self.message, self.code))


# ---------------------------------------------------------------------------------------------
# An error as data


def problems_of(error: BaseException) -> tuple[Problem, ...]:
    """The located problems an error carries (none for most errors that are not about an
    input's contents)."""
    if isinstance(error, InputError | LifecycleError):
        return error.problems
    return ()


def error_text(error: BaseException) -> str:
    """What is wrong, in words: the error's message (a file error names its file)."""
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return f"{reason}: {error.filename}" if error.strerror and error.filename else reason
    return str(error)


def error_document(error: BaseException) -> dict[str, Any]:
    """The JSON error object for ``error``: its type, title, message and problems."""
    if isinstance(error, IppRulesError):
        title = error.title
    elif isinstance(error, OSError):
        title = "a file that cannot be read or written"
    else:
        title = "error"
    return {
        "error": {
            "type": type(error).__name__,
            "title": title,
            "message": error_text(error),
            "problems": [problem.as_json() for problem in problems_of(error)],
        }
    }
