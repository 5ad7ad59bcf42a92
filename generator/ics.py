"""Calendars (RFC 5545): the whole event, one per track and one per session."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial
from urllib.parse import quote
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard

from . import __version__
from .errors import ConfigError
from .model import Event, Session, safe_id
from .richtext import to_plain
from .schedule import Schedule

PRODID = f"-//eventsite//eventsite {__version__}//EN"
FOOTER = b"END:VCALENDAR\r\n"
FOLDER = "calendar"

# Zones that are plain UTC: their times are written with "Z" and need no VTIMEZONE.
_UTC_NAMES = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Universal", "Etc/Universal"}
# RFC 5545 TEXT allows no control characters but HTAB (line breaks are escaped as \n).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n?")


def build_stamp(
    environ: Mapping[str, str] | None = None, fallback: datetime | None = None
) -> datetime:
    """The build time: SOURCE_DATE_EPOCH when set (UTC), else `fallback`, else now.

    The pipeline passes the input's modification time as `fallback`, so rebuilding unchanged
    data gives identical calendars, the same folder hash, and attendees keep their offline copy.
    """
    env = os.environ if environ is None else environ
    raw = (env.get("SOURCE_DATE_EPOCH") or "").strip()
    if not raw:
        moment = fallback or datetime.now(UTC)
        return moment.astimezone(UTC).replace(microsecond=0)
    # reproducible-builds.org: a malformed value must stop the build, not be ignored.
    if not re.fullmatch(r"[0-9]+", raw):
        raise ConfigError(
            f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds",
            "Set it to a non-negative integer (seconds since 1970-01-01 UTC), or unset it.",
        )
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(raw))
    except OverflowError:
        raise ConfigError(
            f"SOURCE_DATE_EPOCH={raw!r} is out of range", "Give a date before the year 10000."
        ) from None


def calendar_paths(event: Event) -> tuple[str, dict[str, str], dict[str, str]]:
    """(whole-event path, {track_id: path}, {session_id: path}) — site-relative paths."""
    taken: set[str] = set()

    def claim(stem: str) -> str:
        # Case-insensitive file systems would merge "A.ics" and "a.ics": suffix the later one.
        candidate, n = stem, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}-{n}"
        taken.add(candidate.lower())
        return candidate + ".ics"

    whole = claim(f"{FOLDER}/{safe_id(event.identifier or event.id or 'event')}")
    used = {s.track_id for s in event.sessions}
    tracks = {
        t.id: claim(f"{FOLDER}/track-{t.slug or safe_id(t.id)}")
        for t in event.tracks
        if t.id in used
    }
    sessions = {
        s.id: claim(f"{FOLDER}/sessions/{_stem(s.path) or safe_id(s.id)}") for s in event.sessions
    }
    return whole, tracks, sessions


def _stem(path: str) -> str:
    """PurePosixPath(path).stem, without making a path object per session."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


# keep(paths, sessions, header) keeps files made earlier from `header` and returns the positions
# of the files to make again: each session's own calendar (sessions[i] at paths[i]), or, with
# sessions None, the whole-event and track calendars, kept or made together.
Keep = Callable[[list[str], list[Session] | None, bytes], list[int]]


def build_calendars(
    event: Event,
    schedule: Schedule,
    base_url: str,
    stamp: datetime,
    cached: Callable[[Session, Callable[[], bytes]], bytes] | None = None,
    keep: Keep | None = None,
    paths: tuple[str, dict[str, str], dict[str, str]] | None = None,
    uids: dict[str, str] | None = None,
) -> dict[str, bytes]:
    """Every calendar file: site-relative path -> bytes.

    `cached(session, make)` may return a VEVENT made earlier for an unchanged session and the
    same `stamp`.
    `keep(paths, sessions, header)` may keep files made earlier instead (see Keep).
    `paths`, `uids`: calendar_paths(event) and session_uids(event, event.sessions), when
    already worked out.
    """
    whole_path, track_paths, session_paths = paths or calendar_paths(event)
    sessions = _ordered(s for day in schedule.days for s in day.sessions)
    zone = _zone(event)
    vtimezone = _vtimezone(zone, _years(event, sessions, zone))
    tz_chunk = vtimezone.to_ical() if vtimezone is not None else b""
    event_head = _header(_head_calendar(event, event.name)) + tz_chunk
    lists = [whole_path, *track_paths.values()]
    make_lists = keep is None or bool(keep(lists, None, event_head))
    own = sessions
    if keep is not None:
        own = [sessions[i] for i in keep([session_paths[s.id] for s in sessions], own, event_head)]
    if not make_lists and not own:
        return {}
    uids = session_uids(event, sessions) if uids is None else uids

    def entry(s: Session) -> bytes:
        return _vevent(s, event, zone, uids[s.id], base_url, stamp)

    # Each VEVENT is serialised once; every calendar is a header, these chunks and a footer.
    chunks = {
        s.id: cached(s, partial(entry, s)) if cached else entry(s)
        for s in (sessions if make_lists else own)
    }
    files = {}
    if make_lists:
        files[whole_path] = b"".join([event_head, *(chunks[s.id] for s in sessions), FOOTER])
        by_track: dict[str | None, list[Session]] = {}
        for s in sessions:  # in order already: one pass, not a sort per track
            by_track.setdefault(s.track_id, []).append(s)
        for track_id, path in track_paths.items():
            members = by_track.get(track_id, [])
            name = f"{event.name} – {event.tracks_by_id[track_id].name}"
            head = _header(_head_calendar(event, name)) + tz_chunk
            files[path] = b"".join([head, *(chunks[s.id] for s in members), FOOTER])
    for s in own:
        files[session_paths[s.id]] = event_head + chunks[s.id] + FOOTER
    return files


def _head_calendar(event: Event, name: str) -> Calendar:
    """A VCALENDAR with its properties and no components yet."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(name))
    cal.add("x-wr-timezone", event.timezone)
    return cal


def _header(cal: Calendar) -> bytes:
    """The serialised calendar without its closing line, ready for components."""
    data = cal.to_ical()
    if cal.subcomponents or not data.endswith(FOOTER):
        raise ValueError("a calendar header must have no components")
    return data[: -len(FOOTER)]


def _zone(event: Event) -> tzinfo:
    """The zone times are written in: UTC itself, or the event's IANA zone (TZID + VTIMEZONE)."""
    # TZID with a VTIMEZONE keeps the event's wall-clock times, so a person reading the entry
    # (or an app set to another zone) sees the times printed in the programme; the VTIMEZONE
    # makes the file self-contained for apps that do not know the IANA name.
    if event.timezone in _UTC_NAMES:
        return UTC
    return ZoneInfo(event.timezone)


def _vevent(
    s: Session, event: Event, zone: tzinfo, uid: str, base_url: str, stamp: datetime
) -> bytes:
    """One session as a serialised VEVENT: the bytes icalendar's to_ical() gives, made directly.

    Building icalendar objects was most of the calendar step at 5,000 sessions. The properties
    come in icalendar's order (SUMMARY, DTSTART, DTEND or DURATION, DTSTAMP, UID, then by name),
    values are escaped and folded by its rules; tests hold every corpus calendar to a round trip
    through icalendar's parser.
    """
    start, end = s.start.astimezone(zone), s.end.astimezone(zone)
    lines = ["BEGIN:VEVENT", "SUMMARY:" + _escape(_text(s.title)), _when("DTSTART", start, zone)]
    if end > start:
        lines.append(_when("DTEND", end, zone))
    else:
        # RFC 5545 3.8.2.2: DTEND must be later than DTSTART; DURATION:P0D is the valid way to
        # say "zero length" and is read by Google, Apple, Outlook and libical-based apps.
        lines.append("DURATION:P0D")
    lines += ["DTSTAMP:" + _utc_text(stamp), "UID:" + _escape(uid)]
    # No SEQUENCE: we keep no revision history to count, and a number made from a timestamp is
    # not the small counter RFC 5546 means. UID + DTSTAMP + LAST-MODIFIED let apps update.
    track = event.tracks_by_id.get(s.track_id or "")
    if track is not None and track.name:
        lines.append("CATEGORIES:" + _escape(_text(track.name)))
    url = _session_url(base_url, s)
    description = _description(s, event, url)
    if description:
        lines.append("DESCRIPTION:" + _escape(description))
    if s.last_modified is not None:
        lines.append("LAST-MODIFIED:" + _utc_text(s.last_modified))
    room = event.rooms_by_id.get(s.room_id or "")
    if room is not None and room.name:
        lines.append("LOCATION:" + _escape(_text(room.name)))
    if url:
        lines.append("URL:" + url)
    lines.append("END:VEVENT")
    return b"\r\n".join(_fold(line) for line in lines) + b"\r\n"


def _escape(value: str) -> str:
    """RFC 5545 TEXT escaping, as icalendar does it."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _when(name: str, moment: datetime, zone: tzinfo) -> str:
    """DTSTART/DTEND: UTC with "Z", else the wall clock with the zone's TZID."""
    if zone is UTC:
        return f"{name}:{moment.strftime('%Y%m%dT%H%M%S')}Z"
    return f"{name};TZID={zone}:{moment.strftime('%Y%m%dT%H%M%S')}"


def _utc_text(moment: datetime) -> str:
    return _utc(moment).strftime("%Y%m%dT%H%M%SZ")


def _description(s: Session, event: Event, url: str) -> str:
    """Plain-text abstract, then the speakers, then the session's address."""
    parts = [to_plain(s.abstract)]
    names = [sp.name for i in s.speaker_ids if (sp := event.speakers_by_id.get(i)) and sp.name]
    if names:
        parts.append("Speakers: " + ", ".join(names))
    parts.append(url)
    return _text("\n\n".join(p for p in parts if p))


def _session_url(base_url: str, s: Session) -> str:
    """The absolute address of the session's page, or "" without a base URL."""
    if not base_url:
        return ""
    return base_url.rstrip("/") + "/" + quote(s.path, safe="/")


def session_uids(event: Event, sessions: Iterable[Session]) -> dict[str, str]:
    """Stable UIDs: the data's guid when it is unique, else "<session id>@<event>.eventsite"."""
    domain = f"{event.identifier or event.id}.eventsite"
    counts: dict[str, int] = {}
    for s in sessions:
        if s.guid:
            counts[s.guid] = counts.get(s.guid, 0) + 1
    # A guid shared by two sessions would merge them in the user's calendar: not used then.
    return {
        s.id: s.guid if s.guid and counts[s.guid] == 1 else f"{s.id}@{domain}" for s in sessions
    }


def _years(event: Event, sessions: list[Session], zone: tzinfo) -> tuple[int, int] | None:
    """The first and last calendar year (in the event's zone) the calendars touch."""
    instants = [t for t in (event.start, event.end) if t is not None]
    for times in ([s.start for s in sessions], [s.end for s in sessions]):
        instants += [min(times), max(times)] if times else []
    if not instants:
        return None
    # Only the first and last instants are converted (a zone setting its clocks back across
    # New Year can put the later one in the earlier year: hence the ordering).
    years = sorted(t.astimezone(zone).year for t in (min(instants), max(instants)))
    return years[0], years[1]


def _vtimezone(zone: tzinfo, years: tuple[int, int] | None) -> Timezone | None:
    """A VTIMEZONE for `zone` covering whole `years`, or None for UTC."""
    # icalendar's Timezone.from_tzinfo (7.3) writes the spring-forward onset as the wall clock
    # after the change (03:00 for Europe/Berlin), which RFC 5545 reads in TZOFFSETFROM: an
    # hour late. We find the exact instants ourselves and write each onset in TZOFFSETFROM.
    if zone is UTC or years is None or not isinstance(zone, ZoneInfo):
        return None
    first = datetime(years[0], 1, 1, tzinfo=zone).astimezone(UTC)
    last = datetime(years[1] + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    vtz = Timezone()
    vtz.add("tzid", zone.key)
    before = first.astimezone(zone)
    vtz.add_component(_observance(before, before.utcoffset(), first))
    for instant in _transitions(zone, first, last):
        vtz.add_component(_observance(instant.astimezone(zone), before.utcoffset(), instant))
        before = instant.astimezone(zone)
    return vtz


def _observance(
    after: datetime, offset_from: timedelta | None, onset: datetime
) -> TimezoneStandard | TimezoneDaylight:
    """A STANDARD or DAYLIGHT block starting at `onset` (UTC), written in TZOFFSETFROM."""
    offset_to = after.utcoffset()
    block = TimezoneStandard() if not after.dst() else TimezoneDaylight()
    block.add("dtstart", (onset + (offset_from or offset_to)).replace(tzinfo=None))
    block.add("tzoffsetfrom", offset_from or offset_to)
    block.add("tzoffsetto", offset_to)
    block.add("tzname", after.tzname() or _offset_name(offset_to))
    return block


def _offset_name(offset: timedelta | None) -> str:
    """ "+0530" for a zone whose abbreviation is unknown."""
    minutes = int((offset or timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _transitions(zone: ZoneInfo, first: datetime, last: datetime) -> list[datetime]:
    """The UTC instants in [first, last) where the zone's offset, DST or name changes."""

    def state(t: datetime) -> tuple:
        local = t.astimezone(zone)
        return local.utcoffset(), local.dst(), local.tzname()

    found = []
    step = timedelta(hours=12)  # no zone changes twice within half a day
    lo, lo_state = first, state(first)
    while lo < last:
        hi = min(lo + step, last)
        hi_state = state(hi)
        if hi_state != lo_state:
            a, b = lo, hi  # state(a) == lo_state != state(b): bisect to the second
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) / 2
                mid = mid.replace(microsecond=0)
                if state(mid) == lo_state:
                    a = mid
                else:
                    b = mid
            found.append(b)
        lo, lo_state = hi, hi_state
    return found


def _ordered(sessions: Iterable[Session]) -> list[Session]:
    """Sessions in time order, ties broken so the output never depends on input order."""
    return sorted(sessions, key=lambda s: (s.start, s.end, s.title, s.id))


def _text(value: str) -> str:
    """TEXT that RFC 5545 can carry: line breaks as LF (escaped later), no other controls."""
    return _CONTROL.sub("", _NEWLINES.sub("\n", value))


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive value is taken as UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _fold(line: str) -> bytes:
    """One content line, UTF-8 encoded and folded as icalendar's _foldline does."""
    data = line.encode("utf-8")
    if len(data) <= 74:
        return data
    pieces, start = [], 0
    while len(data) - start > 74:
        cut = start + 74
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: not a character start
            cut -= 1
        if cut - start > 1 and data[cut - 1] in b"\\^":
            cut -= 1  # an escape stays with the character it escapes
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)
