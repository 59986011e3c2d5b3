"""JSON from outside, read strictly, with the position of every value when a problem needs it.

:func:`loads` refuses what JSON's grammar allows but a document may not use: a key twice in an
object, ``NaN``/``Infinity``, numbers that overflow to infinity. :class:`JsonDocument` places
problems at ``file:line:column`` as a YAML document does; the positions are found by one scan
of the text, made only when a problem asks for one (a valid document never pays for it).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ipp_rules.errors import JsonRefused
from ipp_rules.problems import DocumentPath, Problem
from ipp_rules.text.yaml import Mark

__all__ = ["JsonDocument", "loads", "unique_keys"]


def _shown(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _refuse_constant(name: str) -> NoReturn:
    raise JsonRefused(f"expected a finite number, got {name}", "non_finite_number")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise JsonRefused(f"expected a finite number, got {shown}", "non_finite_number")
    return value


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``' ``object_pairs_hook`` that refuses a key given twice."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonRefused(
                f"expected each key once in an object, got {_shown(key)} twice", "duplicate_key"
            )
        result[key] = value
    return result


def loads(text: str) -> Any:
    """Parse JSON text strictly (a leading byte-order mark is allowed).

    Raises :class:`json.JSONDecodeError` for bad syntax,
    :class:`~ipp_rules.errors.JsonRefused` for a key given twice or a number that is not
    finite, ``ValueError`` for an integer of thousands of digits, and ``RecursionError`` for
    nesting deeper than Python's parser goes.
    """
    return json.loads(
        text.removeprefix("\ufeff"),
        object_pairs_hook=unique_keys,
        parse_constant=_refuse_constant,
        parse_float=_finite_float,
    )


_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<open>[\[{])|(?P<close>[\]}])|(?P<sep>[,:])'
    r"|(?P<scalar>[^\s,:\[\]{}\"]+))",
    re.S,
)


def _positions(text: str) -> tuple[dict[DocumentPath, int], dict[DocumentPath, int]]:
    """Offsets of every value, and of every object key, by path, in valid JSON ``text``."""
    values: dict[DocumentPath, int] = {}
    keys: dict[DocumentPath, int] = {}
    # A stack of open containers: (path, is_object, next index, pending key).
    stack: list[tuple[DocumentPath, bool, int, str | None]] = []
    expect_key = False
    position = 0
    while True:
        token = _TOKEN.match(text, position)
        if token is None or token.end() == position:
            break
        position = token.end()
        start = token.start(token.lastgroup or 0)
        kind = token.lastgroup
        if kind == "sep":
            if token.group("sep") == "," and stack and stack[-1][1]:
                expect_key = True
            continue
        if kind == "close":
            stack.pop()
            expect_key = False
            continue
        if expect_key and kind == "string":
            path, is_object, index, _ = stack[-1]
            name = json.loads(token.group("string"))
            stack[-1] = (path, is_object, index, name)
            keys[(*path, name)] = start
            expect_key = False
            continue
        # A value: at the top, after a key, or as a list item.
        if not stack:
            here: DocumentPath = ()
        else:
            path, is_object, index, pending = stack[-1]
            if is_object:
                here = (*path, pending if pending is not None else "")
            else:
                here = (*path, index)
                stack[-1] = (path, is_object, index + 1, pending)
        values[here] = start
        if kind == "open":
            is_object = token.group("open") == "{"
            stack.append((here, is_object, 0, None))
            expect_key = is_object
    return values, keys


@dataclass
class JsonDocument:
    """A parsed JSON document that can place a problem at ``file:line:column``.

    ``text`` is the source without a byte-order mark (columns count characters, as editors
    do)."""

    data: Any
    filename: str
    text: str
    _values: dict[DocumentPath, int] | None = field(default=None, repr=False)
    _keys: dict[DocumentPath, int] = field(default_factory=dict, repr=False)
    _lines: list[int] = field(default_factory=list, repr=False)

    def position(self, path: Sequence[str | int], *, key: bool = False) -> Mark:
        """Where ``path`` (or, with ``key=True``, its key) was written; its longest known
        prefix when the path itself is not in the text (a missing field)."""
        if self._values is None:
            self._values, self._keys = _positions(self.text)
            self._lines = [m.start() for m in re.finditer("\n", self.text)]
        wanted = tuple(path)
        offset = self._keys.get(wanted) if key else None
        end = len(wanted)
        while offset is None and end >= 0:
            offset = self._values.get(wanted[:end])
            end -= 1
        return self._mark(offset or 0)

    def _mark(self, offset: int) -> Mark:
        line = bisect.bisect_left(self._lines, offset)
        start = self._lines[line - 1] + 1 if line else 0
        return Mark(line + 1, offset - start + 1)

    def problem(
        self, path: Sequence[str | int], message: str, code: str, *, key: bool = False
    ) -> Problem:
        """A problem at ``path`` in this document, placed at ``file:line:column``."""
        mark = self.position(path, key=key)
        return Problem(
            message, code, file=self.filename, line=mark.line, column=mark.column, path=tuple(path)
        )
