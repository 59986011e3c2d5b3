"""``ipp-rules init``: a copy of the bundled rules to edit, with examples to try."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipp_rules import Engine
from tests.cli.conftest import EXAMPLES, run_cli
from tests.conftest import BUNDLE

pytestmark = pytest.mark.slow  # subprocesses: run in CI, outside the fast subset


def test_init_copies_the_bundled_rules_to_edit(tmp_path: Path):
    done = run_cli("init", "my-bundle", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    bundle = tmp_path / "my-bundle"
    assert done.stdout.startswith("copied the bundled rules (ipp-default 2026.11.0, ")
    assert "--rules my-bundle" in done.stdout
    shipped = sorted(
        p.relative_to(BUNDLE)
        for p in BUNDLE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    examples = sorted(Path("examples") / p.relative_to(EXAMPLES) for p in EXAMPLES.iterdir())
    copied = sorted(p.relative_to(bundle) for p in bundle.rglob("*") if p.is_file())
    assert copied == sorted(shipped + examples)
    with Engine.from_path(bundle) as copied, Engine.default() as default:
        assert copied.bundle.identity == default.bundle.identity
    # The copy is what --rules takes.
    deadline = run_cli(
        "deadline",
        "taobao",
        "merchant_counter_notification",
        "2026-09-18T10:00:00+08:00",
        "--rules",
        "my-bundle",
        cwd=tmp_path,
    )
    assert deadline.returncode == 0 and "2026-09-23T00:00:00+08:00" in deadline.stdout


def test_init_into_an_empty_folder_and_never_over_files(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("init", empty).returncode == 0
    assert (empty / "bundle.yaml").is_file()
    again = run_cli("init", empty)
    assert again.returncode == 2
    assert again.stdout == ""
    assert again.stderr == f"ipp-rules init: {empty}: already exists and is not an empty folder\n"
    file = tmp_path / "file"
    file.write_text("keep me", encoding="utf-8")
    assert run_cli("init", file).returncode == 2
    assert file.read_text(encoding="utf-8") == "keep me"


def test_init_fills_an_empty_folder_where_it_is(tmp_path: Path):
    here = tmp_path / "here"
    here.mkdir(mode=0o700)
    done = run_cli("init", ".", cwd=here)
    assert done.returncode == 0, done.stderr
    assert (here / "bundle.yaml").is_file()
    assert here.stat().st_mode & 0o777 == 0o700
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(private)
    assert run_cli("init", "link", cwd=tmp_path).returncode == 0
    assert (private / "bundle.yaml").is_file() and private.stat().st_mode & 0o777 == 0o700


def test_init_names_where_it_copied_from_and_gives_examples_to_try(tmp_path: Path):
    done = run_cli("init", "my-bundle", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first, second, *_ = done.stdout.splitlines()
    # The bundled rules are named by the folder they were read from.
    assert first.endswith(f" files) from {BUNDLE} to my-bundle")
    examples = len(list(EXAMPLES.iterdir()))
    assert second == f"copied {examples} examples to my-bundle/examples"
    assert "ipp-rules evaluate my-bundle/examples/complaint-lazada-th.yaml --rules my-bundle" in (
        done.stdout
    )
    # The examples are outside what the bundle reads: check finds nothing to say about them.
    check = run_cli("check", "my-bundle", cwd=tmp_path)
    assert check.returncode == 0, check.stdout
    assert "examples" not in check.stdout
    evaluate = run_cli(
        "evaluate",
        "my-bundle/examples/complaint-lazada-th.yaml",
        "--rules",
        "my-bundle",
        cwd=tmp_path,
    )
    assert evaluate.returncode == 0, evaluate.stderr
