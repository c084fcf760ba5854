"""Every page of a real refresh (the index and each report) checked with axe-core in Chromium: no violation of impact
"serious" or "critical" (contrast, links told apart by colour alone, missing alt text, table headers, landmarks,
link names...). Long pages open with a contents list whose links reach their sections."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis.publish import schedule
from analysis.publish.pdf import find_chromium

BROWSER = find_chromium()
if not BROWSER:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Chromium (Debian's chromium package) for the accessibility test")
    pytest.skip("no Chromium on this machine: install Debian's chromium package", allow_module_level=True)

BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chrome = p.chromium.launch(
            executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chrome.new_page(viewport={"width": 1200, "height": 900})
        chrome.close()


def _pages(folder: Path) -> list[Path]:
    return [folder / "index.html", *sorted(p for p in folder.glob("*.html") if p.name != "index.html")]


def test_no_page_has_a_serious_or_critical_accessibility_violation(refreshed, page):
    from axe_playwright_python.sync_playwright import Axe

    _, out, _ = refreshed
    pages = _pages(out / "2025-26-Q4")
    assert len(pages) == len(schedule.report_notebooks()) + 1  # the index and every report
    axe = Axe()
    found = []
    for html in pages:
        page.goto(html.as_uri(), wait_until="load")
        for v in axe.run(page).response["violations"]:
            if v["impact"] in BLOCKING:
                where = "; ".join(str(n["target"]) for n in v["nodes"][:3])
                found.append(f"{html.name}: {v['impact']} {v['id']} ({v['help']}) at {where}")
    assert not found, "\n".join(found)


def test_links_in_text_are_underlined(refreshed, page):
    _, out, _ = refreshed
    page.goto((out / "2025-26-Q4" / "90_summary.html").as_uri(), wait_until="load")
    links = page.locator("main p a, main li a")
    assert links.count() > 0
    decorations = links.evaluate_all("els => els.map(e => getComputedStyle(e).textDecorationLine)")
    assert set(decorations) == {"underline"}, decorations


def test_every_long_report_opens_with_a_contents_list_that_reaches_its_sections(refreshed, page):
    _, out, _ = refreshed
    for html in _pages(out / "2025-26-Q4")[1:]:
        page.goto(html.as_uri(), wait_until="load")
        sections = page.locator("main h2").count()
        if sections < 3:
            continue
        nav = page.locator("nav.page-contents")
        assert nav.count() == 1, f"{html.name}: {sections} sections and no contents list"
        targets = nav.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert len(targets) == sections
        for target in targets:
            assert page.locator(f"h2[id='{target[1:]}']").count() == 1, f"{html.name}: {target} reaches no section"
        # before the first section, after the title
        order = page.evaluate(
            """() => {
                const nav = document.querySelector('nav.page-contents');
                const h1 = document.querySelector('h1'), h2 = document.querySelector('main h2');
                return [h1.compareDocumentPosition(nav) & 4, nav.compareDocumentPosition(h2) & 4];
            }"""
        )
        assert all(order), f"{html.name}: the contents list is not between the title and the first section"
