"""docs/deadlines.md stays true: its copy of the shipped deadlines file is the file, and every
``ipp-rules deadline`` and ``ipp-rules calendars`` example run on the shipped bundle prints what
the page shows.

Examples that use another file (``--rules variant.yaml``) show an edit the page describes in
words; they are not run here.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from tests.conftest import REPO, as_documented

pytestmark = pytest.mark.slow  # subprocesses: run in CI, outside the fast subset

DOC = REPO / "docs" / "deadlines.md"
_BLOCK = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$", re.S | re.M)


def _blocks(lang: str) -> list[str]:
    return [m["body"] for m in _BLOCK.finditer(DOC.read_text()) if m["lang"] == lang]


def _examples() -> list[tuple[str, str]]:
    found = []
    for body in _blocks("text"):
        first, _, output = body.partition("\n")
        shown = first.startswith(("$ ipp-rules deadline ", "$ ipp-rules calendars "))
        if shown and "--rules" not in first:
            found.append((first.removeprefix("$ "), output))
    return found


def test_the_page_shows_the_shipped_file() -> None:
    shipped = (REPO / "rulesets" / "deadlines.yaml").read_text()
    body = shipped.partition("\n")[2]  # without the editor's schema line
    assert body in _blocks("yaml")


def test_the_page_has_examples_for_every_marketplace_family() -> None:
    commands = " ".join(command for command, _ in _examples())
    for platform in ("taobao", "tmall", "1688", "aliexpress", "alibaba_com", "lazada"):
        assert f" {platform} " in commands
    for country in ("ID", "MY", "PH", "SG", "TH", "VN"):
        assert f"--country {country}" in commands


@pytest.mark.parametrize(("command", "output"), _examples(), ids=lambda v: v[:60])
def test_an_example_prints_what_the_page_shows(command: str, output: str) -> None:
    args = shlex.split(command)[1:]
    done = subprocess.run(
        [sys.executable, "-m", "ipp_rules", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert as_documented(done.stdout + done.stderr) == output
