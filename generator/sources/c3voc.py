"""C3VOC / frab / pretalx `schedule.json` reader; frab_xml feeds its XML through here as well.

Times. Offsets written in the data are authoritative: an instant is never shifted to fit a zone.
The event's IANA zone is `--timezone` when given, else the data's `time_zone_name`. A zone whose
offsets disagree with the data's offsets is a warning. With no zone name but with offsets, the
matching fixed zone `Etc/GMT±N` is used with a warning (an offset is not a zone: daylight-saving
rules are unknown). With no zone name and no offsets at all (FOSDEM), nothing is guessed: the
build stops and asks for `--timezone`.

Days. A session belongs to the day the source lists it under (`day.date`), so a talk at 01:00
after a congress evening stays on the evening's day. `--day-change` overrides this: days are then
counted from that hour as in every other format.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from ..errors import DataError, Problem
from ..model import (
    Event,
    Link,
    PathAllocator,
    Room,
    Session,
    Speaker,
    Track,
    conference_day,
    contrast_ratio,
    parse_color,
    readable_text_color,
    safe_id,
    slugify,
)
from ..timezones import MAX_YEAR, MIN_YEAR, parse_duration, parse_instant, resolve_zone
from .common import ReadOptions, Reporter, pick_track_color, text, web_url
from .loader import RawEvent

FORMAT = "c3voc-json"
DEFAULT_LENGTH = timedelta(minutes=30)
_CLOCK = re.compile(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*")


def detect(doc: Any) -> bool:
    """A C3VOC schedule.json is an object with `schedule` -> `conference`."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("schedule"), dict)
        and isinstance(doc["schedule"].get("conference"), dict)
    )


def read(doc: Any, raw: RawEvent, key: str, options: ReadOptions, report: Reporter) -> Event:
    """Turn a parsed schedule.json into the model."""
    label = raw.label(key)
    if not detect(doc):
        raise DataError(
            [Problem(label, "schedule.conference", "missing: not a C3VOC schedule.json")],
            f"{label}: not a C3VOC schedule.json (no schedule -> conference)",
        )
    return read_schedule(doc["schedule"], label, options, report, FORMAT)


@dataclass
class _Ctx:
    label: str
    report: Reporter
    tz: ZoneInfo
    day_change: time  # the data's: where a listed day's times cross midnight
    base_url: str
    options: ReadOptions
    seen: set[str] = field(default_factory=set)


def read_schedule(
    schedule: dict[str, Any],
    label: str,
    options: ReadOptions,
    report: Reporter,
    source_format: str,
    people: dict[str, dict[str, Any]] | None = None,
) -> Event:
    """Read a JSON-shaped schedule (also what frab_xml builds from XML) into the model."""
    conf = schedule["conference"]
    days_raw = conf.get("days")
    if not isinstance(days_raw, list):
        raise DataError(
            [Problem(label, "conference.days", "is missing or not a list")],
            f"{label}: the schedule has no days",
        )
    entries = list(_entries(days_raw, label, report))
    zone = _zone(conf, entries, label, options, report)
    tz = ZoneInfo(zone)
    base_url = web_url(schedule.get("base_url")) or web_url(conf.get("base_url"))
    ctx = _Ctx(label, report, tz, _day_change(conf, days_raw, tz), base_url, options)
    found: list[tuple[Session, str, str, Any]] = []
    days: dict[int, date | None] = {}
    for di, day_raw, room_key, place, item in entries:
        day = days[di] if di in days else days.setdefault(di, _day(day_raw, tz))
        made = _session(ctx, day, room_key, place, item)
        if made is not None:
            found.append((made[0], made[1], text(item.get("track")), item.get("persons")))
    rooms: dict[str, Room] = {}
    room_ids: set[str] = set()
    declared = [text(r.get("name")) for r in _list(conf.get("rooms")) if isinstance(r, dict)]
    for name in declared + [room for _, room, _, _ in found]:
        if name and name not in rooms:
            rid = unique_id(slugify(name, 36), room_ids)
            rooms[name] = Room(rid, name, slugify(name), "", len(rooms))
    tracks = TrackBook(conf.get("tracks"))
    persons = People(base_url, people or {})
    sessions = []
    paths = PathAllocator()
    found.sort(key=lambda f: (f[0].start, f[0].end, f[0].title))
    for session, room_name, track_name, persons_raw in found:
        speaker_ids: list[str] = []
        for pi, person in enumerate(_list(persons_raw)):
            pid = persons.add(person)
            if pid is None:
                report.warn(label, f"session {session.id} persons[{pi}]", "no name; left out")
            elif pid not in speaker_ids:
                speaker_ids.append(pid)
        sessions.append(
            replace(
                session,
                track_id=tracks.use(track_name) if track_name else None,
                room_id=rooms[room_name].id if room_name else None,
                speaker_ids=tuple(speaker_ids),
                path=paths.allocate("sessions", f"{page_stem(session.id)}-{session.slug}"),
            )
        )
    title = text(conf.get("title"))
    if not title:
        report.error(label, "conference.title", "the event has no name")
    identifier = safe_id(text(conf.get("acronym")) or slugify(title))
    logo = text(conf.get("logo"))
    used_rooms = {s.room_id for s in sessions}
    return Event(
        id=identifier,
        identifier=identifier,
        name=title,
        timezone=zone,
        start=min((s.start for s in sessions), default=_bound(conf.get("start"), tz)),
        end=max((s.end for s in sessions), default=_bound(conf.get("end"), tz)),
        day_change=options.day_change or ctx.day_change,
        description=text(conf.get("description")),
        venue=", ".join(v for v in (text(conf.get("venue")), text(conf.get("city"))) if v),
        event_url=web_url(conf.get("url")),
        logo=urljoin(base_url, logo) if base_url and logo else logo,
        sessions=tuple(sessions),
        speakers=persons.speakers(sessions),
        tracks=tracks.published({s.track_id for s in sessions}),
        rooms=tuple(r for r in rooms.values() if r.id in used_rooms),
        source_format=source_format,
        extra={"base_url": base_url, "schedule_version": text(schedule.get("version"))},
    )


def assign_paths(sessions: list[Session]) -> list[Session]:
    """Sessions in time order, each given its page path."""
    paths = PathAllocator()
    ordered = sorted(sessions, key=lambda s: (s.start, s.end, s.title))
    return [
        replace(s, path=paths.allocate("sessions", f"{page_stem(s.id)}-{s.slug}")) for s in ordered
    ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _entries(days: list[Any], label: str, report: Reporter) -> Iterator[tuple]:
    """Every (day index, day, room name, place, event) in source order."""
    for di, day in enumerate(days):
        rooms = day.get("rooms") if isinstance(day, dict) else None
        if not isinstance(rooms, dict):
            report.warn(label, f"days[{di}]", "is not a day with a rooms object; left out")
            continue
        for room, items in rooms.items():
            for ei, item in enumerate(_list(items)):
                place = f"days[{di}].rooms[{room!r}][{ei}]"
                if not isinstance(item, dict):
                    report.warn(label, place, "is not an object; left out")
                    continue
                # frab_xml hands its own place (the XML line) in `_place`; JSON data may not.
                own = item.get("_place")
                yield di, day, str(room), own if isinstance(own, str) else place, item


def _offset(value: Any) -> timedelta | None:
    """The UTC offset written in a timestamp, or None when it has none."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return dt.utcoffset()


def _zone(conf: dict, entries: list, label: str, options: ReadOptions, report: Reporter) -> str:
    """The event's IANA zone; the module docstring gives the rules."""
    named = text(conf.get("time_zone_name"))
    zone = options.timezone or resolve_zone(named)
    if named and not zone:
        report.warn(label, "conference.time_zone_name", f"unknown time zone {named!r}; ignored")
    if zone:
        _check_offsets(zone, entries, label, report)
        return zone
    offsets = Counter(o for *_, item in entries if (o := _offset(item.get("date"))) is not None)
    if not offsets:
        raise DataError(
            [Problem(label, "conference.time_zone_name", "missing, and times have no offset")],
            f"{label}: the schedule names no time zone and its times have no UTC offset; "
            "pass --timezone with the event's zone (e.g. --timezone Europe/Brussels)",
        )
    offset = offsets.most_common(1)[0][0]
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or not -12 <= hours <= 14:
        raise DataError(
            [Problem(label, "conference.time_zone_name", f"missing (offset {_fmt(offset)})")],
            f"{label}: no time zone name, and offset {_fmt(offset)} has no fixed Etc/ zone; "
            "pass --timezone with the event's zone",
        )
    # Etc/GMT signs are inverted (POSIX): UTC+01:00 is Etc/GMT-1.
    zone = "Etc/GMT" + (f"{-hours:+d}" if hours else "")
    report.warn(
        label,
        "conference.time_zone_name",
        f"missing; using {zone} from the offsets ({_fmt(offset)}); "
        "pass --timezone for the event's real zone and its daylight-saving rules",
    )
    if len(offsets) > 1:
        _check_offsets(zone, entries, label, report)
    return zone


def _fmt(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _check_offsets(zone: str, entries: list, label: str, report: Reporter) -> None:
    """One warning when the data's offsets disagree with the zone; the offsets are kept."""
    tz = ZoneInfo(zone)
    bad = []
    for *_, place, item in entries:
        off = _offset(item.get("date"))
        dt = parse_instant(item.get("date"), tz) if off is not None else None
        if dt is not None and dt.astimezone(tz).utcoffset() != off:
            bad.append((place, item.get("date"), dt.astimezone(tz).utcoffset()))
    if bad:
        place, value, zone_offset = bad[0]
        report.warn(
            label,
            place,
            f"{len(bad)} session time(s) carry offsets that disagree with {zone} (e.g. {value}, "
            f"where {zone} is {_fmt(zone_offset)}); the times are kept as written",
        )


def _clock(value: Any) -> time | None:
    m = _CLOCK.fullmatch(text(value))
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59 or int(m.group(3) or 0) > 59:
        return None
    return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def _day_change(conf: dict, days: list, tz: ZoneInfo) -> time:
    """The data's `day_change`, else the hour most days end at, else 04:00."""
    given = _clock(conf.get("day_change"))
    if given is not None:
        return given
    ends = Counter(
        dt.astimezone(tz).time()
        for d in days
        if isinstance(d, dict) and (dt := _aware(d.get("day_end"), tz)) is not None
    )
    return ends.most_common(1)[0][0] if ends else time(4, 0)


def _aware(value: Any, tz: ZoneInfo) -> datetime | None:
    return parse_instant(value, tz) if isinstance(value, str) and "T" in value else None


def _date(value: Any) -> date | None:
    """A calendar date "YYYY-MM-DD" (what follows it is ignored), within the readable years."""
    try:
        found = date.fromisoformat(text(value)[:10])
    except ValueError:
        return None
    return found if MIN_YEAR <= found.year <= MAX_YEAR else None


def _bound(value: Any, tz: ZoneInfo) -> datetime | None:
    """A conference start or end: a date-time, or a date read as its midnight."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        found = _date(value)
        return datetime.combine(found, time(0), tz) if found else None
    return parse_instant(value, tz)


def _day(day: dict[str, Any], tz: ZoneInfo) -> date | None:
    """The source day's date: its `date`, else the date its `day_start` falls on."""
    found = _date(day.get("date"))
    if found is None:
        start = _aware(day.get("day_start"), tz)
        return start.astimezone(tz).date() if start else None
    return found


def _local_start(ctx: _Ctx, day: date | None, value: Any) -> datetime | None:
    """A start from the day's date and "HH:MM"; a time before the day change is the next date."""
    clock = _clock(value)
    if day is None or clock is None:
        return None
    when = day + timedelta(days=1) if clock < ctx.day_change else day
    return datetime.combine(when, clock, ctx.tz)


def _session(
    ctx: _Ctx, day: date | None, room_key: str, place: str, item: dict[str, Any]
) -> tuple[Session, str] | None:
    """A session without track, room and speakers yet, and its room name; None when left out."""
    report, label = ctx.report, ctx.label
    sid = "" if isinstance(item.get("id"), bool) else text(item.get("id"))
    guid = text(item.get("guid"))
    if sid:
        place = f"{place} (id {sid})"
    if not sid or sid in ctx.seen:
        # pretalx repeats an id when a submission has several slots; the guid tells them apart.
        alt = guid or text(item.get("code"))
        if not alt or alt in ctx.seen:
            report.warn(label, place, f"{f'repeats id {sid}' if sid else 'has no id'}; left out")
            return None
        sid = alt
    start = parse_instant(item.get("date"), ctx.tz) or _local_start(ctx, day, item.get("start"))
    if start is None:
        report.warn(label, f"{place} date", "no readable start time; session left out")
        return None
    end = parse_instant(item.get("end"), ctx.tz)
    if end is None:
        length = parse_duration(item.get("duration"))
        if length is None:
            report.warn(label, f"{place} duration", "is missing or unreadable; using 30 minutes")
        end = start + (length if length is not None else DEFAULT_LENGTH)
    if end < start:
        report.warn(label, f"{place} end", f"ends before it starts ({end.isoformat()}); left out")
        return None
    ctx.seen.add(sid)
    title = text(item.get("title"))
    if not title:
        report.warn(label, f"{place} title", "is empty; shown as 'Untitled session'")
        title = "Untitled session"
    if ctx.options.day_change or day is None:
        the_day = conference_day(start, ctx.tz, ctx.options.day_change or ctx.day_change)
    else:
        the_day = day
    session = Session(
        id=sid,
        title=title,
        slug=slugify(title),
        path="",  # given once every session is known, in time order
        start=start,
        end=end,
        day=the_day,
        subtitle=text(item.get("subtitle")),
        abstract=abstract(item.get("abstract"), item.get("description")),
        kind=text(item.get("type")),
        language=text(item.get("language")),
        links=session_links(item, ctx.base_url),
        guid=guid,
    )
    return session, text(item.get("room")) or room_key


def abstract(short: Any, long: Any) -> str:
    """Abstract and description as one rich text, without saying either twice."""
    a, d = text(short), text(long)
    if not a or a in d:
        return d
    if not d or d in a:
        return a
    return f"{a}\n\n{d}"


def _link_kind(url: str, title: str, kind: str) -> str:
    low, kind = title.lower(), kind.lower()
    if kind == "slides" or "slide" in low:
        return "slides"
    if kind in ("media", "video") or "video" in low or "media.ccc.de/v/" in url:
        return "video"
    if re.search(r"\.(mp4|webm|mkv|ogv|mov)(\?|$)", url.lower()):
        return "video"
    if kind == "recording" or "recording" in low:
        return "recording"
    return "link"


def session_links(item: dict[str, Any], base_url: str) -> tuple[Link, ...]:
    """Links, attachments and recordings as Session.links; relative URLs read from base_url."""
    out: dict[str, Link] = {}

    def add(kind: str, url: Any, title: str) -> None:
        ref = text(url)
        relative = base_url and ref and "://" not in ref
        full = web_url(urljoin(base_url, ref) if relative else ref)
        if full and full not in out:
            out[full] = Link(kind, full, title)

    for ref in _list(item.get("links")):
        if isinstance(ref, dict):
            url, title = text(ref.get("url")), text(ref.get("title"))
            add(_link_kind(url, title, text(ref.get("type"))), url, title)
        elif isinstance(ref, str):
            add("link", ref, "")
    for ref in _list(item.get("attachments")):
        if isinstance(ref, dict):
            url, title = text(ref.get("url")), text(ref.get("title"))
            slides = text(ref.get("type")).lower() == "slides" or "slide" in title.lower()
            add("slides" if slides else "attachment", url, title)
    recording = item.get("recording")
    if isinstance(recording, dict):
        add("recording", recording.get("url") or recording.get("link"), "Recording")
    add("recording", item.get("video_download_url"), "Recording")
    return tuple(out.values())


_UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


def unique_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, suffixed "-2", "-3"... when already taken; recorded as taken."""
    candidate, n = wanted or "x", 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    taken.add(candidate.lower())
    return candidate


def page_stem(ident: str) -> str:
    """The id part of a page name: a UUID is cut to its first block to keep names short."""
    return ident[:8].lower() if _UUID.match(ident) else safe_id(ident)


class TrackBook:
    """Tracks by name: colours declared by the data, else from the palette."""

    def __init__(self, declared: Any) -> None:
        self.declared: dict[str, dict[str, Any]] = {}
        for item in _list(declared):
            if isinstance(item, dict) and text(item.get("name")):
                self.declared.setdefault(text(item.get("name")), item)
        self.tracks: dict[str, Track] = {}
        self.ids: set[str] = set()

    def use(self, name: str) -> str:
        """The id of the track called `name`, made on first use."""
        if name not in self.tracks:
            item = self.declared.get(name, {})
            color = parse_color(item.get("color")) or pick_track_color(len(self.tracks))
            font = parse_color(item.get("font_color") or item.get("text_color"))
            # Keep the data's text colour only when it is readable on the track colour.
            if not font or contrast_ratio(color, font) < 4.5:
                font = readable_text_color(color)
            tid = unique_id(slugify(name, 36), self.ids)
            description = text(item.get("description"))
            self.tracks[name] = Track(tid, name, slugify(name), color, font, description)
        return self.tracks[name].id

    def published(self, used: set[str | None]) -> tuple[Track, ...]:
        """The used tracks: declared ones in the data's order, then the others as met."""
        order = {name: i for i, name in enumerate(self.declared)}
        tracks = sorted(self.tracks.items(), key=lambda kv: order.get(kv[0], len(order)))
        return tuple(t for _, t in tracks if t.id in used)


_BIO = ("biography", "bio", "abstract", "description")
_PHOTO = ("avatar", "image", "photo", "picture")


class People:
    """Persons met in sessions, each kept once: matched by id, guid or code, else by name."""

    def __init__(self, base_url: str, extra: dict[str, dict[str, Any]]) -> None:
        self.base_url = base_url
        self.extra = extra  # more about a person by id (FOSDEM's top-level <persons>)
        self.keys: dict[tuple[str, str], str] = {}
        self.info: dict[str, dict[str, Any]] = {}
        self.ids: set[str] = set()

    def add(self, person: Any) -> str | None:
        """The speaker id for `person` (a dict, or a bare name); None when it has no name."""
        if isinstance(person, str):
            person = {"name": person}
        if not isinstance(person, dict):
            return None
        pid = "" if isinstance(person.get("id"), bool) else text(person.get("id"))
        person = {**self.extra.get(pid, {}), **{k: v for k, v in person.items() if v}}
        # Every scalar field cleaned once; lists (links) are kept as they are.
        clean = {k: v if isinstance(v, list) else text(v) for k, v in person.items()}
        name = clean.get("public_name") or clean.get("name") or ""
        keys = [(k, clean[k]) for k in ("id", "guid", "code") if clean.get(k)]
        if not keys:
            if not name:
                return None
            keys = [("name", name.casefold())]
        spid = next((self.keys[k] for k in keys if k in self.keys), None)
        if spid is None:
            by_name = keys[0][0] == "name"
            spid = unique_id(slugify(name, 36) if by_name else keys[0][1], self.ids)
            self.info[spid] = {"links": {}, "by_name": by_name}
        # The name is recorded too, so that a later mention by name alone finds this person.
        for k in [*keys, ("name", name.casefold())] if name else keys:
            self.keys.setdefault(k, spid)
        info = self.info[spid]
        if name and not info.get("name"):
            info["name"] = name
        for field_name, candidates in (("bio", _BIO), ("photo", _PHOTO)):
            value = next((clean[c] for c in candidates if clean.get(c)), "")
            if value and not info.get(field_name):
                info[field_name] = value
        refs = [{"url": clean.get("url"), "title": "Profile"}, *_list(person.get("links"))]
        for ref in refs:
            url = web_url(ref.get("url") or ref.get("href")) if isinstance(ref, dict) else ""
            if url:
                info["links"].setdefault(url, Link("link", url, text(ref.get("title")) or url))
        return spid

    def speakers(self, sessions: list[Session]) -> tuple[Speaker, ...]:
        """Speakers of the given sessions, by name, each with their sessions in time order."""
        talks: dict[str, list[str]] = {}
        for s in sorted(sessions, key=lambda s: s.start):
            for spid in s.speaker_ids:
                talks.setdefault(spid, []).append(s.id)
        paths = PathAllocator()
        out = []
        for spid in sorted(talks, key=lambda k: (self.info[k].get("name", "").casefold(), k)):
            info = self.info[spid]
            name = info.get("name") or "Unnamed speaker"
            photo, stem = info.get("photo", ""), slugify(name)
            out.append(
                Speaker(
                    id=spid,
                    name=name,
                    slug=slugify(name),
                    # A name-made id is the slug already: the page is not named twice.
                    path=paths.allocate(
                        "speakers", stem if info["by_name"] else f"{page_stem(spid)}-{stem}"
                    ),
                    bio=info.get("bio", ""),
                    photo=urljoin(self.base_url, photo) if self.base_url and photo else photo,
                    links=tuple(info["links"].values()),
                    session_ids=tuple(talks[spid]),
                )
            )
        return tuple(out)
