"""The attendee's schedule in a real Chromium: filters, search, stars, zones, grid, now."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from .conftest import SiteServer

LIST = ".schedule-list [data-session-id]"


def visible_ids(page: Page, selector: str = LIST) -> set[str]:
    """Ids of the session elements the user can see."""
    return set(
        page.eval_on_selector_all(
            selector,
            "els => els.filter(e => e.checkVisibility()).map(e => e.dataset.sessionId)",
        )
    )


def ids_where(page: Page, js_predicate: str, selector: str = LIST) -> set[str]:
    """Ids of all session elements (visible or not) matching a JS predicate on the element."""
    return set(
        page.eval_on_selector_all(
            selector, f"els => els.filter({js_predicate}).map(e => e.dataset.sessionId)"
        )
    )


def open_schedule(page: Page, server: SiteServer, fragment: str = "") -> None:
    page.goto(server.url + "schedule.html" + fragment)
    expect(page.get_by_role("searchbox")).to_be_visible()


def test_track_filter_from_side_list(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    everything = visible_ids(page)
    page.get_by_role("navigation", name="Tracks").get_by_role("link", name="Data & AI").click()
    shown = visible_ids(page)
    assert shown and shown < everything
    assert shown == ids_where(page, "e => e.dataset.track === 'data-ai'")
    assert "track=data-ai" in page.url
    # Days and time slots left empty are hidden.
    assert page.eval_on_selector_all(
        ".schedule-list .slot",
        "els => els.every(s => s.hidden === !s.querySelector('[data-session-id]:not([hidden])'))",
    )
    chip = page.get_by_role("button", name="Remove filter Track: Data & AI")
    expect(chip).to_be_visible()
    page.get_by_role("button", name="Clear filters").click()
    assert visible_ids(page) == everything


@pytest.mark.parametrize("page_name", ["tracks.html", "rooms.html"])
def test_track_filter_on_tracks_and_rooms_pages(
    page: Page, sample_server: SiteServer, page_name: str
) -> None:
    page.goto(sample_server.url + page_name)
    page.get_by_role("navigation", name="Tracks").get_by_role("link", name="Hardware & IoT").click()
    shown = visible_ids(page, "main [data-session-id]")
    assert shown == ids_where(
        page, "e => e.dataset.track === 'hardware-iot'", "main [data-session-id]"
    )
    hidden_sections = page.eval_on_selector_all(
        ".track-section, .room-section", "els => els.filter(e => e.hidden).length"
    )
    assert hidden_sections > 0


def test_room_filter(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    page.get_by_role("navigation", name="Rooms").get_by_role("link", name="Workshop Lab").click()
    assert visible_ids(page) == ids_where(page, "e => e.dataset.room === 'workshop-lab'")
    page.get_by_role("button", name="Remove filter Room: Workshop Lab").click()
    assert len(visible_ids(page)) == 73


def test_day_tabs(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    days = page.get_by_role("navigation", name="Days")
    days.get_by_role("link", name="Thu 11 Jun").click()
    assert visible_ids(page) == ids_where(page, "e => e.dataset.day === '2026-06-11'")
    expect(page.locator("section.day[data-day='2026-06-10']")).to_be_hidden()
    days.get_by_role("link", name="All days").click()
    assert len(visible_ids(page)) == 73


def test_search_as_you_type(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    box = page.get_by_role("searchbox")
    box.fill("cafe-grade")  # accents do not matter: the title has "Café"
    assert len(visible_ids(page)) == 1
    box.fill("Inês Carvalho")  # a speaker's name
    shown = visible_ids(page)
    assert shown and all(
        "Inês Carvalho" in page.locator(f"{LIST}[data-session-id='{i}']").inner_text()
        for i in shown
    )
    box.fill("workshop lab")  # a room
    assert visible_ids(page) == ids_where(page, "e => e.dataset.room === 'workshop-lab'")
    box.fill("zzzz-nothing")
    assert visible_ids(page) == set()
    expect(page.get_by_text("No results.")).to_be_visible()
    box.fill("")
    expect(page.get_by_text("No results.")).to_be_hidden()


def test_speakers_page_search(page: Page, sample_server: SiteServer) -> None:
    page.goto(sample_server.url + "speakers.html")
    box = page.get_by_role("searchbox", name="Search speakers and organisations")
    box.fill("Lisbon Python")  # an organisation
    tiles = page.locator("[data-speaker-id]:visible")
    expect(tiles).to_have_count(1)
    expect(tiles.first).to_contain_text("Marta Gonçalves")
    box.fill("no such person")
    expect(page.get_by_text("No results.")).to_be_visible()


def star_button(page: Page, sid: str):
    return page.locator(f"{LIST}[data-session-id='{sid}'] [data-star]")


def test_bookmarks_persist_across_pages(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    first, second = sorted(visible_ids(page))[:2]
    star_button(page, first).click()
    star_button(page, second).click()
    expect(star_button(page, first)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-star-count]")).to_have_text("2")
    star_button(page, second).click()
    expect(star_button(page, second)).to_have_attribute("aria-pressed", "false")
    href = page.locator(f"{LIST}[data-session-id='{first}'] .session-title a").get_attribute("href")
    page.goto(sample_server.url + href)
    expect(page.locator(".session-page [data-star]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-star-count]")).to_have_text("1")
    key = page.evaluate("Object.keys(localStorage)")
    assert key == [f"eventsite:{page.locator('html').get_attribute('data-event')}:/:starred"]


def test_starred_only_filter(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    ids = sorted(visible_ids(page))[5:8]
    for sid in ids:
        star_button(page, sid).click()
    page.get_by_role("button", name="Starred only", exact=True).click()
    assert visible_ids(page) == set(ids)
    expect(page.get_by_role("button", name="Starred only", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )


def test_two_sites_on_one_origin_keep_separate_stars(browser: object, tmp_path: Path) -> None:
    from .conftest import SAMPLE, build_site

    root = tmp_path / "www"
    build_site(SAMPLE, root / "one")
    build_site(SAMPLE, root / "two")
    server = SiteServer(root)
    try:
        context = browser.new_context()  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(server.url + "one/schedule.html")
        page.locator(f"{LIST} [data-star]").first.click()
        expect(page.locator("[data-star-count]")).to_have_text("1")
        page.goto(server.url + "two/schedule.html")
        expect(page.locator("[data-star-count]")).to_have_text("0")
        context.close()
    finally:
        server.close()


def test_export_starred_as_ics(page: Page, sample_server: SiteServer, sample_site: Path) -> None:
    open_schedule(page, sample_server)
    ids = sorted(visible_ids(page))[:3]
    for sid in ids:
        star_button(page, sid).click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download starred (.ics)").click()
    body = Path(info.value.path()).read_bytes()
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    cal = Calendar.from_ical(body)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    identifier = page.locator("html").get_attribute("data-event")
    server_cal = Calendar.from_ical((sample_site / f"calendar/{identifier}.ics").read_bytes())
    server_events = {str(e["UID"]): e for e in server_cal.walk("VEVENT")}
    assert len(events) == 3 and set(events) <= set(server_events)
    for uid, ev in events.items():
        assert ev.decoded("DTSTART").tzinfo is not None  # UTC, never floating
        assert ev.decoded("DTSTART") == server_events[uid].decoded("DTSTART")
        assert str(ev["SUMMARY"]) == str(server_events[uid]["SUMMARY"])


def test_share_starred_link_offers_import(browser: object, sample_server: SiteServer) -> None:
    first = browser.new_context()  # type: ignore[attr-defined]
    page = first.new_page()
    open_schedule(page, sample_server)
    ids = sorted(visible_ids(page))[10:12]
    for sid in ids:
        star_button(page, sid).click()
    page.get_by_role("button", name="Share starred").click()
    link = page.get_by_label("Link to your starred sessions").input_value()
    first.close()
    other = browser.new_context()  # type: ignore[attr-defined]  # another device
    page = other.new_page()
    page.goto(link)
    offer = page.get_by_role("region", name="Import starred sessions")
    expect(offer).to_contain_text("2 starred sessions")
    offer.get_by_role("button", name="Import").click()
    expect(page.locator("[data-star-count]").first).to_have_text("2")
    for sid in ids:
        expect(star_button(page, sid)).to_have_attribute("aria-pressed", "true")
    other.close()


def _apply(page: Page, kind: str) -> None:
    if kind == "track":
        page.get_by_role("navigation", name="Tracks").get_by_role("link", name="Data & AI").click()
    elif kind == "search":
        page.get_by_role("searchbox").fill("data")
    else:
        page.get_by_role("button", name="Starred only", exact=True).click()


def _undo(page: Page, kind: str) -> None:
    names = {"track": "Remove filter Track: Data & AI", "search": "Remove filter Search: “data”",
             "starred": "Remove filter Starred only"}  # fmt: skip
    page.get_by_role("button", name=names[kind]).click()


def test_filters_combine_and_undo_in_every_order(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    all_ids = visible_ids(page)
    track = ids_where(page, "e => e.dataset.track === 'data-ai'")
    search = ids_where(page, "e => e.textContent.toLowerCase().includes('data')")
    starred = set(sorted(track & search)[:2]) | set(sorted(all_ids - track)[:2])
    for sid in starred:
        star_button(page, sid).click()
    sets = {"track": track, "search": search, "starred": starred}
    for order in itertools.permutations(sets):
        for undo in itertools.permutations(order):
            active: list[str] = []
            views = [visible_ids(page)]
            for kind in order:
                _apply(page, kind)
                active.append(kind)
                expected = set.intersection(all_ids, *(sets[k] for k in active))
                assert visible_ids(page) == expected, (order, active)
                views.append(expected)
            for kind in undo:
                _undo(page, kind)
                active.remove(kind)
                expected = set.intersection(all_ids, *(sets[k] for k in active))
                assert visible_ids(page) == expected, (order, undo, active)
            assert visible_ids(page) == all_ids


def test_filtered_view_is_a_link(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server, "#track=data-ai&q=model")
    expect(page.get_by_role("searchbox")).to_have_value("model")
    shown = visible_ids(page)
    assert shown and shown <= ids_where(page, "e => e.dataset.track === 'data-ai'")


def test_deep_link_scrolls_to_and_highlights_session(page: Page, sample_server: SiteServer) -> None:
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(sample_server.url + "schedule.html#s-2660")
    card = page.locator("#s-2660")
    expect(card).to_be_in_viewport()
    expect(card).to_have_class(re.compile(r"\bhighlight\b"))


def test_grid_view(page: Page, sample_server: SiteServer) -> None:
    page.set_viewport_size({"width": 768, "height": 1024})
    open_schedule(page, sample_server)
    page.get_by_role("button", name="Grid view").click()
    expect(page.locator(".schedule-list")).to_be_hidden()
    day = page.locator(".grid-day").first
    rooms = day.locator(".grid-room").all_inner_texts()
    assert rooms == ["Main Hall", "Room Tejo", "Room Alfama", "Workshop Lab", "Garden Stage"]
    scroller = day.locator(".grid-scroll")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")  # scrolls inside the grid
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")  # not the page
    assert day.locator(".grid-room").first.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert day.locator(".grid-time").first.evaluate("e => getComputedStyle(e).position") == "sticky"
    # A session sits in its room's column and starts on its row.
    card = day.locator(".grid [data-room='workshop-lab']").first
    head = day.locator(".grid-room", has_text="Workshop Lab")
    assert card.evaluate("e => getComputedStyle(e).gridColumnStart") == head.evaluate(
        "e => getComputedStyle(e).gridColumnStart"
    )
    page.get_by_role("button", name="Grid view").click()
    expect(page.locator(".schedule-list")).to_be_visible()


def test_time_zone_switch(browser: object, sample_server: SiteServer) -> None:
    context = browser.new_context(timezone_id="Asia/Tokyo")  # type: ignore[attr-defined]
    page = context.new_page()
    open_schedule(page, sample_server)
    opening = page.locator(f"{LIST}[data-session-id='2601'] time").first
    expect(opening).to_have_text("09:00")  # Europe/Lisbon
    page.get_by_role("button", name="Show times in my time zone (Asia/Tokyo)").click()
    expect(opening).to_have_text("17:00")  # 09:00+01:00 is 17:00 in Tokyo
    expect(page.locator(".tz-note").first).to_contain_text("Asia/Tokyo")
    # Day grouping follows: the 22:00 social (11 June in Lisbon) starts on 12 June in Tokyo.
    social = page.locator(f"{LIST}[data-session-id='2655']")
    expect(social).to_have_attribute("data-day", "2026-06-12")
    assert social.evaluate("e => e.closest('.day').dataset.day") == "2026-06-12"
    # Remembered, and applied on every page.
    page.goto(sample_server.url + page.locator("a[href^='sessions/']").first.get_attribute("href"))
    expect(page.locator("[data-tz-label]")).to_have_text("(Asia/Tokyo)")
    page.get_by_role("button", name=re.compile("event's time zone")).click()
    expect(page.locator("[data-tz-label]")).to_have_text("(Europe/Lisbon)")
    context.close()


def test_now_and_next(browser: object, sample_server: SiteServer) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.clock.install(time=datetime(2026, 6, 10, 9, 20, tzinfo=UTC))  # 10:20 in Lisbon
    open_schedule(page, sample_server)
    now_cards = page.locator(f"{LIST}.is-now")
    expect(now_cards.first).to_be_visible()
    running = ids_where(page, "e => e.classList.contains('is-now')")
    expected = ids_where(
        page,
        "e => Date.parse(e.dataset.start) <= Date.now() && Date.now() < Date.parse(e.dataset.end)",
    )
    assert running == expected and running
    expect(now_cards.first.get_by_text("Now")).to_be_visible()
    jump = page.get_by_role("button", name="Jump to now")
    expect(jump).to_be_visible()
    jump.click()
    expect(page.locator(f"{LIST}.highlight").first).to_be_in_viewport()
    page.clock.set_fixed_time(datetime(2026, 6, 20, tzinfo=UTC))  # after the event
    page.reload()
    expect(page.get_by_role("button", name="Jump to now")).to_be_hidden()
    expect(page.locator(f"{LIST}.is-now")).to_have_count(0)
    context.close()


def test_works_without_javascript(browser: object, sample_server: SiteServer) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(sample_server.url + "schedule.html")
    assert len(visible_ids(page)) == 73
    for name in ("Starred only", "Grid view", "Jump to now"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)  # hidden: not exposed
    expect(page.get_by_role("searchbox")).to_have_count(0)
    expect(page.locator("[data-star]:visible")).to_have_count(0)
    expect(page.locator("[data-toolbar]")).to_be_hidden()
    context.close()


def test_keyboard_star_and_visible_focus(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    # A skip link is the first thing the keyboard reaches, and it is visible when focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    star = page.locator(f"{LIST} [data-star]").first
    star.focus()
    assert star.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Space")
    expect(star).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    expect(star).to_have_attribute("aria-pressed", "false")


def test_print_stylesheet(page: Page, sample_server: SiteServer) -> None:
    open_schedule(page, sample_server)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".side")).to_be_hidden()
    assert len(visible_ids(page)) == 73
    assert page.locator(".slot").first.evaluate("e => getComputedStyle(e).display") == "block"


def test_exported_ics_escapes_and_folds_a_hostile_title(browser: object, tmp_path: Path) -> None:
    from ..conftest import base_files, write_event
    from .conftest import build_site

    title = 'Semi; comma, back\\slash "quote"\nnew line ' + "Ωé漢字" * 40
    files = base_files()
    files["sessions"][0]["title"] = title
    site = build_site(write_event(tmp_path / "ev", files), tmp_path / "site")
    server = SiteServer(site)
    try:
        context = browser.new_context(accept_downloads=True)  # type: ignore[attr-defined]
        page = context.new_page()
        open_schedule(page, server)
        star_button(page, "1").click()
        with page.expect_download() as info:
            page.get_by_role("button", name="Download starred (.ics)").click()
        body = Path(info.value.path()).read_bytes()
        lines = body.split(b"\r\n")
        assert all(len(line) <= 75 for line in lines)
        for line in lines:
            line.decode("utf-8")  # folding never splits a character
        ev = next(iter(Calendar.from_ical(body).walk("VEVENT")))
        assert str(ev["SUMMARY"]) == title  # escaping round-trips ; , \ and the newline
        context.close()
    finally:
        server.close()


def test_controls_are_laid_out_before_the_main_script_runs(
    page: Page, sample_server: SiteServer
) -> None:
    # site.js never arrives: the controls must still have their place from the first paint
    # (early.js), so nothing moves when the script does run (no layout shift).
    page.route("**/assets/js/site.js", lambda route: route.abort())
    page.goto(sample_server.url + "schedule.html")
    expect(page.locator("[data-controls]")).to_be_visible()
    expect(page.locator("[data-toolbar]")).to_be_visible()
    expect(page.locator(f"{LIST} [data-star]").first).to_be_visible()
