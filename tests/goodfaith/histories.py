"""Builders of the Good Faith tests' histories: records an hour apart inside the 2026 window,
and an evaluation through every entry point, which must agree."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ipp_rules.goodfaith import (
    Eligibility,
    HistoryRecord,
    as_row,
    evaluate_good_faith,
    evaluate_good_faith_history,
    evaluate_good_faith_records,
    history_from_csv,
    load_good_faith_policy,
)
from tests.conftest import BUNDLE

POLICY = load_good_faith_policy(BUNDLE)
SH = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 5, 31)  # window [2026-02-28 00:00, 2026-05-31 00:00) China time
INSIDE = datetime(2026, 4, 1, 12, 0, tzinfo=SH)


def rec(
    when: datetime = INSIDE,
    outcome: str = "taken_down",
    counter: str = "none",
    *,
    reason: str = "counterfeit",
    platform: str = "taobao",
    false_information: bool = False,
) -> HistoryRecord:
    return HistoryRecord(
        submitted_at=when,
        platform=platform,
        reason=reason,
        outcome=outcome,
        counter_notification=counter,
        false_information=false_information,
    )


def many(count: int, *args: Any, **kwargs: Any) -> list[HistoryRecord]:
    """``count`` records an hour apart from ``when`` (default: inside the 2026 window)."""
    when = kwargs.pop("when", INSIDE)
    return [rec(when + timedelta(hours=i), *args, **kwargs) for i in range(count)]


def codes(result: Eligibility) -> list[str]:
    return [finding.code for finding in result.findings]


def evaluate(history: list[HistoryRecord], as_of: Any = AS_OF, **kwargs: Any) -> Eligibility:
    """Every entry point, which must agree: models, plain tuples, mappings (as parsed JSON)
    and a CSV file (whose findings name a record by its line); the model path's answer."""
    result = evaluate_good_faith(POLICY, history, as_of, **kwargs)
    fast = evaluate_good_faith_records(POLICY, [as_row(r) for r in history], as_of, **kwargs)
    assert fast == result
    documents = [record.model_dump(mode="json") for record in history]
    assert evaluate_good_faith_history(POLICY, documents, as_of, **kwargs) == result
    from_file = evaluate_good_faith_history(
        POLICY, history_from_csv(csv_text(history)), as_of, **kwargs
    )
    assert from_file == by_line(result, "<text>")
    return result


def csv_text(history: list[HistoryRecord]) -> str:
    """The history as a CSV file with the documented header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HistoryRecord.model_fields)
    for record in history:
        values = record.model_dump(mode="json").values()
        writer.writerow(str(v).lower() if isinstance(v, bool) else v for v in values)
    return out.getvalue()


def by_line(result: Eligibility, label: str) -> Eligibility:
    """``result`` with each record a finding names (``history[3]``) named by its line in a file
    of the same history (``history.csv:5``): the header is line 1."""

    def line(text: str) -> str:
        return re.sub(r"^history\[(\d+)\]", lambda m: f"{label}:{int(m[1]) + 2}", text)

    findings = tuple(
        finding.model_copy(update={"path": line(finding.path), "message": line(finding.message)})
        for finding in result.findings
    )
    return result.model_copy(update={"findings": findings})
