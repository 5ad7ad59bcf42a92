"""schedule.json and schedule.xml exports: valid against the C3VOC specs, stable, readable back."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from generator import config, exports, schedule, sources
from generator.model import Event
from generator.sources.common import Reporter

from .conftest import CORPUS, ROOT, SAMPLE

SPECS = ROOT.parent / "shared" / "specs"
BASE = "https://example.org/conf/"
DATASETS = {
    "sample": (SAMPLE, None),
    "FOSSASIASummit2017": (CORPUS / "openevent" / "FOSSASIASummit2017", None),
    "FOSSASIASummit2018": (CORPUS / "openevent" / "FOSSASIASummit2018", None),
    "OpenTechSummit2017": (CORPUS / "openevent" / "OpenTechSummit2017", None),
    "SparkSummit17": (CORPUS / "openevent" / "SparkSummit17", None),
    "cccamp2019": (CORPUS / "c3voc" / "cccamp2019.schedule.json", None),
    "39c3-himmel": (CORPUS / "c3voc" / "39c3-himmel.schedule.json", None),
    "fosdem-2020": (CORPUS / "frab-xml" / "fosdem-2020.schedule.xml", "Europe/Brussels"),
}


def read(source: Path | str, timezone: str | None = None) -> Event:
    cfg = config.load({"source": str(source), "timezone": timezone})
    return sources.normalize(sources.load(cfg), cfg, Reporter())


@cache
def dataset(name: str) -> Event:
    path, zone = DATASETS[name]
    if not path.exists():
        pytest.skip(f"{path} not found (../shared/corpus is absent; CI always has it)")
    return read(path, zone)


@cache
def json_validator() -> jsonschema.Draft6Validator:
    path = SPECS / "c3voc-schedule.schema.json"
    if not path.is_file():
        pytest.skip(f"{path} not found: the C3VOC JSON schema lives in ../shared/specs")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )


@cache
def xml_schema() -> etree.XMLSchema:
    path = SPECS / "c3voc-schedule.xml.xsd"
    if not path.is_file():
        pytest.skip(f"{path} not found: the C3VOC XSD lives in ../shared/specs")
    return etree.XMLSchema(etree.parse(str(path)))


def json_errors(body: bytes) -> list[str]:
    errors = json_validator().iter_errors(json.loads(body))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors]


def xml_errors(body: bytes) -> list[str]:
    schema = xml_schema()
    if schema.validate(etree.fromstring(body)):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@pytest.mark.parametrize("name", list(DATASETS))
@pytest.mark.parametrize("base_url", ["", BASE])
def test_exports_are_valid(name: str, base_url: str) -> None:
    event = dataset(name)
    sched = schedule.group(event)
    assert json_errors(exports.schedule_json(event, sched, base_url)) == []
    assert xml_errors(exports.schedule_xml(event, sched, base_url)) == []


def test_the_validators_can_fail() -> None:
    event = dataset("sample")
    sched = schedule.group(event)
    doc = json.loads(exports.schedule_json(event, sched, BASE))
    first_day = doc["schedule"]["conference"]["days"][0]
    first = next(iter(first_day["rooms"].values()))[0]
    del first["guid"]
    assert json_errors(json.dumps(doc).encode()) != []
    root = etree.fromstring(exports.schedule_xml(event, sched, BASE))
    del root.find("day/room/event").attrib["guid"]
    assert xml_errors(etree.tostring(root)) != []


def _key(event: Event, s, guid: str) -> tuple:
    return (
        guid,
        s.title,
        s.start,
        s.end,
        s.day,
        event.rooms_by_id[s.room_id].name if s.room_id else None,
        event.tracks_by_id[s.track_id].name if s.track_id else None,
        tuple(event.speakers_by_id[x].name for x in s.speaker_ids),
    )


@pytest.mark.parametrize("name", list(DATASETS))
@pytest.mark.parametrize("path", exports.PATHS)
def test_our_export_reads_back_the_same(name: str, path: str, tmp_path: Path) -> None:
    event = dataset(name)
    sched = schedule.group(event)
    render = exports.schedule_json if path.endswith(".json") else exports.schedule_xml
    (tmp_path / path).write_bytes(render(event, sched, BASE))
    back = read(tmp_path / path)
    assert back.source_format == ("c3voc-json" if path.endswith(".json") else "frab-xml")
    assert back.name == event.name
    want = {_key(event, s, exports.session_guid(event, s)) for s in event.sessions}
    got = {_key(back, s, s.guid) for s in back.sessions}
    assert got == want
    # Numeric ids come back as they were.
    numeric = {s.id for s in event.sessions if s.id.isdigit() and not s.id.startswith("0")}
    assert numeric <= {s.id for s in back.sessions}


def test_exports_are_stable_and_versioned_by_content() -> None:
    event = dataset("sample")
    sched = schedule.group(event)
    one, two = exports.schedule_json(event, sched, BASE), exports.schedule_json(event, sched, BASE)
    assert one == two
    assert exports.schedule_xml(event, sched, BASE) == exports.schedule_xml(event, sched, BASE)
    version = json.loads(one)["schedule"]["version"]
    xml_version = etree.fromstring(exports.schedule_xml(event, sched, BASE)).findtext("version")
    assert version == xml_version
    first = event.sessions[0]
    renamed = replace(event, sessions=(replace(first, title="Renamed"), *event.sessions[1:]))
    other = json.loads(exports.schedule_json(renamed, schedule.group(renamed), BASE))
    assert other["schedule"]["version"] != version


def test_guids_are_kept_or_derived_from_event_and_session() -> None:
    event = dataset("sample")
    s = event.sessions[0]
    assert not s.guid
    derived = str(uuid.uuid5(exports.NAMESPACE, f"{event.identifier}/session/{s.id}"))
    assert exports.session_guid(event, s) == derived
    own = "0b7b9f0e-3c4f-4c55-9a53-2f7d3d6f0101"
    assert exports.session_guid(event, replace(s, guid=own)) == own
    assert len({exports.session_guid(event, x) for x in event.sessions}) == len(event.sessions)


def test_session_urls_and_persons() -> None:
    event = dataset("sample")
    sched = schedule.group(event)
    by_guid = {exports.session_guid(event, s): s for s in event.sessions}
    for base_url in ("", BASE):
        doc = json.loads(exports.schedule_json(event, sched, base_url))
        items = [
            item
            for day in doc["schedule"]["conference"]["days"]
            for room in day["rooms"].values()
            for item in room
        ]
        assert len(items) == len(event.sessions)
        for item in items:
            session = by_guid[item["guid"]]
            assert item["url"] == base_url + session.path
            speakers = [event.speakers_by_id[x].name for x in session.speaker_ids]
            assert [p["public_name"] for p in item["persons"]] == speakers


def test_export_days_follow_the_schedule() -> None:
    event = dataset("39c3-himmel")
    sched = schedule.group(event)
    days = json.loads(exports.schedule_json(event, sched, ""))["schedule"]["conference"]["days"]
    assert [d["date"] for d in days] == [d.slug for d in sched.days]
    assert [sum(map(len, d["rooms"].values())) for d in days] == [
        len(d.sessions) for d in sched.days
    ]
    assert exports.PATHS == ("schedule.json", "schedule.xml")


def test_an_event_without_sessions_exports_valid_files() -> None:
    event = replace(dataset("sample"), sessions=(), speakers=(), tracks=(), rooms=())
    sched = schedule.group(event)
    assert json_errors(exports.schedule_json(event, sched, BASE)) == []
    assert xml_errors(exports.schedule_xml(event, sched, BASE)) == []
