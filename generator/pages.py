"""The list of pages a site has: template, output path and what each is about. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Event
from .schedule import Schedule


@dataclass(frozen=True)
class Page:
    """One HTML page to write."""

    kind: str  # home, schedule, tracks, rooms, speakers, session, speaker, coc, offline, 404
    template: str
    path: str  # site-relative, e.g. "sessions/12-intro.html"
    title: str
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def plan(event: Event, schedule: Schedule) -> list[Page]:
    """Every page of the site, in a stable order."""
    pages = [
        Page("home", "home.html", "index.html", event.name),
        Page("schedule", "schedule.html", "schedule.html", "Schedule"),
        Page("tracks", "tracks.html", "tracks.html", "Tracks"),
        Page("rooms", "rooms.html", "rooms.html", "Rooms"),
        Page("speakers", "speakers.html", "speakers.html", "Speakers"),
    ]
    if event.code_of_conduct:
        pages.append(Page("coc", "coc.html", "coc.html", "Code of conduct"))
    pages.append(Page("offline", "offline.html", "offline.html", "You are offline"))
    pages.append(Page("404", "404.html", "404.html", "Page not found"))
    for session in event.sessions:
        pages.append(
            Page("session", "session.html", session.path, session.title, {"session": session})
        )
    for speaker in event.speakers:
        pages.append(
            Page("speaker", "speaker.html", speaker.path, speaker.name, {"speaker": speaker})
        )
    return pages


def nav_pages(event: Event) -> list[tuple[str, str]]:
    """The navigation bar: (site path, label)."""
    items = [
        ("schedule.html", "Schedule"),
        ("tracks.html", "Tracks"),
        ("rooms.html", "Rooms"),
        ("speakers.html", "Speakers"),
    ]
    if event.code_of_conduct:
        items.append(("coc.html", "Code of conduct"))
    return items
