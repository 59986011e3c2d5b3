"""group.py: DurableGroup bisects a chunk durable refuses down to the one rule it refuses,
answers quietly when closed during an evaluation, logs falling back below WARNING (so the
command line keeps stderr clean), and runs the shipped bundle entirely on durable."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import durable_rules_engine as d
import pytest

from ipp_rules import Engine
from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import DurableGroup
from ipp_rules.rulesets.ir import And, Compare, CompiledRule, Exists, Or
from ipp_rules.testing.cases import run_bundle_cases
from tests.conftest import REPO
from tests.engine.durable.keyed_bundle import documents, write_bundle
from tests.engine.durable.test_split import TYPES

# --- a chunk durable refuses is bisected ----------------------------------------------------


@pytest.fixture
def refuse_poison(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """durable_rules refuses every ruleset whose text holds "poison" (as it refuses rules its
    limits do not allow); the specs it was asked to create are recorded."""
    real = d.create_ruleset
    asked: list[str] = []

    def create_ruleset(name: str, spec: str) -> int:
        asked.append(spec)
        if "poison" in spec:
            raise Exception("Could not create ruleset, error code: 113")
        return real(name, spec)

    monkeypatch.setattr(d, "create_ruleset", create_ruleset)
    yield asked


def test_a_refused_chunk_is_bisected(
    refuse_poison: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    rules = [CompiledRule(f"r{i}", Compare("f", "eq", i)) for i in range(150)]
    rules.insert(70, CompiledRule("poison", Compare("g", "eq", "poison")))
    table = Or(
        tuple(
            And((Compare("f", "eq", i), Compare("g", "eq", "poison" if i == 150 else f"x{i}")))
            for i in range(200)
        )
    )
    rules.insert(20, CompiledRule("big", table))
    with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
        durable = DurableGroup(rules, TYPES)
    reference = ReferenceGroup(rules, TYPES)
    try:
        assert durable.reference_rule_ids == ("big", "poison")
        # Every other rule runs on durable, none of the parts of the refused split rule do.
        assert sum(durable.chunk_sizes) == 150
        assert durable.split_rules == {}
        assert len(durable.handle_ids) == durable.chunk_count
        refusals = [r for r in caplog.records if "refused" in r.getMessage()]
        assert {r.levelno for r in refusals} == {logging.INFO}
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        for facts in ({"f": 5}, {"f": 149, "g": "x149"}, {"f": 150, "g": "poison"}, {}):
            assert durable.fired(facts) == reference.fired(facts)
        assert durable.fired({"f": 150, "g": "poison"}) == {"big", "poison"}
    finally:
        durable.close()


def test_a_rule_refused_alone_leaves_its_chunk_mates_on_durable(
    refuse_poison: list[str],
) -> None:
    rules = [
        CompiledRule("a", Compare("f", "eq", 1)),
        CompiledRule("b", Compare("g", "eq", "poison")),
        CompiledRule("c", Exists("g")),
    ]
    durable = DurableGroup(rules, TYPES)
    try:
        assert durable.reference_rule_ids == ("b",)
        assert sorted(durable.chunk_sizes) == [1, 1]
        # whole chunk, then [a], then [b, c], then [b] and [c]
        assert sum("poison" in spec for spec in refuse_poison) == 3
        assert durable.fired({"f": 1, "g": "poison"}) == {"a", "b", "c"}
    finally:
        durable.close()


# --- logging --------------------------------------------------------------------------------


def test_a_group_closed_during_an_evaluation_answers_quietly(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rules = [CompiledRule("a", Compare("f", "eq", 1))]
    durable = DurableGroup(rules, TYPES)
    real_run = DurableGroup._run

    def run_after_close(self: DurableGroup, chunk: Any, payload: str) -> set[str]:
        self.close()  # Engine.close() from another thread, as this evaluation starts
        return real_run(self, chunk, payload)

    monkeypatch.setattr(DurableGroup, "_run", run_after_close)
    with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
        assert durable.fired({"f": 1}) == {"a"}
    assert not [r for r in caplog.records if r.levelno >= logging.INFO]


def test_the_cli_keeps_stderr_clean_on_a_bundle_with_a_big_keyed_table(tmp_path: Path) -> None:
    (tmp_path / "bundle").mkdir()
    root = write_bundle(tmp_path / "bundle", 200)
    complaint = tmp_path / "complaint.json"
    complaint.write_text(json.dumps(next(documents(200))))
    done = subprocess.run(
        [sys.executable, "-m", "ipp_rules.cli", "evaluate", "--rules", str(root), str(complaint)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == ""


# --- the shipped bundle ----------------------------------------------------------------------


def test_the_shipped_bundle_runs_entirely_on_durable(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
        engine = Engine.default(backend="durable")
    with engine:
        groups = list(engine._program.groups.values())
        assert groups and all(isinstance(g, DurableGroup) for g in groups)
        for group in groups:
            assert isinstance(group, DurableGroup)
            assert group.reference_rule_ids == ()
        assert not [r for r in caplog.records if r.levelno >= logging.INFO]
        with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
            results = run_bundle_cases(engine)
        assert all(r.passed for r in results), [r.report() for r in results if not r.passed]
        # Normal operation never takes the recovery path (which logs a warning).
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
