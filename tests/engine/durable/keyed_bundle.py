"""A bundle with big keyed tables (similar-goods notes, category classes), and complaints
that make each of its rules fire and stay silent: shared by the durable tests that build it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO


def listing_group(i: int) -> str:
    """A distinct similar-goods group per i < 225: class i % 45 + 1, group i // 45 + 1."""
    return f"{i % 45 + 1:02d}{i // 45 + 1:02d}"


def right_group(i: int) -> str:
    return f"{i % 45 + 1:02d}{i // 45 + 50:02d}"


def write_bundle(root: Path, n: int) -> Path:
    notes = {listing_group(i): [right_group(i), right_group((i + 1) % n)] for i in range(n)}
    classes = {f"c{i}": [i % 45 + 1] for i in range(n)}
    noted = {"intersects": {"table": "notes", "key": {"fact": "listing.similar_group"}}}
    in_class = {"in": {"table": "classes", "key": {"fact": "listing.category"}}}
    whens: list[dict[str, Any]] = [
        {"right.similar_groups": noted},
        {"not": {"right.similar_groups": noted}},
        {"right.type": {"eq": "trademark"}, "listing.nice_class": in_class},
        {"listing.nice_class": {"not_in": in_class["in"]}},
    ]
    rules = [
        {
            "id": f"big.r{i}",
            "title": "keyed table",
            "source": "test",
            "when": when,
            "outcome": "warn",
            "code": f"BIG_{i}",
            "message": "keyed table",
        }
        for i, when in enumerate(whens)
    ]
    (root / "bundle.yaml").write_text("name: big\nversion: '1'\nrulesets: [big.yaml]\n")
    document = {"area": "big", "category": "scope", "tables": {"notes": notes}, "rules": rules}
    document["tables"]["classes"] = classes
    (root / "big.yaml").write_text(json.dumps(document))
    return root


def documents(n: int) -> Iterator[dict[str, Any]]:
    base = yaml.safe_load((REPO / "rulesets/tests/bases/taobao_rights_holder.yaml").read_text())
    listing = base["listings"][0]
    by_group = {k: v for k, v in listing.items() if k != "nice_class"}
    for i in range(0, n, max(1, n // 40)):
        for groups in ([right_group(i)], ["2599"]):
            for category, nice in ((f"c{i}", i % 45 + 1), (f"c{i}", (i + 1) % 45 + 1), ("-", 1)):
                document = json.loads(json.dumps(base))
                document["right"]["similar_groups"] = groups
                document["right"]["nice_classes"] = sorted({25, *(int(g[:2]) for g in groups)})
                document["listings"] = [
                    {**by_group, "similar_group": listing_group(i)},
                    {**listing, "category": category, "nice_class": nice},
                ]
                yield document
