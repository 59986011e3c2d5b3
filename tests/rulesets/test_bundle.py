"""Loading a bundle folder: its manifest, its identity, and every problem reported at once."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from yaml.scanner import Scanner

from ipp_rules.engine.engine import Engine, default_bundle_path
from ipp_rules.errors import RulesetError
from ipp_rules.problems import Problem
from ipp_rules.rulesets import bundle as bundle_module
from ipp_rules.rulesets.bundle import load_bundle
from ipp_rules.text import yaml as yamlsource
from tests.conftest import BUNDLE
from tests.rulesets.bundles import (
    VALID,
    loaded,
    make_bundle,
    only_problem,
    problems,
    rule_file,
)

pytestmark = pytest.mark.usefixtures("in_tmp")


# --- a valid bundle and its identity -------------------------------------------------------------


def test_a_valid_bundle_loads_with_its_identity(tmp_path: Path) -> None:
    bundle = loaded(tmp_path, VALID)
    assert bundle.identity.name == "test-bundle"
    assert bundle.identity.version == "1.0"
    assert len(bundle.identity.sha256) == 64
    int(bundle.identity.sha256, 16)
    assert bundle.files == ("bundle.yaml", "a.yaml")
    assert [r.id for r in bundle.compiled.rules] == ["test.rule"]
    info = bundle.compiled.info["test.rule"]
    assert (info.code, info.severity, info.category) == ("TEST", "error", "account")
    assert info.location == "b/a.yaml:4:5"


def test_a_bundle_loads_from_its_manifest_path_too(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    assert load_bundle(root / "bundle.yaml").identity == load_bundle(root).identity


def test_a_version_written_as_a_number_keeps_its_text(tmp_path: Path) -> None:
    bundle = loaded(tmp_path, VALID, manifest="name: t\nversion: 1.10\nrulesets: [a.yaml]\n")
    assert bundle.identity.version == "1.10"


def test_sha256_is_stable_when_nothing_changes(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    assert load_bundle(root).identity.sha256 == load_bundle(root).identity.sha256
    # the same content in another folder is the same bundle
    other = make_bundle(tmp_path, VALID, folder="elsewhere")
    assert load_bundle(other).identity.sha256 == load_bundle(root).identity.sha256


def test_sha256_changes_when_a_rule_file_changes(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    before = load_bundle(root).identity.sha256
    text = (root / "a.yaml").read_text()
    (root / "a.yaml").write_text(text.replace("message: Test.", "message: Test!"))
    after = load_bundle(root).identity.sha256
    assert after != before
    (root / "a.yaml").write_text(text)
    assert load_bundle(root).identity.sha256 == before


def test_sha256_describes_the_text_that_was_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file edited while the bundle loads: the identity is the text read and compiled, not
    # what the file holds by the time the bundle is hashed.
    root = make_bundle(tmp_path, VALID)
    expected = load_bundle(root).identity.sha256
    real = bundle_module.load_yaml_file

    def read_then_edit(path: Any, **kwargs: Any) -> Any:
        document = real(path, **kwargs)
        if Path(path).name == "a.yaml":
            Path(path).write_text(Path(path).read_text() + "# edited meanwhile\n")
        return document

    monkeypatch.setattr(bundle_module, "load_yaml_file", read_then_edit)
    assert load_bundle(root).identity.sha256 == expected
    monkeypatch.undo()
    assert load_bundle(root).identity.sha256 != expected  # the edit is a change


def test_sha256_changes_when_the_manifest_changes(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    before = load_bundle(root).identity
    manifest = (root / "bundle.yaml").read_text()
    (root / "bundle.yaml").write_text(manifest.replace("'1.0'", "'1.1'"))
    after = load_bundle(root).identity
    assert after.version == "1.1"
    assert after.sha256 != before.sha256


def test_files_outside_the_manifest_do_not_change_sha256(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    before = load_bundle(root).identity.sha256
    (root / "notes.txt").write_text("draft ideas\n")
    (root / "unused.yaml").write_text(rule_file("platform: {eq: tmall}"))
    (root / "tests").mkdir()
    (root / "tests" / "test_a.yaml").write_text("cases: []\n")
    assert load_bundle(root).identity.sha256 == before


# --- the manifest --------------------------------------------------------------------------------


def test_a_folder_without_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(RulesetError) as caught:
        load_bundle(tmp_path / "empty")
    (problem,) = caught.value.problems
    assert problem.code == "no_manifest"
    assert problem.location == "empty"  # relative to the working directory
    assert "no bundle.yaml" in problem.message


def test_a_listed_file_that_is_missing(tmp_path: Path) -> None:
    manifest = "name: t\nversion: '1'\nrulesets:\n  - a.yaml\n  - missing.yaml\n"
    problem = only_problem(tmp_path, VALID, manifest=manifest)
    assert problem.location == "b/bundle.yaml:5:5"
    assert problem.code == "missing_file"
    assert problem.message == "no file 'missing.yaml' in the bundle folder"


def test_a_listed_file_that_links_outside_the_bundle(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("area: x\ncategory: account\nrules: []\n", encoding="utf-8")
    root = make_bundle(tmp_path, VALID)
    (root / "linked.yaml").symlink_to(outside)
    (root / "bundle.yaml").write_text(
        "name: t\nversion: '1'\nrulesets:\n  - a.yaml\n  - linked.yaml\n", encoding="utf-8"
    )
    with pytest.raises(RulesetError) as caught:
        load_bundle(root)
    (problem,) = caught.value.problems
    assert problem.location.endswith("bundle.yaml:5:5")
    assert problem.message == "'linked.yaml' links to a file outside the bundle folder"


def test_a_file_listed_twice(tmp_path: Path) -> None:
    manifest = "name: t\nversion: '1'\nrulesets:\n  - a.yaml\n  - a.yaml\n"
    problem = only_problem(tmp_path, VALID, manifest=manifest)
    assert problem.location == "b/bundle.yaml:5:5"
    assert problem.code == "duplicate_file"
    assert problem.message == "'a.yaml' is listed twice"


@pytest.mark.parametrize(
    "name", ["../x.yaml", "sub/a.yaml", "/etc/a.yaml", ".hidden.yaml", "a.yml"]
)
def test_a_rule_file_name_must_be_a_plain_yaml_name(tmp_path: Path, name: str) -> None:
    manifest = f"name: t\nversion: '1'\nrulesets:\n  - a.yaml\n  - {name}\n"
    problem = only_problem(tmp_path, {**VALID, "sub/a.yaml": VALID["a.yaml"]}, manifest=manifest)
    assert problem.location == "b/bundle.yaml:5:5"
    assert problem.code == "string_pattern_mismatch"
    assert problem.message == (
        "expected a file name ending in .yaml, in the bundle folder itself "
        f"(no folders, no '..'), got '{name}'"
    )


def test_the_manifest_is_not_a_rule_file(tmp_path: Path) -> None:
    manifest = "name: t\nversion: '1'\nrulesets: [a.yaml, bundle.yaml]\n"
    problem = only_problem(tmp_path, VALID, manifest=manifest)
    assert problem.location == "b/bundle.yaml:3:20"
    assert problem.message == "bundle.yaml is the manifest, not a rule file"


def test_manifest_keys_are_checked(tmp_path: Path) -> None:
    manifest = "name: Test Bundle\nversoin: '1'\nrulesets: []\n"
    found = problems(tmp_path, VALID, manifest=manifest)
    # In reading order: top to bottom, whatever order pydantic found them in.
    assert [(p.location, p.code) for p in found] == [
        ("b/bundle.yaml:1:1", "missing"),
        ("b/bundle.yaml:1:7", "string_pattern_mismatch"),
        ("b/bundle.yaml:2:1", "extra_forbidden"),
        ("b/bundle.yaml:3:11", "too_short"),
    ]
    assert "did you mean 'version'?" in found[2].message
    assert found[0].message == "missing required key 'version': expected text"


# --- every problem, at once ----------------------------------------------------------------------


def test_format_problems_in_several_files_are_reported_together(tmp_path: Path) -> None:
    files = {
        "a.yaml": rule_file("platform: {eqq: taobao}"),
        "c.yaml": rule_file("platform: {eq: taobao}", "outcome: maybe\ncode: T\nmessage: m\n"),
        "d.yaml": "area: test\nrules: [\n",
    }
    found = problems(tmp_path, files)
    assert [(p.location, p.code) for p in found] == [
        ("b/a.yaml:8:18", "extra_forbidden"),
        ("b/c.yaml:9:14", "literal_error"),
        ("b/d.yaml:3:1", "yaml"),
    ]
    with pytest.raises(RulesetError) as caught:
        load_bundle(tmp_path / "b")
    text = str(caught.value)
    assert text.startswith("invalid ruleset bundle (3 problems)\n")
    assert "\n  b/a.yaml:8:18: unknown key 'eqq'" in text


def test_compile_problems_in_several_files_are_reported_together(tmp_path: Path) -> None:
    files = {
        "a.yaml": rule_file("platform: {eq: lazda}\nright.statuss: {eq: authenticated}"),
        "c.yaml": rule_file("complainant.identity_verified: {eq: no}").replace(
            "test.rule", "test.other"
        ),
    }
    found = problems(tmp_path, files)
    assert [(p.location, p.code) for p in found] == [
        ("b/a.yaml:8:22", "unknown_value"),
        ("b/a.yaml:9:7", "unknown_fact"),
        ("b/c.yaml:8:43", "yaml11_bool"),
    ]


def test_a_bundle_that_fails_leaves_nothing_half_loaded(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    engine = Engine.from_path(root, backend="reference")
    try:
        before = engine.bundle.identity
        (root / "a.yaml").write_text(rule_file("platform: {eq: lazda}"))
        with pytest.raises(RulesetError):
            engine.reload()
        assert engine.bundle.identity == before
    finally:
        engine.close()


# --- which YAML parser reads a bundle -------------------------------------------------------------


@pytest.fixture
def composed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Nodes composed, by the loader that composed them, and calls of PyYAML's Python scanner."""
    if yamlsource._LIBYAML is None:
        pytest.fail("this PyYAML is built without libyaml, which the loader needs to be fast")
    counted: Counter[str] = Counter()
    compose_node = yamlsource._LimitedComposer.compose_node
    fetch_more_tokens = Scanner.fetch_more_tokens

    def composing(self: Any, parent: Any, index: Any) -> Any:
        counted[type(self).__name__] += 1
        return compose_node(self, parent, index)

    def scanning(self: Any) -> None:
        counted["python scanner"] += 1
        fetch_more_tokens(self)

    monkeypatch.setattr(yamlsource._LimitedComposer, "compose_node", composing)
    monkeypatch.setattr(Scanner, "fetch_more_tokens", scanning)
    return counted


def test_the_default_bundle_is_read_by_libyaml_alone(composed: Counter[str]) -> None:
    bundle = load_bundle(default_bundle_path())
    assert set(bundle.files) >= {"bundle.yaml", "good_faith.yaml", "deadlines.yaml"}
    assert composed["_LibyamlLoader"] > 2_000
    assert composed["_PythonLoader"] == composed["python scanner"] == 0


def problems_read_by(reader: str, root: Path) -> tuple[Problem, ...]:
    """The problems loading ``root`` gives, with libyaml as the loader uses it or with
    PyYAML's Python parser alone."""
    libyaml = yamlsource._LIBYAML
    if reader == "python":
        yamlsource._LIBYAML = None
    try:
        with pytest.raises(RulesetError) as caught:
            load_bundle(root)
    finally:
        yamlsource._LIBYAML = libyaml
    return caught.value.problems


BROKEN = [
    # (file, text, replaced by, where the problem is): a flow list left open, a key indented
    # one space less, a key twice, a tab (libyaml takes it for a space), a tag, a flow
    # mapping left open in the deadlines, a quote left open in the Good Faith policy.
    (
        "account.yaml",
        "  - id: account.identity_not_verified\n",
        "  - id: [x\n",
        "account.yaml:12:10",
    ),
    (
        "account.yaml",
        "    outcome: reject\n    code: IDENTITY",
        "   outcome: reject\n    code: IDENTITY",
        "account.yaml:20:4",
    ),
    (
        "account.yaml",
        "    outcome: reject\n    code: IDENTITY",
        "    outcome: reject\n    outcome: reject\n    code: IDENTITY",
        "account.yaml:21:5",
    ),
    ("account.yaml", "area: account\n", "area: account\t# a tab\n", "account.yaml:3:14"),
    (
        "account.yaml",
        "area: account\n",
        "area: !!python/name:os.system account\n",
        "account.yaml:3:7",
    ),
    ("deadlines.yaml", "semantics:\n", "semantics:\n  - {\n", "deadlines.yaml:25:7"),
    (
        "good_faith.yaml",
        "program: Good Faith Program\n",
        "program: 'Good Faith\n",
        "good_faith.yaml:33:21",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "where"), BROKEN)
def test_a_broken_file_is_reported_at_the_same_place_whichever_parser_reads_it(
    tmp_path: Path, composed: Counter[str], name: str, old: str, new: str, where: str
) -> None:
    root = Path(shutil.copytree(BUNDLE, tmp_path / "b", ignore=shutil.ignore_patterns("tests")))
    text = (root / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (root / name).write_text(text.replace(old, new), encoding="utf-8")
    with_libyaml = problems_read_by("libyaml", root)
    assert composed["_LibyamlLoader"] > 0
    assert with_libyaml == problems_read_by("python", root)
    assert [p.location for p in with_libyaml] == [f"b/{where}"]
