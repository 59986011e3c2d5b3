"""``ipp-rules diff``: a corpus decided under two bundles, changes grouped by rule."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from ipp_rules import Engine
from tests.cli.conftest import CORPUS, run_cli
from tests.conftest import BUNDLE, GOOD_FAITH_RELIEF, REPO, edit

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
    # Both bundles are named by the folder read (relative to the working folder when inside).
    assert text.startswith(
        f"old: rulesets (ipp-default 2026.11.0)\nnew: {bundle_copy.resolve()} (ipp-default "
        "2026.11.0)\n"
    )
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
    assert (report["old_folder"], report["new_folder"]) == (str(BUNDLE), str(bundle_copy.resolve()))
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
