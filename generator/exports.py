"""C3VOC schedule.json and schedule.xml for apps (Fahrplan, Giggity...): one structure, two files.

Identifiers are stable across builds: a session keeps its own GUID when the data has one, else
gets uuid5(NAMESPACE, "<event identifier>/session/<session id>"); numeric session and speaker ids
are kept, other ids get a stable number. The `version` field is a hash of the content, so it
changes exactly when the schedule does.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from math import gcd
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from . import __version__
from .model import Event, Session, Speaker, slugify
from .schedule import Schedule

PATHS = ("schedule.json", "schedule.xml")
# Fixed forever: changing it would give every exported session a new GUID.
NAMESPACE = uuid.UUID("197a1fe6-3118-43ff-88a5-22c413049ed6")
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"

_UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
_NUMBER = re.compile(r"^[1-9][0-9]{0,17}$")
_SLUG_JSON = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
_SLUG_XML = re.compile(r"^[a-z0-9_]{4,}-[a-z0-9\-_]{4,}$")
_TRACK_SLUG_XML = re.compile(r"^[a-z][a-z0-9-]+$")
_ZONE_JSON = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")  # the schema's own pattern
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Session.links kinds -> the schema's reference types.
_REF_TYPES = {"slides": "slides", "video": "media", "recording": "media", "audio": "media"}


def session_guid(event: Event, session: Session) -> str:
    """The session's GUID: its own when it is a UUID, else derived from event and session id."""
    if _UUID.match(session.guid):
        return session.guid.lower()
    return str(uuid.uuid5(NAMESPACE, f"{event.identifier}/session/{session.id}"))


def speaker_guid(event: Event, speaker: Speaker) -> str:
    """The speaker's GUID: the id itself when it is a UUID, else derived from it."""
    if _UUID.match(speaker.id):
        return speaker.id.lower()
    return str(uuid.uuid5(NAMESPACE, f"{event.identifier}/speaker/{speaker.id}"))


def acronym(event: Event) -> str:
    """The event identifier as the schema's acronym: lower-case letters, digits, '_'."""
    acr = re.sub(r"[^a-z0-9_]+", "_", event.identifier.lower()).strip("_")
    return acr.ljust(4, "_")


def schedule_json(event: Event, schedule: Schedule, base_url: str = "") -> bytes:
    """schedule.json in the C3VOC format."""
    return build_exports(event, schedule, base_url)[PATHS[0]]


def schedule_xml(event: Event, schedule: Schedule, base_url: str = "") -> bytes:
    """schedule.xml in the frab / C3VOC format (the same content as schedule_json)."""
    return build_exports(event, schedule, base_url)[PATHS[1]]


# One session's JSON object and XML <event> element (UTF-8), and a digest of them.
Fragments = tuple[bytes, bytes, bytes]
CachedFragments = Callable[[Session, int, Callable[[], Fragments]], Fragments]


def build_exports(
    event: Event, schedule: Schedule, base_url: str = "", cached: CachedFragments | None = None
) -> dict[str, bytes]:
    """schedule.json and schedule.xml, assembled from each session's own fragments.

    `cached(session, number, make)` may return fragments kept from an earlier build (the
    preview keeps them), so that one edited session is all a rebuild has to serialise.
    """
    tz = event.tz
    acr = acronym(event)
    numbers = _session_numbers(event)
    room_names = _room_names(event)
    tracks = event.tracks_by_id
    persons = _Persons(event, base_url)

    def make(s: Session) -> Fragments:
        item = _event(event, s, numbers[s.id], acr, base_url, persons, tracks, room_names)
        xml = _xml_event(item)
        etree.indent(xml, level=3)
        data = _json(item).encode("utf-8")
        return data, b"      " + etree.tostring(xml, encoding="UTF-8") + b"\n", _hash(data)

    rooms: list[list[Fragments]] = []  # the fragments of each room of each day, in order
    days = []
    for index, day in enumerate(schedule.days, 1):
        start = datetime.combine(day.date, event.day_change, tz)
        end = datetime.combine(day.date + timedelta(days=1), event.day_change, tz)
        # A day reaches as far as its sessions do, whatever the day-change hour says.
        start = min([start, *(s.start for s in day.sessions)]).astimezone(tz)
        end = max([end, *(s.end for s in day.sessions)]).astimezone(tz)
        by_room: dict[str, list[Fragments]] = {room_names[r.id]: [] for r in day.rooms}
        for s in day.sessions:
            made = cached(s, numbers[s.id], lambda s=s: make(s)) if cached else make(s)
            by_room.setdefault(room_names.get(s.room_id or "", ""), []).append(made)
        tokens = {}
        for name, items in by_room.items():
            tokens[name] = _ROOM_TOKEN % len(rooms)
            rooms.append(items)
        days.append(
            {
                "index": index,
                "date": day.slug,
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": tokens,
            }
        )
    if not days:
        # The XML schema wants at least one day: an event with no sessions gets one, empty.
        first = date.fromisoformat(_date(event.start, event))
        start = datetime.combine(first, event.day_change, tz)
        end = datetime.combine(first + timedelta(days=1), event.day_change, tz)
        days.append(
            {
                "index": 1,
                "date": first.isoformat(),
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": {},
            }
        )
    data = _skeleton(event, acr, base_url, room_names, days)
    doc = {
        "$schema": SCHEMA_URL,
        "generator": {"name": "eventsite", "version": __version__},
        "schedule": data,
    }
    skeleton = _json(doc)
    # The version is a hash of the content, so it changes exactly when the schedule does.
    version = hashlib.sha256(skeleton.encode("utf-8"))
    for items in rooms:
        version.update(b"".join(digest for _, _, digest in items))
    data["version"] = version.hexdigest()[:16]
    skeleton = skeleton.replace(_NO_VERSION, f'"version":"{data["version"]}"', 1)
    pieces = _JSON_TOKEN.split(skeleton + "\n")  # text, room number, text, room number...
    chunks = [
        b"[" + b",".join(j for j, _, _ in rooms[int(piece)]) + b"]" if i % 2 else piece.encode()
        for i, piece in enumerate(pieces)
    ]
    return {PATHS[0]: b"".join(chunks), PATHS[1]: _xml(event, base_url, data, rooms)}


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


# Placeholders for each room's sessions in the skeleton: \x00 never survives the readers' text
# cleaning, and the XML ones are comments, which no escaped text can make.
_ROOM_TOKEN = "\x00eventsite-room-%d\x00"
_JSON_TOKEN = re.compile(r'"\\u0000eventsite-room-(\d+)\\u0000"')
_NO_VERSION = '"version":"\\u0000eventsite-version\\u0000"'
_XML_TOKEN = re.compile(r" *<!--eventsite-room-(\d+)-->\n")


def _json(value: Any) -> str:
    # Compact: apps parse it, and json's C encoder only runs without indent (5x faster).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _skeleton(
    event: Event,
    acr: str,
    base_url: str,
    room_names: dict[str, str],
    days: list[dict[str, Any]],
) -> dict[str, Any]:
    """The C3VOC `schedule` object with a placeholder for each room's sessions."""
    conference: dict[str, Any] = {
        "acronym": acr,
        "title": event.name or acr,
        "start": days[0]["date"],
        "end": days[-1]["date"],
        "daysCount": len(days),
        "timeslot_duration": _timeslot(event.sessions),
    }
    if _ZONE_JSON.search(event.timezone):
        conference["time_zone_name"] = event.timezone
    if event.event_url:
        conference["url"] = event.event_url
    conference["tracks"] = [
        {"name": t.name, "slug": t.slug, "color": t.color}
        if _SLUG_JSON.match(t.slug)
        else {"name": t.name, "color": t.color}
        for t in event.tracks
    ]
    conference["rooms"] = [
        {"name": room_names[r.id], "guid": _guid(event, "room", r.id)} for r in event.rooms
    ]
    conference["days"] = days
    data: dict[str, Any] = {"version": "\x00eventsite-version\x00"}
    if base_url:
        data["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    data["conference"] = conference
    return data


def _xml(event: Event, base_url: str, data: dict[str, Any], rooms: list[list[Fragments]]) -> bytes:
    """schedule.xml: the skeleton made by lxml, each room's <event> fragments put in."""
    conf = data["conference"]
    root = etree.Element("schedule")
    etree.SubElement(root, "generator", name="eventsite", version=__version__)
    if base_url:
        _sub(root, "url", _absolute(base_url, "schedule.xml"))
    _sub(root, "version", data["version"])
    c = etree.SubElement(root, "conference")
    for key in ("title", "acronym", "start", "end"):
        _sub(c, key, conf[key])
    _sub(c, "days", str(conf["daysCount"]))
    _sub(c, "timeslot_duration", conf["timeslot_duration"])
    if base_url:
        _sub(c, "base_url", data["base_url"])
    if conf.get("url"):
        _sub(c, "url", conf["url"])
    _sub(c, "time_zone_name", event.timezone)
    for track in conf["tracks"]:
        attrs = {"name": _clean(track["name"]), "color": track["color"]}
        if _TRACK_SLUG_XML.match(track.get("slug", "")):
            attrs["slug"] = track["slug"]
        etree.SubElement(c, "track", attrs)
    room_guids = {r["name"]: r["guid"] for r in conf["rooms"]}
    for day in conf["days"]:
        d = etree.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room_name, token in day["rooms"].items():
            r = etree.SubElement(d, "room", name=_clean(room_name))
            if room_name in room_guids:
                r.set("guid", room_guids[room_name])
            r.append(etree.Comment(token.strip("\x00")))
    text = etree.tostring(root, encoding="unicode", pretty_print=True)
    pieces = _XML_TOKEN.split("<?xml version='1.0' encoding='UTF-8'?>\n" + text)
    return b"".join(
        b"".join(x for _, x, _ in rooms[int(piece)]) if i % 2 else piece.encode()
        for i, piece in enumerate(pieces)
    )


def _sub(parent: Any, tag: str, value: str | None, **attrs: str) -> Any:
    el = etree.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    el.text = _clean(value or "")
    return el


def _clean(value: str) -> str:
    """Text XML can carry: characters it forbids are dropped."""
    return _NOT_XML.sub("", value)


def _xml_event(item: dict[str, Any]) -> Any:
    """One session as a frab <event> element."""
    e = etree.Element("event", id=str(item["id"]), guid=item["guid"])
    for key in ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract"):
        _sub(e, key, item[key])
    if _SLUG_XML.match(item["slug"]):
        _sub(e, "slug", item["slug"])
    _sub(e, "track", item["track"])
    persons = etree.SubElement(e, "persons")
    for p in item["persons"]:
        attrs = {"guid": p["guid"]}
        if "id" in p:
            attrs["id"] = str(p["id"])
        _sub(persons, "person", p.get("public_name") or p.get("name"), **attrs)
    _sub(e, "language", item["language"])
    _sub(e, "description", item["description"])
    for group, tag in (("links", "link"), ("attachments", "attachment")):
        holder = etree.SubElement(e, group)
        for ref in item[group]:
            attrs = {"href": ref["url"]} | ({"type": ref["type"]} if "type" in ref else {})
            _sub(holder, tag, ref["title"], **attrs)
    if item["url"].startswith(("http://", "https://")):
        _sub(e, "url", item["url"])
    return e


class _Persons(dict):
    """Speaker id -> frab person, made when first asked for (only edited sessions ask)."""

    def __init__(self, event: Event, base_url: str) -> None:
        super().__init__()
        self.event, self.base_url = event, base_url

    def __missing__(self, spid: str) -> dict[str, Any]:
        person = self[spid] = _person(self.event, self.event.speakers_by_id[spid], self.base_url)
        return person


def _guid(event: Event, kind: str, ident: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{event.identifier}/{kind}/{ident}"))


def _date(value: datetime | None, event: Event) -> str:
    # An event with no sessions and no dates still needs one; a fixed one keeps the file stable.
    return value.astimezone(event.tz).date().isoformat() if value else "1970-01-01"


def _absolute(base_url: str, path: str) -> str:
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", path)


def _session_numbers(event: Event) -> dict[str, int]:
    """A positive integer per session: its own id when numeric, else a stable derived one."""
    out = {s.id: int(s.id) for s in event.sessions if _NUMBER.match(s.id)}
    taken = set(out.values())
    for s in event.sessions:
        if s.id not in out:
            n = uuid.uuid5(NAMESPACE, f"{event.identifier}/session/{s.id}").int % 2**31 or 1
            while n in taken:
                n += 1
            out[s.id] = n
            taken.add(n)
    return out


def _room_names(event: Event) -> dict[str, str]:
    """Room id -> a name no other room has (rooms are keyed by name in the format)."""
    out: dict[str, str] = {}
    used: set[str] = {""}  # "" holds the sessions without a room
    for r in event.rooms:
        name = r.name if r.name not in used else f"{r.name} ({r.id})"
        out[r.id] = name
        used.add(name)
    return out


def _timeslot(sessions: tuple[Session, ...]) -> str:
    """The largest step (5 to 60 minutes) that start times and lengths share."""
    step = 0
    for s in sessions:
        step = gcd(step, s.start.minute, s.minutes)
    step = min(max(step, 5), 60) if step else 15
    return f"{step // 60:02d}:{step % 60:02d}"


def _person(event: Event, sp: Speaker, base_url: str) -> dict[str, Any]:
    """A frab person (numeric id, public_name) or a pretalx one (name): exactly one of the two."""
    person: dict[str, Any] = {"guid": speaker_guid(event, sp)}
    if _NUMBER.match(sp.id):
        person.update(id=int(sp.id), public_name=sp.name)
    else:
        person.update(name=sp.name, public_name=sp.name)
    if sp.bio:
        person["biography"] = sp.bio
    if sp.photo.startswith(("http://", "https://")):
        person["avatar"] = sp.photo
    if base_url:
        person["url"] = _absolute(base_url, sp.path)
    return person


def _event(
    event: Event,
    s: Session,
    number: int,
    acr: str,
    base_url: str,
    persons: dict[str, dict[str, Any]],
    tracks: dict[str, Any],
    room_names: dict[str, str],
) -> dict[str, Any]:
    local = s.start.astimezone(event.tz)
    track = tracks.get(s.track_id) if s.track_id else None
    links, attachments = [], []
    for link in s.links:
        ref: dict[str, Any] = {"url": link.url, "title": link.title or link.kind}
        if link.kind == "attachment":
            attachments.append(ref)
        else:
            ref["type"] = _REF_TYPES.get(link.kind, "web")
            links.append(ref)
    return {
        "guid": session_guid(event, s),
        "id": number,
        "date": local.isoformat(),
        "start": local.strftime("%H:%M"),
        "end": s.end.astimezone(event.tz).isoformat(),
        "duration": f"{s.minutes // 60:02d}:{s.minutes % 60:02d}",
        "room": room_names.get(s.room_id or "", ""),
        "slug": f"{acr}-{number}-{slugify(s.title)}",
        "url": _absolute(base_url, s.path) if base_url else s.path,
        "title": s.title,
        "subtitle": s.subtitle,
        "track": track.name if track else None,
        "type": s.kind,
        "language": s.language,
        "abstract": s.abstract,
        "description": "",
        "persons": [persons[x] for x in s.speaker_ids if x in event.speakers_by_id],
        "links": links,
        "attachments": attachments,
    }
