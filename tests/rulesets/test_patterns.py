"""The regular-expression subset: what is accepted, what is refused, and agreement between
Python's ``re`` and durable_rules' ``$mt`` through a DurableGroup."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipp_rules.engine.durable import DurableGroup
from ipp_rules.rulesets import patterns
from ipp_rules.rulesets.ir import CompiledRule, Matches
from tests.conftest import examples

ACCEPTED = [
    "abc",
    "a.c",
    r"\d{5}",
    r"\d{3}-\d{4}",
    r"[a-z0-9_-]+@[a-z]+\.com",
    "[^,]+",
    "(ab|cd)*x",
    "(?:foo)?bar",
    "x{2,}",
    "x{1,3}",
    r"a\\b",
    r"\(\)\[\]\{\}\.\*\+\?\|\^\$",
    'say "hi"',
    "[-a]",
    "[a-]",
    r"[\]\\]",
    "com|net|org",
    r"\d{5}(-\d{4})?",
    "(a+)?",
    "(ab{2})*",
    "a" * patterns.MAX_LENGTH,
]

REJECTED = [
    ("", "empty pattern", 0),
    ("^abc", "anchor '^'", 0),
    ("abc$", "anchor '$'", 3),
    ("(a+)+", "nested quantifier", 4),
    ("(ab*)*", "nested quantifier", 5),
    ("a*?", "lazy", 2),
    ("a++", "lazy, possessive", 2),
    (r"\w+", r"escape '\w'", 0),
    (r"\s", r"escape '\s'", 0),
    (r"a\b", r"escape '\b'", 1),
    (r"(a)\1", r"escape '\1'", 3),
    ("(?=a)b", "'(?' constructs", 0),
    ("(?P<n>a)", "'(?' constructs", 0),
    ("(?i)a", "'(?' constructs", 0),
    ("é", "non-ASCII", 0),
    ("a\tb", "control character", 1),
    ("a{,3}", "malformed repetition", 1),
    ("a{2,1}", "n < m", 1),
    ("a{51}", "above 50", 1),
    ("(a|ab)*", "different characters", 0),
    ("[]", "empty character class", 0),
    ("a||b", "empty alternative", 2),
    ("a|", "empty alternative", 2),
    ("()", "empty group", 0),
    ("(ab", "unclosed group", 0),
    ("ab)", "unbalanced", 2),
    ("[ab", "unclosed character class", 0),
    ("[z-a]", "out of order", 2),
    ("[a[b]", "'[' inside a class", 2),
    ("[a&&b]", "ambiguous", 2),
    ("*a", "nothing to repeat", 0),
    ("{2}", "must start a repetition", 0),
    ("a{b", "malformed repetition", 1),
    ("a]", "unescaped ']'", 1),
    ("a" * (patterns.MAX_LENGTH + 1), "longer than", patterns.MAX_LENGTH),
    ("(a|b)*a(a|b){12}", "too complex", 0),
]


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_accepted(pattern: str) -> None:
    patterns.validate(pattern)
    assert isinstance(patterns.to_durable(pattern), str)


@pytest.mark.parametrize(("pattern", "words", "offset"), REJECTED)
def test_rejected(pattern: str, words: str, offset: int) -> None:
    with pytest.raises(ValueError, match=None) as caught:
        patterns.validate(pattern)
    assert words in str(caught.value)
    assert isinstance(caught.value, patterns.PatternError)
    assert caught.value.offset == offset
    assert f"offset {offset}" in str(caught.value)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"\d{5}", "12345", True),
        (r"\d{5}", "1234", False),
        (r"\d", "٣", False),  # ASCII digits only
        ("a.c", "a\nc", False),  # '.' excludes the newline, as in Python
        ("a.c", "aéc", True),
        ("[^,]+", 'é"\\', True),
        ("abc", "abcd", False),  # always a full match
        ('say "hi"', 'say "hi"', True),
        (r"a\\b", "a\\b", True),
        ("com|net", "net", True),
        ("com|net", "comnet", False),
    ],
)
def test_fullmatch(pattern: str, text: str, expected: bool) -> None:
    assert patterns.fullmatch(pattern, text) is expected


def test_translation_keeps_durable_text_plain() -> None:
    compiled = patterns.compile_durable("[a-z]+@[a-z]+\\.com")
    text = compiled.translate('é"\\\n\x00x@y.com')
    assert len(text) == 12
    assert all(0x20 <= ord(c) < 0x7F and c not in '"\\' for c in text)
    assert compiled.branches == (compiled.durable,)


def test_alternation_is_split_into_branches() -> None:
    assert patterns.durable_branches("x(a|b)y") == ("xay", "xby")
    assert patterns.durable_branches("(a|b)*") is not None
    assert patterns.durable_branches("(ab|cd)*") is None


# --- differential: Python re against durable $mt -----------------------------------------

_ATOMS = ["a", "b", "0", " ", "%", '"', "-", ",", r"\.", r"\-", r"\\", r"\(", r"\^", r"\$", r"\%"]
_CLASSES = ["[a-c]", "[^a]", "[ab]", r"[\d_-]", r"[\]a]", '[^"\\\\]', "[ .]", "[%^]", r"\d", "."]
_QUANTIFIERS = ["", "", "", "*", "+", "?", "{2}", "{1,3}", "{2,}"]
_TEXT_CHARS = 'ab0-., %"\\^$éx\n\x00€'


@st.composite
def _piece(draw: st.DrawFn, depth: int) -> tuple[str, str]:
    """A pattern piece and a text it matches."""
    kind = draw(st.sampled_from(["atom", "atom", "class", "group"] if depth < 2 else ["atom"]))
    if kind == "atom":
        pattern = draw(st.sampled_from(_ATOMS))
        base = pattern[-1] if pattern.startswith("\\") else pattern
    elif kind == "class":
        pattern = draw(st.sampled_from(_CLASSES))
        base = draw(st.sampled_from([c for c in _TEXT_CHARS if patterns.fullmatch(pattern, c)]))
    else:
        options = draw(st.lists(_sequence(depth + 1), min_size=1, max_size=2))
        pattern = "(" + "|".join(p for p, _ in options) + ")"
        base = options[0][1]
    quantifier = draw(st.sampled_from(_QUANTIFIERS))
    count = {"": 1, "*": 2, "+": 1, "?": 0, "{2}": 2, "{1,3}": 3, "{2,}": 2}[quantifier]
    return pattern + quantifier, base * count


@st.composite
def _sequence(draw: st.DrawFn, depth: int = 0) -> tuple[str, str]:
    pieces = draw(st.lists(_piece(depth), min_size=1, max_size=3))
    return "".join(p for p, _ in pieces), "".join(t for _, t in pieces)


@st.composite
def _valid_pattern(draw: st.DrawFn) -> tuple[str, str]:
    options = draw(st.lists(_sequence(), min_size=1, max_size=2))
    pattern = "|".join(p for p, _ in options)
    try:
        patterns.validate(pattern)
    except ValueError:
        pattern, sample = "a", "a"
    else:
        sample = options[-1][1]
    return pattern, sample


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(_valid_pattern(), min_size=1, max_size=4),
    texts=st.lists(st.text(alphabet=_TEXT_CHARS, max_size=8), max_size=12),
)
def test_python_and_durable_agree(cases: list[tuple[str, str]], texts: list[str]) -> None:
    rules = [CompiledRule(f"p{i}", Matches("s", p)) for i, (p, _) in enumerate(cases)]
    group = DurableGroup(rules, {"s": "str"})
    try:
        for text in [*texts, *(sample for _, sample in cases)]:
            want = {f"p{i}" for i, (p, _) in enumerate(cases) if patterns.fullmatch(p, text)}
            assert group.fired({"s": text}) == want, (cases, text)
    finally:
        group.close()


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("b+|[b0]", "b0"),  # durable's own alternation says True
        ("0*0{1,3}|[a-c]", "0a"),
        ("a+\\%{2,},?|\\d*", "a"),
    ],
)
def test_durable_alternation_bugs_are_avoided(pattern: str, text: str) -> None:
    group = DurableGroup([CompiledRule("r", Matches("s", pattern))], {"s": "str"})
    try:
        assert group.fired({"s": text}) == frozenset()
    finally:
        group.close()


# --- the reference matcher: Python re's answers, in linear time -----------------------------

_SLOW_FOR_RE = [
    ("[a-z]*" * 10 + "!x", "a" * 63 + "!"),
    (".*" * 12 + "=", "x" * 80),
    ("(a|b)*" * 6 + "c", "ab" * 40),
]


@pytest.mark.parametrize(("pattern", "text"), _SLOW_FOR_RE)
def test_patterns_that_make_re_backtrack_are_matched_in_linear_time(
    pattern: str, text: str
) -> None:
    """``re`` needs minutes for these; the automaton answers at once. Run in a subprocess so
    a regression fails on its timeout instead of hanging the run."""
    code = (
        "from ipp_rules.rulesets import patterns; import sys; "
        "print(patterns.fullmatch(sys.argv[1], sys.argv[2] * 100))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, pattern, text], capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "False\n"


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=_valid_pattern(),
    texts=st.lists(st.text(alphabet=_TEXT_CHARS, max_size=10), max_size=10),
)
def test_the_automaton_answers_as_python_re(case: tuple[str, str], texts: list[str]) -> None:
    pattern, sample = case
    compiled = re.compile(pattern, re.ASCII)
    for text in [*texts, sample, sample + "a", sample[:-1]]:
        assert patterns.fullmatch(pattern, text) is (compiled.fullmatch(text) is not None), (
            pattern,
            text,
        )


# --- find_text: a text the patterns match, decided on their automata ----------------------

_FIND_PIECES = ["a", "b", ".", "[ab]", "[^a]", r"\d", "(ab)", "(a|b0)"]
_FIND_QUANTIFIERS = ["", "", "*", "+", "?", "{2}", "{1,2}"]
_SAMPLE_CHARACTERS = "ab0\né"
"""One character of each kind the pieces tell apart: letters, a digit, a line break (which
'.' does not match) and a non-ASCII letter."""
_SAMPLE = [""] + [
    "".join(chars)
    for length in range(1, 5)
    for chars in itertools.product(_SAMPLE_CHARACTERS, repeat=length)
]


@st.composite
def _patterns(draw: st.DrawFn) -> str:
    options = [
        "".join(
            draw(st.sampled_from(_FIND_PIECES)) + draw(st.sampled_from(_FIND_QUANTIFIERS))
            for _ in range(draw(st.integers(1, 3)))
        )
        for _ in range(draw(st.integers(1, 2)))
    ]
    pattern = "|".join(options)
    try:
        patterns.validate(pattern)
    except patterns.PatternError:  # outside the subset, e.g. '(ab)+' repeated again
        return "a*"
    return pattern


@given(st.lists(_patterns(), max_size=2), st.lists(_patterns(), max_size=2), st.data())
def test_find_text_agrees_with_trying_every_short_text(
    required: list[str], refused: list[str], data: st.DataObject
):
    def matched(text: str) -> bool:
        return all(patterns.fullmatch(p, text) for p in required) and not any(
            patterns.fullmatch(p, text) for p in refused
        )

    # Avoid some of the shortest texts that match, so the search has to look past them.
    candidates = [text for text in _SAMPLE if matched(text)][:6]
    avoid = data.draw(st.lists(st.sampled_from(candidates), max_size=4)) if candidates else []
    short = [text for text in _SAMPLE if matched(text) and text not in avoid]
    found = patterns.find_text(required, refused, avoid)
    assert found.decided
    if found.text is None:
        assert short == []  # nothing fits, not even a short text
    else:
        assert matched(found.text) and found.text not in avoid
        assert not short or len(found.text) <= len(short[0])  # and it is a shortest one


def test_find_text_knows_which_patterns_match_every_text():
    # '.' does not match a line break, so '.*' misses a text that has one.
    assert patterns.find_text([], [".*"]) == patterns.TextSearch("\n")
    assert patterns.find_text([], ["([^x]|x)*"]) == patterns.TextSearch(None)
    # Not every text starts with x or has none: 'ax' is neither.
    missed = patterns.find_text([], ["[^x]*|x.*"]).text
    assert missed is not None and not patterns.fullmatch("[^x]*|x.*", missed)


def test_find_text_avoids_the_texts_it_is_told_to():
    assert patterns.find_text(["a|b"], [], ["a", "b"]) == patterns.TextSearch(None)
    assert patterns.find_text(["a|b"], [], ["a"]) == patterns.TextSearch("b")
    # Texts the patterns cannot tell apart are still different texts.
    assert patterns.find_text(["[ab]"], [], ["a"]) == patterns.TextSearch("b")
    assert patterns.find_text(["[ab]"], [], ["a", "b"]) == patterns.TextSearch(None)
    assert patterns.find_text(["[^a]"], [], [*"bcdefg"]).text is not None
    assert patterns.find_text(["[ab]{2}"], ["a."], ["bb"]) == patterns.TextSearch("ba")
    assert patterns.find_text([r"\d{3}", ".*5"], ["[0-4]*"]) == patterns.TextSearch("005")


def test_find_text_gives_up_rather_than_guess(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(patterns, "MAX_SEARCH_STATES", 3)
    found = patterns.find_text(["a{10}"], [], [])
    assert found == patterns.TextSearch(None, decided=False)
