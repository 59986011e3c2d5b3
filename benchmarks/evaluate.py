"""Evaluation cost: the account rules on both backends beside a hand-written Python baseline
of the same rules, and the whole bundled rule set, measured side by side in one run.

    .venv/bin/python benchmarks/evaluate.py [--n 2000]

Reported as microseconds per evaluation and as ratios to the baseline: the machines are
shared and noisy, so only numbers from the same run are compared.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ipp_rules import Complaint, Engine
from ipp_rules.facts import marketplace_timezone
from ipp_rules.models.intake import load_complaint

ROOT = Path(__file__).resolve().parents[1]


def baseline(c: Complaint) -> list[str]:
    """The account rules written by hand: what a service without a rules engine would do."""
    on = c.submitted_at.astimezone(marketplace_timezone(c)).date()
    codes = []
    if not c.complainant.identity_verified:
        codes.append("IDENTITY_NOT_VERIFIED")
    if c.right.status != "authenticated":
        codes.append("RIGHT_NOT_AUTHENTICATED")
    if c.right.valid_from and c.right.valid_from > on:
        codes.append("RIGHT_NOT_YET_VALID")
    if c.right.valid_until and c.right.valid_until < on:
        codes.append("RIGHT_EXPIRED")
    auth = c.complainant.authorization
    if c.complainant.role == "authorized_agent":
        if auth is None:
            codes.append("AGENT_AUTHORIZATION_MISSING")
        else:
            if auth.valid_until and auth.valid_until < on:
                codes.append("AGENT_AUTHORIZATION_EXPIRED")
            if auth.valid_from and auth.valid_from > on:
                codes.append("AGENT_AUTHORIZATION_NOT_YET_VALID")
            if auth.rights and c.right.id not in auth.rights:
                codes.append("AGENT_AUTHORIZATION_DOES_NOT_COVER_RIGHT")
    return codes


def per_call(fn: Callable[[], Any], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    n = parser.parse_args().n
    document = yaml.safe_load((ROOT / "rulesets/tests/bases/taobao_rights_holder.yaml").read_text())
    document["complainant"]["role"] = "authorized_agent"
    document["complainant"]["authorization"] = {"document": "power_of_attorney", "rights": ["X"]}
    model = load_complaint(document)
    with tempfile.TemporaryDirectory() as folder:
        # The baseline implements the account rules only: compare it with a bundle of those.
        account = Path(folder)
        shutil.copy(ROOT / "rulesets" / "account.yaml", account)
        (account / "bundle.yaml").write_text(
            "name: account\nversion: '1'\nrulesets: [account.yaml]\n"
        )
        durable = Engine.from_path(account, backend="durable")
        reference = Engine.from_path(account, backend="reference")
    full = Engine.default(backend="durable")
    full_reference = Engine.default(backend="reference")
    assert [f.code for f in durable.evaluate(model).findings] == baseline(model)
    rows = {
        "hand-written baseline (model in)": per_call(lambda: baseline(model), n),
        "reference evaluator (model in)": per_call(lambda: reference.evaluate(model), n),
        "durable_rules (model in)": per_call(lambda: durable.evaluate(model), n),
        "durable_rules (dict in, validated)": per_call(lambda: durable.evaluate(document), n),
        f"whole bundle, {len(full.bundle.compiled.rules)} rules, reference": per_call(
            lambda: full_reference.evaluate(model), n
        ),
        f"whole bundle, {len(full.bundle.compiled.rules)} rules, durable_rules": per_call(
            lambda: full.evaluate(model), n
        ),
    }
    base = statistics.median(rows["hand-written baseline (model in)"])
    print(f"{'':44} {'p50 us':>8} {'p99 us':>8} {'x baseline':>11}")
    for name, samples in rows.items():
        samples.sort()
        p50, p99 = statistics.median(samples), samples[int(len(samples) * 0.99) - 1]
        print(f"{name:44} {p50:8.1f} {p99:8.1f} {p50 / base:11.1f}")


if __name__ == "__main__":
    main()
