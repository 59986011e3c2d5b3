"""Files named from outside are regular files: a FIFO or a device is refused at once, never
read (a FIFO with no writer blocks forever; /dev/zero never ends) nor written (a FIFO with no
reader blocks forever), a file written is replaced whole or not at all, and a line too long to
hold is cut short, then the lines end or resume after it (a corpus reports such a line and
reads on: tests/analysis/test_corpus.py)."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ipp_rules.text.files import bounded_lines, open_regular, replacing, write_regular
from tests.conftest import BUNDLE, REPO

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "input.fifo"
    os.mkfifo(path)
    return path


def test_a_fifo_and_a_folder_are_refused_without_blocking(fifo: Path, tmp_path: Path) -> None:
    with pytest.raises(OSError) as caught:
        open_regular(fifo)
    assert caught.value.strerror == "not a regular file (a pipe, device or socket is not read)"
    assert caught.value.filename == str(fifo)
    with pytest.raises(IsADirectoryError, match="is a folder, not a file"):
        open_regular(tmp_path)
    with pytest.raises(FileNotFoundError):
        open_regular(tmp_path / "missing.yaml")


def test_a_regular_file_reads_normally(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"one\ntwo\n")
    with open_regular(path) as handle:
        assert handle.read() == b"one\ntwo\n"


def test_bounded_lines_stop_at_a_line_too_long() -> None:
    lines = list(bounded_lines(io.BytesIO(b"ab\n" + b"x" * 50 + b"\nnext\n"), 10))
    assert lines == [b"ab\n", b"x" * 11]


@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", "{input}"],
        ["explain", "{input}"],
        ["lifecycle", "{input}", "--platform", "taobao"],
        ["good-faith", "{input}"],
        ["diff", str(BUNDLE), str(BUNDLE), "--corpus", "{input}"],
    ],
    ids=lambda c: c[0],
)
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_every_command_refuses_a_fifo_or_a_device(
    fifo: Path, command: list[str], kind: str
) -> None:
    target = str(fifo) if kind == "fifo" else "/dev/zero"
    args = [a.replace("{input}", target) for a in command]
    done = subprocess.run(
        [sys.executable, "-m", "ipp_rules.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr
    assert target in done.stderr


def test_bounded_lines_can_resume_after_a_line_too_long() -> None:
    stream = io.BytesIO(b"ab\n" + b"x" * 50 + b"\nnext\n")
    assert list(bounded_lines(stream, 10, resume=True)) == [b"ab\n", b"x" * 11, b"next\n"]


def test_write_regular_creates_a_file_and_replaces_one_whole(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    write_regular(path, b"first\n")
    umask = os.umask(0)
    os.umask(umask)
    assert path.read_bytes() == b"first\n"
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() would have made it
    path.chmod(0o640)
    write_regular(str(path), b"second\n")
    assert path.read_bytes() == b"second\n"
    assert path.stat().st_mode & 0o777 == 0o640  # the file it replaces keeps its permissions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_write_regular_writes_through_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_regular(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_write_regular_refuses_a_device_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(OSError) as caught:
        write_regular("/dev/null", b"x")
    assert caught.value.strerror == "not a regular file (a pipe, device or socket is not written)"
    assert caught.value.filename == "/dev/null"
    assert Path("/dev/null").is_char_device()
    with pytest.raises(IsADirectoryError, match="is a folder, not a file"):
        write_regular(tmp_path, b"x")
    with pytest.raises(FileNotFoundError) as missing:
        write_regular(tmp_path / "no-such-folder" / "out.json", b"x")
    assert missing.value.filename == str(tmp_path / "no-such-folder" / "out.json")


def test_write_regular_refuses_a_fifo_without_blocking(fifo: Path) -> None:
    # In a subprocess with a timeout: opening a FIFO with no reader would block the suite.
    script = (
        "import sys\n"
        "from ipp_rules.text.files import write_regular\n"
        "try:\n"
        "    write_regular(sys.argv[1], b'x')\n"
        "except OSError as exc:\n"
        "    print(exc.strerror, exc.filename, sep='|')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    reason = "not a regular file (a pipe, device or socket is not written)"
    assert done.stdout == f"{reason}|{fifo}\n"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_replacing_writes_the_file_whole_when_the_block_ends(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"old\n")
    with replacing(path) as handle:
        handle.write(b"one\n")
        assert path.read_bytes() == b"old\n"  # not yet: the lines go beside it
        handle.write(b"two\n")
    assert path.read_bytes() == b"one\ntwo\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_replacing_leaves_the_file_as_it_was_when_the_block_fails(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"old\n")
    with pytest.raises(KeyboardInterrupt), replacing(path) as handle:
        handle.write(b"half")
        raise KeyboardInterrupt
    # An error about the write names the file; one naming its own file is kept as it is.
    with pytest.raises(OSError) as caught, replacing(path):
        raise OSError(28, "No space left on device")
    assert caught.value.filename == str(path)
    with pytest.raises(FileNotFoundError) as other, replacing(path):
        open(tmp_path / "input.jsonl", "rb")  # noqa: SIM115
    assert other.value.filename == str(tmp_path / "input.jsonl")
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
