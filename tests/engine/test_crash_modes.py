"""One regression test per crash or hang mode of durable_rules 2.0.28, as measured for this backend.

The modes, numbered as the tests below and as ``ipp_rules/engine/durable/`` cites them:

1. More than 1024 live sessions per ruleset: MemoryError, then a segfault when a sid is reused.
2. A ruleset whose first assert matches nothing, then ``delete_state``: an invalid free aborts.
3. 512 or more distinct tests under one node: the engine hangs, holding the GIL.
4. 256 rules sharing an identical first test: a segfault on assert (257 and more: error 108).
5. More than 64 distinct tests true at once: error 303 and no results at all.
6. Message limits: 253 properties, a value of 16 MiB, strings over 65,535 characters (a
   wrong length), deep nesting (a segfault).
7. A sid holding a double quote, a backslash or NUL cannot be deleted: the session leaks.
8. A cross-fact comparison inside ``$and`` that is false reads out of bounds.
9. Message ids are 32-bit hashes: a distinct fact is rejected as a duplicate in a long session.
10. ``delete_ruleset`` never frees regex state: memory grows with every build.

Each scenario runs in a subprocess through DurableGroup: a segfault or abort gives a
negative return code, a hang hits the timeout; either fails the test instead of the run.
Every scenario prints whether DurableGroup agreed with the reference evaluator.

The guards against these modes are spread over the modules of ``ipp_rules/engine/durable/``,
so this file tests the durable backend as a whole and keeps its own name (the documentation
cites it); ``tests/engine/durable/`` holds the tests of each module.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """
import json, random, sys
from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import DurableGroup
from ipp_rules.rulesets.ir import *

def agree(rules, types, samples):
    durable = DurableGroup(rules, types)
    reference = ReferenceGroup(rules, types)
    bad = 0
    for facts in samples:
        if durable.fired(facts) != reference.fired(facts):
            bad += 1
    print("chunks", durable.chunk_count, file=sys.stderr)
    durable.close()
    return bad
"""


def run_snippet(code: str, timeout: float = 60) -> tuple[int, str]:
    """Run ``code`` (after a common prelude) in a fresh interpreter; (return code, stdout)."""
    returncode, stdout, _ = _run(code, timeout)
    return returncode, stdout


def _run(code: str, timeout: float) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


def assert_agrees(code: str, timeout: float = 60) -> None:
    returncode, stdout, stderr = _run(code, timeout)
    assert returncode == 0, f"subprocess exited with {returncode}: {stderr[-2000:]}"
    assert stdout.strip().splitlines()[-1] == "mismatches 0", stdout


def test_1_more_than_1024_sessions() -> None:
    assert_agrees("""
        rules = [CompiledRule("a", Compare("n", "gt", 5)), CompiledRule("b", Exists("s"))]
        samples = [{"n": i % 11} if i % 3 else {"s": str(i)} for i in range(3000)]
        print("mismatches", agree(rules, {"n": "int", "s": "str"}, samples))
    """)


def test_2_first_assert_matches_nothing_then_delete() -> None:
    assert_agrees("""
        rules = [CompiledRule(f"r{i}", Compare("n", "eq", i)) for i in range(10)]
        # the very first evaluation matches no user rule
        print("mismatches", agree(rules, {"n": "int"}, [{"n": 99}, {}, {"n": 3}]))
    """)


def test_3_five_hundred_twelve_distinct_tests_do_not_hang() -> None:
    assert_agrees("""
        rules = [CompiledRule(f"c{i}", Compare("code", "eq", i)) for i in range(600)]
        rules += [CompiledRule(f"f{i}", Exists(f"field{i}")) for i in range(600)]
        types = {"code": "int", **{f"field{i}": "int" for i in range(600)}}
        samples = [{"code": c, f"field{c}": 1} for c in (0, 1, 255, 511, 512, 599, 700)]
        print("mismatches", agree(rules, types, samples))
    """)


def test_4_two_hundred_fifty_six_rules_sharing_a_first_test() -> None:
    assert_agrees("""
        rules = [
            CompiledRule(f"r{i}", And((Compare("a", "eq", 1), Compare("b", "eq", i))))
            for i in range(300)
        ]
        samples = [{"a": 1, "b": b} for b in (0, 100, 255, 256, 299, 400)] + [{"b": 3}]
        print("mismatches", agree(rules, {"a": "int", "b": "int"}, samples))
    """)


def test_5_more_than_64_tests_true_at_once() -> None:
    assert_agrees("""
        rules = [CompiledRule(f"r{i}", Compare("amount", "gt", i)) for i in range(100)]
        rules += [
            CompiledRule(f"o{i}", Or((Exists("a"), Exists("b")))) for i in range(100)
        ]
        types = {"amount": "int", "a": "int", "b": "int"}
        samples = [{"amount": 1000, "a": 1, "b": 2}, {"amount": 50}, {}]
        group = DurableGroup(rules, types)
        assert len(group.fired(samples[0])) == 200
        group.close()
        print("mismatches", agree(rules, types, samples))
    """)


def test_6_message_limits() -> None:
    assert_agrees(
        """
        types = {f"f{i}": "int" for i in range(300)}
        types.update({"s": "str", "big": "str", "nums": "list_int"})
        rules = [CompiledRule(f"r{i}", Compare(f"f{i}", "eq", i)) for i in range(300)]
        rules += [
            CompiledRule("abcde", Compare("s", "eq", "abcde")),
            CompiledRule("big", Exists("big")),
            CompiledRule("nums", SomeIn("nums", (7,))),
        ]
        # a deep condition (nesting of And/Or/Not)
        deep = Compare("f0", "eq", 0)
        for level in range(60):
            deep = (And if level % 2 else Or)((deep, Not(Compare(f"f{level}", "eq", -1))))
        rules.append(CompiledRule("deep", deep))
        samples = [
            {f"f{i}": i for i in range(300)},  # 300 facts in one evaluation
            {"big": "x" * (16 * 1024 * 1024)},  # a 16 MiB value
            {"s": "abcde" + "x" * 70_000},  # a 70,000-character string
            {"nums": tuple(range(100_000))},  # a very long list
            {"s": "abcde", "f3": 3},
        ]
        print("mismatches", agree(rules, types, samples))
    """,
        timeout=120,
    )


def test_7_awkward_characters_never_reach_the_sid() -> None:
    assert_agrees("""
        rules = [
            CompiledRule("q", Compare("s", "eq", 'a"b')),
            CompiledRule("m", Matches("s", ".*")),
        ]
        values = ['a"b', "a\\\\b", "a\\x00b", "\\u2028", 'sid"', "\\ud800"]
        samples = [{"s": values[i % len(values)]} for i in range(2500)]
        print("mismatches", agree(rules, {"s": "str"}, samples))
    """)


def test_8_comparisons_between_facts() -> None:
    assert_agrees("""
        rules = [
            CompiledRule("lt", And((Compare("a", "lt", FactRef("b")), Exists("c")))),
            CompiledRule("eq", And((Compare("a", "eq", FactRef("b")), Compare("c", "gt", 0)))),
            CompiledRule("not", Not(Compare("a", "ge", FactRef("b")))),
        ]
        rng = random.Random(8)
        samples = [
            {k: rng.randint(0, 3) for k in "abc" if rng.random() < 0.8} for _ in range(3000)
        ]
        print("mismatches", agree(rules, {"a": "int", "b": "int", "c": "int"}, samples))
    """)


def test_9_many_distinct_facts() -> None:
    assert_agrees(
        """
        rules = [
            CompiledRule("even", OneOf("n", (0, 2, 4))),
            CompiledRule("big", Compare("n", "ge", 4)),
        ]
        samples = [{"n": i % 6, "s": str(i)} for i in range(50_000)]
        print("mismatches", agree(rules, {"n": "int", "s": "str"}, samples))
    """,
        timeout=120,
    )


def test_10_repeated_builds_do_not_leak_regex_state() -> None:
    assert_agrees("""
        def rss_kb():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        types = {"s": "str", "n": "int"}
        rules = [CompiledRule(f"r{i}", Compare("n", "eq", i)) for i in range(50)]
        rules += [
            CompiledRule("zip", Matches("s", r"\\d{5}(-\\d{4})?")),
            CompiledRule("mail", Matches("s", r"[a-z0-9._-]+@[a-z0-9-]+\\.[a-z]{2,6}")),
        ]
        first = DurableGroup(rules, types)
        handles = first.handle_ids
        first.close()
        start = rss_kb()
        for _ in range(300):
            group = DurableGroup(rules, types)
            assert group.handle_ids == handles  # the same durable rulesets, reused
            assert group.fired({"s": "12345-6789", "n": 3}) == {"zip", "r3"}
            group.close()
        growth = rss_kb() - start
        print("growth_kb", growth)
        assert growth < 20_000, growth
        print("mismatches", agree(rules, types, [{"s": "a@b.cc"}, {"s": "1234"}]))
    """)
