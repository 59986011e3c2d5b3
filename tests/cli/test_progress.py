"""The progress bar: drawn on a terminal, never into a pipe or a file."""

from __future__ import annotations

import io
import re

from ipp_rules.cli.progress import Progress


def test_the_progress_bar_is_drawn_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, terminal = io.StringIO(), Terminal()
    for stream in (quiet, terminal):
        with Progress(4, stream, "diff") as progress:
            for _ in range(4):
                progress.advance()
    assert quiet.getvalue() == ""
    assert "\rdiff [" + "#" * 30 + "] 4/4" in terminal.getvalue()


def test_without_a_total_the_count_alone_is_drawn():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    with Progress(None, terminal, "evaluate") as progress:
        for _ in range(3):
            progress.advance()
    # Drawn at once, then at most ten times a second (no bar), then cleared.
    assert re.fullmatch(r"\revaluate 1(\revaluate [23])*\r\x1b\[2K", terminal.getvalue())
    assert progress.done == 3
