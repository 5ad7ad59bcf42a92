"""FOSSASIA Open Event (eventyay / open-event-server export) reader, both key spellings."""

from __future__ import annotations

import functools
import marshal
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import DataError, Problem
from ..model import (
    Event,
    Link,
    PathAllocator,
    Room,
    Session,
    Speaker,
    Sponsor,
    Track,
    conference_day,
    contrast_ratio,
    parse_color,
    readable_text_color,
    safe_id,
    slugify,
)
from ..timezones import parse_duration, parse_instant, resolve_zone
from .c3voc import unique_id
from .common import ReadOptions, Reporter, pick_track_color, text, web_url
from .loader import RawEvent, parse_json
from .memo import ReadMemo

FILES = ("event", "sessions", "speakers", "tracks", "microlocations", "sponsors")
REQUIRED = ("event", "sessions")
PUBLISHED_STATES = {"accepted", "confirmed", ""}
DEFAULT_LENGTH = timedelta(minutes=30)

# Dash-case key -> other spellings found in exports (snake_case is tried automatically).
_ALIASES = {
    "starts-at": ("start_time", "start-time"),
    "ends-at": ("end_time", "end-time"),
    "logo-url": ("logo",),
    "photo-url": ("photo", "large-image-url", "large"),
    "thumbnail-image-url": ("thumbnail",),
    "small-image-url": ("small",),
    "video-url": ("video",),
    "slides-url": ("slides",),
    "audio-url": ("audio",),
    "is-featured": ("featured",),
    "event-url": ("external-event-url", "external_event_url"),
    "event-copyright": ("copyright",),
    "organizer-name": ("organiser-name",),
    "organizer-description": ("organiser-description",),
}


def get(obj: Any, key: str, default: Any = None) -> Any:
    """Read `key` from an Open Event object in any of its spellings."""
    if not isinstance(obj, dict):
        return default
    value = obj.get(key)  # the usual spelling first: 40,000 reads at 1,000 sessions
    if value is not None:
        return value
    for k in _spellings(key)[1:]:
        value = obj.get(k)
        if value is not None:
            return value
    return default


@functools.cache
def _spellings(key: str) -> tuple[str, ...]:
    # Called for every field of every record: worked out once per key.
    return tuple(dict.fromkeys((key, key.replace("-", "_"), *_ALIASES.get(key, ()))))


def detect(raw: RawEvent) -> bool:
    """Open Event data has an `event` file and a `sessions` file."""
    return "event" in raw.files and "sessions" in raw.files


@dataclass
class _Ctx:
    raw: RawEvent
    report: Reporter
    tz: ZoneInfo
    day_change: time
    memo: ReadMemo | None = None


def normalize(
    raw: RawEvent, options: ReadOptions, report: Reporter, memo: ReadMemo | None = None
) -> Event:
    """Turn Open Event files into the model, reporting every problem with its place.

    With a `memo` (the preview), records equal to the last read's give the same objects back.
    """
    missing = [f for f in REQUIRED if f not in raw.files]
    if missing:
        raise DataError(
            [Problem(raw.origin, "files", f"no `{f}` file (or {f}.json)") for f in missing],
            f"{raw.origin}: not an Open Event export: missing {', '.join(missing)}",
        )
    data = {}
    for key in (k for k in raw.files if k in FILES):
        parse = functools.partial(parse_json, raw, key, report.warn_text)
        data[key] = memo.parse(raw, key, report, parse) if memo else parse()
    ev = data["event"]
    if not isinstance(ev, dict):
        raise DataError([Problem(raw.label("event"), "event", "is not a JSON object")])
    zone_name = options.timezone or resolve_zone(get(ev, "timezone"))
    if not zone_name:
        tz_raw = get(ev, "timezone")
        what = f"unknown time zone {tz_raw!r}" if tz_raw else "no time zone"
        raise DataError(
            [Problem(raw.label("event"), "event.timezone", what)],
            f"{raw.label('event')}: {what}; give one with --timezone (e.g. Europe/Berlin)",
        )
    ctx = _Ctx(raw, report, ZoneInfo(zone_name), options.day_change or time(4, 0), memo)
    tracks = _tracks(ctx, _as_list(ctx, data, "tracks"))
    rooms = _rooms(ctx, _as_list(ctx, data, "microlocations"))
    sessions_raw = _as_list(ctx, data, "sessions")
    speakers_raw = _as_list(ctx, data, "speakers")
    sessions, speaker_refs = _sessions(ctx, sessions_raw, tracks, rooms)
    speakers, sessions = _speakers(ctx, speakers_raw, sessions, speaker_refs)
    used_tracks = {s.track_id for s in sessions}
    used_rooms = {s.room_id for s in sessions}
    copyright_ = get(ev, "event-copyright", {}) or {}
    start = parse_instant(get(ev, "starts-at"), ctx.tz)
    end = parse_instant(get(ev, "ends-at"), ctx.tz)
    if sessions:
        start = start or min(s.start for s in sessions)
        end = end or max(s.end for s in sessions)
    name = text(get(ev, "name"))
    if not name:
        report.error(raw.label("event"), "event.name", "the event has no name")
    return Event(
        id=safe_id(get(ev, "id", "event")),
        identifier=safe_id(get(ev, "identifier") or get(ev, "id") or slugify(name)),
        name=name,
        timezone=zone_name,
        start=start,
        end=end,
        day_change=ctx.day_change,
        description=text(get(ev, "description")),
        venue=text(get(ev, "location-name")),
        latitude=_float(get(ev, "latitude")),
        longitude=_float(get(ev, "longitude")),
        ticket_url=web_url(get(ev, "ticket-url")),
        event_url=web_url(get(ev, "event-url")),
        logo=text(get(ev, "logo-url")),
        organiser_name=text(get(ev, "organizer-name")),
        organiser_description=text(get(ev, "organizer-description")),
        code_of_conduct=text(get(ev, "code-of-conduct")),
        email=_email(get(ev, "email")),
        social_links=_social(get(ev, "social-links", [])),
        licence=text(get(copyright_, "licence")),
        licence_url=web_url(get(copyright_, "licence-url")),
        copyright=text(get(copyright_, "holder")),
        sessions=tuple(sessions),
        speakers=tuple(speakers),
        tracks=tuple(t for t in tracks.values() if t.id in used_tracks),
        rooms=tuple(r for r in rooms.values() if r.id in used_rooms),
        sponsors=_sponsors(ctx, _as_list(ctx, data, "sponsors")),
        source_format="openevent",
    )


def _as_list(ctx: _Ctx, data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        value = value["data"]  # some servers wrap lists
    if not isinstance(value, list):
        ctx.report.warn(ctx.raw.label(key), key, "is not a list; ignored")
        return []
    return value


def _email(value: Any) -> str:
    """A plain address (it becomes a mailto: link), or "" for anything else."""
    found = text(value)
    return (
        found
        if re.fullmatch(r"[^\s@<>\"'`:/?#]+@[^\s@<>\"'`:/?#]+\.[^\s@<>\"'`:/?#]+", found)
        else ""
    )


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _tracks(ctx: _Ctx, items: list[Any]) -> dict[str, Track]:
    """Tracks by the data's id (a session names its track by that id)."""
    out: dict[str, Track] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or get(item, "id") is None:
            ctx.report.warn(ctx.raw.label("tracks"), f"tracks[{i}]", "has no id; ignored")
            continue
        if str(get(item, "id")) not in out:
            out[str(get(item, "id"))] = _track_from(item, out)
    return out


def _track_from(item: dict[str, Any], known: dict[str, Track]) -> Track:
    """A track; its id is the data's made safe for CSS class and file names, and unique."""
    taken = {t.id.lower() for t in known.values()}
    tid = unique_id(safe_id(get(item, "id")), taken)
    index = len(known)
    name = text(get(item, "name")) or "Untitled track"
    color = parse_color(get(item, "color")) or pick_track_color(index)
    font = parse_color(get(item, "font-color"))
    # Keep the data's text colour only when it is readable on the track colour (WCAG AA).
    if not font or contrast_ratio(color, font) < 4.5:
        font = readable_text_color(color)
    return Track(
        id=tid,
        name=name,
        slug=slugify(name),
        color=color,
        font_color=font,
        description=text(get(item, "description")),
    )


def _rooms(ctx: _Ctx, items: list[Any]) -> dict[str, Room]:
    out: dict[str, Room] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or get(item, "id") is None:
            ctx.report.warn(ctx.raw.label("microlocations"), f"microlocations[{i}]", "no id")
            continue
        rid = str(get(item, "id"))
        name = text(get(item, "name")) or f"Room {rid}"
        out.setdefault(rid, Room(rid, name, slugify(name), text(get(item, "floor")), i))
    return out


def _sessions(
    ctx: _Ctx, items: list[Any], tracks: dict[str, Track], rooms: dict[str, Room]
) -> tuple[list[Session], dict[str, dict[str, Any]]]:
    """Published, placeable sessions; plus speaker summaries embedded in them."""
    label = ctx.raw.label("sessions")
    paths = PathAllocator()
    sessions: list[Session] = []
    seen: set[str] = set()
    embedded: dict[str, dict[str, Any]] = {}
    memo = ctx.memo
    if memo:
        places = (list(tracks.items()), list(rooms.items()))
        memo.begin("sessions", (ctx.tz, ctx.day_change, places))
    known = (len(tracks), len(rooms))
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            ctx.report.warn(label, f"sessions[{i}]", "is not an object; left out")
            continue
        raw_id = get(item, "id")
        sid = None if raw_id is None else str(raw_id)
        # A record equal to last read's was published and placeable: its checks can be skipped.
        made = memo.get("sessions", sid, item) if memo and sid and sid not in seen else None
        if made is not None:
            session, stem, people = made
            session = _reallocated(paths, "sessions", session, stem)
            if session is not made[0]:
                memo.put("sessions", sid, item, (session, stem, people))
        else:
            place = f"sessions[{i}]" + (f" (id {raw_id})" if sid is not None else "")
            if text(get(item, "state")).lower() not in PUBLISHED_STATES:
                continue
            if sid is None or sid in seen:
                why = "has no id" if sid is None else f"repeats id {raw_id}"
                ctx.report.warn(label, place, f"{why}; left out")
                continue
            problems = len(ctx.report.problems)
            made = _session(ctx, item, sid, place, label, tracks, rooms, paths)
            if made is None:
                continue
            session, stem, people = made
            if memo and (len(tracks), len(rooms)) != known:
                # A session named a track or room the files lack; it was added, and later
                # sessions may name it too: results from here on depend on this read's order.
                memo, ctx.memo = None, None
            if memo and len(ctx.report.problems) == problems:
                memo.put("sessions", sid, item, made)
        seen.add(sid)
        for spid, sp in people:
            embedded.setdefault(spid, sp)
        sessions.append(session)
    sessions.sort(key=lambda s: (s.start, s.end, s.title))
    return sessions, embedded


def _reallocated(paths: PathAllocator, folder: str, record: Any, stem: str) -> Any:
    """A session or speaker from the last read, at the path this read allocates it.

    Usually its old path; another one when an earlier record now holds that path.
    """
    path = paths.allocate(folder, stem)
    return record if path == record.path else replace(record, path=path)


def _session(
    ctx: _Ctx,
    item: dict[str, Any],
    sid: str,
    place: str,
    label: str,
    tracks: dict[str, Track],
    rooms: dict[str, Room],
    paths: PathAllocator,
) -> tuple[Session, str, list[tuple[str, Any]]] | None:
    """One session, the stem its path was made from, and the speakers embedded in it."""
    # Name fields in the spelling this export uses.
    dash = any("-" in k for k in item) or not any("_" in k for k in item)
    start_key, end_key = ("starts-at", "ends-at") if dash else ("start_time", "end_time")
    start = parse_instant(get(item, "starts-at"), ctx.tz)
    if start is None:
        why = "has no start time" if not get(item, "starts-at") else "is not a timestamp"
        ctx.report.warn(label, f"{place} {start_key}", f"{why}; session left out")
        return None
    end = _end(ctx, item, start, label, f"{place} {end_key}")
    if end is None:
        return None
    title = text(get(item, "title"))
    if not title:
        ctx.report.warn(label, f"{place} title", "is empty; shown as 'Untitled session'")
        title = "Untitled session"
    track = _ref(ctx, item.get("track"), tracks, label, f"{place} track", _track_from)
    room = _ref(ctx, item.get("microlocation"), rooms, label, f"{place} microlocation", None)
    people = []
    for sp in get(item, "speakers", []) if isinstance(get(item, "speakers"), list) else []:
        if isinstance(sp, dict) and get(sp, "id") is not None:
            people.append((str(get(sp, "id")), sp))
    kind = get(item, "session-type")
    stem = f"{safe_id(sid)}-{slugify(title)}"
    session = Session(
        id=sid,
        title=title,
        slug=slugify(title),
        path=paths.allocate("sessions", stem),
        start=start,
        end=end,
        day=conference_day(start, ctx.tz, ctx.day_change),
        track_id=track,
        room_id=room,
        speaker_ids=tuple(dict.fromkeys(spid for spid, _ in people)),
        subtitle=text(get(item, "subtitle")),
        abstract=text(get(item, "long-abstract")) or text(get(item, "short-abstract")),
        kind=text(get(kind, "name")),
        language=text(get(item, "language")),
        level=text(get(item, "level")),
        links=_session_links(item),
    )
    return session, stem, people


def _end(ctx: _Ctx, item: dict, start: datetime, label: str, place: str) -> datetime | None:
    """The session's end; from its type's length (or 30 min) when missing."""
    raw_end = get(item, "ends-at")
    end = parse_instant(raw_end, ctx.tz)
    if end is None:
        length = parse_duration(get(get(item, "session-type"), "length"))
        ctx.report.warn(
            label,
            place,
            ("is not a timestamp" if raw_end else "is missing")
            + f"; using {'the session type length' if length else 'a 30-minute default'}",
        )
        return start + (length or DEFAULT_LENGTH)
    if end < start:
        ctx.report.warn(
            label, place, f"ends before it starts ({end.isoformat()}); session left out"
        )
        return None
    return end


def _ref(ctx: _Ctx, value: Any, known: dict, label: str, place: str, build: Any) -> str | None:
    """Resolve a {id, name} reference; an unknown one is added from its own fields."""
    if value is None or value == {}:
        return None
    if not isinstance(value, dict) or get(value, "id") is None:
        ctx.report.warn(label, place, "is not a reference with an id; ignored")
        return None
    rid = str(get(value, "id"))
    if rid not in known:
        if build is not None:
            known[rid] = build(value, known)
        else:
            name = text(get(value, "name")) or f"Room {rid}"
            known[rid] = Room(rid, name, slugify(name), "", len(known))
    return known[rid].id


def _session_links(item: dict[str, Any]) -> tuple[Link, ...]:
    links = []
    for kind, key in (
        ("video", "video-url"),
        ("slides", "slides-url"),
        ("audio", "audio-url"),
        ("signup", "signup-url"),
    ):
        url = web_url(get(item, key))
        if url:
            links.append(Link(kind, url, kind.capitalize()))
    return tuple(links)


_SPEAKER_LINKS = ("website", "twitter", "github", "linkedin", "facebook")
_HANDLE_BASE = {"twitter": "https://twitter.com/", "github": "https://github.com/"}


def _speakers(
    ctx: _Ctx, items: list[Any], sessions: list[Session], embedded: dict[str, dict[str, Any]]
) -> tuple[list[Speaker], list[Session]]:
    """Speakers with at least one published session; session speaker lists made consistent."""
    memo = ctx.memo
    found = None
    if memo:
        # The speakers depend on the speakers file, the summaries sessions embed of speakers it
        # lacks and, of the sessions, only who speaks when: an edit that changes none of them
        # changes no speaker. The file must be the very object parsed last time (JSON values
        # compare loosely: 7 == 7.0 == True, while str() tells them apart), the summaries used
        # are compared by their marshal bytes, which keep the types.
        links = [(s.id, s.speaker_ids, s.start) for s in sessions]
        memo.begin("speaker list", None)
        memo.begin("listed", None)
        last = memo.get("speaker list", "", links)
        if last is not None and last[0] is items and _summaries(embedded, last[1]) == last[2]:
            found = last[3]
            memo.carry("speakers")
    if found is None:
        problems = len(ctx.report.problems)
        found, orphans = _speaker_list(ctx, items, sessions, embedded)
        if memo and len(ctx.report.problems) == problems:
            kept = (items, orphans, _summaries(embedded, orphans), found)
            memo.put("speaker list", "", links, kept)
    speakers, fixes = found
    fixed = [s if s.id not in fixes else _with_speakers(ctx, s, fixes[s.id]) for s in sessions]
    return speakers, fixed


def _summaries(embedded: dict[str, dict[str, Any]], ids: list[str]) -> bytes:
    """The embedded summaries of `ids`, as bytes that differ whenever a value or its type does."""
    return marshal.dumps([embedded.get(i) for i in ids])


def _speaker_list(
    ctx: _Ctx, items: list[Any], sessions: list[Session], embedded: dict[str, dict[str, Any]]
) -> tuple[tuple[list[Speaker], dict[str, tuple[str, ...]]], list[str]]:
    """The speakers and the speaker ids of each session whose list must change; the speakers
    read from embedded summaries."""
    label = ctx.raw.label("speakers")
    by_id: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(items):
        spid = get(item, "id")  # None for what is no object
        if spid is None:
            ctx.report.warn(label, f"speakers[{i}]", "has no id; ignored")
            continue
        by_id.setdefault(str(spid), item)
    published = {s.id: s for s in sessions}
    talks: dict[str, list[str]] = {}
    for s in sessions:
        for spid in s.speaker_ids:
            talks.setdefault(spid, []).append(s.id)
    # The speakers file may also link a speaker to a session the session does not list.
    for spid, item in by_id.items():
        refs = get(item, "sessions", [])
        for ref in refs if isinstance(refs, list) else []:
            sid = str(get(ref, "id")) if isinstance(ref, dict) else str(ref)
            if sid in published and sid not in talks.get(spid, []):
                talks.setdefault(spid, []).append(sid)
    paths = PathAllocator()
    speakers = []
    memo = ctx.memo
    if memo:
        memo.begin("speakers", None)
    for spid in sorted(talks, key=lambda k: _speaker_sort_key(by_id.get(k) or embedded[k])):
        item = by_id.get(spid) or embedded.get(spid, {})
        ids = talks[spid]
        session_ids = tuple(sorted(ids, key=lambda x: published[x].start) if len(ids) > 1 else ids)
        made = memo.get("speakers", spid, (item, session_ids)) if memo else None
        if made is not None:
            speaker, stem = made
            speaker = _reallocated(paths, "speakers", speaker, stem)
            if speaker is not made[0]:
                memo.put("speakers", spid, (item, session_ids), (speaker, stem))
        else:
            speaker, stem = _speaker(spid, item, session_ids, paths)
            if memo:
                memo.put("speakers", spid, (item, session_ids), (speaker, stem))
        speakers.append(speaker)
    # Sessions list speakers only when the speaker is known.
    known = {s.id for s in speakers}
    by_session: dict[str, list[str]] = {}
    for spid, sids in talks.items():
        for sid in sids:
            by_session.setdefault(sid, []).append(spid)
    fixes = {}
    for s in sessions:
        extra = tuple(sp for sp in by_session.get(s.id, ()) if sp not in s.speaker_ids)
        ids = tuple(x for x in s.speaker_ids + extra if x in known)
        if ids != s.speaker_ids:
            fixes[s.id] = ids
    return (speakers, fixes), [k for k in talks if not by_id.get(k)]


def _speaker(
    spid: str, item: dict[str, Any], session_ids: tuple[str, ...], paths: PathAllocator
) -> tuple[Speaker, str]:
    """One speaker and the stem its path was made from."""
    name = text(get(item, "name")) or "Unnamed speaker"
    links = []
    for key in _SPEAKER_LINKS:
        value = text(get(item, key))
        if value and key in _HANDLE_BASE and "/" not in value and "." not in value:
            value = _HANDLE_BASE[key] + value.lstrip("@")
        url = web_url(value)
        if url:
            links.append(Link(key, url, key.capitalize()))
    stem = f"{safe_id(spid)}-{slugify(name)}"
    speaker = Speaker(
        id=spid,
        name=name,
        slug=slugify(name),
        path=paths.allocate("speakers", stem),
        organisation=text(get(item, "organisation")),
        position=text(get(item, "position")),
        city=text(get(item, "city")),
        country=text(get(item, "country")),
        bio=text(get(item, "long-biography")) or text(get(item, "short-biography")),
        photo=text(get(item, "photo-url")) or text(get(item, "thumbnail-image-url")),
        featured=bool(get(item, "is-featured", False)),
        links=tuple(links),
        session_ids=session_ids,
    )
    return speaker, stem


def _with_speakers(ctx: _Ctx, session: Session, ids: tuple[str, ...]) -> Session:
    """`session` listing the speakers `ids`; the same object as last read's for the same pair."""
    if not ctx.memo:
        return replace(session, speaker_ids=ids)
    key = (session, ids)
    found = ctx.memo.get("listed", session.id, key)
    if found is None:
        found = replace(session, speaker_ids=ids)
        ctx.memo.put("listed", session.id, key, found)
    return found


def _speaker_sort_key(item: dict[str, Any]) -> tuple[str, str]:
    name = text(get(item, "name"))
    return (name.casefold(), str(get(item, "id")))


def _social(items: Any) -> tuple[Link, ...]:
    out = []
    for item in items if isinstance(items, list) else []:
        url = web_url(get(item, "link"))
        if url:
            out.append(Link("social", url, text(get(item, "name")) or url))
    return tuple(out)


def _sponsors(ctx: _Ctx, items: list[Any]) -> tuple[Sponsor, ...]:
    label = ctx.raw.label("sponsors")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not text(get(item, "name")):
            ctx.report.warn(label, f"sponsors[{i}]", "has no name; left out")
            continue
        try:
            level = int(str(get(item, "level", "")).strip())
        except ValueError:
            level = 99  # an unknown level goes last
        out.append(
            Sponsor(
                id=safe_id(get(item, "id", i)),
                name=text(get(item, "name")),
                level=level,
                level_name=text(get(item, "type")),
                url=web_url(get(item, "url")),
                logo=text(get(item, "logo-url")),
                description=text(get(item, "description")),
            )
        )
    # Name each level after the label most of its sponsors carry.
    names: dict[int, Counter] = {}
    for sp in out:
        if sp.level_name:
            names.setdefault(sp.level, Counter())[sp.level_name] += 1
    return tuple(
        replace(sp, level_name=names[sp.level].most_common(1)[0][0]) if sp.level in names else sp
        for sp in sorted(out, key=lambda s: (s.level, s.name.casefold()))
    )
