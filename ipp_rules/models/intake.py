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

:func:`load_complaint_json` is the fast way in for one JSON document (a line of a batch): it
validates the bytes directly, and whenever that fails it reads the document again the
located way, so a valid document is the same complaint and an invalid one the same
:class:`ComplaintError` as :func:`parse_complaint_document` gives.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import PurePath
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ipp_rules.errors import ComplaintError, JsonRefused
from ipp_rules.models.complaint import Complaint
from ipp_rules.problems import Problem
from ipp_rules.pydantic_errors import shown_value, validation_problems
from ipp_rules.text.json import JsonDocument, loads
from ipp_rules.text.yaml import YamlDocument, YamlLimits, load_yaml

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_DOCUMENT_DEPTH",
    "MAX_DOCUMENT_NODES",
    "check_shape",
    "document_too_large",
    "load_complaint",
    "load_complaint_json",
    "on_line",
    "parse_complaint_document",
    "read_json_document",
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
    if not _plain_tags(data):
        check_shape(data)
    # A document the model accepts is within the limits (the model bounds every list and
    # nests four levels deep), so they are checked only for one it refuses, before its
    # problems are read: pydantic cannot show a value nested thousands deep.
    return _validate(data, None, before_problems=lambda: check_shape(data))


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
        document = read_json_document(source, filename)
        data = document.data
        check_shape(data, filename, lambda path: _json_mark(source, len(path) + 1))
    elif kind == "yaml":  # the loader has bounded depth and nodes with the same limits
        document = load_yaml(source, filename, limits=_YAML_LIMITS, error=ComplaintError)
        data = document.data
    else:
        raise ValueError(f"format must be 'json', 'yaml' or None, not {format!r}")
    if not isinstance(data, dict):
        message = f"expected the document to be an object of fields, got {shown_value(data)}"
        problem = (
            Problem(message, "model_type", file=filename)
            if document is None
            else document.problem((), message, "model_type")
        )
        raise ComplaintError([problem])
    return _validate(data, document)


def load_complaint_json(source: str | bytes, filename: str = "<complaint>") -> Complaint:
    """A complaint from one JSON document: the complaint, or the :class:`ComplaintError`,
    that ``parse_complaint_document(source, filename, format="json")`` gives, faster.

    The text is validated by pydantic straight from its bytes, after the size limit (checked
    first, in bytes). A complaint the model accepts is within the depth and node limits (its
    lists are bounded, and it nests four levels), and pydantic's own parser refuses what the
    strict reader refuses (NaN, a number that is not finite, bad UTF-8, text after the
    document) except a key given twice, which it resolves by keeping the last: that is found
    by counting the keys written against the keys the model was given. Whatever fails here,
    and a key given twice, is read again by :func:`parse_complaint_document`, which is the
    authority on every error and its location.
    """
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    if len(data) <= MAX_DOCUMENT_BYTES:
        text = data.removeprefix(_UTF8_BOM)
        try:
            complaint = Complaint.model_validate_json(text)
        except (ValueError, RecursionError):  # ValidationError is a ValueError
            pass
        else:
            if _keys_written(text) == _keys_given(complaint):
                return complaint
    return parse_complaint_document(source, filename, format="json")


_UTF8_BOM = b"\xef\xbb\xbf"

_JSON_ESCAPE = re.compile(rb"\\.", re.S)


def _keys_written(text: bytes) -> int:
    """How many object keys valid JSON ``text`` writes (a key written twice counts twice).

    Outside strings, a colon follows each key and nothing else; with the escapes taken out,
    the quotes alternate opening and closing a string, so every other piece between two
    quotes is outside strings."""
    if b"\\" in text:
        text = _JSON_ESCAPE.sub(b"", text)
    return b"".join(text.split(b'"')[::2]).count(b":")


def _keys_given(model: BaseModel) -> int:
    """How many keys the document ``model`` was read from had, its models' included."""
    given = model.__pydantic_fields_set__
    count = len(given)
    for name in _model_fields(type(model)):
        if name in given:
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                count += _keys_given(value)
            elif isinstance(value, tuple):
                count += sum(_keys_given(item) for item in value if isinstance(item, BaseModel))
    return count


_MODEL_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}


def _model_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` whose type can hold a model (or a tuple of them)."""
    names = _MODEL_FIELDS.get(model)
    if names is None:
        names = tuple(
            name for name, field in model.model_fields.items() if _holds_model(field.annotation)
        )
        _MODEL_FIELDS[model] = names
    return names


def _holds_model(annotation: object) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(argument) for argument in get_args(annotation))


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


def check_shape(
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


def _tag_paths(annotation: Any, path: DocumentPath = ()) -> Iterator[DocumentPath]:
    """Where the tags of the model's tagged unions sit (``evidence[*].kind``): pydantic
    writes a tag's value into its error message while validating, so a tag holding a value
    nested thousands deep must be refused before validation."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = typing.get_args(annotation)
        for item in metadata:
            if isinstance(item, FieldInfo) and isinstance(item.discriminator, str):
                yield (*path, item.discriminator)
        yield from _tag_paths(inner, path)
    elif origin in (tuple, list):
        yield from _tag_paths(typing.get_args(annotation)[0], (*path, _EACH))
    elif origin in (Union, UnionType):
        for member in typing.get_args(annotation):
            yield from _tag_paths(member, path)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if isinstance(field.discriminator, str):
                yield (*path, name, field.discriminator)
            yield from _tag_paths(field.annotation, (*path, name))


_EACH = -1
_TAGS: tuple[DocumentPath, ...] = tuple(dict.fromkeys(_tag_paths(Complaint)))


def _plain_tags(data: object) -> bool:
    """Every tag of a tagged union in ``data`` is absent or a single value (no list, no
    object), and no list on the way is longer than a valid complaint's."""
    return all(_plain_at(data, path) for path in _TAGS)


def _plain_at(value: object, path: DocumentPath) -> bool:
    if not path:
        return type(value) in _SINGLE
    step, rest = path[0], path[1:]
    if step == _EACH:
        if not isinstance(value, list | tuple):
            return True
        return len(value) <= MAX_DOCUMENT_NODES // 4 and all(_plain_at(v, rest) for v in value)
    if type(value) is not dict and not isinstance(value, Mapping):
        return True
    return step not in value or _plain_at(value[step], rest)


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


def document_too_large(size: int, filename: str, limit: int = MAX_DOCUMENT_BYTES) -> ComplaintError:
    """The error for a JSON document of ``size`` bytes, past ``limit``."""
    return _json_failure(
        filename, f"expected a document of at most {limit} bytes, got {size}", "document_too_large"
    )


def on_line(error: ComplaintError, filename: str, number: int) -> ComplaintError:
    """``error`` about line ``number`` of the file ``filename``, which holds one document a
    line (JSON Lines): its problems are on that line (a document's line 2 would be the file's
    next, but a JSON Lines document has one line)."""
    return ComplaintError(
        [
            replace(problem, file=filename, line=number + (problem.line or 1) - 1)
            for problem in error.problems
        ]
    )


def read_json_document(
    source: str | bytes, filename: str, *, limit: int = MAX_DOCUMENT_BYTES
) -> JsonDocument:
    """One JSON document read strictly (no duplicate keys, no NaN, UTF-8 only), able to place
    a problem at ``file:line:column``; a ComplaintError, located, when it cannot be read or is
    larger than ``limit`` bytes."""
    size = len(source)
    if isinstance(source, str) and size <= limit:
        size = len(source.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise document_too_large(size, filename, limit)
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


def _validate(
    data: object,
    document: YamlDocument | JsonDocument | None,
    before_problems: Callable[[], None] | None = None,
) -> Complaint:
    """``data`` validated into a Complaint, or a ComplaintError with every problem;
    ``before_problems`` runs first when the model refuses it (it may raise instead)."""
    try:
        return Complaint.model_validate(data)
    except ValidationError as exc:
        if before_problems is not None:
            before_problems()
        problems = validation_problems(exc, Complaint, data, document, paths=True)
        raise ComplaintError(problems) from None
    except RecursionError:  # past the limits; never a traceback
        if before_problems is not None:
            before_problems()
        raise ComplaintError([Problem(_TOO_DEEP, "nesting_too_deep")]) from None
