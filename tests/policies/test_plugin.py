"""A separate distribution adds a marketplace through the ``ipp_rules.policies`` entry points.

The plugin in ``tests/policies/plugin`` is built and installed into a folder of its own, then
a fresh interpreter with that folder on its path evaluates complaints for the new marketplace
with the default bundle, and a Good Faith history with requests on it: nothing in the library
changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import BUNDLE, REPO, install_example_plugin

PROBE = """
import datetime, json, sys
import ipp_rules
from ipp_rules.policies import get_policy, identify_url, policies
from ipp_rules.models.intake import load_complaint
out = {"known": list(policies())}
out["timezone"] = get_policy("examplemart").timezone()
out["listing"] = identify_url("https://www.examplemart.sg/p/8675309?ref=x").canonical
engine = ipp_rules.Engine.default()
for name, document in json.load(open(sys.argv[1])).items():
    decision = engine.evaluate(document)
    out[name] = {"outcome": decision.outcome,
                 "findings": [(f.code, f.path) for f in decision.findings]}
try:
    load_complaint({**json.load(open(sys.argv[1]))["ok"], "platform": "examplemarket"})
except ipp_rules.ComplaintError as exc:
    out["typo"] = exc.problems[0].message
request = {"submitted_at": "2026-04-02T09:00:00+08:00", "platform": "examplemart",
           "reason": "counterfeit", "outcome": "rejected", "false_information": True}
eligibility = engine.good_faith([request], datetime.date(2026, 5, 31))
out["good_faith"] = [(f.code, f.path) for f in eligibility.findings]
print(json.dumps(out))
"""


@pytest.mark.slow
def test_an_installed_plugin_marketplace_is_evaluated(tmp_path: Path):
    site = install_example_plugin(tmp_path / "site")
    assert (site / "ipp_example_market").is_dir()
    base = yaml.safe_load((BUNDLE / "tests" / "bases" / "taobao_rights_holder.yaml").read_text())
    ok = {
        **base,
        "platform": "examplemart",
        "listings": [{"url": "https://www.examplemart.sg/p/8675309", "nice_class": 25}],
    }
    foreign = {
        **ok,
        "listings": [
            {"url": "https://www.examplemart.sg/p/1", "nice_class": 25},
            {"url": "https://item.taobao.com/item.htm?id=680000000001", "nice_class": 25},
        ],
    }
    taobao_with_plugin_url = {
        **base,
        "listings": [{"url": "https://www.examplemart.sg/s/acme", "nice_class": 25}],
    }
    documents = tmp_path / "documents.json"
    documents.write_text(
        json.dumps({"ok": ok, "foreign": foreign, "taobao": taobao_with_plugin_url})
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(documents)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PYTHONPATH": f"{site}:{REPO}", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["known"][-1] == "examplemart"
    assert out["timezone"] == "Asia/Singapore"
    assert out["listing"] == "https://www.examplemart.sg/p/8675309"
    listing_codes = {
        "LISTING_WRONG_MARKETPLACE",
        "LISTING_URL_NOT_RECOGNISED",
        "LISTING_URL_INVALID",
    }
    assert not listing_codes & {code for code, _ in out["ok"]["findings"]}
    assert ["LISTING_WRONG_MARKETPLACE", "listings[1].url"] in out["foreign"]["findings"]
    assert ["LISTING_WRONG_MARKETPLACE", "listings[0].url"] in out["taobao"]["findings"]
    assert "'examplemart'" in out["typo"]
    # A history may hold requests on the plugin's marketplace, as a complaint may.
    assert ["GOOD_FAITH_FALSE_INFORMATION", "history[0]"] in out["good_faith"]
