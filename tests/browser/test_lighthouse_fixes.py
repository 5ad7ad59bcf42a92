"""What the Lighthouse work changed: descriptive track links, cards drawn only near the
viewport (but always in print and the grid), and the schedule restored after a zone switch."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import SiteServer

LIST = ".schedule-list [data-session-id]"
# Lighthouse's link-text audit (English): a link whose whole text is one of these fails SEO.
GENERIC = {"click here", "click this", "go", "here", "information", "learn more", "more",
           "more info", "more information", "right here", "read more", "see more", "start",
           "this"}  # fmt: skip


def open_schedule(page: Page, server: SiteServer, fragment: str = "") -> None:
    page.goto(server.url + "schedule.html" + fragment)
    expect(page.get_by_role("searchbox")).to_be_visible()


def test_track_links_say_they_are_tracks(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    nav = page.get_by_role("navigation", name="Tracks")
    links = nav.locator("[data-filter-track]")
    assert links.count() > 0
    for i in range(links.count()):
        link = links.nth(i)
        shown = link.evaluate("e => e.firstChild.textContent")
        # Seen as the track's name, read (and indexed) as "<name> track".
        expect(nav.get_by_role("link", name=f"{shown} track", exact=True)).to_have_count(1)
        assert re.sub(r"\s+", " ", link.inner_text()).strip() == f"{shown} track"
    texts = page.eval_on_selector_all("a[href]", "els => els.map(e => e.innerText.trim())")
    assert not [t for t in texts if t.lower() in GENERIC]
    # The filter chip names the track as it is shown, without the hidden word.
    first = links.first.evaluate("e => e.firstChild.textContent")
    links.first.click()
    expect(
        page.get_by_role("button", name=f"Remove filter Track: {first}", exact=True)
    ).to_be_visible()


def test_cards_skip_rendering_off_screen_but_print_and_grid_draw_them(
    page: Page, sample_server: SiteServer
) -> None:
    open_schedule(page, sample_server)
    card = page.locator(LIST).last
    assert card.evaluate("e => getComputedStyle(e).contentVisibility") == "auto"
    page.emulate_media(media="print")
    assert card.evaluate("e => getComputedStyle(e).contentVisibility") == "visible"
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Grid view").click()
    grid_card = page.locator(".grid [data-session-id]").first
    expect(grid_card).to_be_visible()
    assert grid_card.evaluate("e => getComputedStyle(e).contentVisibility") == "visible"


def test_zone_round_trip_restores_the_servers_schedule(
    browser: object, sample_server: SiteServer
) -> None:
    context = browser.new_context(timezone_id="Asia/Tokyo")  # type: ignore[attr-defined]
    page = context.new_page()
    open_schedule(page, sample_server)
    # Per day: its slug, its title and, per slot, each card's id, time text and day.
    layout = """() => Array.from(document.querySelectorAll('.schedule-list .day')).map(d => [
      d.dataset.day, d.querySelector('.day-title').textContent,
      Array.from(d.querySelectorAll('.slot')).map(s => Array.from(
        s.querySelectorAll('[data-session-id]')).map(c => c.dataset.sessionId + ' '
          + c.querySelector('.session-time').textContent + ' ' + c.dataset.day))])"""
    before = page.evaluate(layout)
    page.get_by_role("button", name="Show times in my time zone (Asia/Tokyo)").click()
    expect(page.locator(f"{LIST}[data-session-id='2655']")).to_have_attribute(
        "data-day", "2026-06-12"
    )
    assert page.evaluate(layout) != before
    page.get_by_role("button", name=re.compile("event's time zone")).click()
    expect(page.locator(f"{LIST}[data-session-id='2655']")).to_have_attribute(
        "data-day", "2026-06-11"
    )
    assert page.evaluate(layout) == before
    # Stars are still there and still work on the restored schedule.
    star = page.locator(f"{LIST}[data-session-id='2601'] [data-star]")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    context.close()


def test_on_a_phone_the_side_lists_do_not_push_the_schedule_away(
    page: Page, fossasia_server: SiteServer
) -> None:
    # FOSSASIA 2017: 20 tracks, 15 rooms, a calendar per track. Wrapped, these lists filled
    # three phone screens before the first session; now each is one row, scrolled sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("schedule.html", "tracks.html", "rooms.html"):
        page.goto(fossasia_server.url + path)
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), path
        content = page.locator(".with-side > :not(.side)").first
        assert content.evaluate("e => e.getBoundingClientRect().top") < 1.5 * 740, path
        row = page.locator(".track-list ul")
        assert row.evaluate("e => e.scrollWidth > e.clientWidth"), path  # scrolls inside
        # Every track is still there to filter by (focusable, inside the row).
        assert row.locator("a").count() == page.locator(".track-list li").count()
