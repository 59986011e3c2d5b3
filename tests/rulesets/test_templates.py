"""Message templates: fact paths between braces, and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.rulesets.bundles import (
    evaluate,
    loaded,
    only_problem,
    rule_file,
)

pytestmark = pytest.mark.usefixtures("in_tmp")


# --- message templates ---------------------------------------------------------------------------


def test_a_message_renders_facts_braces_and_absent_facts(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    rest = (
        "outcome: warn\ncode: T\n"
        "message: 'Right {right.id} ({right.type}) {{as written}} classes {right.nice_classes}, "
        "member {complainant.good_faith_member}, valid until {right.valid_until}.'\n"
    )
    bundle = loaded(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    (finding,) = evaluate(bundle, base_complaint).findings
    assert finding.message == (
        "Right TM-CN-1 (trademark) {as written} classes 25, member (not given), "
        "valid until 2028-01-09."
    )


@pytest.mark.parametrize(
    "template",
    ["{0.__class__}", "{right.id!r}", "{right.id:>10}", "{__import__}", "{right.id.__class__}"],
)
def test_a_template_holds_fact_paths_and_nothing_else(tmp_path: Path, template: str) -> None:
    rest = f"outcome: warn\ncode: T\nmessage: 'Right {template}.'\n"
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.location == "b/a.yaml:11:14"
    assert problem.code in ("template", "unknown_fact")
    if problem.code == "template":
        assert f"'{template}' at character 7 is not a fact path" in problem.message
    else:
        assert "names no fact" in problem.message


def test_an_unknown_fact_in_a_template(tmp_path: Path) -> None:
    rest = "outcome: warn\ncode: T\nmessage: Right {right.idd}.\n"
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.location == "b/a.yaml:11:14"
    assert problem.code == "unknown_fact"
    assert problem.message == "'right.idd' names no fact; did you mean 'right.id'?"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Right {right.id", "unclosed '{' at character 7"),
        ("Right right.id}", "unmatched '}' at character 15; write '}}' for a brace"),
    ],
)
def test_unbalanced_braces_in_a_template(tmp_path: Path, template: str, message: str) -> None:
    rest = f"outcome: warn\ncode: T\nmessage: '{template}'\n"
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.message == message
