"""Complaint documents from outside, as JSON or YAML text or as plain data, into a Complaint.

Whatever is wrong with a document is reported at once: one :class:`ComplaintError` lists every
problem, each with the field path it is about (``listings[2].url``; for YAML also
``file:line:column``), what was expected and what was given, and pydantic's error type as its
code. Nothing else escapes: not a JSON or YAML error, not a recursion error.

A document is bounded before it is validated, whatever it came as: its size
(:data:`MAX_DOCUMENT_BYTES`), how deep its objects and lists nest (:data:`MAX_DOCUMENT_DEPTH`)
and how many values it holds (:data:`MAX_DOCUMENT_NODES`). Validation is linear in what it is
given, and pydantic cannot show a value nested thousands deep: it prints "Exception ignored"
tracebacks to standard error for each one.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from difflib import get_close_matches
from enum import Enum
from pathlib import PurePath
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ipp_rules.errors import ComplaintError, JsonRefused
from ipp_rules.models.complaint import SIMILAR_GROUP_PATTERN, Complaint
from ipp_rules.problems import Problem
from ipp_rules.text.json import JsonDocument, loads
from ipp_rules.text.scalars import PlainFloat, PlainInt
from ipp_rules.text.yaml import YamlDocument, YamlLimits, load_yaml

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_DOCUMENT_DEPTH",
    "MAX_DOCUMENT_NODES",
    "load_complaint",
    "parse_complaint_document",
]

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
"""The largest complaint document accepted, in bytes (UTF-8)."""

MAX_DOCUMENT_DEPTH = 32
"""The deepest nesting of objects and lists accepted, the document itself being level 1. The
complaint model nests four levels deep (``complainant.authorization.rights``)."""

MAX_DOCUMENT_NODES = YamlLimits().max_nodes
"""The most values a document may hold, counting objects, lists, keys and single values: four
times what the longest complaint the model allows holds (5000 listings, each with its fields)."""

_YAML_LIMITS = YamlLimits(
    max_bytes=MAX_DOCUMENT_BYTES, max_depth=MAX_DOCUMENT_DEPTH, max_nodes=MAX_DOCUMENT_NODES
)

DocumentPath = tuple[str | int, ...]


def load_complaint(data: Complaint | Mapping[str, Any]) -> Complaint:
    """A complaint from a model (returned as it is) or from plain data such as parsed JSON."""
    if isinstance(data, Complaint):
        return data
    _check_shape(data)
    return _validate(data, None)


def parse_complaint_document(
    source: str | bytes,
    filename: str = "<complaint>",
    format: Literal["json", "yaml"] | None = None,
) -> Complaint:
    """A complaint from JSON or YAML text.

    ``format`` None picks by the file name's suffix (``.json``, ``.yaml``, ``.yml``), else by
    the text: a document that starts with ``{`` is JSON. ``filename`` is used in locations.
    """
    kind = format if format is not None else _sniff(source, filename)
    document: YamlDocument | JsonDocument | None = None
    if kind == "json":
        document = _parse_json(source, filename)
        data = document.data
        _check_shape(data, filename, lambda path: _json_mark(source, len(path) + 1))
    elif kind == "yaml":  # the loader has bounded depth and nodes with the same limits
        document = load_yaml(source, filename, limits=_YAML_LIMITS, error=ComplaintError)
        data = document.data
    else:
        raise ValueError(f"format must be 'json', 'yaml' or None, not {format!r}")
    if not isinstance(data, dict):
        message = f"expected the document to be an object of fields, got {_show(data)}"
        problem = (
            Problem(message, "model_type", file=filename)
            if document is None
            else document.problem((), message, "model_type")
        )
        raise ComplaintError([problem])
    return _validate(data, document)


def _sniff(source: str | bytes, filename: str) -> Literal["json", "yaml"]:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if isinstance(source, bytes):
        starts_with_brace = re.match(rb"(?:\xef\xbb\xbf)?\s*\{", source) is not None
    else:
        starts_with_brace = re.match(r"\ufeff?\s*\{", source) is not None
    return "json" if starts_with_brace else "yaml"


# ---------------------------------------------------------------------------------------------
# Depth and size, before validation


def _check_shape(
    data: object,
    filename: str | None = None,
    where: Callable[[DocumentPath], tuple[int, int] | None] | None = None,
) -> None:
    """Raise :class:`ComplaintError` if ``data`` nests deeper than :data:`MAX_DOCUMENT_DEPTH`
    or holds more than :data:`MAX_DOCUMENT_NODES` values; ``where`` adds a position to the
    path of an object or list nested too deep.

    The walk stops at the first level too deep, so it recurses no further than that, and a
    list or object that contains itself is only too deep. Values are counted as their object
    or list is reached, so a long list is refused without going through it.
    """
    try:
        _Shape().walk(data, 1)
    except _OutOfShape as out:
        path = tuple(reversed(out.path))
        mark = where(path) if out.code == "nesting_too_deep" and where is not None else None
        problem = Problem(
            out.message,
            out.code,
            file=filename if mark is not None else None,
            line=mark[0] if mark is not None else None,
            column=mark[1] if mark is not None else None,
            path=path,
        )
        raise ComplaintError([problem]) from None


_TOO_DEEP = (
    f"expected objects and lists nested at most {MAX_DOCUMENT_DEPTH} levels deep, "
    f"got one nested {MAX_DOCUMENT_DEPTH + 1} levels deep here"
)
_TOO_MANY = (
    f"expected a document of at most {MAX_DOCUMENT_NODES} values (objects, lists, keys and "
    f"single values), got more by here"
)
_SINGLE = frozenset({str, int, float, bool, type(None)})
"""The types of single values in parsed JSON, which the walk steps over without a call."""


class _OutOfShape(Exception):
    """Internal: the walk went past a limit; ``path`` is filled in backwards on the way out."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path: list[str | int] = []


class _Shape:
    __slots__ = ("nodes",)

    def __init__(self) -> None:
        self.nodes = 1

    def walk(self, value: object, level: int) -> None:
        items: Iterable[tuple[Any, object]]
        # dict and list before the Mapping ABC, slow to check: this runs before every validation
        if isinstance(value, dict) or (not isinstance(value, list) and isinstance(value, Mapping)):
            self.nodes += 2 * len(value)  # keys and values
            items = value.items()
        elif isinstance(value, list | tuple | set | frozenset):
            self.nodes += len(value)
            items = enumerate(value)
        else:
            return
        if level > MAX_DOCUMENT_DEPTH:
            raise _OutOfShape(_TOO_DEEP, "nesting_too_deep")
        if self.nodes > MAX_DOCUMENT_NODES:
            raise _OutOfShape(_TOO_MANY, "too_many_nodes")
        for key, child in items:
            if type(child) in _SINGLE:
                continue
            try:
                self.walk(child, level + 1)
            except _OutOfShape as out:
                out.path.append(key if isinstance(key, str | int) else repr(key))
                raise


# ---------------------------------------------------------------------------------------------
# JSON


def _json_failure(
    filename: str, message: str, code: str, mark: tuple[int, int] | None = None
) -> ComplaintError:
    line, column = mark if mark is not None else (None, None)
    return ComplaintError([Problem(message, code, file=filename, line=line, column=column)])


def _parse_json(source: str | bytes, filename: str) -> JsonDocument:
    size = len(source)
    if isinstance(source, str) and size <= MAX_DOCUMENT_BYTES:
        size = len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_DOCUMENT_BYTES:
        raise _json_failure(
            filename,
            f"expected a document of at most {MAX_DOCUMENT_BYTES} bytes, got {size}",
            "document_too_large",
        )
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = source[: exc.start].decode("utf-8").removeprefix("\ufeff")
            line = before.count("\n") + 1
            column = len(before) - (before.rfind("\n") + 1) + 1
            message = (
                f"expected UTF-8 text, got byte 0x{source[exc.start]:02x} (byte offset {exc.start})"
            )
            raise _json_failure(filename, message, "json_invalid", (line, column)) from None
    else:
        text = source
    try:
        return JsonDocument(loads(text), filename, text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        message = f"expected valid JSON: {exc.msg}"
        raise _json_failure(filename, message, "json_invalid", (exc.lineno, exc.colno)) from None
    except JsonRefused as exc:
        raise _json_failure(filename, exc.message, exc.code) from None
    except RecursionError:  # nested far deeper than allowed: the position from the text
        deepest = _json_mark(text, MAX_DOCUMENT_DEPTH + 1)
        raise _json_failure(filename, _TOO_DEEP, "nesting_too_deep", deepest) from None
    except ValueError:  # an integer with more digits than Python converts
        message = "expected numbers of a sensible size, got one with thousands of digits"
        raise _json_failure(filename, message, "json_invalid") from None


_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
"""A JSON string (skipped whole) or a bracket."""


def _json_mark(source: str | bytes, level: int) -> tuple[int, int] | None:
    """Line and column of the first object or list nested ``level`` deep in the JSON
    ``source``, or None if there is none."""
    text = source if isinstance(source, str) else source.decode("utf-8", "replace")
    text = text.removeprefix("\ufeff")
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        bracket = match.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth == level:
                before = text[: match.start()]
                line = before.count("\n") + 1
                column = match.start() - (before.rfind("\n") + 1) + 1
                return line, column
        elif bracket in ("]", "}"):
            depth -= 1
    return None


# ---------------------------------------------------------------------------------------------
# Validation, and pydantic's errors in plain words


def _validate(data: object, document: YamlDocument | JsonDocument | None) -> Complaint:
    try:
        return Complaint.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [_problem(e, document) for e in errors if not _follows_from_items(e, errors)]
        raise ComplaintError(list(dict.fromkeys(problems))) from None
    except RecursionError:  # not expected within the limits; still never a traceback
        raise ComplaintError([Problem("", _TOO_DEEP, "nesting_too_deep")]) from None


def _follows_from_items(error: ErrorDetails, errors: list[ErrorDetails]) -> bool:
    """A list "too short" only because some of its items were refused, which are reported."""
    if error["type"] != "too_short":
        return False
    loc = error["loc"]
    return any(len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in errors)


@dataclass(frozen=True)
class _Place:
    """Where a pydantic error location points in the document, and what the model wants there."""

    path: DocumentPath
    """The location without pydantic's union tags: the keys and indexes of the document."""
    parent: type[BaseModel] | None
    """The model that holds the last key of ``path``."""
    target: Any
    """The type expected at ``path``, without ``Annotated`` and ``None`` options."""


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) == 1:
                annotation = options[0]
                continue
        return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _union_models(annotation: Any) -> tuple[type[BaseModel], ...]:
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return ()
    members = typing.get_args(annotation)
    return members if all(_is_model(m) for m in members) else ()


def _tags(model: type[BaseModel]) -> dict[str, tuple[Any, ...]]:
    """The model's fields that are literals (a discriminated union's tag is one of them)."""
    return {
        name: typing.get_args(field.annotation)
        for name, field in model.model_fields.items()
        if typing.get_origin(field.annotation) is Literal
    }


def _discriminator(members: tuple[type[BaseModel], ...]) -> str:
    common = set.intersection(*(set(_tags(m)) for m in members)) if members else set()
    return min(common) if common else "type"


def _union_choices(members: tuple[type[BaseModel], ...]) -> list[str]:
    name = _discriminator(members)
    return [str(tag) for m in members for tag in _tags(m).get(name, ())]


def _walk(loc: tuple[str | int, ...]) -> _Place:
    current: Any = Complaint
    parent: type[BaseModel] | None = None
    path: list[str | int] = []
    for part in loc:
        current = _unwrap(current)
        members = _union_models(current)
        if members and isinstance(part, str):
            name = _discriminator(members)
            tagged = [m for m in members if part in _tags(m).get(name, ())]
            if tagged:
                current = tagged[0]
                continue
        path.append(part)
        if isinstance(part, int):
            origin = typing.get_origin(current)
            current = typing.get_args(current)[0] if origin in (list, tuple) else None
        elif _is_model(current):
            parent = current
            field = current.model_fields.get(part)
            current = None if field is None else field.annotation
        else:
            parent, current = None, None
    return _Place(tuple(path), parent, _unwrap(current))


def _problem(error: ErrorDetails, document: YamlDocument | JsonDocument | None) -> Problem:
    code = error["type"]
    place = _walk(error["loc"])
    path = place.path
    ctx = error.get("ctx") or {}
    if code in ("union_tag_invalid", "union_tag_not_found"):
        path = (*path, _discriminator(_union_models(place.target)))
    elif code == "duplicate_item":
        path = (*path, ctx["index"])
    elif code == "invalid_key":
        path = path[:-1]
    message = _message(error, place)
    if document is None:
        return Problem(message, code, path=path)
    mark = document.position(path, key=code == "extra_forbidden")
    return Problem(
        message, code, file=document.filename, line=mark.line, column=mark.column, path=path
    )


_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})

_PATTERNS = {
    r"^[A-Z]{2}$": "a two-letter upper-case country code (ISO 3166-1 alpha-2, or WO)",
    r"^[a-z]{2}$": "a two-letter lower-case language code (ISO 639-1)",
    SIMILAR_GROUP_PATTERN: "a four-digit similar-goods group such as '0304' (its class 01-45, "
    "then the group)",
    r"\S": "text that is not blank",
}

_OWN_CODES = frozenset(
    {
        "country_required",
        "country_unknown",
        "group_outside_classes",
        "country_not_allowed",
        "date_order",
        "datetime_out_of_range",
        "designations_without_wo",
        "duplicate_item",
    }
)
"""Errors raised by the complaint models, whose messages are already in plain words."""

_DATE_CODES = frozenset(
    {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}
)
_DATETIME_CODES = frozenset(
    {"datetime_type", "datetime_parsing", "datetime_from_date_parsing", "datetime_object_invalid"}
)
_WITH_OFFSET = "a date and time with a UTC offset, such as 2026-03-02T10:15:00+07:00"


def _message(error: ErrorDetails, place: _Place) -> str:
    code = error["type"]
    given = error.get("input")
    ctx = error.get("ctx") or {}
    got = _show(given)
    if code in _OWN_CODES:
        return error["msg"]
    if code == "missing":
        return f"expected {_expected(place.target)}, got nothing: the field is required"
    if code == "extra_forbidden":
        return _unknown_field(place)
    if code == "invalid_key":
        return f"expected field names to be text, got {got}"
    if code in ("enum", "literal_error"):
        return _one_of(_quoted_words(str(ctx.get("expected", ""))), given)
    if code == "union_tag_invalid":
        tag = ctx.get("tag")
        name = _discriminator(_union_models(place.target))
        if isinstance(given, Mapping) and name in given:
            tag = given[name]  # the tag as written, not pydantic's text of it
        return _one_of(_quoted_words(str(ctx.get("expected_tags", ""))), tag)
    if code == "union_tag_not_found":
        choices = ", ".join(_union_choices(_union_models(place.target)))
        return f"expected one of {choices}, got nothing: the field is required"
    if code in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected an object of fields, got {got}"
    if code in ("list_type", "tuple_type", "iterable_type"):
        return f"expected a list, got {got}"
    if code == "string_type":
        return f"expected text, got {got}"
    if code == "string_too_short":
        if ctx.get("min_length") == 1:
            return "expected text, got an empty string"
        return f"expected at least {ctx.get('min_length')} characters, got {len(str(given))}"
    if code == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters, got {len(str(given))}"
    if code == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return f"expected {_PATTERNS.get(pattern, f'text matching {pattern}')}, got {got}"
    if code in ("int_type", "int_parsing", "int_from_float"):
        hint = ""
        if isinstance(given, str) and given.strip().lstrip("+-").isdigit():
            hint = "; write the number without quotes"
        return f"expected a whole number, got {got}{hint}"
    if code == "greater_than_equal":
        return f"expected a number of at least {ctx.get('ge')}, got {got}"
    if code == "less_than_equal":
        return f"expected a number of at most {ctx.get('le')}, got {got}"
    if code in ("bool_type", "bool_parsing"):
        hint = ""
        if isinstance(given, str) and given.lower() in _YAML11_BOOLEANS:
            hint = "; write true or false (yes, no, on and off are not booleans here)"
        elif isinstance(given, str) and given.lower() in ("true", "false"):
            hint = "; write it without quotes"
        return f"expected true or false, got {got}{hint}"
    if code == "too_short":
        return f"expected at least {_items(ctx.get('min_length'))}, got {_count(given)}"
    if code == "too_long":
        return f"expected at most {_items(ctx.get('max_length'))}, got {_count(given)}"
    if code in _DATE_CODES:
        return f"expected a date written YYYY-MM-DD, got {got}{_detail(ctx)}"
    if code in _DATETIME_CODES:
        return f"expected {_WITH_OFFSET}, got {got}{_detail(ctx)}"
    if code == "timezone_aware":
        return f"expected {_WITH_OFFSET}, got {got} without one: an offset is required"
    return f"{error['msg']}; got {got}"


def _unknown_field(place: _Place) -> str:
    key = str(place.path[-1]) if place.path else ""
    fields = list(place.parent.model_fields) if place.parent is not None else []
    message = f"unknown field {_show(key)}"
    if fields:
        message += f": expected one of {', '.join(fields)}"
    close = get_close_matches(key, fields, n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    return message


def _one_of(choices: list[str], given: Any) -> str:
    message = f"expected one of {', '.join(choices)}, got {_show(given)}"
    if isinstance(given, str):
        close = get_close_matches(given, choices, n=1) or [
            c for c in choices if c.lower() == given.lower()
        ]
        if close:
            message += f"; did you mean {close[0]!r}?"
    elif (
        isinstance(given, int | float)
        and not isinstance(given, bool)
        and _show(given) in choices  # not str(): an int of 5000 digits cannot be one
    ):
        message += f"; write it in quotes: '{given}'"
    return message


def _quoted_words(text: str) -> list[str]:
    """``"'a', 'b' or 'c'"`` (how pydantic lists choices) as ``["a", "b", "c"]``."""
    return re.findall(r"'([^']*)'", text)


def _detail(ctx: Mapping[str, Any]) -> str:
    detail = ctx.get("error")
    return f" ({detail})" if detail else ""


def _items(count: Any) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _count(given: Any) -> str:
    return _items(len(given)) if isinstance(given, list | tuple | dict) else _show(given)


def _expected(target: Any) -> str:
    if isinstance(target, type) and issubclass(target, Enum):
        return "one of " + ", ".join(str(m.value) for m in target)
    if typing.get_origin(target) is Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(target))
    if _is_model(target) or _union_models(target):
        return "an object of fields"
    if typing.get_origin(target) in (list, tuple):
        return "a list"
    if target is AwareDatetime or target is datetime:
        return _WITH_OFFSET
    if target is date:
        return "a date written YYYY-MM-DD"
    if target is bool:
        return "true or false"
    if target is int:
        return "a whole number"
    if target is str:
        return "text"
    return "a value"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show(value: Any) -> str:
    """A given value in a message: short, and in the document's own terms."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, PlainInt | PlainFloat):
        return _shorten(value.text)
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
