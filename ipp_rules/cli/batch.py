"""``ipp-rules evaluate --batch FILE``: decide every complaint of a JSON lines file, in order.

Every input line gets one output line, in the same order, so line N of the output always
answers line N of the input:

- a complaint: its decision, the Decision's JSON as ``Decision.model_dump_json()`` writes it;
- a line that is not a valid complaint: ``{"line": N, "error": {...}}``, the error as
  ``--format json`` writes one, its problems located in FILE at line N; the batch goes on;
- a blank line (nothing, or only spaces and tabs): ``null``. It holds no complaint, so it is
  neither decided nor an error, and the output stays one JSON value per line.

The lines are read and written as they come (standard input too), decided as
``Engine.evaluate_many`` decides them, in ``--jobs`` processes, each decision written as text
by the process that made it. ``--output`` writes a file beside the
target and renames it over the target at the end, so a run that fails leaves no half file.
A summary (lines, outcomes, finding codes) follows on the standard output when the decisions
go to a file, else on the error output; as JSON with ``--format json``. On a terminal a
progress bar shows on the error output.

Exit status, as ``evaluate``'s: 0 every complaint accepted (or none given), 1 some needs
information or is rejected, 2 some line is not a valid complaint, or the bundle, the input or
the output cannot be used.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO, get_args

from ipp_rules.cli.bundles import BundleInUse, read_engine
from ipp_rules.cli.output import EXIT_FOUND, EXIT_INVALID, EXIT_OK, error_document, write_json
from ipp_rules.cli.progress import Progress
from ipp_rules.cli.render_text import count
from ipp_rules.engine.batch import DecisionText, evaluate_many_text
from ipp_rules.engine.engine import Engine
from ipp_rules.errors import ComplaintError
from ipp_rules.models.decision import BundleIdentity, Outcome
from ipp_rules.models.intake import MAX_DOCUMENT_BYTES, document_too_large, on_line
from ipp_rules.text.files import open_regular, replacing

if TYPE_CHECKING:
    from ipp_rules.scale.outputs import PartDone

__all__ = ["BatchSummary", "InputLine", "Result", "decide_lines", "read_lines", "run_batch"]

STDIN = "-"
_SHOWN_LINES = 10
_KEPT_LINES = 1000
_BLANK = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"

Result = DecisionText | ComplaintError | None
"""What a line comes to: its decision (as text, made where it was decided), why it is not a
valid complaint, or nothing (blank)."""


@dataclass
class BatchSummary:
    """What a batch held: its lines, the outcomes, and the finding codes."""

    lines: int = 0
    blank: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    complaints_by_code: Counter[str] = field(default_factory=Counter)
    findings_by_code: Counter[str] = field(default_factory=Counter)
    invalid: int = 0
    invalid_lines: list[int | str] = field(default_factory=list)
    """The first thousand lines that were not valid complaints (all are counted): numbers,
    or ``file:line`` in a batch of several files."""

    @property
    def decided(self) -> int:
        return sum(self.outcomes.values())

    def add(self, result: Result, number: int) -> None:
        """Count line ``number``'s result."""
        self.lines += 1
        if result is None:
            self.blank += 1
        elif isinstance(result, ComplaintError):
            self.invalid += 1
            if len(self.invalid_lines) < _KEPT_LINES:
                self.invalid_lines.append(number)
        else:
            self.outcomes[result.outcome] += 1
            self.findings_by_code.update(result.codes)
            self.complaints_by_code.update(set(result.codes))

    def add_part(self, done: PartDone, *, several: bool) -> None:
        """Count a part decided elsewhere (:func:`ipp_rules.scale.outputs.finish_part`);
        ``several``: the batch is several files, so an invalid line is named with its file."""
        self.lines += done.rows
        self.outcomes.update(done.outcomes)
        self.findings_by_code.update(done.findings)
        self.complaints_by_code.update(done.complaints)
        self.invalid += done.invalid_count
        room = _KEPT_LINES - len(self.invalid_lines)
        self.invalid_lines += [
            f"{source}:{line}" if several else line for source, line in done.invalid[:room]
        ]

    @property
    def status(self) -> int:
        if self.invalid:
            return EXIT_INVALID
        return EXIT_OK if self.decided == self.outcomes["accept"] else EXIT_FOUND

    def text(self, label: str, bundle: str) -> str:
        """The summary for a person."""
        lines = [
            f"batch {label}: {count(self.lines, 'line')}, {self.decided} decided, "
            f"{self.invalid} not valid, {self.blank} blank",
            f"bundle: {bundle}",
        ]
        if self.outcomes:
            lines.append("outcomes:")
            lines += [f"  {outcome:<10}  {n}" for outcome, n in _by_count(self.outcomes)]
        if self.findings_by_code:
            lines.append("findings by code (complaints, findings):")
            width = max(len(code) for code in self.findings_by_code)
            lines += [
                f"  {code:<{width}}  {n:>6}  {self.findings_by_code[code]:>6}"
                for code, n in _by_count(self.complaints_by_code)
            ]
        if self.invalid:
            shown = ", ".join(str(n) for n in self.invalid_lines[:_SHOWN_LINES])
            more = self.invalid - min(self.invalid, _SHOWN_LINES)
            lines.append(
                f"lines not valid: {shown}"
                + (f" and {more} more" if more else "")
                + " (their errors are in the output)"
            )
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict[str, Any]:
        """The summary as data."""
        return {
            "lines": self.lines,
            "decided": self.decided,
            "invalid": self.invalid,
            "blank": self.blank,
            "outcomes": {outcome: self.outcomes[outcome] for outcome in get_args(Outcome)},
            "findings": {
                code: {"complaints": n, "findings": self.findings_by_code[code]}
                for code, n in _by_count(self.complaints_by_code)
            },
            "invalid_lines": self.invalid_lines,
        }


def _by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class InputLine:
    """One line of the input: its number (from 1), its text without the line break (empty
    for a line too long to be a complaint, which is not held), and its length in bytes."""

    number: int
    text: bytes
    size: int

    @property
    def too_long(self) -> bool:
        return self.size > MAX_DOCUMENT_BYTES

    @property
    def blank(self) -> bool:
        return not self.too_long and not self.text.strip(_BLANK)


def read_lines(stream: BinaryIO, label: str) -> Iterator[InputLine]:
    """The lines of ``stream`` as they come, none held past :data:`MAX_DOCUMENT_BYTES`
    (a longer one is read through and measured); a byte-order mark opening the first line is
    dropped. A read that fails is an ``OSError`` naming ``label``."""
    number = 0
    while line := _read_line(stream, label):
        number += 1
        if number == 1 and line.startswith(_BOM):
            # Read as much of the line as if the mark were not there.
            line = line[len(_BOM) :]
            if not line.endswith(b"\n"):
                line += _read_line(stream, label, len(_BOM))
        text = line.removesuffix(b"\n")
        size = len(text)
        if size > MAX_DOCUMENT_BYTES:
            while not line.endswith(b"\n") and (line := _read_line(stream, label)):
                size += len(line.removesuffix(b"\n"))
            text = b""
        yield InputLine(number, text, size)


def _read_line(stream: BinaryIO, label: str, most: int | None = None) -> bytes:
    try:
        return stream.readline(MAX_DOCUMENT_BYTES + 2 if most is None else most)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), label) from None


def decide_lines(
    engine: Engine, lines: Iterator[InputLine], label: str, *, jobs: int, trace: bool
) -> Generator[tuple[int, Result], None, None]:
    """Each line's number and result, in the order of the lines, read as they are needed.

    The complaints go to ``evaluate_many_text`` (in the workers, with ``jobs`` > 1, the
    decisions are written as text too); blank lines and lines too long are
    answered here, and put back in their places among the decisions.
    """
    waiting: deque[tuple[int, bool, ComplaintError | None]] = deque()
    """Lines read and not yet answered: (number, sent to be decided, what else it is)."""

    def complaints() -> Iterator[bytes]:
        for line in lines:
            if line.too_long:
                waiting.append((line.number, False, document_too_large(line.size, label)))
            elif line.blank:
                waiting.append((line.number, False, None))
            else:
                waiting.append((line.number, True, None))
                yield line.text

    decided = evaluate_many_text(engine, complaints(), jobs=jobs, errors="return", trace=trace)
    with contextlib.closing(decided):
        while True:
            while waiting and not waiting[0][1]:
                number, _, error = waiting.popleft()
                yield number, None if error is None else on_line(error, label, number)
            try:
                result = next(decided)  # reads on as far as the next complaint
            except StopIteration:
                break
            while not waiting[0][1]:
                number, _, error = waiting.popleft()
                yield number, None if error is None else on_line(error, label, number)
            number, _, _ = waiting.popleft()
            if isinstance(result, ComplaintError):
                result = on_line(result, label, number)
            yield number, result
        for number, _, error in waiting:  # blank or too long, after the last complaint
            yield number, None if error is None else on_line(error, label, number)


def _line_json(number: int, result: Result) -> str:
    if isinstance(result, DecisionText):
        return result.json
    if result is None:
        return "null"
    document = {"line": number, **error_document(result)}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


@contextlib.contextmanager
def _input(name: str) -> Iterator[BinaryIO]:
    if name == STDIN:
        yield sys.stdin.buffer
        return
    with open_regular(name) as handle:
        yield handle


@contextlib.contextmanager
def _output(name: str | None, out: TextIO) -> Iterator[Callable[[str], object]]:
    """Where the lines go: the output, or the file ``name`` as a whole once all are written."""
    if name is None or name == STDIN:
        yield lambda line: out.write(line + "\n")
        return
    with replacing(name) as handle:
        yield lambda line: handle.write(line.encode("utf-8") + b"\n")


def _line_count(name: str) -> int:
    """The lines of the file ``name``, counted for the progress bar."""
    lines, last = 0, b"\n"
    with open_regular(name) as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def run_batch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules evaluate --batch FILE`` with parsed ``args``."""
    engine, bundle = read_engine(args.rules, args.backend)
    label = "<stdin>" if args.batch == STDIN else args.batch
    summary = BatchSummary()
    with engine, _input(args.batch) as stream:
        total = None if args.batch == STDIN or not _is_terminal(err) else _line_count(args.batch)
        results = decide_lines(
            engine, read_lines(stream, label), label, jobs=args.jobs or 1, trace=args.trace
        )
        with (
            _output(args.output, out) as write,
            contextlib.closing(results),
            Progress(total, err, "evaluate") as progress,
        ):
            for number, result in results:
                write(_line_json(number, result))
                summary.add(result, number)
                progress.advance()
        identity = engine.bundle.identity
    to_file = args.output is not None and args.output != STDIN
    report = out if to_file else err
    if args.format == "json":
        write_json(report, _summary_json(summary, label, args, identity, bundle))
    else:
        report.write(summary.text(label, bundle.text(identity.sha256)))
    return summary.status


def _summary_json(
    summary: BatchSummary,
    label: str,
    args: argparse.Namespace,
    identity: BundleIdentity,
    bundle: BundleInUse,
) -> dict[str, Any]:
    return {
        "input": label,
        "output": args.output if args.output != STDIN else None,
        "jobs": args.jobs or 1,
        **summary.as_json(),
        "bundle": identity.model_dump(),
        **bundle.as_json(),
    }


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
