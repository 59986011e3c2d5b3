"""Typed errors. Each carries where the problem is and why, as data and as a message."""

from __future__ import annotations

from dataclasses import dataclass


class IppRulesError(Exception):
    """Base class of every error ipp-rules raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is, what was expected, and a hint."""

    location: str
    """``file:line:column`` in a ruleset; a field path (``listings[2].url``) in a complaint."""
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class _ProblemsError(IppRulesError):
    """An error that lists every problem found, not only the first."""

    title = "invalid input"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], title: str | None = None):
        self.problems: tuple[Problem, ...] = tuple(problems)
        if title is not None:
            self.title = title
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        head = f"{self.title} ({count} problem{'s' if count != 1 else ''})"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class ComplaintError(_ProblemsError):
    """A complaint document that does not match the complaint model."""

    title = "invalid complaint document"


class RulesetError(_ProblemsError):
    """A ruleset bundle that cannot be loaded or compiled; locations are ``file:line:column``."""

    title = "invalid ruleset bundle"


class EngineError(IppRulesError):
    """The rules engine failed in a way the wrapper could not recover from."""


class UnknownMarketplaceError(IppRulesError):
    """A marketplace that no registered policy knows."""
