"""Sessionize "All" JSON reader (`sessions`, `speakers`, `rooms`, `categories`).

Sessionize writes naive local times and names no zone, so `--timezone` is required: without it
the build stops and says so. Days are counted from the day-change hour (`--day-change`, else
04:00). The data names no event either: the event is named after the file (or its folder when
the file name says nothing, such as `All` or `sessionize.json`). Categories called "Track",
"Level", "Language" and "Session format"/"Type" become the session's track, level, language and
kind. Question answers and anything else about speakers but their public profile are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time, timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from ..errors import DataError, Problem
from ..model import Event, Link, PathAllocator, Room, Session, Speaker, conference_day, slugify
from ..timezones import parse_instant
from .c3voc import TrackBook, assign_paths, page_stem
from .common import ReadOptions, Reporter, text, web_url
from .loader import RawEvent

FORMAT = "sessionize"
PUBLISHED = {"accepted", "confirmed", ""}
DEFAULT_LENGTH = timedelta(minutes=30)
_GENERIC_NAMES = {"all", "sessionize", "schedule", "sessions", "data", "export", "view", "event"}


def detect(doc: Any) -> bool:
    """Sessionize "All" data is an object with `sessions`, `speakers` and `rooms` lists."""
    return isinstance(doc, dict) and all(
        isinstance(doc.get(k), list) for k in ("sessions", "speakers", "rooms")
    )


def read(doc: Any, raw: RawEvent, key: str, options: ReadOptions, report: Reporter) -> Event:
    """Turn parsed Sessionize data into the model."""
    label = raw.label(key)
    if not detect(doc):
        raise DataError(
            [Problem(label, "file", "needs `sessions`, `speakers` and `rooms` lists")],
            f"{label}: not Sessionize 'All' data",
        )
    if not options.timezone:
        raise DataError(
            [Problem(label, "sessions", "times carry no time zone (Sessionize writes none)")],
            f"{label}: Sessionize data has no time zone; pass --timezone with the event's zone "
            "(e.g. --timezone Europe/Berlin)",
        )
    tz = ZoneInfo(options.timezone)
    day_change = options.day_change or time(4, 0)
    roles = _categories(doc.get("categories"))
    rooms = _rooms(doc["rooms"])
    tracks = TrackBook([{"name": name} for role, name in roles.values() if role == "track"])
    ctx = _Ctx(label, report, tz, day_change, roles, rooms, tracks)
    sessions: list[Session] = []
    seen: set[str] = set()
    for i, item in enumerate(doc["sessions"]):
        session = _session(ctx, item, i)
        if session is not None and session.id in seen:
            report.warn(label, f"sessions[{i}]", f"repeats id {session.id}; left out")
        elif session is not None:
            seen.add(session.id)
            sessions.append(session)
    speakers = _speakers(doc["speakers"], sessions, ctx.refs, label, report)
    known = {sp.id for sp in speakers}
    sessions = [
        replace(s, speaker_ids=tuple(x for x in s.speaker_ids if x in known))
        for s in assign_paths(sessions)
    ]
    name = _event_name(label)
    identifier = slugify(name, 40)
    used_rooms = {s.room_id for s in sessions}
    return Event(
        id=identifier,
        identifier=identifier,
        name=name,
        timezone=options.timezone,
        start=min((s.start for s in sessions), default=None),
        end=max((s.end for s in sessions), default=None),
        day_change=day_change,
        sessions=tuple(sessions),
        speakers=speakers,
        tracks=tracks.published({s.track_id for s in sessions}),
        rooms=tuple(r for r in rooms.values() if r.id in used_rooms),
        source_format=FORMAT,
    )


def _event_name(label: str) -> str:
    """The file's name, or its folder's when the file name is generic."""
    path = PurePosixPath(unquote(urlsplit(label).path)) if "://" in label else Path(label)
    for part in [path.stem, *(p.name for p in path.parents)]:
        if part and part.lower() not in _GENERIC_NAMES and not part.startswith("."):
            return part.replace("_", " ").replace("-", " ").strip() or "Sessionize event"
    return "Sessionize event"


def _categories(items: Any) -> dict[str, tuple[str, str]]:
    """Category item id -> (role, name); roles: track, level, language, kind."""
    out: dict[str, tuple[str, str]] = {}
    for cat in items if isinstance(items, list) else []:
        if not isinstance(cat, dict):
            continue
        title = (text(cat.get("title")) or text(cat.get("name"))).lower()
        role = next((r for r, words in _ROLES if any(w in title for w in words)), "")
        entries = _list(cat.get("items")) or _list(cat.get("categoryItems"))
        for entry in sorted(
            (e for e in entries if isinstance(e, dict)), key=lambda e: _int(e.get("sort"))
        ):
            if role and text(entry.get("id")) and text(entry.get("name")):
                out.setdefault(text(entry.get("id")), (role, text(entry.get("name"))))
    return out


_ROLES = (
    ("track", ("track",)),
    ("level", ("level",)),
    ("language", ("language",)),
    ("kind", ("format", "type")),
)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


def _rooms(items: list[Any]) -> dict[str, Room]:
    rooms: dict[str, Room] = {}
    ordered = sorted(
        (r for r in items if isinstance(r, dict) and text(r.get("id"))),
        key=lambda r: _int(r.get("sort")),
    )
    for i, item in enumerate(ordered):
        rid = text(item.get("id"))
        name = text(item.get("name")) or f"Room {rid}"
        rooms.setdefault(rid, Room(rid, name, slugify(name), "", i))
    return rooms


@dataclass
class _Ctx:
    label: str
    report: Reporter
    tz: ZoneInfo
    day_change: time
    roles: dict[str, tuple[str, str]]
    rooms: dict[str, Room]
    tracks: TrackBook
    refs: dict[str, dict[str, Any]] = field(default_factory=dict)  # speakers named in sessions


def _session(ctx: _Ctx, item: Any, i: int) -> Session | None:
    """One published, scheduled session; None when it is left out."""
    label, report, tz, rooms = ctx.label, ctx.report, ctx.tz, ctx.rooms
    if not isinstance(item, dict):
        report.warn(label, f"sessions[{i}]", "is not an object; left out")
        return None
    sid = text(item.get("id"))
    place = f"sessions[{i}]" + (f" (id {sid})" if sid else "")
    if text(item.get("status")).lower() not in PUBLISHED:
        return None
    if not sid:
        report.warn(label, place, "has no id; left out")
        return None
    start = parse_instant(item.get("startsAt"), tz)
    if start is None:
        report.warn(label, f"{place} startsAt", "no readable start time; session left out")
        return None
    end = parse_instant(item.get("endsAt"), tz)
    if end is None:
        report.warn(label, f"{place} endsAt", "is missing or unreadable; using 30 minutes")
        end = start + DEFAULT_LENGTH
    if end < start:
        report.warn(
            label, f"{place} endsAt", f"ends before it starts ({end.isoformat()}); left out"
        )
        return None
    title = text(item.get("title"))
    if not title:
        report.warn(label, f"{place} title", "is empty; shown as 'Untitled session'")
        title = "Untitled session"
    found: dict[str, str] = {}
    item_ids = [text(x) for x in _list(item.get("categoryItems")) if not isinstance(x, dict)]
    for cat in _list(item.get("categories")):  # the variant that embeds categories
        if isinstance(cat, dict):
            entries = _list(cat.get("categoryItems"))
            item_ids += [text(e.get("id")) for e in entries if isinstance(e, dict)]
    for cid in item_ids:
        if cid in ctx.roles:
            found.setdefault(*ctx.roles[cid])
    room_id = text(item.get("roomId")) or None
    if room_id and room_id not in rooms:
        name = text(item.get("room")) or f"Room {room_id}"
        rooms[room_id] = Room(room_id, name, slugify(name), "", len(rooms))
    speaker_ids = []
    refs = item.get("speakers")
    if refs is not None and not isinstance(refs, list):
        report.warn(label, f"{place} speakers", "is not a list; ignored")
    for ref in _list(refs):
        spid = text(ref.get("id")) if isinstance(ref, dict) else text(ref)
        if spid and spid not in speaker_ids:
            speaker_ids.append(spid)
            if isinstance(ref, dict):
                ctx.refs.setdefault(spid, ref)
    links = [
        Link(kind, url, title)
        for kind, key, title in (
            ("recording", "recordingUrl", "Recording"),
            ("link", "liveUrl", "Live stream"),
        )
        if (url := web_url(item.get(key)))
    ]
    return Session(
        id=sid,
        title=title,
        slug=slugify(title),
        path="",
        start=start,
        end=end,
        day=conference_day(start, tz, ctx.day_change),
        track_id=ctx.tracks.use(found["track"]) if "track" in found else None,
        room_id=room_id,
        speaker_ids=tuple(speaker_ids),
        abstract=text(item.get("description")),
        kind=found.get("kind", ""),
        language=found.get("language", ""),
        level=found.get("level", ""),
        links=tuple(links),
    )


def _speakers(
    items: list[Any],
    sessions: list[Session],
    refs: dict[str, dict[str, Any]],
    label: str,
    report: Reporter,
) -> tuple[Speaker, ...]:
    """Speakers with a published session, public profile fields only."""
    by_id = {text(sp.get("id")): sp for sp in items if isinstance(sp, dict) and sp.get("id")}
    talks: dict[str, list[str]] = {}
    for s in sorted(sessions, key=lambda s: s.start):
        for spid in s.speaker_ids:
            talks.setdefault(spid, []).append(s.id)
    missing = sorted(k for k in talks if k not in by_id and k not in refs)
    if missing:
        report.warn(label, "sessions[].speakers", f"unknown speaker id(s) {', '.join(missing)}")
    paths = PathAllocator()
    out = []
    for spid in sorted(
        (k for k in talks if k in by_id or k in refs),
        key=lambda k: (_name(by_id, refs, k).casefold(), k),
    ):
        item = by_id.get(spid, {})
        name = _name(by_id, refs, spid) or "Unnamed speaker"
        links = tuple(
            Link(text(ln.get("linkType")).lower() or "link", url, text(ln.get("title")) or url)
            for ln in _list(item.get("links"))
            if isinstance(ln, dict) and (url := web_url(ln.get("url")))
        )
        out.append(
            Speaker(
                id=spid,
                name=name,
                slug=slugify(name),
                path=paths.allocate("speakers", f"{page_stem(spid)}-{slugify(name)}"),
                position=text(item.get("tagLine")),
                bio=text(item.get("bio")),
                photo=web_url(item.get("profilePicture")),
                featured=bool(item.get("isTopSpeaker")),
                links=links,
                session_ids=tuple(talks[spid]),
            )
        )
    return tuple(out)


def _name(by_id: dict[str, Any], refs: dict[str, Any], spid: str) -> str:
    item = by_id.get(spid) or refs.get(spid) or {}
    full = text(item.get("fullName")) or text(item.get("name"))
    return full or " ".join(
        p for p in (text(item.get("firstName")), text(item.get("lastName"))) if p
    )
