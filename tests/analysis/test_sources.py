"""sources.py: a bundle's manifest and rule files as written, read as far as they go: a file
that does not load is left out, one that does not validate is kept without its model."""

from __future__ import annotations

from pathlib import Path

from ipp_rules.analysis.sources import read_sources
from ipp_rules.rulesets.bundle import load_bundle
from tests.conftest import BUNDLE

RULE_FILE = """area: a
category: account
tables:
  t: [x]
rules:
  - id: a.one
    title: t
    source: s
    when:
      platform: {eq: taobao}
    outcome: warn
    code: ONE
    message: m
waivers:
  - id: a.w
    title: t
    source: s
    when:
      platform: {eq: tmall}
    waives: [a.one]
"""

INVALID_FILE = """area: a
category: account
rules:
  - id: a.two
  - 3
"""


def test_the_bundled_rules_are_read_in_the_manifests_order() -> None:
    sources = read_sources(BUNDLE)
    assert sources.root == BUNDLE
    assert sources.manifest is not None and sources.manifest.filename.endswith("bundle.yaml")
    assert [source.name for source in sources.files] == [
        "account.yaml",
        "listing.yaml",
        "jurisdiction.yaml",
        "scope.yaml",
        "evidence.yaml",
        "classification.yaml",
    ]
    assert all(source.model is not None for source in sources.files)
    compiled = [rule.id for rule in load_bundle(BUNDLE).compiled.rules]
    assert [item.rule.id for item in sources.rules] == compiled
    assert sum(1 for _ in sources.raw_rules()) == len(compiled)
    first = sources.rule("account.identity_not_verified")
    assert (first.path, Path(first.document.filename).name) == (("rules", 0), "account.yaml")
    data, _, path = sources.tables["categories_tao"]
    assert path == ("tables", "categories_tao") and data["apparel"] == [25]


def test_a_bad_file_is_kept_as_far_as_it_goes(tmp_path: Path) -> None:
    (tmp_path / "bundle.yaml").write_text(
        "name: t\nversion: '1'\nrulesets: [a.yaml, a.yaml, broken.yaml, sub/x.yaml, "
        "missing.yaml, invalid.yaml, 7, bundle.yaml]\n"
    )
    (tmp_path / "a.yaml").write_text(RULE_FILE)
    (tmp_path / "broken.yaml").write_text("rules: [\n")
    (tmp_path / "invalid.yaml").write_text(INVALID_FILE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.yaml").write_text(RULE_FILE)
    sources = read_sources(tmp_path / "bundle.yaml")  # the manifest names its folder
    assert sources.root == tmp_path and sources.manifest is not None
    # Listed twice, read once; a file that does not load, one in a folder, one missing, a
    # name that is no text and the manifest itself are left out; one that does not validate
    # is kept without its model.
    assert [(source.name, source.model is not None) for source in sources.files] == [
        ("a.yaml", True),
        ("invalid.yaml", False),
    ]
    assert [item.rule.id for item in sources.rules] == ["a.one"]
    assert [(item.waiver.id, item.path) for item in sources.waivers] == [("a.w", ("waivers", 0))]
    assert {name: (data, path) for name, (data, _, path) in sources.tables.items()} == {
        "t": (["x"], ("tables", "t"))
    }
    assert [(source.name, index, raw) for source, index, raw in sources.raw_rules()][1:] == [
        ("invalid.yaml", 0, {"id": "a.two"}),
        ("invalid.yaml", 1, 3),
    ]


def test_a_manifest_that_does_not_load_or_lists_no_files_gives_no_files(tmp_path: Path) -> None:
    empty = read_sources(tmp_path)
    assert (empty.manifest, empty.files, empty.rules, empty.tables) == (None, [], [], {})
    (tmp_path / "a.yaml").write_text(RULE_FILE)
    (tmp_path / "bundle.yaml").write_text("rulesets: [\n")
    broken = read_sources(tmp_path)
    assert (broken.manifest, broken.files) == (None, [])
    (tmp_path / "bundle.yaml").write_text("name: t\nversion: '1'\nrulesets: a.yaml\n")
    not_a_list = read_sources(tmp_path)
    assert not_a_list.manifest is not None and not_a_list.files == []
