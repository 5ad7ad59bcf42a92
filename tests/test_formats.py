"""The C3VOC schedule.json, frab schedule.xml and Sessionize readers, and format detection."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from generator import config, sources
from generator.errors import DataError, InputError
from generator.model import Event, contrast_ratio
from generator.sources.common import Reporter

from .conftest import corpus_path

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
C3VOC = ["cccamp2019.schedule.json", "39c3-himmel.schedule.json"]
BRUSSELS = ZoneInfo("Europe/Brussels")


def load(source: Path | str, **flags: Any) -> tuple[Event, Reporter]:
    """Read a source the way a build does, returning the event and the problems found."""
    cfg = config.load({"source": str(source), **flags})
    report = Reporter()
    return sources.normalize(sources.load(cfg), cfg, report), report


def site_text(site: Path) -> str:
    """Every text file of a built site, concatenated."""
    suffixes = {".html", ".json", ".js", ".ics", ".xml", ".webmanifest", ".txt"}
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in suffixes)
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def names(event: Event, ids: tuple[str, ...]) -> list[str]:
    return [event.speakers_by_id[i].name for i in ids]


def room_of(event: Event, session: Any) -> str | None:
    return event.rooms_by_id[session.room_id].name if session.room_id else None


def track_of(event: Event, session: Any) -> str | None:
    return event.tracks_by_id[session.track_id].name if session.track_id else None


# --- the source, counted independently of the readers ---------------------------------------


def raw_c3voc(path: Path) -> list[dict[str, Any]]:
    """Every event of a schedule.json with what the site must show."""
    days = json.loads(path.read_text(encoding="utf-8"))["schedule"]["conference"]["days"]
    return [
        {
            "id": str(e["id"]),
            "start": datetime.fromisoformat(e["date"]),
            "room": e.get("room") or room,
            "track": e.get("track") or None,
            # Names are shown trimmed ("Tobias Zillner " in cccamp2019).
            "speakers": [(p.get("public_name") or p.get("name")).strip() for p in e["persons"]],
            "persons": {str(p.get("id") or p.get("guid")) for p in e["persons"]},
            "day": date.fromisoformat(day["date"]),
        }
        for day in days
        for room, events in day["rooms"].items()
        for e in events
    ]


def raw_fosdem(path: Path) -> list[dict[str, Any]]:
    """Every event of FOSDEM's schedule.xml; its naive times are Brussels time."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(path), parser).getroot()
    out = []
    for day in root.iter("day"):
        when = date.fromisoformat(day.get("date"))
        for e in day.iter("event"):
            clock = time.fromisoformat(e.findtext("start"))
            out.append(
                {
                    "id": e.get("id"),
                    "start": datetime.combine(when, clock, BRUSSELS),
                    "room": e.findtext("room"),
                    "track": e.findtext("track") or None,
                    "speakers": [p.text.strip() for p in e.iter("person")],
                    "persons": {p.get("id") for p in e.iter("person")},
                    "day": when,
                }
            )
    return out


def corpus_cases() -> list[tuple[str, str, list[str]]]:
    cases = [("c3voc", name, []) for name in C3VOC]
    return [*cases, ("frab-xml", "fosdem-2020.schedule.xml", ["--timezone", "Europe/Brussels"])]


def read_case(folder: str, name: str, flags: list[str]) -> tuple[Path, list[dict[str, Any]]]:
    path = corpus_path(folder, name)
    return path, (raw_fosdem(path) if folder == "frab-xml" else raw_c3voc(path))


@pytest.mark.parametrize(("folder", "name", "flags"), corpus_cases())
def test_corpus_counts_match_the_source(folder: str, name: str, flags: list[str]) -> None:
    path, raw = read_case(folder, name, flags)
    event, _ = load(path, timezone=flags[1] if flags else None)
    assert len({r["id"] for r in raw}) == len(raw)  # the corpus repeats no id
    assert len(event.sessions) == len(raw)
    assert {r.name for r in event.rooms} == {r["room"] for r in raw}
    assert len(event.rooms) == len({r["room"] for r in raw})
    assert sorted({s.day for s in event.sessions}) == sorted({r["day"] for r in raw})
    assert {t.name for t in event.tracks} == {r["track"] for r in raw} - {None}
    # A person is one speaker, however many sessions they give.
    assert len(event.speakers) == len(set().union(*(r["persons"] for r in raw)))


@pytest.mark.parametrize(("folder", "name", "flags"), corpus_cases())
def test_corpus_sample_sessions_match_the_source(folder: str, name: str, flags: list[str]) -> None:
    path, raw = read_case(folder, name, flags)
    event, _ = load(path, timezone=flags[1] if flags else None)
    ordered = sorted(raw, key=lambda r: int(r["id"]))
    n = len(ordered)
    sample = [ordered[i] for i in (0, n // 4, n // 2, 3 * n // 4, n - 1)]
    for want in sample:
        got = event.sessions_by_id[want["id"]]
        assert got.start == want["start"], want["id"]  # the same instant
        assert got.day == want["day"]
        assert room_of(event, got) == want["room"]
        assert track_of(event, got) == want["track"]
        assert names(event, got.speaker_ids) == want["speakers"]


@pytest.mark.parametrize(("folder", "name", "flags"), corpus_cases())
def test_corpus_file_builds(folder: str, name: str, flags: list[str], tmp_path: Path, run_cli):
    path, raw = read_case(folder, name, flags)
    out = tmp_path / "site"
    result = run_cli(path, "-o", out, "--no-remote", *flags)
    assert result.code == 0, result.text
    assert len(list((out / "sessions").glob("*.html"))) == len(raw)
    assert (out / "schedule.html").is_file()


def test_after_midnight_sessions_stay_on_the_evening_day() -> None:
    path = corpus_path("c3voc", "39c3-himmel.schedule.json")
    event, _ = load(path)
    assert event.day_change == time(6, 0)
    late = [s for s in event.sessions if s.start.astimezone(event.tz).hour < 6]
    assert late, "the 39c3 data has talks after midnight"
    for s in late:
        assert s.day == s.start.astimezone(event.tz).date() - timedelta(days=1), s.title


def test_fosdem_needs_a_timezone(tmp_path: Path, run_cli) -> None:
    path = corpus_path("frab-xml", "fosdem-2020.schedule.xml")
    result = run_cli(path, "-o", tmp_path / "site", "--no-remote")
    assert result.code == 1
    assert "pass --timezone" in result.text
    assert not (tmp_path / "site").exists()


def test_fosdem_html_abstracts_and_links() -> None:
    event, _ = load(corpus_path("frab-xml", "fosdem-2020.schedule.xml"), timezone="Europe/Brussels")
    talk = event.sessions_by_id["10715"]
    assert talk.abstract.startswith("<p>Today's Linux kernel")
    assert "<p>The talk will thus mention" in talk.abstract  # the description follows
    kinds = [link.kind for link in talk.links]
    assert kinds.count("video") == 2 and "slides" in kinds and "link" in kinds
    assert event.timezone == "Europe/Brussels"
    assert event.venue.startswith("ULB")


def test_c3voc_speakers_have_biographies_and_pictures() -> None:
    event, _ = load(corpus_path("c3voc", "39c3-himmel.schedule.json"))
    pajowu = [sp for sp in event.speakers if sp.name == "pajowu"]
    assert len(pajowu) == 1
    assert pajowu[0].bio.startswith("pajowu macht hacktivism")
    assert pajowu[0].photo == "https://cfp.cccv.de/media/avatars/3RGBM8_I2z1NKj.webp"
    assert event.tracks_by_id[event.sessions[0].track_id].color.startswith("#")


# --- hand-written fixtures: each format's odd cases ------------------------------------------


def test_c3voc_without_zone_name_uses_the_offsets_and_warns() -> None:
    event, report = load(FIXTURES / "c3voc-no-zone.schedule.json")
    assert event.timezone == "Etc/GMT-1"
    assert any("using Etc/GMT-1 from the offsets (+01:00)" in str(p) for p in report.warnings)
    assert event.source_format == "c3voc-json"
    assert event.identifier == "tinycon30"
    assert event.day_change == time(5, 0)  # from the days' day_end


def test_c3voc_fixture_sessions() -> None:
    event, _ = load(FIXTURES / "c3voc-no-zone.schedule.json")
    opening = event.sessions_by_id["101"]
    assert opening.minutes == 45  # "00:45:00"
    assert opening.abstract == "Welcome to **Tiny Congress**.\n\nWhat happens when and where."
    assert [(link.kind, link.url) for link in opening.links] == [
        ("slides", "https://slides.example.org/opening"),
        ("video", "https://media.ccc.de/v/tinycon30-101-opening"),
        ("attachment", "https://talks.example.org/files/opening-notes.pdf"),  # from base_url
    ]
    late = event.sessions_by_id["102"]
    assert late.start.isoformat() == "2030-03-02T01:30:00+01:00"
    assert late.day == date(2030, 3, 1)  # listed under the first day
    # pretalx repeats an id for a second slot: the guid tells it apart.
    repeat = event.sessions_by_id["0b7b9f0e-3c4f-4c55-9a53-2f7d3d6f0201"]
    assert repeat.title == "Opening (repeat)"
    closing = event.sessions_by_id["104"]  # no `date`: the day's date and `start`
    assert closing.start == datetime(2030, 3, 2, 16, 0, tzinfo=ZoneInfo("Etc/GMT-1"))
    assert event.sessions_by_id["103"].track_id is None


def test_c3voc_fixture_people_tracks_rooms() -> None:
    event, _ = load(FIXTURES / "c3voc-no-zone.schedule.json")
    by_name = {sp.name: sp for sp in event.speakers}
    assert sorted(by_name) == ["Ada Lovelace", "Grace Hopper", "Linus"]
    assert len(by_name["Ada Lovelace"].session_ids) == 3  # matched by id
    assert by_name["Grace Hopper"].session_ids == ("101", "102")  # matched by name
    assert by_name["Grace Hopper"].path == "speakers/grace-hopper.html"
    linus = by_name["Linus"]
    assert linus.bio == "Solders *everything*."
    assert linus.photo == "https://cfp.example.org/media/avatars/linus.png"
    assert linus.path == "speakers/5d9a0ae8-linus.html"
    hardware = event.tracks_by_id["hardware"]
    assert hardware.color == "#ffd700"
    assert contrast_ratio(hardware.color, hardware.font_color) >= 4.5
    assert [r.name for r in event.rooms] == ["Hall One", "Workshop Room"]
    assert len({s.path for s in event.sessions}) == len(event.sessions)


def _fixture_json(tmp_path: Path, change: Any) -> Path:
    data = json.loads((FIXTURES / "c3voc-no-zone.schedule.json").read_text(encoding="utf-8"))
    change(data["schedule"]["conference"])
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_c3voc_zone_name_disagreeing_with_offsets_is_a_warning(tmp_path: Path) -> None:
    path = _fixture_json(tmp_path, lambda c: c.update(time_zone_name="America/New_York"))
    event, report = load(path)
    assert event.timezone == "America/New_York"
    assert event.sessions_by_id["101"].start.isoformat() == "2030-03-01T10:00:00+01:00"
    assert any("disagree with America/New_York" in str(p) for p in report.warnings)


def test_c3voc_timezone_flag_names_the_zone_and_keeps_instants(tmp_path: Path) -> None:
    path = _fixture_json(tmp_path, lambda c: c.update(time_zone_name="Europe/Berlin"))
    event, report = load(path, timezone="Europe/Paris")
    assert event.timezone == "Europe/Paris"
    assert event.sessions_by_id["101"].start.isoformat() == "2030-03-01T10:00:00+01:00"
    assert report.warnings == []


def test_c3voc_unknown_zone_name_falls_back_to_the_offsets(tmp_path: Path) -> None:
    path = _fixture_json(tmp_path, lambda c: c.update(time_zone_name="Mars/Olympus"))
    event, report = load(path)
    assert event.timezone == "Etc/GMT-1"
    assert any("unknown time zone 'Mars/Olympus'" in str(p) for p in report.warnings)


def test_c3voc_offset_without_fixed_zone_asks_for_timezone(tmp_path: Path) -> None:
    def half_hour(conf: dict) -> None:
        for day in conf["days"]:
            for events in day["rooms"].values():
                for e in events:
                    if "date" in e:
                        e["date"] = e["date"].replace("+01:00", "+05:30")

    with pytest.raises(DataError, match=r"offset \+05:30 has no fixed Etc/ zone"):
        load(_fixture_json(tmp_path, half_hour))


def test_c3voc_naive_times_without_zone_ask_for_timezone(tmp_path: Path) -> None:
    def naive(conf: dict) -> None:
        for day in conf["days"]:
            for events in day["rooms"].values():
                for e in events:
                    e.pop("date", None)

    with pytest.raises(DataError, match="pass --timezone"):
        load(_fixture_json(tmp_path, naive))


def test_c3voc_day_change_flag_overrides_the_source_days() -> None:
    event, _ = load(FIXTURES / "c3voc-no-zone.schedule.json", day_change="01:00")
    assert event.sessions_by_id["102"].day == date(2030, 3, 2)


def test_frab_xml_without_rooms_guid_or_zone() -> None:
    with pytest.raises(DataError, match="pass --timezone"):
        load(FIXTURES / "frab-no-rooms.schedule.xml")
    event, report = load(FIXTURES / "frab-no-rooms.schedule.xml", timezone="Europe/Brussels")
    assert report.problems == []
    assert event.source_format == "frab-xml"
    assert [r.name for r in event.rooms] == ["Aula", "Cellar"]
    welcome = event.sessions_by_id["7"]
    assert welcome.start == datetime(2031, 2, 1, 9, 30, tzinfo=BRUSSELS)
    assert welcome.minutes == 25  # "00:25:00"
    opening, description = "<p>The <em>opening</em> talk.</p>", "<p>Rooms, food and the wifi.</p>"
    assert welcome.abstract == f"{opening}\n\n{description}"
    assert [link.kind for link in welcome.links] == ["video", "link", "slides"]
    night = event.sessions_by_id["8"]  # 02:00, before the 05:00 day change
    assert night.start == datetime(2031, 2, 2, 2, 0, tzinfo=BRUSSELS)
    assert night.day == date(2031, 2, 1)
    noor = next(sp for sp in event.speakers if sp.name == "Noor")
    assert noor.session_ids == ("8", "9")
    assert noor.bio == "<p>Hacks on things at night.</p>"  # from the top-level <persons>
    assert noor.photo == "https://foss.example.org/people/noor.jpg"
    assert len(event.speakers) == 2
    assert event.venue == "Old Library, Ghent"


def test_frab_xml_day_change_flag_regroups_but_keeps_times() -> None:
    event, _ = load(
        FIXTURES / "frab-no-rooms.schedule.xml", timezone="Europe/Brussels", day_change="10:00"
    )
    assert event.day_change == time(10, 0)
    welcome = event.sessions_by_id["7"]  # 09:30: the data's day change (05:00) places it
    assert welcome.start == datetime(2031, 2, 1, 9, 30, tzinfo=BRUSSELS)
    assert welcome.day == date(2031, 1, 31)  # counted from 10:00 as asked


def test_frab_xml_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xml = (FIXTURES / "frab-no-rooms.schedule.xml").read_text(encoding="utf-8")
    xml = xml.replace(
        "<schedule>",
        f'<!DOCTYPE schedule [<!ENTITY x SYSTEM "file://{secret}">]>\n<schedule>',
        1,
    ).replace("<title>Welcome</title>", "<title>Welcome &x;</title>")
    path = tmp_path / "schedule.xml"
    path.write_text(xml, encoding="utf-8")
    event, _ = load(path, timezone="Europe/Brussels")
    assert "TOP-SECRET" not in event.sessions_by_id["7"].title


def test_frab_xml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "schedule.xml"
    path.write_text("<schedule>\n<conference>\n</schedule>\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"invalid XML at line 3"):
        load(path)


def test_sessionize_without_timezone_is_a_clear_error(tmp_path: Path, run_cli) -> None:
    with pytest.raises(DataError, match="pass --timezone"):
        load(FIXTURES / "sessionize-all.json")
    result = run_cli(FIXTURES / "sessionize-all.json", "-o", tmp_path / "site")
    assert result.code == 1
    assert "Sessionize data has no time zone; pass --timezone" in result.text


def test_sessionize_reads_sessions_speakers_rooms_categories() -> None:
    event, report = load(FIXTURES / "sessionize-all.json", timezone="Europe/Oslo")
    assert event.source_format == "sessionize"
    assert [s.id for s in event.sessions] == ["5001", "5002", "5003"]  # declined, unscheduled out
    assert any("5005" in str(p) for p in report.warnings)
    keynote = event.sessions_by_id["5001"]
    assert keynote.start.isoformat() == "2032-06-10T09:00:00+02:00"
    assert (track_of(event, keynote), keynote.kind) == ("Platform", "Keynote")
    assert room_of(event, keynote) == "Main Hall"
    assert [(link.kind, link.url) for link in keynote.links] == [
        ("recording", "https://video.example.org/5001")
    ]
    assert names(event, event.sessions_by_id["5002"].speaker_ids) == ["Mira Okafor", "Jon Berg"]
    assert [sp.name for sp in event.speakers] == ["Jon Berg", "Mira Okafor"]
    mira = event.speakers[1]
    assert (mira.position, mira.featured, mira.bio) == (
        "Engineer at Tiny Tools",
        True,
        "Builds **small** tools.",
    )
    assert [r.name for r in event.rooms] == ["Main Hall", "Room B"]  # by `sort`


def test_sessionize_builds_with_timezone(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "site"
    result = run_cli(FIXTURES / "sessionize-all.json", "-o", out, "--timezone", "Europe/Oslo")
    assert result.code == 0, result.text
    assert len(list((out / "sessions").glob("*.html"))) == 3
    text = site_text(out)
    assert "Mira Okafor" in text
    assert "secret" not in text and "+00 000" not in text  # question answers never published
    assert "Only Declined" not in text


def test_c3voc_fixture_builds(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "site"
    result = run_cli(FIXTURES / "c3voc-no-zone.schedule.json", "-o", out, "--no-remote")
    assert result.code == 0, result.text
    assert len(list((out / "sessions").glob("*.html"))) == 5


# --- detection and sources --------------------------------------------------------------------


def test_folder_with_one_schedule_file(tmp_path: Path) -> None:
    folder = tmp_path / "event"
    folder.mkdir()
    shutil.copy(FIXTURES / "frab-no-rooms.schedule.xml", folder / "fahrplan.xml")
    (folder / "notes.txt").write_text("not data", encoding="utf-8")
    event, _ = load(folder, timezone="Europe/Brussels")
    assert event.source_format == "frab-xml"


def test_folder_picks_the_schedule_among_other_json(tmp_path: Path) -> None:
    folder = tmp_path / "event"
    folder.mkdir()
    shutil.copy(FIXTURES / "sessionize-all.json", folder / "export.json")
    (folder / "package.json").write_text('{"name": "not-an-event"}', encoding="utf-8")
    event, _ = load(folder, timezone="Europe/Oslo")
    assert event.source_format == "sessionize"


def test_folder_with_two_schedules_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "event"
    folder.mkdir()
    shutil.copy(FIXTURES / "c3voc-no-zone.schedule.json", folder / "schedule.json")
    shutil.copy(FIXTURES / "frab-no-rooms.schedule.xml", folder / "schedule.xml")
    with pytest.raises(InputError, match="several schedule files"):
        load(folder)
    event, _ = load(folder, format="frab-xml", timezone="Europe/Brussels")  # --format decides
    assert event.source_format == "frab-xml"


def test_zip_with_a_schedule_file(tmp_path: Path) -> None:
    archive = tmp_path / "fahrplan.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURES / "frab-no-rooms.schedule.xml", "export/schedule.xml")
    event, _ = load(archive, timezone="Europe/Brussels")
    assert (event.source_format, len(event.sessions)) == ("frab-xml", 3)


def test_open_event_folder_still_wins(event_dir: Path) -> None:
    shutil.copy(FIXTURES / "c3voc-no-zone.schedule.json", event_dir / "schedule.json")
    event, _ = load(event_dir)
    assert event.source_format == "openevent"
    assert event.name == "Test Conf"


def test_forced_format_must_fit_the_data() -> None:
    with pytest.raises(DataError, match=r"not a frab schedule\.xml"):
        load(FIXTURES / "c3voc-no-zone.schedule.json", format="frab-xml")
    with pytest.raises(InputError, match="unknown input format"):
        load(FIXTURES / "c3voc-no-zone.schedule.json", format="pentabarf")
    event, _ = load(FIXTURES / "c3voc-no-zone.schedule.json", format="c3voc-json")
    assert event.source_format == "c3voc-json"


def test_incomplete_open_event_folder_is_not_mistaken_for_a_schedule(event_dir: Path) -> None:
    (event_dir / "event").unlink()
    (event_dir / "config.json").write_text('{"theme": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"no event data found \(microlocations, sessions"):
        load(event_dir)


def test_unknown_data_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(InputError, match="no event data found"):
        load(path)


def test_url_to_a_single_schedule_file(served: tuple[str, Path]) -> None:
    url, root = served
    shutil.copy(FIXTURES / "c3voc-no-zone.schedule.json", root / "schedule.json")
    (root / "api" / "view").mkdir(parents=True)
    shutil.copy(FIXTURES / "sessionize-all.json", root / "api" / "view" / "All")
    event, _ = load(f"{url}schedule.json")
    assert (event.source_format, len(event.sessions)) == ("c3voc-json", 5)
    event, _ = load(f"{url}api/view/All", timezone="Europe/Oslo")  # no suffix: by content
    assert (event.source_format, len(event.sessions)) == ("sessionize", 3)
