"""Offline and installable, in a real Chromium: the service worker, the offline list, updates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ..conftest import base_files, write_event
from .conftest import CHROMIUM_ARGS, SiteServer, build_site, chromium_path


def wait_controlled(page: Page) -> None:
    """Wait until the service worker is active and controls the page.

    A promise awaited through evaluate(): the site's CSP forbids the eval that
    wait_for_function would use inside the page.
    """
    page.evaluate(
        "navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller ||"
        " new Promise(r => navigator.serviceWorker.addEventListener('controllerchange', r)))"
    )


@pytest.fixture
def context(browser: object):
    ctx = browser.new_context()  # type: ignore[attr-defined]
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def test_installable(playwright: object, tmp_path: Path, sample_site: Path) -> None:
    server = SiteServer(sample_site)
    try:
        # Installability needs a persistent, non-incognito profile.
        ctx = playwright.chromium.launch_persistent_context(  # type: ignore[attr-defined]
            str(tmp_path / "profile"), executable_path=chromium_path(), headless=True,
            args=CHROMIUM_ARGS,
        )  # fmt: skip
        page = ctx.new_page()
        page.goto(server.url)
        wait_controlled(page)
        cdp = ctx.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
        ctx.close()
    finally:
        server.close()


def test_offline_after_first_visit(context, sample_server: SiteServer, sample_site: Path) -> None:
    page = context.new_page()
    page.goto(sample_server.url)
    wait_controlled(page)
    visited = sorted(p.name for p in (sample_site / "sessions").iterdir())[0]
    unvisited = sorted(p.name for p in (sample_site / "sessions").iterdir())[-1]
    page.goto(sample_server.url + "sessions/" + visited)
    title = page.locator("h1").inner_text()
    context.set_offline(True)
    page.reload()
    expect(page.locator("h1")).to_have_text(title)
    page.goto(sample_server.url + "schedule.html")  # in the app shell
    expect(page.locator("h1")).to_have_text("Schedule")
    page.goto(sample_server.url + "sessions/" + unvisited)
    expect(page.locator("h1")).to_have_text("You are offline")
    context.set_offline(False)


def test_whole_event_available_offline(
    context, sample_server: SiteServer, sample_site: Path
) -> None:
    page = context.new_page()
    page.goto(sample_server.url)
    wait_controlled(page)
    page.get_by_role("button", name="Make the whole event available offline").click()
    status = page.locator("[data-offline] [role=status]")
    expect(status).to_contain_text("The whole event is available offline", timeout=60_000)
    context.set_offline(True)
    listing = json.loads((sample_site / "offline.json").read_text())
    pages = [f["path"] for f in listing["files"] if f["path"].endswith(".html")]
    assert len(pages) > 100
    for path in pages:
        response = page.goto(sample_server.url + path)
        assert response is not None and response.ok, path
        assert page.locator("h1").inner_text() != "You are offline" or path == "offline.html", path
    context.set_offline(False)


def test_update_offer_replaces_only_this_sites_cache(context, tmp_path: Path) -> None:
    files = base_files()
    src = write_event(tmp_path / "ev", files)
    site = build_site(src, tmp_path / "www" / "site")
    server = SiteServer(tmp_path / "www", prefix="/")
    try:
        url = server.url + "site/"
        page = context.new_page()
        page.goto(url + "schedule.html")
        wait_controlled(page)
        # Another site on the same origin has its own caches, which must survive.
        page.evaluate("caches.open('eventsite:" + server.url + "other/:abc').then(c => c.put('"
                      + server.url + "other/x', new Response('x')))")  # fmt: skip
        old = page.evaluate("caches.keys()")
        files["sessions"][0]["title"] = "A brand new title"
        write_event(src, files)
        build_site(src, site)
        page.reload()
        offer = page.get_by_text("A new version is available.")
        expect(offer).to_be_visible(timeout=20_000)  # the browser's update check, then install
        page.get_by_role("button", name="Reload").click()
        expect(page.get_by_text("A brand new title")).to_be_visible()
        # The old cache is deleted asynchronously on activation: poll for it, with a deadline.
        page.evaluate(
            """old => new Promise((done, fail) => {
                const deadline = Date.now() + 15000;
                (function check() {
                    caches.keys().then(k => {
                        const mine = k.filter(x => x.includes('/site/:'));
                        if (mine.length === 1 && !old.includes(mine[0])) return done();
                        if (Date.now() > deadline) return fail(new Error('old cache kept: ' + k));
                        setTimeout(check, 50);
                    });
                })();
            })""",
            [k for k in old if "/site/:" in k],
        )
        keys = page.evaluate("caches.keys()")
        assert any(k.startswith(f"eventsite:{server.url}other/:") for k in keys)
        version = re.search(r'VERSION = "(\w+)"', (site / "sw.js").read_text()).group(1)
        assert [k for k in keys if "/site/:" in k] == [f"eventsite:{url}:{version}"]
    finally:
        server.close()


def test_works_offline_under_a_sub_path(context, sample_site: Path) -> None:
    server = SiteServer(sample_site, prefix="/my-event/")
    try:
        page = context.new_page()
        page.goto(server.url)
        wait_controlled(page)
        scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
        assert scope == server.url
        context.set_offline(True)
        page.goto(server.url + "schedule.html")
        expect(page.locator("h1")).to_have_text("Schedule")
        page.goto(server.url + "speakers.html")  # not in the shell, never visited
        expect(page.locator("h1")).to_have_text("You are offline")
        context.set_offline(False)
    finally:
        server.close()


def test_offline_image_gets_a_placeholder(context, sample_server: SiteServer) -> None:
    page = context.new_page()
    page.goto(sample_server.url)
    wait_controlled(page)
    context.set_offline(True)
    width = page.evaluate(
        "new Promise(r => { const i = new Image(); i.onload = () => r(i.naturalWidth);"
        " i.onerror = () => r(-1); i.src = 'assets/images/speakers/never-cached.jpg'; })"
    )
    assert width == 96  # assets/images/offline.svg, from the precache
    context.set_offline(False)


def test_other_origins_are_never_cached(
    browser: object, sample_server: SiteServer, tmp_path: Path
) -> None:
    # The site's CSP already stops its pages from fetching other origins; this checks the
    # worker's own rule behind it, so the page's CSP is bypassed here.
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]
    other_root = tmp_path / "other"
    other_root.mkdir()
    (other_root / "data.txt").write_text("from another origin")
    other = SiteServer(other_root)  # another port: another origin
    try:
        page = context.new_page()
        page.goto(sample_server.url)
        wait_controlled(page)
        status = page.evaluate(
            "url => fetch(url, {mode: 'no-cors'}).then(r => r.type)", other.url + "data.txt"
        )
        assert status == "opaque"  # the request went out
        own = page.evaluate(
            """url => fetch(url).then(() => new Promise(done => {
                const deadline = Date.now() + 10000;  // the worker stores it after answering
                (function check() {
                    caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k)
                        .then(c => c.match(url))))).then(hits => {
                        const n = hits.filter(Boolean).length;
                        if (n || Date.now() > deadline) return done(n);
                        setTimeout(check, 50);
                    });
                })();
            }))""",
            sample_server.url + "speakers.html",
        )
        assert own == 1  # while the site's own pages are kept as they pass
        # Checked after the own page was stored, so a late store could not be missed.
        cached = page.evaluate(
            "url => caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k)"
            ".then(c => c.match(url))))).then(hits => hits.filter(Boolean).length)",
            other.url + "data.txt",
        )
        assert cached == 0
    finally:
        other.close()
        context.close()
