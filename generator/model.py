"""The one event model every reader produces and every writer reads."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Link:
    """A labelled outgoing link (video, slides, a speaker's website, a social profile...)."""

    kind: str
    url: str
    title: str = ""


@dataclass(frozen=True)
class Track:
    """A thematic track with its colours."""

    id: str
    name: str
    slug: str
    color: str  # "#rrggbb"
    font_color: str  # "#rrggbb", chosen by contrast when the data has none
    description: str = ""  # rich text (HTML or Markdown)


@dataclass(frozen=True)
class Room:
    """A room (Open Event: microlocation)."""

    id: str
    name: str
    slug: str
    floor: str = ""
    position: int = 0  # sort order from the data


@dataclass(frozen=True)
class Speaker:
    """A person with at least one published session."""

    id: str
    name: str
    slug: str
    path: str  # site-relative page path, e.g. "speakers/12-ada-lovelace.html"
    organisation: str = ""
    position: str = ""
    city: str = ""
    country: str = ""
    bio: str = ""  # rich text (HTML or Markdown)
    photo: str = ""  # image reference as in the data: local path or http(s) URL
    featured: bool = False
    links: tuple[Link, ...] = ()
    session_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Session:
    """A published, placeable session."""

    id: str
    title: str
    slug: str
    path: str  # site-relative page path, e.g. "sessions/3014-opening.html"
    start: datetime  # aware
    end: datetime  # aware, >= start
    day: date  # conference day (counted from the day-change hour)
    track_id: str | None = None
    room_id: str | None = None
    speaker_ids: tuple[str, ...] = ()
    subtitle: str = ""
    abstract: str = ""  # rich text (HTML or Markdown)
    kind: str = ""  # session type: Talk, Workshop...
    language: str = ""
    level: str = ""
    links: tuple[Link, ...] = ()
    guid: str = ""  # stable identifier from the data, if it has one
    last_modified: datetime | None = None

    @property
    def minutes(self) -> int:
        """Length in whole minutes."""
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Sponsor:
    """A sponsor; level 1 is shown first."""

    id: str
    name: str
    level: int
    level_name: str = ""
    url: str = ""
    logo: str = ""  # image reference as in the data
    description: str = ""


@dataclass(frozen=True)
class Event:
    """An event with everything that is published about it."""

    id: str
    identifier: str  # short stable identifier (used for storage keys and UIDs)
    name: str
    timezone: str  # IANA name
    start: datetime | None
    end: datetime | None
    day_change: time = time(4, 0)
    description: str = ""  # rich text
    venue: str = ""
    latitude: float | None = None
    longitude: float | None = None
    ticket_url: str = ""
    event_url: str = ""
    logo: str = ""  # image reference as in the data
    organiser_name: str = ""
    organiser_description: str = ""  # rich text
    code_of_conduct: str = ""  # rich text
    email: str = ""  # the organiser's public contact, never a speaker's
    social_links: tuple[Link, ...] = ()
    licence: str = ""
    licence_url: str = ""
    copyright: str = ""
    sessions: tuple[Session, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    tracks: tuple[Track, ...] = ()
    rooms: tuple[Room, ...] = ()
    sponsors: tuple[Sponsor, ...] = ()
    source_format: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def tz(self) -> ZoneInfo:
        """The event's zone."""
        return ZoneInfo(self.timezone)

    @cached_property
    def tracks_by_id(self) -> dict[str, Track]:
        """Tracks keyed by id."""
        return {t.id: t for t in self.tracks}

    @cached_property
    def rooms_by_id(self) -> dict[str, Room]:
        """Rooms keyed by id."""
        return {r.id: r for r in self.rooms}

    @cached_property
    def speakers_by_id(self) -> dict[str, Speaker]:
        """Speakers keyed by id."""
        return {s.id: s for s in self.speakers}

    @cached_property
    def sessions_by_id(self) -> dict[str, Session]:
        """Sessions keyed by id."""
        return {s.id: s for s in self.sessions}


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII, lower-case, dash-separated slug; never empty, never a path."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or "untitled"


def safe_id(raw: object, max_length: int = 40) -> str:
    """An identifier usable in a file name: letters, digits, '-' and '_' only."""
    text = str(raw)
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:max_length]
    return cleaned or "x"


def unique_name(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`...: the first not in `taken` (ignoring case, so
    case-insensitive file systems never merge two); it is then added to `taken`."""
    candidate, n = wanted, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    taken.add(candidate.lower())
    return candidate


class PathAllocator:
    """Hands out page paths that never collide, even on case-insensitive file systems."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def allocate(self, folder: str, stem: str) -> str:
        """Return "folder/stem.html", suffixed "-2", "-3"... when already taken."""
        return unique_name(f"{folder}/{stem}", self._taken) + ".html"


def conference_day(start: datetime, tz: ZoneInfo, day_change: time) -> date:
    """The conference day a session starting at `start` belongs to."""
    local = start.astimezone(tz)
    if local.time() < day_change:
        return date.fromordinal(local.date().toordinal() - 1)
    return local.date()


def relative_luminance(hex_color: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    h = hex_color.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two "#rrggbb" colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text_color(background: str) -> str:
    """Black or white, whichever contrasts more with `background`."""
    if contrast_ratio(background, "#000000") >= contrast_ratio(background, "#ffffff"):
        return "#000000"
    return "#ffffff"


_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def parse_color(value: object) -> str | None:
    """Normalise "#abc" / "aabbcc" / "#AABBCC" to "#aabbcc"; None when not a colour."""
    if not isinstance(value, str):
        return None
    m = _HEX.match(value.strip())
    if not m:
        return None
    h = m.group(1).lower()
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return "#" + h
