"""The JSON Schema of each kind of bundle file, and of a complaint document.

The schemas are generated from the pydantic models that validate the files (never written
by hand), and committed beside the bundled rules in ``rulesets/schema/``. Each bundled YAML
file names its schema on its first line, for editors that read the yaml-language-server
modeline (VS Code's YAML extension, and others): they then validate and complete keys and
values as staff type.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ipp_rules.deadlines import DeadlinePolicy
from ipp_rules.goodfaith import GoodFaithPolicy
from ipp_rules.models.complaint import complaint_json_schema
from ipp_rules.rulesets.bundle import MANIFEST
from ipp_rules.rulesets.format import (
    case_file_json_schema,
    manifest_json_schema,
    ruleset_json_schema,
)
from ipp_rules.text.files import write_regular

__all__ = [
    "DRAFT",
    "MODELINE",
    "SCHEMAS",
    "SCHEMA_FOLDER",
    "json_schema",
    "modeline",
    "schema_kind",
    "schema_text",
    "write_schemas",
]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema draft the schemas follow."""
SCHEMA_FOLDER = "schema"
"""Where a bundle keeps the schemas, relative to its folder."""
MODELINE = "# yaml-language-server: $schema="
"""How a bundle file's first line names its schema, for editors."""


def _good_faith_json_schema() -> dict[str, Any]:
    schema = GoodFaithPolicy.model_json_schema(by_alias=True)
    schema["title"] = "ipp-rules Good Faith Program policy"
    return schema


def _deadlines_json_schema() -> dict[str, Any]:
    schema = DeadlinePolicy.model_json_schema(by_alias=True)
    schema["title"] = "ipp-rules deadline policy"
    return schema


SCHEMAS: Mapping[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    "ruleset": ("ruleset.schema.json", ruleset_json_schema),
    "manifest": ("manifest.schema.json", manifest_json_schema),
    "tests": ("tests.schema.json", case_file_json_schema),
    "complaint": ("complaint.schema.json", complaint_json_schema),
    "good-faith": ("good_faith.schema.json", _good_faith_json_schema),
    "deadlines": ("deadlines.schema.json", _deadlines_json_schema),
}
"""Each kind of schema: its file name in ``schema/`` and the function that generates it."""


def json_schema(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` (a key of :data:`SCHEMAS`), with the draft it follows."""
    schema = SCHEMAS[kind][1]()
    return {"$schema": DRAFT, **{k: v for k, v in schema.items() if k != "$schema"}}


def schema_text(kind: str) -> str:
    """The schema as the committed file holds it."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: str | Path) -> list[Path]:
    """Write every schema into ``folder``; returns the files written. ``OSError`` if one of
    them is not a regular file (see :func:`~ipp_rules.text.files.write_regular`)."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, (name, _) in SCHEMAS.items():
        write_regular(target / name, schema_text(kind).encode("utf-8"))
        written.append(target / name)
    return written


def schema_kind(relative: str, manifest: Mapping[str, Any]) -> str | None:
    """Which schema a file of a bundle follows, from its path in the bundle folder and the
    manifest's data; None for a file no schema describes."""
    path = PurePosixPath(relative)
    if path.suffix not in (".yaml", ".yml"):
        return None
    if relative == MANIFEST:
        return "manifest"
    if path.parts[0] == "tests":
        if len(path.parts) == 2 and path.name.startswith("test_"):
            return "tests"
        if len(path.parts) > 2 and path.parts[1] == "bases":
            return "complaint"
        return None
    if relative in (manifest.get("rulesets") or ()):
        return "ruleset"
    if relative == manifest.get("good_faith"):
        return "good-faith"
    if relative == manifest.get("deadlines"):
        return "deadlines"
    return None


def modeline(relative: str, kind: str) -> str:
    """The first line a bundle file carries: its schema, relative to the file."""
    depth = len(PurePosixPath(relative).parts) - 1
    return f"{MODELINE}{'../' * depth}{SCHEMA_FOLDER}/{SCHEMAS[kind][0]}"
