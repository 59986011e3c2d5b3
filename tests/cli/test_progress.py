"""The progress bar: drawn on a terminal, never into a pipe or a file."""

from __future__ import annotations

import io

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
