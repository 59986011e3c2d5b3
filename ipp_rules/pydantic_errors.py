"""Pydantic's validation errors as located problems, worded for the people who write the input.

This is the one translator every loader uses: complaint documents, ruleset and test files, the
Good Faith and deadline policies, histories and events. Three steps:

1. :func:`place_of` walks a pydantic error location through the model's annotations and the
   data at once: it drops the labels pydantic adds (a union member's tag or class name, a
   validator's name), keeps the keys and indexes of the document, and learns which model owns
   the place and what type is expected there. :func:`model_at` is the same walk without data.
2. :func:`message_of` words the error from one table keyed by pydantic's error ``type``: what
   was expected, what was given, and a "did you mean" when a near word is known. A format
   model may help with class attributes (see :func:`described`); a field's pattern may carry
   words (:func:`ipp_rules.problems.worded_pattern`).
3. :func:`validation_problems` places each message in the document (``file:line:column`` when
   it was read from text) and drops the errors that only follow from another.

Kept whole (about 550 lines): the walk, the words and the placing are one translation, and
every loader uses all three.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal, Protocol, TypeVar

from pydantic import AwareDatetime, BaseModel, ValidationError
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from ipp_rules.problems import PATTERN_WORDS, DocumentPath, Problem, suggest

__all__ = [
    "Document",
    "Holds",
    "Place",
    "described",
    "keys_of",
    "message_of",
    "model_at",
    "place_of",
    "shown_value",
    "validate_document",
    "validation_problems",
]


class Mark(Protocol):
    """A position in a text: 1-based line and column."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class Document(Protocol):
    """A document read from text that knows where its parts were written
    (:class:`~ipp_rules.text.yaml.YamlDocument`, :class:`~ipp_rules.text.json.JsonDocument`)."""

    @property
    def data(self) -> Any: ...

    @property
    def filename(self) -> str: ...

    def position(self, path: Sequence[str | int], *, key: bool = False) -> Mark: ...


@dataclass(frozen=True)
class Holds:
    """``Annotated`` metadata for a field whose validator builds models itself (a value that
    may be a fact reference, say): the models it holds, so problems inside them are worded
    against their keys."""

    models: tuple[type[BaseModel], ...]

    def __init__(self, *models: type[BaseModel]) -> None:
        object.__setattr__(self, "models", models)


# ---------------------------------------------------------------------------------------------
# The walk


def _unwrap(annotation: Any) -> list[Any]:
    """The types an annotation may hold: ``Annotated`` and unions taken apart, ``None``
    dropped, and the models a :class:`Holds` names added."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *metadata = typing.get_args(annotation)
        held = [m for meta in metadata if isinstance(meta, Holds) for m in meta.models]
        return [*_unwrap(base), *held]
    if origin is typing.Union or origin is types.UnionType:
        return [
            member
            for arg in typing.get_args(annotation)
            if arg is not type(None)
            for member in _unwrap(arg)
        ]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field(model: type[BaseModel], key: str) -> Any:
    """The annotation of the field written ``key``, with its :class:`Holds` metadata (pydantic
    keeps metadata apart from the annotation)."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            holds = [meta for meta in info.metadata if isinstance(meta, Holds)]
            return Annotated[(info.annotation, *holds)] if holds else info.annotation
    return None


def _extra_annotation(model: type[BaseModel]) -> Any:
    """The type of a model's extra keys (``__pydantic_extra__: dict[str, X]``), or None."""
    if model.model_config.get("extra") != "allow":
        return None
    extra = typing.get_type_hints(model).get("__pydantic_extra__")
    args = typing.get_args(extra)
    return args[1] if len(args) == 2 else None


def _tags(model: type[BaseModel]) -> dict[str, tuple[Any, ...]]:
    """The model's fields that are literals (a discriminated union's tag is one of them)."""
    return {
        name: typing.get_args(info.annotation)
        for name, info in model.model_fields.items()
        if typing.get_origin(info.annotation) is Literal
    }


def _discriminator(models: Sequence[type[BaseModel]]) -> str | None:
    """The literal field every member of a union of models has (its discriminator)."""
    if len(models) < 2:
        return None
    common = set.intersection(*(set(_tags(m)) for m in models))
    return min(common) if common else None


def _member_named(members: Sequence[Any], label: str) -> Any:
    """The union member pydantic names ``label`` in a location: by its tag or class name."""
    models = [m for m in members if _is_model(m)]
    name = _discriminator(models)
    for model in models:
        if label == model.__name__ or (name is not None and label in _tags(model).get(name, ())):
            return model
    return None


def _step(members: Sequence[Any], step: str | int) -> list[Any]:
    """What the types ``members`` hold one step further in."""
    found: list[Any] = []
    for member in members:
        origin = typing.get_origin(member)
        args = typing.get_args(member)
        if _is_model(member) and isinstance(step, str):
            field = _field(member, step)
            extra = _extra_annotation(member) if field is None else None
            if field is not None or extra is not None:
                found.append(field if field is not None else extra)
        elif origin in (list, tuple, set, frozenset) and isinstance(step, int) and args:
            found.append(args[0])
        elif origin is dict and len(args) == 2:
            found.append(args[1])
    return found


@dataclass(frozen=True)
class Place:
    """Where an error is: its path in the document, the model that owns its last key, and the
    types expected there."""

    path: DocumentPath
    owner: type[BaseModel] | None
    target: tuple[Any, ...]
    root: type[BaseModel] | None = None
    """The model the walk started from."""

    @property
    def models(self) -> list[type[BaseModel]]:
        return [m for m in self.target if _is_model(m)]


def place_of(model: type[BaseModel], data: Any, loc: Sequence[str | int]) -> Place:
    """Walk ``loc`` through ``model`` and ``data`` together (see the module docstring)."""
    members: list[Any] = _unwrap(model)
    node: Any = data
    path: list[str | int] = []
    owner: type[BaseModel] | None = None
    in_dict = False  # the last step was a key of a dict-typed value
    for index, step in enumerate(loc):
        last = index == len(loc) - 1
        if step == "[key]" and last and in_dict:
            break  # pydantic's marker for a dict's key itself
        in_data = (isinstance(node, Mapping) and step in node) or (
            isinstance(node, list | tuple) and isinstance(step, int) and 0 <= step < len(node)
        )
        if isinstance(step, str) and len([m for m in members if _is_model(m)]) > 1:
            # Inside a union of models pydantic names the member first, even where the
            # document happens to have a key of that name.
            chosen = _member_named(members, step)
            if chosen is not None:
                members = [chosen]
                continue
        if not in_data and isinstance(step, str) and not (last and isinstance(node, Mapping)):
            continue  # a label pydantic adds (a validator's, a non-model union member's)
        models = [m for m in members if _is_model(m)]
        if isinstance(step, str):
            holders = [m for m in models if _step([m], step)]
            owner = holders[0] if holders else (models[0] if len(models) == 1 else None)
        in_dict = any(typing.get_origin(m) is dict for m in members)
        path.append(step)
        members = [m for a in _step(members, step) for m in _unwrap(a)]
        node = node[step] if in_data else None
    return Place(tuple(path), owner, tuple(dict.fromkeys(members)), model)


def model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model whose keys are expected at ``loc`` inside ``model``, or None when the
    location does not lead to exactly one model."""
    members: list[Any] = _unwrap(model)
    for step in loc:
        if isinstance(step, str):
            chosen = _member_named(members, step)
            if chosen is not None:
                members = [chosen]
                continue
        members = [m for a in _step(members, step) for m in _unwrap(a)]
        if not members:
            return None
    models = list(dict.fromkeys(m for m in members if _is_model(m)))
    return models[0] if len(models) == 1 else None


def keys_of(model: type[BaseModel]) -> list[str]:
    """The keys a model allows, as written (aliases)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def described(model: type[BaseModel]) -> str | None:
    """What a value of ``model`` looks like, in words, if the model says.

    A model may set three class attributes to word its problems: ``expected``, what a value
    of it looks like (``"a table, like {table: name}"``); ``unknown_key``, the noun for one of
    its keys (``"field"``, ``"deadline kind"``; ``"key"`` when unset); and ``extra_keys``, for
    a model whose extra keys name things (a condition's facts), the known names, so that a
    misspelt keyword (``alll``) is not taken for one of them.
    """
    words = getattr(model, "expected", None)
    return words if isinstance(words, str) else None


# ---------------------------------------------------------------------------------------------
# The words


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown_value(value: Any) -> str:
    """A given value in a message: short, and as it was written (``null``, ``true``, the
    digits of a number, text quoted)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = getattr(value, "text", None)  # a number read from YAML, with its source text
    if isinstance(text, str) and isinstance(value, int | float):
        return _shorten(text)
    if isinstance(value, Enum):
        return repr(_shorten(str(value.value)))
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else "a very large number"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(_shorten(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple | set | frozenset):
        return "a list"
    return f"a value of type {type(value).__name__}"


_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
_BUILT_IN = frozenset(typing.get_args(ErrorType))
_DATE = "a date written YYYY-MM-DD, like 2026-03-02"
_WITH_OFFSET = "an ISO-8601 date and time with a UTC offset, like 2026-03-02T10:15:00+07:00"
_DATE_CODES = frozenset(
    {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}
)
_DATETIME_CODES = frozenset(
    {"datetime_type", "datetime_parsing", "datetime_from_date_parsing", "datetime_object_invalid"}
)
_BOUNDS = {
    "less_than_equal": ("at most", "le"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "greater_than": ("more than", "gt"),
}


def _items(count: Any) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _one_of(choices: list[str], given: Any) -> str:
    expected = choices[0] if len(choices) == 1 else f"one of {', '.join(choices)}"
    message = f"expected {expected}, got {shown_value(given)}"
    if isinstance(given, str):
        near = suggest(given, choices)
        if given in choices:
            message += "; write it without quotes"  # '1' for the number 1
        elif near is not None:
            message += f"; did you mean {near!r}?"
    elif (
        isinstance(given, int | float)
        and not isinstance(given, bool)
        and shown_value(given) in choices  # not str(): an int of 5000 digits cannot be one
    ):
        message += f"; write it in quotes: '{shown_value(given)}'"
    return message


def _quoted_words(text: str) -> list[str]:
    """``"'a', 'b' or 'c'"`` (how pydantic lists choices) as ``["a", "b", "c"]``."""
    return re.findall(r"'([^']*)'", text) or [w for w in re.split(r",? or |, ", text) if w]


def _expected(place: Place) -> str:
    """What a value at ``place`` should be, in words."""
    targets = place.target
    models = place.models
    if len(models) == 1 and described(models[0]):
        return described(models[0]) or ""
    name = _discriminator(models)
    if name is not None:
        tags = ", ".join(str(t) for m in models for t in _tags(m).get(name, ()))
        return f"an object of fields whose {name} is one of {tags}"
    if models:
        return "an object of fields"
    if len(targets) != 1:
        return "a value"
    target = targets[0]
    if isinstance(target, type) and issubclass(target, Enum):
        return "one of " + ", ".join(str(m.value) for m in target)
    if typing.get_origin(target) is Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(target))
    if typing.get_origin(target) in (list, tuple):
        return "a list"
    if target in (AwareDatetime, datetime):
        return _WITH_OFFSET
    words = {date: _DATE, bool: "true or false", int: "a whole number", str: "text"}
    return words.get(target, "a value")


def _noun(model: type[BaseModel] | None) -> str:
    """What the keys of ``model`` are called in problems: ``key`` unless it says."""
    noun = getattr(model, "unknown_key", "key")
    return noun if isinstance(noun, str) else "key"


def _unknown_key(place: Place) -> str:
    key = str(place.path[-1]) if place.path else ""
    owner = place.owner
    message = f"unknown {_noun(owner)} {shown_value(key)}"
    if owner is not None:
        allowed = keys_of(owner)
        near = suggest(key, allowed)
        if near is not None:
            message += f"; did you mean {near!r}?"
        message += f" (allowed here: {', '.join(allowed)})"
    return message


def message_of(error: ErrorDetails, place: Place) -> str:
    """The words for one pydantic error at ``place``."""
    code = error["type"]
    given = error.get("input")
    ctx = error.get("ctx") or {}
    got = shown_value(given)
    if code not in _BUILT_IN:  # raised by our own validators, already in words
        return str(error["msg"]) + (f", got {got}" if code.endswith("_type") else "")
    if code == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if code == "missing":
        name = place.path[-1] if place.path else ""
        return f"missing required {_noun(place.owner)} {shown_value(name)}: " + (
            f"expected {_expected(place)}"
        )
    if code == "extra_forbidden":
        return _unknown_key(place)
    if code == "invalid_key":  # the path ends at the key: its mapping is the step before
        mapping = model_at(place.root, place.path[:-1]) if place.root is not None else None
        return f"expected {_noun(mapping)} names to be text, got {got}"
    if code in ("enum", "literal_error"):
        return _one_of(_quoted_words(str(ctx.get("expected", ""))), given)
    if code == "union_tag_invalid":
        field = _discriminator(place.models)
        tag: Any = ctx.get("tag")
        if isinstance(given, Mapping) and field in given:
            tag = given[field]  # the tag as written, not pydantic's text of it
        return _one_of(_quoted_words(str(ctx.get("expected_tags", ""))), tag)
    if code == "union_tag_not_found":
        field = _discriminator(place.models) or "type"
        tags = ", ".join(str(t) for m in place.models for t in _tags(m).get(field, ()))
        noun = _noun(place.models[0] if place.models else None)
        return f"missing required {noun} '{field}': expected one of {tags}"
    if code == "dict_type" and not place.models:
        return f"expected a mapping of keys to values, like {{key: value}}, got {got}"
    if code in ("model_type", "model_attributes_type", "dict_type"):
        message = f"expected {_expected(place) if place.models else 'an object of fields'}"
        message += f", got {got}"
        return message + _keyword_hint(place)
    if code in ("list_type", "tuple_type", "iterable_type"):
        return f"expected a list, like [a, b], got {got}"
    if code == "string_type":
        return f"expected text, got {got}"
    if code in ("string_too_short", "too_short") and given == "":
        return "expected text, got an empty string"
    if code == "string_too_short":
        return f"expected at least {ctx.get('min_length')} characters, got {len(str(given))}"
    if code == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters, got {len(str(given))}"
    if code == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return f"expected {PATTERN_WORDS.get(pattern, f'text matching {pattern}')}, got {got}"
    if code in ("int_type", "int_parsing", "int_from_float"):
        hint = ""
        if isinstance(given, str) and given.strip().lstrip("+-").isdigit():
            hint = "; write the number without quotes"
        return f"expected a whole number, got {got}{hint}"
    if code in _BOUNDS:
        words, bound = _BOUNDS[code]
        return f"expected a number of {words} {ctx.get(bound)}, got {got}"
    if code in ("bool_type", "bool_parsing"):
        hint = ""
        if isinstance(given, str) and given.lower() in _YAML11_BOOLEANS:
            hint = "; write true or false (yes, no, on and off are not booleans here)"
        elif isinstance(given, str) and given.lower() in ("true", "false"):
            hint = "; write it without quotes"
        return f"expected true or false, got {got}{hint}"
    if code == "too_short":
        count = _items(len(given)) if isinstance(given, list | tuple | dict) and given else got
        count = "none" if isinstance(given, list | tuple | dict) and not given else count
        return f"expected at least {_items(ctx.get('min_length'))}, got {count}"
    if code == "too_long" and isinstance(given, str):
        return f"expected at most {ctx.get('max_length')} characters, got {len(given)}"
    if code == "too_long":
        count = _items(len(given)) if isinstance(given, list | tuple | dict) else got
        return f"expected at most {_items(ctx.get('max_length'))}, got {count}"
    if code in _DATE_CODES:
        return f"expected {_DATE}, got {got}{_detail(ctx)}"
    if code in _DATETIME_CODES:
        return f"expected {_WITH_OFFSET}, got {got}{_detail(ctx)}"
    if code == "timezone_aware":
        return f"expected {_WITH_OFFSET}, got {got} without one: an offset is required"
    return f"{error['msg']}, got {got}"


def _detail(ctx: Mapping[str, Any]) -> str:
    detail = ctx.get("error")
    return f" ({detail})" if detail else ""


def _keyword_hint(place: Place) -> str:
    """For a model whose extra keys name things: a misspelt keyword read as a name."""
    owner = place.owner
    names = getattr(owner, "extra_keys", None)
    name = place.path[-1] if place.path else None
    if owner is None or names is None or not isinstance(name, str) or name in names:
        return ""
    keyword = suggest(name, keys_of(owner))
    return f"; '{name}' is read as a fact name: did you mean '{keyword}'?" if keyword else ""


# ---------------------------------------------------------------------------------------------
# Placing the problems


def _follows_from_items(error: ErrorDetails, errors: list[ErrorDetails]) -> bool:
    """A list "too short" only because some of its items were refused, which are reported."""
    if error["type"] != "too_short":
        return False
    loc = error["loc"]
    return any(len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in errors)


def _is_type_error(code: str) -> bool:
    return code.endswith("_type") or code == "model_attributes_type"


def _one_branch(problems: list[Problem]) -> list[Problem]:
    """Where a value may take several forms (a mapping or a file name), pydantic reports
    every form it failed. A value of the right type for one form is judged by that form
    alone: the other forms' type errors at the same place are dropped."""
    judged = {p.location for p in problems if not _is_type_error(p.code)}
    return [p for p in problems if not (_is_type_error(p.code) and p.location in judged)]


def validation_problems(
    exc: ValidationError,
    model: type[BaseModel],
    data: Any,
    document: Document | None = None,
    *,
    paths: bool = False,
) -> list[Problem]:
    """Pydantic's errors on ``data`` (validated against ``model``) as problems, each placed
    at ``file:line:column`` in ``document`` when the data was read from text; with
    ``paths=True`` each also names its field path (``listings[2].url``)."""
    errors = exc.errors(include_url=False)
    problems: list[Problem] = []
    for error in errors:
        if _follows_from_items(error, errors):
            continue
        code = error["type"]
        loc = tuple(error["loc"])
        place = place_of(model, data, loc)
        message = message_of(error, place)
        path = place.path
        if code in ("union_tag_invalid", "union_tag_not_found"):
            path = (*path, _discriminator(place.models) or "type")
        elif code == "invalid_key":
            path = path[:-1]  # the mapping whose key is not text
        elif code == "duplicate_item":
            path = (*path, (error.get("ctx") or {})["index"])
        at_key = code == "extra_forbidden" or loc[-1:] == ("[key]",)
        if document is None:
            problems.append(Problem(message, code, path=path))
            continue
        mark = document.position(path, key=at_key)
        problems.append(
            Problem(
                message,
                code,
                file=document.filename,
                line=mark.line,
                column=mark.column,
                path=path if paths else (),
            )
        )
    return _one_branch(list(dict.fromkeys(problems)))


Model = TypeVar("Model", bound=BaseModel)


def validate_document(model: type[Model], document: Document) -> tuple[Model | None, list[Problem]]:
    """Validate a document read from a file against a format model, with located problems."""
    if not isinstance(document.data, dict):
        mark = document.position(())
        message = "expected a mapping of keys to values at the top of the file"
        problem = Problem(
            message, "not_a_mapping", file=document.filename, line=mark.line, column=mark.column
        )
        return None, [problem]
    try:
        return model.model_validate(document.data), []
    except ValidationError as exc:
        return None, validation_problems(exc, model, document.data, document)
