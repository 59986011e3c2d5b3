"""JSON Schemas are generated from the format and complaint models."""

from __future__ import annotations

import json

from ipp_rules.models.complaint import complaint_json_schema
from ipp_rules.rulesets.format import (
    case_file_json_schema,
    manifest_json_schema,
    ruleset_json_schema,
)


def test_rule_file_schema_describes_conditions_and_every_operator():
    schema = ruleset_json_schema()
    definitions = schema["$defs"]
    condition = definitions["Condition"]
    assert condition["additionalProperties"] == {"$ref": "#/$defs/FactTests"}
    assert set(condition["properties"]) == {"all", "any", "not"}
    ops = set(definitions["FactTests"]["properties"])
    assert ops == {
        "eq",
        "ne",
        "in",
        "not_in",
        "lt",
        "lte",
        "gt",
        "gte",
        "exists",
        "matches",
        "contains",
        "intersects",
        "subset_of",
        "empty",
    }
    assert definitions["FactTests"]["additionalProperties"] is False
    rule = definitions["Rule"]
    assert set(rule["required"]) == {"id", "title", "source", "when", "outcome"}
    assert rule["properties"]["outcome"]["enum"] == [
        "reject",
        "needs_info",
        "warn",
        "info",
        "derive",
    ]
    json.dumps(schema)  # serialisable as is


def test_manifest_and_test_file_schemas():
    assert manifest_json_schema()["required"] == ["name", "version", "rulesets"]
    assert "cases" in case_file_json_schema()["required"]


def test_complaint_schema_has_the_right_discriminator():
    schema = complaint_json_schema()
    right = schema["properties"]["right"]
    assert right["discriminator"]["propertyName"] == "type"
    assert set(right["discriminator"]["mapping"]) == {"trademark", "copyright", "patent", "design"}
