"""The regular-expression subset of ``Matches`` atoms, for both backends.

A pattern always matches the *whole* text. The subset is what Python's ``re`` (with
``re.ASCII``) and durable_rules' ``$mt`` can be made to agree on:

- printable ASCII literal characters; metacharacters escaped with a backslash (``\\.``,
  ``\\-``, ``\\\\``, ``\\(`` ...; any punctuation may be escaped);
- ``.`` (any character except a newline, as in Python);
- character classes ``[a-z0-9_-]`` and negated classes ``[^,]``, with ranges, escaped
  punctuation and ``\\d`` inside;
- ``\\d`` (the ASCII digits ``0-9``);
- quantifiers ``*`` ``+`` ``?`` ``{m}`` ``{m,n}`` ``{m,}`` (m, n at most 50), greedy only;
- alternation ``|`` and groups ``( )`` / ``(?: )``.

Rejected, with the offset of the construct: anchors ``^`` ``$`` (a pattern is always
anchored), lookarounds, named groups, flags, backreferences, ``\\w`` ``\\s`` ``\\b`` and every
other letter escape, lazy or possessive quantifiers, non-ASCII or control characters,
empty patterns, empty alternatives or groups, and patterns whose matching could blow up:
a quantifier inside a repeated group (``(a+)+``), an ambiguous alternation inside a
repeated group (``(a|ab)*``), more than :data:`MAX_LENGTH` characters, or an automaton
larger than durable_rules can build.

How durable_rules is made to agree. durable matches the *raw JSON text* of a value (an
escaped quote is two characters, ``é`` sent as ``\\u00e9`` is six), its ``.`` and negated
classes have quirks, and ``%`` is its escape character. So the durable side never sees the
user's text or the user's classes: the characters are partitioned into the classes the
pattern cannot tell apart (``[a-z]x`` cannot tell ``b`` from ``q``, nor ``é`` from ``"``), each
class is given one *representative* plain ASCII character, the text is translated
character by character to representatives (:func:`durable_text`), and the pattern is
rewritten over representatives with positive classes only (:func:`to_durable`). Both
sides then run the same automaton over the same symbols.

Kept whole (about 800 lines): the parser, the automaton and the durable_rules translation are
one definition of the pattern subset; both backends must agree on it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "MAX_LENGTH",
    "DurablePattern",
    "TextSearch",
    "compile_durable",
    "durable_branches",
    "durable_text",
    "find_text",
    "fullmatch",
    "to_durable",
    "validate",
]

MAX_LENGTH = 200
"""Longest pattern accepted, in characters."""

MAX_REPEAT = 50
"""Largest bound in ``{m}`` / ``{m,n}`` / ``{m,}``."""

MAX_POSITIONS = 400
"""Most character positions once bounded repetitions are unrolled."""

MAX_DFA_STATES = 400
"""Most states of the deterministic automaton over representatives."""

_NEWLINE = 10
_NON_ASCII = 128
"""Stands for every character above U+007F: the subset cannot tell them apart."""

_UNIVERSE = frozenset(range(129))
_DIGITS = frozenset(range(ord("0"), ord("9") + 1))
_ESCAPABLE = frozenset(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum()) | {" "}
_META = frozenset(".^$*+?{}[]()|\\")

# Representatives, most readable first. Never '"' or '\\' (JSON escapes them, and durable
# keeps escapes raw), never control characters or DEL (durable's '.' and classes skip DEL).
_PLAIN = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_!#&',/:;<=>@`~ ^-$.|?*+()[]{}%"
)
assert len(set(_PLAIN)) == 93
_DURABLE_SPECIAL = frozenset(".|?*+()[]{}%")


class PatternError(ValueError):
    """A pattern outside the supported subset; ``offset`` is where the problem starts."""

    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} (at offset {offset})")
        self.offset = offset


# --- syntax tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chars:
    """One character from a set (code points 0-127, and 128 for "any non-ASCII")."""

    members: frozenset[int]


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _Alt:
    options: tuple[_Node, ...]


@dataclass(frozen=True)
class _Repeat:
    item: _Node
    low: int
    high: int | None  # None: unbounded


_Node = _Chars | _Seq | _Alt | _Repeat


class _Parser:
    def __init__(self, pattern: str):
        self.p = pattern
        self.i = 0

    def error(self, message: str, offset: int | None = None) -> PatternError:
        return PatternError(message, self.i if offset is None else offset)

    def peek(self) -> str | None:
        return self.p[self.i] if self.i < len(self.p) else None

    def parse(self) -> _Node:
        node = self.alternation()
        if self.i < len(self.p):
            raise self.error("unbalanced ')' (no group to close)")
        return node

    def alternation(self) -> _Node:
        starts = [self.i]
        options = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            starts.append(self.i)
            options.append(self.sequence())
        for start, option in zip(starts, options, strict=True):
            if isinstance(option, _Seq) and not option.items:
                raise self.error("empty alternative ('|' with nothing on one side)", start)
        return options[0] if len(options) == 1 else _Alt(tuple(options))

    def sequence(self) -> _Node:
        items: list[_Node] = []
        while (c := self.peek()) is not None and c not in "|)":
            start = self.i
            atom = self.atom()
            items.append(self.quantified(atom, start))
        return items[0] if len(items) == 1 else _Seq(tuple(items))

    def atom(self) -> _Node:
        c = self.p[self.i]
        start = self.i
        if c == "(":
            self.i += 1
            if self.p.startswith("?:", self.i):
                self.i += 2
            elif self.peek() == "?":
                raise self.error(
                    "'(?' constructs (lookarounds, named groups, flags) are not supported",
                    start,
                )
            if self.peek() == ")":
                raise self.error("empty group '()'", start)
            inner = self.alternation()
            if self.peek() != ")":
                raise self.error("unclosed group '('", start)
            self.i += 1
            return inner
        if c == "[":
            return self.char_class()
        if c == ".":
            self.i += 1
            return _Chars(_UNIVERSE - {_NEWLINE})
        if c == "\\":
            return _Chars(self.escape(in_class=False))
        if c in "^$":
            raise self.error(
                f"anchor '{c}' is not supported: a pattern always matches the whole text"
            )
        if c in "*+?":
            raise self.error(f"quantifier '{c}' has nothing to repeat")
        if c == "{":
            raise self.error("'{' must start a repetition like {2} or {1,3}, or be escaped as \\{")
        if c in "]}":
            raise self.error(f"unescaped '{c}': write \\{c}")
        self.i += 1
        return _Chars(frozenset({self.literal(c, start)}))

    def literal(self, c: str, offset: int) -> int:
        code = ord(c)
        if code > 0x7E:
            raise self.error(f"non-ASCII character {c!r} is not supported", offset)
        if code < 0x20:
            raise self.error(f"control character {c!r} is not supported", offset)
        return code

    def escape(self, *, in_class: bool) -> frozenset[int]:
        start = self.i
        self.i += 1
        c = self.peek()
        if c is None:
            raise self.error("pattern ends with a lone backslash", start)
        self.i += 1
        if c == "d":
            return _DIGITS
        if c in _ESCAPABLE:
            return frozenset({ord(c)})
        if c.isalnum() or c == "_":
            raise self.error(
                f"escape '\\{c}' is not supported (only \\d and escaped punctuation)", start
            )
        self.literal(c, start + 1)
        raise self.error(f"escape '\\{c}' is not supported", start)  # pragma: no cover

    def char_class(self) -> _Node:
        start = self.i
        self.i += 1
        negated = False
        if self.peek() == "^":
            negated = True
            self.i += 1
        members: set[int] = set()
        first = True
        while True:
            c = self.peek()
            if c is None:
                raise self.error("unclosed character class '['", start)
            if c == "]":
                if first:
                    raise self.error("empty character class (write \\] for a literal ']')", start)
                self.i += 1
                break
            if self.p.startswith(("--", "&&", "~~", "||"), self.i):
                raise self.error(
                    f"'{self.p[self.i : self.i + 2]}' in a class is ambiguous: escape it"
                )
            if c == "[":
                raise self.error("'[' inside a class must be escaped as \\[")
            low = self.class_item()
            if low is None:  # \d
                members |= _DIGITS
            elif self.peek() == "-" and self.i + 1 < len(self.p) and self.p[self.i + 1] != "]":
                dash = self.i
                self.i += 1
                high = self.class_item()
                if high is None:
                    raise self.error("a range cannot end with \\d", dash)
                if high < low:
                    raise self.error("range out of order", dash)
                members |= set(range(low, high + 1))
            else:
                members.add(low)
            first = False
        chars = frozenset(members)
        return _Chars(_UNIVERSE - chars if negated else chars)

    def class_item(self) -> int | None:
        c = self.p[self.i]
        if c == "\\":
            escaped = self.escape(in_class=True)
            return None if len(escaped) > 1 else min(escaped)
        self.i += 1
        return self.literal(c, self.i - 1)

    def quantified(self, atom: _Node, start: int) -> _Node:
        c = self.peek()
        if c is None or c not in "*+?{":
            return atom
        q_start = self.i
        if c == "{":
            low, high = self.interval()
        else:
            self.i += 1
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
        nxt = self.peek()
        if nxt is not None and nxt in "*+?{":
            raise self.error("lazy, possessive or repeated quantifiers are not supported", self.i)
        if (high is None or high > 1) and _has_variable_repeat(atom):
            raise self.error(
                "nested quantifier (a group repeated more than once with a variable "
                "repetition inside)",
                q_start,
            )
        if (high is None or high > 1) and not _unambiguous(atom):
            raise self.error(
                "alternatives inside a repeated group must start with different characters",
                start,
            )
        return _Repeat(atom, low, high)

    def interval(self) -> tuple[int, int | None]:
        start = self.i
        m = re.compile(r"\{(\d{1,3})(,(\d{1,3})?)?\}").match(self.p, self.i)
        if not m:
            raise self.error("malformed repetition: use {m}, {m,n} or {m,}", start)
        self.i = m.end()
        low = int(m.group(1))
        high: int | None = low
        if m.group(2):
            high = int(m.group(3)) if m.group(3) else None
        if low > MAX_REPEAT or (high is not None and high > MAX_REPEAT):
            raise self.error(f"repetition bounds above {MAX_REPEAT} are not supported", start)
        if high is not None and high < low:
            raise self.error("repetition {m,n} with n < m", start)
        if high == 0:
            raise self.error("repetition {0} matches nothing: remove it", start)
        return low, high


def _has_variable_repeat(node: _Node) -> bool:
    if isinstance(node, _Repeat):
        return node.low != node.high or _has_variable_repeat(node.item)
    if isinstance(node, _Seq):
        return any(_has_variable_repeat(i) for i in node.items)
    if isinstance(node, _Alt):
        return any(_has_variable_repeat(o) for o in node.options)
    return False


def _first(node: _Node) -> frozenset[int]:
    if isinstance(node, _Chars):
        return node.members
    if isinstance(node, _Seq):
        return _first(node.items[0])
    if isinstance(node, _Alt):
        return frozenset().union(*(_first(o) for o in node.options))
    return _first(node.item)


def _unambiguous(node: _Node) -> bool:
    """No alternation inside ``node`` offers two options starting with the same character."""
    if isinstance(node, _Chars):
        return True
    if isinstance(node, _Seq):
        return all(_unambiguous(i) for i in node.items)
    if isinstance(node, _Repeat):
        return _unambiguous(node.item)
    seen: frozenset[int] = frozenset()
    for option in node.options:
        first = _first(option)
        if seen & first or not _unambiguous(option):
            return False
        seen |= first
    return True


def _char_sets(node: _Node) -> Iterator[frozenset[int]]:
    if isinstance(node, _Chars):
        yield node.members
    elif isinstance(node, _Seq):
        for i in node.items:
            yield from _char_sets(i)
    elif isinstance(node, _Alt):
        for o in node.options:
            yield from _char_sets(o)
    else:
        yield from _char_sets(node.item)


# --- automaton: the size bound and the reference matcher ---------------------------------


def _positions(node: _Node) -> int:
    if isinstance(node, _Chars):
        return 1
    if isinstance(node, _Seq):
        return sum(_positions(i) for i in node.items)
    if isinstance(node, _Alt):
        return sum(_positions(o) for o in node.options)
    copies = node.low + 1 if node.high is None else node.high
    return _positions(node.item) * max(copies, 1)


class _Nfa:
    """Thompson automaton over class indices, from which the DFA (:class:`_Dfa`) is built."""

    def __init__(self) -> None:
        self.eps: list[list[int]] = []
        self.edges: list[list[tuple[frozenset[int], int]]] = []

    def state(self) -> int:
        self.eps.append([])
        self.edges.append([])
        return len(self.eps) - 1

    def build(self, node: _Node, start: int) -> int:
        """Add ``node`` after ``start``; return its end state."""
        if isinstance(node, _Chars):
            end = self.state()
            self.edges[start].append((node.members, end))
            return end
        if isinstance(node, _Seq):
            for item in node.items:
                start = self.build(item, start)
            return start
        if isinstance(node, _Alt):
            end = self.state()
            for option in node.options:
                self.eps[self.build(option, start)].append(end)
            return end
        current = start
        for _ in range(node.low):
            current = self.build(node.item, current)
        if node.high is None:
            loop = self.state()
            self.eps[current].append(loop)
            self.eps[self.build(node.item, loop)].append(loop)
            return loop
        end = self.state()
        self.eps[current].append(end)
        for _ in range(node.high - node.low):
            current = self.build(node.item, current)
            self.eps[current].append(end)
        return end

    def closure(self, states: frozenset[int]) -> frozenset[int]:
        todo = list(states)
        seen = set(states)
        while todo:
            for nxt in self.eps[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return frozenset(seen)


@dataclass(frozen=True)
class _Dfa:
    """The deterministic automaton of a pattern: the reference evaluator's matcher.

    Matching walks the text once, one table lookup per character, so no pattern of the
    subset can take more than linear time, whatever backtracking ``re`` would do (chained
    repeats such as ``[a-z]*[a-z]*...!`` are exponential-ish for ``re``)."""

    symbol: tuple[int, ...]
    """Class index of each code point 0-127; index 128 is every non-ASCII character."""
    delta: tuple[tuple[int, ...], ...]
    """Next state per state and class index; -1 is the dead state."""
    accepting: frozenset[int]

    def fullmatch(self, text: str) -> bool:
        symbol = self.symbol
        delta = self.delta
        state = 0
        for char in text:
            code = ord(char)
            state = delta[state][symbol[code if code < 128 else 128]]
            if state < 0:
                return False
        return state in self.accepting


def _dfa(tree: _Node, classes: list[frozenset[int]], limit: int) -> _Dfa | None:
    """The automaton of ``tree`` over ``classes``, or ``None`` past ``limit`` states."""
    nfa = _Nfa()
    start = nfa.state()
    end = nfa.build(tree, start)
    symbols = [min(c) for c in classes]
    first = nfa.closure(frozenset({start}))
    number = {first: 0}
    rows: list[list[int]] = []
    todo = [first]
    while todo:
        current = todo.pop(0)
        row = []
        for symbol in symbols:
            step = frozenset(
                nxt for s in current for members, nxt in nfa.edges[s] if symbol in members
            )
            if not step:
                row.append(-1)
                continue
            target = nfa.closure(step)
            if target not in number:
                if len(number) >= limit:
                    return None
                number[target] = len(number)
                todo.append(target)
            row.append(number[target])
        rows.append(row)
    index = {code: i for i, cls in enumerate(classes) for code in cls}
    return _Dfa(
        symbol=tuple(index[code] for code in range(129)),
        delta=tuple(tuple(row) for row in rows),
        accepting=frozenset(n for states, n in number.items() if end in states),
    )


# --- the compiled forms ------------------------------------------------------------------


@dataclass(frozen=True)
class DurablePattern:
    """A validated pattern, rewritten for durable_rules' ``$mt`` over representatives."""

    source: str
    durable: str
    """The pattern in durable's dialect, over representative characters."""
    table: dict[int, str]
    """Representative of each ASCII code point."""
    other: str
    """Representative of every non-ASCII character."""
    branches: tuple[str, ...] | None
    """The pattern as alternation-free durable patterns whose union is its language, or
    ``None`` when it has no such form (an alternation of several characters inside a
    repeated group). durable_rules answers wrongly for some patterns with ``|`` (measured:
    ``b+|[b0]`` matches ``b0``), so the backend tests each branch with its own ``$mt``."""

    def translate(self, text: str) -> str:
        """The text as durable must see it: each character replaced by its representative."""
        return text.translate(_Table(self.table, self.other))


class _Table(dict[int, str]):
    def __init__(self, table: dict[int, str], other: str):
        super().__init__(table)
        self.other = other

    def __missing__(self, key: int) -> str:
        return self.other


def _partition(tree: _Node) -> list[frozenset[int]]:
    """The classes of characters (0-127, and 128 for non-ASCII) the pattern cannot tell apart."""
    sets = list(dict.fromkeys(_char_sets(tree)))
    groups: dict[tuple[bool, ...], set[int]] = {}
    for code in range(129):
        signature = tuple(code in s for s in sets)
        groups.setdefault(signature, set()).add(code)
    return sorted((frozenset(g) for g in groups.values()), key=min)


def _assign(classes: list[frozenset[int]], offset: int) -> dict[frozenset[int], str]:
    reps: dict[frozenset[int], str] = {}
    taken: set[str] = set()
    for cls in classes:
        members = sorted(chr(c) for c in cls if c < 128 and chr(c) in _PLAIN[:62])
        free = [m for m in members if m not in taken]
        if free:
            reps[cls] = free[0]
            taken.add(free[0])
    pool = iter(c for c in _PLAIN if c not in taken)
    for cls in classes:
        if cls not in reps:
            rep = next(pool, None)
            if rep is None:
                raise PatternError(
                    "the pattern distinguishes too many different characters", offset
                )
            reps[cls] = rep
            taken.add(rep)
    return reps


def _emit_symbol(rep: str) -> str:
    return "%" + rep if rep in _DURABLE_SPECIAL else rep


def _emit_set(reps: list[str]) -> str:
    reps = sorted(set(reps), key=_PLAIN.index)
    if len(reps) == 1:
        return _emit_symbol(reps[0])
    if "^" in reps and reps[0] == "^" and len(reps) == 2 and reps[1] == "-":
        return "(^|-)"
    body = [r for r in reps if r not in "^-"]
    if "^" in reps:
        body.append("^")
    tail = "-" if "-" in reps else ""
    return "[" + "".join(_emit_symbol(r) for r in body) + tail + "]"


def _emit(node: _Node, reps: dict[frozenset[int], str], top: bool = False) -> str:
    if isinstance(node, _Chars):
        return _emit_set([rep for cls, rep in reps.items() if cls <= node.members])
    if isinstance(node, _Seq):
        return "".join(_emit(i, reps) for i in node.items)
    if isinstance(node, _Alt):
        body = "|".join(_emit(o, reps) for o in node.options)
        return body if top else "(" + body + ")"
    item = _emit(node.item, reps)
    if isinstance(node.item, _Seq | _Repeat):
        item = "(" + item + ")"
    if node.high is None:
        if node.low == 0:
            return item + "*"
        return item * (node.low - 1) + item + "+"
    return item * node.low + (item + "?") * (node.high - node.low)


MAX_BRANCHES = 16
"""Most alternation-free branches a pattern is expanded to for durable_rules."""


def _expand(node: _Node) -> list[_Node] | None:
    """Alternation-free nodes whose union is ``node``; ``None`` if there are too many or if
    an alternation sits inside a repetition and is not a choice between single characters."""
    if isinstance(node, _Chars):
        return [node]
    if isinstance(node, _Alt):
        out: list[_Node] = []
        for option in node.options:
            sub = _expand(option)
            if sub is None:
                return None
            out.extend(sub)
        return out if len(out) <= MAX_BRANCHES else None
    if isinstance(node, _Seq):
        combos: list[list[_Node]] = [[]]
        for item in node.items:
            sub = _expand(item)
            if sub is None or len(combos) * len(sub) > MAX_BRANCHES:
                return None
            combos = [[*c, s] for c in combos for s in sub]
        return [_Seq(tuple(c)) for c in combos]
    sub = _expand(node.item)
    if sub is None:
        return None
    if len(sub) == 1:
        return [_Repeat(sub[0], node.low, node.high)]
    if all(isinstance(s, _Chars) for s in sub):
        merged = _Chars(frozenset().union(*(s.members for s in sub if isinstance(s, _Chars))))
        return [_Repeat(merged, node.low, node.high)]
    return None


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> tuple[_Node, DurablePattern, _Dfa]:
    if not isinstance(pattern, str):
        raise PatternError("a pattern must be a string", 0)
    if not pattern:
        raise PatternError("empty pattern (use an equality test for the empty text)", 0)
    if len(pattern) > MAX_LENGTH:
        raise PatternError(f"pattern longer than {MAX_LENGTH} characters", MAX_LENGTH)
    tree = _Parser(pattern).parse()
    if _positions(tree) > MAX_POSITIONS:
        raise PatternError(
            f"pattern too large once repetitions are unrolled (over {MAX_POSITIONS} positions)", 0
        )
    classes = _partition(tree)
    matcher = _dfa(tree, classes, MAX_DFA_STATES)
    if matcher is None:
        raise PatternError("pattern too complex: its automaton has too many states", 0)
    reps = _assign(classes, 0)
    table = {code: reps[cls] for cls in classes for code in cls if code < 128}
    other = next(rep for cls, rep in reps.items() if _NON_ASCII in cls)
    durable = _emit(tree, reps, top=True)
    expanded = _expand(tree)
    branches = None if expanded is None else tuple(_emit(b, reps, top=True) for b in expanded)
    return tree, DurablePattern(pattern, durable, table, other, branches), matcher


def validate(pattern: str) -> None:
    """Raise ``ValueError`` (a :class:`PatternError`) if ``pattern`` is outside the subset."""
    _compile(pattern)


def fullmatch(pattern: str, text: str) -> bool:
    """The reference semantics: Python ``re`` with ``re.ASCII``, matching the whole text
    (computed by the pattern's automaton, in time linear in the text)."""
    return _compile(pattern)[2].fullmatch(text)


def compile_durable(pattern: str) -> DurablePattern:
    """The durable form of a validated pattern (cached)."""
    return _compile(pattern)[1]


def to_durable(pattern: str) -> str:
    """The pattern in durable_rules' ``$mt`` dialect, over representative characters.

    Apply it to :func:`durable_text` of the text, never to the raw text.
    """
    return _compile(pattern)[1].durable


def durable_branches(pattern: str) -> tuple[str, ...] | None:
    """Alternation-free durable patterns whose union is the pattern, or ``None``."""
    return _compile(pattern)[1].branches


def durable_text(pattern: str, text: str) -> str:
    """``text`` translated to the representatives used by :func:`to_durable` of ``pattern``."""
    return _compile(pattern)[1].translate(text)


# --- questions about what patterns match -------------------------------------------------

MAX_SEARCH_STATES = 4096
"""Most states of the combined automaton :func:`find_text` walks before it gives up."""

MAX_SEARCH_TEXTS = 20_000
"""Most texts :func:`find_text` builds before it gives up."""

_OTHER_CHARACTERS = 0x100
"""Where :func:`find_text` takes non-ASCII characters from: the subset cannot tell them apart."""


@dataclass(frozen=True)
class TextSearch:
    """What :func:`find_text` found: a text, or ``None`` when there is none. ``decided`` is
    False when the search stopped at its limit, and then a text may exist after all."""

    text: str | None
    decided: bool = True


def find_text(
    required: Sequence[str], refused: Sequence[str] = (), avoid: Collection[str] = ()
) -> TextSearch:
    """A text that fully matches every pattern of ``required``, none of ``refused``, and is not
    one of ``avoid``; any text at all (``""`` first) fits when no pattern is given.

    The answer is exact: the patterns' automata are walked together, over the characters no
    pattern can tell apart, shortest texts first, keeping for each combined state only as
    many texts reaching it as there are texts to avoid, plus one. If the patterns accept more
    texts than ``avoid`` names, one of the kept texts is not avoided; if they accept fewer,
    every one of them was kept. Only the size of the search (:data:`MAX_SEARCH_STATES`,
    :data:`MAX_SEARCH_TEXTS`) can stop it undecided.
    """
    automata = [_compile(p)[2] for p in (*required, *refused)]
    needed = len(required)
    avoided = {
        text
        for text in avoid
        if all(fullmatch(p, text) for p in required)
        and not any(fullmatch(p, text) for p in refused)
    }
    room = len(avoided) + 1

    def accepts(state: tuple[int, ...]) -> bool:
        return all(
            (s in automaton.accepting) == (i < needed)
            for i, (s, automaton) in enumerate(zip(state, automata, strict=True))
        )

    letters: dict[tuple[int, ...], list[str]] = {}
    for code in range(129):
        signature = tuple(a.symbol[code] for a in automata)
        chosen = letters.setdefault(signature, [])
        if code < _NON_ASCII:
            if len(chosen) < room:
                chosen.append(chr(code))
        else:
            chosen.extend(chr(_OTHER_CHARACTERS + i) for i in range(room - len(chosen)))
    start = tuple(0 for _ in automata)
    if accepts(start) and "" not in avoided:
        return TextSearch("")
    kept: dict[tuple[int, ...], int] = {start: 1}
    todo: deque[tuple[tuple[int, ...], str]] = deque([(start, "")])
    built = 0
    while todo:
        state, text = todo.popleft()
        for signature, chars in letters.items():
            target = tuple(
                -1 if s < 0 else a.delta[s][symbol]
                for s, a, symbol in zip(state, automata, signature, strict=True)
            )
            if any(s < 0 for s in target[:needed]):
                continue  # a required pattern can no longer match
            if target not in kept:
                if len(kept) >= MAX_SEARCH_STATES:
                    return TextSearch(None, decided=False)
                kept[target] = 0
            final = accepts(target)
            for char in chars:
                if kept[target] >= room:
                    break
                longer = text + char
                if final and longer not in avoided:
                    return TextSearch(longer)
                built += 1
                if built > MAX_SEARCH_TEXTS:
                    return TextSearch(None, decided=False)
                kept[target] += 1
                todo.append((target, longer))
    return TextSearch(None)
