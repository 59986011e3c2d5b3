"""Strict YAML loading for files written by hand: YAML 1.2 core scalars, limits, and positions.

Rulesets and complaint documents are written by policy staff, not programmers, and arrive from
outside, so the YAML is hostile until validated. This loader composes PyYAML's node graph (it
never constructs Python objects from tags) and converts it itself:

* plain scalars follow the YAML 1.2 core schema, so ``NO``, ``yes``, ``0x1F``, ``1:30`` and
  ``2026-03-02`` stay text, and numbers keep their source text (:mod:`ipp_rules.text.scalars`);
* keys are always text, duplicates and ``<<`` merge keys are errors, tags other than ``!!str``
  are errors;
* size, nesting depth, node count (alias expansions included) and scalar length are bounded,
  each as the parser reaches it: nothing past a limit is read;
* every value and key keeps its ``line:column`` so later errors can point into the file.

The events come from libyaml (C) where PyYAML is built with it, and from PyYAML's Python parser
where libyaml would read the document otherwise (see :func:`_compose`): the Python scanner
costs about 25 µs a node, so a hostile document at the node limit took seconds to refuse.

Every bad input raises the caller's error class (:class:`~ipp_rules.errors.RulesetError` by
default) with ``file:line:column`` locations; no YAML, decoding or recursion error escapes.

Kept whole (about 750 lines): one strict YAML reader; the composer, the resolver, the limits
and the two parsers it compares share one set of positions.
"""

from __future__ import annotations

import math
import os
import pathlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn

import yaml
from yaml.composer import Composer
from yaml.error import Mark as _YamlMark
from yaml.events import (
    AliasEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from ipp_rules.errors import InputError, RulesetError
from ipp_rules.problems import Problem
from ipp_rules.text.files import open_regular
from ipp_rules.text.scalars import PlainFloat, PlainInt

__all__ = [
    "DEFAULT_LIMITS",
    "Mark",
    "Path",
    "YamlDocument",
    "YamlLimits",
    "load_yaml",
    "load_yaml_file",
]


@dataclass(frozen=True)
class Mark:
    """A position in a YAML file, both numbers 1-based."""

    line: int
    column: int


@dataclass(frozen=True)
class YamlLimits:
    """Bounds on what one YAML file may cost to load."""

    max_bytes: int = 1_048_576
    """Size of the file in bytes (UTF-8)."""
    max_depth: int = 64
    """Nesting of mappings and sequences."""
    max_nodes: int = 200_000
    """Nodes visited while converting, alias expansions included (the billion-laughs guard)."""
    max_scalar_chars: int = 100_000
    """Characters in one scalar."""


DEFAULT_LIMITS = YamlLimits()

Path = tuple[str | int, ...]

_ROOT_MARK = Mark(1, 1)


@dataclass(frozen=True)
class YamlDocument:
    """A loaded YAML document: the converted tree and where each of its parts was written."""

    data: Any
    """Plain ``dict``/``list``/``str``/``bool``/``None``, ``PlainInt`` and ``PlainFloat``."""
    filename: str
    positions: Mapping[Path, Mark]
    """Position of every value node, keyed by its path from the root."""
    key_positions: Mapping[Path, Mark]
    """Position of every mapping key, keyed by the path of the value it introduces."""
    source: bytes = field(default=b"", repr=False)
    """The bytes the document was read from (empty when it was given as text), so that what
    identifies a file (a bundle's sha256) is what was read, not what the file holds later."""

    def mark(self, path: Sequence[str | int]) -> Mark:
        """Position of ``path``, or of its longest known prefix (``Mark(1, 1)`` at worst)."""
        key = tuple(path)
        for end in range(len(key), -1, -1):
            found = self.positions.get(key[:end])
            if found is not None:
                return found
        return _ROOT_MARK

    def position(self, path: Sequence[str | int], *, key: bool = False) -> Mark:
        """Where ``path`` was written; with ``key=True`` its key's position if known."""
        found = self.key_positions.get(tuple(path)) if key else None
        return found if found is not None else self.mark(path)

    def location(self, path: Sequence[str | int], *, key: bool = False) -> str:
        """``file:line:column`` of ``path`` (for messages that name another place)."""
        return _where(self.filename, self.position(path, key=key))

    def problem(
        self, path: Sequence[str | int], message: str, code: str, *, key: bool = False
    ) -> Problem:
        """A problem at ``path`` in this document, placed at ``file:line:column``."""
        mark = self.position(path, key=key)
        return Problem(message, code, file=self.filename, line=mark.line, column=mark.column)


# ---------------------------------------------------------------------------------------------
# Plain scalar resolution (YAML 1.2 core schema, decimal integers only)

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_NOT_FINITE = re.compile(r"[-+]?(\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN")

# Tags the composer gives nodes that carry no explicit tag, so they cannot be confused with an
# explicit ``!!str``, ``!!seq`` or ``!!map`` written in the file.
_PLAIN = "tag:ipp-rules,2026:plain"
_TEXT = "tag:ipp-rules,2026:text"
_SEQ = "tag:ipp-rules,2026:seq"
_MAP = "tag:ipp-rules,2026:map"
_STR = BaseResolver.DEFAULT_SCALAR_TAG
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"

# The characters PyYAML's reader refuses; checked up front to report them with a line and column.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class _Stop(Exception):
    """Internal: loading cannot go on; carries the problem without the file name."""

    def __init__(self, mark: Mark, message: str, code: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.code = code


class _Problems(Exception):
    """Internal: the problems collected while converting."""

    def __init__(self, problems: list[tuple[Mark, str, str]]) -> None:
        super().__init__(len(problems))
        self.problems = problems


def _where(filename: str, mark: Mark) -> str:
    return f"{filename}:{mark.line}:{mark.column}"


def _from_yaml_mark(mark: Any) -> Mark:
    if mark is None:
        return _ROOT_MARK
    return Mark(mark.line + 1, mark.column + 1)


def _mark_at(text: str, index: int) -> Mark:
    """Line and column of ``text[index]``, counted the way PyYAML's reader counts them."""
    prefix = text[:index]
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(prefix):
        line += 1
        start = match.end()
    return Mark(line, index - start - prefix.count("\ufeff", start) + 1)


def _too_large(limits: YamlLimits) -> str:
    return f"file too large: more than {limits.max_bytes} bytes"


def _bad_tag(tag: str) -> str:
    if tag.startswith(_YAML_TAG_PREFIX):
        tag = "!!" + tag.removeprefix(_YAML_TAG_PREFIX)
    return f"tag {tag} is not allowed (the only tag allowed is !!str, on a single value)"


# ---------------------------------------------------------------------------------------------
# Composition


class _AliasNode(Node):
    """An alias in the node graph, kept apart from its anchor so it has its own position."""

    def __init__(self, target: Node, start_mark: _YamlMark, end_mark: _YamlMark) -> None:
        super().__init__(target.tag, None, start_mark, end_mark)
        self.target = target


class _LimitedComposer(Composer):
    """PyYAML's composer with bounded depth and size, and explicit tags kept distinct.

    PyYAML composes recursively, so depth is checked before descending. Each finished node's
    expanded size (alias expansions included) and height are recorded, so an alias is charged
    its full expansion the moment it is read: a billion-laughs document fails at the alias that
    crosses the limit, before anything is expanded. An alias to a node still being composed is
    an alias to one of its own ancestors, i.e. recursive.
    """

    if TYPE_CHECKING:  # provided by the parser in the assembled loader

        def check_event(self, *choices: Any) -> bool: ...
        def peek_event(self) -> Any: ...
        def get_event(self) -> Any: ...
        def dispose(self) -> None: ...

    def __init__(self, limits: YamlLimits) -> None:
        super().__init__()
        self._limits = limits
        self._depth = 0
        self._nodes = 0
        self._measured: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded size, height)
        self._flow = 0  # flow collections ([...], {...}) the current node is in
        self.last_mark: _YamlMark | None = None
        """Where the last node began, for an error raised between events."""
        self.usual = True
        """No event so far is of a kind libyaml may give differently from PyYAML's Python
        parser: a tag, or an empty value in a flow collection or as the whole document."""

    def _charge(self, count: int, mark: Any, message: str, code: str) -> None:
        self._nodes += count
        if self._nodes > self._limits.max_nodes:
            raise _Stop(_from_yaml_mark(mark), message, code)

    def compose_node(self, parent: Node | None, index: int) -> Node:
        limits = self._limits
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            return self._compose_alias(self.get_event())
        self.last_mark = event.start_mark
        if event.tag is not None or (
            isinstance(event, ScalarEvent) and self._unusual_plain(event, parent)
        ):
            self.usual = False
        self._nodes += 1
        if self._nodes > limits.max_nodes:  # the message is only made when it is needed
            raise _Stop(
                _from_yaml_mark(event.start_mark),
                f"document too large: more than {limits.max_nodes} nodes",
                "too_many_nodes",
            )
        anchor = event.anchor
        if anchor is not None and anchor in self.anchors:
            first = _from_yaml_mark(self.anchors[anchor].start_mark)
            raise _Stop(
                _from_yaml_mark(event.start_mark),
                f"duplicate anchor &{anchor}; first defined on line {first.line}",
                "anchor",
            )
        if isinstance(event, ScalarEvent):
            scalar = self.compose_scalar_node(anchor)
            self._measured[id(scalar)] = (1, 0)
            return scalar
        if self._depth >= limits.max_depth:
            raise _Stop(
                _from_yaml_mark(event.start_mark),
                f"nesting too deep: more than {limits.max_depth} levels",
                "too_deep",
            )
        flow = 1 if event.flow_style else 0
        self._depth += 1
        self._flow += flow
        try:
            node: Node
            children: list[Node]
            if isinstance(event, SequenceStartEvent):
                node = self.compose_sequence_node(anchor)
                children = node.value
            else:
                node = self.compose_mapping_node(anchor)
                children = [part for pair in node.value for part in pair]
        finally:
            self._depth -= 1
            self._flow -= flow
        size, height = 1, 0
        for child in children:
            target = child.target if isinstance(child, _AliasNode) else child
            child_size, child_height = self._measured[id(target)]
            size += child_size
            height = max(height, child_height)
        self._measured[id(node)] = (min(size, limits.max_nodes + 1), height + 1)
        return node

    def _unusual_plain(self, event: ScalarEvent, parent: Node | None) -> bool:
        """A plain value libyaml reads otherwise than PyYAML's Python parser: an empty one in a
        flow collection or as the whole document (placed elsewhere), or one in a flow collection
        with a ``?`` in it (which the Python parser refuses)."""
        if event.style:
            return False
        if not event.value:
            return bool(self._flow) or parent is None
        return bool(self._flow) and "?" in event.value

    def _compose_alias(self, event: Any) -> Node:
        limits = self._limits
        mark = _from_yaml_mark(event.start_mark)
        target = self.anchors.get(event.anchor)
        if target is None:
            raise _Stop(
                mark, f"unknown alias *{event.anchor}: no anchor &{event.anchor} before it", "alias"
            )
        measured = self._measured.get(id(target))
        if measured is None:
            raise _Stop(
                mark,
                f"recursive alias: *{event.anchor} is inside the node it refers to",
                "recursive_alias",
            )
        size, height = measured
        if self._depth + height > limits.max_depth:
            raise _Stop(
                mark,
                f"nesting too deep: more than {limits.max_depth} levels after alias expansion",
                "too_deep",
            )
        self._charge(
            size,
            event.start_mark,
            f"alias expansion too large: *{event.anchor} makes the document more than "
            f"{limits.max_nodes} nodes",
            "alias_expansion",
        )
        return _AliasNode(target, event.start_mark, event.end_mark)

    def compose_scalar_node(self, anchor: Any) -> ScalarNode:
        event = self.get_event()
        if len(event.value) > self._limits.max_scalar_chars:
            raise _Stop(
                _from_yaml_mark(event.start_mark),
                f"value too long: more than {self._limits.max_scalar_chars} characters",
                "scalar_too_long",
            )
        style = event.style or None  # a plain scalar: None from PyYAML's parser, "" from libyaml
        if event.tag is None:
            tag = _PLAIN if style is None else _TEXT
        elif event.tag == "!":
            tag = _TEXT  # the non-specific tag: text, never resolved
        else:
            tag = event.tag
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=style)
        if anchor is not None:
            self.anchors[anchor] = node
        return node

    def compose_single(self) -> Node | None:
        """The root node of the only document; a second document is an error."""
        self.get_event()  # STREAM-START
        root = None
        if not self.check_event(StreamEndEvent):
            root = self.compose_document()
        if not self.check_event(StreamEndEvent):
            event = self.get_event()
            raise _Stop(
                _from_yaml_mark(event.start_mark),
                "more than one YAML document in the file (a second one starts here); "
                "put everything in one document",
                "multiple_documents",
            )
        return root


class _CollectionTags(BaseResolver):
    """No implicit resolvers: an untagged collection gets the composer's own tag."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # Only reached for untagged (or ``!``-tagged) collections; scalars are tagged above.
        if kind is SequenceNode:
            return _SEQ
        if kind is MappingNode:
            return _MAP
        return _TEXT


class _PythonLoader(Reader, Scanner, Parser, _LimitedComposer, _CollectionTags):
    """PyYAML's pure-Python reader, scanner and parser under the limited composer."""

    def __init__(self, text: str, limits: YamlLimits) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        _LimitedComposer.__init__(self, limits)
        _CollectionTags.__init__(self)


_LIBYAML: Callable[[str, YamlLimits], _LimitedComposer] | None
try:
    from yaml._yaml import CParser
except ImportError:  # a PyYAML built without libyaml
    _LIBYAML = None
else:

    class _LibyamlLoader(CParser, _LimitedComposer, _CollectionTags):
        """libyaml's scanner and parser (C) under the limited composer."""

        def __init__(self, text: str, limits: YamlLimits) -> None:
            CParser.__init__(self, text)
            _LimitedComposer.__init__(self, limits)
            _CollectionTags.__init__(self)

    _LIBYAML = _LibyamlLoader

PYTHON_BUDGET = 20_000
"""Nodes PyYAML's Python parser reads, at most, to check a document libyaml read unusually
(about half a second)."""

_UNUSUAL_TEXT = re.compile("[\t\ufeff]|[|>][-+1-9]{0,2}#|[^\n\r\x85\u2028\u2029]\\Z")
"""Text libyaml and PyYAML's Python parser read differently: a tab (libyaml takes it as a space
between tokens), a byte order mark after the first character, a comment right after a block
scalar's ``|`` or ``>``, and a last line with no line break (libyaml adds one, so an empty
value at the end is placed on the next line)."""


# ---------------------------------------------------------------------------------------------
# Conversion


class _Converter:
    """Turns the node graph into plain data, recording positions and collecting problems.

    The composer has already bounded depth, recursion and expanded size, so this walk is finite
    and its recursion shallow; it still counts the nodes it visits, as a second guard.
    """

    def __init__(self, limits: YamlLimits) -> None:
        self.limits = limits
        self.positions: dict[Path, Mark] = {}
        self.key_positions: dict[Path, Mark] = {}
        self.problems: list[tuple[Mark, str, str]] = []
        self._visited = 0

    def _visit(self, node: Node) -> Mark:
        mark = _from_yaml_mark(node.start_mark)
        self._visited += 1
        if self._visited > self.limits.max_nodes:
            raise _Stop(
                mark,
                f"alias expansion too large: the document expands to more than "
                f"{self.limits.max_nodes} nodes",
                "alias_expansion",
            )
        return mark

    def _problem(self, mark: Mark, message: str, code: str) -> None:
        self.problems.append((mark, message, code))

    def value(self, node: Node, path: Path) -> Any:
        mark = self._visit(node)
        self.positions[path] = mark
        if isinstance(node, _AliasNode):
            node = node.target
        if isinstance(node, ScalarNode):
            return self._scalar(node, mark)
        if node.tag not in (_SEQ, _MAP):
            self._problem(mark, _bad_tag(node.tag), "tag")
            return None
        if isinstance(node, SequenceNode):
            return [self.value(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._mapping(node, path)

    def _scalar(self, node: ScalarNode, mark: Mark) -> Any:
        if node.tag == _PLAIN:
            return self._plain(node.value, mark)
        if node.tag in (_TEXT, _STR):
            return self._text(node, mark)
        self._problem(mark, _bad_tag(node.tag), "tag")
        return None

    def _text(self, node: ScalarNode, mark: Mark) -> str | None:
        """A quoted or ``!!str`` value; ``\\u`` escapes of a surrogate pair become one character.

        JSON writes characters outside the BMP as escaped surrogate pairs, and PyYAML decodes
        each half on its own; a lone half is not text and cannot be written out again.
        """
        text: str = node.value
        if node.style == '"' and _SURROGATE.search(text):
            try:
                return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            except UnicodeDecodeError:
                self._problem(mark, "a \\u escape names half a surrogate pair", "encoding")
                return None
        return text

    def _plain(self, text: str, mark: Mark) -> Any:
        if text in _NULLS:
            return None
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
        if _INT.fullmatch(text):
            try:
                return PlainInt(text)
            except ValueError:
                self._problem(mark, f"number too long: {len(text)} digits", "number")
                return None
        if _FLOAT.fullmatch(text):
            number = PlainFloat(text)
            if math.isfinite(number):
                return number
            self._problem(mark, f"{text} is not a finite number", "number")
            return None
        if _NOT_FINITE.fullmatch(text):
            self._problem(mark, f"{text} is not a finite number", "number")
            return None
        return text

    def _mapping(self, node: Node, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            key_mark = self._visit(key_node)
            key = self._key(key_node, key_mark)
            if key is None:
                continue
            first = first_seen.get(key)
            if first is not None:
                self._problem(
                    key_mark,
                    f'duplicate key "{key}" on line {key_mark.line}; '
                    f"first defined on line {first.line}",
                    "duplicate_key",
                )
                continue
            first_seen[key] = key_mark
            value_path = (*path, key)
            self.key_positions[value_path] = key_mark
            result[key] = self.value(value_node, value_path)
        return result

    def _key(self, node: Node, mark: Mark) -> str | None:
        if isinstance(node, _AliasNode):
            node = node.target
        if not isinstance(node, ScalarNode):
            kind = "mapping" if isinstance(node, MappingNode) else "list"
            self._problem(mark, f"a key must be text, not a {kind}", "invalid_key")
            return None
        if node.tag == _PLAIN:
            text: str = node.value
            if text == "<<":
                self._problem(
                    mark,
                    "merge keys (<<) are not supported; write the entries out in full",
                    "merge_key",
                )
                return None
            if text in _NULLS:
                self._problem(mark, "a key must not be empty or null", "invalid_key")
                return None
            return text  # the source text: `1688:` is "1688", `NO:` is "NO", `true:` is "true"
        if node.tag not in (_TEXT, _STR):
            self._problem(mark, _bad_tag(node.tag), "tag")
            return None
        key = self._text(node, mark)
        if key == "":
            self._problem(mark, "a key must not be empty", "invalid_key")
            return None
        return key


# ---------------------------------------------------------------------------------------------
# Entry points


def _decode(source: str | bytes, limits: YamlLimits) -> str:
    """Check the size and decode; raises :class:`_Stop` with the position of bad input."""
    if isinstance(source, str):
        # A character is at least one byte: skip encoding when the length alone is too much.
        size = len(source)
        if size <= limits.max_bytes:
            size = len(source.encode("utf-8", "surrogatepass"))
        text = source
    else:
        size = len(source)
        text = ""
    if size > limits.max_bytes:
        raise _Stop(_ROOT_MARK, _too_large(limits), "too_large")
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            prefix = source[: exc.start].decode("utf-8").removeprefix("\ufeff")
            raise _Stop(
                _mark_at(prefix, len(prefix)),
                f"not valid UTF-8: byte 0x{source[exc.start]:02x} at offset {exc.start}",
                "encoding",
            ) from None
    text = text.removeprefix("\ufeff")
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        raise _Stop(
            _mark_at(text, bad.start()),
            f"character U+{ord(bad.group()):04X} is not allowed in YAML",
            "control_character",
        )
    return text


def _compose_with(loader: _LimitedComposer, text: str, limits: YamlLimits) -> Node | None:
    """The root node ``loader`` composes; every way it fails is a :class:`_Stop`, and a syntax
    error also makes the reading unusual."""
    try:
        return loader.compose_single()
    except ReaderError as exc:
        loader.usual = False
        raise _Stop(_mark_at(text, exc.position), f"invalid YAML: {exc.reason}", "yaml") from None
    except yaml.MarkedYAMLError as exc:
        loader.usual = False
        mark = _from_yaml_mark(exc.problem_mark or exc.context_mark)
        if exc.problem == "exceeded maximum nesting depth":  # libyaml's own bound, 1000
            message = f"nesting too deep: more than {limits.max_depth} levels"
            raise _Stop(mark, message, "too_deep") from None
        raise _Stop(mark, _describe(exc), "yaml") from None
    except RecursionError:
        raise _Stop(
            _from_yaml_mark(loader.last_mark), "nesting too deep to read", "too_deep"
        ) from None
    finally:
        loader.dispose()


def _compose(text: str, limits: YamlLimits) -> Node | None:
    """The document's root node, read by libyaml where it reads as PyYAML's Python parser.

    libyaml gives the same events with the same marks as the Python parser (the tests compare
    them on generated documents), except in a few corners: :data:`_UNUSUAL_TEXT`, what
    ``_LimitedComposer.usual`` watches for, and documents libyaml refuses. A document in a
    corner is read again by the Python parser, whose reading decides if it ends within
    :data:`PYTHON_BUDGET` nodes; past that, libyaml's stands. So a document of up to that many
    nodes reads as it always did, and no document costs more than the budget in Python.
    """
    if _LIBYAML is None:
        return _compose_with(_PythonLoader(text, limits), text, limits)
    loader = _LIBYAML(text, limits)
    read: Node | _Stop | None
    try:
        read = _compose_with(loader, text, limits)
    except _Stop as stop:
        read = stop
    if not loader.usual or _UNUSUAL_TEXT.search(text):
        budget = min(limits.max_nodes, PYTHON_BUDGET)
        try:
            return _compose_with(
                _PythonLoader(text, replace(limits, max_nodes=budget)), text, limits
            )
        except _Stop as stop:
            over_budget = stop.code in ("too_many_nodes", "alias_expansion")
            if not over_budget or budget == limits.max_nodes:
                raise
    if isinstance(read, _Stop):
        raise read
    return read


def _load(text: str, filename: str, limits: YamlLimits, source: bytes) -> YamlDocument:
    root = _compose(text, limits)
    converter = _Converter(limits)
    data = None if root is None else converter.value(root, ())
    if converter.problems:
        raise _Problems(converter.problems)
    return YamlDocument(
        data=data,
        filename=filename,
        positions=MappingProxyType(converter.positions),
        key_positions=MappingProxyType(converter.key_positions),
        source=source,
    )


def _describe(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if exc.context and exc.context_mark is not None and exc.problem_mark is not None:
        where = _from_yaml_mark(exc.context_mark)
        return f"invalid YAML: {problem} ({exc.context} at line {where.line})"
    if exc.context:
        return f"invalid YAML: {problem} ({exc.context})"
    return f"invalid YAML: {problem}"


def _fail(
    error: type[InputError], filename: str, problems: Sequence[tuple[Mark, str, str]]
) -> NoReturn:
    unique = dict.fromkeys(
        Problem(message, code, file=filename, line=mark.line, column=mark.column)
        for mark, message, code in problems
    )
    raise error(list(unique))


def load_yaml(
    source: str | bytes,
    filename: str,
    *,
    limits: YamlLimits = DEFAULT_LIMITS,
    error: type[InputError] = RulesetError,
) -> YamlDocument:
    """Load one YAML document strictly; every bad input raises ``error`` with locations.

    ``filename`` is only used in locations. Bytes must be UTF-8 (a leading BOM is dropped).
    """
    collected: list[tuple[Mark, str, str]] = []
    try:
        raw = source if isinstance(source, bytes) else b""
        return _load(_decode(source, limits), filename, limits, raw)
    except _Stop as stop:
        collected.append((stop.mark, stop.message, stop.code))
    except _Problems as found:
        collected.extend(found.problems)
    except RecursionError:
        collected.append((_ROOT_MARK, "nesting too deep to read", "too_deep"))
    except MemoryError:
        collected.append((_ROOT_MARK, "document too large to load", "too_large"))
    except Exception as exc:  # the contract: nothing but the typed error escapes
        collected.append((_ROOT_MARK, f"cannot read YAML: {type(exc).__name__}: {exc}", "yaml"))
    _fail(error, filename, collected)


def shown_path(path: str | os.PathLike[str]) -> pathlib.Path:
    """A file as problems show it: relative to the working directory when it is below it."""
    path = pathlib.Path(path)
    try:
        return path.resolve().relative_to(pathlib.Path.cwd().resolve())
    except (ValueError, OSError, RuntimeError):  # not below it; a symlink loop
        return path


def load_yaml_file(
    path: str | os.PathLike[str],
    *,
    display_name: str | None = None,
    limits: YamlLimits = DEFAULT_LIMITS,
    error: type[InputError] = RulesetError,
) -> YamlDocument:
    """Load a YAML file, checking its size before reading it; see :func:`load_yaml`."""
    name = str(path) if display_name is None else display_name
    try:
        with open_regular(path) as handle:
            if os.fstat(handle.fileno()).st_size > limits.max_bytes:
                _fail(error, name, [(_ROOT_MARK, _too_large(limits), "too_large")])
            # Read one byte past the limit: a file may grow, or report no size (/proc).
            data = handle.read(limits.max_bytes + 1)
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL in it
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _fail(error, name, [(_ROOT_MARK, f"cannot read file: {reason}", "unreadable")])
    return load_yaml(data, name, limits=limits, error=error)
