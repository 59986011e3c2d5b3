"""Problems found in an input: where each is, as data, and one way to word and order them.

A :class:`Problem` carries its place as data (``file``, ``line``, ``column`` for text, ``path``
inside the document) and a ``code``; every text about it (``location``, ``str()``, JSON) is
derived from those fields, so no code ever parses a location back out of a string.

The rest of this module is shared by every loader (complaints, ruleset files, test files,
the Good Faith and deadline policies, histories, events, corpora):

- :func:`suggest`, the one "did you mean" (one cutoff, case and prefix fallbacks);
- :func:`model_at`, the one walk from a pydantic error location to the model that owns it;
- :func:`yaml_path` and :func:`validate_document`, which turn pydantic's errors on a YAML
  document into located problems worded for the people who write these files;
- :func:`best_first`, the one relevance ordering (in the spirit of python-jsonschema's
  ``best_match``): problems a person should read first come first.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

__all__ = [
    "ANY_ITEM",
    "CUTOFF",
    "PATTERN_WORDS",
    "Document",
    "DocumentPath",
    "Holds",
    "Problem",
    "best_first",
    "described",
    "format_path",
    "model_at",
    "suggest",
    "validate_document",
    "validation_problems",
    "worded_pattern",
    "yaml_path",
]

DocumentPath = tuple[str | int, ...]
"""A place inside a document: mapping keys and list indexes from the top."""

ANY_ITEM = -1
"""A list index standing for "some item" (``history[*].outcome``), when which is not known."""

CUTOFF = 0.6
"""How alike a word must be to a known one to be suggested (``difflib`` ratio)."""

PATTERN_WORDS: dict[str, str] = {}
"""Field patterns in words: a problem shows these, not the regular expression."""


def worded_pattern(pattern: str, words: str) -> str:
    """``pattern``, with the words a problem shows for a value that does not match it."""
    PATTERN_WORDS[pattern] = words
    return pattern


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: what is wrong, its code, and where it is.

    ``file``/``line``/``column`` place it in a text (1-based); ``path`` places it inside the
    document (``("listings", 2, "url")``). Either or both may be known.
    """

    message: str
    code: str = "invalid"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: DocumentPath = ()
    subject: str | None = None
    """The rule, table or file the problem is about, when it is about one (``check``)."""

    @property
    def severity(self) -> str:
        """``warning`` for a ``check`` warning (a ``W-`` code); ``error`` otherwise."""
        return "warning" if self.code.startswith("W-") else "error"

    @property
    def position(self) -> str:
        """``file:line:column`` (as much of it as is known), or ``""``."""
        if self.file is None:
            return ""
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"

    @property
    def location(self) -> str:
        """Where the problem is, as people read it: ``listings[2].url (c.yaml:9:5)``, a path,
        or a position."""
        field = format_path(self.path)
        position = self.position
        if field and position:
            return f"{field} ({position})"
        return field or position

    def as_json(self) -> dict[str, Any]:
        """The problem as JSON: every field, and the location text derived from them."""
        return {
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": list(self.path),
            "location": self.location,
            "severity": self.severity,
            "subject": self.subject,
        }

    def __str__(self) -> str:
        location = self.location
        return f"{location}: {self.message}" if location else self.message


def format_path(path: DocumentPath) -> str:
    """``listings[2].url`` for ``("listings", 2, "url")``; odd keys shown quoted."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += "[*]" if part == ANY_ITEM else f"[{part}]"
        else:
            name = str(part)
            if len(name) > 60:
                name = name[:57] + "..."
            if not name.isprintable() or not name:  # a NUL, a bidi control, an empty key
                name = repr(name)
            text = f"{text}.{name}" if text else name
    return text


def suggest(word: str, known: Iterable[str]) -> str | None:
    """The known word ``word`` was most likely meant to be, or None.

    Close spellings first (:data:`CUTOFF`), then the same word in another case (``th`` for
    ``TH``), then a known word it begins (``tao`` for ``taobao``).
    """
    options = [k for k in dict.fromkeys(known) if k != word]
    close = difflib.get_close_matches(word, options, n=1, cutoff=CUTOFF)
    if close:
        return close[0]
    lowered = word.lower()
    for option in options:
        if option.lower() == lowered:
            return option
    if lowered:
        for option in options:
            if option.lower().startswith(lowered):
                return option
    return None


def best_first(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in the order a person should read them: by file, then line and column (or
    document path), keeping the order found among equals; duplicates dropped."""
    unique = list(dict.fromkeys(problems))
    return sorted(
        unique,
        key=lambda p: (
            p.file or "",
            p.line if p.line is not None else 0,
            p.column if p.column is not None else 0,
        ),
    )


# ---------------------------------------------------------------------------------------------
# From pydantic's errors to problems


class Document(Protocol):
    """A document read from text that knows where its parts were written
    (:class:`ipp_rules.text.yaml.YamlDocument`)."""

    @property
    def data(self) -> Any: ...

    def problem(
        self, path: Sequence[str | int], message: str, code: str, *, key: bool = False
    ) -> Problem: ...


@dataclass(frozen=True)
class Holds:
    """``Annotated`` metadata for a field whose validator builds models itself (a value that
    may be a fact reference, say): the models it holds, so problems inside them are worded
    against their keys."""

    models: tuple[type[BaseModel], ...]

    def __init__(self, *models: type[BaseModel]) -> None:
        object.__setattr__(self, "models", models)


def _unwrap(annotation: Any) -> list[Any]:
    """The types an annotation may hold: ``Annotated`` and unions taken apart, ``None``
    dropped."""
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


def _step(annotation: Any, step: str | int) -> list[Any]:
    """What ``annotation`` holds one step further in; [] when the step leads nowhere."""
    found: list[Any] = []
    for member in _unwrap(annotation):
        origin = typing.get_origin(member)
        args = typing.get_args(member)
        if _is_model(member) and isinstance(step, str):
            field = _field(member, step)
            if field is not None:
                found.append(field)
            elif step == getattr(member, "__name__", None):  # a union member pydantic names
                found.append(member)
            else:
                extra = _extra_annotation(member)
                if extra is not None:
                    found.append(extra)
        elif origin in (list, tuple, set, frozenset) and isinstance(step, int) and args:
            found.append(args[0])
        elif origin is dict and args:
            found.append(args[1])
        elif isinstance(step, str) and getattr(member, "__name__", None) == step:
            found.append(member)
    return found


def _field(model: type[BaseModel], key: str) -> Any:
    """The annotation of the field written ``key``, with its ``Annotated`` metadata (pydantic
    keeps that apart, and :class:`Holds` is in it)."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            holds = [meta for meta in info.metadata if isinstance(meta, Holds)]
            return Annotated[(info.annotation, *holds)] if holds else info.annotation
    return None


def _extra_annotation(model: type[BaseModel]) -> Any:
    """The type of a model's extra keys (``__pydantic_extra__: dict[str, X]``), or None."""
    if model.model_config.get("extra") != "allow":
        return None
    hints = typing.get_type_hints(model)
    extra = hints.get("__pydantic_extra__")
    args = typing.get_args(extra)
    return args[1] if len(args) == 2 else None


def model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model whose keys are expected at ``loc`` (a pydantic error location) inside
    ``model``, or None when the location does not lead to exactly one model."""
    current: list[Any] = [model]
    for step in loc:
        current = [found for annotation in current for found in _step(annotation, step)]
        if not current:
            return None
    models = list(dict.fromkeys(m for a in current for m in _unwrap(a) if _is_model(m)))
    return models[0] if len(models) == 1 else None


def keys_of(model: type[BaseModel]) -> list[str]:
    """The keys a model allows, as written in files (aliases)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _all_keys(model: type[BaseModel]) -> list[str]:
    """Every key any model reachable from ``model`` allows: the fallback for suggestions."""
    seen: set[type[BaseModel]] = set()
    keys: set[str] = set()
    pending: list[Any] = [model]
    while pending:
        for member in _unwrap(pending.pop()):
            args = typing.get_args(member)
            if args:
                pending.extend(args)
            if _is_model(member) and member not in seen:
                seen.add(member)
                keys.update(keys_of(member))
                pending.extend(info.annotation for info in member.model_fields.values())
                extra = _extra_annotation(member)
                if extra is not None:
                    pending.append(extra)
    return sorted(keys)


def described(model: type[BaseModel]) -> str | None:
    """What a value of ``model`` looks like, in words, if the model says.

    A format model may set three class attributes to word its problems: ``expected``, what a
    value of it looks like (``"a table, like {table: name}"``); ``unknown_key``, the noun for
    one of its keys (``"deadline kind"``; ``"key"`` when unset); and ``extra_keys``, for a
    model whose extra keys name things (a condition's facts), the known names, so that a
    misspelt keyword (``alll``) is not taken for one of them.
    """
    words = getattr(model, "expected", None)
    return words if isinstance(words, str) else None


def yaml_path(data: Any, loc: Iterable[str | int]) -> DocumentPath:
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


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list, like [a, b]",
    "dict_type": "a mapping of keys to values, like {key: value}",
}
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
_BOUNDS = {
    "less_than_equal": ("at most", "le"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "greater_than": ("more than", "gt"),
}
_SHOWS_GIVEN = frozenset(
    {
        "literal_error",
        "string_pattern_mismatch",
        "enum",
        "date_from_datetime_parsing",
        "date_parsing",
    }
)


def _unknown_key(root: type[BaseModel], loc: Sequence[str | int]) -> str:
    """The message for an unknown key, with the closest key allowed in its place."""
    key = str(loc[-1])
    owner = model_at(root, loc[:-1])
    options = keys_of(owner) if owner is not None else _all_keys(root)
    noun = getattr(owner, "unknown_key", "key") if owner is not None else "key"
    close = suggest(key, options)
    hint = f"; did you mean '{close}'?" if close else ""
    if owner is not None:
        hint += f" (allowed here: {', '.join(keys_of(owner))})"
    return f"unknown {noun} '{key}'{hint}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(root: type[BaseModel], error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        return _unknown_key(root, loc)
    if kind == "missing":
        return f"missing required key '{loc[-1]}'"
    message: str = error["msg"].removeprefix("Value error, ")
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in PATTERN_WORDS:
        message = f"expected {PATTERN_WORDS[ctx['pattern']]}"
    elif kind == "model_type":
        expected = model_at(root, loc)
        words = described(expected) if expected is not None else None
        if words is not None and expected is not None:
            message = f"expected {words}"
            name = loc[-1] if loc else None
            owner = model_at(root, loc[:-1])
            names = getattr(owner, "extra_keys", None)
            keyword = (
                suggest(name, keys_of(owner))
                if owner is not None
                and isinstance(name, str)
                and names is not None
                and name not in names
                else None
            )
            if keyword is not None:
                message += f"; '{name}' is read as a fact name: did you mean '{keyword}'?"
    elif kind == "literal_error":
        expected_text = str(ctx.get("expected", ""))
        allowed = re.findall(r"'([^']*)'", expected_text) or re.split(r",? or |, ", expected_text)
        nearest = suggest(given, allowed) if isinstance(given, str) else None
        hint = f"; did you mean '{nearest}'?" if nearest else ""
        if isinstance(given, str) and given in allowed:  # '1' for the number 1
            hint = "; write it without quotes"
        if len(allowed) == 1:
            message = f"expected {allowed[0]}{hint}"
        else:
            message = f"expected one of {', '.join(allowed)}{hint}"
    elif kind in ("too_short", "string_too_short") and given == "":
        message = "expected text, got an empty string"
    elif kind == "too_short":
        least = ctx.get("min_length")
        message = f"expected at least {least} item{'s' if least != 1 else ''}, got none"
        if ctx.get("actual_length"):
            message = message.replace("got none", f"got {ctx['actual_length']}")
    elif kind in _BOUNDS:
        words, bound = _BOUNDS[kind]
        message = f"expected a number of {words} {ctx.get(bound)} (got {_short(given)})"
    elif kind.startswith("date_") or kind.startswith("datetime_"):
        message = "expected a date written YYYY-MM-DD, like 2026-03-02"
    elif kind in _TYPE_WORDS:
        message = f"expected {_TYPE_WORDS[kind]}"
    if kind.endswith("_type") or kind in _SHOWS_GIVEN:
        message = f"{message} (got {_short(given)})"
    if kind == "bool_type" and isinstance(given, str) and given.lower() in _YAML11_BOOLEANS:
        message = f"'{given}' is text here, not a yes/no value: write true or false"
    return message


def validation_problems(
    exc: ValidationError, doc: Document, model: type[BaseModel]
) -> list[Problem]:
    """Pydantic's errors on a YAML document, as problems at ``file:line:column`` worded for
    the people who write the file; ``model`` is the format it was validated against."""
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        at_key = kind == "extra_forbidden" or loc[-1:] == ("[key]",)
        path = yaml_path(doc.data, loc[:-1] if loc[-1:] == ("[key]",) else loc)
        if kind == "missing" and path and path[-1] == loc[-1]:
            path = path[:-1]
        problems.append(doc.problem(path, _message(model, error), kind, key=at_key))
    return _one_branch(list(dict.fromkeys(problems)))


def _one_branch(problems: list[Problem]) -> list[Problem]:
    """Where a value may take several forms (a mapping or a file name), pydantic reports
    every form it failed. A value of the right type for one form is judged by that form
    alone: the other forms' type errors at the same place are dropped."""
    judged = {p.position for p in problems if not _is_type_error(p.code)}
    return [p for p in problems if not (_is_type_error(p.code) and p.position in judged)]


def _is_type_error(code: str) -> bool:
    return code.endswith("_type") or code == "model_attributes_type"


Model = TypeVar("Model", bound=BaseModel)


def validate_document(model: type[Model], doc: Document) -> tuple[Model | None, list[Problem]]:
    """Validate a YAML document against a format model, with located problems."""
    if not isinstance(doc.data, dict):
        return None, [
            doc.problem(
                (), "expected a mapping of keys to values at the top of the file", "not_a_mapping"
            )
        ]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_problems(exc, doc, model)
