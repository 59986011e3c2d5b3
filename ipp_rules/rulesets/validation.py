"""Validating a YAML document against a format model, with problems located and explained.

Pydantic's errors become :class:`~ipp_rules.errors.Problem` objects at ``file:line:column``,
worded for a policy analyst: unknown keys with a suggestion from the keys allowed there, YAML
1.1 yes/no words, values shown short.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ipp_rules.engine.facts import FACTS
from ipp_rules.errors import Problem
from ipp_rules.rulesets import format as fmt
from ipp_rules.rulesets.yamlsource import YamlDocument

Model = TypeVar("Model", bound=BaseModel)


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _known_keys() -> list[str]:
    keys: set[str] = set()
    for model in (
        fmt.Manifest,
        fmt.RuleFile,
        fmt.Rule,
        fmt.Waiver,
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
    fmt.RuleFile: {"rules": (fmt.Rule, 1), "waivers": (fmt.Waiver, 1)},
    fmt.Rule: {"when": (fmt.Condition, 0)},
    fmt.Waiver: {"when": (fmt.Condition, 0)},
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
            elif kind == "literal_error":
                expected = str(ctx.get("expected", ""))
                allowed = re.findall(r"'([^']*)'", expected) or re.split(r",? or |, ", expected)
                close = (
                    difflib.get_close_matches(given, allowed, n=1, cutoff=0.6)
                    if isinstance(given, str)
                    else []
                )
                hint = f"; did you mean '{close[0]}'?" if close else ""
                if isinstance(given, str) and given in allowed:  # '1' for the number 1
                    hint = "; write it without quotes"
                if len(allowed) == 1:
                    message = f"expected {allowed[0]}{hint}"
                else:
                    message = f"expected one of {', '.join(allowed)}{hint}"
            elif kind == "too_short" and given == "":
                message = "expected text, got an empty string"
            elif kind == "too_short":
                least = ctx.get("min_length")
                message = f"expected at least {least} item{'s' if least != 1 else ''}, got none"
                if ctx.get("actual_length"):
                    message = message.replace("got none", f"got {ctx['actual_length']}")
            elif kind == "string_too_short":
                message = "expected text, got an empty string"
            elif kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
                words = {
                    "less_than_equal": ("at most", "le"),
                    "greater_than_equal": ("at least", "ge"),
                    "less_than": ("less than", "lt"),
                    "greater_than": ("more than", "gt"),
                }[kind]
                message = (
                    f"expected a number of {words[0]} {ctx.get(words[1])} (got {_short(given)})"
                )
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
    return _one_branch(problems)


def _one_branch(problems: list[Problem]) -> list[Problem]:
    """Where a value may take several forms (a mapping or a file name), pydantic reports
    every form it failed. A value of the right type for one form is judged by that form
    alone: the other forms' type errors at the same place are dropped."""
    judged = {p.location for p in problems if not _is_type_error(p.code)}
    return [p for p in problems if not (_is_type_error(p.code) and p.location in judged)]


def _is_type_error(code: str | None) -> bool:
    return code is not None and (code.endswith("_type") or code == "model_attributes_type")


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
