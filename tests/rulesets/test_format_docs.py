"""docs/ruleset-format.md stays true: every YAML example loads, the pasted error is real, the
test-file example passes against the default bundle, and the fact table matches the catalog.

Each ```yaml block of the page is one of: a whole rule file (starts with ``area:``), one rule
or a list of rules (has ``id:``; wrapped into a rule file), a condition (only ``when:``;
wrapped into a rule), a manifest (``rulesets:``), or a test file (``cases:``). A block after
``<!-- doc-test: error DIR/FILE -->`` must fail to load, with exactly the error shown in the
```text block that follows it.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from ipp_rules.engine.engine import Engine
from ipp_rules.errors import RulesetError
from ipp_rules.facts import CATALOG
from ipp_rules.pydantic_errors import validate_document
from ipp_rules.rulesets.bundle import load_bundle
from ipp_rules.rulesets.format import FactTests, Manifest
from ipp_rules.testing.cases import load_test_file, run_case
from ipp_rules.text.yaml import load_yaml

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "ruleset-format.md"
DEFAULT_BUNDLE = REPO / "rulesets"

_BLOCK = re.compile(
    r"(?:<!-- doc-test: (?P<marker>[^>]*?) -->\n)?^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$",
    re.S | re.M,
)


@dataclass(frozen=True)
class Block:
    line: int
    lang: str
    body: str
    marker: str | None

    @property
    def id(self) -> str:
        return f"line-{self.line}"


def blocks() -> list[Block]:
    text = DOC.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start("body"))
        found.append(Block(line, match["lang"], match["body"], match["marker"]))
    return found


def yaml_blocks() -> list[Block]:
    return [b for b in blocks() if b.lang == "yaml"]


def kind_of(block: Block) -> str:
    if block.marker is not None:
        return "error"
    data = load_yaml(block.body, f"{DOC.name}:{block.line}").data
    if isinstance(data, dict) and "area" in data:
        return "rule_file"
    if re.search(r"^(- )?id: ", block.body, re.M):
        return "rules"
    if isinstance(data, dict) and set(data) == {"when"}:
        return "condition"
    if isinstance(data, dict) and "rulesets" in data:
        return "manifest"
    if isinstance(data, dict) and "cases" in data:
        return "test_file"
    raise AssertionError(f"{DOC.name}:{block.line}: a yaml block of no known kind")


def as_rule_file(block: Block) -> str:
    """The block as a whole rule file."""
    kind = kind_of(block)
    head = "area: docs\ncategory: account\nrules:\n"
    if kind == "rule_file":
        return block.body
    if kind == "rules":
        if block.body.startswith("- "):
            return head + textwrap.indent(block.body, "  ")
        first, _, rest = block.body.partition("\n")
        return head + "  - " + first + "\n" + textwrap.indent(rest, "    ")
    assert kind == "condition"
    return head + (
        "  - id: docs.example\n"
        "    title: An example from the documentation\n"
        "    source: docs/ruleset-format.md\n"
        + textwrap.indent(block.body, "    ")
        + "    outcome: info\n"
        "    code: DOC_EXAMPLE\n"
        "    message: An example.\n"
    )


def write_bundle(root: Path, name: str, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "bundle.yaml").write_text(
        f"name: docs\nversion: '1'\nrulesets: [{name}]\n", encoding="utf-8"
    )
    (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_page_has_examples_of_every_kind() -> None:
    kinds = [kind_of(b) for b in yaml_blocks()]
    for kind in ("rule_file", "rules", "condition", "manifest", "test_file", "error"):
        assert kind in kinds, kind


def test_every_operator_has_an_example() -> None:
    examples = "\n".join(b.body for b in yaml_blocks() if kind_of(b) != "error")
    for name, info in FactTests.model_fields.items():
        operator = info.alias or name
        assert re.search(rf"[{{,] ?{operator}: ", examples), f"no example of '{operator}'"
    assert "{fact: " in examples
    assert "{table: " in examples
    assert "key: {fact: " in examples


@pytest.mark.parametrize(
    "block",
    [b for b in yaml_blocks() if kind_of(b) in ("rule_file", "rules", "condition")],
    ids=lambda b: b.id,
)
def test_a_rule_example_loads_and_compiles(tmp_path: Path, block: Block) -> None:
    root = write_bundle(tmp_path / "bundle", "example.yaml", as_rule_file(block))
    try:
        bundle = load_bundle(root)
    except RulesetError as exc:
        pytest.fail(f"the example at {DOC.name}:{block.line} does not load:\n{exc}")
    assert bundle.compiled.rules
    ids = set(re.findall(r"^ *-? ?id: ([a-z0-9_.]+)$", block.body, re.M))
    waivers = set(re.findall(r"^  - id: ([a-z0-9_.]+)$", block.body.partition("waivers:")[2], re.M))
    assert ids - waivers <= set(bundle.compiled.info)


@pytest.mark.parametrize(
    "block", [b for b in yaml_blocks() if kind_of(b) == "manifest"], ids=lambda b: b.id
)
def test_a_manifest_example_is_valid(block: Block) -> None:
    manifest, problems = validate_document(Manifest, load_yaml(block.body, "bundle.yaml"))
    assert problems == []
    assert manifest is not None


@pytest.mark.parametrize(
    "block", [b for b in yaml_blocks() if kind_of(b) == "test_file"], ids=lambda b: b.id
)
def test_a_test_file_example_passes_against_the_default_bundle(
    tmp_path: Path, block: Block
) -> None:
    root = tmp_path / "rulesets"
    shutil.copytree(DEFAULT_BUNDLE, root)
    path = root / "tests" / "test_docs_example.yaml"
    path.write_text(block.body, encoding="utf-8")
    loaded = load_test_file(path)
    engine = Engine.from_path(root, backend="reference")
    try:
        results = [run_case(engine, loaded, index, case) for index, case in loaded.cases()]
    finally:
        engine.close()
    assert len(results) >= 2
    failures = [r.report() for r in results if not r.passed]
    assert failures == []


@pytest.mark.parametrize(
    "block", [b for b in yaml_blocks() if kind_of(b) == "error"], ids=lambda b: b.id
)
def test_the_error_shown_is_the_error_the_loader_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: Block
) -> None:
    assert block.marker is not None
    word, _, target = block.marker.partition(" ")
    assert word == "error"
    folder, name = target.split("/")
    all_blocks = blocks()
    shown = all_blocks[all_blocks.index(block) + 1]
    assert shown.lang == "text"

    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / folder, name, block.body)
    with pytest.raises(RulesetError) as caught:
        load_bundle(folder)
    assert f"ipp-rules: {caught.value}\n" == shown.body


_TYPE_WORDS = {
    "bool": "true/false",
    "int": "whole number",
    "str": "text",
    "date": "date",
    "datetime": "date and time",
    "list_str": "list of text",
    "list_int": "list of whole numbers",
}


def catalog_table() -> str:
    """The fact table as the page shows it."""
    lines = ["| fact | type | meaning | values |", "|---|---|---|---|"]
    for spec in CATALOG:
        allowed = spec.allowed_values()
        values = ", ".join(f"`{c}`" for c in allowed) if allowed else ""
        lines.append(
            f"| `{spec.name}` | {_TYPE_WORDS[spec.type]} | {spec.description} | {values} |"
        )
    return "\n".join(lines) + "\n"


def test_the_fact_table_is_the_catalog() -> None:
    assert catalog_table() in DOC.read_text(encoding="utf-8"), (
        "docs/ruleset-format.md: the fact table is out of date; replace it with:\n"
        + catalog_table()
    )


def write_catalog_table() -> None:
    """Rewrite the fact table in the page from the catalog."""
    text = DOC.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("| fact | type |"))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    DOC.write_text("".join([*lines[:start], catalog_table(), *lines[end:]]), encoding="utf-8")


if __name__ == "__main__":  # python -m tests.rulesets.test_format_docs
    write_catalog_table()
