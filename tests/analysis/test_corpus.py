"""corpus.py: a corpus of complaint documents, one JSON object per line; a bad line (too long,
not UTF-8, not JSON, not an object) is a problem at its line number and the lines around it
still count."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipp_rules.analysis.corpus import CorpusLine, chunks, parse_line, read_corpus
from ipp_rules.models.intake import MAX_DOCUMENT_BYTES


def test_a_corpus_line_too_long_is_reported_and_the_next_lines_still_read(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(b'{"a": 1}\n' + b"x" * (MAX_DOCUMENT_BYTES + 10) + b'\n{"b": 2}\n')
    lines, problems = read_corpus(corpus)
    assert [(line.number, line.text) for line in lines] == [(1, '{"a": 1}\n'), (3, '{"b": 2}\n')]
    assert [(p.location, p.message) for p in problems] == [
        (f"{corpus}:2", f"longer than {MAX_DOCUMENT_BYTES} bytes")
    ]


def test_blank_lines_are_skipped_a_bom_dropped_and_bad_bytes_located(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(b'\xef\xbb\xbf{"a": 1}\n\n   \n\xff{"b"}\n{"c": 2}')
    lines, problems = read_corpus(corpus)
    assert lines == [CorpusLine(1, '{"a": 1}\n'), CorpusLine(5, '{"c": 2}')]
    assert [(p.location, p.code, p.message) for p in problems] == [
        (f"{corpus}:4", "encoding", "not valid UTF-8: invalid start byte at byte 1")
    ]


def test_a_line_holding_an_object_is_its_document() -> None:
    assert parse_line("c.jsonl", CorpusLine(7, '{"a": [1, "x"]}')) == {"a": [1, "x"]}


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (
            "{not json",
            "json",
            "not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
        ("[1, 2]", "model_type", "expected a JSON object (a complaint document)"),
        (
            '{"a": 1, "a": 2}',
            "duplicate_key",
            "not a valid complaint: expected each key once in an object, got 'a' twice",
        ),
        (
            '{"a": NaN}',
            "non_finite_number",
            "not a valid complaint: expected a finite number, got NaN",
        ),
        ("1" * 5_000, "json", "not valid JSON: a number with thousands of digits"),
        ("[" * 100_000, "json", "not valid JSON: nested too deeply"),
    ],
    ids=["not_json", "not_an_object", "key_twice", "nan", "huge_number", "too_deep"],
)
def test_what_is_wrong_with_a_line_is_located_at_it(text: str, code: str, message: str) -> None:
    problem = parse_line("c.jsonl", CorpusLine(7, text))
    assert not isinstance(problem, dict)
    assert (problem.location, problem.code, problem.message) == ("c.jsonl:7", code, message)


def test_chunks_are_consecutive_and_at_most_the_size() -> None:
    lines = [CorpusLine(number, "{}") for number in range(1, 8)]
    pieces = [[line.number for line in piece] for piece in chunks(lines, 3)]
    assert pieces == [[1, 2, 3], [4, 5, 6], [7]]
    assert list(chunks([], 3)) == []
