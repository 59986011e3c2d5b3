"""Problems: their place as data, the texts derived from it, and the helpers every loader uses."""

from __future__ import annotations

import pytest

from ipp_rules.problems import ANY_ITEM, Problem, best_first, format_path, suggest


def test_the_location_is_derived_from_the_fields() -> None:
    assert Problem("m").location == ""
    assert Problem("m", file="a.yaml").location == "a.yaml"
    assert Problem("m", file="a.yaml", line=3).location == "a.yaml:3"
    assert Problem("m", file="a.yaml", line=3, column=7).location == "a.yaml:3:7"
    assert Problem("m", path=("listings", 2, "url")).location == "listings[2].url"
    both = Problem("m", "code", file="c.json", line=1, column=9, path=("right", "type"))
    assert both.location == "right.type (c.json:1:9)"
    assert str(both) == "right.type (c.json:1:9): m"
    assert str(Problem("bare")) == "bare"


def test_json_carries_every_field_and_the_derived_text() -> None:
    problem = Problem("m", "W-X", file="a.yaml", line=2, column=4, path=("k", 0), subject="r")
    assert problem.as_json() == {
        "code": "W-X",
        "message": "m",
        "file": "a.yaml",
        "line": 2,
        "column": 4,
        "path": ["k", 0],
        "location": "k[0] (a.yaml:2:4)",
        "severity": "warning",
        "subject": "r",
    }
    assert Problem("m", "E-LOAD").severity == "error"


def test_paths_show_odd_keys_quoted_and_any_item_as_a_star() -> None:
    assert format_path(("history", ANY_ITEM, "outcome")) == "history[*].outcome"
    assert format_path(("", "\x00", "a")) == "''.'\\x00'.a"
    assert format_path(("x" * 100,)) == "x" * 57 + "..."


@pytest.mark.parametrize(
    ("word", "known", "expected"),
    [
        ("lazda", ["lazada", "taobao"], "lazada"),  # close spelling
        ("th", ["TH", "VN"], "TH"),  # another case
        ("tao", ["taobao", "tmall"], "taobao"),  # a prefix
        ("zzz", ["taobao"], None),
        ("taobao", ["taobao"], None),  # the word itself is no suggestion
    ],
)
def test_one_suggestion_rule(word: str, known: list[str], expected: str | None) -> None:
    assert suggest(word, known) == expected


def test_best_first_orders_by_file_and_position_and_drops_duplicates() -> None:
    late = Problem("late", file="a.yaml", line=9, column=1)
    early = Problem("early", file="a.yaml", line=2, column=5)
    other = Problem("other", file="b.yaml", line=1, column=1)
    warning = Problem("warn", "W-X", file="a.yaml", line=1, column=1)
    unplaced = Problem("no place", path=("history", 3))
    # Files in the order given, then as they first appear; errors before warnings; problems
    # without a position first, in the order found.
    assert best_first([other, late, early, late], files=["a.yaml"]) == [early, late, other]
    assert best_first([other, late, early]) == [other, early, late]
    assert best_first([warning, late, unplaced]) == [unplaced, late, warning]
