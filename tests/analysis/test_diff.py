"""``diff``'s analysis: decisions compared as multisets of findings, the sample corpus, and
what the caller is told while a corpus is decided."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ipp_rules import Engine
from ipp_rules.analysis.diff import LineResult, Verdict, compare, diff_corpus
from tests.conftest import BUNDLE, REPO

CORPUS = REPO / "docs" / "examples" / "corpus.jsonl"


def test_findings_are_compared_as_a_multiset():
    twice = Verdict("reject", (("r", "C", "listings[0]"), ("r", "C", "listings[0]")))
    once = Verdict("reject", (("r", "C", "listings[0]"),))
    reordered = Verdict("reject", tuple(reversed(twice.findings)))
    changes, problems, decided = compare(
        [LineResult(1, twice, reordered), LineResult(2, twice, once)]
    )
    assert decided == 2 and problems == []
    (change,) = changes
    assert change.line == 2
    assert change.disappeared == (("r", "C", "listings[0]"),) and change.appeared == ()


def test_the_sample_corpus_is_valid_and_varied():
    documents = [json.loads(line) for line in CORPUS.read_text().splitlines()]
    assert len(documents) >= 200
    with Engine.default(backend="reference") as engine:
        outcomes = Counter(engine.evaluate(document).outcome for document in documents)
    assert min(outcomes[o] for o in ("accept", "needs_info", "reject")) >= 30
    assert {d["platform"] for d in documents} == {
        "taobao",
        "tmall",
        "tmall_global",
        "1688",
        "aliexpress",
        "alibaba_com",
        "lazada",
    }


def test_the_caller_is_told_how_many_lines_are_decided(tmp_path: Path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(CORPUS.read_text().splitlines()[:3]) + "\n")
    told: list[tuple[int, int]] = []
    report = diff_corpus(
        BUNDLE, BUNDLE, corpus, backend="reference", progress=lambda n, t: told.append((n, t))
    )
    assert report.complaints == 3 and report.changes == []
    assert sum(n for n, _ in told) == 3 and {t for _, t in told} == {3}
    assert report.groups == []
