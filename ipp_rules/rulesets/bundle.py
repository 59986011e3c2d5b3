"""Loading a bundle folder: manifest, rule files and tables, strictly, with every error located."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ipp_rules.engine.facts import FACTS
from ipp_rules.errors import Problem, RulesetError
from ipp_rules.models.decision import BundleIdentity
from ipp_rules.policies import policies
from ipp_rules.rulesets import format as fmt
from ipp_rules.rulesets.compiler import CompiledBundle, SourcedRule, compile_bundle
from ipp_rules.rulesets.yamlsource import YamlDocument, load_yaml_file

MANIFEST = "bundle.yaml"
Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Bundle:
    """A loaded, compiled bundle and its identity."""

    root: Path
    manifest: fmt.Manifest
    identity: BundleIdentity
    compiled: CompiledBundle
    files: tuple[str, ...]
    """The files that make up the bundle's identity, manifest first."""
    category_classes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """The category tables marketplace policies name: table -> category -> Nice class."""


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _known_keys() -> list[str]:
    keys: set[str] = set()
    for model in (
        fmt.Manifest,
        fmt.RuleFile,
        fmt.Rule,
        fmt.FactTests,
        fmt.Condition,
        fmt.FactRefSpec,
        fmt.TableRefSpec,
        fmt.TestFile,
        fmt.TestCase,
        fmt.Expectation,
    ):
        keys.update(_keys_of(model))
    return sorted(keys)


_KNOWN_KEYS = _known_keys()

# Where a pydantic location goes inside the format: the model of a key's value, and how many
# steps after the key to skip (a list index).
_CHILDREN: dict[type[BaseModel], dict[str, tuple[type[BaseModel], int]]] = {
    fmt.RuleFile: {"rules": (fmt.Rule, 1)},
    fmt.Rule: {"when": (fmt.Condition, 0)},
    fmt.Condition: {
        "all": (fmt.Condition, 1),
        "any": (fmt.Condition, 1),
        "not": (fmt.Condition, 0),
    },
    fmt.FactTests: {
        **{op: (fmt.FactRefSpec, 0) for op in ("eq", "ne", "lt", "lte", "gt", "gte", "contains")},
        **{op: (fmt.TableRefSpec, 0) for op in ("in", "not_in", "intersects", "subset_of")},
    },
    fmt.TableRefSpec: {"key": (fmt.FactRefSpec, 0)},
    fmt.TestFile: {"cases": (fmt.TestCase, 1)},
    fmt.TestCase: {"expect": (fmt.Expectation, 0)},
}


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The format model whose keys are expected at ``loc`` (None when it cannot be told)."""
    current = model
    index = 0
    while index < len(loc):
        step = loc[index]
        child = _CHILDREN.get(current, {}).get(step) if isinstance(step, str) else None
        if child is None and current is fmt.Condition and isinstance(step, str):
            child = (fmt.FactTests, 0)  # a fact named in a condition
        if child is None:
            return None
        current, skip = child
        index += 1 + skip
    return current if index == len(loc) else None


def _unknown_key(model: type[BaseModel], loc: Sequence[str | int]) -> str:
    """The message for an unknown key, with the closest key allowed in that place."""
    key = str(loc[-1])
    owner = _model_at(model, loc[:-1])
    options = _keys_of(owner) if owner is not None else _KNOWN_KEYS
    close = difflib.get_close_matches(key, [o for o in options if o != key], n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    if owner is not None:
        hint += f" (allowed here: {', '.join(_keys_of(owner))})"
    return f"unknown key '{key}'{hint}"


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list, like [a, b]",
    "dict_type": "a mapping of keys to values, like {key: value}",
}

_CLASS_WORDS = {
    "FactTests": "the tests on this fact, in braces, like {eq: value}",
    "Condition": "a condition: facts with their tests, like {right.status: {eq: authenticated}}",
    "FactRefSpec": "another fact, like {fact: submitted_on}",
    "TableRefSpec": "a table, like {table: name}",
}


def yaml_path(data: Any, loc: Iterable[str | int]) -> tuple[str | int, ...]:
    """The path inside the YAML data that a pydantic error location points to.

    Steps that do not exist in the data (union member names pydantic adds to locations) are
    skipped.
    """
    path: list[str | int] = []
    node = data
    steps = tuple(loc)
    for index, step in enumerate(steps):
        in_dict = isinstance(node, dict) and isinstance(step, str) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_dict or in_list:
            node = node[step]
            path.append(step)
        elif isinstance(node, dict) and isinstance(step, str) and index == len(steps) - 1:
            path.append(step)  # a missing key: point at its mapping
    return tuple(path)


def validation_problems(
    exc: ValidationError, doc: YamlDocument, model: type[BaseModel] | None = None
) -> list[Problem]:
    """Pydantic errors as located problems, in words a policy analyst can act on.

    ``model`` is the format model the document was validated against; with it, an unknown key
    is matched against the keys allowed in its place.
    """
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors(include_url=False):
        path = yaml_path(doc.data, error["loc"])
        kind = error["type"]
        ctx = error.get("ctx") or {}
        given = error.get("input")
        if kind == "extra_forbidden":
            if model is not None:
                message = _unknown_key(model, error["loc"])
            else:
                key = str(error["loc"][-1])
                options = [k for k in _KNOWN_KEYS if k != key]
                close = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                message = f"unknown key '{key}'{hint}"
            location = doc.location(path, key=True)
        elif kind == "missing":
            message = f"missing required key '{error['loc'][-1]}'"
            location = doc.location(path[:-1] if path and path[-1] == error["loc"][-1] else path)
        else:
            message = error["msg"].removeprefix("Value error, ")
            if kind == "string_pattern_mismatch" and ctx.get("pattern") in fmt.PATTERN_WORDS:
                message = f"expected {fmt.PATTERN_WORDS[ctx['pattern']]}"
            elif kind == "model_type" and ctx.get("class_name") in _CLASS_WORDS:
                message = f"expected {_CLASS_WORDS[ctx['class_name']]}"
                name = error["loc"][-1] if error["loc"] else None
                if ctx["class_name"] == "FactTests" and isinstance(name, str) and name not in FACTS:
                    close = difflib.get_close_matches(name, ["all", "any", "not"], n=1, cutoff=0.6)
                    if close:
                        message += f"; '{name}' is read as a fact name: did you mean '{close[0]}'?"
            elif kind == "literal_error" and isinstance(given, str):
                allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
                close = difflib.get_close_matches(given, allowed, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                message = f"expected one of {', '.join(allowed)}{hint}"
            elif kind.startswith("date_") or kind.startswith("datetime_"):
                message = "expected a date written YYYY-MM-DD, like 2026-03-02"
            elif kind in _TYPE_WORDS:
                message = f"expected {_TYPE_WORDS[kind]}"
            if kind.endswith("_type") or kind in (
                "literal_error",
                "string_pattern_mismatch",
                "enum",
                "date_from_datetime_parsing",
                "date_parsing",
            ):
                message = f"{message} (got {_short(given)})"
            if (
                kind == "bool_type"
                and isinstance(given, str)
                and given.lower() in {"yes", "no", "on", "off", "y", "n"}
            ):
                message = f"'{given}' is text here, not a yes/no value: write true or false"
            location = doc.location(path, key=error["loc"][-1:] == ("[key]",))
        if (location, message) not in seen:
            seen.add((location, message))
            problems.append(Problem(location, message, kind))
    return problems


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_document(model: type[Model], doc: YamlDocument) -> tuple[Model | None, list[Problem]]:
    """Validate a YAML document against a format model, with located problems."""
    if not isinstance(doc.data, dict):
        return None, [
            Problem(
                doc.location(()),
                "expected a mapping of keys to values at the top of the file",
                "not_a_mapping",
            )
        ]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_problems(exc, doc, model)


def _fingerprint(root: Path, names: Sequence[str]) -> str:
    digest = hashlib.sha256(b"ipp-rules bundle v1\0")
    for name in names:
        data = (root / name).read_bytes()
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def resolve_bundle_root(path: str | os.PathLike[str]) -> Path:
    root = Path(path)
    if root.is_file() and root.name == MANIFEST:
        root = root.parent
    return root


def load_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Load and compile the bundle in ``path``; RulesetError lists every problem found."""
    root = resolve_bundle_root(path)
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        raise RulesetError(
            [
                Problem(
                    _display(root, "."),
                    f"not a bundle: no {MANIFEST} in this folder",
                    "no_manifest",
                )
            ]
        )
    manifest_doc = load_yaml_file(manifest_path, display_name=_display(root, MANIFEST))
    manifest, problems = validate_document(fmt.Manifest, manifest_doc)
    if manifest is None:
        raise RulesetError(problems)

    sourced: list[SourcedRule] = []
    tables: dict[str, tuple[Any, YamlDocument, tuple[str | int, ...]]] = {}
    seen_files: set[str] = set()
    for index, name in enumerate(manifest.rulesets):
        where = manifest_doc.location(("rulesets", index))
        if name == MANIFEST:
            problems.append(
                Problem(where, f"{MANIFEST} is the manifest, not a rule file", "manifest_listed")
            )
            continue
        if name in seen_files:
            problems.append(Problem(where, f"'{name}' is listed twice", "duplicate_file"))
            continue
        seen_files.add(name)
        file_path = root / name
        if not file_path.is_file():
            problems.append(
                Problem(where, f"no file '{name}' in the bundle folder", "missing_file")
            )
            continue
        try:
            doc = load_yaml_file(file_path, display_name=_display(root, name))
        except RulesetError as exc:
            problems.extend(exc.problems)
            continue
        rule_file, file_problems = validate_document(fmt.RuleFile, doc)
        problems.extend(file_problems)
        if rule_file is None:
            continue
        for table_name in rule_file.tables:
            if table_name in tables:
                first = tables[table_name][1].location(("tables", table_name), key=True)
                problems.append(
                    Problem(
                        doc.location(("tables", table_name), key=True),
                        f"table '{table_name}' is defined twice (first at {first})",
                        "duplicate_table",
                    )
                )
                continue
            tables[table_name] = (doc.data["tables"][table_name], doc, ("tables", table_name))
        for rule_index, rule in enumerate(rule_file.rules):
            sourced.append(SourcedRule(rule, rule_file, doc, ("rules", rule_index)))
    if problems:
        raise RulesetError(problems)
    compiled, problems = compile_bundle(sourced, tables)
    categories, category_problems = _category_tables(tables)
    problems.extend(category_problems)
    if compiled is None or problems:
        raise RulesetError(problems)
    files = (MANIFEST, *manifest.rulesets)
    identity = BundleIdentity(
        name=manifest.name, version=manifest.version, sha256=_fingerprint(root, files)
    )
    return Bundle(root, manifest, identity, compiled, files, categories)


def _category_tables(
    tables: Mapping[str, tuple[Any, YamlDocument, tuple[str | int, ...]]],
) -> tuple[dict[str, dict[str, int]], list[Problem]]:
    """The category tables the registered marketplaces name, checked: one Nice class each."""
    found: dict[str, dict[str, int]] = {}
    problems: list[Problem] = []
    for name in sorted({p.category_table for p in policies().values()}):
        if name not in tables:
            continue
        data, doc, path = tables[name]
        if not isinstance(data, dict):
            problems.append(Problem(doc.location(path, key=True), f"category table '{name}' "
                                    "maps each category to its Nice class: "
                                    "'category: [class]'", "table_shape"))
            continue
        classes: dict[str, int] = {}
        for category, values in data.items():
            value = values[0] if isinstance(values, list) and len(values) == 1 else None
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 45:
                problems.append(Problem(doc.location((*path, category)), f"category "
                                        f"'{category}' in table '{name}' needs exactly one Nice "
                                        "class (1 to 45), like [25]", "table_shape"))
                continue
            classes[category] = int(value)
        found[name] = classes
    return found, problems


def _display(root: Path, name: str) -> str:
    """A file name as errors show it: relative to the working directory when it can be."""
    full = root / name
    try:
        return str(full.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(full)
