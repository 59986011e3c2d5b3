"""Reading a Good Faith reporting history named on the command line: a file, or ``-`` for
standard input, as CSV with a header row or JSON lines (read by
:class:`~ipp_rules.goodfaith.HistoryFile`, which names every bad row by its line).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date, datetime

from ipp_rules.goodfaith import (
    MAX_LINE_BYTES,
    Eligibility,
    GoodFaithPolicy,
    HistoryFile,
    MembershipEvent,
    evaluate_good_faith_history,
)
from ipp_rules.text.files import open_regular

__all__ = ["MAX_LINE_BYTES", "evaluate_file"]


def evaluate_file(
    policy: GoodFaithPolicy,
    name: str,
    as_of: datetime | date,
    platform: str = "taobao",
    membership: Iterable[MembershipEvent] = (),
    history_format: str = "auto",
) -> Eligibility:
    """Eligibility of the history in file ``name`` (``-``: standard input); every bad row is a
    located problem of one :class:`HistoryError`."""
    stdin = name == "-"
    stream = sys.stdin.buffer if stdin else open_regular(name)
    try:
        label = "<stdin>" if stdin else name
        history = HistoryFile(lambda: stream, label, history_format, close=False)
        return evaluate_good_faith_history(policy, history, as_of, platform, tuple(membership))
    finally:
        if not stdin:
            stream.close()
