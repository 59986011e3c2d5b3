"""ipp-rules: is an IP takedown complaint for the Alibaba group marketplaces admissible?

>>> import ipp_rules
>>> engine = ipp_rules.Engine.default()
>>> decision = engine.evaluate(complaint_document)   # doctest: +SKIP

Everything a caller handles is exported here: the engine, the complaint model, every result
type (``Decision``, ``Deadline``, ``CaseState``, ``Eligibility``, ...) and every error
(drawn as a tree in :mod:`ipp_rules.errors`). Each is imported when it is first used, so a
program that only decides complaints never loads the Good Faith Program or the deadlines.
"""

from typing import TYPE_CHECKING

from ipp_rules.errors import (
    ArgumentError,
    BundlePathError,
    CalendarConfigError,
    CalendarHorizonError,
    ComplaintError,
    DeadlineError,
    EngineError,
    EventsFileError,
    GoodFaithError,
    HistoryError,
    InputError,
    IppRulesError,
    JsonRefused,
    LifecycleError,
    PolicyDefinitionError,
    RulesetError,
    UnknownMarketplaceError,
)
from ipp_rules.exports import lazy_exports
from ipp_rules.problems import Problem

if TYPE_CHECKING:
    from ipp_rules.deadlines import (
        CalendarEstimate,
        CaseEvent,
        CaseState,
        Deadline,
        DeadlinePolicy,
        NextStep,
    )
    from ipp_rules.engine.engine import Engine
    from ipp_rules.goodfaith import (
        AccountsEligibility,
        Eligibility,
        GoodFaithMetrics,
        GoodFaithPolicy,
        HistoryRecord,
        MembershipEvent,
        Rate,
    )
    from ipp_rules.models.complaint import Complaint
    from ipp_rules.models.decision import BundleIdentity, Decision, Finding, TraceEntry

# The errors and Problem are small and every caller may catch them; the rest is imported on
# first use (ipp_rules.exports), so deciding complaints never loads Good Faith or deadlines.
# Type checkers read the imports above instead, so a misspelt name is an error there.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "ipp_rules.deadlines": (
                "CalendarEstimate",
                "CaseEvent",
                "CaseState",
                "Deadline",
                "DeadlinePolicy",
                "NextStep",
            ),
            "ipp_rules.engine.engine": ("Engine",),
            "ipp_rules.goodfaith": (
                "AccountsEligibility",
                "Eligibility",
                "GoodFaithMetrics",
                "GoodFaithPolicy",
                "HistoryRecord",
                "MembershipEvent",
                "Rate",
            ),
            "ipp_rules.models.complaint": ("Complaint",),
            "ipp_rules.models.decision": ("BundleIdentity", "Decision", "Finding", "TraceEntry"),
        },
    )

__all__ = [
    "AccountsEligibility",
    "ArgumentError",
    "BundleIdentity",
    "BundlePathError",
    "CalendarConfigError",
    "CalendarEstimate",
    "CalendarHorizonError",
    "CaseEvent",
    "CaseState",
    "Complaint",
    "ComplaintError",
    "Deadline",
    "DeadlineError",
    "DeadlinePolicy",
    "Decision",
    "Eligibility",
    "Engine",
    "EngineError",
    "EventsFileError",
    "Finding",
    "GoodFaithError",
    "GoodFaithMetrics",
    "GoodFaithPolicy",
    "HistoryError",
    "HistoryRecord",
    "InputError",
    "IppRulesError",
    "JsonRefused",
    "LifecycleError",
    "MembershipEvent",
    "NextStep",
    "PolicyDefinitionError",
    "Problem",
    "Rate",
    "RulesetError",
    "TraceEntry",
    "UnknownMarketplaceError",
]
__version__ = "0.1.0"
