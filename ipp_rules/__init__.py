"""ipp-rules: is an IP takedown complaint for the Alibaba group marketplaces admissible?

>>> import ipp_rules
>>> engine = ipp_rules.Engine.default()
>>> decision = engine.evaluate(complaint_document)   # doctest: +SKIP

Everything a caller handles is exported here: the engine, the complaint model, every result
type (``Decision``, ``Deadline``, ``CaseState``, ``Eligibility``, ...) and every error
(drawn as a tree in :mod:`ipp_rules.errors`).
"""

from ipp_rules.deadlines import (
    CalendarEstimate,
    CaseEvent,
    CaseState,
    Deadline,
    DeadlinePolicy,
    NextStep,
)
from ipp_rules.engine.engine import Engine
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
from ipp_rules.goodfaith import (
    Eligibility,
    GoodFaithMetrics,
    GoodFaithPolicy,
    HistoryRecord,
    MembershipEvent,
    Rate,
)
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import BundleIdentity, Decision, Finding, TraceEntry
from ipp_rules.problems import Problem

__all__ = [
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
