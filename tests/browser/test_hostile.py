"""Hostile data in Chromium: nothing runs, nothing is fetched from elsewhere, and the
Content-Security-Policy holds on every page type without a single violation."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.log import BuildLog
from generator.serve import Preview

from ..conftest import SAMPLE
from ..fixtures.hostile.hostile_data import FORMATS, PAYLOADS, write_source
from .conftest import SiteServer, build_site

pytestmark = pytest.mark.browser

# Recorded before any page script runs, in every document the context opens.
RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});
"""
# All payloads in one text; the URL payloads alone too, since a link field must be all URL.
VARIANTS = {
    "combined": " ".join(PAYLOADS.values()),
    "javascript-url": PAYLOADS["javascript-url"],
    "data-url": PAYLOADS["data-url"],
}


@pytest.fixture
def watched(page: object) -> Iterator[object]:
    """The `page` fixture, also recording dialogs and CSP violations."""
    page.dialogs = []  # type: ignore[attr-defined]

    def on_dialog(dialog: object) -> None:
        page.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)  # type: ignore[attr-defined]
    page.context.add_init_script(RECORD)  # type: ignore[attr-defined]
    yield page


def assert_clean(page: object, where: str) -> None:
    """No dialog, console error, CSP violation or request to another origin so far."""
    csp = page.evaluate("window.__csp")  # type: ignore[attr-defined]
    found = {
        "dialogs": page.dialogs,  # type: ignore[attr-defined]
        "console errors": page.console_errors,  # type: ignore[attr-defined]
        "csp violations": csp,
        "foreign requests": page.foreign_requests,  # type: ignore[attr-defined]
    }
    assert {k: v for k, v in found.items() if v} == {}, where


@pytest.fixture(scope="module")
def hostile_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SiteServer]]:
    """One served site per format and payload variant."""
    servers = {}
    for fmt in FORMATS:
        for name, payload in VARIANTS.items():
            root = tmp_path_factory.mktemp(f"{fmt}-{name}")
            source, flags = write_source(fmt, payload, root / "data")
            servers[f"{fmt}/{name}"] = SiteServer(build_site(source, root / "site", *flags))
    yield servers
    for server in servers.values():
        server.close()


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_data_never_runs(
    watched: object, hostile_sites: dict[str, SiteServer], fmt: str, variant: str
) -> None:
    server = hostile_sites[f"{fmt}/{variant}"]
    pages = sorted(p.relative_to(server.root).as_posix() for p in server.root.rglob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        watched.goto(server.url + path)  # type: ignore[attr-defined]
        # Focus and hover everything a payload might have hidden a handler on.
        watched.keyboard.press("Tab")  # type: ignore[attr-defined]
        watched.mouse.move(200, 300)  # type: ignore[attr-defined]
        assert_clean(watched, path)
    watched.goto(server.url + "schedule.html#view=grid")  # type: ignore[attr-defined]
    watched.locator(".grid-view").wait_for()  # type: ignore[attr-defined]
    watched.locator(".grid-view [data-star]").first.click()  # type: ignore[attr-defined]
    watched.get_by_role("searchbox").fill(VARIANTS[variant])  # type: ignore[attr-defined]
    assert_clean(watched, "schedule.html, grid view and search")


def _first(site: Path, folder: str) -> str:
    return sorted(p.name for p in (site / folder).glob("*.html"))[0]


def test_no_csp_violation_on_any_page_type(
    watched: object, sample_server: SiteServer, sample_site: Path
) -> None:
    url = sample_server.url
    pages = [
        "index.html",
        "schedule.html",
        "tracks.html",
        "rooms.html",
        "speakers.html",
        "coc.html",
        "offline.html",
        "404.html",
        "sessions/" + _first(sample_site, "sessions"),
        "speakers/" + _first(sample_site, "speakers"),
    ]
    for path in pages:
        watched.goto(url + path)  # type: ignore[attr-defined]
        assert watched.evaluate("document.documentElement.classList.contains('js')")  # type: ignore[attr-defined]
        assert_clean(watched, path)
    watched.goto(url + "schedule.html")  # type: ignore[attr-defined]
    watched.get_by_role("button", name="Grid view").click()  # type: ignore[attr-defined]
    watched.locator(".grid-view .grid").first.wait_for()  # type: ignore[attr-defined]
    # The grid places cards by setting element.style: CSSOM, which the policy allows.
    grid = watched.locator(".grid-view .grid").first  # type: ignore[attr-defined]
    assert "repeat(" in grid.evaluate("e => e.style.gridTemplateColumns")
    watched.locator("[data-tz-toggle]").first.click()  # type: ignore[attr-defined]
    watched.locator(".grid-view [data-star]").first.click()  # type: ignore[attr-defined]
    assert_clean(watched, "schedule.html: grid, time zone, star")
    watched.goto(url + "speakers.html")  # type: ignore[attr-defined]
    watched.get_by_role("searchbox").fill("a")  # type: ignore[attr-defined]
    assert_clean(watched, "speakers.html: search")


def test_the_policy_blocks_inline_script_and_style(
    watched: object, sample_server: SiteServer
) -> None:
    """The check above can fail: an inline script or style attribute is refused and reported."""
    watched.goto(sample_server.url + "index.html")  # type: ignore[attr-defined]
    watched.evaluate(  # type: ignore[attr-defined]
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__ran = true";
          document.head.append(s);
          document.body.insertAdjacentHTML("beforeend", '<p id="x" style="color: red">x</p>');
        }"""
    )
    # Not wait_for_function: it compiles its predicate with eval, which the policy forbids.
    watched.evaluate(  # type: ignore[attr-defined]
        """() => new Promise((done) => (function check() {
          if (window.__csp.length >= 2) return done();
          setTimeout(check, 10);
        })())"""
    )
    assert watched.evaluate("window.__ran") is None  # type: ignore[attr-defined]
    directives = " ".join(watched.evaluate("window.__csp"))  # type: ignore[attr-defined]
    assert "script-src" in directives and "style-src" in directives


def test_site_opened_from_disk_runs_under_the_policy(watched: object, sample_site: Path) -> None:
    watched.goto((sample_site / "schedule.html").as_uri())  # type: ignore[attr-defined]
    assert watched.evaluate("document.documentElement.classList.contains('js')")  # type: ignore[attr-defined]
    assert watched.evaluate("window.__csp") == []  # type: ignore[attr-defined]


def test_preview_server_scripts_fit_the_policy(watched: object, tmp_path: Path) -> None:
    """The preview's injected scripts and its reload socket are same-origin: allowed."""
    flags = {"source": str(SAMPLE), "no_remote": True}
    preview = Preview(flags, BuildLog(stream=io.StringIO()), port=0)
    preview.start()
    try:
        watched.goto(preview.url + "schedule.html")  # type: ignore[attr-defined]
        assert preview.wait_until(lambda: preview.clients == 1, 30)
        assert_clean(watched, "preview schedule.html")
    finally:
        preview.stop()
