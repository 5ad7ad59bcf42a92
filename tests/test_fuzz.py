"""Property tests: every reader, fed generated data, either reads it or says what is wrong.

The only exceptions allowed out of `sources.normalize` are the project's own (EventsiteError and
its kinds) and they must carry a message. What comes back must keep the model's promises: aware
times, no session ending before it starts, page paths that are relative, unique (ignoring case)
and short enough for any file system.
"""

from __future__ import annotations

import json
import math
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import pages as pages_mod
from generator import schedule, validate
from generator.config import Config
from generator.errors import EventsiteError
from generator.model import Event
from generator.sources import normalize
from generator.sources.common import Reporter
from generator.sources.loader import RawEvent

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values that real exports and hostile ones put where a reader expects something else.
TIMES = st.sampled_from(
    [
        "2030-05-02T10:00:00+02:00",
        "2030-05-02T10:30:00Z",
        "2030-05-02T10:00",
        "2030-05-02",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31T23:59:59",
        "2030-02-30T10:00:00",
        "10:00",
        "25:61",
        "00:45",
        "999:59",
        "",
        "next tuesday",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        ["../../etc/passwd", "C:\\x", "a\x00b", "<script>", "#ff0000", "red;}", "²", "٣"]
    ),
    TIMES,
)


def anything(keys: list[str]) -> st.SearchStrategy[Any]:
    """Any JSON value; objects mostly use the keys a reader looks for."""
    key = st.one_of(st.sampled_from(keys), st.text(max_size=8))
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(key, inner, max_size=6)
        ),
        max_leaves=25,
    )


def records(
    keys: list[str], shaped: dict[str, st.SearchStrategy[Any]], required: tuple[str, ...] = ()
) -> st.SearchStrategy:
    """Lists of objects with the reader's keys (mostly well-typed), or any value at all.

    The `required` keys are always there, so that records get past the first checks and the
    odd values reach the code behind them.
    """
    loose = anything(keys)

    def value(k: str) -> st.SearchStrategy[Any]:
        return st.one_of(shaped[k], shaped[k], loose) if k in shaped else loose

    record = st.fixed_dictionaries(
        {k: value(k) for k in required},
        optional={k: value(k) for k in keys if k not in required},
    )
    return st.one_of(st.lists(record, max_size=6), st.lists(st.one_of(record, loose)), loose)


OE_SESSION = [
    "id", "title", "subtitle", "starts-at", "ends-at", "start_time", "end_time", "state",
    "track", "microlocation", "speakers", "session-type", "long-abstract", "short-abstract",
    "language", "level", "video-url", "slides-url", "signup-url",
]  # fmt: skip
OE_SPEAKER = [
    "id", "name", "photo-url", "photo", "website", "twitter", "github", "sessions",
    "long-biography", "is-featured", "organisation", "email",
]  # fmt: skip
OE_EVENT = [
    "id", "identifier", "name", "timezone", "starts-at", "ends-at", "description",
    "logo-url", "social-links", "event-copyright", "latitude", "longitude", "email",
    "ticket-url", "code-of-conduct",
]  # fmt: skip
REF = st.fixed_dictionaries(
    {"id": st.one_of(st.integers(0, 3), st.text(max_size=5))},
    optional={"name": st.text(max_size=10), "color": st.text(max_size=8)},
)
OE_SHAPED = {
    "id": st.one_of(st.integers(0, 5), st.text(max_size=12)),
    "starts-at": TIMES,
    "ends-at": TIMES,
    "state": st.sampled_from(["accepted", "confirmed", "", "rejected"]),
    "track": REF,
    "microlocation": REF,
    "speakers": st.lists(REF, max_size=3),
    "sessions": st.lists(REF, max_size=3),
    "session-type": st.fixed_dictionaries({}, optional={"name": SCALARS, "length": SCALARS}),
    "timezone": st.sampled_from(["Europe/Berlin", "US / Pacific", "Mars/Olympus", "../../x"]),
    "name": st.text(max_size=20),
}


@st.composite
def open_event(draw: st.DrawFn) -> dict[str, Any]:
    """An Open Event export: each file shaped or not, sometimes missing or not JSON."""
    event = draw(
        st.one_of(
            st.fixed_dictionaries(
                {"name": st.text(min_size=1, max_size=10), "timezone": st.just("Europe/Berlin")},
                optional={
                    k: st.one_of(OE_SHAPED.get(k, SCALARS), SCALARS)
                    for k in OE_EVENT
                    if k not in ("name", "timezone")
                },
            ),
            anything(OE_EVENT),
        )
    )
    files: dict[str, Any] = {
        "event": event,
        "sessions": draw(records(OE_SESSION, OE_SHAPED, ("id", "starts-at", "state"))),
    }
    for name, keys in (
        ("speakers", OE_SPEAKER),
        ("tracks", ["id", "name", "color", "font-color", "description"]),
        ("microlocations", ["id", "name", "floor"]),
        ("sponsors", ["id", "name", "level", "type", "url", "logo-url"]),
    ):
        if draw(st.booleans()):
            files[name] = draw(records(keys, OE_SHAPED, ("id",)))
    return files


C3_EVENT = [
    "id", "guid", "code", "title", "subtitle", "date", "start", "end", "duration", "room",
    "track", "type", "language", "abstract", "description", "persons", "links",
    "attachments", "recording", "_place",
]  # fmt: skip
C3_SHAPED = {
    "date": TIMES,
    "start": TIMES,
    "duration": TIMES,
    "persons": st.lists(
        st.one_of(
            st.text(max_size=8),
            st.fixed_dictionaries({}, optional={"id": SCALARS, "public_name": SCALARS}),
        ),
        max_size=3,
    ),
    "id": st.one_of(st.integers(0, 5), st.text(max_size=8)),
}


@st.composite
def c3voc(draw: st.DrawFn) -> dict[str, Any]:
    """A schedule.json: conference and days shaped or not."""
    events = records(C3_EVENT, C3_SHAPED, ("id", "date"))
    day = st.fixed_dictionaries(
        {"rooms": st.one_of(st.dictionaries(st.text(max_size=6), events, max_size=3), SCALARS)},
        optional={"date": TIMES, "day_start": TIMES, "day_end": TIMES, "index": SCALARS},
    )
    conf = st.fixed_dictionaries(
        {"days": st.one_of(st.lists(st.one_of(day, SCALARS), max_size=3), SCALARS)},
        optional={
            k: st.one_of(TIMES, SCALARS, anything(["name", "color"]))
            for k in ("title", "acronym", "time_zone_name", "day_change", "tracks", "rooms")
        },
    )
    zone = st.sampled_from(["Europe/Berlin", "UTC", "", "Nowhere/Land"])
    data = draw(conf)
    if draw(st.booleans()):
        data["time_zone_name"] = draw(zone)
    return {"schedule": {"version": draw(SCALARS), "conference": data}}


@st.composite
def sessionize(draw: st.DrawFn) -> dict[str, Any]:
    """Sessionize 'All' data: three lists with or without the usual keys."""
    keys = ["id", "title", "startsAt", "endsAt", "roomId", "speakers", "categoryItems", "status"]
    shaped = {
        "startsAt": TIMES,
        "endsAt": TIMES,
        "id": st.text(max_size=4),
        "status": st.just("Accepted"),
    }
    return {
        "sessions": draw(records(keys, shaped, ("id", "startsAt"))),
        "speakers": draw(
            st.lists(
                anything(["id", "fullName", "firstName", "links", "profilePicture", "bio"]),
                max_size=4,
            )
        ),
        "rooms": draw(st.lists(anything(["id", "name", "sort"]), max_size=3)),
        "categories": draw(anything(["title", "items", "id", "name", "sort"])),
    }


def _dumps(value: Any) -> bytes:
    # json.dumps writes NaN and Infinity, which Python's reader accepts, as real files may hold.
    return json.dumps(value).encode()


def _raw(files: dict[str, bytes]) -> RawEvent:
    def read_asset(ref: str) -> bytes:
        raise FileNotFoundError(ref)

    return RawEvent("fuzz", files, read_asset, {k: f"fuzz/{k}" for k in files})


def _check(raw: RawEvent, **flags: Any) -> Event | None:
    """Read `raw`; only our own errors may escape, with a message; the result keeps promises."""
    config = Config(source="fuzz", output=Path("/nonexistent/out"), **flags)
    report = Reporter()
    try:
        event = normalize(raw, config, report)
    except EventsiteError as exc:
        assert exc.message.strip()
        return None
    for problem in report.problems:
        assert problem.file and problem.place and problem.message, problem
    _promises(event)
    return event


def _promises(event: Event) -> None:
    """What every later step relies on."""
    paths = [s.path for s in event.sessions] + [s.path for s in event.speakers]
    assert len({p.lower() for p in paths}) == len(paths), "two pages share a path"
    for path in paths:
        folder, name = path.split("/")
        assert folder in ("sessions", "speakers") and name.endswith(".html"), path
        assert len(name.encode()) <= 255 and "\\" not in name and "\x00" not in name, path
    for s in event.sessions:
        assert isinstance(s.start, datetime) and s.start.tzinfo is not None
        assert s.end >= s.start
        assert s.track_id is None or s.track_id in event.tracks_by_id
        assert s.room_id is None or s.room_id in event.rooms_by_id
        assert all(i in event.speakers_by_id for i in s.speaker_ids)
    for t in event.tracks:
        assert t.color.startswith("#") and len(t.color) == 7 and len(t.font_color) == 7
    assert len({t.id for t in event.tracks}) == len(event.tracks)
    assert len({sp.id for sp in event.sponsors}) == len(event.sponsors)
    # The steps after reading must not fail on what a reader let through.
    validate.check(event, "fuzz")
    pages_mod.plan(event, schedule.group(event))


@FUZZ
@given(open_event())
def test_open_event_reader(files: dict[str, Any]) -> None:
    _check(_raw({k: _dumps(v) for k, v in files.items()}))


@FUZZ
@given(open_event(), st.sampled_from(["sessions", "speakers", "tracks", "event"]), st.binary())
def test_open_event_reader_with_a_broken_file(files: dict, name: str, junk: bytes) -> None:
    data = {k: _dumps(v) for k, v in files.items()}
    data[name] = junk
    _check(_raw(data))


@FUZZ
@given(c3voc(), st.sampled_from(["", "Asia/Tokyo"]))
def test_c3voc_reader(doc: dict[str, Any], zone: str) -> None:
    _check(_raw({"schedule.json": _dumps(doc)}), timezone=zone)


@FUZZ
@given(c3voc())
def test_frab_xml_reader(doc: dict[str, Any]) -> None:
    """The same generated schedules, written as frab XML."""
    _check(_raw({"schedule.xml": _to_xml(doc)}), timezone="Europe/Berlin")


@FUZZ
@given(sessionize(), st.sampled_from(["", "Europe/Berlin"]))
def test_sessionize_reader(doc: dict[str, Any], zone: str) -> None:
    _check(_raw({"sessionize.json": _dumps(doc)}), timezone=zone)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["schedule.json", "schedule.xml", "x"]))
def test_any_bytes(data: bytes, name: str) -> None:
    _check(_raw({name: data}))


@FUZZ
@given(
    st.sampled_from(['{"schedule": {"conference": ', "<schedule><day>", '{"sessions": [']),
    st.text(max_size=200),
)
def test_truncated_and_garbled_files(head: str, tail: str) -> None:
    _check(_raw({"schedule.json": (head + tail).encode("utf-8", "surrogatepass")}))


def _to_xml(doc: dict[str, Any]) -> bytes:
    """A frab schedule.xml from a generated C3VOC-shaped value (odd values written as text)."""
    from lxml import etree

    def put(parent: Any, tag: str, value: Any) -> None:
        tag = tag if tag.isidentifier() and tag.isascii() else "x"
        el = etree.SubElement(parent, tag)
        if isinstance(value, dict):
            for k, v in list(value.items())[:6]:
                put(el, str(k), v)
        elif isinstance(value, list):
            for v in value[:4]:
                put(el, "person" if tag == "persons" else "item", v)
        elif value is not None:
            el.text = _xml_text(value)

    root = etree.Element("schedule")
    conf = doc["schedule"]["conference"]
    conf_el = etree.SubElement(root, "conference")
    for k, v in conf.items():
        if k != "days":
            put(conf_el, k, v)
    days = conf.get("days") if isinstance(conf.get("days"), list) else []
    for day in days:
        day_el = etree.SubElement(root, "day")
        if not isinstance(day, dict):
            continue
        for attr in ("date", "index"):
            if day.get(attr) is not None:
                day_el.set(attr, _xml_text(day[attr]))
        rooms = day.get("rooms") if isinstance(day.get("rooms"), dict) else {}
        for room, events in rooms.items():
            room_el = etree.SubElement(day_el, "room", name=_xml_text(room))
            for ev in events if isinstance(events, list) else []:
                ev_el = etree.SubElement(room_el, "event")
                if isinstance(ev, dict):
                    if ev.get("id") is not None:
                        ev_el.set("id", _xml_text(ev["id"]))
                    for k, v in ev.items():
                        if k != "id":
                            put(ev_el, str(k), v)
    return etree.tostring(root)


def _xml_text(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    text = str(value)
    # XML 1.0 cannot hold these at all; the reader's own handling of them is tested elsewhere.
    return "".join(
        c
        for c in text
        if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff" and not "\ud800" <= c <= "\udfff")
    )


@pytest.mark.parametrize("depth", [50, 5_000])
def test_deep_but_readable_nesting_in_every_field(depth: int) -> None:
    """Deep values where text is expected are read as nothing, not recursed into."""
    deep = "[" * depth + '"x"' + "]" * depth
    files = {
        "event": f'{{"name": {deep}, "timezone": "UTC", "description": {deep}}}',
        "sessions": f'[{{"id": 1, "title": {deep}, "starts-at": {deep}, "track": {deep}}}]',
    }
    try:
        _check(_raw({k: v.encode() for k, v in files.items()}))
    except RecursionError:  # pragma: no cover - the failure this test exists for
        pytest.fail("a deep value made a reader recurse")
