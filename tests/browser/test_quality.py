"""Accessibility (axe-core) and layout on every page type, in the default and the dark theme."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from ..conftest import ROOT, SAMPLE
from .conftest import SiteServer, build_site

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def page_types(site: Path) -> list[str]:
    """One page of every type the site has."""
    pages = ["index.html", "schedule.html", "tracks.html", "rooms.html", "speakers.html"]
    pages += ["coc.html", "offline.html", "404.html"]
    pages += [f"sessions/{sorted(p.name for p in (site / 'sessions').iterdir())[0]}"]
    pages += [f"speakers/{sorted(p.name for p in (site / 'speakers').iterdir())[0]}"]
    return [p for p in pages if (site / p).is_file()]


@pytest.fixture(scope="module", params=["default", "dark"])
def themed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SiteServer, Path]]:
    site = build_site(
        SAMPLE, tmp_path_factory.mktemp(request.param) / "site", "--theme", request.param
    )
    server = SiteServer(site)
    yield server, site
    server.close()


def axe_source() -> str:
    if not AXE.is_file():
        message = f"axe-core not found at {AXE} (npm install --no-save axe-core)"
        if os.environ.get("EVENTSITE_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[str]:
    page.evaluate(axe_source())
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
    )
    return list(found)


def test_axe_reports_no_violation_on_any_page(page: Page, themed: tuple[SiteServer, Path]) -> None:
    server, site = themed
    problems = {}
    for path in page_types(site):
        page.goto(server.url + path)
        found = violations(page)
        if found:
            problems[path] = found
    page.goto(server.url + "schedule.html#view=grid")
    page.get_by_role("button", name="Grid view").wait_for()
    if found := violations(page):
        problems["schedule.html (grid)"] = found
    assert problems == {}


@pytest.mark.parametrize("size", [(320, 640), (768, 1024), (1366, 768)])
def test_no_horizontal_page_scroll(page: Page, sample_server: SiteServer, sample_site: Path,
                                   size: tuple[int, int]) -> None:  # fmt: skip
    page.set_viewport_size({"width": size[0], "height": size[1]})
    wide = []
    for path in page_types(sample_site):
        page.goto(sample_server.url + path)
        if not page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"):
            wide.append(path)
    page.goto(sample_server.url + "schedule.html#view=grid")
    page.locator(".grid-day").first.wait_for()
    if not page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"):
        wide.append("schedule.html (grid)")
    assert wide == []


def test_no_console_error_or_foreign_request(page: Page, fossasia_server: SiteServer,
                                             fossasia_site: Path) -> None:  # fmt: skip
    for path in page_types(fossasia_site):
        page.goto(fossasia_server.url + path)
    assert page.console_errors == []  # type: ignore[attr-defined]
    assert page.foreign_requests == []  # type: ignore[attr-defined]
