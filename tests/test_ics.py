"""Calendar export: paths, instants, identity, reproducibility, escaping, folding, the corpus."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from generator import ics, schedule, sources
from generator.config import load
from generator.errors import ConfigError
from generator.model import Event, Room, Session, Speaker, Track, conference_day
from generator.sources.common import Reporter

from .conftest import corpus_path

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
BASE = "https://example.org/conf/"
HOSTILE = "Line one\nline two; a, b \\ c \\n " + "Ω漢字é" * 50
# Tags an abstract really uses; literal text such as "<INSERT TOOL HERE>" is fine in plain text.
HTML_TAG = re.compile(r"</?(p|span|div|b|strong|em|i|u|a|br|ul|ol|li|h[1-6]|img|script)\b", re.I)
DATASETS = ["FOSSASIASummit2017", "FOSSASIASummit2018", "OpenTechSummit2017", "SparkSummit17"]


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A wall-clock time in Berlin in 2030."""
    return datetime(2030, month, day, hour, minute, tzinfo=BERLIN)


def make_session(sid: str, title: str, start: datetime, end: datetime, **extra) -> Session:
    """A session with its page path and conference day filled in."""
    return Session(
        id=sid,
        title=title,
        slug=sid,
        path=f"sessions/{sid}-talk.html",
        start=start,
        end=end,
        day=conference_day(start, BERLIN, Event.day_change),
        **extra,
    )


def make_event(sessions: tuple[Session, ...] | None = None, tz: str = "Europe/Berlin") -> Event:
    """A small event in Berlin around the March 2030 switch to summer time."""
    tracks = (
        Track("t1", "Main", "main", "#1565c0", "#ffffff"),
        Track("t2", "Data, AI; \\ more", "data-ai", "#2e7d32", "#ffffff"),
        Track("t3", "Empty", "empty", "#ad1457", "#ffffff"),
    )
    rooms = (Room("r1", "Hall A; 1st floor, left", "hall-a"), Room("r2", "Room B", "room-b"))
    speakers = (
        Speaker("p1", "Ada Lovelace", "ada", "speakers/p1-ada.html"),
        Speaker("p2", "Bob, Jr.", "bob", "speakers/p2-bob.html"),
    )
    if sessions is None:
        sessions = (
            make_session(
                "12",
                "Intro",
                at(30, 10),
                at(30, 10, 30),
                track_id="t1",
                room_id="r1",
                speaker_ids=("p1", "p2"),
                abstract="<p>Hello <b>world</b> &amp; friends</p><ul><li>one</li></ul>",
                last_modified=datetime(2030, 2, 1, 8, 30, tzinfo=UTC),
            ),
            # Given with a fixed offset, as some readers produce: must still get the zone's TZID.
            make_session(
                "13",
                "After the switch",
                datetime(2030, 3, 31, 10, 0, tzinfo=timezone(timedelta(hours=2))),
                datetime(2030, 3, 31, 11, 0, tzinfo=timezone(timedelta(hours=2))),
                track_id="t2",
                room_id="r2",
                speaker_ids=("p2",),
                abstract="**Markdown** with a [link](https://example.com) and *more*.",
            ),
            make_session("14", "Night owl", at(31, 23, 30), at(1, 0, 30, month=4), track_id="t1"),
            make_session("15", "Zero length", at(31, 12), at(31, 12), guid="guid-15@example"),
            make_session("16", HOSTILE, at(30, 14), at(30, 15), track_id="t2"),
        )
    return Event(
        id="7",
        identifier="conf30",
        name="Test Conf",
        timezone=tz,
        start=min(s.start for s in sessions),
        end=max(s.end for s in sessions),
        sessions=sessions,
        speakers=speakers,
        tracks=tracks,
        rooms=rooms,
    )


def build(event: Event, base_url: str = BASE, stamp: datetime = STAMP) -> dict[str, bytes]:
    """All calendar files of `event`."""
    return ics.build_calendars(event, schedule.group(event), base_url, stamp)


def vevents(data: bytes) -> list:
    """The VEVENTs of a calendar file, parsed back with icalendar."""
    return Calendar.from_ical(data).walk("VEVENT")


def by_uid(event: Event, files: dict[str, bytes]) -> dict[str, Session]:
    """Sessions keyed by the UID their own one-session calendar gave them."""
    _, _, session_paths = ics.calendar_paths(event)
    out = {}
    for s in event.sessions:
        (only,) = vevents(files[session_paths[s.id]])
        out[str(only["UID"])] = s
    return out


def test_calendar_paths() -> None:
    event = make_event()
    whole, tracks, sessions = ics.calendar_paths(event)
    assert whole == "calendar/conf30.ics"
    assert tracks == {"t1": "calendar/track-main.ics", "t2": "calendar/track-data-ai.ics"}
    assert sessions["12"] == "calendar/sessions/12-talk.ics"
    assert len(sessions) == len(event.sessions)
    files = build(event)
    assert set(files) == {whole, *tracks.values(), *sessions.values()}


def test_colliding_track_slugs_get_distinct_files() -> None:
    event = make_event()
    t = Track("t9", "MAIN", "Main", "#000000", "#ffffff")
    s = make_session("90", "x", at(30, 9), at(30, 10), track_id="t9")
    event = make_event((*event.sessions, s))
    event = Event(**{**event.__dict__, "tracks": (*event.tracks, t)})
    _, tracks, _ = ics.calendar_paths(event)
    assert len({p.lower() for p in tracks.values()}) == len(tracks) == 3


def test_times_are_zoned_and_match_the_source() -> None:
    event = make_event()
    files = build(event)
    sessions = by_uid(event, files)
    for path, data in files.items():
        cal = Calendar.from_ical(data)
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"], path
        assert cal.get_missing_tzids() == set()
        for ve in cal.walk("VEVENT"):
            s = sessions[str(ve["UID"])]
            assert ve["DTSTART"].params["TZID"] == "Europe/Berlin"
            assert ve.start.tzinfo is not None and ve.end.tzinfo is not None
            assert ve.start == s.start and ve.end == s.end, (path, s.id)
            assert ve.start.utcoffset() == s.start.astimezone(BERLIN).utcoffset()


def _observances(vtz) -> list[tuple[datetime, timedelta]]:
    """(onset in UTC, offset after) for each block, read the RFC 5545 way."""
    out = []
    for block in vtz.walk():
        if block.name in ("STANDARD", "DAYLIGHT"):
            onset = block["DTSTART"].dt - block["TZOFFSETFROM"].td
            out.append((onset.replace(tzinfo=UTC), block["TZOFFSETTO"].td))
    return sorted(out)


def _resolve(local: datetime, observances: list[tuple[datetime, timedelta]]) -> datetime:
    """The UTC instant of a wall-clock time, using only the VTIMEZONE's data."""
    naive = local.replace(tzinfo=None)
    for i, (onset, offset) in enumerate(observances):
        instant = (naive - offset).replace(tzinfo=UTC)
        nxt = observances[i + 1][0] if i + 1 < len(observances) else None
        if onset <= instant and (nxt is None or instant < nxt):
            return instant
    raise AssertionError(f"{local} is not covered by the VTIMEZONE")


def test_dst_zone_gives_right_utc_instants() -> None:
    event = make_event()
    files = build(event)
    cal = Calendar.from_ical(files[ics.calendar_paths(event)[0]])
    (vtz,) = cal.walk("VTIMEZONE")
    observances = _observances(vtz)
    # The switches of 2030 happen at 01:00 UTC on the last Sundays of March and October.
    assert datetime(2030, 3, 31, 1, 0, tzinfo=UTC) in [o for o, _ in observances]
    assert datetime(2030, 10, 27, 1, 0, tzinfo=UTC) in [o for o, _ in observances]
    for onset, offset in observances:
        assert (onset - timedelta(seconds=1)).astimezone(BERLIN).utcoffset() != offset or (
            onset == observances[0][0]
        )
        assert onset.astimezone(BERLIN).utcoffset() == offset
    expected = {"12": datetime(2030, 3, 30, 9, 0), "13": datetime(2030, 3, 31, 8, 0)}
    for ve in cal.walk("VEVENT"):
        sid = str(ve["UID"]).split("@")[0]
        wall = ve["DTSTART"].dt
        assert _resolve(wall, observances) == ve.start.astimezone(UTC)  # VTIMEZONE alone agrees
        if sid in expected:
            assert ve.start.astimezone(UTC) == expected[sid].replace(tzinfo=UTC)


def test_utc_event_uses_z_and_no_vtimezone() -> None:
    event = make_event(tz="UTC")
    data = build(event)[ics.calendar_paths(event)[0]]
    assert b"BEGIN:VTIMEZONE" not in data and b"TZID" not in data
    assert re.search(rb"DTSTART:20300330T090000Z\r\n", data)
    assert b"X-WR-TIMEZONE:UTC\r\n" in data


def test_uids_are_stable_and_unique() -> None:
    event = make_event()
    first, second = build(event), build(event, stamp=STAMP + timedelta(days=3))
    for path, data in first.items():
        uids = [str(ve["UID"]) for ve in vevents(data)]
        assert len(uids) == len(set(uids)), path
        assert uids == [str(ve["UID"]) for ve in vevents(second[path])]
    uids = set(by_uid(event, first))
    assert "12@conf30.eventsite" in uids
    assert "guid-15@example" in uids  # the data's own guid wins


def test_duplicate_guid_is_not_used() -> None:
    base = make_event().sessions
    twins = (
        make_session("1", "a", at(30, 9), at(30, 10), guid="same"),
        make_session("2", "b", at(30, 9), at(30, 10), guid="same"),
    )
    event = make_event((*base, *twins))
    uids = [str(ve["UID"]) for ve in vevents(build(event)[ics.calendar_paths(event)[0]])]
    assert "same" not in uids and len(set(uids)) == len(event.sessions)


def test_same_epoch_gives_identical_bytes_and_another_changes_dtstamp() -> None:
    event = make_event()
    stamp = ics.build_stamp({"SOURCE_DATE_EPOCH": "1900000000"})
    assert stamp == datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC)
    assert build(event, stamp=stamp) == build(make_event(), stamp=stamp)
    later = build(event, stamp=ics.build_stamp({"SOURCE_DATE_EPOCH": "1900000060"}))
    for path, data in build(event, stamp=stamp).items():
        assert data != later[path]
        assert b"DTSTAMP:20300317T174640Z\r\n" in data
        assert b"DTSTAMP:20300317T174740Z\r\n" in later[path]


def test_build_stamp_without_epoch_is_now_and_rejects_garbage() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = ics.build_stamp({})
    assert stamp.tzinfo is UTC and before <= stamp <= datetime.now(UTC)
    assert ics.build_stamp({"SOURCE_DATE_EPOCH": ""}) >= before
    for bad in ("soon", "-5", "1.5", "9" * 30):
        with pytest.raises(ConfigError):
            ics.build_stamp({"SOURCE_DATE_EPOCH": bad})


def test_hostile_title_and_names_round_trip() -> None:
    event = make_event()
    files = build(event)
    _, tracks, session_paths = ics.calendar_paths(event)
    data = files[session_paths["16"]]
    (ve,) = vevents(data)
    assert str(ve["SUMMARY"]) == HOSTILE
    assert [str(c) for c in ve.categories] == ["Data, AI; \\ more"]
    unfolded = data.replace(b"\r\n ", b"").split(b"\r\n")
    assert len([line for line in unfolded if line.startswith(b"SUMMARY")]) == 1
    cal = Calendar.from_ical(files[tracks["t2"]])
    assert str(cal["X-WR-CALNAME"]) == "Test Conf – Data, AI; \\ more"
    (room_event,) = vevents(files[session_paths["12"]])
    assert str(room_event["LOCATION"]) == "Hall A; 1st floor, left"


def test_control_characters_are_dropped_and_cr_becomes_newline() -> None:
    s = make_session("1", "a\r\nb\rc\x00d\x1be\tf", at(30, 9), at(30, 10))
    event = make_event((s,))
    (ve,) = vevents(build(event)[ics.calendar_paths(event)[0]])
    assert str(ve["SUMMARY"]) == "a\nb\ncde\tf"


def test_lines_are_folded_at_75_octets_with_crlf() -> None:
    for path, data in build(make_event()).items():
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
        lines = data.split(b"\r\n")
        assert lines[-1] == b""
        for line in lines[:-1]:
            assert b"\n" not in line and b"\r" not in line, path
            assert len(line) <= 75, (path, line)
            line.decode("utf-8")  # a fold never splits a multi-byte character


def test_midnight_and_zero_length_sessions() -> None:
    event = make_event()
    files = build(event)
    _, _, session_paths = ics.calendar_paths(event)
    (night,) = vevents(files[session_paths["14"]])
    assert night.start == at(31, 23, 30) and night.end == at(1, 0, 30, month=4)
    assert night.end.date() == date(2030, 4, 1)
    raw = files[session_paths["15"]]
    assert b"DTEND" not in raw and b"DURATION:P0D\r\n" in raw
    (zero,) = vevents(raw)
    assert zero.start == zero.end == at(31, 12)
    assert zero.duration == timedelta(0)


def test_track_calendars_hold_exactly_their_sessions() -> None:
    event = make_event()
    files = build(event)
    whole, tracks, _ = ics.calendar_paths(event)
    sessions = by_uid(event, files)
    for track_id, path in tracks.items():
        got = {sessions[str(ve["UID"])].id for ve in vevents(files[path])}
        assert got == {s.id for s in event.sessions if s.track_id == track_id}
        name = event.tracks_by_id[track_id].name
        assert str(Calendar.from_ical(files[path])["X-WR-CALNAME"]) == f"Test Conf – {name}"
    assert len(vevents(files[whole])) == len(event.sessions)
    assert not any("track-empty" in p for p in files)
    cal = Calendar.from_ical(files[whole])
    assert str(cal["X-WR-CALNAME"]) == "Test Conf"
    assert str(cal["PRODID"]) == "-//eventsite//eventsite 0.1.0//EN"
    assert (cal["VERSION"], cal["CALSCALE"], cal["METHOD"]) == ("2.0", "GREGORIAN", "PUBLISH")
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Berlin"


def test_url_only_with_base_url() -> None:
    event = make_event()
    path = ics.calendar_paths(event)[2]["12"]
    (with_base,) = vevents(build(event)[path])
    assert str(with_base["URL"]) == "https://example.org/conf/sessions/12-talk.html"
    assert str(with_base["DESCRIPTION"]).endswith(
        "\n\nhttps://example.org/conf/sessions/12-talk.html"
    )
    for data in build(event, base_url="").values():
        assert b"URL" not in data and b"http" not in data.replace(b"https://example.com", b"")


def test_description_is_plain_text_with_speakers() -> None:
    event = make_event()
    files = build(event)
    for ve in vevents(files[ics.calendar_paths(event)[0]]):
        assert not HTML_TAG.search(str(ve.get("DESCRIPTION", "")))
    _, _, paths = ics.calendar_paths(event)
    (intro,) = vevents(files[paths["12"]])
    text = str(intro["DESCRIPTION"])
    assert text.startswith("Hello world & friends\n• one\n\nSpeakers: Ada Lovelace, Bob, Jr.\n\n")
    (md,) = vevents(files[paths["13"]])
    assert str(md["DESCRIPTION"]).startswith("Markdown with a link and more.\n\nSpeakers: Bob, Jr.")
    assert "LAST-MODIFIED:20300201T083000Z" in files[paths["12"]].decode()


def test_concatenation_equals_a_full_to_ical() -> None:
    event = make_event()
    files = build(event)
    for path, data in files.items():
        parsed = Calendar.from_ical(data)
        assert parsed.to_ical() == data, path
        # The same calendar assembled in one piece by icalendar serialises to the same bytes.
        whole = Calendar()
        for name, value in parsed.property_items(recursive=False)[1:-1]:
            whole.add(name, value)
        for component in parsed.subcomponents:
            whole.add_component(component)
        assert whole.to_ical() == data, path


def test_each_vevent_is_serialised_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = ics._vevent

    def counting(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(ics, "_vevent", counting)
    event = make_event()
    build(event)
    assert len(calls) == len(event.sessions)


@pytest.mark.parametrize(
    "where",
    [
        ("openevent", "FOSSASIASummit2017", ""),
        ("openevent", "FOSSASIASummit2018", ""),
        ("c3voc", "39c3-himmel.schedule.json", ""),
        ("c3voc", "cccamp2019.schedule.json", "UTC"),
        ("frab-xml", "fosdem-2020.schedule.xml", "Europe/Brussels"),
    ],
    ids=lambda w: w[1],
)
def test_corpus_calendars_are_what_icalendar_writes(where: tuple[str, str, str]) -> None:
    # Our VEVENTs are written directly, not through icalendar objects: icalendar must read
    # every real calendar back and write the very same bytes (order, escaping, folding).
    folder, name, zone = where
    cfg = load({"source": str(corpus_path(folder, name)), "timezone": zone})
    event = sources.normalize(sources.load(cfg), cfg, Reporter())
    files = ics.build_calendars(event, schedule.group(event), "https://example.org/", at(1, 9))
    whole = files[ics.calendar_paths(event)[0]]
    parsed = Calendar.from_ical(whole)
    assert len(parsed.walk("VEVENT")) == len(event.sessions)
    assert parsed.to_ical() == whole


def _corpus_event(name: str) -> Event:
    cfg = load({"source": str(corpus_path("openevent", name))})
    return sources.normalize(sources.load(cfg), cfg, Reporter())


@pytest.mark.parametrize("name", DATASETS)
def test_corpus_calendars(name: str) -> None:
    event = _corpus_event(name)
    files = build(event)
    whole, tracks, session_paths = ics.calendar_paths(event)
    assert set(files) == {whole, *tracks.values(), *session_paths.values()}
    assert len(vevents(files[whole])) == len(event.sessions)
    sessions = by_uid(event, files)
    assert len(sessions) == len(event.sessions)
    tracked = 0
    for path, data in files.items():
        assert max(len(line) for line in data.split(b"\r\n")) <= 75
        cal = Calendar.from_ical(data)
        assert cal.get_missing_tzids() == set()
        events = cal.walk("VEVENT")
        assert len({str(ve["UID"]) for ve in events}) == len(events)
        for ve in events:
            s = sessions[str(ve["UID"])]
            assert ve.start == s.start and ve.end == s.end, (path, s.id)
            assert ve.start.tzinfo is not None
            assert not HTML_TAG.search(str(ve.get("DESCRIPTION", "")))
        if path in tracks.values():
            tracked += len(events)
    assert tracked == sum(1 for s in event.sessions if s.track_id in tracks)


def test_fast_fold_matches_icalendar() -> None:
    import random

    from icalendar.parser.string import _foldline

    rng = random.Random(3)
    for _ in range(3000):
        alphabet = "abc \\^;,:Ωé漢字😀" if rng.random() < 0.5 else "abcdefgh\\^"
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        assert ics._fold(line) == _foldline(line).encode("utf-8")
