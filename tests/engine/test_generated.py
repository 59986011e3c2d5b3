"""generated.py: the bundle as one Python function, the default backend.

The property test in test_differential_bundle.py holds it to the other backends on generated
rules; these tests pin what that cannot see: what the generated text may contain, the deep
conditions it does not write inline, and that facts are computed only when read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipp_rules import Engine
from ipp_rules.engine.generated import MAX_INLINE_DEPTH, GeneratedProgram
from ipp_rules.facts import FACTS
from ipp_rules.models.intake import load_complaint
from ipp_rules.rulesets.bundle import load_bundle
from tests.rulesets.bundles import BASE_COMPLAINT, make_bundle, patched


def _rules_file(rules: list[dict[str, Any]]) -> str:
    return json.dumps({"area": "test", "category": "account", "rules": rules})


def _rule(rule_id: str, when: dict[str, Any], message: str = "Test.") -> dict[str, Any]:
    return {
        "id": rule_id,
        "title": "A test rule",
        "source": "Handbook",
        "when": when,
        "outcome": "reject",
        "code": "TEST",
        "message": message,
    }


def _decisions(root: Path, document: dict[str, Any]) -> tuple[str, str]:
    with (
        Engine.from_path(root, backend="compiled") as compiled,
        Engine.from_path(root, backend="reference") as reference,
    ):
        return (
            compiled.evaluate(document).model_dump_json(),
            reference.evaluate(document).model_dump_json(),
        )


def test_no_ruleset_text_becomes_python_source(tmp_path: Path) -> None:
    hostile = '"); import os; os.system("false"); ("'
    rules = [
        _rule("test.hostile", {"right.id": {"eq": hostile}}, "Right {right.id} " + hostile),
        _rule("test.pattern", {"right.registration_number": {"matches": "1.*"}}),
    ]
    root = make_bundle(tmp_path, {"a.yaml": _rules_file(rules)})
    source = GeneratedProgram(load_bundle(root)).source
    assert "import" not in source and "os" not in source.split()
    assert hostile not in source and "1.*" not in source and "Right" not in source
    document = patched(yaml.safe_load(BASE_COMPLAINT), {"right": {"id": hostile}})
    compiled, reference = _decisions(root, document)
    assert compiled == reference
    assert json.loads(compiled)["findings"][0]["message"] == f"Right {hostile} {hostile}"


def _nested(depth: int) -> dict[str, Any]:
    """``all`` and ``any`` alternating ``depth`` levels deep, two branches at each level."""
    node: dict[str, Any] = {"right.id": {"eq": "TM-CN-1"}}
    for level in range(depth):
        kind = "all" if level % 2 else "any"
        node = {kind: [{"platform": {"eq": "taobao" if level % 2 else "tmall"}}, node]}
    return node


def test_a_condition_too_deep_to_write_inline_runs_on_the_reference_closures(
    tmp_path: Path,
) -> None:
    rules = [
        _rule("test.deep", _nested(MAX_INLINE_DEPTH + 1)),
        _rule("test.shallow", _nested(MAX_INLINE_DEPTH)),
    ]
    root = make_bundle(tmp_path, {"a.yaml": _rules_file(rules)})
    source = GeneratedProgram(load_bundle(root)).source
    assert source.count("_present(") == 1  # the deep rule only
    base = yaml.safe_load(BASE_COMPLAINT)
    for document in (base, patched(base, {"right": {"id": "other"}})):
        compiled, reference = _decisions(root, document)
        assert compiled == reference
    assert [f["rule_id"] for f in json.loads(_decisions(root, base)[0])["findings"]] == [
        "test.deep",
        "test.shallow",
    ]


@pytest.mark.parametrize(("right_type", "calls"), [("patent", 0), ("trademark", 1)])
def test_a_fact_is_computed_only_when_a_condition_reads_it_and_once(
    tmp_path: Path, right_type: str, calls: int
) -> None:
    """The base complaint is a trademark's: with ``patent`` the rules' first tests fail and
    the filing date is never read; with ``trademark`` both rules read it, computed once."""
    rules = [
        _rule(
            f"test.rule{int(n)}",
            {"right.type": {"eq": right_type}, "right.filed_on": {"exists": n}},
        )
        for n in (True, False)
    ]
    program = GeneratedProgram(load_bundle(make_bundle(tmp_path, {"a.yaml": _rules_file(rules)})))
    namespace = program.function.__globals__
    (getter,) = [name for name, value in namespace.items() if value is FACTS["right.filed_on"].get]
    read: list[str] = []
    namespace[getter] = _counting(namespace[getter], read)
    decision = program.decide(load_complaint(yaml.safe_load(BASE_COMPLAINT)))
    assert len(read) == calls
    assert [f.rule_id for f in decision.findings] == (["test.rule0"] if calls else [])


def _counting(getter: Callable[[Any], Any], calls: list[str]) -> Callable[[Any], Any]:
    def counted(subject: Any) -> Any:
        calls.append(getter.__name__)
        return getter(subject)

    return counted


def test_a_message_shows_a_derived_fact_as_set_by_rules_that_run_after_it(tmp_path: Path) -> None:
    shows = _rule("test.shows", {"platform": {"eq": "taobao"}}, "Covered: {derived.covered}.")
    derives = {**_rule("test.derives", {"right.type": {"eq": "trademark"}}), "outcome": "derive"}
    derives["derive"] = "covered"
    del derives["code"], derives["message"]
    root = make_bundle(tmp_path, {"a.yaml": _rules_file([shows, derives])})
    compiled, reference = _decisions(root, yaml.safe_load(BASE_COMPLAINT))
    assert compiled == reference
    assert json.loads(compiled)["findings"][0]["message"] == "Covered: true."
