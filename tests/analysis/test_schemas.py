"""The committed schemas: generated, current, named by every bundled file, and describing
what the bundled files hold.

The schemas are generated from the pydantic models, so validating a file with its model is
validating it with the schema's source. What could still go wrong is the generated schema
itself: a reference to nothing, or a key the files use that the schema does not declare (an
editor would flag it). Both are checked here without a JSON Schema library; where the
``jsonschema`` package happens to be installed, the files are also validated with it.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipp_rules.analysis.schemas import (
    MODELINE,
    SCHEMAS,
    json_schema,
    modeline,
    schema_kind,
    schema_text,
)
from ipp_rules.deadlines import load_deadline_policy
from ipp_rules.errors import ComplaintError, RulesetError
from ipp_rules.goodfaith import load_good_faith_policy
from ipp_rules.models.intake import load_complaint
from ipp_rules.pydantic_errors import validate_document
from ipp_rules.rulesets.format import Manifest, RuleFile, TestFile
from ipp_rules.text.yaml import load_yaml_file
from tests.conftest import BUNDLE, edit

SCHEMA_FOLDER = BUNDLE / "schema"


def bundled_files(root: Path = BUNDLE) -> Iterator[tuple[Path, str]]:
    """Every YAML file of a bundle that a schema describes, with the schema's kind."""
    manifest = yaml.safe_load((root / "bundle.yaml").read_text())
    for path in sorted(root.rglob("*.y*ml")):
        kind = schema_kind(path.relative_to(root).as_posix(), manifest)
        if kind is not None:
            yield path, kind


def validate_with_model(path: Path, kind: str) -> None:
    """Validate a file with the model its schema is generated from; raises on a problem."""
    document = load_yaml_file(path)
    if kind == "good-faith":
        load_good_faith_policy(path)
        return
    if kind == "deadlines":
        load_deadline_policy(path)
        return
    if kind == "complaint":
        load_complaint(document.data)
        return
    model = {"ruleset": RuleFile, "manifest": Manifest, "tests": TestFile}[kind]
    _, problems = validate_document(model, document)
    if problems:
        raise RulesetError(problems)


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        assert ref.startswith("#/$defs/"), ref
        return resolve(schema, schema["$defs"][ref.removeprefix("#/$defs/")])
    return node


def undeclared_keys(
    schema: dict[str, Any], node: dict[str, Any], data: Any, where: str
) -> list[str]:
    """Keys of ``data`` that ``node`` (part of ``schema``) does not let it have, at any depth
    the schema describes: what an editor would flag as an unknown key."""
    node = resolve(schema, node)
    branches = node.get("anyOf") or node.get("oneOf")
    if branches:
        results = [
            undeclared_keys(schema, branch, data, where)
            for branch in branches
            if _fits(schema, branch, data)
        ]
        return min(results, key=len) if results else []
    found: list[str] = []
    if isinstance(data, dict) and ("properties" in node or "additionalProperties" in node):
        properties = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for key, value in data.items():
            if key in properties:
                found += undeclared_keys(schema, properties[key], value, f"{where}.{key}")
            elif extra is False:
                found.append(f"{where}.{key}")
            elif isinstance(extra, dict):
                found += undeclared_keys(schema, extra, value, f"{where}.{key}")
    if isinstance(data, list) and isinstance(node.get("items"), dict):
        for index, value in enumerate(data):
            found += undeclared_keys(schema, node["items"], value, f"{where}[{index}]")
    return found


def _fits(schema: dict[str, Any], node: dict[str, Any], data: Any) -> bool:
    node = resolve(schema, node)
    kinds = node.get("type")
    if kinds is None:
        return True
    names = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    wanted = kinds if isinstance(kinds, list) else [kinds]
    for kind in wanted:
        if (
            kind in ("integer", "number")
            and isinstance(data, int | float)
            and not isinstance(data, bool)
        ):
            return True
        if kind in names and isinstance(data, names[kind]):
            return True
    return False


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_the_committed_schema_is_the_generated_one(kind: str):
    committed = (SCHEMA_FOLDER / SCHEMAS[kind][0]).read_text(encoding="utf-8")
    assert committed == schema_text(kind), (
        f"rulesets/schema/{SCHEMAS[kind][0]} is out of date: "
        f"ipp-rules schema {kind} --output rulesets/schema/{SCHEMAS[kind][0]}"
    )
    schema = json.loads(committed)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for ref in refs(schema):
        resolve(schema, {"$ref": ref})  # every reference points at a definition


def test_every_bundled_file_names_its_schema_on_its_first_line():
    files = list(bundled_files())
    assert {kind for _, kind in files} == set(SCHEMAS)
    for path, kind in files:
        relative = path.relative_to(BUNDLE).as_posix()
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == modeline(relative, kind), relative
        target = (path.parent / first.removeprefix(MODELINE)).resolve()
        assert target == (SCHEMA_FOLDER / SCHEMAS[kind][0]).resolve()


def test_every_bundled_file_validates_against_its_schema():
    jsonschema = _jsonschema()
    for path, kind in bundled_files():
        validate_with_model(path, kind)
        data = load_yaml_file(path).data
        schema = json_schema(kind)
        assert undeclared_keys(schema, schema, data, path.name) == []
        if jsonschema is not None:
            jsonschema.validate(json.loads(json.dumps(data)), schema)


def test_a_broken_file_is_rejected(bundle_copy: Path):
    edit(
        bundle_copy / "account.yaml",
        "  - id: account.identity_not_verified\n    title:",
        "  - id: account.identity_not_verified\n    titel:",
    )
    edit(bundle_copy / "tests" / "test_scope.yaml", "base: bases/", "bases: bases/")
    broken = {
        p.name: kind
        for p, kind in bundled_files(bundle_copy)
        if p.name in ("account.yaml", "test_scope.yaml")
    }
    jsonschema = _jsonschema()
    for name, kind in broken.items():
        path = next(bundle_copy.rglob(name))
        with pytest.raises((RulesetError, ComplaintError)):
            validate_with_model(path, kind)
        data = load_yaml_file(path).data
        schema = json_schema(kind)
        assert undeclared_keys(schema, schema, data, name), name
        if jsonschema is not None:
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(json.loads(json.dumps(data)), schema)


def _jsonschema() -> Any:
    """The ``jsonschema`` package if it is installed (it is not a dependency)."""
    if importlib.util.find_spec("jsonschema") is None:
        return None
    import jsonschema

    return jsonschema
