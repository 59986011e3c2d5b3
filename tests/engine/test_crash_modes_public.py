"""Each durable_rules crash mode, driven through the public API only (Engine, documents).

Every scenario runs in its own interpreter: a segfault or abort gives a negative return code
and a hang hits the timeout, so either fails this test instead of killing the run. Each
scenario compares the durable backend with the reference evaluator on the same bundle.

It tests the engine with the durable backend as a whole, not one module, and so keeps its
own name beside ``test_crash_modes.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BUNDLE, REPO

pytestmark = pytest.mark.slow

RULE = """
  - id: gen.r{i}
    title: Generated rule {i}
    source: test
    when: {when}
    outcome: warn
    code: GEN_{i}
    message: rule {i}
"""


def write_bundle(root: Path, conditions: list[str]) -> Path:
    root.mkdir()
    (root / "bundle.yaml").write_text("name: gen\nversion: '1'\nrulesets: [gen.yaml]\n")
    body = "".join(RULE.format(i=i, when=when) for i, when in enumerate(conditions))
    (root / "gen.yaml").write_text(f"area: gen\ncategory: account\nrules:{body}")
    return root


def base_document() -> dict[str, Any]:
    with (BUNDLE / "tests" / "bases" / "taobao_rights_holder.yaml").open() as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


SCENARIO = """
import json, sys
from ipp_rules import Engine, ComplaintError
bundle, documents = sys.argv[1], json.load(open(sys.argv[2]))
durable = Engine.from_path(bundle, backend="durable")
reference = Engine.from_path(bundle, backend="reference")
"""


def run(
    tmp_path: Path, bundle: Path, documents: list[Any], body: str, timeout: float = 120
) -> list[str]:
    docs = tmp_path / "documents.json"
    docs.write_text(json.dumps(documents))
    proc = subprocess.run(
        [sys.executable, "-c", SCENARIO + textwrap.dedent(body), str(bundle), str(docs)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, f"exited with {proc.returncode}: {proc.stderr[-3000:]}"
    return proc.stdout.split()


COMPARE_ALL = """
mismatches = 0
for doc in documents:
    a = durable.evaluate(doc).model_dump_json()
    b = reference.evaluate(doc).model_dump_json()
    mismatches += a != b
print("evaluations", len(documents), "mismatches", mismatches)
"""


def listings(count: int) -> list[dict[str, Any]]:
    return [
        {"url": f"https://item.taobao.com/item.htm?id={i}", "nice_class": 25} for i in range(count)
    ]


def test_more_than_1024_sessions_and_threads(tmp_path: Path):
    bundle = write_bundle(tmp_path / "b", ["{listings.count: {gt: 2}}", "{platform: {eq: tmall}}"])
    doc = base_document()
    out = run(
        tmp_path,
        bundle,
        [doc],
        """
        import threading
        doc = documents[0]
        expected = reference.evaluate(doc).model_dump_json()
        bad = []
        def work():
            for _ in range(700):
                if durable.evaluate(doc).model_dump_json() != expected:
                    bad.append(1)
        threads = [threading.Thread(target=work) for _ in range(8)]
        [t.start() for t in threads]; [t.join() for t in threads]
        print("bad", len(bad))
    """,
    )
    assert out == ["bad", "0"]


def test_a_first_evaluation_that_matches_nothing(tmp_path: Path):
    bundle = write_bundle(
        tmp_path / "b", [f"{{listings.count: {{eq: {i + 50}}}}}" for i in range(10)]
    )
    out = run(tmp_path, bundle, [base_document()] * 3, COMPARE_ALL)
    assert out == ["evaluations", "3", "mismatches", "0"]


def test_six_hundred_distinct_tests_do_not_hang(tmp_path: Path):
    bundle = write_bundle(tmp_path / "b", [f"{{listings.count: {{eq: {i}}}}}" for i in range(600)])
    docs = []
    for count in (0, 7, 299, 599):
        doc = base_document()
        doc["listings"] = listings(count)
        docs.append(doc)
    out = run(
        tmp_path,
        bundle,
        docs,
        COMPARE_ALL
        + """
print("codes", *[f.code for f in durable.evaluate(documents[2]).findings])
""",
    )
    assert out[:4] == ["evaluations", "4", "mismatches", "0"]
    assert out[4:] == ["codes", "GEN_299"]


def test_three_hundred_rules_sharing_a_first_test(tmp_path: Path):
    bundle = write_bundle(tmp_path / "b", ["{platform: {eq: taobao}}"] * 300)
    out = run(
        tmp_path,
        bundle,
        [base_document()],
        COMPARE_ALL
        + """
print("findings", len(durable.evaluate(documents[0]).findings))
""",
    )
    assert out == ["evaluations", "1", "mismatches", "0", "findings", "300"]


def test_more_than_64_tests_true_at_once(tmp_path: Path):
    bundle = write_bundle(tmp_path / "b", [f"{{listings.count: {{gte: {i}}}}}" for i in range(100)])
    doc = base_document()
    doc["listings"] = listings(150)
    out = run(
        tmp_path,
        bundle,
        [doc],
        COMPARE_ALL
        + """
print("findings", len(durable.evaluate(documents[0]).findings))
""",
    )
    assert out == ["evaluations", "1", "mismatches", "0", "findings", "100"]


def test_oversized_and_deep_inputs_are_input_errors_not_crashes(tmp_path: Path):
    bundle = write_bundle(tmp_path / "b", ["{listing.url: {matches: 'https://.*'}}"])
    long_url = base_document()
    long_url["listings"] = [{"url": "https://x.example/" + "a" * 70_000}]
    many = base_document()
    many["listings"] = listings(5000)
    out = run(
        tmp_path,
        bundle,
        [long_url, many],
        """
        from ipp_rules.models.intake import parse_complaint_document
        try:
            durable.evaluate(documents[0]); print("accepted")
        except ComplaintError as exc:
            print("rejected", exc.problems[0].location)
        d = durable.evaluate(documents[1]); r = reference.evaluate(documents[1])
        print("listings", len(d.findings), d == r)
        for text in ("[" * 100_000, '{"a":' * 100_000):
            try:
                parse_complaint_document(text, "deep.json")
            except ComplaintError:
                print("deep-rejected")
    """,
    )
    assert out == [
        "rejected",
        "listings[0].url",
        "listings",
        "5000",
        "True",
        "deep-rejected",
        "deep-rejected",
    ]


def test_comparisons_between_facts_inside_all(tmp_path: Path):
    bundle = write_bundle(
        tmp_path / "b",
        [
            "{all: [{right.valid_until: {lt: {fact: submitted_on}}}, {platform: {eq: taobao}}]}",
            "{all: [{platform: {eq: tmall}}, {right.valid_from: {gt: {fact: submitted_on}}}]}",
            "{complainant.authorization.rights: {contains: {fact: right.id}}}",
        ],
    )
    docs = []
    for until, platform in (
        ("2020-01-01", "taobao"),
        ("2030-01-01", "taobao"),
        ("2020-01-01", "tmall"),
    ):
        doc = base_document()
        doc["platform"] = platform
        doc["right"]["valid_until"] = until
        docs.append(doc)
    out = run(tmp_path, bundle, docs, COMPARE_ALL)
    assert out == ["evaluations", "3", "mismatches", "0"]


def test_tens_of_thousands_of_evaluations(tmp_path: Path):
    bundle = write_bundle(tmp_path / "b", ["{listings.count: {gt: 0}}"])
    out = run(
        tmp_path,
        bundle,
        [base_document()],
        """
        doc = documents[0]
        results = {durable.evaluate(doc).findings[0].code for _ in range(42_000)}
        print("codes", *sorted(results))
    """,
        timeout=300,
    )
    assert out == ["codes", "GEN_0"]


def test_reloading_a_bundle_with_patterns_stays_bounded(tmp_path: Path):
    bundle = write_bundle(
        tmp_path / "b",
        ["{listing.url: {matches: 'https://item%d.*'}}".replace("%d", str(i)) for i in range(20)],
    )
    out = run(
        tmp_path,
        bundle,
        [base_document()],
        """
        import gc, resource
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(100):
            durable.reload()
            gc.collect()
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print("grew_kib", max(0, after - before))
        print("still", durable.evaluate(documents[0]) == reference.evaluate(documents[0]))
    """,
    )
    assert out[0] == "grew_kib" and int(out[1]) < 64 * 1024, out
    assert out[2:] == ["still", "True"]
