"""history.py: the history file named on the command line (``-``: standard input) evaluated,
every bad row one error located at its line."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest

from ipp_rules.cli.history import evaluate_file
from ipp_rules.errors import HistoryError
from ipp_rules.goodfaith import GoodFaithPolicy
from ipp_rules.rulesets.bundle import load_bundle
from tests.conftest import BUNDLE, REPO


@pytest.fixture(scope="module")
def policy() -> GoodFaithPolicy:
    good_faith = load_bundle(BUNDLE).good_faith
    assert good_faith is not None
    return good_faith


def test_a_history_file_is_evaluated(policy: GoodFaithPolicy) -> None:
    history = REPO / "docs" / "examples" / "history-2027.csv"
    assert evaluate_file(policy, str(history), date(2027, 3, 1)).eligible is True


def test_bad_rows_of_a_history_file_are_one_error(policy: GoodFaithPolicy, tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text(
        "submitted_at,platform,reason,outcome\n"
        "2026-03-02T10:00:00+08:00,taobao,counterfeit,taken_down\n"
        "2026-03-02T10:00:00,taobao,counterfeit,taken_down\n"
    )
    with pytest.raises(HistoryError) as raised:
        evaluate_file(policy, str(history), date(2026, 4, 1))
    assert [(p.location, p.message) for p in raised.value.problems] == [
        (
            f"{history}:3",
            "submitted_at: '2026-03-02T10:00:00' has no offset: add one, like +08:00 or Z",
        )
    ]


def test_a_dash_reads_the_history_from_standard_input(
    policy: GoodFaithPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "submitted_at,platform,reason,outcome\n2026-03-02T10:00:00,taobao,x,taken_down\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(rows.encode())))
    with pytest.raises(HistoryError) as raised:
        evaluate_file(policy, "-", date(2026, 4, 1))
    assert [p.location for p in raised.value.problems] == ["<stdin>:2"]
