"""inputs.py: the document a command names is read from a file, or from standard input for
``-``, each with the label errors show, and never beyond the size a command reads."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from ipp_rules.cli.inputs import MAX_INPUT_BYTES, read_input


def stdin_holding(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_a_file_is_read_as_bytes_and_labelled_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "complaint.json"
    path.write_bytes(b'{"platform": "taobao"}\n\xff')
    assert read_input(str(path)) == (b'{"platform": "taobao"}\n\xff', str(path))


def test_a_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_holding(monkeypatch, b'{"platform": "tmall"}\n')
    assert read_input("-") == (b'{"platform": "tmall"}\n', "<stdin>")


def test_a_document_of_the_largest_size_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "largest.json"
    path.write_bytes(b" " * MAX_INPUT_BYTES)
    data, _ = read_input(str(path))
    assert len(data) == MAX_INPUT_BYTES == 4 * 1024 * 1024
    stdin_holding(monkeypatch, b" " * MAX_INPUT_BYTES)
    assert len(read_input("-")[0]) == MAX_INPUT_BYTES


def test_a_larger_document_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "large.json"
    path.write_bytes(b" " * (MAX_INPUT_BYTES + 1))
    with pytest.raises(OSError) as raised:
        read_input(str(path))
    assert str(raised.value) == f"{path}: larger than 4194304 bytes"
    stdin_holding(monkeypatch, b" " * (MAX_INPUT_BYTES + 1))
    with pytest.raises(OSError) as raised:
        read_input("-")
    assert str(raised.value) == "<stdin>: larger than 4194304 bytes"


def test_what_is_not_a_readable_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_input(str(tmp_path / "missing.json"))
    with pytest.raises(IsADirectoryError, match="is a folder, not a file"):
        read_input(str(tmp_path))
