"""ipp-rules: is an IP takedown complaint for the Alibaba group marketplaces admissible?

>>> import ipp_rules
>>> engine = ipp_rules.Engine.default()
>>> decision = engine.evaluate(complaint_document)   # doctest: +SKIP
"""

from ipp_rules.engine.engine import Engine
from ipp_rules.errors import (
    ComplaintError,
    EngineError,
    IppRulesError,
    RulesetError,
    UnknownMarketplaceError,
)
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import BundleIdentity, Decision, Finding, TraceEntry
from ipp_rules.problems import Problem

__all__ = [
    "BundleIdentity",
    "Complaint",
    "ComplaintError",
    "Decision",
    "Engine",
    "EngineError",
    "Finding",
    "IppRulesError",
    "Problem",
    "RulesetError",
    "TraceEntry",
    "UnknownMarketplaceError",
]
__version__ = "0.1.0"
