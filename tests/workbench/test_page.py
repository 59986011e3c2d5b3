"""The workbench in a real browser: each view does what a staff member needs, and the page
shows it (the assertions read what is on the page)."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from ipp_rules import Engine
from tests.conftest import BUNDLE, REPO
from tests.workbench.conftest import Workbench, open_workbench, screenshot, start_workbench

pytestmark = pytest.mark.slow  # a server process and a browser


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    folder = tmp_path_factory.mktemp("workbench")
    bundle = Path(shutil.copytree(BUNDLE, folder / "my-bundle"))
    started = start_workbench(folder, bundle)
    yield started
    started.stop()


def test_deciding_an_example_shows_its_findings(page: Page, bench: Workbench, shots: Path) -> None:
    open_workbench(page, bench)
    page.select_option("#example", "complaint.json")
    expect(page.locator("#document")).to_have_value(
        (REPO / "docs" / "examples" / "complaint.json").read_text(encoding="utf-8")
    )
    page.check("#trace")
    page.click("#decide")
    expect(page.locator("#outcome")).to_have_text("Outcome: needs_info")
    finding = page.locator("#findings li.finding").first
    expect(finding).to_contain_text("DIFFERENCES_DESCRIPTION_MISSING")
    expect(finding).to_contain_text("Add a description of the differences")
    expect(finding.locator("summary")).to_contain_text(
        "Rule evidence.counterfeit_description_missing (evidence.yaml:"
    )
    expect(finding.locator("pre.yaml")).to_contain_text(
        "- id: evidence.counterfeit_description_missing"
    )
    # The field the finding points at is marked in the document.
    marked = page.locator("#shown .hit")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text('"evidence"')
    expect(page.locator("#trace-out")).to_contain_text('"evidence.kinds"')
    screenshot(page, shots, "decide")


def test_an_invalid_document_shows_every_problem_at_its_line(page: Page, bench: Workbench) -> None:
    open_workbench(page, bench)
    page.fill("#document", '{\n  "platform": "ebay",\n  "reason": "counterfeit"\n}')
    page.click("#decide")
    expect(page.locator("#outcome")).to_contain_text("Not a valid complaint")
    expect(page.locator("#problems li").first).to_be_visible()
    expect(page.locator("#problems")).to_contain_text("complaint:2:")
    wrong = page.locator("#doc-line-2")  # the marketplace that does not exist, marked
    expect(wrong).to_contain_text('"platform": "ebay"')
    expect(wrong).to_have_class(re.compile(r"\bbad\b"))


def test_a_typo_in_a_rule_file_shows_the_located_problem(
    page: Page, bench: Workbench, shots: Path
) -> None:
    open_workbench(page, bench)
    page.click("#tab-rules")
    page.click("button[data-file='account.yaml']")
    expect(page.locator("#file-name")).to_have_text("account.yaml")
    text = page.input_value("#file-text")
    page.fill("#file-text", text.replace("    outcome: reject", "    outcom: reject", 1))
    page.click("#check")
    expect(page.locator("#check-summary")).to_contain_text("error(s)")
    problem = page.locator("#file-problems li").first
    expect(problem).to_contain_text("account.yaml:")
    expect(problem).to_contain_text("outcom")
    # Inline: the problem under the line it is about.
    note = page.locator("#file-annotated .note").filter(has_text="unknown key 'outcom'")
    expect(note).to_have_count(1)
    marked = page.locator("#file-annotated .line.bad").filter(has_text="outcom: reject")
    expect(marked).to_have_count(1)
    note.scroll_into_view_if_needed()
    screenshot(page, shots, "rules")


def test_changing_the_listing_limit_previews_the_changed_decisions(
    page: Page, bench: Workbench, shots: Path
) -> None:
    open_workbench(page, bench)
    page.click("#tab-rules")
    page.click("button[data-file='listing.yaml']")
    text = page.input_value("#file-text")
    assert "listings.count: {gt: 300}" in text
    page.fill("#file-text", text.replace("listings.count: {gt: 300}", "listings.count: {gt: 1}"))
    page.click("#preview")
    expect(page.locator("#changed-count")).to_contain_text("decisions change")
    count = int(page.locator("#changed-count").inner_text().split(" of ")[0])
    assert count > 0
    expect(page.locator(".transitions")).to_contain_text("→")
    expect(page.locator(".chart li").first).to_contain_text("now fires")
    screenshot(page, shots, "preview")
    # A changed complaint opens in the Decide view.
    page.locator(".changes button").first.click()
    expect(page.locator("#tab-decide")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#outcome")).to_contain_text("Outcome:")


def test_the_china_calendar_shows_the_make_up_working_days(
    page: Page, bench: Workbench, shots: Path
) -> None:
    open_workbench(page, bench)
    page.click("#tab-calendars")
    page.select_option("#calendar", "CN")
    page.fill("#month", "2026-09")
    page.click("#show-month")
    expect(page.locator(".month")).to_have_count(2)
    engine = Engine.default()
    policy = engine.bundle.deadlines
    assert policy is not None
    calendar = policy.calendar_for("taobao")
    expected = sorted(
        d.isoformat()
        for d in calendar.make_up_workdays
        if (d.year, d.month) in ((2026, 9), (2026, 10))
    )
    assert expected, "the data has make-up working days in September to October 2026"
    shown = page.locator(".day.make_up_workday[data-date]")
    assert sorted(shown.evaluate_all("nodes => nodes.map(n => n.dataset.date)")) == expected
    expect(page.locator(".day[data-date='2026-10-01']")).to_have_class("day holiday")
    page.click("#count")
    expect(page.locator("#due")).to_contain_text("Due 2026-")
    assert page.locator(".day.counted").count() >= 1
    screenshot(page, shots, "calendars")


def test_uploading_a_history_shows_eligibility(page: Page, bench: Workbench, shots: Path) -> None:
    open_workbench(page, bench)
    page.click("#tab-goodfaith")
    page.set_input_files("#history-file", str(REPO / "docs" / "examples" / "history-2027.csv"))
    expect(page.locator("#history")).not_to_have_value("")
    page.fill("#as-of", "2027-03-01")
    page.click("#assess")
    expect(page.locator("#eligibility")).to_have_text("Eligible")
    expect(page.locator("#metrics")).to_contain_text("takedown_success_rate")
    expect(page.locator("#metrics")).to_contain_text("93%")
    expect(page.locator("#metrics")).to_contain_text("≥ 90%")
    # The window week by week, and each record counted or not.
    weeks = page.locator("#weeks li")
    assert weeks.count() >= 12
    shown = sum(int(text.split("/")[1]) for text in page.locator("#weeks .bar").all_inner_texts())
    assert shown == 100  # every request of the window, in one week or another
    expect(page.locator("#records tr.counted")).to_have_count(100)
    screenshot(page, shots, "goodfaith")


def test_the_views_are_reached_with_the_keyboard(page: Page, bench: Workbench) -> None:
    open_workbench(page, bench)
    page.focus("#tab-decide")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-rules")).to_be_focused()
    expect(page.locator("#view-rules")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#view-calendars")).to_be_visible()


NEVER_FIRES = """
  - id: listing.no_case_fires
    title: A rule no test case makes fire
    source: IPR Protection Handbook, Section 3 FAQ "How many listings can I include?"
    when:
      listings.count: {gt: 4000}
    outcome: info
    code: VERY_MANY_LISTINGS
    message: The complaint names {listings.count} listings.
"""


def test_the_bundles_tests_run_in_the_page(page: Page, bench: Workbench) -> None:
    open_workbench(page, bench)
    page.click("#tab-rules")
    page.click("#run-tests")
    expect(page.locator("#tests-summary")).to_contain_text("218 passed, 0 failed; 100%")
    engine = Engine.default()
    expect(page.locator("#coverage li.fired")).to_have_count(len(engine.bundle.compiled.info))
    expect(page.locator("#coverage li.never-fired")).to_have_count(0)


def test_saving_writes_the_file_only_when_allowed(
    page: Page, bench: Workbench, tmp_path: Path
) -> None:
    old = "IPP accepts at most 300 per complaint."
    new = "IPP accepts at most 300 listings per complaint."
    # Started without --allow-save: the page says so and the folder is untouched.
    open_workbench(page, bench)
    page.click("#tab-rules")
    page.click("button[data-file='listing.yaml']")
    page.fill("#file-text", page.input_value("#file-text").replace(old, new))
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saving is off")
    download = page.locator("#download")
    expect(download).to_have_attribute("download", "listing.yaml")

    bundle = Path(shutil.copytree(BUNDLE, tmp_path / "saved-bundle"))
    saving = start_workbench(tmp_path, bundle, "--allow-save")
    try:
        open_workbench(page, saving)
        page.click("#tab-rules")
        page.click("button[data-file='listing.yaml']")
        page.fill("#file-text", page.input_value("#file-text").replace(old, new))
        page.click("#save")
        expect(page.locator("#save-status")).to_contain_text("Saved listing.yaml")
        assert new in (bundle / "listing.yaml").read_text(encoding="utf-8")
        # The saved bundle's tests run in the page; a rule no case makes fire stands out.
        edited = page.input_value("#file-text").replace("\ntables:", NEVER_FIRES + "\ntables:")
        page.fill("#file-text", edited)
        page.click("#save")
        expect(page.locator("#save-status")).to_contain_text("Saved listing.yaml")
        page.click("#run-tests")
        expect(page.locator("#tests-summary")).to_contain_text("218 passed, 0 failed")
        never = page.locator("#coverage li.never-fired")
        expect(never).to_have_count(1)
        expect(never).to_contain_text("listing.no_case_fires")
        # An edit with an error is never written.
        page.fill("#file-text", "rules: [\n")
        page.click("#save")
        expect(page.locator("#save-status")).to_contain_text("not saved")
        assert new in (bundle / "listing.yaml").read_text(encoding="utf-8")
    finally:
        page.goto("about:blank")  # nothing left asking the server that stops
        saving.stop()


def test_the_endpoints_read_only_the_bundles_own_files(bench: Workbench) -> None:
    with httpx.Client(base_url=bench.url) as client:
        outside = client.post("/api/check", json={"file": "../../etc/passwd", "text": "x"})
        hidden = client.post("/api/preview", json={"file": "/etc/passwd", "text": "x"})
        save = client.post("/api/save", json={"file": "listing.yaml", "text": "rules: []\n"})
        tagged = client.post("/api/decide", json={"text": "platform: !!python/object:os.system x"})
    assert outside.status_code == 422
    assert "is not a file of the bundle" in outside.json()["detail"]
    assert hidden.status_code == 422
    assert save.status_code == 403 and save.json()["type"] == "urn:ipp-rules:problem:save-disabled"
    assert tagged.status_code == 200 and tagged.json()["ok"] is False
    assert tagged.json()["problems"][0]["code"] == "tag"


PERIOD_2022 = "  - name: 2022 upgrade\n    effective_from: 2022-04-15\n"
PERIOD_2027 = """
  - name: 2027 change
    effective_from: 2027-01-01
    source: >-
      IPP policy team, 2026-12 change: the successful takedown rate must be at least 95%.
    marketplaces: [taobao, tmall, tmall_global]
    window_months: 3
    min_requests: 100
    thresholds:
      takedown_success_rate: {min: 95%}
      counter_notification_success_rate: {max: 5%}
    per_reason_code: true
    false_information: {allowed: false, look_back: history}
    rejoin_wait_months: 3
"""


def test_the_tutorials_good_faith_change_in_the_workbench(
    page: Page, tmp_path: Path, shots: Path
) -> None:
    """docs/tutorial.md's workbench path: the 95% rate from 2027, previewed on a known
    history, then saved; the time the page takes is printed for the tutorial's figures."""
    bundle = Path(shutil.copytree(BUNDLE, tmp_path / "my-bundle"))
    bench = start_workbench(tmp_path, bundle, "--allow-save")
    try:
        started = time.monotonic()
        open_workbench(page, bench)
        page.click("#tab-goodfaith")
        page.set_input_files("#history-file", str(REPO / "docs" / "examples" / "history-2027.csv"))
        page.fill("#as-of", "2027-03-01")
        page.click("#assess")
        expect(page.locator("#eligibility")).to_have_text("Eligible")

        page.click("#tab-rules")
        page.click("button[data-file='good_faith.yaml']")
        text = page.input_value("#file-text")
        assert text.count(PERIOD_2022) == 1
        edited = text.replace(PERIOD_2022, PERIOD_2022 + "    effective_until: 2027-01-01\n")
        page.fill("#file-text", edited.rstrip("\n") + "\n" + PERIOD_2027)
        page.click("#check")
        expect(page.locator("#check-summary")).not_to_contain_text("error")
        page.click("#preview")
        expect(page.locator("#gf-preview")).to_have_text(
            "Good Faith, for the history in the Good Faith view: Eligible → Not eligible"
        )
        expect(page.locator(".gf-after tr.missed").first).to_contain_text("takedown_success_rate")
        screenshot(page, shots, "goodfaith-preview")
        page.click("#save")
        expect(page.locator("#save-status")).to_contain_text("Saved good_faith.yaml")

        page.click("#tab-goodfaith")
        page.click("#assess")
        expect(page.locator("#eligibility")).to_have_text("Not eligible")
        elapsed = time.monotonic() - started
        assert "name: 2027 change" in (bundle / "good_faith.yaml").read_text(encoding="utf-8")
        print(f"the tutorial's change in the workbench, page and server: {elapsed:.1f} s")
    finally:
        page.goto("about:blank")
        bench.stop()
