"""What the engine answers: the outcome, the findings behind it, and the bundle that decided."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = [
    "BundleIdentity",
    "Category",
    "Decision",
    "Finding",
    "Outcome",
    "Severity",
    "TraceEntry",
    "outcome_of",
    "trusted",
]

Severity = Literal["error", "missing", "warning", "info"]
"""``error`` blocks (reject), ``missing`` asks for more (needs_info); the others only inform."""

Category = Literal[
    "account", "jurisdiction", "scope", "evidence", "listing", "deadline", "good_faith", "lifecycle"
]

Outcome = Literal["accept", "needs_info", "reject"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_M = TypeVar("_M", bound=_Model)
_set = object.__setattr__


def trusted(model: type[_M], fields: dict[str, Any]) -> _M:
    """A model instance holding ``fields`` as they are, without validation.

    Only for values the engine built itself from validated parts (a rule's code and message,
    a bundle's identity): validating them again costs more than deciding a complaint.
    ``fields`` must name every field of ``model``, in order, with values of the right type;
    the result is equal to, and serialises byte for byte as, the validated instance
    (tests/models/test_decision.py checks it).
    """
    instance = model.__new__(model)
    _set(instance, "__dict__", fields)
    _set(instance, "__pydantic_fields_set__", set(fields))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


class Finding(_Model):
    """One thing a rule found about a complaint."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its values (worker processes send decisions back by the thousand):
        # pydantic's own pickling is several times slower, and what it checks was checked.
        return (_rebuild, (Finding, tuple(self.__dict__.values())))

    rule_id: str
    code: str
    category: Category
    severity: Severity
    message: str
    path: str
    """The complaint field the finding is about, e.g. ``listings[2].url``."""
    source: str
    """The policy citation of the rule (handbook section or other)."""


class BundleIdentity(_Model):
    """The ruleset bundle that made a decision."""

    name: str
    version: str
    sha256: str


class TraceEntry(_Model):
    """A rule that fired, and the fact values it saw (JSON-ready)."""

    rule_id: str
    listing: int | None = None
    """The listing's index for a listing rule; None for a complaint rule."""
    values: dict[str, Any]


def _rebuild(model: type[_M], values: tuple[Any, ...]) -> _M:
    """A finding or a decision from the values it was pickled as (see ``__reduce__``)."""
    names = _FIELD_NAMES.get(model)
    if names is None:
        names = _FIELD_NAMES[model] = tuple(model.model_fields)
    return trusted(model, dict(zip(names, values, strict=True)))


_FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {}


def outcome_of(findings: Iterable[Finding]) -> Outcome:
    """Any error rejects; otherwise anything missing asks for more; otherwise accept."""
    severities = {finding.severity for finding in findings}
    if "error" in severities:
        return "reject"
    if "missing" in severities:
        return "needs_info"
    return "accept"


class Decision(_Model):
    """The engine's answer about one complaint."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (Decision, tuple(self.__dict__.values())))

    outcome: Outcome
    findings: tuple[Finding, ...]
    bundle: BundleIdentity
    trace: tuple[TraceEntry, ...] | None = None
    """The rules that fired with the values they saw, when a trace was asked for."""

    @model_validator(mode="after")
    def _outcome_follows_findings(self) -> Decision:
        expected = outcome_of(self.findings)
        if self.outcome != expected:
            raise ValueError(f"outcome {self.outcome!r} contradicts the findings ({expected!r})")
        return self

    @classmethod
    def from_findings(
        cls,
        findings: Iterable[Finding],
        bundle: BundleIdentity,
        trace: Iterable[TraceEntry] | None = None,
    ) -> Decision:
        """The decision the findings make, keeping them in the order given."""
        kept = tuple(findings)
        return cls(
            outcome=outcome_of(kept),
            findings=kept,
            bundle=bundle,
            trace=None if trace is None else tuple(trace),
        )
