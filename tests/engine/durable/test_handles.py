"""handles.py: a durable handle deleted behind the group's back is rebuilt, closed groups hand
their handles to the pool and the same rules reuse them, and eight threads evaluating at once
(one lock per handle for each whole evaluation) agree with the reference evaluator."""

from __future__ import annotations

import logging
import random
import threading

import durable_rules_engine as d
import pytest

from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import DurableGroup
from ipp_rules.errors import EngineError
from ipp_rules.facts.types import Encoded
from ipp_rules.rulesets.ir import Compare, CompiledRule, Exists, Matches
from tests.engine.durable.test_translate import CASES, TYPES


def test_recovers_when_the_handle_is_deleted_behind_its_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rules = [CompiledRule("a", Compare("n", "eq", 1)), CompiledRule("b", Exists("s"))]
    durable = DurableGroup(rules, TYPES)
    try:
        (before,) = durable.handle_ids
        d.delete_ruleset(before)
        with caplog.at_level(logging.WARNING, logger="ipp_rules.engine"):
            assert durable.fired({"n": 1, "s": ""}) == {"a", "b"}
        assert any("rebuilt" in r.getMessage() for r in caplog.records)
        (after,) = durable.handle_ids
        assert after != before
        assert durable.fired({"n": 2}) == frozenset()
        assert durable.fired({"n": 1}) == {"a"}
    finally:
        durable.close()


def test_close_is_idempotent_and_handles_are_reused() -> None:
    rules = [CompiledRule("a", Matches("s", r"[a-z]+\d"))]
    first = DurableGroup(rules, TYPES)
    handles = first.handle_ids
    first.close()
    first.close()
    with pytest.raises(EngineError):
        first.fired({})
    second = DurableGroup(rules, TYPES)
    try:
        assert second.handle_ids == handles
        assert second.fired({"s": "ab1"}) == {"a"}
    finally:
        second.close()


def _random_facts(rng: random.Random) -> dict[str, Encoded]:
    facts: dict[str, Encoded] = {}
    if rng.random() < 0.7:
        facts["n"] = rng.randint(-2, 3)
    if rng.random() < 0.7:
        facts["m"] = rng.randint(-2, 3)
    if rng.random() < 0.7:
        facts["s"] = rng.choice(["", "a", "b", "12", 'x"'])
    if rng.random() < 0.5:
        facts["flag"] = rng.random() < 0.5
    if rng.random() < 0.7:
        facts["tags"] = tuple(rng.choice("abc") for _ in range(rng.randint(0, 3)))
    if rng.random() < 0.7:
        facts["nums"] = tuple(rng.randint(0, 3) for _ in range(rng.randint(0, 3)))
    return facts


@pytest.mark.slow
def test_eight_threads_agree_with_the_reference() -> None:
    rules = [CompiledRule(str(i), condition) for i, (condition, _, _) in enumerate(CASES)]
    durable = DurableGroup(rules, TYPES)
    reference = ReferenceGroup(rules, TYPES)
    rng = random.Random(7)
    samples = [_random_facts(rng) for _ in range(200)]
    expected = [reference.fired(f) for f in samples]
    failures: list[str] = []

    def work(seed: int) -> None:
        for i in range(2_000):
            k = (seed * 31 + i) % len(samples)
            got = durable.fired(samples[k])
            if got != expected[k]:
                failures.append(f"{samples[k]}: {sorted(got)} != {sorted(expected[k])}")

    try:
        threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures, failures[:3]
    finally:
        durable.close()
