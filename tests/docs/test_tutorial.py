"""docs/tutorial.md stays true: its steps, run as written in a fresh copy of the repository,
print exactly what the page shows.

The page is read in order. A ```console block holds commands (lines starting with ``$ ``),
each followed by its output. ``<!-- tutorial: edit FILE -->`` is followed by two blocks: the
text to find in FILE (exactly once) and the text that replaces it; ``<!-- tutorial: append
FILE -->`` by one block added at the end of FILE. Commands are ``cp -r`` and ``ipp-rules``;
the bundled default is shown where an installed package keeps it.

``python -m tests.docs.test_tutorial`` runs the steps and writes their real output into the
page (after a change that is meant to change it).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, as_documented

DOC = REPO / "docs" / "tutorial.md"

_BLOCK = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$", re.S | re.M)
_MARKER = re.compile(r"<!-- tutorial: (?P<action>edit|append) (?P<file>\S+) -->")


@dataclass(frozen=True)
class Command:
    line: int
    command: str
    expected: str


@dataclass(frozen=True)
class Edit:
    position: int
    file: str
    find: str | None
    """None: append ``text`` to the file."""
    text: str


@dataclass(frozen=True)
class Console:
    position: int
    end: int
    commands: tuple[Command, ...]


Step = Console | Edit


def steps(text: str) -> list[Step]:
    """The page's edits and console blocks, in the order they appear."""
    blocks = list(_BLOCK.finditer(text))
    found: list[Step] = []
    used: set[int] = set()
    for marker in _MARKER.finditer(text):
        following = [i for i, block in enumerate(blocks) if block.start() > marker.end()]
        if marker["action"] == "edit":
            find, replace = following[0], following[1]
            used.update((find, replace))
            found.append(
                Edit(marker.start(), marker["file"], blocks[find]["body"], blocks[replace]["body"])
            )
        else:
            used.add(following[0])
            found.append(Edit(marker.start(), marker["file"], None, blocks[following[0]]["body"]))
    for index, block in enumerate(blocks):
        if index not in used and block["lang"] == "console":
            found.append(_console(text, block))
    return sorted(found, key=lambda step: step.position)


def _console(text: str, block: re.Match[str]) -> Console:
    commands: list[Command] = []
    line = text.count("\n", 0, block.start("body")) + 1
    current: str | None = None
    output: list[str] = []
    start = line
    for number, row in enumerate(block["body"].splitlines(), start=line):
        if row.startswith("$ "):
            if current is not None:
                commands.append(Command(start, current, "\n".join(output)))
            current, output, start = row[2:], [], number
        else:
            output.append(row)
    if current is not None:
        commands.append(Command(start, current, "\n".join(output)))
    return Console(block.start("body"), block.end("body"), tuple(commands))


def fresh_clone(target: Path) -> Path:
    """The parts of the repository the tutorial reads, as a fresh clone has them."""
    shutil.copytree(REPO / "rulesets", target / "rulesets")
    shutil.copytree(REPO / "docs" / "examples", target / "docs" / "examples")
    return target


def run_command(command: str, cwd: Path) -> tuple[str, str, int]:
    words = shlex.split(command)
    if words[:2] == ["cp", "-r"] and len(words) == 4:
        shutil.copytree(cwd / words[2], cwd / words[3])
        return "", "", 0
    assert words[0] == "ipp-rules", f"the tutorial runs cp -r and ipp-rules only: {command}"
    done = subprocess.run(
        [sys.executable, "-m", "ipp_rules", *words[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout, done.stderr, done.returncode


def normalise(output: str, cwd: Path) -> str:
    text = as_documented(output).replace(f"{cwd}/", "").replace(str(cwd), ".")
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def apply(edit: Edit, cwd: Path) -> None:
    path = cwd / edit.file
    content = path.read_text(encoding="utf-8")
    if edit.find is None:
        path.write_text(content.rstrip("\n") + "\n" + edit.text, encoding="utf-8")
        return
    assert content.count(edit.find) == 1, f"{edit.file}: the text to change is not there once"
    path.write_text(content.replace(edit.find, edit.text), encoding="utf-8")


def play(cwd: Path) -> list[tuple[Command, str, str, int]]:
    """Run every step of the page in ``cwd``; each command with its actual output."""
    results = []
    for step in steps(DOC.read_text(encoding="utf-8")):
        if isinstance(step, Edit):
            apply(step, cwd)
            continue
        for command in step.commands:
            out, err, status = run_command(command.command, cwd)
            results.append((command, normalise(out, cwd), err, status))
    return results


@pytest.mark.slow
def test_the_tutorial_prints_what_it_shows(tmp_path: Path) -> None:
    results = play(fresh_clone(tmp_path))
    assert len(results) >= 6
    for command, actual, err, _ in results:
        assert err == "", f"docs/tutorial.md:{command.line}: {command.command}: {err}"
        assert actual == command.expected.strip("\n"), (
            f"docs/tutorial.md:{command.line}: {command.command} printed something else "
            "(python -m tests.docs.test_tutorial rewrites the page)"
        )


def test_the_tutorial_runs_every_command_it_names() -> None:
    found = [
        c.command for s in steps(DOC.read_text()) if isinstance(s, Console) for c in s.commands
    ]
    for name in (
        "init my-bundle",
        "check my-bundle",
        "test my-bundle",
        "diff rulesets my-bundle --corpus",
        "explain docs/examples/complaint.json",
    ):
        assert any(name in command for command in found), name
    assert found[0] == "ipp-rules init my-bundle"  # the page starts with an editable copy


def test_every_file_the_tutorial_names_is_there() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"docs/examples/[\w.-]+", text))
    assert named, "the tutorial names no example file"
    for name in sorted(named):
        assert (REPO / name).is_file(), f"docs/tutorial.md names {name}, which is not there"


def rewrite() -> None:
    """Write the real output of every command into the page."""
    text = DOC.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        results = play(fresh_clone(Path(folder)))
    outputs = {(c.line, c.command): actual for c, actual, _, _ in results}
    pieces: list[str] = []
    last = 0
    for step in steps(text):
        if not isinstance(step, Console):
            continue
        body: list[str] = []
        for command in step.commands:
            body.append(f"$ {command.command}")
            shown = outputs[(command.line, command.command)]
            if shown:
                body.append(shown)
        pieces += [text[last : step.position], "\n".join(body) + "\n"]
        last = step.end
    pieces.append(text[last:])
    DOC.write_text("".join(pieces), encoding="utf-8")


if __name__ == "__main__":
    rewrite()
