"""``ipp-rules diff``: a corpus decided under two bundles, changes grouped by rule."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from ipp_rules import Engine
from ipp_rules.tools.diff import LineResult, Verdict, compare
from ipp_rules.tools.progress import Progress
from tests.conftest import BUNDLE, REPO
from tests.tools.conftest import CORPUS, GOOD_FAITH_RELIEF, edit, run_cli

pytestmark = pytest.mark.slow  # subprocesses: run in CI, outside the fast subset


def test_the_same_bundle_changes_nothing():
    done = run_cli("diff", "rulesets", "rulesets", "--corpus", "docs/examples/corpus.jsonl")
    assert done.returncode == 0, done.stderr
    assert "\nbundle changes: none\n" in done.stdout
    assert re.search(
        r"^corpus docs/examples/corpus\.jsonl: ([0-9]+) complaints, 0 changed, \1 unchanged$",
        done.stdout,
        re.M,
    )
    assert done.stderr == ""


def test_a_change_is_reported_by_rule_with_every_complaint_it_changes(bundle_copy: Path):
    edit(bundle_copy / "evidence.yaml", *GOOD_FAITH_RELIEF)
    args = ("diff", BUNDLE, bundle_copy, "--corpus", CORPUS)
    done = run_cli(*args)
    assert done.returncode == 1, done.stderr
    text = done.stdout
    assert "  rule evidence.counterfeit_description_missing: changed (condition)\n" in text
    group = re.search(
        r"^  evidence\.counterfeit_description_missing no longer fires: ([0-9]+) complaints$",
        text,
        re.M,
    )
    assert group is not None
    changed = int(group[1])
    assert re.search(rf", {changed} changed, ", text)
    lines = re.findall(r"^  \S+corpus\.jsonl:([0-9]+): (\S+) -> (\S+)$", text, re.M)
    assert len(lines) == changed
    assert Counter((old, new) for _, old, new in lines)[("needs_info", "accept")] >= 5

    # The report says the truth: each listed line's decision does change, and no other's.
    documents = [json.loads(line) for line in CORPUS.read_text().splitlines()]

    def key(engine: Engine, document: dict[str, object]) -> tuple[str, Counter[tuple[str, ...]]]:
        decision = engine.evaluate(document)
        return decision.outcome, Counter((f.rule_id, f.code, f.path) for f in decision.findings)

    with Engine.from_path(BUNDLE) as old, Engine.from_path(bundle_copy) as new:
        really = {
            number
            for number, document in enumerate(documents, start=1)
            if key(old, document) != key(new, document)
        }
    assert {int(number) for number, _, _ in lines} == really

    parallel = run_cli(*args, "--jobs", "2")
    assert parallel.stdout == text

    report = json.loads(run_cli(*args, "--format", "json").stdout)
    assert report["changed"] == changed
    assert report["rules"][0]["rule"] == "evidence.counterfeit_description_missing"
    assert report["rules"][0]["change"] == "no_longer_fires"
    assert sorted(report["rules"][0]["lines"]) == sorted(really)
    first = report["changes"][0]
    assert first["disappeared"] == [
        ["evidence.counterfeit_description_missing", "DIFFERENCES_DESCRIPTION_MISSING", "evidence"]
    ]
    assert report["bundle_changes"]["rules"] == [
        {
            "rule": "evidence.counterfeit_description_missing",
            "change": "changed",
            "aspects": ["condition"],
        }
    ]


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_is_decided(tmp_path: Path):
    good = CORPUS.read_text().splitlines()[:3]
    corpus = tmp_path / "corpus.jsonl"
    lines = [
        good[0],
        "{not json",
        "",
        "[1, 2]",
        json.dumps({"platform": "taobao"}),
        good[1],
    ]
    corpus.write_bytes(
        ("\n".join(lines) + "\n").encode() + b"\xff\xfe\n" + good[2].encode() + b"\n"
    )
    done = run_cli("diff", "rulesets", "rulesets", "--corpus", corpus)
    assert done.returncode == 2
    assert re.search(
        r": 3 complaints, 0 changed, 3 unchanged, 4 lines not decided$", done.stdout, re.M
    )
    reported = re.findall(r"^  \S*corpus\.jsonl:([0-9]+): (.*)$", done.stdout, re.M)
    assert [int(n) for n, _ in reported] == [2, 4, 5, 7]
    assert reported[0][1].startswith("not valid JSON")
    assert reported[1][1] == "expected a JSON object (a complaint document)"
    assert reported[2][1].startswith("not a valid complaint: ")
    assert reported[3][1].startswith("not valid UTF-8")
    assert "4 corpus lines could not be decided" in done.stderr


def test_a_bundle_that_does_not_load_is_invalid_input(bundle_copy: Path):
    edit(bundle_copy / "bundle.yaml", "  - scope.yaml\n", "  - scope.yaml\n  - scopes.yaml\n")
    done = run_cli("diff", BUNDLE, bundle_copy, "--corpus", CORPUS)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "no file 'scopes.yaml' in the bundle folder" in done.stderr
    missing = run_cli("diff", BUNDLE, BUNDLE, "--corpus", REPO / "no-such-corpus.jsonl")
    assert missing.returncode == 2
    assert "No such file or directory" in missing.stderr


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


def test_the_progress_bar_is_drawn_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, terminal = io.StringIO(), Terminal()
    for stream in (quiet, terminal):
        with Progress(4, stream, "diff") as progress:
            for _ in range(4):
                progress.advance()
    assert quiet.getvalue() == ""
    assert "\rdiff [" + "#" * 30 + "] 4/4" in terminal.getvalue()


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


def test_more_jobs_than_processors_or_lines_do_not_hang_or_crash():
    # --jobs 100000 started a process per line (a hang); a number past a C int raised
    # OverflowError from multiprocessing (a traceback).
    args = ("diff", "rulesets", "rulesets", "--corpus", "docs/examples/corpus.jsonl")
    expected = run_cli(*args).stdout
    for jobs in ("100000", "9" * 30):
        done = run_cli(*args, "--jobs", jobs)
        assert done.returncode == 0, done.stderr
        assert done.stdout == expected


def test_a_corpus_line_with_a_key_twice_or_nan_is_not_decided(tmp_path: Path):
    # As evaluate reads a document: json.loads kept the last of two keys and accepted NaN.
    first = CORPUS.read_text(encoding="utf-8").splitlines()[0]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "\n".join(
            [
                first,
                first[:-1] + ', "platform": "tmall"}',
                first[:-1] + ', "x": NaN}',
                '{"a": ' + "9" * 5000 + "}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    done = run_cli("diff", BUNDLE, BUNDLE, "--corpus", corpus, "--format", "json")
    assert done.returncode == 2, done.stderr
    invalid = json.loads(done.stdout)["invalid_lines"]
    messages = {line["line"]: line["message"] for line in invalid}
    assert sorted(messages) == [2, 3, 4]
    assert "got 'platform' twice" in messages[2]
    assert "got NaN" in messages[3]
    assert messages[4] == "not valid JSON: a number with thousands of digits"
