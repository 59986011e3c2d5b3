"""render_text.py: the wording every command's text output shares: counts, days, and lines
wrapped to the output width."""

from __future__ import annotations

from datetime import date

import pytest

from ipp_rules.cli.render_text import WIDTH, count, day_text, wrapped


@pytest.mark.parametrize(
    ("number", "text"), [(0, "0 rules"), (1, "1 rule"), (2, "2 rules"), (-1, "-1 rules")]
)
def test_a_count_is_singular_only_for_one(number: int, text: str) -> None:
    assert count(number, "rule") == text


def test_a_day_is_shown_with_its_weekday() -> None:
    assert day_text(date(2026, 9, 18)) == "Fri 2026-09-18"
    assert day_text(date(2026, 2, 1)) == "Sun 2026-02-01"


def test_lines_are_wrapped_to_the_width_under_their_first_prefix() -> None:
    lines = wrapped("x " * 60, "error: ", "  ")
    assert WIDTH == 92
    assert lines == ["error: " + "x " * 42 + "x", "  " + "x " * 16 + "x"]
    assert all(len(line) <= WIDTH for line in wrapped("word " * 100, "> "))
    # Without a prefix for the other lines, they are indented as wide as the first one.
    assert wrapped("a" * 50 + " " + "b" * 50 + " c-d", "  - ") == [
        "  - " + "a" * 50,
        "    " + "b" * 50 + " c-d",
    ]
    assert wrapped("", "note: ") == []


def test_words_are_broken_after_hyphens_only_when_asked() -> None:
    text = "x" * 85 + " alpha-beta-gamma"
    assert wrapped(text, "") == ["x" * 85, "alpha-beta-gamma"]
    assert wrapped(text, "", at_hyphens=True) == ["x" * 85 + " alpha-", "beta-gamma"]
