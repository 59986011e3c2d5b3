"""Good Faith Program eligibility: exact counts and rates over a rights holder's reporting history.

The policy is data (``rulesets/good_faith.yaml``, read by :func:`load_good_faith_policy`);
this package counts a history against it and decides. The volume and the rates count requests
on the program's marketplaces; false information counts on every marketplace, since one IPP
account files on all of them. Membership events (removal from or voluntary withdrawal of the
program, and admission) are passed beside the history as :class:`MembershipEvent` models.

The modules, each with one job:

* :mod:`~ipp_rules.goodfaith.ratios`: exact shares, read and written;
* :mod:`~ipp_rules.goodfaith.instants`: submission times read fast, as the model reads them;
* :mod:`~ipp_rules.goodfaith.history`: the records of a history and their checks;
* :mod:`~ipp_rules.goodfaith.mappings`: a history of mappings read without a model a record;
* :mod:`~ipp_rules.goodfaith.lines`: the lines of a history file, read in blocks;
* :mod:`~ipp_rules.goodfaith.files`: a history read from a CSV or JSON lines file;
* :mod:`~ipp_rules.goodfaith.policy`: the policy format and its loader;
* :mod:`~ipp_rules.goodfaith.columns`: a history as the columns it is counted in;
* :mod:`~ipp_rules.goodfaith.counting`: the one counting pass over a history;
* :mod:`~ipp_rules.goodfaith.deciding`: the period, the window and the findings;
* :mod:`~ipp_rules.goodfaith.messages`: the words of the findings;
* :mod:`~ipp_rules.goodfaith.judging`: the question, the measures and the findings;
* :mod:`~ipp_rules.goodfaith.results`: what an assessment returns;
* :mod:`~ipp_rules.goodfaith.partials`: every account counted in mergeable parts;
* :mod:`~ipp_rules.goodfaith.accounts`: every account of a history assessed at once;
* :mod:`~ipp_rules.goodfaith.columnar`: the same counted on Arrow columns (pyarrow);
* :mod:`~ipp_rules.goodfaith.verdicts`: what an assessment of every account returns.

This module only gathers the public names, each imported from its module on first use
(:mod:`ipp_rules.exports`): loading a bundle reads the policy without the deciding modules.
"""

from typing import TYPE_CHECKING

from ipp_rules.errors import GoodFaithError, HistoryError
from ipp_rules.exports import lazy_exports

if TYPE_CHECKING:
    from ipp_rules.goodfaith.accounts import (
        AccountsHistory,
        count_accounts,
        count_history,
        decide_accounts,
        evaluate_good_faith_accounts,
    )
    from ipp_rules.goodfaith.deciding import (
        evaluate_good_faith,
        evaluate_good_faith_history,
        evaluate_good_faith_records,
    )
    from ipp_rules.goodfaith.files import HistoryFile, HistoryReader, history_from_csv
    from ipp_rules.goodfaith.history import (
        COUNTER_NOTIFICATIONS,
        MARKETPLACES,
        OUTCOMES,
        CounterNotificationState,
        HistoryRecord,
        MembershipEvent,
        RecordRow,
        RequestOutcome,
        as_row,
        history_records,
        record_problems,
    )
    from ipp_rules.goodfaith.lines import MAX_LINE_BYTES
    from ipp_rules.goodfaith.mappings import history_batches
    from ipp_rules.goodfaith.partials import (
        AccountsCount,
        AccountsQuestion,
        Where,
        merge_counts,
    )
    from ipp_rules.goodfaith.policy import (
        POLICY_FILE,
        FalseInformationRule,
        GoodFaithPolicy,
        ProgramPeriod,
        RateDefinition,
        RecordSet,
        RecordTerm,
        Threshold,
        good_faith_policy_from,
        load_good_faith_policy,
    )
    from ipp_rules.goodfaith.ratios import Ratio, format_percent
    from ipp_rules.goodfaith.results import (
        Eligibility,
        GoodFaithMetrics,
        PeriodInfo,
        Rate,
        ReasonMetrics,
    )
    from ipp_rules.goodfaith.verdicts import AccountsEligibility

# Type checkers read the imports above; at run time each module is imported on first use.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "ipp_rules.goodfaith.accounts": (
                "AccountsHistory",
                "count_accounts",
                "count_history",
                "decide_accounts",
                "evaluate_good_faith_accounts",
            ),
            "ipp_rules.goodfaith.deciding": (
                "evaluate_good_faith",
                "evaluate_good_faith_history",
                "evaluate_good_faith_records",
            ),
            "ipp_rules.goodfaith.files": ("HistoryFile", "HistoryReader", "history_from_csv"),
            "ipp_rules.goodfaith.history": (
                "COUNTER_NOTIFICATIONS",
                "MARKETPLACES",
                "OUTCOMES",
                "CounterNotificationState",
                "HistoryRecord",
                "MembershipEvent",
                "RecordRow",
                "RequestOutcome",
                "as_row",
                "history_records",
                "record_problems",
            ),
            "ipp_rules.goodfaith.lines": ("MAX_LINE_BYTES",),
            "ipp_rules.goodfaith.mappings": ("history_batches",),
            "ipp_rules.goodfaith.partials": (
                "AccountsCount",
                "AccountsQuestion",
                "Where",
                "merge_counts",
            ),
            "ipp_rules.goodfaith.policy": (
                "POLICY_FILE",
                "FalseInformationRule",
                "GoodFaithPolicy",
                "ProgramPeriod",
                "RateDefinition",
                "RecordSet",
                "RecordTerm",
                "Threshold",
                "good_faith_policy_from",
                "load_good_faith_policy",
            ),
            "ipp_rules.goodfaith.ratios": (
                "Ratio",
                "format_percent",
            ),
            "ipp_rules.goodfaith.results": (
                "Eligibility",
                "GoodFaithMetrics",
                "PeriodInfo",
                "Rate",
                "ReasonMetrics",
            ),
            "ipp_rules.goodfaith.verdicts": ("AccountsEligibility",),
        },
    )

__all__ = [
    "COUNTER_NOTIFICATIONS",
    "MARKETPLACES",
    "MAX_LINE_BYTES",
    "OUTCOMES",
    "POLICY_FILE",
    "AccountsCount",
    "AccountsEligibility",
    "AccountsHistory",
    "AccountsQuestion",
    "CounterNotificationState",
    "Eligibility",
    "FalseInformationRule",
    "GoodFaithError",
    "GoodFaithMetrics",
    "GoodFaithPolicy",
    "HistoryError",
    "HistoryFile",
    "HistoryReader",
    "HistoryRecord",
    "MembershipEvent",
    "PeriodInfo",
    "ProgramPeriod",
    "Rate",
    "RateDefinition",
    "Ratio",
    "ReasonMetrics",
    "RecordRow",
    "RecordSet",
    "RecordTerm",
    "RequestOutcome",
    "Threshold",
    "Where",
    "as_row",
    "count_accounts",
    "count_history",
    "decide_accounts",
    "evaluate_good_faith",
    "evaluate_good_faith_accounts",
    "evaluate_good_faith_history",
    "evaluate_good_faith_records",
    "format_percent",
    "good_faith_policy_from",
    "history_batches",
    "history_from_csv",
    "history_records",
    "load_good_faith_policy",
    "merge_counts",
    "record_problems",
]
