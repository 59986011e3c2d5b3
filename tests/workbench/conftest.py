"""A real ``ipp-rules workbench`` process and a real headless Chromium (Playwright, driving
the system's Chromium from the Debian package ``chromium``, which ``.ci/run`` installs)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import REPO
from tests.service.conftest import free_port, stop_process

CHROMIUM = Path("/usr/bin/chromium")
CORPUS = REPO / "docs" / "examples" / "corpus.jsonl"
SCREENSHOTS = (
    Path(os.environ["IPP_RULES_SCREENSHOTS"]) if "IPP_RULES_SCREENSHOTS" in os.environ else None
)
"""Where the tests leave a screenshot of each view: ``docs/workbench.md`` shows the ones taken
with ``IPP_RULES_SCREENSHOTS=docs/workbench``. Otherwise they go to the test's own folder, so
a test run never changes the repository."""


@dataclass
class Workbench:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        stop_process(self.process)


def start_workbench(folder: Path, bundle: Path, *arguments: str) -> Workbench:
    port = free_port()
    log = folder / f"workbench-{port}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "ipp_rules", "workbench", str(bundle), "--port", str(port),
             "--corpus", str(CORPUS), *arguments],
            stdout=subprocess.DEVNULL,
            stderr=handle,
            env={**os.environ},
        )  # fmt: skip
    bench = Workbench(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(bench.url + "/api/state", timeout=2).status_code == 200:
                return bench
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    bench.stop()
    raise AssertionError(f"the workbench did not start:\n{log.read_text()}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "install the Debian package chromium (.ci/run does)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], f"the page raised: {errors}"


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = SCREENSHOTS or tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page: Page, folder: Path, name: str) -> None:
    """A picture of what the page shows now, as ``docs/workbench.md`` shows it."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000  # a picture of a page, not of nothing


def open_workbench(page: Page, bench: Workbench) -> None:
    page.goto(bench.url)
    page.wait_for_selector("body[data-ready=true]")
