"""The reports in a real browser: every page loads without console errors, every link resolves,
and a screenshot of each page is kept for review (work/screenshots/)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from analysis.publish.pdf import find_chromium

from conftest import REPO

BROWSER = find_chromium()
if not BROWSER:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Chromium (Debian's chromium package) for the browser test")
    pytest.skip("no Chromium on this machine: install Debian's chromium package", allow_module_level=True)

SHOTS = REPO / "work" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chrome = p.chromium.launch(
            executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chrome
        chrome.close()


def _pages(folder: Path) -> list[Path]:
    return [folder / "index.html", *sorted(p for p in folder.glob("*.html") if p.name != "index.html")]


def test_every_page_loads_cleanly_links_resolve_and_is_screenshotted(refreshed, browser):
    _, out, _ = refreshed
    folder = out / "2025-26-Q4"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on("requestfailed", lambda req: problems.append(f"failed request: {req.url}"))
    checked = 0
    for html in _pages(folder):
        page.goto(html.as_uri(), wait_until="load")
        assert page.title(), f"{html.name} has no <title>"
        assert page.locator("h1").count() >= 1, f"{html.name} has no top-level heading"
        for img in page.locator("img").all():
            alt = img.get_attribute("alt") or ""
            assert len(alt) > 20, f"{html.name}: an image has no useful alt text ({alt!r})"
        for href in page.locator("a[href]").evaluate_all("els => els.map(e => e.href)"):
            url = urlparse(href)
            if url.scheme == "file":
                target = Path(unquote(url.path))
                assert target.exists(), f"{html.name} links to missing {target.name}"
                checked += 1
            else:
                assert url.scheme in ("http", "https", "mailto") and not url.fragment == href, href
        page.screenshot(path=str(SHOTS / f"{html.stem}.png"), full_page=True)
    assert not problems, problems
    assert checked >= 3  # the index links to the reports, the figures and the manifest at least
